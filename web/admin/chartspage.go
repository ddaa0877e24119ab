package admin

import (
	"context"
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"strings"

	"envoybot/store"
)

// chartsView is the charts page.
type chartsView struct {
	Charts  []chart
	Turnout *store.Turnout
	NoShow  string
}

// chartsPage draws the four charts.
func (s *server) chartsPage(w http.ResponseWriter, r *http.Request, ss *session) {
	v, err := s.charts(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.renderAuthed(w, r, ss, "charts", page{Title: "图表", Data: v})
}

// charts reads the figures and lays out every chart.
func (s *server) charts(ctx context.Context) (*chartsView, error) {
	months, err := s.st.ActivitiesPerMonth(ctx, s.loc)
	if err != nil {
		return nil, fmt.Errorf("admin: charts: %w", err)
	}
	hours, err := s.st.HoursPerCommunity(ctx)
	if err != nil {
		return nil, fmt.Errorf("admin: charts: %w", err)
	}
	turnout, err := s.st.TurnoutBefore(ctx, s.now())
	if err != nil {
		return nil, fmt.Errorf("admin: charts: %w", err)
	}
	counts, err := s.st.NoticeCounts(ctx)
	if err != nil {
		return nil, fmt.Errorf("admin: charts: %w", err)
	}
	v := &chartsView{Turnout: turnout, NoShow: percent(turnout.Seated-turnout.Attended, turnout.Seated)}
	v.Charts = []chart{
		s.activitiesChart(months),
		hoursChart(hours),
		turnoutChart(turnout),
		noticeChart(counts),
	}
	return v, nil
}

// activitiesChart stacks each month's activities by line, in the order
// the campaign lists its lines (unknown lines last).
func (s *server) activitiesChart(rows []store.MonthLineCount) chart {
	var months []string
	monthIdx := map[string]int{}
	lineIdx := map[string]int{}
	var ss []series
	addLine := func(name string) {
		if _, ok := lineIdx[name]; !ok {
			lineIdx[name] = len(ss)
			ss = append(ss, series{Name: name, Fill: palette[len(ss)%len(palette)]})
		}
	}
	for _, l := range s.cfg.Campaign.Lines {
		addLine(l.Name)
	}
	for _, r := range rows {
		addLine(r.Category)
		if _, ok := monthIdx[r.Month]; !ok {
			monthIdx[r.Month] = len(months)
			months = append(months, r.Month)
		}
	}
	for i := range ss {
		ss[i].Values = make([]int, len(months))
	}
	for _, r := range rows {
		ss[lineIdx[r.Category]].Values[monthIdx[r.Month]] += r.Count
	}
	return stackedColumns("chart-activities", "每月活动数（按活动类别）", "各月开展的志愿活动场次，按四类活动堆叠；柱顶为当月合计。",
		"月份", "活动数（场）", months, ss)
}

// hoursChart shows confirmed hours per community, most first.
func hoursChart(rows []store.CommunityHours) chart {
	items := make([]hbar, 0, len(rows))
	for _, r := range rows {
		items = append(items, hbar{Label: r.Community, Value: float64(r.Minutes) / 60, ValueText: formatHours(r.Minutes) + " 小时", Fill: palette[2]})
	}
	return horizontalBars("chart-hours", "各社区已确认服务时长", "按活动所在社区汇总的已确认志愿服务时长（小时）。", "服务时长（小时）", "社区", items)
}

// turnoutChart compares seated sign-ups with check-ins on finished
// activities.
func turnoutChart(t *store.Turnout) chart {
	noShow := max(0, t.Seated-t.Attended)
	items := []hbar{
		{Label: "报名（已入座）", Value: float64(t.Seated), ValueText: strconv.Itoa(t.Seated) + " 人次", Fill: palette[0]},
		{Label: "实际签到", Value: float64(t.Attended), ValueText: strconv.Itoa(t.Attended) + " 人次", Fill: palette[2]},
		{Label: "未到", Value: float64(noShow), ValueText: strconv.Itoa(noShow) + " 人次（" + percent(noShow, t.Seated) + "）", Fill: palette[3]},
	}
	title := "报名与签到：爽约率 " + percent(noShow, t.Seated)
	desc := fmt.Sprintf("已结束的 %d 场活动中，已入座报名与实际签到人次的对比。", t.Activities)
	return horizontalBars("chart-turnout", title, desc, "人次", "已结束活动 "+strconv.Itoa(t.Activities)+" 场", items)
}

// noticeStatuses are the outbox statuses in the order shown.
var noticeStatuses = []struct{ key, label, fill string }{
	{store.NoticeSent, "已发送", palette[2]},
	{store.NoticePending, "待发送", palette[0]},
	{store.NoticeSending, "发送中", palette[5]},
	{store.NoticeFailed, "发送失败", palette[3]},
	{store.NoticeUndeliverable, "无法送达（合计）", palette[1]},
}

// noticeChart shows the outbox by status, undeliverable ones also by
// reason.
func noticeChart(counts map[string]int) chart {
	var items []hbar
	for _, st := range noticeStatuses {
		n := counts[st.key]
		items = append(items, hbar{Label: st.label, Value: float64(n), ValueText: strconv.Itoa(n), Fill: st.fill})
	}
	var reasons []string
	for k := range counts {
		if strings.HasPrefix(k, store.NoticeUndeliverable+":") {
			reasons = append(reasons, k)
		}
	}
	sort.Strings(reasons)
	for _, k := range reasons {
		reason := strings.TrimPrefix(k, store.NoticeUndeliverable+":")
		items = append(items, hbar{Label: "无法送达：" + reasonsText(reason), Value: float64(counts[k]), ValueText: strconv.Itoa(counts[k]), Fill: palette[6]})
	}
	return horizontalBars("chart-notices", "通知送达情况", "发件箱中各状态的通知条数；无法送达的按原因细分。", "通知（条）", "状态", items)
}

// reasonText names common undeliverable reasons in Chinese, and keeps
// others as written.
func reasonText(reason string) string {
	switch reason {
	case "unfollowed":
		return "已取消关注或注销"
	case "no_template_outside_48h":
		return "超过48小时未互动且无模板"
	case "customer_limit_no_template":
		return "客服消息超限且无模板"
	case "too_late":
		return "已过时效"
	case "in_window":
		return "48小时内互动过"
	case "outside_48h":
		return "超过48小时未互动"
	case "window_closed_45015":
		return "客服窗口已关闭"
	case "budget_used":
		return "客服消息已用完本轮额度"
	case "customer_limit_45047":
		return "客服消息超过微信限额"
	case "no_subscription":
		return "未配置订阅通知"
	case "not_subscribed":
		return "未接受订阅通知"
	case "subscription_refused_43101":
		return "订阅通知被拒收"
	case "no_template":
		return "未配置模板消息"
	case "merged":
		return "已与同一人的其他通知合并发送"
	case "lecture_cancelled":
		return "讲座已取消"
	case "activity_cancelled":
		return "活动已取消"
	case "activity_changed":
		return "活动已变更"
	case "lecture_session_cancelled":
		return "讲座场次已取消"
	case "":
		return "原因不明"
	}
	return reason
}

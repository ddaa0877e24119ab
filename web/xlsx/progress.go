package xlsx

import (
	"fmt"
	"io"
	"math"
	"strings"
	"time"

	"envoybot/configs"
	"envoybot/store"
)

// ProgressReport writes every envoy's standing against the campaign: contact
// points, teams, brand, activities by line, hours, and one column per target
// that is green when met, amber while its deadline is ahead and red once it
// passed (at now, in loc).
// A second sheet, 居民求助, sums each community's help requests (issue 15):
// by status, median time to take and to finish, ratings, confirmed hours;
// requests nil leaves it out.
func ProgressReport(w io.Writer, campaign configs.Campaign, standings []store.EnvoyStanding, requests []store.CommunityRequestStats, now time.Time, loc *time.Location) error {
	if loc == nil {
		loc = time.UTC
	}
	cols := []column{
		{"序号", kindInt}, {"姓名", kindText}, {"级别", kindText}, {"类型", kindText}, {"手机号", kindText},
		{"社区联系点", kindText}, {"志愿者团队", kindText}, {"团队人数", kindInt}, {"服务品牌", kindText},
	}
	for _, l := range campaign.Lines {
		cols = append(cols, column{l.Name + "\n（活动数）", kindInt})
	}
	cols = append(cols,
		column{"活动合计", kindInt}, column{"已开展\n（使者签到）", kindInt},
		column{"确认服务时长\n（小时）", kindHours}, column{"参与志愿者\n（人）", kindInt},
	)
	for _, t := range campaign.Targets {
		cols = append(cols, column{t.Name + "\n截至 " + t.Deadline.String(), kindText})
	}
	s, err := newSheet("进度", cols, loc)
	if err != nil {
		return err
	}
	envoys := 0
	for _, st := range standings {
		if st.Envoy != nil {
			envoys++
		}
	}
	s.heading(titleLine(campaign.Name, "和谐使者进度报表", now, loc), progressInfo(&campaign, envoys, now, loc))
	n := 0
	for _, st := range standings {
		if st.Envoy == nil {
			continue
		}
		n++
		s.add(progressRow(n, &campaign, st, now, loc)...)
	}
	if requests == nil {
		return s.write(w)
	}
	t := s.addSheet("居民求助", []column{
		{"序号", kindInt}, {"社区", kindText}, {"求助（条）", kindInt}, {"待接单", kindInt}, {"已接单", kindInt}, {"已完成", kindInt},
		{"已撤销", kindInt}, {"接单用时中位数\n（小时）", kindHours}, {"完成用时中位数\n（小时）", kindHours},
		{"评价（条）", kindInt}, {"平均评分", kindHours}, {"确认服务时长\n（小时）", kindHours}, {"代办（条）", kindInt}, {"超时提醒（条）", kindInt},
	})
	total := 0
	for _, r := range requests {
		total += r.Total
	}
	t.heading(titleLine(campaign.Name, "居民求助（点单—派单—评单）", now, loc), fmt.Sprintf("社区 %d 个，求助 %d 条", len(requests), total))
	for i, r := range requests {
		var avg any
		if r.Rated > 0 {
			avg = math.Round(r.AverageRating*100) / 100
		}
		t.add(i+1, r.Community, r.Total, r.ByStatus[store.RequestOpen], r.ByStatus[store.RequestTaken], r.ByStatus[store.RequestDone],
			r.ByStatus[store.RequestCancelled], durationHours(r.MedianToTake), durationHours(r.MedianToFinish),
			r.Rated, avg, float64(r.ConfirmedMinutes)/60, r.OnBehalf, r.Escalated)
	}
	return s.write(w)
}

// durationHours is a duration in hours to two decimals, nil when none.
func durationHours(d time.Duration) any {
	if d <= 0 {
		return nil
	}
	return math.Round(d.Hours()*100) / 100
}

// progressInfo names the current phase and how many envoys the sheet lists.
func progressInfo(c *configs.Campaign, envoys int, now time.Time, loc *time.Location) string {
	phase := "当前不在活动阶段内"
	if p := c.PhaseAt(now, loc); p != nil {
		phase = fmt.Sprintf("当前阶段：%s（%s 至 %s）", p.Name, p.Start, p.End)
	}
	return fmt.Sprintf("%s｜和谐使者 %d 名", phase, envoys)
}

func progressRow(n int, c *configs.Campaign, st store.EnvoyStanding, now time.Time, loc *time.Location) []any {
	u, p := st.Envoy, st.Progress
	if p == nil {
		p = &store.Progress{}
	}
	var points, teams, brands []string
	members := 0
	for _, cp := range p.ContactPoints {
		points = append(points, cp.Community)
	}
	for _, t := range p.Teams {
		teams = append(teams, fmt.Sprintf("%s（%s，%d人）", t.Name, t.Code, t.Members))
		members += t.Members
	}
	for _, b := range p.Brands {
		brands = append(brands, b.Name+"（"+b.Community+"）")
	}
	row := []any{n, u.Name, envoyLevel(u.EnvoyLevel), u.EnvoyKind, u.Phone,
		strings.Join(points, "、"), strings.Join(teams, "、"), members, strings.Join(brands, "、")}
	total := 0
	for _, count := range p.ActivitiesByLine {
		total += count
	}
	for _, l := range c.Lines {
		row = append(row, p.ActivitiesByLine[l.Name])
	}
	row = append(row, total, p.HeldActivities, hours(p.ConfirmedMinutes), p.Volunteers)
	for _, t := range c.Targets {
		row = append(row, targetStatus(p, t, now, loc))
	}
	return row
}

func envoyLevel(level string) string {
	switch level {
	case "省", "市":
		return level + "级"
	}
	return level
}

// targetStatus is the cell of one target: met (green), days left (amber),
// overdue (red), or a dash for a target this version cannot measure.
func targetStatus(p *store.Progress, t configs.Target, now time.Time, loc *time.Location) statusText {
	met, known := p.Met(t.Key)
	switch {
	case !known:
		return statusText{text: "—"}
	case met:
		return statusText{text: "已完成", status: statusGreen}
	}
	end := t.Deadline.In(loc).AddDate(0, 0, 1) // the deadline day counts
	if !now.Before(end) {
		return statusText{text: "未完成（已逾期）", status: statusRed}
	}
	days := int(math.Ceil(end.Sub(now).Hours() / 24))
	return statusText{text: fmt.Sprintf("未完成（剩 %d 天）", days), status: statusAmber}
}

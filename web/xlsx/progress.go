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
func ProgressReport(w io.Writer, campaign configs.Campaign, standings []store.EnvoyStanding, now time.Time, loc *time.Location) error {
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
	return s.write(w)
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

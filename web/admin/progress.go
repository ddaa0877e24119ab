package admin

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"envoybot/configs"
	"envoybot/store"
)

// progressView is the progress page.
type progressView struct {
	Today   string
	Phase   string // the current phase, or where the campaign stands
	Phases  []phaseView
	Targets []targetView
	Lines   []string
	Rows    []envoyRow
	Chart   chart
}

// phaseView is one phase with whether it is the current one.
type phaseView struct {
	Name, Start, End string
	Current, Past    bool
}

// targetView is one campaign target with how many envoys meet it.
type targetView struct {
	Name, Description, Deadline string
	Days                        string // days left, or overdue
	Met, Total                  int
	Class                       string
}

// cell is a traffic-light table cell: ok (green), warn (amber), bad (red)
// or na (cannot be measured).
type cell struct {
	Text, Title, Class string
}

// envoyRow is one envoy's line on the progress page.
type envoyRow struct {
	Name, Level, Kind string
	ContactPoints     []string
	Teams             []string
	Brands            []string
	ByLine            []int
	Other             int // activities of lines no longer configured
	Held              int
	Hours             string
	Volunteers        int
	Targets           []cell
}

// progressPage shows every envoy against the targets and the phase.
func (s *server) progressPage(w http.ResponseWriter, r *http.Request, ss *session) {
	standings, err := s.st.EnvoyStandings(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.renderAuthed(w, r, ss, "progress", page{Title: "进度", Data: s.progress(standings)})
}

// progress builds the page from the standings at the current time.
func (s *server) progress(standings []store.EnvoyStanding) *progressView {
	c := &s.cfg.Campaign
	now := s.now().In(s.loc)
	v := &progressView{Today: now.Format("2006-01-02")}
	v.Phase = s.phaseText(now)
	for _, p := range c.Phases {
		v.Phases = append(v.Phases, phaseView{
			Name: p.Name, Start: p.Start.String(), End: p.End.String(),
			Current: c.PhaseAt(now, s.loc) != nil && c.PhaseAt(now, s.loc).Key == p.Key,
			Past:    daysUntil(now, p.End) < 0,
		})
	}
	for _, l := range c.Lines {
		v.Lines = append(v.Lines, l.Name)
	}
	for _, t := range c.Targets {
		v.Targets = append(v.Targets, targetView{
			Name: t.Name, Description: t.Description, Deadline: t.Deadline.String(),
			Days: daysText(daysUntil(now, t.Deadline)), Total: len(standings),
		})
	}
	for _, st := range standings {
		row := s.envoyRow(st, now)
		for i, cl := range row.Targets {
			if cl.Class == "ok" {
				v.Targets[i].Met++
			}
		}
		v.Rows = append(v.Rows, row)
	}
	items := make([]hbar, 0, len(v.Targets))
	for i := range v.Targets {
		t := &v.Targets[i]
		t.Class = targetClass(t.Met, t.Total, daysUntil(now, c.Targets[i].Deadline), warnDays(c.Targets[i]))
		items = append(items, hbar{Label: t.Name, Value: float64(t.Met),
			ValueText: strconv.Itoa(t.Met) + " / " + strconv.Itoa(t.Total) + " 人", Fill: palette[2]})
	}
	v.Chart = horizontalBars("chart-targets", "完成各项目标的使者人数", "达到每项任务目标的和谐使者人数与使者总数。", "使者（人）", "任务目标", items)
	return v
}

// envoyRow fills one envoy's cells.
func (s *server) envoyRow(st store.EnvoyStanding, now time.Time) envoyRow {
	u, p := st.Envoy, st.Progress
	if p == nil {
		p = &store.Progress{}
	}
	row := envoyRow{Name: u.Name, Level: u.EnvoyLevel, Kind: u.EnvoyKind, Held: p.HeldActivities,
		Hours: formatHours(p.ConfirmedMinutes), Volunteers: p.Volunteers}
	if row.Name == "" {
		row.Name = "（未填姓名）"
	}
	for _, cp := range p.ContactPoints {
		row.ContactPoints = append(row.ContactPoints, cp.Community)
	}
	for _, t := range p.Teams {
		row.Teams = append(row.Teams, t.Name+"（"+strconv.Itoa(t.Members)+"人）")
	}
	for _, b := range p.Brands {
		row.Brands = append(row.Brands, b.Name+"｜"+b.Community)
	}
	known := 0
	for _, l := range s.cfg.Campaign.Lines {
		row.ByLine = append(row.ByLine, p.ActivitiesByLine[l.Name])
		known += p.ActivitiesByLine[l.Name]
	}
	for _, n := range p.ActivitiesByLine {
		row.Other += n
	}
	row.Other -= known
	for _, t := range s.cfg.Campaign.Targets {
		row.Targets = append(row.Targets, targetCell(p, t, daysUntil(now, t.Deadline)))
	}
	return row
}

// targetCell is green when met, red when overdue or within the reminder
// window, amber otherwise.
func targetCell(p *store.Progress, t configs.Target, days int) cell {
	met, known := p.Met(t.Key)
	switch {
	case !known:
		return cell{Text: "无法统计", Class: "na"}
	case met:
		return cell{Text: "✓ 已完成", Class: "ok"}
	case days < 0:
		return cell{Text: "✗ 已逾期", Title: daysText(days), Class: "bad"}
	case days <= warnDays(t):
		return cell{Text: "✗ 剩" + strconv.Itoa(days) + "天", Title: "截止 " + t.Deadline.String(), Class: "bad"}
	}
	return cell{Text: "未完成", Title: daysText(days), Class: "warn"}
}

// targetClass colours a target's summary: all met green, some missing
// with time left amber, missing past or near the deadline red.
func targetClass(met, total, days, warn int) string {
	switch {
	case met == total:
		return "ok"
	case days <= warn:
		return "bad"
	}
	return "warn"
}

// warnDays is how close to a deadline a missing target turns red: the
// earliest reminder, at least a week.
func warnDays(t configs.Target) int {
	w := 7
	for _, d := range t.RemindDaysBefore {
		w = max(w, d)
	}
	return w
}

// daysUntil counts calendar days from now's date to d (0 on the day,
// negative after).
func daysUntil(now time.Time, d configs.Date) int {
	today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
	return int(d.In(time.UTC).Sub(today).Hours() / 24)
}

// daysText says how far a deadline is.
func daysText(days int) string {
	switch {
	case days > 0:
		return "剩余 " + strconv.Itoa(days) + " 天"
	case days == 0:
		return "今天截止"
	}
	return "已逾期 " + strconv.Itoa(-days) + " 天"
}

// phaseText says which phase the campaign is in, or that it has not begun
// or is over.
func (s *server) phaseText(now time.Time) string {
	c := &s.cfg.Campaign
	if p := c.PhaseAt(now, s.loc); p != nil {
		return p.Name + "阶段（" + p.Start.String() + " 至 " + p.End.String() + "，" + daysText(daysUntil(now, p.End)) + "）"
	}
	switch {
	case daysUntil(now, c.Start) > 0:
		return "活动尚未开始（" + c.Start.String() + " 开始）"
	case daysUntil(now, c.End) < 0:
		return "活动已结束（" + c.End.String() + "）"
	}
	return "阶段之间"
}

// joinOr joins names, or gives a dash for none.
func joinOr(names []string) string {
	if len(names) == 0 {
		return "—"
	}
	return strings.Join(names, "、")
}

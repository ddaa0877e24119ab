package xlsx

import (
	"fmt"
	"io"
	"math"
	"time"

	"envoybot/store"
)

// RecordsBook is what the MCA service-record workbook holds.
type RecordsBook struct {
	Campaign string
	// NumberPrefix starts volunteer numbers (records.volunteer_number_prefix).
	NumberPrefix string
	Records      []store.ServiceRecord
	// Notes are the trainings, awards and evaluations of the period.
	Notes         []*store.VolunteerRecord
	From, To, Now time.Time
	Loc           *time.Location
}

// Sheets of the MCA workbook.
const (
	SheetService    = "志愿服务记录"
	SheetTraining   = "培训情况"
	SheetAwards     = "表彰奖励"
	SheetEvaluation = "评价情况"
)

// ServiceRecords writes the service record of the MCA's
// 《志愿服务记录与证明出具办法》 for [From, To): its 志愿服务记录 sheet
// has one row per volunteer and activity of confirmed service (activity
// starting in the period) with the volunteer's identity (name, volunteer
// number, gender, birth year, ID type and number — masked —, mobile) and
// the service (activity, category, content, place, time, hours, organiser,
// recorder); the sheets 培训情况, 表彰奖励 and 评价情况 hold the trainings,
// awards and evaluations of the period. The service time is the
// volunteer's check-in and check-out, or the activity's start and end
// where one is missing. A deleted profile appears as 匿名志愿者#id.
func ServiceRecords(w io.Writer, b RecordsBook) error {
	loc := b.Loc
	if loc == nil {
		loc = time.UTC
	}
	s, err := newSheet(SheetService, []column{
		{"序号", kindInt}, {"志愿者姓名", kindText}, {"志愿者编号", kindText}, {"性别", kindText}, {"出生年份", kindText},
		{"证件类型", kindText}, {"证件号码", kindText}, {"手机号", kindText},
		{"活动编号", kindText}, {"活动名称", kindText}, {"服务类别", kindText}, {"服务内容", kindText},
		{"服务地点", kindText}, {"服务开始时间", kindDateTime}, {"服务结束时间", kindDateTime},
		{"服务时长(小时)", kindHours}, {"组织单位/和谐使者", kindText}, {"记录人", kindText}, {"记录时间", kindDateTime},
	}, loc)
	if err != nil {
		return err
	}
	minutes := 0
	for _, r := range b.Records {
		minutes += max(r.ConfirmedMinutes, 0)
	}
	info := fmt.Sprintf("记录期间：%s（按活动开始时间）｜共 %d 条，合计 %s 小时｜证件号码只显示前四位和后四位",
		period(b.From, b.To, loc), len(b.Records), formatHours(minutes))
	s.heading(titleLine(b.Campaign, "志愿服务记录", b.Now, loc), info)
	for i, r := range b.Records {
		name, phone := volunteer(r)
		start, end := r.CheckInAt, r.CheckOutAt
		if start.IsZero() {
			start = r.StartsAt
		}
		if end.IsZero() {
			end = r.EndsAt
		}
		content := r.ServiceType
		if content == "" {
			content = r.ActivityTitle
		}
		place := r.Place
		if place == "" {
			place = r.Community
		}
		s.add(i+1, name, store.VolunteerNumber(b.NumberPrefix, r.VolunteerID), r.Gender, year(r.BirthYear),
			r.IDType, r.IDMasked, phone, r.ActivityCode, r.ActivityTitle, r.Category, content,
			place, start, end, hours(r.ConfirmedMinutes), r.Organiser, r.Recorder, r.ConfirmedAt)
	}
	notes := map[string][]*store.VolunteerRecord{}
	for _, n := range b.Notes {
		notes[n.Kind] = append(notes[n.Kind], n)
	}
	who := func(n *store.VolunteerRecord) (string, string) {
		if n.VolunteerName == "" {
			return fmt.Sprintf("匿名志愿者#%d", n.UserID), store.VolunteerNumber(b.NumberPrefix, n.UserID)
		}
		return n.VolunteerName, store.VolunteerNumber(b.NumberPrefix, n.UserID)
	}
	day := func(t time.Time) string { return t.In(loc).Format("2006-01-02") }
	sub := []struct {
		name, kind, what string
		cols             []column
		row              func(i int, n *store.VolunteerRecord) []any
	}{
		{SheetTraining, store.RecordTraining, "培训", []column{{"序号", kindInt}, {"志愿者姓名", kindText}, {"志愿者编号", kindText},
			{"培训内容", kindText}, {"培训日期", kindText}, {"培训时长(小时)", kindHours}, {"组织单位/说明", kindText}, {"记录人", kindText}},
			func(i int, n *store.VolunteerRecord) []any {
				name, number := who(n)
				var h any
				if n.Minutes > 0 {
					h = hours(n.Minutes)
				}
				return []any{i, name, number, n.Title, day(n.On), h, n.Detail, n.RecorderName}
			}},
		{SheetAwards, store.RecordAward, "表彰", []column{{"序号", kindInt}, {"志愿者姓名", kindText}, {"志愿者编号", kindText},
			{"表彰奖励名称", kindText}, {"表彰日期", kindText}, {"授予单位/说明", kindText}, {"记录人", kindText}},
			func(i int, n *store.VolunteerRecord) []any {
				name, number := who(n)
				return []any{i, name, number, n.Title, day(n.On), n.Detail, n.RecorderName}
			}},
		{SheetEvaluation, store.RecordEvaluation, "评价", []column{{"序号", kindInt}, {"志愿者姓名", kindText}, {"志愿者编号", kindText},
			{"评价等级", kindText}, {"评价日期", kindText}, {"评语", kindText}, {"评价人", kindText}},
			func(i int, n *store.VolunteerRecord) []any {
				name, number := who(n)
				return []any{i, name, number, n.Title, day(n.On), n.Detail, n.RecorderName}
			}},
	}
	for _, x := range sub {
		t := s.addSheet(x.name, x.cols)
		t.heading(titleLine(b.Campaign, x.name, b.Now, loc),
			fmt.Sprintf("记录期间：%s｜共 %d 条%s记录", period(b.From, b.To, loc), len(notes[x.kind]), x.what))
		for i, n := range notes[x.kind] {
			t.add(x.row(i+1, n)...)
		}
	}
	return s.write(w)
}

// year writes a birth year, "" when unknown.
func year(y int) string {
	if y == 0 {
		return ""
	}
	return fmt.Sprint(y)
}

// volunteer is the name and full mobile to show, or the anonymous id of a
// deleted profile.
func volunteer(r store.ServiceRecord) (name, phone string) {
	if r.Anonymised {
		return fmt.Sprintf("匿名志愿者#%d", r.VolunteerID), ""
	}
	return r.VolunteerName, r.VolunteerPhone
}

// period writes [from, to) as dates: an end at midnight is the day before.
func period(from, to time.Time, loc *time.Location) string {
	const day = "2006-01-02"
	f, t := "不限", "不限"
	if !from.IsZero() {
		f = from.In(loc).Format(day)
	}
	if !to.IsZero() {
		end := to.In(loc)
		if end.Hour() == 0 && end.Minute() == 0 && end.Second() == 0 {
			end = end.AddDate(0, 0, -1)
		}
		t = end.Format(day)
	}
	return f + " 至 " + t
}

// formatHours writes minutes as hours with at most two decimals.
func formatHours(minutes int) string {
	h := math.Round(float64(minutes)/60*100) / 100
	return fmt.Sprint(h)
}

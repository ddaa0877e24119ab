package xlsx

import (
	"fmt"
	"io"
	"math"
	"time"

	"envoybot/store"
)

// ServiceRecords writes the confirmed service of activities that started in
// [from, to) as 志愿服务记录, one row per volunteer and activity, with the
// fields of the MCA's 《志愿服务记录与证明出具办法》: volunteer, activity,
// content, place, time, hours, organiser and recorder. The service time is
// the volunteer's check-in and check-out, or the activity's start and end
// where one is missing. A deleted profile appears as 匿名志愿者#id.
func ServiceRecords(w io.Writer, campaignName string, records []store.ServiceRecord, from, to, now time.Time, loc *time.Location) error {
	if loc == nil {
		loc = time.UTC
	}
	s, err := newSheet("志愿服务记录", []column{
		{"序号", kindInt}, {"志愿者姓名", kindText}, {"手机号", kindText},
		{"活动编号", kindText}, {"活动名称", kindText}, {"服务类别", kindText}, {"服务内容", kindText},
		{"服务地点", kindText}, {"服务开始时间", kindDateTime}, {"服务结束时间", kindDateTime},
		{"服务时长(小时)", kindHours}, {"组织单位/和谐使者", kindText}, {"记录人", kindText}, {"记录时间", kindDateTime},
	}, loc)
	if err != nil {
		return err
	}
	minutes := 0
	for _, r := range records {
		minutes += max(r.ConfirmedMinutes, 0)
	}
	info := fmt.Sprintf("记录期间：%s（按活动开始时间）｜共 %d 条，合计 %s 小时", period(from, to, loc), len(records), formatHours(minutes))
	s.heading(titleLine(campaignName, "志愿服务记录", now, loc), info)
	for i, r := range records {
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
		s.add(i+1, name, phone, r.ActivityCode, r.ActivityTitle, r.Category, content,
			place, start, end, hours(r.ConfirmedMinutes), r.Organiser, r.Recorder, r.ConfirmedAt)
	}
	return s.write(w)
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

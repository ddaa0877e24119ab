package xlsx

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"envoybot/store"
)

// Evidence is what the sheet says of an activity's evidence photos (sent
// after 活动签到): how many are kept and where the album is.
type Evidence struct {
	Photos int
	Album  string // the album's address on the dashboard
}

// ActivityAttendance writes one activity's 签到表: every volunteer with
// check-in, check-out and confirmed hours (blank until confirmed), and a
// blank column to sign on paper. records are store.ActivityRecords: seated
// volunteers who never checked in come last with empty times. The heading
// links the evidence photos' album when there are any.
func ActivityAttendance(w io.Writer, campaignName string, a *store.Activity, records []store.ServiceRecord, ev Evidence, now time.Time, loc *time.Location) error {
	if a == nil {
		return errors.New("xlsx: attendance: no activity")
	}
	if loc == nil {
		loc = time.UTC
	}
	s, err := newSheet("签到表", []column{
		{"序号", kindInt}, {"姓名", kindText}, {"手机号", kindText},
		{"签到时间", kindDateTime}, {"签退时间", kindDateTime}, {"确认时长(小时)", kindHours}, {"签名", kindSign},
	}, loc)
	if err != nil {
		return err
	}
	info := activityInfo(a, records, loc)
	if ev.Photos > 0 {
		info += fmt.Sprintf("｜证据照片 %d 张：%s", ev.Photos, ev.Album)
	}
	s.heading(titleLine(campaignName, "活动签到表 "+a.Code, now, loc), info)
	for i, r := range records {
		name, phone := volunteer(r)
		if r.Companions > 0 {
			name += fmt.Sprintf("（另带%d人）", r.Companions) // they hold seats; the envoy counts them at the door
		}
		s.add(i+1, name, phone, r.CheckInAt, r.CheckOutAt, hours(r.ConfirmedMinutes), nil)
	}
	s.setRowHeights(28)
	return s.write(w)
}

// activityInfo says which activity the sheet is for: code and title, line,
// time, place, envoy and how many checked in.
func activityInfo(a *store.Activity, records []store.ServiceRecord, loc *time.Location) string {
	line := a.Category
	if a.ServiceType != "" {
		line += "·" + a.ServiceType
	}
	when := a.StartsAt.In(loc).Format("2006-01-02 15:04")
	if !a.EndsAt.IsZero() {
		end := a.EndsAt.In(loc)
		if sameDay(a.StartsAt.In(loc), end) {
			when += "–" + end.Format("15:04")
		} else {
			when += " 至 " + end.Format("2006-01-02 15:04")
		}
	}
	place := a.Place
	if a.Community != "" && !strings.Contains(place, a.Community) {
		place = a.Community + " " + place
	}
	checkedIn, companions := 0, 0
	for _, r := range records {
		if !r.CheckInAt.IsZero() {
			checkedIn++
		}
		companions += r.Companions
	}
	parts := []string{
		"活动：" + a.Code + " " + a.Title, line, "时间：" + when, "地点：" + strings.TrimSpace(place),
	}
	if a.EnvoyName != "" {
		parts = append(parts, "和谐使者："+a.EnvoyName)
	}
	roster := fmt.Sprintf("名单 %d 人，签到 %d 人", len(records), checkedIn)
	if companions > 0 {
		roster = fmt.Sprintf("名单 %d 人（另带家属 %d 人），签到 %d 人", len(records), companions, checkedIn)
	}
	parts = append(parts, roster)
	return strings.Join(nonEmpty(parts), "｜")
}

func sameDay(a, b time.Time) bool {
	return a.Year() == b.Year() && a.YearDay() == b.YearDay()
}

func nonEmpty(ss []string) []string {
	out := ss[:0]
	for _, s := range ss {
		if s != "" {
			out = append(out, s)
		}
	}
	return out
}

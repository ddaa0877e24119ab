package storetest

import (
	"strings"
	"testing"
	"time"

	"envoybot/store"
)

// runRulesConformance checks issue 11's "one rule per action" and limits
// in the store: hours only after the end, a dashboard correction kept, a
// brand kept by its holder, capped fields, the publish count.
func runRulesConformance(t *testing.T, open func(t *testing.T) store.Store) {
	ended := later.Add(2 * time.Hour) // newActivity lasts two hours from later

	t.Run("hours are not confirmed before the end", func(t *testing.T) {
		s := withActivity(t, open, 0)
		envoy := mustFind(t, s, "o-envoy").ID
		att, _, err := s.CheckIn(t.Context(), "A1", mustUser(t, s, "o-1"), later, nil, false)
		if err != nil {
			t.Fatalf("CheckIn: %v", err)
		}
		for _, tc := range []struct {
			name       string
			correction bool
		}{{"chat", false}, {"dashboard", true}} {
			n, err := s.ConfirmHours(t.Context(), "A1", envoy,
				[]store.HoursChange{{AttendanceID: att.ID, Minutes: 60, Correction: tc.correction}}, "确认时长", ended.Add(-time.Minute))
			assertCode(t, "ConfirmHours a minute before the end ("+tc.name+")", err, store.EINVALID, store.MsgNotEnded)
			if n != 0 || len(hoursAudit(t, s, att.ID)) != 0 {
				t.Fatalf("ConfirmHours before the end changed %d records", n)
			}
		}
		if n, err := s.ConfirmHours(t.Context(), "A1", envoy,
			[]store.HoursChange{{AttendanceID: att.ID, Minutes: 60}}, "确认时长", ended); err != nil || n != 1 {
			t.Fatalf("ConfirmHours at the end = %d, %v; want 1", n, err)
		}
	})

	t.Run("a dashboard correction is never overwritten by a later confirmation", func(t *testing.T) {
		s := withActivity(t, open, 0)
		envoy := mustFind(t, s, "o-envoy").ID
		admin := mustUser(t, s, "o-admin")
		att, _, err := s.CheckIn(t.Context(), "A1", mustUser(t, s, "o-1"), later, nil, false)
		if err != nil {
			t.Fatalf("CheckIn: %v", err)
		}
		if _, err := s.ConfirmHours(t.Context(), "A1", envoy, []store.HoursChange{{AttendanceID: att.ID, Minutes: 120}}, "确认时长（聊天）", ended); err != nil {
			t.Fatalf("ConfirmHours (chat): %v", err)
		}
		n, err := s.ConfirmHours(t.Context(), "A1", admin,
			[]store.HoursChange{{AttendanceID: att.ID, Minutes: 90, Correction: true}}, "管理后台：少算半小时", ended.Add(time.Hour))
		if err != nil || n != 1 {
			t.Fatalf("ConfirmHours (dashboard) = %d, %v; want 1", n, err)
		}
		n, err = s.ConfirmHours(t.Context(), "A1", envoy,
			[]store.HoursChange{{AttendanceID: att.ID, Minutes: 120}}, "确认时长（聊天）", ended.Add(2*time.Hour))
		if err != nil || n != 0 {
			t.Fatalf("ConfirmHours (chat, after the correction) = %d, %v; want 0 changed", n, err)
		}
		list, err := s.ListAttendance(t.Context(), "A1")
		if err != nil || len(list) != 1 || list[0].ConfirmedMinutes != 90 || !list[0].Corrected || list[0].ConfirmedBy != admin {
			t.Fatalf("attendance = %+v, %v; want 90 minutes corrected by the admin", list[0], err)
		}
		// A second correction replaces the first.
		if n, err := s.ConfirmHours(t.Context(), "A1", admin,
			[]store.HoursChange{{AttendanceID: att.ID, Minutes: 100, Correction: true}}, "管理后台：再更正", ended.Add(3*time.Hour)); err != nil || n != 1 {
			t.Fatalf("ConfirmHours (second correction) = %d, %v; want 1", n, err)
		}
		audit := hoursAudit(t, s, att.ID)
		if len(audit) != 3 || audit[1].OldMins != 120 || audit[1].NewMins != 90 || audit[2].NewMins != 100 {
			t.Fatalf("audit = %+v; want chat 120, correction 90, correction 100", audit)
		}
		t.Logf("chat confirmed 120 min, dashboard corrected to 90, chat again: %d changed, kept %d min", n, list[0].ConfirmedMinutes)
	})

	t.Run("a dashboard confirmation of the same minutes still protects them", func(t *testing.T) {
		s := withActivity(t, open, 0)
		envoy := mustFind(t, s, "o-envoy").ID
		att, _, err := s.CheckIn(t.Context(), "A1", mustUser(t, s, "o-1"), later, nil, false)
		if err != nil {
			t.Fatalf("CheckIn: %v", err)
		}
		for i, c := range []store.HoursChange{
			{AttendanceID: att.ID, Minutes: 60},
			{AttendanceID: att.ID, Minutes: 60, Correction: true},
			{AttendanceID: att.ID, Minutes: 120},
		} {
			if _, err := s.ConfirmHours(t.Context(), "A1", envoy, []store.HoursChange{c}, "确认", ended.Add(time.Duration(i)*time.Minute)); err != nil {
				t.Fatalf("ConfirmHours %d: %v", i, err)
			}
		}
		list, _ := s.ListAttendance(t.Context(), "A1")
		if list[0].ConfirmedMinutes != 60 || !list[0].Corrected || len(hoursAudit(t, s, att.ID)) != 1 {
			t.Fatalf("attendance = %+v; want 60 minutes kept, one audit row", list[0])
		}
	})

	t.Run("a brand belongs to the envoy who registered it", func(t *testing.T) {
		s := open(t)
		first := mustEnvoy(t, s, "o-envoy")
		second, _, err := s.RegisterVolunteer(t.Context(), store.Registration{OpenID: "o-envoy2", Name: "王使者", Phone: "13900000002", Community: "古槐社区"}, base)
		if err != nil {
			t.Fatalf("RegisterVolunteer: %v", err)
		}
		if _, created, err := s.SetBrand(t.Context(), first.ID, "古槐社区", "银发守护", "为空巢老人提供上门陪伴", base); err != nil || !created {
			t.Fatalf("SetBrand = %v, %v; want created", created, err)
		}
		_, _, err = s.SetBrand(t.Context(), second.ID, "古槐社区", "古槐暖心", "", base.Add(time.Hour))
		assertCode(t, "SetBrand by another envoy", err, store.ECONFLICT, store.MsgBrandHeld)
		b, err := s.FindBrand(t.Context(), "古槐社区")
		if err != nil || b.Name != "银发守护" || b.EnvoyID != first.ID || b.EnvoyName != "李使者" || b.Description != "为空巢老人提供上门陪伴" {
			t.Fatalf("FindBrand = %+v, %v; want 银发守护 of 李使者 unchanged", b, err)
		}
		if mine, err := s.ListBrandsByEnvoy(t.Context(), first.ID); err != nil || len(mine) != 1 {
			t.Fatalf("ListBrandsByEnvoy(first) = %v, %v; want the brand still hers", mine, err)
		}
		// The holder may rename it.
		if b, created, err := s.SetBrand(t.Context(), first.ID, "古槐社区", "银发守护站", "", base.Add(2*time.Hour)); err != nil || created || b.Name != "银发守护站" {
			t.Fatalf("SetBrand by the holder = %+v, %v, %v; want renamed", b, created, err)
		}
		// An admin reassigns it.
		b, previous, err := s.ReassignBrand(t.Context(), second.ID, "古槐社区", "古槐暖心", "", base.Add(3*time.Hour))
		if err != nil || previous != first.ID || b.EnvoyID != second.ID || b.Name != "古槐暖心" {
			t.Fatalf("ReassignBrand = %+v, %d, %v; want taken over from %d", b, previous, err, first.ID)
		}
		if _, previous, err = s.ReassignBrand(t.Context(), second.ID, "古槐社区", "古槐暖心", "", base.Add(4*time.Hour)); err != nil || previous != 0 {
			t.Fatalf("ReassignBrand by the holder = %d, %v; want no previous holder", previous, err)
		}
		_, err = s.FindBrand(t.Context(), "北关社区")
		assertCode(t, "FindBrand without a brand", err, store.ENOTFOUND, "")
	})

	t.Run("fields are capped where they enter", func(t *testing.T) {
		s, envoy := withEnvoy(t, open)
		long := func(n int) string { return strings.Repeat("长", n) }
		_, _, err := s.RegisterVolunteer(t.Context(), store.Registration{OpenID: "o-long", Name: long(21), Phone: "13900000009", Community: "古槐社区"}, base)
		assertCode(t, "RegisterVolunteer with a 21-character name", err, store.EINVALID, store.MsgFieldTooLong+"name")
		if _, _, err := s.RegisterVolunteer(t.Context(), store.Registration{OpenID: "o-long", Name: long(20), Phone: "13900000009", Community: "古槐社区"}, base); err != nil {
			t.Fatalf("RegisterVolunteer with a 20-character name: %v", err)
		}
		na := newActivity(envoy, later, 0)
		na.Title = long(41)
		_, err = s.CreateActivity(t.Context(), na, base)
		assertCode(t, "CreateActivity with a 41-character title", err, store.EINVALID, store.MsgFieldTooLong+"title")
		na = newActivity(envoy, later, 0)
		na.Place = long(61)
		_, err = s.CreateActivity(t.Context(), na, base)
		assertCode(t, "CreateActivity with a 61-character place", err, store.EINVALID, store.MsgFieldTooLong+"place")
		na.Title, na.Place = long(40), long(60)
		mustActivity(t, s, na)
		_, err = s.CreateLecture(t.Context(), store.NewLecture{EnvoyID: envoy, Title: long(41), Community: "古槐社区", Occurrences: []time.Time{later}}, base)
		assertCode(t, "CreateLecture with a 41-character title", err, store.EINVALID, store.MsgFieldTooLong+"title")
		_, err = s.CreateTeam(t.Context(), envoy, long(21), "古槐社区", base)
		assertCode(t, "CreateTeam with a 21-character name", err, store.EINVALID, store.MsgFieldTooLong+"team name")
		_, _, err = s.SetBrand(t.Context(), envoy, "古槐社区", long(21), "", base)
		assertCode(t, "SetBrand with a 21-character name", err, store.EINVALID, store.MsgFieldTooLong+"brand name")
		_, _, err = s.SetBrand(t.Context(), envoy, "古槐社区", "银发守护", long(20000), base)
		assertCode(t, "SetBrand with a 20,000-character description", err, store.EINVALID, store.MsgFieldTooLong+"brand description")
		if _, _, err := s.SetBrand(t.Context(), envoy, "古槐社区", long(20), long(200), base); err != nil {
			t.Fatalf("SetBrand at the caps: %v", err)
		}
	})

	t.Run("published activities and lectures are counted from a time on", func(t *testing.T) {
		s, envoy := withEnvoy(t, open)
		other := mustEnvoy(t, s, "o-envoy2").ID
		day := time.Date(2026, 12, 5, 0, 0, 0, 0, shanghai)
		for i, at := range []time.Time{day.Add(-time.Minute), day, day.Add(10 * time.Hour)} {
			if _, err := s.CreateActivity(t.Context(), newActivity(envoy, later.Add(time.Duration(i)*time.Hour), 0), at); err != nil {
				t.Fatalf("CreateActivity: %v", err)
			}
		}
		if _, err := s.CreateLecture(t.Context(), store.NewLecture{EnvoyID: envoy, Title: "防诈骗讲座", Community: "古槐社区", Occurrences: []time.Time{later}}, day.Add(time.Hour)); err != nil {
			t.Fatalf("CreateLecture: %v", err)
		}
		if _, err := s.CreateActivity(t.Context(), newActivity(other, later, 0), day.Add(time.Hour)); err != nil {
			t.Fatalf("CreateActivity (other envoy): %v", err)
		}
		n, err := s.CountPublishedSince(t.Context(), envoy, day)
		if err != nil || n != 3 {
			t.Fatalf("CountPublishedSince = %d, %v; want 3 (2 activities + 1 lecture since midnight)", n, err)
		}
		if n, err := s.CountPublishedSince(t.Context(), other, day); err != nil || n != 1 {
			t.Fatalf("CountPublishedSince(other) = %d, %v; want 1", n, err)
		}
	})
}

package storetest

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"envoybot/store"
)

func runAttendanceConformance(t *testing.T, open func(t *testing.T) store.Store) {
	checkIn := func(t *testing.T, s store.Store, code, openID string, at time.Time) *store.Attendance {
		t.Helper()
		a, _, err := s.CheckIn(t.Context(), code, mustUser(t, s, openID), at, nil, false)
		if err != nil {
			t.Fatalf("CheckIn(%s, %s): %v", code, openID, err)
		}
		return a
	}

	t.Run("first check-in counts, a second returns it unchanged", func(t *testing.T) {
		s := withActivity(t, open, 0)
		pos := &store.Position{Lat: 36.6512, Lng: 117.1201}
		user := mustUser(t, s, "o-1")
		a, first, err := s.CheckIn(t.Context(), "a1", user, later, pos, true)
		if err != nil || !first {
			t.Fatalf("CheckIn = %+v, %v, %v; want first", a, first, err)
		}
		if a.ID == 0 || a.ActivityCode != "A1" || a.OpenID != "o-1" || a.CheckInPos == nil || *a.CheckInPos != *pos ||
			!a.FarAway || a.CheckOutPos != nil || !a.CheckOutAt.IsZero() || a.ComputedMinutes != -1 || a.ConfirmedMinutes != -1 ||
			a.ConfirmedBy != 0 || !a.ConfirmedAt.IsZero() {
			t.Fatalf("CheckIn = %+v", a)
		}
		assertTime(t, "CheckInAt", a.CheckInAt, later)
		again, first, err := s.CheckIn(t.Context(), "A1", user, later.Add(time.Minute), nil, false)
		if err != nil || first || again.ID != a.ID || !again.FarAway || again.CheckInPos == nil {
			t.Fatalf("CheckIn again = %+v, %v, %v; want the first unchanged", again, first, err)
		}
		assertTime(t, "CheckInAt", again.CheckInAt, later)
		if u := mustFind(t, s, "o-1"); u.ID != a.UserID || u.Role != store.RoleResident {
			t.Fatalf("walk-in = %+v, want a resident", u)
		}
	})

	t.Run("check-out records minutes and a later one replaces it", func(t *testing.T) {
		s := withActivity(t, open, 0)
		user := mustUser(t, s, "o-1")
		_, err := s.CheckOut(t.Context(), "A1", user, later, nil, false, 60)
		assertCode(t, "CheckOut without a check-in", err, store.ENOTFOUND, store.MsgNotCheckedIn)
		in := checkIn(t, s, "A1", "o-1", later)
		out := later.Add(2 * time.Hour)
		pos := &store.Position{Lat: 36.6, Lng: 117.1}
		a, err := s.CheckOut(t.Context(), " a1", user, out, pos, false, 120)
		if err != nil || a.ID != in.ID || a.ComputedMinutes != 120 || a.CheckOutPos == nil || *a.CheckOutPos != *pos || a.FarAway {
			t.Fatalf("CheckOut = %+v, %v", a, err)
		}
		assertTime(t, "CheckOutAt", a.CheckOutAt, out)
		a, err = s.CheckOut(t.Context(), "A1", user, out.Add(10*time.Minute), nil, true, 130)
		if err != nil || a.ComputedMinutes != 130 || a.CheckOutPos != nil || !a.FarAway {
			t.Fatalf("CheckOut again = %+v, %v; want it replaced and far away", a, err)
		}
		assertTime(t, "CheckOutAt", a.CheckOutAt, out.Add(10*time.Minute))
		assertTime(t, "CheckInAt", a.CheckInAt, later)
		_, err = s.CheckOut(t.Context(), "A1", user, out, nil, false, -1)
		assertCode(t, "CheckOut with negative minutes", err, store.EINVALID, "")
	})

	t.Run("attendance errors", func(t *testing.T) {
		s := withActivity(t, open, 0)
		user := mustUser(t, s, "o-1")
		_, _, err := s.CheckIn(t.Context(), "A9", user, later, nil, false)
		assertCode(t, "CheckIn of an unknown activity", err, store.ENOTFOUND, "")
		_, _, err = s.CheckIn(t.Context(), "A1", unknownUser, later, nil, false)
		assertCode(t, "CheckIn of an unknown user", err, store.ENOTFOUND, "")
		_, err = s.CheckOut(t.Context(), "A9", user, later, nil, false, 1)
		assertCode(t, "CheckOut of an unknown activity", err, store.ENOTFOUND, "")
		_, err = s.ListAttendance(t.Context(), "A9")
		assertCode(t, "ListAttendance of an unknown activity", err, store.ENOTFOUND, "")
		assertEmptyList(t, "ListAttendance", s.ListAttendance, "A1")
	})

	t.Run("attendance is listed in check-in order", func(t *testing.T) {
		s := withActivity(t, open, 0)
		checkIn(t, s, "A1", "o-2", later.Add(time.Minute))
		checkIn(t, s, "A1", "o-1", later)
		checkIn(t, s, "A1", "o-3", later.Add(2*time.Minute))
		list, err := s.ListAttendance(t.Context(), "a1")
		if err != nil {
			t.Fatalf("ListAttendance: %v", err)
		}
		got := []string{}
		for _, a := range list {
			got = append(got, a.OpenID)
		}
		if !slices.Equal(got, []string{"o-1", "o-2", "o-3"}) {
			t.Fatalf("ListAttendance = %v, want o-1 o-2 o-3", got)
		}
	})

	t.Run("confirming hours audits each change", func(t *testing.T) {
		s := withActivity(t, open, 0)
		envoy := mustFind(t, s, "o-envoy")
		a1 := checkIn(t, s, "A1", "o-1", later)
		a2 := checkIn(t, s, "A1", "o-2", later)
		at := later.Add(3 * time.Hour)
		n, err := s.ConfirmHours(t.Context(), "a1", envoy.ID,
			[]store.HoursChange{{AttendanceID: a1.ID, Minutes: 120}, {AttendanceID: a2.ID, Minutes: 90}}, "确认时长", at)
		if err != nil || n != 2 {
			t.Fatalf("ConfirmHours = %d, %v; want 2", n, err)
		}
		list, _ := s.ListAttendance(t.Context(), "A1")
		for _, a := range list {
			if a.ConfirmedBy != envoy.ID {
				t.Errorf("ConfirmedBy = %d, want %d", a.ConfirmedBy, envoy.ID)
			}
			assertTime(t, "ConfirmedAt", a.ConfirmedAt, at)
		}
		if list[0].ConfirmedMinutes != 120 || list[1].ConfirmedMinutes != 90 {
			t.Fatalf("confirmed minutes = %d, %d; want 120, 90", list[0].ConfirmedMinutes, list[1].ConfirmedMinutes)
		}
		// Unchanged minutes are no change; a correction is one.
		n, err = s.ConfirmHours(t.Context(), "A1", 0, []store.HoursChange{{AttendanceID: a1.ID, Minutes: 120},
			{AttendanceID: a2.ID, Minutes: 60}}, "更正", at.Add(time.Hour))
		if err != nil || n != 1 {
			t.Fatalf("ConfirmHours again = %d, %v; want 1", n, err)
		}
		want1 := []auditEntry{{envoy.ID, at, "确认时长", -1, 120}}
		want2 := []auditEntry{{envoy.ID, at, "确认时长", -1, 90}, {0, at.Add(time.Hour), "更正", 90, 60}}
		for _, tc := range []struct {
			id   int64
			want []auditEntry
		}{{a1.ID, want1}, {a2.ID, want2}} {
			got := hoursAudit(t, s, tc.id)
			if len(got) != len(tc.want) {
				t.Fatalf("audit of %d = %+v, want %+v", tc.id, got, tc.want)
			}
			for i := range got {
				g, w := got[i], tc.want[i]
				if g.ActorID != w.ActorID || !g.At.Equal(w.At) || g.Reason != w.Reason || g.OldMins != w.OldMins || g.NewMins != w.NewMins {
					t.Fatalf("audit of %d = %+v, want %+v", tc.id, got, tc.want)
				}
			}
		}
	})

	t.Run("confirming hours is all or nothing", func(t *testing.T) {
		s := withActivity(t, open, 0)
		envoy := mustFind(t, s, "o-envoy").ID
		mustActivity(t, s, newActivity(envoy, later, 0)) // A2
		a1 := checkIn(t, s, "A1", "o-1", later)
		other := checkIn(t, s, "A2", "o-1", later)
		tests := []struct {
			name    string
			code    string
			actor   int64
			changes []store.HoursChange
			errCode string
		}{
			{"attendance of another activity", "A1", envoy,
				[]store.HoursChange{{AttendanceID: a1.ID, Minutes: 60}, {AttendanceID: other.ID, Minutes: 60}}, store.EINVALID},
			{"unknown attendance", "A1", envoy,
				[]store.HoursChange{{AttendanceID: a1.ID, Minutes: 60}, {AttendanceID: 999999, Minutes: 60}}, store.EINVALID},
			{"negative minutes", "A1", envoy,
				[]store.HoursChange{{AttendanceID: a1.ID, Minutes: 60}, {AttendanceID: a1.ID, Minutes: -5}}, store.EINVALID},
			{"unknown activity", "A9", envoy, []store.HoursChange{{AttendanceID: a1.ID, Minutes: 60}}, store.ENOTFOUND},
			{"unknown actor", "A1", unknownUser, []store.HoursChange{{AttendanceID: a1.ID, Minutes: 60}}, store.ENOTFOUND},
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				n, err := s.ConfirmHours(t.Context(), tc.code, tc.actor, tc.changes, "确认时长", later.Add(2*time.Hour)) // at the end
				assertCode(t, "ConfirmHours", err, tc.errCode, "")
				if n != 0 {
					t.Errorf("ConfirmHours = %d with an error, want 0", n)
				}
				list, _ := s.ListAttendance(t.Context(), "A1")
				if list[0].ConfirmedMinutes != -1 {
					t.Fatalf("confirmed minutes = %d after a failed confirmation, want -1", list[0].ConfirmedMinutes)
				}
				if got := hoursAudit(t, s, a1.ID); len(got) != 0 {
					t.Fatalf("audit = %+v after a failed confirmation, want none", got)
				}
			})
		}
	})

	t.Run("user hours are summed by line", func(t *testing.T) {
		s, envoy := withEnvoy(t, open)
		lines := []string{"关爱困难群体", "文明有礼", "关爱困难群体", "时代新风"}
		minutes := []int{120, 45, 30, 0}
		for i, line := range lines {
			na := newActivity(envoy, later.Add(time.Duration(i)*time.Hour), 0)
			na.Category = line
			a := mustActivity(t, s, na)
			att := checkIn(t, s, a.Code, "o-1", na.StartsAt)
			if _, err := s.ConfirmHours(t.Context(), a.Code, envoy,
				[]store.HoursChange{{AttendanceID: att.ID, Minutes: minutes[i]}}, "确认时长", na.EndsAt); err != nil {
				t.Fatalf("ConfirmHours: %v", err)
			}
			checkIn(t, s, a.Code, "o-2", na.StartsAt) // unconfirmed
		}
		na := newActivity(envoy, later, 0)
		na.Category = "平安和谐"
		a := mustActivity(t, s, na)
		checkIn(t, s, a.Code, "o-1", later) // unconfirmed: not a line of o-1
		got, err := s.UserHours(t.Context(), mustUser(t, s, "o-1"))
		if err != nil {
			t.Fatalf("UserHours: %v", err)
		}
		want := []store.LineHours{
			{Category: "关爱困难群体", Minutes: 150, Activities: 2},
			{Category: "文明有礼", Minutes: 45, Activities: 1},
			{Category: "时代新风", Minutes: 0, Activities: 1},
		}
		slices.SortFunc(want, func(a, b store.LineHours) int {
			if a.Category < b.Category {
				return -1
			}
			return 1
		})
		if !slices.Equal(got, want) {
			t.Fatalf("UserHours = %+v, want %+v", got, want)
		}
		for _, id := range []int64{mustUser(t, s, "o-2"), unknownUser} {
			assertEmptyList(t, fmt.Sprintf("UserHours(%d)", id), s.UserHours, id)
		}
	})
}

package storetest

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"testing"
	"time"

	"envoybot/store"
)

// dashboard is the scenario the dashboard suite reads: two envoys with
// what they built, four activities over two lines and three months
// (in the campaign's zone), their sign-ups, check-ins, check-outs and
// confirmed hours, and a volunteer who deleted his data afterwards.
type dashboard struct {
	wang, li, admin                    *store.User // envoys 王和谐 and 李敬老, admin 赵管理
	zhang, liSi, wangWu, zhao          *store.User // volunteers 张三, 李四, 王五 (anonymised), 赵六
	a1, a2, a3, a4                     *store.Activity
	a1Start, a2Start, a3Start, a4Start time.Time
	in1, in2, in3, out1, out2          time.Time // A1: 张三, 李四 (far away), 王五 in; 张三, 李四 out
	inA2Zhang, inA2Li                  time.Time // A2: 张三 seated, 李四 walk-in
	confirmed, corrected, confirmedA2  time.Time // when hours were confirmed
}

// A1 关爱困难群体 in 古槐社区 by 王和谐, 2026-11-20: seated 张三, 李四, 王五,
// 赵六; all but 赵六 checked in, 李四 far away; confirmed 120, 90 (by the
// admin), 60 minutes. A2 文明有礼 in 北关社区 by 李敬老, 2026-12-10: seated
// 张三 and 赵六, 张三 checked in and confirmed 45, 李四 walked in
// unconfirmed. A3 关爱困难群体 by 王和谐 starts 2027-01-01 00:30 in
// Shanghai, still 2026-12 in UTC, nobody yet. A4 文明有礼 by 李敬老 on
// 2026-12-12 is cancelled. 王五 then deletes his data; an envoy who
// deleted hers (孙离开) is no envoy on the progress page.
func buildDashboard(t *testing.T, s store.Store) *dashboard {
	t.Helper()
	ctx := t.Context()
	d := &dashboard{
		a1Start: time.Date(2026, 11, 20, 9, 0, 0, 0, shanghai),
		a2Start: time.Date(2026, 12, 10, 14, 0, 0, 0, shanghai),
		a3Start: time.Date(2027, 1, 1, 0, 30, 0, 0, shanghai),
		a4Start: time.Date(2026, 12, 12, 9, 0, 0, 0, shanghai),
	}
	redeem := func(code, openID, name, level, kind string, role store.Role) *store.User {
		t.Helper()
		mustInvite(t, s, store.NewInvite{Code: code, Role: role, Name: name,
			EnvoyLevel: level, EnvoyKind: kind, ExpiresAt: later})
		u, _, err := s.RedeemInvite(ctx, mustUser(t, s, openID), code, base, 3, time.Hour)
		if err != nil {
			t.Fatalf("RedeemInvite(%s): %v", code, err)
		}
		return u
	}
	d.wang = redeem("W1", "o-wang", "王和谐", "市", "和谐使者", store.RoleEnvoy)
	d.li = redeem("L1", "o-li", "李敬老", "省", "敬老使者", store.RoleEnvoy)
	d.admin = redeem("Z1", "o-admin", "赵管理", "", "", store.RoleAdmin)
	gone := redeem("S1", "o-gone", "孙离开", "市", "敬老使者", store.RoleEnvoy)
	if _, err := s.AnonymiseUser(ctx, gone.ID, base); err != nil {
		t.Fatalf("AnonymiseUser(o-gone): %v", err)
	}
	register := func(openID, name, phone, community string) *store.User {
		t.Helper()
		reg := store.Registration{OpenID: openID, Name: name, Phone: phone, Community: community}
		u, _, err := s.RegisterVolunteer(ctx, reg, base)
		if err != nil {
			t.Fatalf("RegisterVolunteer(%s): %v", openID, err)
		}
		return u
	}
	d.zhang = register("o-1", "张三", "13800000001", "古槐社区")
	d.liSi = register("o-2", "李四", "13800000002", "北关社区")
	d.wangWu = register("o-3", "王五", "13800000003", "古槐社区")
	d.zhao = register("o-4", "赵六", "13800000004", "北关社区")

	buildStanding(t, s, d.wang.ID, "陪伴独居老人")
	if _, _, err := s.AddContactPoint(ctx, d.li.ID, "北关社区", base); err != nil {
		t.Fatalf("AddContactPoint: %v", err)
	}

	care := func(startsAt time.Time) store.NewActivity { return newActivity(d.wang.ID, startsAt, 0) }
	civility := func(startsAt time.Time) store.NewActivity {
		na := newActivity(d.li.ID, startsAt, 0)
		na.Title, na.Category, na.ServiceType = "文明交通劝导", "文明有礼", "文明劝导"
		na.Place, na.Community = "北关路口", "北关社区"
		return na
	}
	d.a1 = mustActivity(t, s, care(d.a1Start))
	d.a2 = mustActivity(t, s, civility(d.a2Start))
	d.a3 = mustActivity(t, s, care(d.a3Start))
	d.a4 = mustActivity(t, s, civility(d.a4Start))
	for _, openID := range []string{"o-1", "o-2", "o-3", "o-4"} {
		mustSignUp(t, s, "A1", openID, base)
	}
	mustSignUp(t, s, "A2", "o-1", base)
	mustSignUp(t, s, "A2", "o-4", base)
	cancelActivity(t, s, "A4")

	checkIn := func(code, openID string, at time.Time, farAway bool) *store.Attendance {
		t.Helper()
		pos := &store.Position{Lat: 36.6512, Lng: 117.1201}
		if farAway {
			pos = &store.Position{Lat: 36.9, Lng: 117.5}
		}
		a, _, err := s.CheckIn(ctx, code, mustUser(t, s, openID), at, pos, farAway)
		if err != nil {
			t.Fatalf("CheckIn(%s, %s): %v", code, openID, err)
		}
		return a
	}
	checkOut := func(code, openID string, at time.Time, minutes int) {
		t.Helper()
		if _, err := s.CheckOut(ctx, code, mustUser(t, s, openID), at, nil, false, minutes); err != nil {
			t.Fatalf("CheckOut(%s, %s): %v", code, openID, err)
		}
	}
	confirm := func(code string, actor int64, at time.Time, changes ...store.HoursChange) {
		t.Helper()
		if _, err := s.ConfirmHours(ctx, code, actor, changes, "确认时长", at); err != nil {
			t.Fatalf("ConfirmHours(%s): %v", code, err)
		}
	}
	d.in2, d.in1, d.in3 = d.a1Start.Add(-10*time.Minute), d.a1Start.Add(-5*time.Minute), d.a1Start.Add(5*time.Minute)
	att2 := checkIn("A1", "o-2", d.in2, true)
	att1 := checkIn("A1", "o-1", d.in1, false)
	att3 := checkIn("A1", "o-3", d.in3, false)
	d.out1, d.out2 = d.a1Start.Add(2*time.Hour), d.a1Start.Add(90*time.Minute)
	checkOut("A1", "o-1", d.out1, 125)
	checkOut("A1", "o-2", d.out2, 100)
	d.confirmed, d.corrected = d.a1Start.Add(3*time.Hour), d.a1Start.Add(4*time.Hour)
	confirm("A1", d.wang.ID, d.confirmed, store.HoursChange{AttendanceID: att1.ID, Minutes: 120},
		store.HoursChange{AttendanceID: att3.ID, Minutes: 60})
	confirm("A1", d.admin.ID, d.corrected, store.HoursChange{AttendanceID: att2.ID, Minutes: 90})

	d.inA2Zhang, d.inA2Li = d.a2Start, d.a2Start.Add(time.Minute)
	attA2 := checkIn("A2", "o-1", d.inA2Zhang, false)
	checkIn("A2", "o-2", d.inA2Li, false)
	d.confirmedA2 = d.a2Start.Add(3 * time.Hour)
	confirm("A2", d.li.ID, d.confirmedA2, store.HoursChange{AttendanceID: attA2.ID, Minutes: 45})

	if _, err := s.AnonymiseUser(ctx, d.wangWu.ID, d.confirmedA2); err != nil {
		t.Fatalf("AnonymiseUser(o-3): %v", err)
	}
	return d
}

// inUTC is r with every time in UTC, so that records compare with ==.
func inUTC(r store.ServiceRecord) store.ServiceRecord {
	for _, p := range []*time.Time{&r.StartsAt, &r.EndsAt, &r.CheckInAt, &r.CheckOutAt, &r.ConfirmedAt} {
		if !p.IsZero() {
			*p = p.UTC()
		}
	}
	return r
}

// assertRecords compares service records field by field, in order.
func assertRecords(t *testing.T, what string, got, want []store.ServiceRecord) {
	t.Helper()
	if got == nil {
		t.Fatalf("%s = nil, want a slice", what)
	}
	if len(got) != len(want) {
		t.Fatalf("%s = %d records %v, want %d", what, len(got), recordNames(got), len(want))
	}
	for i := range got {
		if inUTC(got[i]) != inUTC(want[i]) {
			t.Errorf("%s[%d] =\n\t%+v\nwant\n\t%+v", what, i, got[i], want[i])
		}
	}
}

// recordNames are "code:volunteer" of records, for failure messages.
func recordNames(list []store.ServiceRecord) []string {
	names := make([]string, len(list))
	for i, r := range list {
		names[i] = fmt.Sprintf("%s:%d:%s", r.ActivityCode, r.VolunteerID, r.VolunteerName)
	}
	return names
}

// activityRowCodes are the codes of the rows, in order.
func activityRowCodes(rows []store.ActivityRow) []string {
	codes := make([]string, len(rows))
	for i, r := range rows {
		codes[i] = r.Activity.Code
	}
	return codes
}

// volunteerRowNames are the names of the rows, in order.
func volunteerRowNames(rows []store.VolunteerRow) []string {
	names := make([]string, len(rows))
	for i, r := range rows {
		names[i] = r.User.Name
	}
	return names
}

// listCase is a filter of a list query and the keys the query must
// return for it, in order.
type listCase[F any] struct {
	name string
	f    F
	want []string
}

// assertListed runs each case as a subtest: list must return a non-nil
// slice whose keys are the case's, in order.
func assertListed[F, R any](t *testing.T, ctx context.Context, what string,
	list func(context.Context, F) ([]R, error), keys func([]R) []string, cases []listCase[F]) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := list(ctx, tc.f)
			if err != nil || got == nil || !slices.Equal(keys(got), tc.want) {
				t.Fatalf("%s = %q, %v; want %q", what, keys(got), err, tc.want)
			}
		})
	}
}

func runDashboardConformance(t *testing.T, open func(t *testing.T) store.Store) {
	t.Run("figures of the scenario", func(t *testing.T) {
		s := open(t)
		d := buildDashboard(t, s)
		ctx := t.Context()

		// The records of A1 and A2 as the exports show them.
		attendee := func(r store.ServiceRecord, name, phone string, id int64) store.ServiceRecord {
			r.VolunteerName, r.VolunteerPhone, r.VolunteerID = name, phone, id
			return r
		}
		a1 := store.ServiceRecord{
			ActivityCode: "A1", ActivityTitle: "敬老院包饺子", Category: "关爱困难群体", ServiceType: "文体活动",
			Community: "古槐社区", Place: "古槐社区敬老院", StartsAt: d.a1Start, EndsAt: d.a1Start.Add(2 * time.Hour),
			Organiser: "王和谐",
		}
		zhangA1 := attendee(a1, "张三", "13800000001", d.zhang.ID)
		zhangA1.CheckInAt, zhangA1.CheckOutAt = d.in1, d.out1
		zhangA1.ConfirmedMinutes, zhangA1.Recorder, zhangA1.ConfirmedAt = 120, "王和谐", d.confirmed
		liSiA1 := attendee(a1, "李四", "13800000002", d.liSi.ID)
		liSiA1.CheckInAt, liSiA1.CheckOutAt = d.in2, d.out2
		liSiA1.ConfirmedMinutes, liSiA1.Recorder, liSiA1.ConfirmedAt = 90, "赵管理", d.corrected
		wangWuA1 := a1
		wangWuA1.VolunteerID, wangWuA1.Anonymised = d.wangWu.ID, true
		wangWuA1.CheckInAt = d.in3
		wangWuA1.ConfirmedMinutes, wangWuA1.Recorder, wangWuA1.ConfirmedAt = 60, "王和谐", d.confirmed
		zhaoA1 := attendee(a1, "赵六", "13800000004", d.zhao.ID)
		zhaoA1.ConfirmedMinutes = -1
		a2 := store.ServiceRecord{
			ActivityCode: "A2", ActivityTitle: "文明交通劝导", Category: "文明有礼", ServiceType: "文明劝导",
			Community: "北关社区", Place: "北关路口", StartsAt: d.a2Start, EndsAt: d.a2Start.Add(2 * time.Hour),
			Organiser: "李敬老",
		}
		zhangA2 := attendee(a2, "张三", "13800000001", d.zhang.ID)
		zhangA2.CheckInAt = d.inA2Zhang
		zhangA2.ConfirmedMinutes, zhangA2.Recorder, zhangA2.ConfirmedAt = 45, "李敬老", d.confirmedA2
		liSiA2 := attendee(a2, "李四", "13800000002", d.liSi.ID)
		liSiA2.CheckInAt, liSiA2.ConfirmedMinutes = d.inA2Li, -1
		zhaoA2 := attendee(a2, "赵六", "13800000004", d.zhao.ID)
		zhaoA2.ConfirmedMinutes = -1

		t.Run("envoy standings list envoys by name with their progress", func(t *testing.T) {
			got, err := s.EnvoyStandings(ctx)
			if err != nil || len(got) != 2 {
				t.Fatalf("EnvoyStandings = %v, %v; want 李敬老 and 王和谐", got, err)
			}
			li, wang := got[0], got[1]
			if li.Envoy.ID != d.li.ID || li.Envoy.Name != "李敬老" || li.Envoy.EnvoyLevel != "省" || li.Envoy.EnvoyKind != "敬老使者" {
				t.Errorf("first envoy = %+v, want 李敬老 (省, 敬老使者)", li.Envoy)
			}
			if wang.Envoy.ID != d.wang.ID || wang.Envoy.Name != "王和谐" || wang.Envoy.EnvoyLevel != "市" || wang.Envoy.EnvoyKind != "和谐使者" {
				t.Errorf("second envoy = %+v, want 王和谐 (市, 和谐使者)", wang.Envoy)
			}
			p := wang.Progress
			if len(p.ContactPoints) != 1 || p.ContactPoints[0].Community != "古槐社区" ||
				len(p.Teams) != 1 || p.Teams[0].Members != 1 || len(p.Brands) != 1 || p.Brands[0].Name != "银发守护" {
				t.Errorf("王和谐 built %v, %v, %v; want 古槐社区, a team of 1, 银发守护", p.ContactPoints, p.Teams, p.Brands)
			}
			if !maps.Equal(p.ActivitiesByLine, map[string]int{"关爱困难群体": 2}) || p.ConfirmedMinutes != 270 || p.Volunteers != 3 {
				t.Errorf("王和谐 progress = %v, %d minutes, %d volunteers; want 关爱困难群体 2, 270, 3",
					p.ActivitiesByLine, p.ConfirmedMinutes, p.Volunteers)
			}
			p = li.Progress
			if len(p.ContactPoints) != 1 || p.ContactPoints[0].Community != "北关社区" || len(p.Teams) != 0 || len(p.Brands) != 0 {
				t.Errorf("李敬老 built %v, %v, %v; want only 北关社区", p.ContactPoints, p.Teams, p.Brands)
			}
			if !maps.Equal(p.ActivitiesByLine, map[string]int{"文明有礼": 1}) || p.ConfirmedMinutes != 45 || p.Volunteers != 2 {
				t.Errorf("李敬老 progress = %v, %d minutes, %d volunteers; want 文明有礼 1 (the cancelled one left out), 45, 2",
					p.ActivitiesByLine, p.ConfirmedMinutes, p.Volunteers)
			}
		})

		t.Run("activities per month count in the given zone", func(t *testing.T) {
			tests := []struct {
				name string
				loc  *time.Location
				want []store.MonthLineCount
			}{
				{"Shanghai", shanghai, []store.MonthLineCount{
					{Month: "2026-11", Category: "关爱困难群体", Count: 1},
					{Month: "2026-12", Category: "文明有礼", Count: 1},
					{Month: "2027-01", Category: "关爱困难群体", Count: 1},
				}},
				{"UTC", time.UTC, []store.MonthLineCount{
					{Month: "2026-11", Category: "关爱困难群体", Count: 1},
					{Month: "2026-12", Category: "关爱困难群体", Count: 1},
					{Month: "2026-12", Category: "文明有礼", Count: 1},
				}},
			}
			for _, tc := range tests {
				t.Run(tc.name, func(t *testing.T) {
					got, err := s.ActivitiesPerMonth(ctx, tc.loc)
					if err != nil || !slices.Equal(got, tc.want) {
						t.Fatalf("ActivitiesPerMonth = %v, %v; want %v", got, err, tc.want)
					}
				})
			}
		})

		t.Run("hours per community sum confirmed minutes, most first", func(t *testing.T) {
			got, err := s.HoursPerCommunity(ctx)
			want := []store.CommunityHours{{Community: "古槐社区", Minutes: 270}, {Community: "北关社区", Minutes: 45}}
			if err != nil || !slices.Equal(got, want) {
				t.Fatalf("HoursPerCommunity = %v, %v; want %v", got, err, want)
			}
		})

		t.Run("turnout counts seated sign-ups of finished activities", func(t *testing.T) {
			tests := []struct {
				name string
				at   time.Time
				want store.Turnout
			}{
				{"before anything ended", d.a1Start, store.Turnout{}},
				{"after A1", d.a1Start.Add(3 * time.Hour), store.Turnout{Activities: 1, Seated: 4, Attended: 3}},
				{"after A2, walk-in and cancelled left out", d.a3Start, store.Turnout{Activities: 2, Seated: 6, Attended: 4}},
				{"after everything", d.a3Start.Add(3 * time.Hour), store.Turnout{Activities: 3, Seated: 6, Attended: 4}},
			}
			for _, tc := range tests {
				t.Run(tc.name, func(t *testing.T) {
					got, err := s.TurnoutBefore(ctx, tc.at)
					if err != nil || *got != tc.want {
						t.Fatalf("TurnoutBefore = %+v, %v; want %+v", got, err, tc.want)
					}
				})
			}
		})

		t.Run("activity list filters and counts attendance", func(t *testing.T) {
			assertListed(t, ctx, "ListActivities", s.ListActivities, activityRowCodes, []listCase[store.ActivityFilter]{
				{"everything, newest first", store.ActivityFilter{}, []string{"A3", "A4", "A2", "A1"}},
				{"one line", store.ActivityFilter{Category: "文明有礼"}, []string{"A4", "A2"}},
				{"one community", store.ActivityFilter{Community: " 古槐社区 "}, []string{"A3", "A1"}},
				{"one envoy", store.ActivityFilter{EnvoyID: d.li.ID}, []string{"A4", "A2"}},
				{"started in December", store.ActivityFilter{From: time.Date(2026, 12, 1, 0, 0, 0, 0, shanghai), To: d.a3Start}, []string{"A4", "A2"}},
				{"from A2 on", store.ActivityFilter{From: d.a2Start}, []string{"A3", "A4", "A2"}},
				{"flagged check-ins", store.ActivityFilter{Flagged: true}, []string{"A1"}},
				{"limited", store.ActivityFilter{Limit: 2}, []string{"A3", "A4"}},
				{"nothing matches", store.ActivityFilter{Category: "文明有礼", Community: "古槐社区"}, []string{}},
			})
			rows, err := s.ListActivities(ctx, store.ActivityFilter{})
			if err != nil {
				t.Fatalf("ListActivities: %v", err)
			}
			figures := map[string][3]int{}
			for _, r := range rows {
				figures[r.Activity.Code] = [3]int{r.Attended, r.Flagged, r.Confirmed}
			}
			want := map[string][3]int{"A1": {3, 1, 3}, "A2": {2, 0, 1}, "A3": {}, "A4": {}}
			if !maps.Equal(figures, want) {
				t.Errorf("attended, flagged, confirmed = %v, want %v", figures, want)
			}
			a1 := rows[3].Activity
			if a1.Title != "敬老院包饺子" || a1.Community != "古槐社区" || a1.EnvoyName != "王和谐" || a1.Seated != 4 {
				t.Errorf("A1 = %+v, want it filled in with 4 seated", a1)
			}
			if rows[1].Activity.Status != store.ActivityCancelled {
				t.Errorf("A4 status = %q, want cancelled", rows[1].Activity.Status)
			}
		})

		t.Run("volunteer list shows registered users with their service", func(t *testing.T) {
			assertListed(t, ctx, "ListVolunteers", s.ListVolunteers, volunteerRowNames, []listCase[store.VolunteerFilter]{
				{"everyone registered, by name", store.VolunteerFilter{}, []string{"张三", "李四", "赵六"}},
				{"one community", store.VolunteerFilter{Community: "北关社区"}, []string{"李四", "赵六"}},
				{"part of a name", store.VolunteerFilter{Query: " 六 "}, []string{"赵六"}},
				{"limited", store.VolunteerFilter{Limit: 1}, []string{"张三"}},
				{"no such name", store.VolunteerFilter{Query: "王"}, []string{}},
			})
			rows, err := s.ListVolunteers(ctx, store.VolunteerFilter{})
			if err != nil || len(rows) != 3 {
				t.Fatalf("ListVolunteers = %v, %v", rows, err)
			}
			for i, want := range []struct {
				id                  int64
				phone               string
				activities, minutes int
			}{{d.zhang.ID, "13800000001", 2, 165}, {d.liSi.ID, "13800000002", 2, 90}, {d.zhao.ID, "13800000004", 0, 0}} {
				r := rows[i]
				if r.User.ID != want.id || r.User.Phone != want.phone || r.Activities != want.activities || r.ConfirmedMinutes != want.minutes {
					t.Errorf("row %d = %+v, %d activities, %d minutes; want id %d, %d, %d",
						i, r.User, r.Activities, r.ConfirmedMinutes, want.id, want.activities, want.minutes)
				}
			}
		})

		t.Run("service records hold confirmed service in the period", func(t *testing.T) {
			got, err := s.ServiceRecords(ctx, time.Date(2026, 11, 1, 0, 0, 0, 0, shanghai), d.a3Start)
			if err != nil {
				t.Fatalf("ServiceRecords: %v", err)
			}
			// By start, then name: the anonymised volunteer's empty name first.
			assertRecords(t, "ServiceRecords", got, []store.ServiceRecord{wangWuA1, zhangA1, liSiA1, zhangA2})
			got, err = s.ServiceRecords(ctx, d.a2Start.Add(time.Microsecond), d.a3Start.Add(time.Hour))
			if err != nil {
				t.Fatalf("ServiceRecords: %v", err)
			}
			assertRecords(t, "ServiceRecords after A2 started", got, []store.ServiceRecord{})
			got, err = s.ServiceRecords(ctx, d.a2Start, d.a2Start.Add(time.Microsecond))
			if err != nil {
				t.Fatalf("ServiceRecords: %v", err)
			}
			assertRecords(t, "ServiceRecords of A2's start", got, []store.ServiceRecord{zhangA2})
		})

		t.Run("activity records list attendance then the absent", func(t *testing.T) {
			got, err := s.ActivityRecords(ctx, " a1")
			if err != nil {
				t.Fatalf("ActivityRecords(A1): %v", err)
			}
			assertRecords(t, "ActivityRecords(A1)", got, []store.ServiceRecord{liSiA1, zhangA1, wangWuA1, zhaoA1})
			got, err = s.ActivityRecords(ctx, "A2")
			if err != nil {
				t.Fatalf("ActivityRecords(A2): %v", err)
			}
			assertRecords(t, "ActivityRecords(A2)", got, []store.ServiceRecord{zhangA2, liSiA2, zhaoA2})
			got, err = s.ActivityRecords(ctx, "A3")
			if err != nil {
				t.Fatalf("ActivityRecords(A3): %v", err)
			}
			assertRecords(t, "ActivityRecords(A3)", got, []store.ServiceRecord{})
			_, err = s.ActivityRecords(ctx, "A99")
			assertCode(t, "ActivityRecords of an unknown activity", err, store.ENOTFOUND, "")
		})
	})

	t.Run("an empty campaign has empty figures", func(t *testing.T) {
		s := open(t)
		ctx := t.Context()
		standings, err := s.EnvoyStandings(ctx)
		if err != nil || standings == nil || len(standings) != 0 {
			t.Errorf("EnvoyStandings = %v, %v; want an empty slice", standings, err)
		}
		months, err := s.ActivitiesPerMonth(ctx, shanghai)
		if err != nil || months == nil || len(months) != 0 {
			t.Errorf("ActivitiesPerMonth = %v, %v; want an empty slice", months, err)
		}
		hours, err := s.HoursPerCommunity(ctx)
		if err != nil || hours == nil || len(hours) != 0 {
			t.Errorf("HoursPerCommunity = %v, %v; want an empty slice", hours, err)
		}
		turnout, err := s.TurnoutBefore(ctx, base)
		if err != nil || *turnout != (store.Turnout{}) {
			t.Errorf("TurnoutBefore = %v, %v; want zeros", turnout, err)
		}
		lectures, err := s.ListLectures(ctx, 0)
		if err != nil || lectures == nil || len(lectures) != 0 {
			t.Errorf("ListLectures = %v, %v; want an empty slice", lectures, err)
		}
		records, err := s.ServiceRecords(ctx, time.Time{}, time.Time{})
		if err != nil || records == nil || len(records) != 0 {
			t.Errorf("ServiceRecords = %v, %v; want an empty slice", records, err)
		}
	})

	t.Run("lectures newest first, sessions with their cancellations", func(t *testing.T) {
		s := open(t)
		ctx := t.Context()
		envoy := mustEnvoy(t, s, "o-envoy").ID
		first, second := later, later.Add(7*24*time.Hour)
		if _, err := s.CreateLecture(ctx, newLecture(envoy, "古槐社区", first, second), base); err != nil {
			t.Fatalf("CreateLecture L1: %v", err)
		}
		if _, err := s.CreateLecture(ctx, newLecture(envoy, "北关社区", second, first), base.Add(time.Hour)); err != nil {
			t.Fatalf("CreateLecture L2: %v", err)
		}
		cancelledAt := first.Add(time.Hour) // after L2's first session
		if _, err := s.CancelLecture(ctx, "L2", cancelledAt); err != nil {
			t.Fatalf("CancelLecture: %v", err)
		}
		list, err := s.ListLectures(ctx, 0)
		if err != nil || len(list) != 2 || list[0].Code != "L2" || list[1].Code != "L1" {
			t.Fatalf("ListLectures = %v, %v; want L2 then L1", list, err)
		}
		assertTime(t, "L2 CancelledAt", list[0].CancelledAt, cancelledAt)
		if list[1].Community != "古槐社区" || list[1].Title != "法律知识讲座" || !list[1].CancelledAt.IsZero() {
			t.Errorf("L1 = %+v, want it filled in and not cancelled", list[1])
		}
		if limited, err := s.ListLectures(ctx, 1); err != nil || len(limited) != 1 || limited[0].Code != "L2" {
			t.Fatalf("ListLectures(1) = %v, %v; want L2", limited, err)
		}

		sessions, err := s.ListLectureSessions(ctx, " l2")
		if err != nil || len(sessions) != 2 {
			t.Fatalf("ListLectureSessions(L2) = %v, %v; want two sessions", sessions, err)
		}
		assertTime(t, "first session", sessions[0].StartsAt, first)
		assertTime(t, "second session", sessions[1].StartsAt, second)
		if sessions[0].Lecture.Code != "L2" || !sessions[0].Lecture.CancelledAt.IsZero() {
			t.Errorf("first session's lecture = %+v, want L2 not cancelled: it took place", sessions[0].Lecture)
		}
		assertTime(t, "second session CancelledAt", sessions[1].Lecture.CancelledAt, cancelledAt)
		if sessions[0].Lecture == sessions[1].Lecture {
			t.Errorf("sessions share one Lecture, want a copy each")
		}
		sessions, err = s.ListLectureSessions(ctx, "L1")
		if err != nil || len(sessions) != 2 || !sessions[0].Lecture.CancelledAt.IsZero() || !sessions[1].Lecture.CancelledAt.IsZero() {
			t.Fatalf("ListLectureSessions(L1) = %v, %v; want two live sessions", sessions, err)
		}
		_, err = s.ListLectureSessions(ctx, "L9")
		assertCode(t, "ListLectureSessions of an unknown lecture", err, store.ENOTFOUND, "")
	})
}

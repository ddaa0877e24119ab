package storetest

import (
	"maps"
	"reflect"
	"slices"
	"testing"
	"time"

	"envoybot/store"
)

// userOpenIDs are the openids of users, in order.
func userOpenIDs(users []*store.User) []string {
	ids := make([]string, len(users))
	for i, u := range users {
		ids[i] = u.OpenID
	}
	return ids
}

// occurrenceKeys are "code@start" of each occurrence, in order.
func occurrenceKeys(list []*store.LectureOccurrence) []string {
	keys := make([]string, len(list))
	for i, o := range list {
		keys[i] = o.Lecture.Code + "@" + o.StartsAt.UTC().Format(time.RFC3339)
	}
	return keys
}

// occurrenceKey is "code@start" of one session.
func occurrenceKey(code string, startsAt time.Time) string {
	return code + "@" + startsAt.UTC().Format(time.RFC3339)
}

// activityCodes are the codes of activities, in order.
func activityCodes(list []*store.Activity) []string {
	codes := make([]string, len(list))
	for i, a := range list {
		codes[i] = a.Code
	}
	return codes
}

func runScheduleConformance(t *testing.T, open func(t *testing.T) store.Store) {
	t.Run("users by role leave out the anonymised", func(t *testing.T) {
		s := open(t)
		mustTouch(t, s, "o-resident", base)
		mustEnvoy(t, s, "o-volunteer-1")
		mustEnvoy(t, s, "o-volunteer-2")
		deleted := mustEnvoy(t, s, "o-deleted")
		if _, err := s.AnonymiseUser(t.Context(), deleted.ID, base); err != nil {
			t.Fatalf("AnonymiseUser: %v", err)
		}
		volunteers, err := s.ListUsersByRole(t.Context(), store.RoleVolunteer)
		if err != nil || !slices.Equal(userOpenIDs(volunteers), []string{"o-volunteer-1", "o-volunteer-2"}) {
			t.Fatalf("ListUsersByRole(volunteer) = %q, %v", userOpenIDs(volunteers), err)
		}
		if volunteers[0].Name != "李使者" || volunteers[0].Community != "古槐社区" {
			t.Fatalf("volunteer = %+v, want the full profile", volunteers[0])
		}
		admins, err := s.ListUsersByRole(t.Context(), store.RoleAdmin)
		if err != nil || admins == nil || len(admins) != 0 {
			t.Fatalf("ListUsersByRole(admin) = %#v, %v; want an empty slice", admins, err)
		}
		_, err = s.ListUsersByRole(t.Context(), store.Role("mayor"))
		assertCode(t, "ListUsersByRole of an unknown role", err, store.EINVALID, "")
	})

	t.Run("recurring lectures leave out one-off and cancelled ones", func(t *testing.T) {
		s, envoy := withEnvoy(t, open)
		mustCreateLecture(t, s, newLecture(envoy, "古槐社区", later)) // L1
		oneOff := newLecture(envoy, "北关社区", later)
		oneOff.Recurrence = store.Recurrence{}
		mustCreateLecture(t, s, oneOff)                           // L2
		mustCreateLecture(t, s, newLecture(envoy, "北关社区", later)) // L3
		if _, err := s.CancelLecture(t.Context(), "L3", base); err != nil {
			t.Fatalf("CancelLecture: %v", err)
		}
		got, err := s.ListRecurringLectures(t.Context())
		if err != nil || len(got) != 1 {
			t.Fatalf("ListRecurringLectures = %v, %v; want L1", got, err)
		}
		l := got[0]
		if l.Code != "L1" || l.Title != "法律知识讲座" || l.Community != "古槐社区" || l.Place != "活动室" ||
			l.EnvoyOpenID != "o-envoy" || l.Recurrence != firstSaturday {
			t.Fatalf("recurring lecture = %+v", l)
		}
		assertTime(t, "FirstStartsAt", l.FirstStartsAt, later)
	})

	t.Run("adding occurrences skips those the lecture has", func(t *testing.T) {
		s, envoy := withEnvoy(t, open)
		week := 7 * 24 * time.Hour
		mustCreateLecture(t, s, newLecture(envoy, "古槐社区", later))
		n, err := s.AddLectureOccurrences(t.Context(), " l1 ", []time.Time{later.Add(2 * week), later, later.Add(week), later.Add(week)})
		if err != nil || n != 2 {
			t.Fatalf("AddLectureOccurrences = %d, %v; want 2 new", n, err)
		}
		n, err = s.AddLectureOccurrences(t.Context(), "L1", []time.Time{later.Add(week), later.Add(3 * week)})
		if err != nil || n != 1 {
			t.Fatalf("AddLectureOccurrences again = %d, %v; want 1 new", n, err)
		}
		got, err := s.ListOccurrencesBetween(t.Context(), later, later.Add(4*week))
		want := []string{occurrenceKey("L1", later), occurrenceKey("L1", later.Add(week)),
			occurrenceKey("L1", later.Add(2*week)), occurrenceKey("L1", later.Add(3*week))}
		if err != nil || !slices.Equal(occurrenceKeys(got), want) {
			t.Fatalf("ListOccurrencesBetween = %q, %v; want %q", occurrenceKeys(got), err, want)
		}
		if n, err := s.AddLectureOccurrences(t.Context(), "L1", nil); err != nil || n != 0 {
			t.Fatalf("AddLectureOccurrences of none = %d, %v; want 0", n, err)
		}
	})

	t.Run("an earlier occurrence moves the first start back", func(t *testing.T) {
		s, envoy := withEnvoy(t, open)
		mustCreateLecture(t, s, newLecture(envoy, "古槐社区", later))
		if _, err := s.AddLectureOccurrences(t.Context(), "L1", []time.Time{later.Add(-time.Hour)}); err != nil {
			t.Fatalf("AddLectureOccurrences: %v", err)
		}
		l, err := s.FindLectureByCode(t.Context(), "L1")
		if err != nil {
			t.Fatalf("FindLectureByCode: %v", err)
		}
		assertTime(t, "FirstStartsAt", l.FirstStartsAt, later.Add(-time.Hour))
	})

	t.Run("adding occurrences refuses unknown and cancelled lectures and zero times", func(t *testing.T) {
		s, envoy := withEnvoy(t, open)
		mustCreateLecture(t, s, newLecture(envoy, "古槐社区", later))
		_, err := s.AddLectureOccurrences(t.Context(), "L9", []time.Time{later})
		assertCode(t, "AddLectureOccurrences of an unknown code", err, store.ENOTFOUND, "")
		_, err = s.AddLectureOccurrences(t.Context(), "L1", []time.Time{later.Add(time.Hour), {}})
		assertCode(t, "AddLectureOccurrences with a zero time", err, store.EINVALID, "")
		if _, err := s.CancelLecture(t.Context(), "L1", base); err != nil {
			t.Fatalf("CancelLecture: %v", err)
		}
		_, err = s.AddLectureOccurrences(t.Context(), "L1", []time.Time{later.Add(time.Hour)})
		assertCode(t, "AddLectureOccurrences of a cancelled lecture", err, store.EINVALID, "")
	})

	t.Run("occurrences between leave out cancelled lectures and sessions", func(t *testing.T) {
		s, envoy := withEnvoy(t, open)
		from, to := later, later.Add(48*time.Hour)
		mustCreateLecture(t, s, newLecture(envoy, "古槐社区", from.Add(-time.Microsecond), from, to.Add(-time.Hour), to)) // L1
		mustCreateLecture(t, s, newLecture(envoy, "北关社区", from.Add(time.Hour)))                                       // L2: cancelled
		mustCreateLecture(t, s, newLecture(envoy, "北关社区", from.Add(time.Hour), from.Add(2*time.Hour)))                // L3: first session cancelled
		if _, err := s.CancelLecture(t.Context(), "L2", base); err != nil {
			t.Fatalf("CancelLecture L2: %v", err)
		}
		rawExec(t, s, `UPDATE lecture_occurrences SET cancelled_at = '2026-12-01T00:00:00.000000Z'
			WHERE lecture_id = (SELECT id FROM lectures WHERE code = 'L3')
				AND starts_at = (SELECT MIN(starts_at) FROM lecture_occurrences
					WHERE lecture_id = (SELECT id FROM lectures WHERE code = 'L3'))`)
		got, err := s.ListOccurrencesBetween(t.Context(), from, to)
		want := []string{occurrenceKey("L1", from), occurrenceKey("L3", from.Add(2*time.Hour)), occurrenceKey("L1", to.Add(-time.Hour))}
		if err != nil || !slices.Equal(occurrenceKeys(got), want) {
			t.Fatalf("ListOccurrencesBetween = %q, %v; want %q", occurrenceKeys(got), err, want)
		}
		l := got[0].Lecture
		if l.Code != "L1" || l.Title != "法律知识讲座" || l.Community != "古槐社区" || l.Place != "活动室" ||
			l.EnvoyOpenID != "o-envoy" || l.EnvoyID == 0 || l.Recurrence != firstSaturday {
			t.Fatalf("occurrence lecture = %+v, want it filled in", l)
		}
		empty, err := s.ListOccurrencesBetween(t.Context(), to.Add(time.Hour), to.Add(2*time.Hour))
		if err != nil || empty == nil || len(empty) != 0 {
			t.Fatalf("ListOccurrencesBetween of an empty period = %#v, %v; want an empty slice", empty, err)
		}
	})

	t.Run("subscribers are active, following and not anonymised", func(t *testing.T) {
		s := open(t)
		subscribe := func(openID, community string) {
			t.Helper()
			if _, err := s.Subscribe(t.Context(), mustUser(t, s, openID), community, base); err != nil {
				t.Fatalf("Subscribe(%s, %s): %v", openID, community, err)
			}
		}
		for _, id := range []string{"o-1", "o-2", "o-off", "o-unfollowed", "o-deleted"} {
			subscribe(id, "古槐社区")
		}
		subscribe("o-3", "北关社区")
		if _, err := s.Unsubscribe(t.Context(), mustUser(t, s, "o-off"), "古槐社区", base); err != nil {
			t.Fatalf("Unsubscribe: %v", err)
		}
		if err := s.SetFollowing(t.Context(), "o-unfollowed", false, base); err != nil {
			t.Fatalf("SetFollowing: %v", err)
		}
		if _, err := s.AnonymiseUser(t.Context(), mustUser(t, s, "o-deleted"), base); err != nil {
			t.Fatalf("AnonymiseUser: %v", err)
		}
		got, err := s.ListSubscribers(t.Context(), " 古槐社区 ")
		if err != nil || !slices.Equal(userOpenIDs(got), []string{"o-1", "o-2"}) {
			t.Fatalf("ListSubscribers = %q, %v; want o-1 and o-2", userOpenIDs(got), err)
		}
		none, err := s.ListSubscribers(t.Context(), "无名社区")
		if err != nil || none == nil || len(none) != 0 {
			t.Fatalf("ListSubscribers of an unknown community = %#v, %v; want an empty slice", none, err)
		}
		ids, err := s.ListSubscriberOpenIDs(t.Context(), " 古槐社区 ")
		if err != nil || !slices.Equal(ids, []string{"o-1", "o-2"}) {
			t.Fatalf("ListSubscriberOpenIDs = %q, %v; want o-1 and o-2", ids, err)
		}
		if ids, err := s.ListSubscriberOpenIDs(t.Context(), "无名社区"); err != nil || len(ids) != 0 {
			t.Fatalf("ListSubscriberOpenIDs of an unknown community = %q, %v; want none", ids, err)
		}
	})

	t.Run("activities starting and ending between leave out cancelled ones", func(t *testing.T) {
		s, envoy := withEnvoy(t, open)
		from, to := later, later.Add(24*time.Hour)
		mustActivity(t, s, newActivity(envoy, from.Add(-time.Hour), 0))  // A1: starts before, ends inside
		mustActivity(t, s, newActivity(envoy, from.Add(3*time.Hour), 0)) // A2: inside
		mustActivity(t, s, newActivity(envoy, from, 0))                  // A3: starts at from
		mustActivity(t, s, newActivity(envoy, to.Add(-time.Hour), 0))    // A4: starts inside, ends after
		mustActivity(t, s, newActivity(envoy, from.Add(5*time.Hour), 0)) // A5: cancelled
		mustActivity(t, s, newActivity(envoy, to, 0))                    // A6: starts at to
		if _, err := s.MarkActivityHeld(t.Context(), "A2", base, ""); err != nil {
			t.Fatalf("MarkActivityHeld: %v", err)
		}
		cancelActivity(t, s, "A5")
		starting, err := s.ListActivitiesStartingBetween(t.Context(), from, to)
		if err != nil || !slices.Equal(activityCodes(starting), []string{"A3", "A2", "A4"}) {
			t.Fatalf("ListActivitiesStartingBetween = %q, %v; want A3 A2 A4", activityCodes(starting), err)
		}
		if a := starting[1]; a.Status != store.ActivityHeld || a.Community != "古槐社区" || a.EnvoyOpenID != "o-envoy" {
			t.Fatalf("held activity = %+v", a)
		}
		ending, err := s.ListActivitiesEndingBetween(t.Context(), from, to)
		if err != nil || !slices.Equal(activityCodes(ending), []string{"A1", "A3", "A2"}) {
			t.Fatalf("ListActivitiesEndingBetween = %q, %v; want A1 A3 A2", activityCodes(ending), err)
		}
		empty, err := s.ListActivitiesStartingBetween(t.Context(), to.Add(time.Hour), to.Add(2*time.Hour))
		if err != nil || empty == nil || len(empty) != 0 {
			t.Fatalf("ListActivitiesStartingBetween of an empty period = %#v, %v; want an empty slice", empty, err)
		}
	})

	t.Run("summary sums the period's activities and new volunteers", func(t *testing.T) {
		s := open(t)
		week := 7 * 24 * time.Hour
		from, to := base, base.Add(week)
		// Registered before the period: the envoy and o-old.
		registered, _, err := s.RegisterVolunteer(t.Context(), store.Registration{OpenID: "o-envoy", Name: "李使者", Phone: "13900000001", Community: "古槐社区"}, from.Add(-time.Hour))
		if err != nil {
			t.Fatalf("RegisterVolunteer: %v", err)
		}
		envoy := registered.ID
		if _, _, err := s.RegisterVolunteer(t.Context(), registration("o-old", "古槐社区"), from.Add(-time.Hour)); err != nil {
			t.Fatalf("RegisterVolunteer: %v", err)
		}
		// Followed before, registered inside: counts.
		mustTouch(t, s, "o-1", from.Add(-week))
		for _, id := range []string{"o-1", "o-2", "o-3"} {
			if _, _, err := s.RegisterVolunteer(t.Context(), registration(id, "古槐社区"), from.Add(time.Hour)); err != nil {
				t.Fatalf("RegisterVolunteer(%s): %v", id, err)
			}
		}
		// Registering again inside the period is not new.
		if _, _, err := s.RegisterVolunteer(t.Context(), registration("o-old", "北关社区"), from.Add(time.Hour)); err != nil {
			t.Fatalf("RegisterVolunteer again: %v", err)
		}
		// Anonymised after registering inside: still counted.
		if _, err := s.AnonymiseUser(t.Context(), mustUser(t, s, "o-3"), from.Add(2*time.Hour)); err != nil {
			t.Fatalf("AnonymiseUser: %v", err)
		}
		// Registered at to: outside.
		if _, _, err := s.RegisterVolunteer(t.Context(), registration("o-late", "古槐社区"), to); err != nil {
			t.Fatalf("RegisterVolunteer: %v", err)
		}

		care := newActivity(envoy, from.Add(24*time.Hour), 2) // A1
		mustActivity(t, s, care)
		civility := newActivity(envoy, from.Add(48*time.Hour), 0) // A2
		civility.Category = "文明有礼"
		mustActivity(t, s, civility)
		mustActivity(t, s, newActivity(envoy, from.Add(72*time.Hour), 0)) // A3: cancelled
		mustActivity(t, s, newActivity(envoy, from.Add(-time.Hour), 0))   // A4: before the period
		mustActivity(t, s, newActivity(envoy, to, 0))                     // A5: after the period
		cancelActivity(t, s, "A3")

		for _, id := range []string{"o-1", "o-2", "o-old"} { // o-old is wait-listed
			mustSignUp(t, s, "A1", id, base)
		}
		mustSignUp(t, s, "A2", "o-1", base)
		mustSignUp(t, s, "A4", "o-1", base)
		mustSignUp(t, s, "A5", "o-1", base)
		for _, c := range []struct{ code, openID string }{{"A1", "o-1"}, {"A1", "o-2"}, {"A2", "o-1"}, {"A4", "o-1"}} {
			if _, _, err := s.CheckIn(t.Context(), c.code, mustUser(t, s, c.openID), from.Add(24*time.Hour), nil, false); err != nil {
				t.Fatalf("CheckIn(%s, %s): %v", c.code, c.openID, err)
			}
		}
		confirm := func(code string, minutes int) {
			t.Helper()
			atts, err := s.ListAttendance(t.Context(), code)
			if err != nil {
				t.Fatalf("ListAttendance(%s): %v", code, err)
			}
			changes := make([]store.HoursChange, len(atts))
			for i, a := range atts {
				changes[i] = store.HoursChange{AttendanceID: a.ID, Minutes: minutes}
			}
			if _, err := s.ConfirmHours(t.Context(), code, envoy, changes, "确认时长", from.Add(30*time.Hour)); err != nil {
				t.Fatalf("ConfirmHours(%s): %v", code, err)
			}
		}
		confirm("A1", 120) // two volunteers
		confirm("A4", 60)  // outside the period
		if _, err := s.MarkActivityHeld(t.Context(), "A1", from.Add(26*time.Hour), ""); err != nil {
			t.Fatalf("MarkActivityHeld: %v", err)
		}

		got, err := s.SummaryBetween(t.Context(), from, to)
		if err != nil {
			t.Fatalf("SummaryBetween: %v", err)
		}
		want := store.Summary{
			Activities:       2,
			ActivitiesByLine: map[string]int{"关爱困难群体": 1, "文明有礼": 1},
			HeldActivities:   1,
			Signups:          3, // A1: o-1, o-2 seated; A2: o-1
			Attended:         3,
			ConfirmedMinutes: 240,
			NewVolunteers:    3, // o-1, o-2, o-3
		}
		if !maps.Equal(got.ActivitiesByLine, want.ActivitiesByLine) {
			t.Errorf("ActivitiesByLine = %v, want %v", got.ActivitiesByLine, want.ActivitiesByLine)
		}
		got.ActivitiesByLine, want.ActivitiesByLine = nil, nil
		if !reflect.DeepEqual(*got, want) {
			t.Errorf("SummaryBetween = %+v, want %+v", *got, want)
		}

		empty, err := s.SummaryBetween(t.Context(), to.Add(week), to.Add(2*week))
		if err != nil || empty.ActivitiesByLine == nil || len(empty.ActivitiesByLine) != 0 || empty.Activities != 0 || empty.NewVolunteers != 0 {
			t.Fatalf("SummaryBetween of an empty period = %+v, %v; want zeros and an empty map", empty, err)
		}
	})
}

// mustCreateLecture creates the lecture at base.
func mustCreateLecture(t *testing.T, s store.Store, nl store.NewLecture) *store.Lecture {
	t.Helper()
	l, err := s.CreateLecture(t.Context(), nl, base)
	if err != nil {
		t.Fatalf("CreateLecture: %v", err)
	}
	return l
}

package scheduler

import (
	"context"
	"log/slog"
	"slices"
	"strings"
	"testing"
	"time"

	"envoybot/configs"
	"envoybot/store"
	"envoybot/store/storetest"
)

// reminderKeys runs ActivityReminders as of each instant and returns the
// keys of the reminders written, oldest first.
func reminderKeys(t *testing.T, j *Jobs, at ...time.Time) []string {
	t.Helper()
	for _, now := range at {
		if err := j.ActivityReminders(context.Background(), now); err != nil {
			t.Fatalf("ActivityReminders(%s): %v", now, err)
		}
	}
	ns, err := j.Store.ListNotices(context.Background(), KindActivityReminder, 100)
	if err != nil {
		t.Fatal(err)
	}
	var keys []string
	for _, n := range ns {
		if n.Status != store.NoticeUndeliverable {
			keys = append(keys, n.Key)
		}
	}
	slices.Sort(keys)
	return keys
}

// TestRemindersFollowAMovedActivity moves an activity after its day-before
// reminder: no reminder comes at the old time, both come again before the
// new one; a cancelled activity gets none; a lecture session cancelled is
// skipped while the next one is announced.
func TestRemindersFollowAMovedActivity(t *testing.T) {
	cst := time.FixedZone("CST", 8*3600)
	storetest.Backends(t, func(t *testing.T, s store.Store) {
		ctx := context.Background()
		j := &Jobs{Store: s, Loc: cst, Log: slog.New(slog.DiscardHandler), Sched: configs.Schedules{
			ActivityOffsets: []time.Duration{24 * time.Hour, 2 * time.Hour}, CheckoutReminderAfter: time.Hour,
			LectureOffsets: []time.Duration{24 * time.Hour, time.Hour}, LectureHorizon: 60 * 24 * time.Hour}}
		created := time.Date(2026, 12, 1, 9, 0, 0, 0, cst)
		if _, err := s.AddCommunities(ctx, []string{"古槐社区"}, created); err != nil {
			t.Fatal(err)
		}
		envoy, _, err := s.RegisterVolunteer(ctx, store.Registration{OpenID: "o-envoy", Name: "李使者", Phone: "13900000001", Community: "古槐社区"}, created)
		if err != nil {
			t.Fatal(err)
		}
		old := time.Date(2026, 12, 5, 14, 0, 0, 0, cst)
		for range 2 {
			if _, err := s.CreateActivity(ctx, store.NewActivity{EnvoyID: envoy.ID, Title: "包饺子", Category: "关爱困难群体",
				Community: "古槐社区", Place: "敬老院", StartsAt: old, EndsAt: old.Add(2 * time.Hour)}, created); err != nil {
				t.Fatal(err)
			}
		}
		for _, code := range []string{"A1", "A2"} {
			u, err := s.TouchUser(ctx, "o-v-"+code, created)
			if err != nil {
				t.Fatal(err)
			}
			if _, _, err := s.SignUp(ctx, code, u.ID, store.SourceChat, created); err != nil {
				t.Fatal(err)
			}
		}
		if _, _, err := s.CancelActivity(ctx, "A2", envoy.ID, "下雨", created); err != nil {
			t.Fatal(err)
		}
		oldKey := "activity_reminder|A1|2026-12-05T06:00:00Z|o-v-A1|"
		if got := reminderKeys(t, j, old.Add(-24*time.Hour)); !slices.Equal(got, []string{oldKey + "24h0m0s"}) {
			t.Fatalf("day-before reminders = %q; want A1's only (A2 is cancelled)", got)
		}

		moved := time.Date(2026, 12, 7, 9, 0, 0, 0, cst)
		if _, err := s.ModifyActivity(ctx, "A1", store.ActivityChange{Start: &moved}, old.Add(-20*time.Hour)); err != nil {
			t.Fatal(err)
		}
		if got := reminderKeys(t, j, old.Add(-2*time.Hour), old.Add(-time.Hour)); len(got) != 1 {
			t.Errorf("reminders at the old time = %q; want none new", got)
		}
		newKey := "activity_reminder|A1|2026-12-07T01:00:00Z|o-v-A1|"
		got := reminderKeys(t, j, moved.Add(-30*time.Hour), moved.Add(-24*time.Hour), moved.Add(-23*time.Hour), moved.Add(-2*time.Hour))
		want := []string{oldKey + "24h0m0s", newKey + "24h0m0s", newKey + "2h0m0s"}
		if !slices.Equal(got, want) {
			t.Errorf("reminders after the move = %q, want %q", got, want)
		}
		ns, _ := s.ListNotices(ctx, KindActivityReminder, 1)
		if len(ns) != 1 || !strings.Contains(ns[0].Text, "12月7日(周一) 09:00") {
			t.Errorf("latest reminder = %+v; want the new time", ns)
		}
	})
}

// TestLectureNoticesSkipACancelledSession cancels one session of a weekly
// lecture: its notices are not written, the next session's are.
func TestLectureNoticesSkipACancelledSession(t *testing.T) {
	cst := time.FixedZone("CST", 8*3600)
	storetest.Backends(t, func(t *testing.T, s store.Store) {
		ctx := context.Background()
		j := &Jobs{Store: s, Loc: cst, Log: slog.New(slog.DiscardHandler), Sched: configs.Schedules{
			LectureOffsets: []time.Duration{24 * time.Hour, time.Hour}, LectureHorizon: 60 * 24 * time.Hour}}
		created := time.Date(2026, 12, 1, 9, 0, 0, 0, cst)
		envoy, err := s.TouchUser(ctx, "o-envoy", created)
		if err != nil {
			t.Fatal(err)
		}
		first := time.Date(2026, 12, 5, 9, 30, 0, 0, cst)
		if _, err := s.CreateLecture(ctx, store.NewLecture{EnvoyID: envoy.ID, Title: "法律讲座", Community: "古槐社区", Place: "活动室",
			Recurrence:  store.Recurrence{Every: store.RecurWeekly, Weekday: time.Saturday, Hour: 9, Minute: 30},
			Occurrences: []time.Time{first}}, created); err != nil {
			t.Fatal(err)
		}
		r, err := s.TouchUser(ctx, "o-r1", created)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.Subscribe(ctx, r.ID, "古槐社区", created); err != nil {
			t.Fatal(err)
		}
		second := first.AddDate(0, 0, 7)
		if _, err := s.CancelLectureSession(ctx, "L1", time.Date(2026, 12, 12, 0, 0, 0, 0, cst), created); err != nil {
			t.Fatal(err)
		}
		for _, now := range []time.Time{first.Add(-24 * time.Hour), second.Add(-24 * time.Hour), second.Add(-time.Hour), second.AddDate(0, 0, 6)} {
			if err := j.LectureNotices(ctx, now); err != nil {
				t.Fatal(err)
			}
		}
		ns, err := s.ListNotices(ctx, KindLectureNotice, 100)
		if err != nil {
			t.Fatal(err)
		}
		var subjects []string
		for _, n := range ns {
			subjects = append(subjects, n.Subject)
		}
		slices.Sort(subjects)
		want := []string{store.LectureSessionSubject("L1", first), store.LectureSessionSubject("L1", second.AddDate(0, 0, 7))}
		if !slices.Equal(subjects, want) {
			t.Errorf("lecture notices for %q, want %q (not the cancelled %s)", subjects, want, second)
		}
	})
}

package storetest

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"envoybot/store"
)

// runPublishOnceConformance checks that a publish is made once per chat
// message (the origin key) and that the daily publishing cap is counted in
// the creating transaction, under concurrency too.
func runPublishOnceConformance(t *testing.T, open func(t *testing.T) store.Store) {
	day := time.Date(2026, 12, 5, 0, 0, 0, 0, shanghai) // base's midnight
	withKey := func(na store.NewActivity, key string) store.NewActivity {
		na.OriginKey = key
		return na
	}
	lectureWithKey := func(nl store.NewLecture, key string) store.NewLecture {
		nl.OriginKey = key
		return nl
	}

	t.Run("an activity created twice from one message is one activity", func(t *testing.T) {
		s, envoy := withEnvoy(t, open)
		first, err := s.CreateActivity(t.Context(), withKey(newActivity(envoy, later, 20), "msg:1001"), base)
		if err != nil {
			t.Fatalf("CreateActivity: %v", err)
		}
		// The retry reads the message again a few seconds later; whatever
		// it carries, the activity the message made is the answer.
		retry := withKey(newActivity(envoy, later.Add(time.Hour), 30), "msg:1001")
		again, err := s.CreateActivity(t.Context(), retry, base.Add(5*time.Second))
		if err != nil {
			t.Fatalf("CreateActivity again with the same origin key: %v", err)
		}
		if again.ID != first.ID || again.Code != first.Code || again.Quota != 20 || !again.StartsAt.Equal(first.StartsAt) {
			t.Fatalf("CreateActivity again = %+v; want %s unchanged", again, first.Code)
		}
		other, err := s.CreateActivity(t.Context(), withKey(newActivity(envoy, later, 20), "msg:1002"), base)
		if err != nil || other.Code == first.Code {
			t.Fatalf("CreateActivity with another origin key = %+v, %v; want a second activity", other, err)
		}
		for range 2 { // no origin key: every call is a publish of its own
			if _, err := s.CreateActivity(t.Context(), newActivity(envoy, later, 0), base); err != nil {
				t.Fatalf("CreateActivity without an origin key: %v", err)
			}
		}
		if n, err := s.CountPublishedSince(t.Context(), envoy, day); err != nil || n != 4 {
			t.Fatalf("CountPublishedSince = %d, %v; want 4 (msg:1001 once, msg:1002, two without a key)", n, err)
		}
		t.Logf("msg:1001 twice → %s and %s; msg:1002 → %s; 4 activities in all", first.Code, again.Code, other.Code)
	})

	t.Run("a lecture created twice from one message is one lecture", func(t *testing.T) {
		s, envoy := withEnvoy(t, open)
		first, err := s.CreateLecture(t.Context(), lectureWithKey(newLecture(envoy, "古槐社区", later), "msg:2001"), base)
		if err != nil {
			t.Fatalf("CreateLecture: %v", err)
		}
		again, err := s.CreateLecture(t.Context(), lectureWithKey(newLecture(envoy, "古槐社区", later, later.Add(time.Hour)), "msg:2001"), base.Add(5*time.Second))
		if err != nil || again.ID != first.ID || again.Code != first.Code {
			t.Fatalf("CreateLecture again with the same origin key = %+v, %v; want %s", again, err, first.Code)
		}
		sessions, err := s.ListUpcomingLectures(t.Context(), "", base, 0)
		if err != nil || len(sessions) != 1 {
			t.Fatalf("ListUpcomingLectures = %d sessions, %v; want the first create's one", len(sessions), err)
		}
		other, err := s.CreateLecture(t.Context(), lectureWithKey(newLecture(envoy, "古槐社区", later), "msg:2002"), base)
		if err != nil || other.Code == first.Code {
			t.Fatalf("CreateLecture with another origin key = %+v, %v; want a second lecture", other, err)
		}
		if n, err := s.CountPublishedSince(t.Context(), envoy, day); err != nil || n != 2 {
			t.Fatalf("CountPublishedSince = %d, %v; want 2", n, err)
		}
		t.Logf("msg:2001 twice → %s and %s; msg:2002 → %s", first.Code, again.Code, other.Code)
	})

	t.Run("racing creates from one message make one activity", func(t *testing.T) {
		s, envoy := withEnvoy(t, open)
		codes := make([]string, 8)
		errs := make([]error, len(codes))
		var wg sync.WaitGroup
		for i := range codes {
			wg.Go(func() {
				a, err := s.CreateActivity(t.Context(), withKey(newActivity(envoy, later, 0), "msg:3001"), base)
				if err == nil {
					codes[i] = a.Code
				}
				errs[i] = err
			})
		}
		wg.Wait()
		for i, err := range errs {
			if err != nil || codes[i] != codes[0] {
				t.Fatalf("create %d = %q, %v; want %q like the others", i, codes[i], err, codes[0])
			}
		}
		if n, err := s.CountPublishedSince(t.Context(), envoy, day); err != nil || n != 1 {
			t.Fatalf("CountPublishedSince = %d, %v; want 1", n, err)
		}
	})

	t.Run("the cap refuses a new publish but not the repeat of a made one", func(t *testing.T) {
		s, envoy := withEnvoy(t, open)
		capped := func(na store.NewActivity) store.NewActivity {
			na.CapPerDay, na.DayStart = 2, day
			return na
		}
		// Yesterday's publish and another envoy's do not count.
		if _, err := s.CreateActivity(t.Context(), newActivity(envoy, later, 0), day.Add(-time.Minute)); err != nil {
			t.Fatal(err)
		}
		other := mustEnvoy(t, s, "o-envoy2").ID
		if _, err := s.CreateActivity(t.Context(), newActivity(other, later, 0), base); err != nil {
			t.Fatal(err)
		}
		first, err := s.CreateActivity(t.Context(), capped(withKey(newActivity(envoy, later, 0), "msg:4001")), base)
		if err != nil {
			t.Fatalf("first publish under the cap: %v", err)
		}
		nl := lectureWithKey(newLecture(envoy, "古槐社区", later), "msg:4002")
		nl.CapPerDay, nl.DayStart = 2, day
		if _, err := s.CreateLecture(t.Context(), nl, base); err != nil {
			t.Fatalf("second publish (a lecture) under the cap: %v", err)
		}
		_, err = s.CreateActivity(t.Context(), capped(withKey(newActivity(envoy, later, 0), "msg:4003")), base)
		assertCode(t, "a third publish with the cap at 2", err, store.EFORBIDDEN, store.MsgPublishCap)
		nl.OriginKey = "msg:4004"
		_, err = s.CreateLecture(t.Context(), nl, base)
		assertCode(t, "a lecture over the cap", err, store.EFORBIDDEN, store.MsgPublishCap)
		again, err := s.CreateActivity(t.Context(), capped(withKey(newActivity(envoy, later, 0), "msg:4001")), base.Add(5*time.Second))
		if err != nil || again.Code != first.Code {
			t.Fatalf("the repeat of msg:4001 at the cap = %+v, %v; want %s", again, err, first.Code)
		}
		nl.OriginKey = "msg:4002"
		if _, err := s.CreateLecture(t.Context(), nl, base.Add(5*time.Second)); err != nil {
			t.Fatalf("the repeat of msg:4002 (a lecture) at the cap: %v", err)
		}
		if n, err := s.CountPublishedSince(t.Context(), envoy, day); err != nil || n != 2 {
			t.Fatalf("CountPublishedSince = %d, %v; want 2", n, err)
		}
	})

	t.Run("racing publishes never overshoot the cap", func(t *testing.T) {
		s, envoy := withEnvoy(t, open)
		const tries, limit = 10, 3
		errs := make([]error, tries)
		var wg sync.WaitGroup
		for i := range tries {
			wg.Go(func() {
				p := store.Publish{OriginKey: fmt.Sprintf("msg:50%02d", i), CapPerDay: limit, DayStart: day}
				if i%2 == 0 {
					na := newActivity(envoy, later, 0)
					na.Publish = p
					_, errs[i] = s.CreateActivity(t.Context(), na, base)
				} else {
					nl := newLecture(envoy, "古槐社区", later)
					nl.Publish = p
					_, errs[i] = s.CreateLecture(t.Context(), nl, base)
				}
			})
		}
		wg.Wait()
		created, refused := 0, 0
		for i, err := range errs {
			switch {
			case err == nil:
				created++
			case store.ErrorCode(err) == store.EFORBIDDEN && store.ErrorMessage(err) == store.MsgPublishCap:
				refused++
			default:
				t.Fatalf("publish %d: %v", i, err)
			}
		}
		n, err := s.CountPublishedSince(t.Context(), envoy, day)
		if err != nil || created != limit || refused != tries-limit || n != limit {
			t.Fatalf("%d racing publishes with the cap at %d: %d created, %d refused, %d stored (%v); want %d, %d, %d",
				tries, limit, created, refused, n, err, limit, tries-limit, limit)
		}
		t.Logf("%d racing publishes (activities and lectures) with the cap at %d: %d created, %d refused", tries, limit, created, refused)
	})

	t.Run("a bad cap or origin key is invalid", func(t *testing.T) {
		s, envoy := withEnvoy(t, open)
		na := newActivity(envoy, later, 0)
		na.CapPerDay = 3 // no DayStart
		_, err := s.CreateActivity(t.Context(), na, base)
		assertCode(t, "a cap without the start of its day", err, store.EINVALID, "")
		nl := newLecture(envoy, "古槐社区", later)
		nl.CapPerDay = -1
		_, err = s.CreateLecture(t.Context(), nl, base)
		assertCode(t, "a negative cap", err, store.EINVALID, "")
	})
}

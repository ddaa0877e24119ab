package storetest

import (
	"slices"
	"testing"
	"time"

	"envoybot/store"
)

// newLecture is a lecture of the envoy with id envoy in community with
// sessions at times.
func newLecture(envoy int64, community string, times ...time.Time) store.NewLecture {
	return store.NewLecture{
		EnvoyID: envoy, Title: "法律知识讲座", Community: community,
		Place: "活动室", Recurrence: firstSaturday, Occurrences: times,
	}
}

func runLectureConformance(t *testing.T, open func(t *testing.T) store.Store) {
	t.Run("created with the next short code and its earliest session", func(t *testing.T) {
		s := open(t)
		envoy := mustEnvoy(t, s, "o-envoy")
		l, err := s.CreateLecture(t.Context(), newLecture(envoy.ID, "古槐社区", later.Add(time.Hour), later, later), base)
		if err != nil {
			t.Fatalf("CreateLecture: %v", err)
		}
		if l.ID == 0 || l.Code != "L1" || l.Title != "法律知识讲座" || l.Community != "古槐社区" || l.EnvoyID != envoy.ID ||
			l.EnvoyOpenID != "o-envoy" || l.Place != "活动室" || l.Recurrence != firstSaturday || !l.CancelledAt.IsZero() {
			t.Fatalf("CreateLecture = %+v", l)
		}
		assertTime(t, "FirstStartsAt", l.FirstStartsAt, later)
		assertTime(t, "CreatedAt", l.CreatedAt, base)
		found, err := s.FindLectureByCode(t.Context(), " l1 ")
		if err != nil || found.ID != l.ID {
			t.Fatalf("FindLectureByCode = %v, %v; want L1", found, err)
		}
		upcoming, err := s.ListUpcomingLectures(t.Context(), "", base, 0)
		if err != nil || len(upcoming) != 2 {
			t.Fatalf("ListUpcomingLectures = %v, %v; want the 2 distinct sessions", upcoming, err)
		}
		second, err := s.CreateLecture(t.Context(), newLecture(envoy.ID, "北关社区", later), base)
		if err != nil || second.Code != "L2" {
			t.Fatalf("second CreateLecture = %v, %v; want L2", second, err)
		}
	})

	t.Run("lecture errors", func(t *testing.T) {
		s, envoy := withEnvoy(t, open)
		_, err := s.FindLectureByCode(t.Context(), "L9")
		assertCode(t, "FindLectureByCode of an unknown code", err, store.ENOTFOUND, "")
		_, err = s.CreateLecture(t.Context(), newLecture(envoy, "古槐社区"), base)
		assertCode(t, "CreateLecture without sessions", err, store.EINVALID, "")
		_, err = s.CreateLecture(t.Context(), newLecture(envoy, "古槐社区", time.Time{}), base)
		assertCode(t, "CreateLecture with a zero session", err, store.EINVALID, "")
		_, err = s.CreateLecture(t.Context(), newLecture(envoy, " ", later), base)
		assertCode(t, "CreateLecture without a community", err, store.EINVALID, "")
		_, err = s.CreateLecture(t.Context(), newLecture(unknownUser, "古槐社区", later), base)
		assertCode(t, "CreateLecture by an unknown envoy", err, store.ENOTFOUND, "")
		_, err = s.CancelLecture(t.Context(), "L9", base)
		assertCode(t, "CancelLecture of an unknown code", err, store.ENOTFOUND, "")
	})

	t.Run("upcoming sessions skip cancelled lectures and filter", func(t *testing.T) {
		s, envoy := withEnvoy(t, open)
		week := 7 * 24 * time.Hour
		mustLecture := func(nl store.NewLecture) *store.Lecture {
			l, err := s.CreateLecture(t.Context(), nl, base)
			if err != nil {
				t.Fatalf("CreateLecture: %v", err)
			}
			return l
		}
		mustLecture(newLecture(envoy, "古槐社区", base.Add(-time.Hour), later, later.Add(week))) // L1
		mustLecture(newLecture(envoy, "北关社区", later.Add(time.Hour)))                         // L2
		mustLecture(newLecture(envoy, "古槐社区", later.Add(2*time.Hour), later.Add(2*week)))    // L3, cancelled
		cancelAt := later.Add(3 * time.Hour)
		cancelled, err := s.CancelLecture(t.Context(), "l3", cancelAt)
		if err != nil {
			t.Fatalf("CancelLecture: %v", err)
		}
		assertTime(t, "CancelledAt", cancelled.CancelledAt, cancelAt)
		again, err := s.CancelLecture(t.Context(), "L3", cancelAt.Add(time.Hour))
		if err != nil {
			t.Fatalf("CancelLecture again: %v", err)
		}
		assertTime(t, "CancelledAt after cancelling again", again.CancelledAt, cancelAt)
		found, _ := s.FindLectureByCode(t.Context(), "L3")
		assertTime(t, "found CancelledAt", found.CancelledAt, cancelAt)

		type session struct {
			code string
			at   time.Time
		}
		tests := []struct {
			name      string
			community string
			limit     int
			want      []session
		}{
			{"all", "", 0, []session{{"L1", later}, {"L2", later.Add(time.Hour)}, {"L1", later.Add(week)}}},
			{"limited", "", 2, []session{{"L1", later}, {"L2", later.Add(time.Hour)}}},
			{"by community", "北关社区", 0, []session{{"L2", later.Add(time.Hour)}}},
			{"unknown community", "南苑社区", 5, []session{}},
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				list, err := s.ListUpcomingLectures(t.Context(), tc.community, base, tc.limit)
				if err != nil || list == nil {
					t.Fatalf("ListUpcomingLectures = %v, %v", list, err)
				}
				got := []session{}
				for _, o := range list {
					got = append(got, session{o.Lecture.Code, o.StartsAt})
				}
				if !slices.EqualFunc(got, tc.want, func(a, b session) bool { return a.code == b.code && a.at.Equal(b.at) }) {
					t.Fatalf("ListUpcomingLectures = %v, want %v", got, tc.want)
				}
			})
		}
	})

	t.Run("subscriptions turn on and off", func(t *testing.T) {
		s := open(t)
		user := mustUser(t, s, "o-1")
		for _, tc := range []struct {
			community   string
			wantCreated bool
		}{{"古槐社区", true}, {" 古槐社区 ", false}, {"北关社区", true}} {
			created, err := s.Subscribe(t.Context(), user, tc.community, base)
			if err != nil || created != tc.wantCreated {
				t.Fatalf("Subscribe(%q) = %v, %v; want created %v", tc.community, created, err, tc.wantCreated)
			}
		}
		_, err := s.Subscribe(t.Context(), unknownUser, "南苑社区", base)
		assertCode(t, "Subscribe of an unknown user", err, store.ENOTFOUND, "")
		_, err = s.Subscribe(t.Context(), user, "无名社区", base)
		assertCode(t, "Subscribe to an unknown community", err, store.ENOTFOUND, store.MsgUnknownCommunity)
		assertKnownCommunities(t, s)
		assertSubscriptions(t, s, user, "北关社区", "古槐社区")
		if n, err := s.Unsubscribe(t.Context(), user, "古槐社区", base); err != nil || n != 1 {
			t.Fatalf("Unsubscribe one = %d, %v; want 1", n, err)
		}
		if n, err := s.Unsubscribe(t.Context(), user, "古槐社区", base); err != nil || n != 0 {
			t.Fatalf("Unsubscribe one again = %d, %v; want 0", n, err)
		}
		assertSubscriptions(t, s, user, "北关社区")
		if created, err := s.Subscribe(t.Context(), user, "古槐社区", base); err != nil || !created {
			t.Fatalf("Subscribe again = %v, %v; want created", created, err)
		}
		if n, err := s.Unsubscribe(t.Context(), user, "", base); err != nil || n != 2 {
			t.Fatalf("Unsubscribe all = %d, %v; want 2", n, err)
		}
		assertSubscriptions(t, s, user)
		for _, tc := range []struct {
			user      int64
			community string
		}{{unknownUser, ""}, {user, "南苑社区"}} {
			if n, err := s.Unsubscribe(t.Context(), tc.user, tc.community, base); err != nil || n != 0 {
				t.Fatalf("Unsubscribe(%d, %q) = %d, %v; want 0", tc.user, tc.community, n, err)
			}
		}
		_, err = s.Subscribe(t.Context(), user, " ", base)
		assertCode(t, "Subscribe without a community", err, store.EINVALID, "")
	})
}

// assertSubscriptions checks ListSubscriptions of the user, in order.
func assertSubscriptions(t *testing.T, s store.Store, user int64, want ...string) {
	t.Helper()
	got, err := s.ListSubscriptions(t.Context(), user)
	if err != nil || got == nil {
		t.Fatalf("ListSubscriptions = %v, %v", got, err)
	}
	if want == nil {
		want = []string{}
	}
	if !slices.Equal(got, want) {
		t.Fatalf("ListSubscriptions = %q, want %q", got, want)
	}
}

// firstSaturday is the rule of the suite's recurring lectures: 每月第一个周六
// 09:30.
var firstSaturday = store.Recurrence{Every: store.RecurMonthly, Nth: 1, Weekday: time.Saturday, Hour: 9, Minute: 30}

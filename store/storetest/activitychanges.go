package storetest

import (
	"slices"
	"strings"
	"testing"
	"time"

	"envoybot/store"
)

// ptr is a pointer to v, for the fields of a store.ActivityChange.
func ptr[T any](v T) *T { return &v }

// withWaitlist opens a store where o-envoy's A1 (starting at later) has
// quota seats taken by o-1… and n-quota volunteers waiting, in order.
func withWaitlist(t *testing.T, open func(t *testing.T) store.Store, quota, n int) (store.Store, int64) {
	t.Helper()
	s, envoy := withEnvoy(t, open)
	mustActivity(t, s, newActivity(envoy, later, quota))
	for i, id := range openIDs(n) {
		mustSignUp(t, s, "A1", id, base.Add(time.Duration(i)*time.Second))
	}
	return s, envoy
}

func runActivityChangeConformance(t *testing.T, open func(t *testing.T) store.Store) {
	t.Run("cancel keeps the sign-ups and closes the activity", func(t *testing.T) {
		s, envoy := withWaitlist(t, open, 1, 2)
		a, cancelled, err := s.CancelActivity(t.Context(), "a1", envoy, " 暴雪预警 ", base)
		if err != nil || !cancelled || a.Status != store.ActivityCancelled || a.CancelReason != "暴雪预警" || a.CancelledBy != envoy {
			t.Fatalf("CancelActivity = %+v, %v, %v", a, cancelled, err)
		}
		assertTime(t, "CancelledAt", a.CancelledAt, base)
		assertSignups(t, s, "A1", seated("o-1"), waiting("o-2", 1))

		_, _, err = s.SignUp(t.Context(), "A1", mustUser(t, s, "o-3"), store.SourceChat, base)
		assertCode(t, "SignUp on a cancelled activity", err, store.EINVALID, "")
		_, _, err = s.CheckIn(t.Context(), "A1", mustUser(t, s, "o-1"), later, nil, false)
		assertCode(t, "CheckIn on a cancelled activity", err, store.EINVALID, "")
		if open, err := s.ListOpenActivities(t.Context(), base, "", "", 0); err != nil || len(open) != 0 {
			t.Errorf("ListOpenActivities = %v, %v; want none", activityCodes(open), err)
		}
		if soon, err := s.ListActivitiesStartingBetween(t.Context(), base, later.Add(time.Hour)); err != nil || len(soon) != 0 {
			t.Errorf("ListActivitiesStartingBetween = %v, %v; want none (no reminders)", activityCodes(soon), err)
		}
		if mine, err := s.ListUserSignups(t.Context(), mustUser(t, s, "o-1"), base); err != nil || len(mine) != 0 {
			t.Errorf("ListUserSignups = %v, %v; want none", mine, err)
		}
	})

	t.Run("a second cancellation changes nothing and says so", func(t *testing.T) {
		s, envoy := withWaitlist(t, open, 0, 1)
		if _, _, err := s.CancelActivity(t.Context(), "A1", envoy, "下雨", base); err != nil {
			t.Fatal(err)
		}
		a, cancelled, err := s.CancelActivity(t.Context(), "A1", envoy, "又下雨", base.Add(time.Hour))
		if err != nil || cancelled || a.CancelReason != "下雨" {
			t.Fatalf("second CancelActivity = %+v, %v, %v; want the first cancellation", a, cancelled, err)
		}
		assertTime(t, "CancelledAt", a.CancelledAt, base)
	})

	t.Run("what cannot be cancelled", func(t *testing.T) {
		s, envoy := withEnvoy(t, open)
		mustActivity(t, s, newActivity(envoy, later, 0))
		mustActivity(t, s, newActivity(envoy, later, 0))
		_, _, err := s.CancelActivity(t.Context(), "A1", envoy, "", later.Add(2*time.Hour))
		assertCode(t, "CancelActivity at its end", err, store.EINVALID, store.MsgActivityEnded)
		if _, err := s.MarkActivityHeld(t.Context(), "A2", later, ""); err != nil {
			t.Fatal(err)
		}
		_, _, err = s.CancelActivity(t.Context(), "A2", envoy, "", later)
		assertCode(t, "CancelActivity of a held activity", err, store.EINVALID, store.MsgActivityEnded)
		_, _, err = s.CancelActivity(t.Context(), "A9", envoy, "", base)
		assertCode(t, "CancelActivity of an unknown code", err, store.ENOTFOUND, "")
		_, _, err = s.CancelActivity(t.Context(), "A1", unknownUser, "", base)
		assertCode(t, "CancelActivity by an unknown user", err, store.ENOTFOUND, "")
		_, _, err = s.CancelActivity(t.Context(), "A1", envoy, strings.Repeat("雨", store.MaxCancelReasonRunes+1), base)
		assertCode(t, "CancelActivity with a long reason", err, store.EINVALID, "")
		if a, _ := s.FindActivityByCode(t.Context(), "A1"); a.Status != store.ActivityOpen {
			t.Errorf("A1 status = %s after refused cancellations, want open", a.Status)
		}
		// While it runs, it can still be called off.
		if _, cancelled, err := s.CancelActivity(t.Context(), "A1", envoy, "", later.Add(time.Hour)); err != nil || !cancelled {
			t.Errorf("CancelActivity during the activity = %v, %v", cancelled, err)
		}
	})

	t.Run("each field is changed, the revision counts changes", func(t *testing.T) {
		s, _ := withWaitlist(t, open, 5, 1)
		newStart := later.Add(24 * time.Hour)
		tests := []struct {
			name       string
			change     store.ActivityChange
			start, end time.Time
			place      string
			quota      int
			changed    bool
			revision   int
		}{
			{"a new start keeps the duration", store.ActivityChange{Start: &newStart}, newStart, newStart.Add(2 * time.Hour), "古槐社区敬老院", 5, true, 1},
			{"start and end", store.ActivityChange{Start: ptr(later), End: ptr(later.Add(3 * time.Hour))}, later, later.Add(3 * time.Hour), "古槐社区敬老院", 5, true, 2},
			{"the end alone", store.ActivityChange{End: ptr(later.Add(time.Hour))}, later, later.Add(time.Hour), "古槐社区敬老院", 5, true, 3},
			{"the place, trimmed", store.ActivityChange{Place: ptr(" 古槐社区文化站 ")}, later, later.Add(time.Hour), "古槐社区文化站", 5, true, 4},
			{"the quota", store.ActivityChange{Quota: ptr(8)}, later, later.Add(time.Hour), "古槐社区文化站", 8, true, 5},
			{"the same values change nothing", store.ActivityChange{Quota: ptr(8), Place: ptr("古槐社区文化站")}, later, later.Add(time.Hour), "古槐社区文化站", 8, false, 5},
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				m, err := s.ModifyActivity(t.Context(), "a1", tc.change, base)
				if err != nil {
					t.Fatalf("ModifyActivity: %v", err)
				}
				a := m.After
				if m.Changed != tc.changed || a.Place != tc.place || a.Quota != tc.quota || a.Revision != tc.revision {
					t.Fatalf("ModifyActivity = changed %v, %+v; want changed %v, place %s, quota %d, revision %d",
						m.Changed, a, tc.changed, tc.place, tc.quota, tc.revision)
				}
				assertTime(t, "StartsAt", a.StartsAt, tc.start)
				assertTime(t, "EndsAt", a.EndsAt, tc.end)
				if got := placements(m.Signups); !slices.Equal(got, []placement{seated("o-1")}) {
					t.Errorf("Signups = %v, want o-1 seated", got)
				}
				found, err := s.FindActivityByCode(t.Context(), "A1")
				if err != nil || found.Revision != tc.revision || !found.StartsAt.Equal(tc.start) {
					t.Errorf("FindActivityByCode = %+v, %v", found, err)
				}
			})
		}
	})

	t.Run("what cannot be changed", func(t *testing.T) {
		s, envoy := withEnvoy(t, open)
		mustActivity(t, s, newActivity(envoy, later, 5))
		mustActivity(t, s, newActivity(envoy, later, 5))
		past := base.Add(-time.Hour)
		for _, tc := range []struct {
			name   string
			code   string
			change store.ActivityChange
			at     time.Time
			msg    string
		}{
			{"nothing to change", "A1", store.ActivityChange{}, base, store.MsgNothingToChange},
			{"a start in the past", "A1", store.ActivityChange{Start: &past}, base, store.MsgStartPast},
			{"an end before the start", "A1", store.ActivityChange{Start: ptr(later), End: ptr(later.Add(-time.Minute))}, base, store.MsgEndBeforeStart},
			{"an end alone before the start", "A1", store.ActivityChange{End: ptr(later.Add(-time.Minute))}, base, store.MsgEndBeforeStart},
			{"a place too long", "A1", store.ActivityChange{Place: ptr(strings.Repeat("地", store.MaxPlaceRunes+1))}, base, store.MsgPlaceTooLong},
			{"an empty place", "A1", store.ActivityChange{Place: ptr("  ")}, base, ""},
			{"a negative quota", "A1", store.ActivityChange{Quota: ptr(-1)}, base, ""},
			{"an activity begun", "A1", store.ActivityChange{Quota: ptr(9)}, later, store.MsgActivityStarted},
			{"a cancelled activity", "A2", store.ActivityChange{Quota: ptr(9)}, base, store.MsgActivityCancelled},
		} {
			t.Run(tc.name, func(t *testing.T) {
				if tc.code == "A2" {
					if _, _, err := s.CancelActivity(t.Context(), "A2", envoy, "", base); err != nil {
						t.Fatal(err)
					}
				}
				_, err := s.ModifyActivity(t.Context(), tc.code, tc.change, tc.at)
				assertCode(t, "ModifyActivity with "+tc.name, err, store.EINVALID, tc.msg)
			})
		}
		_, err := s.ModifyActivity(t.Context(), "A9", store.ActivityChange{Quota: ptr(1)}, base)
		assertCode(t, "ModifyActivity of an unknown code", err, store.ENOTFOUND, "")
		if a, _ := s.FindActivityByCode(t.Context(), "A1"); a.Revision != 0 || a.Quota != 5 || !a.StartsAt.Equal(later) {
			t.Errorf("A1 after refused changes = %+v", a)
		}
	})

	t.Run("a larger quota seats the wait-listed in order, a smaller keeps everyone", func(t *testing.T) {
		s, _ := withWaitlist(t, open, 1, 4)
		m, err := s.ModifyActivity(t.Context(), "A1", store.ActivityChange{Quota: ptr(3)}, base)
		if err != nil {
			t.Fatal(err)
		}
		if got := placements(m.Promoted); !slices.Equal(got, []placement{seated("o-2"), seated("o-3")}) {
			t.Errorf("Promoted = %v, want o-2 and o-3", got)
		}
		if got := placements(m.Signups); !slices.Equal(got, []placement{seated("o-1"), seated("o-2"), seated("o-3"), waiting("o-4", 1)}) {
			t.Errorf("Signups = %v", got)
		}
		assertSignups(t, s, "A1", seated("o-1"), seated("o-2"), seated("o-3"), waiting("o-4", 1))
		m, err = s.ModifyActivity(t.Context(), "A1", store.ActivityChange{Quota: ptr(0)}, base)
		if err != nil || !slices.Equal(placements(m.Promoted), []placement{seated("o-4")}) {
			t.Fatalf("no limit: Promoted = %v, %v; want o-4", placements(m.Promoted), err)
		}
		m, err = s.ModifyActivity(t.Context(), "A1", store.ActivityChange{Quota: ptr(1)}, base)
		if err != nil || len(m.Promoted) != 0 || m.OverQuota != 3 {
			t.Fatalf("smaller quota = %+v, %v; want none promoted, 3 over", m, err)
		}
		assertSignups(t, s, "A1", seated("o-1"), seated("o-2"), seated("o-3"), seated("o-4"))
		su, _, err := s.SignUp(t.Context(), "A1", mustUser(t, s, "o-5"), store.SourceChat, base)
		if err != nil || su.Status != store.SignupWaitlisted || su.Position != 1 {
			t.Errorf("SignUp over the quota = %+v, %v; want wait-listed first", su, err)
		}
	})

	t.Run("one lecture session", func(t *testing.T) {
		s, envoy := withEnvoy(t, open)
		jan := time.Date(2027, 1, 2, 9, 30, 0, 0, shanghai)
		feb, mar := time.Date(2027, 2, 6, 9, 30, 0, 0, shanghai), time.Date(2027, 3, 6, 9, 30, 0, 0, shanghai)
		mustCreateLecture(t, s, newLecture(envoy, "古槐社区", jan))
		day := func(t time.Time) time.Time { return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, shanghai) }

		sc, err := s.CancelLectureSession(t.Context(), "l1", day(jan), base)
		if err != nil || !sc.Cancelled || len(sc.Starts) != 1 || !sc.Starts[0].Equal(jan) || sc.Lecture.Code != "L1" {
			t.Fatalf("CancelLectureSession of an expanded session = %+v, %v", sc, err)
		}
		sc, err = s.CancelLectureSession(t.Context(), "L1", day(jan), base)
		if err != nil || sc.Cancelled || len(sc.Starts) != 1 {
			t.Fatalf("CancelLectureSession again = %+v, %v; want it already cancelled", sc, err)
		}
		// February's session is not expanded yet: it is stored cancelled,
		// and the expansion skips it.
		if sc, err = s.CancelLectureSession(t.Context(), "L1", day(feb), base); err != nil || !sc.Cancelled || !sc.Starts[0].Equal(feb) {
			t.Fatalf("CancelLectureSession of a session not expanded = %+v, %v", sc, err)
		}
		if added, err := s.AddLectureOccurrences(t.Context(), "L1", []time.Time{feb, mar}); err != nil || added != 1 {
			t.Fatalf("AddLectureOccurrences = %d, %v; want March only", added, err)
		}
		occ, err := s.ListOccurrencesBetween(t.Context(), base, mar.Add(time.Hour))
		if err != nil || !slices.Equal(occurrenceKeys(occ), []string{occurrenceKey("L1", mar)}) {
			t.Fatalf("ListOccurrencesBetween = %v, %v; want March only", occurrenceKeys(occ), err)
		}
		upcoming, err := s.ListUpcomingLectures(t.Context(), "", base, 0)
		if err != nil || len(upcoming) != 1 || !upcoming[0].StartsAt.Equal(mar) {
			t.Fatalf("ListUpcomingLectures = %v, %v; want March only", upcoming, err)
		}

		_, err = s.CancelLectureSession(t.Context(), "L1", day(jan).AddDate(0, 0, 1), base)
		assertCode(t, "CancelLectureSession of a day without a session", err, store.ENOTFOUND, store.MsgNoSession)
		_, err = s.CancelLectureSession(t.Context(), "L1", day(mar), mar)
		assertCode(t, "CancelLectureSession of a session begun", err, store.EINVALID, store.MsgSessionPast)
		_, err = s.CancelLectureSession(t.Context(), "L9", day(mar), base)
		assertCode(t, "CancelLectureSession of an unknown lecture", err, store.ENOTFOUND, "")
		if _, err := s.CancelLecture(t.Context(), "L1", base); err != nil {
			t.Fatal(err)
		}
		_, err = s.CancelLectureSession(t.Context(), "L1", day(mar), base)
		assertCode(t, "CancelLectureSession of a cancelled series", err, store.EINVALID, store.MsgLectureCancelled)
	})
}

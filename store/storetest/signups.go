package storetest

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"envoybot/store"
)

// placement is a sign-up as the tests compare it.
type placement struct {
	OpenID   string
	Status   string
	Position int
}

func placements(list []*store.Signup) []placement {
	got := make([]placement, 0, len(list))
	for _, s := range list {
		got = append(got, placement{s.OpenID, s.Status, s.Position})
	}
	return got
}

// assertSignups checks ListActivitySignups and the activity's counts.
func assertSignups(t *testing.T, s store.Store, code string, want ...placement) {
	t.Helper()
	list, err := s.ListActivitySignups(t.Context(), code)
	if err != nil {
		t.Fatalf("ListActivitySignups: %v", err)
	}
	if got := placements(list); !slices.Equal(got, want) {
		t.Fatalf("ListActivitySignups = %v, want %v", got, want)
	}
	a, err := s.FindActivityByCode(t.Context(), code)
	if err != nil {
		t.Fatalf("FindActivityByCode: %v", err)
	}
	seated, waiting := 0, 0
	for _, p := range want {
		if p.Status == store.SignupSeated {
			seated++
		} else {
			waiting++
		}
	}
	if a.Seated != seated || a.Waitlisted != waiting {
		t.Fatalf("activity counts = %d seated, %d waiting; want %d, %d", a.Seated, a.Waitlisted, seated, waiting)
	}
}

func seated(openID string) placement { return placement{openID, store.SignupSeated, 0} }

func waiting(openID string, pos int) placement {
	return placement{openID, store.SignupWaitlisted, pos}
}

func runSignupConformance(t *testing.T, open func(t *testing.T) store.Store) {
	t.Run("seated while seats are left, then wait-listed in order", func(t *testing.T) {
		s := withActivity(t, open, 2)
		user := mustTouch(t, s, "o-1", base)
		want := []placement{seated("o-1"), seated("o-2"), waiting("o-3", 1), waiting("o-4", 2)}
		for i, p := range want {
			su, created, err := s.SignUp(t.Context(), "a1", mustUser(t, s, p.OpenID), store.SourceChat, base.Add(time.Duration(i)*time.Minute))
			if err != nil || !created {
				t.Fatalf("SignUp(%s) = %v, %v, %v; want created", p.OpenID, su, created, err)
			}
			if got := (placement{su.OpenID, su.Status, su.Position}); got != p {
				t.Fatalf("SignUp(%s) = %v, want %v", p.OpenID, got, p)
			}
			if su.ActivityCode != "A1" || su.Source != store.SourceChat {
				t.Fatalf("SignUp = %+v", su)
			}
			assertTime(t, "CreatedAt", su.CreatedAt, base.Add(time.Duration(i)*time.Minute))
		}
		assertSignups(t, s, "A1", want...)
		first := mustSignUp(t, s, "A1", "o-1", base)
		if first.UserID != user.ID || first.Name != "" {
			t.Fatalf("sign-up of o-1 = %+v, want user %d", first, user.ID)
		}
	})

	t.Run("signing up twice changes nothing", func(t *testing.T) {
		s := withActivity(t, open, 1)
		mustSignUp(t, s, "A1", "o-1", base)
		waitingSignup := mustSignUp(t, s, "A1", "o-2", base)
		for _, tc := range []struct {
			openID string
			want   placement
		}{{"o-1", seated("o-1")}, {"o-2", waiting("o-2", 1)}} {
			su, created, err := s.SignUp(t.Context(), "A1", mustUser(t, s, tc.openID), store.SourceImport, base.Add(time.Hour))
			if err != nil || created {
				t.Fatalf("SignUp again = %v, %v, %v; want not created", su, created, err)
			}
			if got := (placement{su.OpenID, su.Status, su.Position}); got != tc.want || su.Source != store.SourceChat {
				t.Fatalf("SignUp again = %+v, want %v from chat", su, tc.want)
			}
		}
		assertSignups(t, s, "A1", seated("o-1"), waiting("o-2", 1))
		if again := mustSignUp(t, s, "A1", "o-2", base); again.ID != waitingSignup.ID {
			t.Fatalf("sign-up id changed from %d to %d", waitingSignup.ID, again.ID)
		}
	})

	t.Run("quota 0 seats everyone", func(t *testing.T) {
		s := withActivity(t, open, 0)
		want := []placement{}
		for _, id := range openIDs(25) {
			mustSignUp(t, s, "A1", id, base)
			want = append(want, seated(id))
		}
		assertSignups(t, s, "A1", want...)
	})

	t.Run("unknown user is not found and not signed up", func(t *testing.T) {
		s := withActivity(t, open, 5)
		su, created, err := s.SignUp(t.Context(), "A1", unknownUser, store.SourceImport, base)
		assertCode(t, "SignUp of an unknown user", err, store.ENOTFOUND, "")
		if su != nil || created {
			t.Fatalf("SignUp = %+v, %v with an error", su, created)
		}
		assertSignups(t, s, "A1")
	})

	t.Run("sign-up errors", func(t *testing.T) {
		s := withActivity(t, open, 5)
		user := mustUser(t, s, "o-1")
		_, _, err := s.SignUp(t.Context(), "A9", user, store.SourceChat, base)
		assertCode(t, "SignUp for an unknown activity", err, store.ENOTFOUND, "")
		_, _, err = s.SignUp(t.Context(), "A1", 0, store.SourceChat, base)
		assertCode(t, "SignUp without a user", err, store.ENOTFOUND, "")
		_, _, err = s.SignUp(t.Context(), "A1", user, "web", base)
		assertCode(t, "SignUp from an unknown source", err, store.EINVALID, "")
		if _, err := s.MarkActivityHeld(t.Context(), "A1", base, ""); err != nil {
			t.Fatalf("MarkActivityHeld: %v", err)
		}
		_, _, err = s.SignUp(t.Context(), "A1", user, store.SourceChat, base)
		assertCode(t, "SignUp for a held activity", err, store.EINVALID, "")
		assertSignups(t, s, "A1")
		_, err = s.ListActivitySignups(t.Context(), "A9")
		assertCode(t, "ListActivitySignups of an unknown activity", err, store.ENOTFOUND, "")
	})

	cancels := []struct {
		name         string
		quota        int
		signups      []string
		cancel       string
		wantPromoted string
		want         []placement
	}{
		{"cancelling a seat promotes the first wait-listed", 2, []string{"o-1", "o-2", "o-3", "o-4"}, "o-1", "o-3",
			[]placement{seated("o-2"), seated("o-3"), waiting("o-4", 1)}},
		{"cancelling a wait-list place promotes nobody", 1, []string{"o-1", "o-2", "o-3", "o-4"}, "o-2", "",
			[]placement{seated("o-1"), waiting("o-3", 1), waiting("o-4", 2)}},
		{"cancelling a seat with nobody waiting promotes nobody", 3, []string{"o-1", "o-2"}, "o-2", "",
			[]placement{seated("o-1")}},
		{"cancelling on an unlimited activity promotes nobody", 0, []string{"o-1", "o-2"}, "o-1", "",
			[]placement{seated("o-2")}},
	}
	for _, tc := range cancels {
		t.Run(tc.name, func(t *testing.T) {
			s := withActivity(t, open, tc.quota)
			for _, id := range tc.signups {
				mustSignUp(t, s, "A1", id, base)
			}
			at := base.Add(time.Hour)
			cancelled, promoted, err := s.CancelSignup(t.Context(), " a1 ", mustUser(t, s, tc.cancel), at)
			if err != nil {
				t.Fatalf("CancelSignup: %v", err)
			}
			if cancelled.OpenID != tc.cancel || cancelled.Status != store.SignupCancelled || cancelled.Position != 0 {
				t.Fatalf("cancelled = %+v, want %s cancelled", cancelled, tc.cancel)
			}
			switch {
			case tc.wantPromoted == "" && len(promoted) != 0:
				t.Fatalf("promoted = %+v, want nobody", promoted)
			case tc.wantPromoted != "" && (len(promoted) != 1 || promoted[0].OpenID != tc.wantPromoted ||
				promoted[0].Status != store.SignupSeated || promoted[0].Position != 0 || promoted[0].ActivityCode != "A1"):
				t.Fatalf("promoted = %+v, want %s seated", promoted, tc.wantPromoted)
			}
			assertSignups(t, s, "A1", tc.want...)
		})
	}

	t.Run("cancelling without a sign-up is not found", func(t *testing.T) {
		s := withActivity(t, open, 1)
		stranger := mustTouch(t, s, "o-2", base)
		user := mustSignUp(t, s, "A1", "o-1", base).UserID
		for _, id := range []int64{stranger.ID, unknownUser} {
			_, _, err := s.CancelSignup(t.Context(), "A1", id, base)
			assertCode(t, fmt.Sprintf("CancelSignup of user %d", id), err, store.ENOTFOUND, store.MsgNotSignedUp)
		}
		if _, _, err := s.CancelSignup(t.Context(), "A1", user, base); err != nil {
			t.Fatalf("CancelSignup: %v", err)
		}
		_, _, err := s.CancelSignup(t.Context(), "A1", user, base)
		assertCode(t, "CancelSignup twice", err, store.ENOTFOUND, store.MsgNotSignedUp)
		_, _, err = s.CancelSignup(t.Context(), "A9", user, base)
		assertCode(t, "CancelSignup of an unknown activity", err, store.ENOTFOUND, "")
	})

	t.Run("signing up again after cancelling joins the end of the queue", func(t *testing.T) {
		s := withActivity(t, open, 1)
		first := mustSignUp(t, s, "A1", "o-1", base)
		mustSignUp(t, s, "A1", "o-2", base)
		third := mustSignUp(t, s, "A1", "o-3", base)
		if _, _, err := s.CancelSignup(t.Context(), "A1", first.UserID, base.Add(time.Minute)); err != nil {
			t.Fatalf("CancelSignup: %v", err)
		}
		again, created, err := s.SignUp(t.Context(), "A1", first.UserID, store.SourceChat, base.Add(2*time.Minute))
		if err != nil || !created || again.Status != store.SignupWaitlisted || again.Position != 2 || again.ID != first.ID {
			t.Fatalf("SignUp again = %+v, %v, %v; want the same row wait-listed at 2", again, created, err)
		}
		assertTime(t, "CreatedAt", again.CreatedAt, base.Add(2*time.Minute))
		assertSignups(t, s, "A1", seated("o-2"), waiting("o-3", 1), waiting("o-1", 2))
		// A wait-list cancellation and a return also go to the end.
		if _, _, err := s.CancelSignup(t.Context(), "A1", third.UserID, base); err != nil {
			t.Fatalf("CancelSignup: %v", err)
		}
		mustSignUp(t, s, "A1", "o-3", base)
		assertSignups(t, s, "A1", seated("o-2"), waiting("o-1", 1), waiting("o-3", 2))
	})

	t.Run("user's sign-ups are the upcoming live ones, soonest first", func(t *testing.T) {
		s, envoy := withEnvoy(t, open)
		soon := mustActivity(t, s, newActivity(envoy, later, 1))                      // A1
		farther := mustActivity(t, s, newActivity(envoy, later.Add(72*time.Hour), 0)) // A2
		mustActivity(t, s, newActivity(envoy, base.Add(-3*time.Hour), 0))             // A3, ended
		mustActivity(t, s, newActivity(envoy, later.Add(time.Hour), 0))               // A4, cancelled below
		mustSignUp(t, s, "A1", "o-other", base)
		for _, code := range []string{"A2", "A3", "A4", "A1"} {
			mustSignUp(t, s, code, "o-1", base)
		}
		user := mustUser(t, s, "o-1")
		if _, _, err := s.CancelSignup(t.Context(), "A4", user, base); err != nil {
			t.Fatalf("CancelSignup: %v", err)
		}
		list, err := s.ListUserSignups(t.Context(), user, base)
		if err != nil {
			t.Fatalf("ListUserSignups: %v", err)
		}
		if len(list) != 2 || list[0].ActivityCode != "A1" || list[1].ActivityCode != "A2" {
			t.Fatalf("ListUserSignups = %v, want A1 then A2", placements(list))
		}
		if list[0].Status != store.SignupWaitlisted || list[0].Position != 1 || list[1].Status != store.SignupSeated {
			t.Fatalf("ListUserSignups = %v, want wait-listed at 1 on A1 and seated on A2", placements(list))
		}
		for i, want := range []*store.Activity{soon, farther} {
			a := list[i].Activity
			if a == nil || a.ID != want.ID || a.Title != want.Title || a.Community != want.Community || a.EnvoyOpenID != "o-envoy" {
				t.Fatalf("sign-up %d Activity = %+v, want %+v", i, a, want)
			}
			assertTime(t, "Activity.StartsAt", a.StartsAt, want.StartsAt)
		}
		if list[0].Activity.Seated != 1 || list[0].Activity.Waitlisted != 1 {
			t.Fatalf("A1 counts = %d, %d; want 1, 1", list[0].Activity.Seated, list[0].Activity.Waitlisted)
		}
		none, err := s.ListUserSignups(t.Context(), unknownUser, base)
		if err != nil || none == nil || len(none) != 0 {
			t.Fatalf("ListUserSignups of a stranger = %v, %v; want an empty list", none, err)
		}
	})

	t.Run("concurrent sign-ups seat exactly the quota", func(t *testing.T) {
		s := withActivity(t, open, 20)
		const n = 50
		signups, created, errs := make([]*store.Signup, n), make([]bool, n), make([]error, n)
		users := make([]int64, n)
		for i := range users {
			users[i] = mustUser(t, s, fmt.Sprintf("o-%d", i))
		}
		atOnce(n, func(i int) {
			signups[i], created[i], errs[i] = s.SignUp(context.Background(), "A1", users[i], store.SourceChat, base)
		})
		positions := []int{}
		seatedByCall := map[string]bool{}
		for i, err := range errs {
			if err != nil {
				t.Fatalf("SignUp %d: %v", i, err)
			}
			if !created[i] {
				t.Fatalf("SignUp %d not created", i)
			}
			switch signups[i].Status {
			case store.SignupSeated:
				seatedByCall[signups[i].OpenID] = true
			case store.SignupWaitlisted:
				positions = append(positions, signups[i].Position)
			}
		}
		if len(seatedByCall) != 20 {
			t.Fatalf("%d sign-ups were seated, want 20", len(seatedByCall))
		}
		slices.Sort(positions)
		for i, p := range positions {
			if p != i+1 {
				t.Fatalf("wait-list positions = %v, want 1..30", positions)
			}
		}
		list, err := s.ListActivitySignups(t.Context(), "A1")
		if err != nil || len(list) != n {
			t.Fatalf("ListActivitySignups = %d sign-ups, %v; want %d", len(list), err, n)
		}
		for i, su := range list {
			if i < 20 && (su.Status != store.SignupSeated || !seatedByCall[su.OpenID]) {
				t.Fatalf("sign-up %d = %+v, want one of the seated", i, su)
			}
			if i >= 20 && (su.Status != store.SignupWaitlisted || su.Position != i-19) {
				t.Fatalf("sign-up %d = %+v, want wait-listed at %d", i, su, i-19)
			}
		}
		// The wait-list is in arrival order: each call's position is its
		// place in the list.
		for _, su := range signups {
			if su.Status == store.SignupWaitlisted && list[19+su.Position].OpenID != su.OpenID {
				t.Fatalf("%s got position %d but the list has %s there", su.OpenID, su.Position, list[19+su.Position].OpenID)
			}
		}
	})

	t.Run("a group takes seats together or waits together", func(t *testing.T) {
		s := withActivity(t, open, 5)
		mustSignUp(t, s, "A1", "o-1", base)
		mustSignUp(t, s, "A1", "o-2", base)
		group, created, err := s.SignUpGroup(t.Context(), "A1", mustUser(t, s, "o-3"), 2, store.SourceChat, base)
		if err != nil || !created || group.Status != store.SignupSeated || group.Companions != 2 {
			t.Fatalf("SignUpGroup with 3 seats left = %+v, %v, %v; want seated with 2 companions", group, created, err)
		}
		fourth := mustSignUp(t, s, "A1", "o-4", base)
		if fourth.Status != store.SignupWaitlisted || fourth.Position != 1 {
			t.Fatalf("fourth person = %+v, want wait-listed first", fourth)
		}
		pair, _, err := s.SignUpGroup(t.Context(), "A1", mustUser(t, s, "o-5"), 1, store.SourceImport, base)
		if err != nil || pair.Status != store.SignupWaitlisted || pair.Position != 2 {
			t.Fatalf("a pair on a full activity = %+v, %v; want wait-listed second", pair, err)
		}
		a, err := s.FindActivityByCode(t.Context(), "A1")
		if err != nil || a.Seated != 5 || a.Waitlisted != 3 {
			t.Fatalf("counts = %+v, %v; want 5 seated, 3 waiting (people)", a, err)
		}
		// The group of three leaves: the single and the pair fit, in order.
		_, promoted, err := s.CancelSignup(t.Context(), "A1", group.UserID, base.Add(time.Minute))
		if err != nil || len(promoted) != 2 || promoted[0].OpenID != "o-4" || promoted[1].OpenID != "o-5" || promoted[1].Companions != 1 {
			t.Fatalf("CancelSignup of the group promoted %+v, %v; want o-4 then o-5", promoted, err)
		}
		if a, _ = s.FindActivityByCode(t.Context(), "A1"); a.Seated != 5 || a.Waitlisted != 0 {
			t.Fatalf("counts after = %d seated, %d waiting; want 5, 0", a.Seated, a.Waitlisted)
		}
	})

	t.Run("a group that does not fit is not overtaken", func(t *testing.T) {
		s := withActivity(t, open, 2)
		first := mustSignUp(t, s, "A1", "o-1", base)
		mustSignUp(t, s, "A1", "o-2", base)
		if g, _, err := s.SignUpGroup(t.Context(), "A1", mustUser(t, s, "o-3"), 2, store.SourceChat, base); err != nil || g.Status != store.SignupWaitlisted {
			t.Fatalf("group = %+v, %v; want wait-listed", g, err)
		}
		mustSignUp(t, s, "A1", "o-4", base)
		_, promoted, err := s.CancelSignup(t.Context(), "A1", first.UserID, base)
		if err != nil || len(promoted) != 0 {
			t.Fatalf("promoted %+v, %v; want nobody (the group of 3 waits first)", promoted, err)
		}
	})

	t.Run("companions out of range are invalid", func(t *testing.T) {
		s := withActivity(t, open, 0)
		for _, n := range []int{-1, store.MaxCompanions + 1} {
			_, _, err := s.SignUpGroup(t.Context(), "A1", mustUser(t, s, "o-1"), n, store.SourceChat, base)
			assertCode(t, fmt.Sprintf("SignUpGroup with %d companions", n), err, store.EINVALID, "")
		}
	})

	t.Run("concurrent cancellations promote each waiting volunteer once", func(t *testing.T) {
		s := withActivity(t, open, 10)
		ids := openIDs(20)
		users := make([]int64, len(ids))
		for i, id := range ids {
			users[i] = mustSignUp(t, s, "A1", id, base).UserID
		}
		promoted, errs := make([][]*store.Signup, 10), make([]error, 10)
		atOnce(10, func(i int) {
			_, promoted[i], errs[i] = s.CancelSignup(context.Background(), "A1", users[i], base)
		})
		got := []string{}
		for i, err := range errs {
			if err != nil {
				t.Fatalf("CancelSignup %d: %v", i, err)
			}
			if len(promoted[i]) != 1 {
				t.Fatalf("CancelSignup %d promoted %d, want one", i, len(promoted[i]))
			}
			got = append(got, promoted[i][0].OpenID)
		}
		slices.Sort(got)
		want := slices.Sorted(slices.Values(ids[10:]))
		if !slices.Equal(got, want) {
			t.Fatalf("promoted %v, want %v", got, want)
		}
		wantList := []placement{}
		for _, id := range ids[10:] {
			wantList = append(wantList, seated(id))
		}
		assertSignups(t, s, "A1", wantList...)
	})
}

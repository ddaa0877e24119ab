package storetest

import (
	"context"
	"fmt"
	"hash/fnv"
	"slices"
	"sync"
	"testing"
	"time"

	"envoybot/store"
)

// shanghai is the campaign's time zone; the suite writes times in it and
// expects the same instants back, in whatever zone the backend returns.
var shanghai = time.FixedZone("Asia/Shanghai", 8*3600)

// base is a fixed clock reading with microseconds, the finest precision
// both backends keep.
var base = time.Date(2026, 12, 5, 14, 30, 0, 123456000, shanghai)

// Communities are the communities the suite's stores know, as a
// deployment's configured communities are added on every start:
// volunteers and residents choose among them, they never add one.
var Communities = []string{"古槐社区", "北关社区", "阳光里社区", "南苑社区"}

// withCommunities opens stores that know Communities.
func withCommunities[T testing.TB](open func(T) store.Store) func(T) store.Store {
	return func(tb T) store.Store {
		tb.Helper()
		s := open(tb)
		if _, err := s.AddCommunities(context.Background(), Communities, base); err != nil {
			tb.Fatalf("AddCommunities: %v", err)
		}
		return s
	}
}

// RunStoreConformance runs the behaviour every store.Store must have.
// open must return a fresh, empty store for each subtest; the suite adds
// its Communities before it uses one, except to test communities.
func RunStoreConformance(t *testing.T, open func(t *testing.T) store.Store) {
	t.Run("communities", func(t *testing.T) { runCommunityConformance(t, open) })
	open = withCommunities(open)
	t.Run("users", func(t *testing.T) { runUserConformance(t, open) })
	t.Run("registration", func(t *testing.T) { runRegistrationConformance(t, open) })
	t.Run("unique mobile", func(t *testing.T) { runUniqueMobileConformance(t, open) })
	t.Run("processed messages", func(t *testing.T) { runMessageConformance(t, open) })
	t.Run("processed message retention", func(t *testing.T) { runMessageRetentionConformance(t, open) })
	t.Run("message inbox", func(t *testing.T) { runInboxConformance(t, open) })
	t.Run("message units", func(t *testing.T) { runUnitConformance(t, open) })
	t.Run("invites", func(t *testing.T) { runInviteConformance(t, open) })
	t.Run("envoys", func(t *testing.T) { runEnvoyConformance(t, open) })
	t.Run("activities", func(t *testing.T) { runActivityConformance(t, open) })
	t.Run("signups", func(t *testing.T) { runSignupConformance(t, open) })
	t.Run("attendance", func(t *testing.T) { runAttendanceConformance(t, open) })
	t.Run("lectures", func(t *testing.T) { runLectureConformance(t, open) })
	t.Run("activity changes", func(t *testing.T) { runActivityChangeConformance(t, open) })
	t.Run("profiles", func(t *testing.T) { runProfileConformance(t, open) })
	t.Run("forgetting (注销)", func(t *testing.T) { runForgetConformance(t, open) })
	t.Run("import matching", func(t *testing.T) { runImportMatchConformance(t, open) })
	t.Run("outbox", func(t *testing.T) { runOutboxConformance(t, open) })
	t.Run("outbox backlog", func(t *testing.T) { runOutboxBacklogConformance(t, open) })
	t.Run("job runs", func(t *testing.T) { runJobConformance(t, open) })
	t.Run("schedule queries", func(t *testing.T) { runScheduleConformance(t, open) })
	t.Run("dashboard queries", func(t *testing.T) { runDashboardConformance(t, open) })
	t.Run("unrecognised messages", func(t *testing.T) { runUnrecognisedConformance(t, open) })
	t.Run("rules", func(t *testing.T) { runRulesConformance(t, open) })
	t.Run("publish once", func(t *testing.T) { runPublishOnceConformance(t, open) })
	t.Run("records (issue 14)", func(t *testing.T) { runRecordsConformance(t, open) })
	t.Run("help requests (issue 15)", func(t *testing.T) { runRequestConformance(t, open) })
	t.Run("points (issue 15)", func(t *testing.T) { runPointsConformance(t, open) })
	t.Run("request records (issue 15)", func(t *testing.T) { runRequestRecordsConformance(t, open) })
	t.Run("subscription choices", func(t *testing.T) { runSubscriptionConformance(t, open) })
	t.Run("customer-service budget", func(t *testing.T) { runBudgetConformance(t, open) })
	t.Run("sign-up confirmations", func(t *testing.T) { runConfirmationConformance(t, open) })
	t.Run("broadcast queries", func(t *testing.T) { runBroadcastQueryConformance(t, open) })
	t.Run("free volunteers", func(t *testing.T) { runFreeVolunteerConformance(t, open) })
	t.Run("activity photos", func(t *testing.T) { runPhotoConformance(t, open) })
	t.Run("ping", func(t *testing.T) {
		if err := open(t).Ping(t.Context()); err != nil {
			t.Fatalf("Ping: %v", err)
		}
	})
}

// RunReopenConformance checks that what one store wrote survives closing it
// and opening the same database again.
func RunReopenConformance(t *testing.T, newReopener func(t *testing.T) Reopener) {
	t.Run("volunteer and processed message survive reopen", func(t *testing.T) {
		reopen := newReopener(t)
		ctx := t.Context()
		first := withCommunities(func(tb testing.TB) store.Store { return reopen(tb) })(t)
		registered, _, err := first.RegisterVolunteer(ctx, registration("o-reopen", "古槐社区"), base)
		if err != nil {
			t.Fatalf("RegisterVolunteer: %v", err)
		}
		msg := store.ProcessedMessage{DedupKey: "msg-reopen", OpenID: "o-reopen", Reply: "注册成功", At: base}
		if err := first.RecordProcessed(ctx, msg); err != nil {
			t.Fatalf("RecordProcessed: %v", err)
		}
		if err := first.Close(); err != nil {
			t.Fatalf("Close: %v", err)
		}

		second := reopen(t)
		got, err := second.FindUserByOpenID(ctx, "o-reopen")
		if err != nil {
			t.Fatalf("FindUserByOpenID after reopen: %v", err)
		}
		assertUser(t, got, registered)
		if _, err := second.FindProcessed(ctx, "msg-reopen"); err != nil {
			t.Fatalf("FindProcessed after reopen: %v", err)
		}
		if err := second.RecordProcessed(ctx, msg); store.ErrorCode(err) != store.ECONFLICT {
			t.Fatalf("RecordProcessed after reopen: got %v, want code %s", err, store.ECONFLICT)
		}
	})
}

func runUserConformance(t *testing.T, open func(t *testing.T) store.Store) {
	t.Run("touch creates a following resident", func(t *testing.T) {
		s := open(t)
		u, err := s.TouchUser(t.Context(), "o-new", base)
		if err != nil {
			t.Fatalf("TouchUser: %v", err)
		}
		if u.ID == 0 || u.OpenID != "o-new" || u.Role != store.RoleResident || !u.Following || u.Registered() {
			t.Fatalf("TouchUser = %+v, want a following unregistered resident with an id", u)
		}
		assertTime(t, "LastInteractionAt", u.LastInteractionAt, base)
		assertTime(t, "CreatedAt", u.CreatedAt, base)
		if !u.LastLocationAt.IsZero() {
			t.Errorf("LastLocationAt = %v, want zero", u.LastLocationAt)
		}
		found, err := s.FindUserByOpenID(t.Context(), "o-new")
		if err != nil {
			t.Fatalf("FindUserByOpenID: %v", err)
		}
		assertUser(t, found, u)
	})

	t.Run("touch again keeps the user and the newest interaction", func(t *testing.T) {
		s := open(t)
		first := mustTouch(t, s, "o-1", base)
		later := base.Add(time.Hour)
		mustTouch(t, s, "o-1", later)
		again := mustTouch(t, s, "o-1", base.Add(time.Minute)) // a late retry
		if again.ID != first.ID {
			t.Fatalf("ID = %d after touching again, want %d", again.ID, first.ID)
		}
		assertTime(t, "LastInteractionAt", again.LastInteractionAt, later)
		assertTime(t, "CreatedAt", again.CreatedAt, base)
	})

	t.Run("interactions are kept to the minute", func(t *testing.T) {
		s := open(t)
		mustTouch(t, s, "o-1", base)
		soon := mustTouch(t, s, "o-1", base.Add(30*time.Second))
		assertTime(t, "LastInteractionAt within the minute", soon.LastInteractionAt, base)
		later := mustTouch(t, s, "o-1", base.Add(store.TouchGrain))
		assertTime(t, "LastInteractionAt a minute on", later.LastInteractionAt, base.Add(store.TouchGrain))
	})

	t.Run("unknown user is not found", func(t *testing.T) {
		_, err := open(t).FindUserByOpenID(t.Context(), "o-nobody")
		if store.ErrorCode(err) != store.ENOTFOUND {
			t.Fatalf("FindUserByOpenID = %v, want code %s", err, store.ENOTFOUND)
		}
	})

	t.Run("empty openid is invalid", func(t *testing.T) {
		_, err := open(t).TouchUser(t.Context(), " ", base)
		if store.ErrorCode(err) != store.EINVALID {
			t.Fatalf("TouchUser = %v, want code %s", err, store.EINVALID)
		}
	})

	t.Run("unsubscribe and subscribe again", func(t *testing.T) {
		s := open(t)
		mustTouch(t, s, "o-1", base)
		if err := s.SetFollowing(t.Context(), "o-1", false, base.Add(time.Hour)); err != nil {
			t.Fatalf("SetFollowing false: %v", err)
		}
		u := mustFind(t, s, "o-1")
		if u.Following {
			t.Fatalf("Following = true after unsubscribe")
		}
		assertTime(t, "LastInteractionAt after unsubscribe", u.LastInteractionAt, base)
		if err := s.SetFollowing(t.Context(), "o-1", true, base.Add(2*time.Hour)); err != nil {
			t.Fatalf("SetFollowing true: %v", err)
		}
		u = mustFind(t, s, "o-1")
		if !u.Following {
			t.Fatalf("Following = false after subscribe")
		}
		assertTime(t, "LastInteractionAt after subscribe", u.LastInteractionAt, base.Add(2*time.Hour))
	})

	t.Run("subscribe of an unknown user creates a resident", func(t *testing.T) {
		s := open(t)
		if err := s.SetFollowing(t.Context(), "o-new", true, base); err != nil {
			t.Fatalf("SetFollowing: %v", err)
		}
		u := mustFind(t, s, "o-new")
		if u.Role != store.RoleResident || !u.Following {
			t.Fatalf("user = %+v, want a following resident", u)
		}
	})

	t.Run("last location is kept", func(t *testing.T) {
		s := open(t)
		mustTouch(t, s, "o-1", base)
		at := base.Add(time.Minute)
		if err := s.SetLastLocation(t.Context(), "o-1", 36.6512, 117.1201, at); err != nil {
			t.Fatalf("SetLastLocation: %v", err)
		}
		if err := s.SetLastLocation(t.Context(), "o-1", 36.6601, 117.0102, at.Add(time.Minute)); err != nil {
			t.Fatalf("SetLastLocation: %v", err)
		}
		u := mustFind(t, s, "o-1")
		if u.LastLat != 36.6601 || u.LastLng != 117.0102 {
			t.Fatalf("last position = %v,%v, want 36.6601,117.0102", u.LastLat, u.LastLng)
		}
		assertTime(t, "LastLocationAt", u.LastLocationAt, at.Add(time.Minute))
		assertTime(t, "LastInteractionAt", u.LastInteractionAt, base)
	})
}

func runRegistrationConformance(t *testing.T, open func(t *testing.T) store.Store) {
	t.Run("resident becomes a volunteer", func(t *testing.T) {
		s := open(t)
		touched := mustTouch(t, s, "o-1", base)
		u, created, err := s.RegisterVolunteer(t.Context(), registration("o-1", "古槐社区"), base.Add(time.Minute))
		if err != nil {
			t.Fatalf("RegisterVolunteer: %v", err)
		}
		if !created {
			t.Errorf("created = false on the first registration")
		}
		if u.ID != touched.ID || u.Role != store.RoleVolunteer || !u.Registered() {
			t.Fatalf("RegisterVolunteer = %+v, want the touched user as a registered volunteer", u)
		}
		if u.Name != "张三" || u.Phone != "13812345678" || u.Community != "古槐社区" {
			t.Fatalf("profile = %q %q %q, want 张三 13812345678 古槐社区", u.Name, u.Phone, u.Community)
		}
		assertUser(t, mustFind(t, s, "o-1"), u)
	})

	t.Run("unknown user is created as a volunteer", func(t *testing.T) {
		s := open(t)
		u, created, err := s.RegisterVolunteer(t.Context(), registration("o-new", "古槐社区"), base)
		if err != nil {
			t.Fatalf("RegisterVolunteer: %v", err)
		}
		if !created || u.Role != store.RoleVolunteer || !u.Following {
			t.Fatalf("RegisterVolunteer = %+v, created %v; want a new following volunteer", u, created)
		}
	})

	t.Run("second registration updates, never duplicates", func(t *testing.T) {
		s := open(t)
		first, _, err := s.RegisterVolunteer(t.Context(), registration("o-1", "古槐社区"), base)
		if err != nil {
			t.Fatalf("RegisterVolunteer: %v", err)
		}
		reg := store.Registration{OpenID: "o-1", Name: "张三丰", Phone: "13900000000", Community: "北关社区"}
		second, created, err := s.RegisterVolunteer(t.Context(), reg, base.Add(time.Hour))
		if err != nil {
			t.Fatalf("RegisterVolunteer again: %v", err)
		}
		if created {
			t.Errorf("created = true on the second registration")
		}
		if second.ID != first.ID {
			t.Fatalf("ID = %d on the second registration, want %d", second.ID, first.ID)
		}
		if second.Name != "张三丰" || second.Phone != "13900000000" || second.Community != "北关社区" {
			t.Fatalf("profile = %q %q %q, want the second registration", second.Name, second.Phone, second.Community)
		}
		assertTime(t, "UpdatedAt", second.UpdatedAt, base.Add(time.Hour))
		assertTime(t, "CreatedAt", second.CreatedAt, base)
		assertKnownCommunities(t, s)
	})

	t.Run("an unknown community is refused, nothing stored", func(t *testing.T) {
		s := open(t)
		_, _, err := s.RegisterVolunteer(t.Context(), registration("o-1", "无名社区"), base)
		assertCode(t, "RegisterVolunteer in an unknown community", err, store.ENOTFOUND, store.MsgUnknownCommunity)
		if _, err := s.FindUserByOpenID(t.Context(), "o-1"); store.ErrorCode(err) != store.ENOTFOUND {
			t.Errorf("a refused registration created a user: %v", err)
		}
		assertKnownCommunities(t, s)
	})

	t.Run("fields are trimmed and required", func(t *testing.T) {
		s := open(t)
		u, _, err := s.RegisterVolunteer(t.Context(), store.Registration{
			OpenID: "o-1", Name: " 张三 ", Phone: "13812345678\n", Community: "\t古槐社区",
		}, base)
		if err != nil {
			t.Fatalf("RegisterVolunteer: %v", err)
		}
		if u.Name != "张三" || u.Phone != "13812345678" || u.Community != "古槐社区" {
			t.Fatalf("profile = %q %q %q, want trimmed fields", u.Name, u.Phone, u.Community)
		}
		for _, reg := range []store.Registration{
			{OpenID: "o-2", Name: "", Phone: "13812345678", Community: "古槐社区"},
			{OpenID: "o-2", Name: "李四", Phone: " ", Community: "古槐社区"},
			{OpenID: "o-2", Name: "李四", Phone: "13812345678", Community: ""},
			{OpenID: "", Name: "李四", Phone: "13812345678", Community: "古槐社区"},
		} {
			if _, _, err := s.RegisterVolunteer(t.Context(), reg, base); store.ErrorCode(err) != store.EINVALID {
				t.Errorf("RegisterVolunteer(%+v) = %v, want code %s", reg, err, store.EINVALID)
			}
		}
		if _, err := s.FindUserByOpenID(t.Context(), "o-2"); store.ErrorCode(err) != store.ENOTFOUND {
			t.Errorf("an invalid registration created a user: %v", err)
		}
	})

	t.Run("racing registrations of one openid make one user", func(t *testing.T) {
		s := open(t)
		const n = 20
		ids, created, errs := make([]int64, n), make([]bool, n), make([]error, n)
		atOnce(n, func(i int) {
			reg := registration("o-race", "古槐社区")
			reg.Phone = fmt.Sprintf("138%08d", i)
			var u *store.User
			u, created[i], errs[i] = s.RegisterVolunteer(context.Background(), reg, base)
			if u != nil {
				ids[i] = u.ID
			}
		})
		for i, err := range errs {
			if err != nil {
				t.Fatalf("registration %d: %v", i, err)
			}
		}
		for i, id := range ids {
			if id != ids[0] {
				t.Fatalf("registration %d got user %d, registration 0 got %d", i, id, ids[0])
			}
		}
		if got := countTrue(created); got != 1 {
			t.Fatalf("%d registrations reported created, want exactly 1", got)
		}
		assertKnownCommunities(t, s)
	})

	t.Run("many users registering at once all succeed", func(t *testing.T) {
		s := open(t)
		const n = 50
		created, errs := make([]bool, n), make([]error, n)
		atOnce(n, func(i int) {
			community := []string{"古槐社区", "北关社区", "南苑社区"}[i%3]
			_, created[i], errs[i] = s.RegisterVolunteer(context.Background(),
				registration(fmt.Sprintf("o-%d", i), community), base)
		})
		for i, err := range errs {
			if err != nil {
				t.Fatalf("registration %d: %v", i, err)
			}
		}
		if got := countTrue(created); got != n {
			t.Fatalf("%d registrations reported created, want %d", got, n)
		}
		assertKnownCommunities(t, s)
	})
}

func runMessageConformance(t *testing.T, open func(t *testing.T) store.Store) {
	t.Run("recorded message is found", func(t *testing.T) {
		s := open(t)
		m := store.ProcessedMessage{DedupKey: "o-1:1001", OpenID: "o-1", Reply: "报名成功：A12", At: base}
		if err := s.RecordProcessed(t.Context(), m); err != nil {
			t.Fatalf("RecordProcessed: %v", err)
		}
		got, err := s.FindProcessed(t.Context(), "o-1:1001")
		if err != nil {
			t.Fatalf("FindProcessed: %v", err)
		}
		if got.DedupKey != m.DedupKey || got.OpenID != m.OpenID || got.Reply != m.Reply {
			t.Fatalf("FindProcessed = %+v, want %+v", got, m)
		}
		assertTime(t, "At", got.At, base)
	})

	t.Run("second record conflicts and changes nothing", func(t *testing.T) {
		s := open(t)
		m := store.ProcessedMessage{DedupKey: "o-1:1001", OpenID: "o-1", Reply: "first", At: base}
		if err := s.RecordProcessed(t.Context(), m); err != nil {
			t.Fatalf("RecordProcessed: %v", err)
		}
		retry := m
		retry.Reply, retry.At = "second", base.Add(time.Second)
		if err := s.RecordProcessed(t.Context(), retry); store.ErrorCode(err) != store.ECONFLICT {
			t.Fatalf("RecordProcessed again = %v, want code %s", err, store.ECONFLICT)
		}
		got, err := s.FindProcessed(t.Context(), "o-1:1001")
		if err != nil {
			t.Fatalf("FindProcessed: %v", err)
		}
		if got.Reply != "first" {
			t.Fatalf("Reply = %q after a conflicting record, want %q", got.Reply, "first")
		}
		assertTime(t, "At", got.At, base)
	})

	t.Run("unknown key is not found", func(t *testing.T) {
		_, err := open(t).FindProcessed(t.Context(), "o-1:404")
		if store.ErrorCode(err) != store.ENOTFOUND {
			t.Fatalf("FindProcessed = %v, want code %s", err, store.ENOTFOUND)
		}
	})

	t.Run("empty key is invalid", func(t *testing.T) {
		err := open(t).RecordProcessed(t.Context(), store.ProcessedMessage{OpenID: "o-1", At: base})
		if store.ErrorCode(err) != store.EINVALID {
			t.Fatalf("RecordProcessed = %v, want code %s", err, store.EINVALID)
		}
	})
}

// registration is a complete registration of openID in community.
// registration is a valid profile for openID. Mobiles are unique among
// live users, so each openID gets its own: the example mobile 13812345678
// for o-1, one derived from the openID otherwise.
func registration(openID, community string) store.Registration {
	phone := "13812345678"
	if openID != "o-1" {
		phone = phoneFor(openID)
	}
	return store.Registration{OpenID: openID, Name: "张三", Phone: phone, Community: community}
}

// phoneFor is a mobile of openID's own, for tests that register several
// users (mobiles are unique among live users).
func phoneFor(openID string) string {
	h := fnv.New32a()
	h.Write([]byte(openID))
	return fmt.Sprintf("139%08d", h.Sum32()%100000000)
}

func mustTouch(t *testing.T, s store.Store, openID string, at time.Time) *store.User {
	t.Helper()
	u, err := s.TouchUser(t.Context(), openID, at)
	if err != nil {
		t.Fatalf("TouchUser(%q): %v", openID, err)
	}
	return u
}

func mustFind(t *testing.T, s store.Store, openID string) *store.User {
	t.Helper()
	u, err := s.FindUserByOpenID(t.Context(), openID)
	if err != nil {
		t.Fatalf("FindUserByOpenID(%q): %v", openID, err)
	}
	return u
}

// assertUser compares users field by field, times by instant.
func assertUser(t *testing.T, got, want *store.User) {
	t.Helper()
	g, w := *got, *want
	assertTime(t, "LastInteractionAt", g.LastInteractionAt, w.LastInteractionAt)
	assertTime(t, "LastLocationAt", g.LastLocationAt, w.LastLocationAt)
	assertTime(t, "CreatedAt", g.CreatedAt, w.CreatedAt)
	assertTime(t, "UpdatedAt", g.UpdatedAt, w.UpdatedAt)
	assertTime(t, "AnonymisedAt", g.AnonymisedAt, w.AnonymisedAt)
	g.LastInteractionAt, g.LastLocationAt, g.CreatedAt, g.UpdatedAt = time.Time{}, time.Time{}, time.Time{}, time.Time{}
	w.LastInteractionAt, w.LastLocationAt, w.CreatedAt, w.UpdatedAt = time.Time{}, time.Time{}, time.Time{}, time.Time{}
	g.AnonymisedAt, w.AnonymisedAt = time.Time{}, time.Time{}
	if g != w {
		t.Errorf("user = %+v, want %+v", g, w)
	}
}

func assertTime(t *testing.T, what string, got, want time.Time) {
	t.Helper()
	if !got.Equal(want) {
		t.Errorf("%s = %v, want %v", what, got, want)
	}
}

// assertKnownCommunities checks that the known communities are the
// suite's Communities and extra, none more.
func assertKnownCommunities(t *testing.T, s store.Store, extra ...string) {
	t.Helper()
	assertCommunities(t, s, slices.Sorted(slices.Values(append(slices.Clone(Communities), extra...)))...)
}

// assertCommunities checks the names ListCommunities returns, in order.
func assertCommunities(t *testing.T, s store.Store, want ...string) {
	t.Helper()
	list, err := s.ListCommunities(t.Context())
	if err != nil {
		t.Fatalf("ListCommunities: %v", err)
	}
	got := make([]string, 0, len(list))
	for _, c := range list {
		got = append(got, c.Name)
	}
	if !slices.Equal(got, want) {
		t.Fatalf("ListCommunities = %q, want %q", got, want)
	}
}

// atOnce runs fn(0) ... fn(n-1), each on a goroutine of its own, and waits
// for all of them.
func atOnce(n int, fn func(i int)) {
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() { fn(i) })
	}
	wg.Wait()
}

func countTrue(bs []bool) int {
	n := 0
	for _, b := range bs {
		if b {
			n++
		}
	}
	return n
}

package storetest

import (
	"context"
	"fmt"
	"testing"
	"time"

	"envoybot/store"
)

// envoyInvite is a valid envoy invite with code.
func envoyInvite(code string) store.NewInvite {
	return store.NewInvite{
		Code: code, Role: store.RoleEnvoy, Name: "王使者",
		EnvoyLevel: "市", EnvoyKind: "和谐使者", ExpiresAt: base.Add(7 * 24 * time.Hour),
	}
}

func mustInvite(t *testing.T, s store.Store, inv store.NewInvite) *store.Invite {
	t.Helper()
	return mustCreate(t, "CreateInvite", s.CreateInvite, inv)
}

func runInviteConformance(t *testing.T, open func(t *testing.T) store.Store) {
	const (
		maxFailures = 3
		window      = time.Hour
	)

	t.Run("redeemed code makes an envoy with level, kind and name", func(t *testing.T) {
		s := open(t)
		created := mustInvite(t, s, envoyInvite("8h3k2q"))
		if created.ID == 0 || created.Code != "8H3K2Q" || created.Role != store.RoleEnvoy || created.UsedBy != 0 {
			t.Fatalf("CreateInvite = %+v, want an unused envoy invite 8H3K2Q", created)
		}
		assertTime(t, "CreatedAt", created.CreatedAt, base)
		assertTime(t, "ExpiresAt", created.ExpiresAt, base.Add(7*24*time.Hour))
		resident := mustTouch(t, s, "o-1", base)
		at := base.Add(time.Minute)
		u, inv, err := s.RedeemInvite(t.Context(), resident.ID, " 8H3k2Q ", at, maxFailures, window)
		if err != nil {
			t.Fatalf("RedeemInvite: %v", err)
		}
		if u.ID != resident.ID || u.Role != store.RoleEnvoy || u.EnvoyLevel != "市" || u.EnvoyKind != "和谐使者" || u.Name != "王使者" {
			t.Fatalf("user = %+v, want the resident as envoy 王使者 市 和谐使者", u)
		}
		if inv.ID != created.ID || inv.UsedBy != u.ID {
			t.Fatalf("invite = %+v, want used by %d", inv, u.ID)
		}
		assertTime(t, "UsedAt", inv.UsedAt, at)
		assertUser(t, mustFind(t, s, "o-1"), u)
	})

	t.Run("a registered name is kept", func(t *testing.T) {
		s := open(t)
		mustInvite(t, s, envoyInvite("CODE1"))
		registered, _, err := s.RegisterVolunteer(t.Context(), registration("o-1", "古槐社区"), base)
		if err != nil {
			t.Fatalf("RegisterVolunteer: %v", err)
		}
		u, _, err := s.RedeemInvite(t.Context(), registered.ID, "code1", base, maxFailures, window)
		if err != nil {
			t.Fatalf("RedeemInvite: %v", err)
		}
		if u.Name != "张三" || u.Role != store.RoleEnvoy || u.Phone != "13812345678" {
			t.Fatalf("user = %+v, want envoy 张三 with the registered mobile", u)
		}
	})

	t.Run("admin invite makes an admin", func(t *testing.T) {
		s := open(t)
		mustInvite(t, s, store.NewInvite{Code: "ADM1", Role: store.RoleAdmin, ExpiresAt: base.Add(time.Hour)})
		// An unknown id is refused and leaves the invite unused.
		_, _, err := s.RedeemInvite(t.Context(), unknownUser, "adm1", base, maxFailures, window)
		assertCode(t, "RedeemInvite by an unknown user", err, store.ENOTFOUND, "")
		u, _, err := s.RedeemInvite(t.Context(), mustUser(t, s, "o-new"), "adm1", base, maxFailures, window)
		if err != nil {
			t.Fatalf("RedeemInvite: %v", err)
		}
		if u.Role != store.RoleAdmin || u.EnvoyLevel != "" || u.Name != "" {
			t.Fatalf("user = %+v, want a nameless admin", u)
		}
	})

	t.Run("issuer is recorded and must exist", func(t *testing.T) {
		s := open(t)
		mustTouch(t, s, "o-admin", base)
		inv := envoyInvite("C1")
		inv.CreatedByOpenID = "o-admin"
		mustInvite(t, s, inv)
		inv = envoyInvite("C2")
		inv.CreatedByOpenID = "o-nobody"
		_, err := s.CreateInvite(t.Context(), inv, base)
		assertCode(t, "CreateInvite by an unknown admin", err, store.ENOTFOUND, "")
	})

	t.Run("a code taken in any case conflicts", func(t *testing.T) {
		s := open(t)
		mustInvite(t, s, envoyInvite("ABC123"))
		_, err := s.CreateInvite(t.Context(), envoyInvite(" abc123"), base)
		assertCode(t, "CreateInvite again", err, store.ECONFLICT, "")
	})

	t.Run("invalid invites are rejected", func(t *testing.T) {
		s := open(t)
		for name, inv := range map[string]store.NewInvite{
			"empty code":     {Code: " ", Role: store.RoleEnvoy, ExpiresAt: base},
			"volunteer role": {Code: "X1", Role: store.RoleVolunteer, ExpiresAt: base},
			"bad level":      {Code: "X2", Role: store.RoleEnvoy, EnvoyLevel: "县", ExpiresAt: base},
			"bad kind":       {Code: "X3", Role: store.RoleEnvoy, EnvoyKind: "使者", ExpiresAt: base},
			"no expiry":      {Code: "X4", Role: store.RoleEnvoy},
		} {
			_, err := s.CreateInvite(t.Context(), inv, base)
			assertCode(t, "CreateInvite with "+name, err, store.EINVALID, "")
		}
	})

	refusals := []struct {
		name    string
		code    string
		at      time.Time
		setup   func(t *testing.T, s store.Store)
		errCode string
		msg     string
	}{
		{"unknown code is not found", "NOPE", base, nil, store.ENOTFOUND, store.MsgInviteUnknown},
		{"empty code is not found", "  ", base, nil, store.ENOTFOUND, store.MsgInviteUnknown},
		{"used code is refused", "USED1", base, func(t *testing.T, s store.Store) {
			if _, _, err := s.RedeemInvite(t.Context(), mustUser(t, s, "o-other"), "USED1", base, maxFailures, window); err != nil {
				t.Fatalf("first RedeemInvite: %v", err)
			}
		}, store.EINVALID, store.MsgInviteUsed},
		{"expired code is refused", "USED1", base.Add(7 * 24 * time.Hour), nil, store.EINVALID, store.MsgInviteExpired},
	}
	for _, tc := range refusals {
		t.Run(tc.name+" and counted as a failure", func(t *testing.T) {
			s := open(t)
			mustInvite(t, s, envoyInvite("USED1"))
			mustInvite(t, s, envoyInvite("GOOD1"))
			before := mustTouch(t, s, "o-1", base)
			if tc.setup != nil {
				tc.setup(t, s)
			}
			u, inv, err := s.RedeemInvite(t.Context(), before.ID, tc.code, tc.at, maxFailures, window)
			assertCode(t, "RedeemInvite", err, tc.errCode, tc.msg)
			if u != nil || inv != nil {
				t.Errorf("RedeemInvite returned %v, %v with an error", u, inv)
			}
			if got := mustFind(t, s, "o-1"); got.Role != before.Role {
				t.Errorf("role = %s after a refusal, want %s", got.Role, before.Role)
			}
			entries := 1
			for range maxFailures - 1 {
				_, _, err := s.RedeemInvite(t.Context(), before.ID, tc.code, tc.at, maxFailures, window)
				assertCode(t, "RedeemInvite again", err, tc.errCode, tc.msg)
				entries++
			}
			_, _, err = s.RedeemInvite(t.Context(), before.ID, "GOOD1", tc.at, maxFailures, window)
			assertCode(t, fmt.Sprintf("RedeemInvite of a good code after %d failures", entries), err,
				store.EFORBIDDEN, store.MsgTooManyAttempts)
		})
	}

	t.Run("failures count within the window before at, per user", func(t *testing.T) {
		s := open(t)
		mustInvite(t, s, envoyInvite("GOOD1"))
		mustInvite(t, s, envoyInvite("GOOD2"))
		user, other := mustUser(t, s, "o-1"), mustUser(t, s, "o-2")
		for i := range maxFailures {
			_, _, err := s.RedeemInvite(t.Context(), user, "WRONG", base.Add(time.Duration(i)*time.Minute), maxFailures, window)
			assertCode(t, "wrong RedeemInvite", err, store.ENOTFOUND, store.MsgInviteUnknown)
		}
		_, _, err := s.RedeemInvite(t.Context(), user, "GOOD1", base.Add(window-time.Second), maxFailures, window)
		assertCode(t, "RedeemInvite while the first failure is in the window", err, store.EFORBIDDEN, store.MsgTooManyAttempts)
		if _, _, err := s.RedeemInvite(t.Context(), other, "GOOD2", base.Add(time.Minute), maxFailures, window); err != nil {
			t.Fatalf("RedeemInvite by another user: %v", err)
		}
		// At base+window+1m the failures at base and base+1m have left the
		// window; the refused attempt was not a failure of its own.
		u, _, err := s.RedeemInvite(t.Context(), user, "GOOD1", base.Add(window+time.Minute), maxFailures, window)
		if err != nil {
			t.Fatalf("RedeemInvite after a failure left the window: %v", err)
		}
		if u.Role != store.RoleEnvoy {
			t.Fatalf("role = %s, want envoy", u.Role)
		}
	})

	t.Run("no limit when maxFailures is 0", func(t *testing.T) {
		s := open(t)
		mustInvite(t, s, envoyInvite("GOOD1"))
		user := mustUser(t, s, "o-1")
		for range 5 {
			_, _, err := s.RedeemInvite(t.Context(), user, "WRONG", base, 0, window)
			assertCode(t, "wrong RedeemInvite", err, store.ENOTFOUND, store.MsgInviteUnknown)
		}
		if _, _, err := s.RedeemInvite(t.Context(), user, "good1", base, 0, window); err != nil {
			t.Fatalf("RedeemInvite: %v", err)
		}
	})

	t.Run("racing users redeem one code exactly once", func(t *testing.T) {
		s := open(t)
		mustInvite(t, s, envoyInvite("RACE1"))
		const n = 10
		errs, invs := make([]error, n), make([]*store.Invite, n)
		users := make([]int64, n)
		for i := range users {
			users[i] = mustUser(t, s, fmt.Sprintf("o-%d", i))
		}
		atOnce(n, func(i int) {
			_, invs[i], errs[i] = s.RedeemInvite(context.Background(), users[i], "race1", base, maxFailures, window)
		})
		winners := 0
		for i, err := range errs {
			switch {
			case err == nil:
				winners++
				if got := mustFind(t, s, fmt.Sprintf("o-%d", i)); got.Role != store.RoleEnvoy || invs[i].UsedBy != got.ID {
					t.Errorf("winner %d = %+v with invite %+v", i, got, invs[i])
				}
			case store.ErrorMessage(err) != store.MsgInviteUsed:
				t.Errorf("redemption %d = %v, want %q", i, err, store.MsgInviteUsed)
			}
		}
		if winners != 1 {
			t.Fatalf("%d redemptions succeeded, want exactly 1", winners)
		}
	})
}

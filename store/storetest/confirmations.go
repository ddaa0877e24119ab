package storetest

import (
	"testing"
	"time"

	"envoybot/store"
)

func runConfirmationConformance(t *testing.T, open func(t *testing.T) store.Store) {
	t.Run("seated volunteers confirm once; others cannot", func(t *testing.T) {
		s := open(t)
		ctx := t.Context()
		envoy := mustEnvoy(t, s, "o-envoy")
		a := mustActivity(t, s, newActivity(envoy.ID, base.Add(48*time.Hour), 2))
		ids := map[string]int64{}
		for i, id := range []string{"o-1", "o-2", "o-3"} {
			ids[id] = mustUser(t, s, id)
			if _, _, err := s.SignUp(ctx, a.Code, ids[id], store.SourceChat, base.Add(time.Duration(i)*time.Minute)); err != nil {
				t.Fatalf("SignUp: %v", err)
			}
		}
		count := func(wantConfirmed, wantSeated int) {
			t.Helper()
			c, n, err := s.CountConfirmedSignups(ctx, a.Code)
			if err != nil || c != wantConfirmed || n != wantSeated {
				t.Fatalf("CountConfirmedSignups = %d/%d, %v; want %d/%d", c, n, err, wantConfirmed, wantSeated)
			}
		}
		count(0, 2)
		if first, err := s.ConfirmSignup(ctx, a.Code, ids["o-1"], base.Add(30*time.Hour)); err != nil || !first {
			t.Fatalf("ConfirmSignup = %v, %v; want first", first, err)
		}
		if first, err := s.ConfirmSignup(ctx, a.Code, ids["o-1"], base.Add(31*time.Hour)); err != nil || first {
			t.Fatalf("ConfirmSignup again = %v, %v; want not first", first, err)
		}
		// o-3 is on the wait-list: no seat to confirm.
		if _, err := s.ConfirmSignup(ctx, a.Code, ids["o-3"], base.Add(30*time.Hour)); store.ErrorCode(err) != store.ENOTFOUND {
			t.Fatalf("ConfirmSignup from the wait-list: %v, want %s", err, store.ENOTFOUND)
		}
		count(1, 2)
	})
}

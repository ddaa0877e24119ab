package storetest

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"envoybot/store"
)

// runUniqueMobileConformance: a mobile belongs to one live user, also when
// several register it at the same instant (issue 11, part 3).
func runUniqueMobileConformance(t *testing.T, open func(t *testing.T) store.Store) {
	t.Run("20 pairs registering one mobile each at once leave each mobile on one user", func(t *testing.T) {
		s := open(t)
		const pairs = 20
		type result struct {
			openID string
			err    error
		}
		results := make([]result, 2*pairs)
		gate := make(chan struct{})
		var wg sync.WaitGroup
		for i := range 2 * pairs {
			wg.Go(func() {
				reg := store.Registration{OpenID: fmt.Sprintf("o-pair%d-%d", i/2, i%2), Name: "张三",
					Phone: fmt.Sprintf("137%08d", i/2), Community: "古槐社区"}
				<-gate
				_, _, err := s.RegisterVolunteer(context.Background(), reg, base)
				results[i] = result{reg.OpenID, err}
			})
		}
		close(gate)
		wg.Wait()
		won, refused := 0, 0
		for p := range pairs {
			var winner string
			for _, r := range results[2*p : 2*p+2] {
				switch {
				case r.err == nil:
					won++
					if winner != "" {
						t.Errorf("pair %d: both %s and %s registered 137%08d", p, winner, r.openID, p)
					}
					winner = r.openID
				case store.ErrorCode(r.err) == store.ECONFLICT && store.ErrorMessage(r.err) == store.MsgPhoneTaken:
					refused++
				default:
					t.Errorf("pair %d: %s: %v, want success or ECONFLICT %s", p, r.openID, r.err, store.MsgPhoneTaken)
				}
			}
			if winner == "" {
				t.Errorf("pair %d: nobody registered 137%08d", p, p)
				continue
			}
			u, err := s.FindUserByPhone(t.Context(), fmt.Sprintf("137%08d", p))
			if err != nil || u.OpenID != winner {
				t.Errorf("pair %d: FindUserByPhone = %v, %v; want %s", p, u, err, winner)
			}
		}
		t.Logf("%d pairs registered one mobile each at once: %d registered, %d refused as 已被注册; each mobile on one user",
			pairs, won, refused)
		if won != pairs || refused != pairs {
			t.Errorf("%d registered and %d refused, want %d and %d", won, refused, pairs, pairs)
		}
	})

	t.Run("a mobile held by another user is refused and leaves the profile as it was", func(t *testing.T) {
		s := open(t)
		owner, _, err := s.RegisterVolunteer(t.Context(), registration("o-1", "古槐社区"), base)
		if err != nil {
			t.Fatalf("RegisterVolunteer: %v", err)
		}
		mine := registration("o-2", "北关社区")
		if _, _, err := s.RegisterVolunteer(t.Context(), mine, base); err != nil {
			t.Fatalf("RegisterVolunteer: %v", err)
		}
		taken := mine
		taken.Phone = owner.Phone
		_, _, err = s.RegisterVolunteer(t.Context(), taken, base)
		assertCode(t, "RegisterVolunteer with another's mobile", err, store.ECONFLICT, store.MsgPhoneTaken)
		if u := mustFind(t, s, "o-2"); u.Phone != mine.Phone || u.Community != "北关社区" {
			t.Errorf("after the refusal o-2 = %q %q, want %q 北关社区", u.Phone, u.Community, mine.Phone)
		}
		// A user never seen before is not created by a refused registration.
		newcomer := registration("o-3", "古槐社区")
		newcomer.Phone = owner.Phone
		_, _, err = s.RegisterVolunteer(t.Context(), newcomer, base)
		assertCode(t, "RegisterVolunteer of a newcomer with another's mobile", err, store.ECONFLICT, store.MsgPhoneTaken)
		if _, err := s.FindUserByOpenID(t.Context(), "o-3"); store.ErrorCode(err) != store.ENOTFOUND {
			t.Errorf("the refused newcomer exists: %v", err)
		}
	})

	t.Run("a mobile freed by 注销 may be registered by someone else", func(t *testing.T) {
		s := open(t)
		first, _, err := s.RegisterVolunteer(t.Context(), registration("o-1", "古槐社区"), base)
		if err != nil {
			t.Fatalf("RegisterVolunteer: %v", err)
		}
		if _, err := s.AnonymiseUser(t.Context(), first.ID, base); err != nil {
			t.Fatalf("AnonymiseUser: %v", err)
		}
		again := registration("o-2", "古槐社区")
		again.Phone = first.Phone
		u, _, err := s.RegisterVolunteer(t.Context(), again, base)
		if err != nil || u.Phone != first.Phone {
			t.Fatalf("RegisterVolunteer after the owner's 注销 = %v, %v; want the mobile registered", u, err)
		}
		// The first user coming back must choose another mobile.
		_, _, err = s.RegisterVolunteer(t.Context(), registration("o-1", "古槐社区"), base)
		assertCode(t, "RegisterVolunteer of the old owner", err, store.ECONFLICT, store.MsgPhoneTaken)
	})
}

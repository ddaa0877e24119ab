package handlers_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"

	"envoybot/store"
	"envoybot/store/storetest"
)

// TestRacingRegistrationsOfOneMobile sends 注册 from two followers with the
// same mobile at the same instant, 20 times over: both pass the look-up
// before either is stored, and the store's unique index decides. One is
// registered, the other told 该手机号已被注册 (not the busy reply).
func TestRacingRegistrationsOfOneMobile(t *testing.T) {
	storetest.Backends(t, func(t *testing.T, s store.Store) {
		r := newRouter(s)
		const pairs = 20
		replies := make([]string, 2*pairs)
		errs := make([]error, 2*pairs)
		gate := make(chan struct{})
		var wg sync.WaitGroup
		for i := range 2 * pairs {
			wg.Go(func() {
				m := text(fmt.Sprintf("o-pair%d-%d", i/2, i%2), fmt.Sprintf("注册 张三 137%08d 古槐社区", i/2))
				<-gate
				reply, err := r.HandleMessage(context.Background(), m)
				replies[i], errs[i] = reply.Text, err
			})
		}
		close(gate)
		wg.Wait()
		registered, taken := 0, 0
		for p := range pairs {
			won := 0
			for i := 2 * p; i < 2*p+2; i++ {
				switch {
				case errs[i] != nil:
					t.Errorf("pair %d: %v", p, errs[i])
				case strings.HasPrefix(replies[i], "注册成功"):
					won++
				case strings.Contains(replies[i], "该手机号已被注册"):
					taken++
				default:
					t.Errorf("pair %d: reply %q, want a registration or 该手机号已被注册", p, replies[i])
				}
			}
			registered += won
			u, err := s.FindUserByPhone(t.Context(), fmt.Sprintf("137%08d", p))
			if won != 1 || err != nil || !u.Registered() {
				t.Errorf("pair %d: %d registered, FindUserByPhone = %v, %v; want exactly one", p, won, u, err)
			}
		}
		t.Logf("%d pairs sent 注册 with one mobile each at once: %d registered, %d told 该手机号已被注册", pairs, registered, taken)
		if registered != pairs || taken != pairs {
			t.Errorf("%d registered, %d refused; want %d and %d", registered, taken, pairs, pairs)
		}
	})
}

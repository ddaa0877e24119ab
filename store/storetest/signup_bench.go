package storetest

import (
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"envoybot/store"
)

// BenchSignUp measures the sign-up transaction (seat or wait-list,
// atomically) on the stores open returns: a registered volunteer's first
// sign-up, a repeated one (WeChat retries, impatient users), and first
// sign-ups from every core at once on one activity. Each backend's
// BenchmarkSignUp calls it.
func BenchSignUp(b *testing.B, open func(testing.TB) store.Store) {
	for _, bc := range []struct {
		name string
		run  func(b *testing.B, s store.Store, code string, users []int64)
	}{
		{"new", benchSignUpNew},
		{"again", benchSignUpAgain},
		{"parallel", benchSignUpParallel},
	} {
		b.Run(bc.name, func(b *testing.B) {
			s := withCommunities(open)(b)
			code, users := signUpFixture(b, s, b.N)
			b.ReportAllocs()
			b.ResetTimer()
			bc.run(b, s, code, users)
		})
	}
}

var signUpAt = time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)

// signUpFixture is an activity with room for everyone and the ids of n
// registered volunteers.
func signUpFixture(b *testing.B, s store.Store, n int) (string, []int64) {
	ctx := b.Context()
	reg := store.Registration{OpenID: "o-envoy", Name: "李使者", Phone: "13900000001", Community: "古槐社区"}
	envoy, _, err := s.RegisterVolunteer(ctx, reg, signUpAt)
	if err != nil {
		b.Fatal(err)
	}
	a, err := s.CreateActivity(ctx, store.NewActivity{
		EnvoyID: envoy.ID, Title: "敬老院包饺子", Category: "关爱困难群体", ServiceType: "文体活动",
		StartsAt: signUpAt.Add(72 * time.Hour), EndsAt: signUpAt.Add(74 * time.Hour),
		Place: "古槐社区敬老院", Community: "古槐社区", Quota: 1_000_000,
	}, signUpAt)
	if err != nil {
		b.Fatal(err)
	}
	users := make([]int64, n)
	for i := range users {
		reg := store.Registration{OpenID: fmt.Sprintf("o-bench-%07d", i), Name: "张三", Phone: fmt.Sprintf("138%08d", i), Community: "古槐社区"}
		u, _, err := s.RegisterVolunteer(ctx, reg, signUpAt)
		if err != nil {
			b.Fatal(err)
		}
		users[i] = u.ID
	}
	return a.Code, users
}

func benchSignUpNew(b *testing.B, s store.Store, code string, users []int64) {
	for i := range b.N {
		if _, created, err := s.SignUp(b.Context(), code, users[i], store.SourceChat, signUpAt); err != nil || !created {
			b.Fatalf("SignUp(%d) = %v, %v", users[i], created, err)
		}
	}
}

func benchSignUpAgain(b *testing.B, s store.Store, code string, users []int64) {
	b.StopTimer()
	if _, _, err := s.SignUp(b.Context(), code, users[0], store.SourceChat, signUpAt); err != nil {
		b.Fatal(err)
	}
	b.StartTimer()
	for range b.N {
		if _, created, err := s.SignUp(b.Context(), code, users[0], store.SourceChat, signUpAt); err != nil || created {
			b.Fatalf("SignUp again = %v, %v", created, err)
		}
	}
}

func benchSignUpParallel(b *testing.B, s store.Store, code string, users []int64) {
	var next atomic.Int64
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			u := users[next.Add(1)-1]
			if _, created, err := s.SignUp(b.Context(), code, u, store.SourceChat, signUpAt); err != nil || !created {
				b.Errorf("SignUp(%d) = %v, %v", u, created, err)
				return
			}
		}
	})
}

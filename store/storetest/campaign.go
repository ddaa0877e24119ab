package storetest

import (
	"context"
	"fmt"
	"testing"
	"time"

	"envoybot/store"
)

// later is the start of the suite's activities: a day after base.
var later = base.Add(24 * time.Hour)

// mustEnvoy registers openID as a volunteer named 李使者 and returns it;
// the store leaves role checks to the handlers.
func mustEnvoy(t *testing.T, s store.Store, openID string) *store.User {
	t.Helper()
	reg := store.Registration{OpenID: openID, Name: "李使者", Phone: "13900000001", Community: "古槐社区"}
	u, _, err := s.RegisterVolunteer(t.Context(), reg, base)
	if err != nil {
		t.Fatalf("RegisterVolunteer(%q): %v", openID, err)
	}
	return u
}

// newActivity is a valid activity of envoy starting at startsAt.
func newActivity(envoy string, startsAt time.Time, quota int) store.NewActivity {
	return store.NewActivity{
		EnvoyOpenID: envoy,
		Title:       "敬老院包饺子",
		Category:    "关爱困难群体",
		ServiceType: "文体活动",
		StartsAt:    startsAt,
		EndsAt:      startsAt.Add(2 * time.Hour),
		Place:       "古槐社区敬老院",
		Community:   "古槐社区",
		Quota:       quota,
	}
}

func mustActivity(t *testing.T, s store.Store, na store.NewActivity) *store.Activity {
	t.Helper()
	return mustCreate(t, "CreateActivity", s.CreateActivity, na)
}

// mustCreate calls create with n at base and fails the test on an error;
// what names the call in the failure.
func mustCreate[N, T any](t *testing.T, what string, create func(context.Context, N, time.Time) (T, error), n N) T {
	t.Helper()
	created, err := create(t.Context(), n, base)
	if err != nil {
		t.Fatalf("%s(%+v): %v", what, n, err)
	}
	return created
}

// withEnvoy opens a fresh store with the envoy o-envoy registered.
func withEnvoy(t *testing.T, open func(t *testing.T) store.Store) store.Store {
	t.Helper()
	s := open(t)
	mustEnvoy(t, s, "o-envoy")
	return s
}

// withActivity opens a fresh store in which o-envoy has created activity
// A1, starting at later with quota.
func withActivity(t *testing.T, open func(t *testing.T) store.Store, quota int) store.Store {
	t.Helper()
	s := withEnvoy(t, open)
	mustActivity(t, s, newActivity("o-envoy", later, quota))
	return s
}

func mustSignUp(t *testing.T, s store.Store, code, openID string, at time.Time) *store.Signup {
	t.Helper()
	su, _, err := s.SignUp(t.Context(), code, openID, store.SourceChat, at)
	if err != nil {
		t.Fatalf("SignUp(%s, %s): %v", code, openID, err)
	}
	return su
}

// assertCode fails unless err carries the domain code (and message, when
// msg is not empty).
func assertCode(t *testing.T, what string, err error, code, msg string) {
	t.Helper()
	if store.ErrorCode(err) != code || (msg != "" && store.ErrorMessage(err) != msg) {
		t.Fatalf("%s = %v, want code %s message %q", what, err, code, msg)
	}
}

// assertEmptyList fails unless list(key) returns an empty, non-nil slice.
func assertEmptyList[T any](t *testing.T, what string, list func(context.Context, string) ([]T, error), key string) {
	t.Helper()
	got, err := list(t.Context(), key)
	if err != nil || got == nil || len(got) != 0 {
		t.Fatalf("%s = %v, %v; want an empty list", what, got, err)
	}
}

// openIDs is o-1 ... o-n.
func openIDs(n int) []string {
	ids := make([]string, n)
	for i := range ids {
		ids[i] = fmt.Sprintf("o-%d", i+1)
	}
	return ids
}

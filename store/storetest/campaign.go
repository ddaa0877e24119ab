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
	phone := "13900000001"
	if openID != "o-envoy" {
		phone = phoneFor(openID)
	}
	reg := store.Registration{OpenID: openID, Name: "李使者", Phone: phone, Community: "古槐社区"}
	u, _, err := s.RegisterVolunteer(t.Context(), reg, base)
	if err != nil {
		t.Fatalf("RegisterVolunteer(%q): %v", openID, err)
	}
	return u
}

// unknownUser is an id that names no user in the suite's stores.
const unknownUser int64 = 999999

// mustUser returns the id of openID's user, first creating an unknown one
// as a following resident (TouchUser at base): the store's methods act for
// users the router has already resolved.
func mustUser(t *testing.T, s store.Store, openID string) int64 {
	t.Helper()
	u, err := s.FindUserByOpenID(t.Context(), openID)
	if store.ErrorCode(err) == store.ENOTFOUND {
		return mustTouch(t, s, openID, base).ID
	}
	if err != nil {
		t.Fatalf("FindUserByOpenID(%q): %v", openID, err)
	}
	return u.ID
}

// newActivity is a valid activity of the envoy with id envoy starting at
// startsAt.
func newActivity(envoy int64, startsAt time.Time, quota int) store.NewActivity {
	return store.NewActivity{
		EnvoyID:     envoy,
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

// withEnvoy opens a fresh store with the envoy o-envoy registered and
// returns it with the envoy's id.
func withEnvoy(t *testing.T, open func(t *testing.T) store.Store) (store.Store, int64) {
	t.Helper()
	s := open(t)
	return s, mustEnvoy(t, s, "o-envoy").ID
}

// withActivity opens a fresh store in which o-envoy has created activity
// A1, starting at later with quota.
func withActivity(t *testing.T, open func(t *testing.T) store.Store, quota int) store.Store {
	t.Helper()
	s, envoy := withEnvoy(t, open)
	mustActivity(t, s, newActivity(envoy, later, quota))
	return s
}

// mustSignUp signs openID's user (see mustUser) up from chat.
func mustSignUp(t *testing.T, s store.Store, code, openID string, at time.Time) *store.Signup {
	t.Helper()
	su, _, err := s.SignUp(t.Context(), code, mustUser(t, s, openID), store.SourceChat, at)
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
func assertEmptyList[K, T any](t *testing.T, what string, list func(context.Context, K) ([]T, error), key K) {
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

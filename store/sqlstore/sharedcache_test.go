package sqlstore_test

import (
	"testing"
	"time"

	"envoybot/store"
	"envoybot/store/sqlstore"
	"envoybot/store/storetest"
)

func TestSharedCache(t *testing.T) {
	for _, e := range engines {
		t.Run(e.name, func(t *testing.T) {
			storetest.RunCacheConformance(t, func(t *testing.T) store.Cache {
				return e.open(t).(*sqlstore.DB).SharedCache()
			})
		})
	}

	t.Run("two processes on one embedded database share a counter", func(t *testing.T) {
		path := t.TempDir() + "/envoybot.db"
		a, err := sqlstore.OpenSQLite(t.Context(), path)
		if err != nil {
			t.Fatal(err)
		}
		defer a.Close()
		b, err := sqlstore.OpenSQLite(t.Context(), path)
		if err != nil {
			t.Fatal(err)
		}
		defer b.Close()
		ca, cb := a.SharedCache(), b.SharedCache()
		for i := range 10 {
			c := ca
			if i%2 == 1 {
				c = cb
			}
			if _, err := c.Incr(t.Context(), "ratelimit:1", time.Minute); err != nil {
				t.Fatal(err)
			}
		}
		if err := ca.Set(t.Context(), "notices:quota-paused-until", "2026-12-01T16:00:00Z", time.Hour); err != nil {
			t.Fatal(err)
		}
		n, err := cb.Incr(t.Context(), "ratelimit:1", time.Minute)
		v, ok, gerr := cb.Get(t.Context(), "notices:quota-paused-until")
		t.Logf("10 sends counted by two connections to one file, the 11th reads %d; the pause set by one is read by the other: %q %v", n, v, ok)
		if err != nil || n != 11 || gerr != nil || !ok || v != "2026-12-01T16:00:00Z" {
			t.Errorf("Incr = %d %v, Get = %q %v %v; want 11 and the pause", n, err, v, ok, gerr)
		}
	})
}

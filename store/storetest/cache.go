package storetest

import (
	"testing"
	"time"

	"envoybot/store"
)

// cacheTTL is short enough to keep the suite fast and long enough for the
// checks before expiry to finish under -race; Redis expires to the
// millisecond.
const cacheTTL = 1500 * time.Millisecond

// RunCacheConformance runs the behaviour every store.Cache must have. open
// must return a fresh, empty cache for each subtest.
func RunCacheConformance(t *testing.T, open func(t *testing.T) store.Cache) {
	t.Run("missing key is absent", func(t *testing.T) {
		v, ok, err := open(t).Get(t.Context(), "nope")
		if err != nil || ok || v != "" {
			t.Fatalf("Get = %q, %v, %v; want absent", v, ok, err)
		}
	})

	t.Run("incr counts from one and expires", func(t *testing.T) {
		c := open(t)
		for want := int64(1); want <= 3; want++ {
			if n, err := c.Incr(t.Context(), "ctr", 1200*time.Millisecond); err != nil || n != want {
				t.Fatalf("Incr = %d, %v; want %d", n, err, want)
			}
		}
		time.Sleep(1500 * time.Millisecond)
		if n, err := c.Incr(t.Context(), "ctr", time.Second); err != nil || n != 1 {
			t.Fatalf("Incr after expiry = %d, %v; want 1", n, err)
		}
	})

	t.Run("racing incr loses no count", func(t *testing.T) {
		c := open(t)
		atOnce(20, func(int) { _, _ = c.Incr(t.Context(), "race", time.Minute) })
		if n, err := c.Incr(t.Context(), "race", time.Minute); err != nil || n != 21 {
			t.Fatalf("Incr after 20 racing = %d, %v; want 21", n, err)
		}
	})

	t.Run("incrby adds many at once and expires", func(t *testing.T) {
		c := open(t)
		for _, want := range []int64{5, 6, 106} {
			by := map[int64]int64{5: 5, 6: 1, 106: 100}[want]
			if n, err := c.IncrBy(t.Context(), "ctr", by, 1200*time.Millisecond); err != nil || n != want {
				t.Fatalf("IncrBy %d = %d, %v; want %d", by, n, err, want)
			}
		}
		if n, err := c.Incr(t.Context(), "ctr", time.Second); err != nil || n != 107 {
			t.Fatalf("Incr after IncrBy = %d, %v; want 107", n, err)
		}
		time.Sleep(1500 * time.Millisecond)
		if n, err := c.IncrBy(t.Context(), "ctr", 3, time.Second); err != nil || n != 3 {
			t.Fatalf("IncrBy after expiry = %d, %v; want 3", n, err)
		}
		atOnce(20, func(int) { _, _ = c.IncrBy(t.Context(), "race", 7, time.Minute) })
		if n, err := c.Incr(t.Context(), "race", time.Minute); err != nil || n != 141 {
			t.Fatalf("Incr after 20 racing IncrBy 7 = %d, %v; want 141", n, err)
		}
	})

	t.Run("set replaces the value", func(t *testing.T) {
		c := open(t)
		mustSet(t, c, "k", "v1", 0)
		mustSet(t, c, "k", "v2", time.Hour)
		assertValue(t, c, "k", "v2")
	})

	t.Run("setnx stores only when absent", func(t *testing.T) {
		c := open(t)
		if ok, err := c.SetNX(t.Context(), "k", "first", time.Hour); err != nil || !ok {
			t.Fatalf("SetNX on an absent key = %v, %v; want true", ok, err)
		}
		if ok, err := c.SetNX(t.Context(), "k", "second", time.Hour); err != nil || ok {
			t.Fatalf("SetNX on a present key = %v, %v; want false", ok, err)
		}
		assertValue(t, c, "k", "first")
	})

	t.Run("racing setnx has one winner", func(t *testing.T) {
		c := open(t)
		const n = 20
		won := make([]bool, n)
		errs := make([]error, n)
		atOnce(n, func(i int) { won[i], errs[i] = c.SetNX(t.Context(), "lock", "holder", time.Hour) })
		for _, err := range errs {
			if err != nil {
				t.Fatalf("SetNX: %v", err)
			}
		}
		if got := countTrue(won); got != 1 {
			t.Fatalf("%d SetNX calls won, want 1", got)
		}
	})

	t.Run("delete removes and tolerates a missing key", func(t *testing.T) {
		c := open(t)
		mustSet(t, c, "k", "v", time.Hour)
		for range 2 {
			if err := c.Delete(t.Context(), "k"); err != nil {
				t.Fatalf("Delete: %v", err)
			}
		}
		assertAbsent(t, c, "k")
	})

	t.Run("delete if equals deletes only the matching value", func(t *testing.T) {
		c := open(t)
		mustSet(t, c, "lock", "mine", time.Hour)
		if ok, err := c.DeleteIfEquals(t.Context(), "lock", "theirs"); err != nil || ok {
			t.Fatalf("DeleteIfEquals with another value = %v, %v; want false", ok, err)
		}
		assertValue(t, c, "lock", "mine")
		if ok, err := c.DeleteIfEquals(t.Context(), "lock", "mine"); err != nil || !ok {
			t.Fatalf("DeleteIfEquals with the value = %v, %v; want true", ok, err)
		}
		assertAbsent(t, c, "lock")
		if ok, err := c.DeleteIfEquals(t.Context(), "lock", "mine"); err != nil || ok {
			t.Fatalf("DeleteIfEquals on a missing key = %v, %v; want false", ok, err)
		}
	})

	t.Run("expire if equals renews only the matching value", func(t *testing.T) {
		c := open(t)
		mustSet(t, c, "lease", "mine", cacheTTL)
		if ok, err := c.ExpireIfEquals(t.Context(), "lease", "theirs", time.Hour); err != nil || ok {
			t.Fatalf("ExpireIfEquals with another value = %v, %v; want false", ok, err)
		}
		if ok, err := c.ExpireIfEquals(t.Context(), "lease", "mine", time.Hour); err != nil || !ok {
			t.Fatalf("ExpireIfEquals with the value = %v, %v; want true", ok, err)
		}
		if ok, err := c.ExpireIfEquals(t.Context(), "gone", "mine", time.Hour); err != nil || ok {
			t.Fatalf("ExpireIfEquals on a missing key = %v, %v; want false", ok, err)
		}
		mustSet(t, c, "short", "mine", time.Hour)
		if ok, err := c.ExpireIfEquals(t.Context(), "short", "mine", cacheTTL); err != nil || !ok {
			t.Fatalf("ExpireIfEquals shortening = %v, %v; want true", ok, err)
		}
		time.Sleep(cacheTTL + 300*time.Millisecond)
		assertValue(t, c, "lease", "mine") // renewed for an hour: still there
		assertAbsent(t, c, "short")        // shortened: gone
		if ok, err := c.ExpireIfEquals(t.Context(), "short", "mine", time.Hour); err != nil || ok {
			t.Fatalf("ExpireIfEquals on an expired key = %v, %v; want false", ok, err)
		}
	})

	t.Run("admit: nonce, retry, limit and claim at once", func(t *testing.T) {
		c := open(t)
		limit := &store.AdmissionLimit{MinuteKey: "lim:m", MinuteTTL: time.Minute, PerMinute: 2,
			BurstKey: "lim:b", BurstTTL: time.Minute, Burst: 10, ToldKey: "lim:told", ToldTTL: time.Minute}
		admit := func(nonce, key string) store.Admitted {
			t.Helper()
			got, err := c.Admit(t.Context(), store.Admission{NonceKey: "n:" + nonce, NonceValue: "ts", NonceTTL: time.Minute,
				ClaimKey: "d:" + key, ClaimValue: "pending:" + nonce, ClaimTTL: time.Minute, Limit: limit})
			if err != nil {
				t.Fatalf("Admit(%s, %s): %v", nonce, key, err)
			}
			return got
		}
		if got := admit("1", "m1"); !got.Claimed {
			t.Fatalf("first message = %+v, want claimed", got)
		}
		assertValue(t, c, "d:m1", "pending:1")
		if got := admit("1", "m9"); !got.Replayed {
			t.Fatalf("same nonce = %+v, want replayed", got)
		}
		if got := admit("2", "m1"); got.Existing != "pending:1" {
			t.Fatalf("retry = %+v, want the first attempt's entry", got)
		}
		if got := admit("3", "m2"); !got.Claimed {
			t.Fatalf("second message = %+v, want claimed (the retry was not counted)", got)
		}
		got := admit("4", "m3")
		if !got.Limited || !got.Told || got.Minute != 3 {
			t.Fatalf("third message in the minute = %+v, want limited, told, minute count 3", got)
		}
		if got := admit("5", "m4"); !got.Limited || got.Told {
			t.Fatalf("fourth message = %+v, want limited, not told again", got)
		}
		assertAbsent(t, c, "d:m3")
	})

	t.Run("ping", func(t *testing.T) {
		if err := open(t).Ping(t.Context()); err != nil {
			t.Fatalf("Ping: %v", err)
		}
	})

	t.Run("entries expire after their ttl", func(t *testing.T) {
		// One wait for every expiry check keeps the suite fast.
		c := open(t)
		mustSet(t, c, "set", "v", cacheTTL)
		mustSet(t, c, "forever", "v", 0)
		if ok, err := c.SetNX(t.Context(), "setnx", "first", cacheTTL); err != nil || !ok {
			t.Fatalf("SetNX = %v, %v; want true", ok, err)
		}
		mustSet(t, c, "lock", "mine", cacheTTL)
		assertValue(t, c, "set", "v")
		time.Sleep(cacheTTL + 300*time.Millisecond)

		assertAbsent(t, c, "set")
		assertValue(t, c, "forever", "v")
		if ok, err := c.SetNX(t.Context(), "setnx", "second", time.Hour); err != nil || !ok {
			t.Fatalf("SetNX after expiry = %v, %v; want true", ok, err)
		}
		assertValue(t, c, "setnx", "second")
		if ok, err := c.DeleteIfEquals(t.Context(), "lock", "mine"); err != nil || ok {
			t.Fatalf("DeleteIfEquals on an expired key = %v, %v; want false", ok, err)
		}
	})
}

func mustSet(t *testing.T, c store.Cache, key, value string, ttl time.Duration) {
	t.Helper()
	if err := c.Set(t.Context(), key, value, ttl); err != nil {
		t.Fatalf("Set(%q): %v", key, err)
	}
}

func assertValue(t *testing.T, c store.Cache, key, want string) {
	t.Helper()
	got, ok, err := c.Get(t.Context(), key)
	if err != nil || !ok || got != want {
		t.Fatalf("Get(%q) = %q, %v, %v; want %q", key, got, ok, err, want)
	}
}

func assertAbsent(t *testing.T, c store.Cache, key string) {
	t.Helper()
	got, ok, err := c.Get(t.Context(), key)
	if err != nil || ok {
		t.Fatalf("Get(%q) = %q, %v, %v; want absent", key, got, ok, err)
	}
}

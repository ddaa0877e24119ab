package storetest

import (
	"fmt"
	"testing"
	"time"

	"envoybot/store"
)

// tick is the suite's scheduled instant: base at whole seconds.
var tick = base.Truncate(time.Second)

// claimRun claims the weekly-report run of at for replica with the suite's
// lease.
func claimRun(t *testing.T, s store.Store, at time.Time, replica string, now time.Time) bool {
	t.Helper()
	ok, err := s.ClaimJobRun(t.Context(), "weekly-report", at, replica, lease, now)
	if err != nil {
		t.Fatalf("ClaimJobRun(%s, %s): %v", at, replica, err)
	}
	return ok
}

func runJobConformance(t *testing.T, open func(t *testing.T) store.Store) {
	t.Run("the first claim of a tick wins and others lose while its lease lives", func(t *testing.T) {
		s := open(t)
		if !claimRun(t, s, tick, "r1", base) {
			t.Fatalf("first claim = false, want true")
		}
		if claimRun(t, s, tick, "r2", base.Add(lease-time.Second)) {
			t.Fatalf("claim by another replica during the lease = true, want false")
		}
		if claimRun(t, s, tick, "r1", base.Add(time.Second)) {
			t.Fatalf("second claim by the holder = true, want false: a tick fired twice runs once")
		}
		runs := jobRuns(t, s, "weekly-report")
		if len(runs) != 1 || runs[0].Replica != "r1" || !runs[0].FinishedAt.IsZero() {
			t.Fatalf("job runs = %+v, want one unfinished run of r1", runs)
		}
		assertTime(t, "LeaseUntil", runs[0].LeaseUntil, base.Add(lease))
		assertTime(t, "StartedAt", runs[0].StartedAt, base)
	})

	t.Run("the tick is kept in UTC at whole seconds", func(t *testing.T) {
		s := open(t)
		if !claimRun(t, s, base, "r1", base) { // base carries microseconds
			t.Fatalf("claim = false, want true")
		}
		if claimRun(t, s, tick.UTC().Add(500*time.Millisecond), "r2", base) {
			t.Fatalf("claim of the same second in another zone = true, want false")
		}
		runs := jobRuns(t, s, "weekly-report")
		if len(runs) != 1 || !runs[0].Tick.Equal(tick) || runs[0].Tick.Nanosecond() != 0 {
			t.Fatalf("job runs = %+v, want one at %v", runs, tick)
		}
	})

	t.Run("other ticks and other jobs are separate runs", func(t *testing.T) {
		s := open(t)
		if !claimRun(t, s, tick, "r1", base) || !claimRun(t, s, tick.Add(time.Minute), "r1", base) {
			t.Fatalf("claims of two ticks, want both true")
		}
		ok, err := s.ClaimJobRun(t.Context(), "lecture-notices", tick, "r2", lease, base)
		if err != nil || !ok {
			t.Fatalf("claim of another job at the same tick = %v, %v; want true", ok, err)
		}
	})

	t.Run("an unfinished run whose lease ran out is taken over", func(t *testing.T) {
		s := open(t)
		claimRun(t, s, tick, "r1", base)
		if claimRun(t, s, tick, "r2", base.Add(lease)) {
			t.Fatalf("claim at the lease's end = true, want false")
		}
		if !claimRun(t, s, tick, "r2", base.Add(lease+time.Second)) {
			t.Fatalf("claim after the lease = false, want a takeover")
		}
		err := s.FinishJobRun(t.Context(), "weekly-report", tick, "r1", "", base.Add(2*lease))
		assertCode(t, "FinishJobRun by the replica that lost the run", err, store.ECONFLICT, "")
		if err := s.FinishJobRun(t.Context(), "weekly-report", tick, "r2", "", base.Add(2*lease)); err != nil {
			t.Fatalf("FinishJobRun by the new holder: %v", err)
		}
		runs := jobRuns(t, s, "weekly-report")
		if len(runs) != 1 || runs[0].Replica != "r2" {
			t.Fatalf("job runs = %+v, want one of r2", runs)
		}
		assertTime(t, "FinishedAt", runs[0].FinishedAt, base.Add(2*lease))
	})

	t.Run("a finished run is never claimed again", func(t *testing.T) {
		s := open(t)
		claimRun(t, s, tick, "r1", base)
		if err := s.FinishJobRun(t.Context(), "weekly-report", tick, "r1", "wechat: 45009 quota", base.Add(time.Second)); err != nil {
			t.Fatalf("FinishJobRun: %v", err)
		}
		for _, r := range []string{"r1", "r2"} {
			if claimRun(t, s, tick, r, base.Add(24*time.Hour)) {
				t.Fatalf("claim of a finished run by %s = true, want false", r)
			}
		}
		runs := jobRuns(t, s, "weekly-report")
		if len(runs) != 1 || runs[0].Error != "wechat: 45009 quota" || runs[0].Replica != "r1" {
			t.Fatalf("job runs = %+v, want r1's failed run", runs)
		}
		assertTime(t, "FinishedAt", runs[0].FinishedAt, base.Add(time.Second))
	})

	t.Run("the holder of an expired lease nobody took over may finish", func(t *testing.T) {
		s := open(t)
		claimRun(t, s, tick, "r1", base)
		if err := s.FinishJobRun(t.Context(), "weekly-report", tick, "r1", "", base.Add(2*lease)); err != nil {
			t.Fatalf("FinishJobRun after the lease: %v", err)
		}
	})

	t.Run("finish errors", func(t *testing.T) {
		s := open(t)
		err := s.FinishJobRun(t.Context(), "weekly-report", tick, "r1", "", base)
		assertCode(t, "FinishJobRun of an unknown run", err, store.ENOTFOUND, "")
		claimRun(t, s, tick, "r1", base)
		err = s.FinishJobRun(t.Context(), "weekly-report", tick, "r2", "", base)
		assertCode(t, "FinishJobRun by another replica", err, store.ECONFLICT, "")
		if err := s.FinishJobRun(t.Context(), "weekly-report", tick, "r1", "", base); err != nil {
			t.Fatalf("FinishJobRun: %v", err)
		}
		err = s.FinishJobRun(t.Context(), "weekly-report", tick, "r1", "", base)
		assertCode(t, "FinishJobRun twice", err, store.ECONFLICT, "")
		err = s.FinishJobRun(t.Context(), "", tick, "r1", "", base)
		assertCode(t, "FinishJobRun without a job", err, store.EINVALID, "")
	})

	t.Run("claim errors", func(t *testing.T) {
		s := open(t)
		for name, call := range map[string]func() error{
			"no job":     func() error { _, err := s.ClaimJobRun(t.Context(), " ", tick, "r1", lease, base); return err },
			"no tick":    func() error { _, err := s.ClaimJobRun(t.Context(), "j", time.Time{}, "r1", lease, base); return err },
			"no replica": func() error { _, err := s.ClaimJobRun(t.Context(), "j", tick, "", lease, base); return err },
			"no lease":   func() error { _, err := s.ClaimJobRun(t.Context(), "j", tick, "r1", 0, base); return err },
		} {
			assertCode(t, "ClaimJobRun with "+name, call(), store.EINVALID, "")
		}
	})

	t.Run("racing replicas: exactly one wins a new run and one a takeover", func(t *testing.T) {
		s := open(t)
		race := func(now time.Time) int {
			const replicas = 8
			won := make([]bool, replicas)
			errs := make([]error, replicas)
			atOnce(replicas, func(i int) {
				won[i], errs[i] = s.ClaimJobRun(t.Context(), "weekly-report", tick, fmt.Sprintf("r%d", i), lease, now)
			})
			for _, err := range errs {
				if err != nil {
					t.Fatalf("ClaimJobRun: %v", err)
				}
			}
			return countTrue(won)
		}
		if n := race(base); n != 1 {
			t.Fatalf("%d replicas won the new run, want 1", n)
		}
		if n := race(base.Add(lease + time.Second)); n != 1 {
			t.Fatalf("%d replicas took the lapsed run over, want 1", n)
		}
		if n := race(base.Add(lease + 2*time.Second)); n != 0 {
			t.Fatalf("%d replicas won a run under a live lease, want 0", n)
		}
	})
}

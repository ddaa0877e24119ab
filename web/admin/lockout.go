package admin

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strconv"
	"time"

	"envoybot/store"
)

// lockout counts wrong passwords in the shared cache, per account name and
// per client address: reaching max within window locks that name or
// address for window from the last failure.
type lockout struct {
	cache  store.Cache
	max    int
	window time.Duration
	now    func() time.Time
}

// lockout returns the configured login limiter.
func (s *server) lockout() lockout {
	return lockout{cache: s.cache, max: s.cfg.Admin.LoginMaxFailures, window: s.cfg.Admin.LoginLockout, now: s.now}
}

// subjects are the cache key parts for an attempt: the account (hashed, as
// names may hold anything) and the address.
func subjects(name, ip string) []string {
	sum := sha256.Sum256([]byte(name))
	return []string{"acct:" + hex.EncodeToString(sum[:12]), "ip:" + ip}
}

// locked reports whether the name or the address is locked, and until when.
func (l lockout) locked(ctx context.Context, name, ip string) (time.Time, bool, error) {
	for _, sub := range subjects(name, ip) {
		v, ok, err := l.cache.Get(ctx, "admin:login:lock:"+sub)
		if err != nil {
			return time.Time{}, false, fmt.Errorf("admin: read login lock: %w", err)
		}
		if ok {
			until, _ := time.Parse(time.RFC3339, v)
			return until, true, nil
		}
	}
	return time.Time{}, false, nil
}

// admit counts an attempt before its password is checked, so that
// attempts sent in parallel cannot all pass a check made before any of
// them failed. It refuses (ok false) once the name or the address went
// past the limit; last is true for the attempt that reaches it.
func (l lockout) admit(ctx context.Context, name, ip string) (until time.Time, ok, last bool, err error) {
	if until, locked, err := l.locked(ctx, name, ip); err != nil || locked {
		return until, false, false, err
	}
	until = l.now().Add(l.window)
	for _, sub := range subjects(name, ip) {
		n, err := l.cache.Incr(ctx, "admin:login:fail:"+sub, l.window)
		if err != nil {
			return time.Time{}, false, false, fmt.Errorf("admin: count login attempt: %w", err)
		}
		switch {
		case n > int64(l.max):
			return until, false, false, l.lock(ctx, sub, until)
		case n == int64(l.max):
			last = true
		}
	}
	return until, true, last, nil
}

// fail locks what reached the limit with this wrong password.
func (l lockout) fail(ctx context.Context, name, ip string, until time.Time) error {
	for _, sub := range subjects(name, ip) {
		v, ok, err := l.cache.Get(ctx, "admin:login:fail:"+sub)
		if err != nil {
			return fmt.Errorf("admin: read login failures: %w", err)
		}
		if n, _ := strconv.Atoi(v); ok && n >= l.max {
			if err := l.lock(ctx, sub, until); err != nil {
				return err
			}
		}
	}
	return nil
}

// lock refuses sub until then.
func (l lockout) lock(ctx context.Context, sub string, until time.Time) error {
	if err := l.cache.Set(ctx, "admin:login:lock:"+sub, until.Format(time.RFC3339), l.window); err != nil {
		return fmt.Errorf("admin: lock login: %w", err)
	}
	return nil
}

// succeed forgets the account's failures; the address keeps its count, so
// that one known password does not reset guessing at others.
func (l lockout) succeed(ctx context.Context, name string) error {
	return l.cache.Delete(ctx, "admin:login:fail:"+subjects(name, "")[0])
}

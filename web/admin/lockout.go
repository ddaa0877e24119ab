package admin

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
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

// fail counts a wrong password and locks what reached the limit.
func (l lockout) fail(ctx context.Context, name, ip string) (time.Time, bool, error) {
	until := l.now().Add(l.window)
	locked := false
	for _, sub := range subjects(name, ip) {
		n, err := l.cache.Incr(ctx, "admin:login:fail:"+sub, l.window)
		if err != nil {
			return time.Time{}, false, fmt.Errorf("admin: count login failure: %w", err)
		}
		if n < int64(l.max) {
			continue
		}
		locked = true
		if err := l.cache.Set(ctx, "admin:login:lock:"+sub, until.Format(time.RFC3339), l.window); err != nil {
			return time.Time{}, false, fmt.Errorf("admin: lock login: %w", err)
		}
		if err := l.cache.Delete(ctx, "admin:login:fail:"+sub); err != nil {
			return time.Time{}, false, fmt.Errorf("admin: lock login: %w", err)
		}
	}
	return until, locked, nil
}

// succeed forgets the account's failures; the address keeps its count, so
// that one known password does not reset guessing at others.
func (l lockout) succeed(ctx context.Context, name string) error {
	return l.cache.Delete(ctx, "admin:login:fail:"+subjects(name, "")[0])
}

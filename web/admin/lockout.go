package admin

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"time"

	"envoybot/store"
)

// maxLoginDelay is the longest wait between two password checks for one
// account or address.
const maxLoginDelay = time.Minute

// busyTTL bounds how long one password check holds its account and
// address, should its replica die in the middle.
const busyTTL = 10 * time.Second

// throttle slows password guessing down without locking anyone out. Each
// wrong password counts against the account name and the client address
// in the shared cache (remembered for window); from the free-th failure on,
// the next check for that name or from that address waits 1 s, doubling
// with each further failure up to maxLoginDelay. An attempt made during
// the wait checks no password and counts nothing; a right password
// forgets the failures of its name and its address. So a guesser can slow
// an admin down but never lock them out, and a correct login never counts
// against anyone. One check at a time runs per name and per address, so
// that attempts sent at once cannot all pass before any of them failed.
type throttle struct {
	cache  store.Cache
	free   int
	window time.Duration
	now    func() time.Time
}

// throttle returns the configured login throttle.
func (s *server) throttle() throttle {
	return throttle{cache: s.cache, free: s.cfg.Admin.LoginMaxFailures, window: s.cfg.Admin.LoginLockout, now: s.now}
}

// delayAfter is the wait before the next check after failures wrong
// passwords: none below free, then 1 s doubling up to maxLoginDelay.
func delayAfter(failures, free int) time.Duration {
	if failures < free {
		return 0
	}
	if shift := failures - free; shift < 6 { // 1 s << 6 is past the cap
		return min(time.Second<<shift, maxLoginDelay)
	}
	return maxLoginDelay
}

// subjects are the cache key parts for an attempt: the account (hashed, as
// names may hold anything) and the address.
func subjects(name, ip string) []string {
	sum := sha256.Sum256([]byte(name))
	return []string{"acct:" + hex.EncodeToString(sum[:12]), "ip:" + ip}
}

// admit decides whether the password of this attempt may be checked now.
// It returns how long to wait (zero: check it), and release, which the
// caller calls once the check is recorded (fail or succeed).
func (l throttle) admit(ctx context.Context, name, ip string) (wait time.Duration, release func(), err error) {
	token := newToken()
	var held []string
	release = func() {
		ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 3*time.Second)
		defer cancel()
		for _, key := range held {
			_, _ = l.cache.DeleteIfEquals(ctx, key, token)
		}
	}
	for _, sub := range subjects(name, ip) {
		key := "admin:login:busy:" + sub
		ok, err := l.cache.SetNX(ctx, key, token, busyTTL)
		if err != nil {
			release()
			return 0, func() {}, fmt.Errorf("admin: login throttle: %w", err)
		}
		if !ok { // another check of this name or address is running
			release()
			return time.Second, func() {}, nil
		}
		held = append(held, key)
	}
	now := l.now()
	for _, sub := range subjects(name, ip) {
		v, ok, err := l.cache.Get(ctx, "admin:login:next:"+sub)
		if err != nil {
			release()
			return 0, func() {}, fmt.Errorf("admin: login throttle: %w", err)
		}
		if !ok {
			continue
		}
		if next, err := time.Parse(time.RFC3339Nano, v); err == nil && next.After(now) {
			wait = max(wait, next.Sub(now))
		}
	}
	if wait > 0 {
		release()
		return wait, func() {}, nil
	}
	return 0, release, nil
}

// fail counts a wrong password against the name and the address and sets
// when each may be checked next.
func (l throttle) fail(ctx context.Context, name, ip string) error {
	now := l.now()
	for _, sub := range subjects(name, ip) {
		n, err := l.cache.Incr(ctx, "admin:login:fail:"+sub, l.window)
		if err != nil {
			return fmt.Errorf("admin: count login failure: %w", err)
		}
		if d := delayAfter(int(n), l.free); d > 0 {
			next := now.Add(d).UTC().Format(time.RFC3339Nano)
			if err := l.cache.Set(ctx, "admin:login:next:"+sub, next, l.window); err != nil {
				return fmt.Errorf("admin: delay login: %w", err)
			}
		}
	}
	return nil
}

// succeed forgets the failures of the name and the address.
func (l throttle) succeed(ctx context.Context, name, ip string) error {
	for _, sub := range subjects(name, ip) {
		for _, key := range []string{"admin:login:fail:" + sub, "admin:login:next:" + sub} {
			if err := l.cache.Delete(ctx, key); err != nil {
				return fmt.Errorf("admin: reset login failures: %w", err)
			}
		}
	}
	return nil
}

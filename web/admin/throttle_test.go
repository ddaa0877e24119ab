package admin

import (
	"bytes"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"envoybot/store"
	"envoybot/store/storetest"
)

// clock is a test clock the throttle's waits are served on, so that a
// minute's wait takes no time.
type clock struct {
	mu sync.Mutex
	at time.Time
}

func (c *clock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.at
}

func (c *clock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.at = c.at.Add(d)
}

// syncLog is a log buffer safe for the server's goroutines.
type syncLog struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *syncLog) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

func (l *syncLog) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}

// throttleEnv is the dashboard on a movable clock with its log kept.
func throttleEnv(t *testing.T, s store.Store, cache store.Cache) (*env, *clock, *syncLog) {
	t.Helper()
	cfg := testConfig(t)
	clk := &clock{at: testNow}
	logs := &syncLog{}
	h := New(Deps{Store: s, Cache: cache, Config: cfg, Now: clk.now, Log: slog.New(slog.NewJSONHandler(logs, nil))})
	return &env{t: t, st: s, cfg: cfg, h: h, cache: cache}, clk, logs
}

// deployments pairs the stores with the caches they run with: the
// embedded store with the in-process cache, PostgreSQL with Redis.
func throttleDeployments(t *testing.T, fn func(t *testing.T, s store.Store, c store.Cache)) {
	t.Run("sqlite+memory", func(t *testing.T) { fn(t, storetest.OpenSQLite(t), storetest.OpenMemoryCache(t)) })
	t.Run("postgres+redis", func(t *testing.T) { fn(t, storetest.OpenPostgres(t), storetest.OpenRedisCache(t)) })
}

// retryAfter is the wait a 429 names, in seconds.
func retryAfter(t *testing.T, r response) time.Duration {
	t.Helper()
	n, err := strconv.Atoi(r.Header.Get("Retry-After"))
	if err != nil || n <= 0 {
		t.Fatalf("429 without a Retry-After (%q):\n%s", r.Header.Get("Retry-After"), r.Body)
	}
	return time.Duration(n) * time.Second
}

func TestLoginThrottle(t *testing.T) {
	throttleDeployments(t, func(t *testing.T, s store.Store, cache store.Cache) {
		t.Run("10 wrong passwords from 10 addresses, then the right one from an 11th gets in after the delay", func(t *testing.T) {
			e, clk, _ := throttleEnv(t, s, cache)
			waited := time.Duration(0)
			checked := 0
			for i := range 10 {
				b := e.browser(fmt.Sprintf("10.0.1.%d", i+1))
				r := b.tryLogin("wangke", "wrong password")
				if r.Code == http.StatusTooManyRequests { // the guesser waits too
					d := retryAfter(t, r)
					clk.advance(d)
					waited += d
					r = b.tryLogin("wangke", "wrong password")
				}
				if r.Code != http.StatusUnauthorized {
					t.Fatalf("wrong password %d = %d, want 401", i+1, r.Code)
				}
				checked++
			}
			fresh := e.browser("10.0.2.1")
			r := fresh.tryLogin("wangke", testPassword)
			if r.Code != http.StatusTooManyRequests || !strings.Contains(r.Body, "秒后再试") {
				t.Fatalf("right password at once after 10 failures = %d, want 429 naming the wait:\n%s", r.Code, r.Body)
			}
			wait := retryAfter(t, r)
			if wait > maxLoginDelay {
				t.Errorf("wait %s, want at most %s", wait, maxLoginDelay)
			}
			clk.advance(wait)
			if r := fresh.tryLogin("wangke", testPassword); r.Code != http.StatusSeeOther {
				t.Fatalf("right password after the wait = %d, want a login:\n%s", r.Code, r.Body)
			}
			t.Logf("10 wrong passwords from 10 addresses (%d checked, the guesser waited %s in all); "+
				"the right password from an 11th: 429 wait %s, then logged in (303) after the wait", checked, waited, wait)
		})

		t.Run("12 correct logins from one address all succeed", func(t *testing.T) {
			e, _, _ := throttleEnv(t, s, cache)
			ok := 0
			for i := range 12 {
				if r := e.browser("10.0.3.1").tryLogin([]string{"wangke", "a", "b"}[i%3], testPassword); r.Code == http.StatusSeeOther {
					ok++
				} else {
					t.Errorf("correct login %d = %d, want 303", i+1, r.Code)
				}
			}
			t.Logf("12 correct logins from one address: %d logged in", ok)
		})

		t.Run("an attempt during the wait checks nothing and counts nothing", func(t *testing.T) {
			e, clk, _ := throttleEnv(t, s, cache)
			b := e.browser("10.0.4.1")
			for i := range e.cfg.Admin.LoginMaxFailures {
				if r := b.tryLogin("wangke", "wrong password"); r.Code != http.StatusUnauthorized {
					t.Fatalf("wrong password %d = %d, want 401", i+1, r.Code)
				}
			}
			// Even the right password waits, and 20 refused tries do not
			// make the wait longer.
			var first time.Duration
			for i := range 20 {
				r := b.tryLogin("wangke", testPassword)
				if r.Code != http.StatusTooManyRequests {
					t.Fatalf("try %d during the wait = %d, want 429", i+1, r.Code)
				}
				if i == 0 {
					first = retryAfter(t, r)
				} else if d := retryAfter(t, r); d > first {
					t.Fatalf("try %d during the wait: wait grew to %s from %s", i+1, d, first)
				}
			}
			if first != time.Second {
				t.Errorf("wait after %d failures = %s, want 1s", e.cfg.Admin.LoginMaxFailures, first)
			}
			clk.advance(first)
			if r := b.tryLogin("wangke", testPassword); r.Code != http.StatusSeeOther {
				t.Fatalf("right password after the wait = %d, want a login", r.Code)
			}
			// The success reset the address and the account: the next wrong
			// password is checked at once.
			if r := e.browser("10.0.4.1").tryLogin("wangke", "wrong password"); r.Code != http.StatusUnauthorized {
				t.Errorf("wrong password after a success = %d, want 401 (checked, not delayed)", r.Code)
			}
		})

		t.Run("the wait doubles per failure up to a minute, per address too", func(t *testing.T) {
			e, clk, _ := throttleEnv(t, s, cache)
			b := e.browser("10.0.5.1")
			var waits []string
			for i := range 10 {
				name := fmt.Sprintf("nobody%d", i) // a new account each time: only the address counts up
				r := b.tryLogin(name, "wrong password")
				if r.Code == http.StatusTooManyRequests {
					d := retryAfter(t, r)
					waits = append(waits, d.String())
					clk.advance(d)
					r = b.tryLogin(name, "wrong password")
				}
				if r.Code != http.StatusUnauthorized {
					t.Fatalf("wrong password %d = %d, want 401", i+1, r.Code)
				}
			}
			want := "1s 2s 4s 8s 16s 32s 1m0s"
			if got := strings.Join(waits, " "); got != want {
				t.Errorf("waits from one address = %s, want %s", got, want)
			}
			if r := e.browser("10.0.5.2").tryLogin("wangke", testPassword); r.Code != http.StatusSeeOther {
				t.Errorf("another address = %d, want a login", r.Code)
			}
		})

		t.Run("the typed name is logged only when an account has it", func(t *testing.T) {
			e, _, logs := throttleEnv(t, s, cache)
			e.browser("10.0.6.1").tryLogin("Tr0ub4dor&3", "wangke")
			e.browser("10.0.6.2").tryLogin("wangke", "wrong password")
			out := logs.String()
			if strings.Contains(out, "Tr0ub4dor") {
				t.Errorf("a password typed as the name reached the log:\n%s", out)
			}
			if !strings.Contains(out, `"name":"wangke"`) || !strings.Contains(out, `"unknown_account":true`) {
				t.Errorf("log lacks the known account's failure or the unknown one's:\n%s", out)
			}
		})
	})
}

func TestDelayAfter(t *testing.T) {
	for _, tc := range []struct {
		failures int
		want     time.Duration
	}{{0, 0}, {2, 0}, {3, time.Second}, {4, 2 * time.Second}, {8, 32 * time.Second}, {9, time.Minute}, {1000, time.Minute}} {
		if got := delayAfter(tc.failures, 3); got != tc.want {
			t.Errorf("delayAfter(%d, 3) = %s, want %s", tc.failures, got, tc.want)
		}
	}
}

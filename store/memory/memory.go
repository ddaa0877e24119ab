// Package memory is envoybot's in-process cache for a single replica: a map
// with expiry behind a mutex. It implements store.Cache; store/redis is the
// shared equivalent for several replicas.
package memory

import (
	"context"
	"strconv"
	"sync"
	"time"

	"envoybot/store"
)

// sweepInterval is how often expired entries that nobody reads again are
// dropped, so that dedup keys and nonces do not pile up.
const sweepInterval = time.Minute

// entry is a value and when it expires; the zero time never expires.
type entry struct {
	value     string
	expiresAt time.Time
}

// expired reports whether the entry is gone at now.
func (e entry) expired(now time.Time) bool {
	return !e.expiresAt.IsZero() && !now.Before(e.expiresAt)
}

// Cache is a store.Cache in process memory. Expiry uses the wall clock, as
// Redis does. A ttl of zero or less means the key never expires.
type Cache struct {
	mu      sync.Mutex
	entries map[string]entry

	stop      chan struct{}
	done      chan struct{}
	closeOnce sync.Once
}

var _ store.Cache = (*Cache)(nil)

// New returns an empty cache and starts its sweeper; Close stops it.
func New() *Cache {
	c := &Cache{
		entries: make(map[string]entry),
		stop:    make(chan struct{}),
		done:    make(chan struct{}),
	}
	go c.sweepEvery(sweepInterval)
	return c
}

// SetNX stores value under key when the key is absent or expired and
// reports whether it did.
func (c *Cache) SetNX(ctx context.Context, key, value string, ttl time.Duration) (bool, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return locked{c}.SetNX(ctx, key, value, ttl)
}

// locked is the cache's operations with its mutex already held, for
// Admit's steps.
type locked struct{ *Cache }

func (l locked) SetNX(_ context.Context, key, value string, ttl time.Duration) (bool, error) {
	c, now := l.Cache, time.Now()
	if e, ok := c.entries[key]; ok && !e.expired(now) {
		return false, nil
	}
	c.entries[key] = newEntry(value, now, ttl)
	return true, nil
}

// Get returns the value and true, or "" and false when absent or expired.
func (c *Cache) Get(ctx context.Context, key string) (string, bool, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return locked{c}.Get(ctx, key)
}

func (l locked) Get(_ context.Context, key string) (string, bool, error) {
	c, now := l.Cache, time.Now()
	e, ok := c.entries[key]
	if !ok {
		return "", false, nil
	}
	if e.expired(now) {
		delete(c.entries, key)
		return "", false, nil
	}
	return e.value, true, nil
}

// Set stores value under key, replacing any value and its expiry.
func (c *Cache) Set(_ context.Context, key, value string, ttl time.Duration) error {
	now := time.Now()
	c.mu.Lock()
	defer c.mu.Unlock()
	c.entries[key] = newEntry(value, now, ttl)
	return nil
}

// Delete removes key; a missing key is not an error.
func (c *Cache) Delete(_ context.Context, key string) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.entries, key)
	return nil
}

// DeleteIfEquals removes key only while it still holds value.
func (c *Cache) DeleteIfEquals(_ context.Context, key, value string) (bool, error) {
	now := time.Now()
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.entries[key]
	if !ok || e.expired(now) || e.value != value {
		return false, nil
	}
	delete(c.entries, key)
	return true, nil
}

// ExpireIfEquals gives key a new ttl only while it still holds value.
func (c *Cache) ExpireIfEquals(_ context.Context, key, value string, ttl time.Duration) (bool, error) {
	now := time.Now()
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.entries[key]
	if !ok || e.expired(now) || e.value != value {
		return false, nil
	}
	c.entries[key] = newEntry(value, now, ttl)
	return true, nil
}

// Incr adds one to the counter at key, creating it at 1 with ttl when
// absent or expired; a value that is not a number counts as 0.
func (c *Cache) Incr(ctx context.Context, key string, ttl time.Duration) (int64, error) {
	return c.IncrBy(ctx, key, 1, ttl)
}

// IncrBy adds by to the counter at key, creating it at by with ttl when
// absent or expired; a value that is not a number counts as 0.
func (c *Cache) IncrBy(ctx context.Context, key string, by int64, ttl time.Duration) (int64, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return locked{c}.IncrBy(ctx, key, by, ttl)
}

func (l locked) Incr(ctx context.Context, key string, ttl time.Duration) (int64, error) {
	return l.IncrBy(ctx, key, 1, ttl)
}

func (l locked) IncrBy(_ context.Context, key string, by int64, ttl time.Duration) (int64, error) {
	c, now := l.Cache, time.Now()
	e, ok := c.entries[key]
	if !ok || e.expired(now) {
		c.entries[key] = newEntry(strconv.FormatInt(by, 10), now, ttl)
		return by, nil
	}
	n, _ := strconv.ParseInt(e.value, 10, 64)
	n += by
	e.value = strconv.FormatInt(n, 10)
	c.entries[key] = e
	return n, nil
}

// Admit runs the admission's steps under the cache's lock, at once.
func (c *Cache) Admit(ctx context.Context, a store.Admission) (store.Admitted, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return store.AdmitSteps(ctx, locked{c}, a)
}

// Ping always succeeds: the cache is in this process.
func (c *Cache) Ping(context.Context) error {
	return nil
}

// Close stops the sweeper; the entries stay readable. Closing twice is
// harmless.
func (c *Cache) Close() error {
	c.closeOnce.Do(func() {
		close(c.stop)
		<-c.done
	})
	return nil
}

// newEntry is value expiring ttl after now, or never for ttl <= 0.
func newEntry(value string, now time.Time, ttl time.Duration) entry {
	e := entry{value: value}
	if ttl > 0 {
		e.expiresAt = now.Add(ttl)
	}
	return e
}

// sweepEvery drops expired entries every interval until Close.
func (c *Cache) sweepEvery(interval time.Duration) {
	defer close(c.done)
	ticker := time.NewTicker(interval)
	defer ticker.Stop()
	for {
		select {
		case <-c.stop:
			return
		case now := <-ticker.C:
			c.sweep(now)
		}
	}
}

// sweep drops the entries expired at now.
func (c *Cache) sweep(now time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for key, e := range c.entries {
		if e.expired(now) {
			delete(c.entries, key)
		}
	}
}

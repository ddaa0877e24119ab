// Package redis is envoybot's shared cache on Redis through go-redis, for
// several replicas. It implements store.Cache; store/memory is the
// in-process equivalent.
package redis

import (
	"context"
	"errors"
	"fmt"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"envoybot/store"
)

// deleteIfEquals deletes KEYS[1] only while it holds ARGV[1], in one step on
// the server, so a lock holder never frees a lock another replica took over.
var deleteIfEquals = goredis.NewScript(`
if redis.call("GET", KEYS[1]) == ARGV[1] then
	return redis.call("DEL", KEYS[1])
end
return 0
`)

// Cache is a store.Cache on Redis. Every key is stored under a prefix, so
// that deployments and tests can share one Redis database. A ttl of zero
// or less means the key never expires; expiry has millisecond precision.
type Cache struct {
	client *goredis.Client
	prefix string
}

var _ store.Cache = (*Cache)(nil)

// Open connects to the Redis server at url (redis:// or rediss://) and
// checks that it answers within ConnectTimeout.
func Open(ctx context.Context, url string, prefix string) (*Cache, error) {
	opts, err := goredis.ParseURL(url)
	if err != nil {
		return nil, fmt.Errorf("redis: open: %w", store.Errorf(store.EINVALID, "bad redis url: %v", err))
	}
	// A chat reply has 5 seconds: a Redis that hangs must fail fast, and the
	// caller's context deadline must bound every call.
	opts.ContextTimeoutEnabled = true
	if opts.DialTimeout > time.Second {
		opts.DialTimeout = time.Second
	}
	opts.ReadTimeout, opts.WriteTimeout = time.Second, time.Second
	if opts.MaxRetries > 1 {
		opts.MaxRetries = 1
	}
	c := &Cache{client: goredis.NewClient(opts), prefix: prefix}
	ctx, cancel := context.WithTimeout(ctx, ConnectTimeout)
	defer cancel()
	start := time.Now()
	if err := c.client.Ping(ctx).Err(); err != nil {
		c.client.Close()
		// The client's own read timeout (1 s) usually ends the wait before
		// ConnectTimeout: say how long it really waited.
		return nil, fmt.Errorf("redis: open: %w", unreachable(url, time.Since(start).Round(100*time.Millisecond), err))
	}
	return c, nil
}

// SetNX stores value under key when the key is absent and reports whether
// it did.
func (c *Cache) SetNX(ctx context.Context, key, value string, ttl time.Duration) (bool, error) {
	ok, err := c.client.SetNX(ctx, c.prefix+key, value, expiry(ttl)).Result()
	if err != nil {
		return false, fmt.Errorf("redis: setnx: %w", err)
	}
	return ok, nil
}

// Get returns the value and true, or "" and false when absent.
func (c *Cache) Get(ctx context.Context, key string) (string, bool, error) {
	value, err := c.client.Get(ctx, c.prefix+key).Result()
	if errors.Is(err, goredis.Nil) {
		return "", false, nil
	} else if err != nil {
		return "", false, fmt.Errorf("redis: get: %w", err)
	}
	return value, true, nil
}

// Set stores value under key, replacing any value and its expiry.
func (c *Cache) Set(ctx context.Context, key, value string, ttl time.Duration) error {
	if err := c.client.Set(ctx, c.prefix+key, value, expiry(ttl)).Err(); err != nil {
		return fmt.Errorf("redis: set: %w", err)
	}
	return nil
}

// Delete removes key; a missing key is not an error.
func (c *Cache) Delete(ctx context.Context, key string) error {
	if err := c.client.Del(ctx, c.prefix+key).Err(); err != nil {
		return fmt.Errorf("redis: delete: %w", err)
	}
	return nil
}

// DeleteIfEquals removes key only while it still holds value, atomically
// on the server.
func (c *Cache) DeleteIfEquals(ctx context.Context, key, value string) (bool, error) {
	n, err := deleteIfEquals.Run(ctx, c.client, []string{c.prefix + key}, value).Int64()
	if err != nil {
		return false, fmt.Errorf("redis: delete if equals: %w", err)
	}
	return n == 1, nil
}

// expireIfEquals sets KEYS[1]'s expiry to ARGV[2] milliseconds (none when
// 0) only while it holds ARGV[1], in one step on the server.
var expireIfEquals = goredis.NewScript(`
if redis.call("GET", KEYS[1]) == ARGV[1] then
	if tonumber(ARGV[2]) > 0 then
		return redis.call("PEXPIRE", KEYS[1], ARGV[2])
	end
	return redis.call("PERSIST", KEYS[1]) + 1
end
return 0
`)

// ExpireIfEquals gives key a new ttl only while it still holds value,
// atomically on the server.
func (c *Cache) ExpireIfEquals(ctx context.Context, key, value string, ttl time.Duration) (bool, error) {
	n, err := expireIfEquals.Run(ctx, c.client, []string{c.prefix + key}, value, expiry(ttl).Milliseconds()).Int64()
	if err != nil {
		return false, fmt.Errorf("redis: expire if equals: %w", err)
	}
	return n >= 1, nil
}

// Incr adds one to the counter at key, creating it at 1 with ttl when
// absent, atomically for every replica.
func (c *Cache) Incr(ctx context.Context, key string, ttl time.Duration) (int64, error) {
	n, err := incrWithTTL.Run(ctx, c.client, []string{c.prefix + key}, expiry(ttl).Milliseconds()).Int64()
	if err != nil {
		return 0, fmt.Errorf("redis: incr: %w", err)
	}
	return n, nil
}

// IncrBy adds n to the counter at key, creating it at n with ttl when
// absent, in one round trip, atomically for every replica.
func (c *Cache) IncrBy(ctx context.Context, key string, n int64, ttl time.Duration) (int64, error) {
	v, err := incrByWithTTL.Run(ctx, c.client, []string{c.prefix + key}, n, expiry(ttl).Milliseconds()).Int64()
	if err != nil {
		return 0, fmt.Errorf("redis: incrby: %w", err)
	}
	return v, nil
}

// incrWithTTL increments and sets the expiry only when it creates the key.
var incrWithTTL = goredis.NewScript(`
local n = redis.call("INCR", KEYS[1])
if n == 1 and tonumber(ARGV[1]) > 0 then
	redis.call("PEXPIRE", KEYS[1], ARGV[1])
end
return n
`)

// incrByWithTTL adds ARGV[1] and sets the expiry only when it creates the
// key.
var incrByWithTTL = goredis.NewScript(`
local by = tonumber(ARGV[1])
local n = redis.call("INCRBY", KEYS[1], by)
if n == by and tonumber(ARGV[2]) > 0 then
	redis.call("PEXPIRE", KEYS[1], ARGV[2])
end
return n
`)

// admit is store.Admission in one script. KEYS: nonce, claim, minute,
// burst, told. ARGV: nonce value, nonce ttl ms, claim value, claim ttl
// ms, limited ("1"/"0"), per minute, minute ttl ms, burst, burst ttl ms,
// told ttl ms. It returns {"replayed"}, {"existing", value}, {"limited",
// told, minute, burst} or {"claimed"}.
var admit = goredis.NewScript(`
if not redis.call("SET", KEYS[1], ARGV[1], "PX", ARGV[2], "NX") then
	return {"replayed"}
end
local existing = redis.call("GET", KEYS[2])
if existing then
	return {"existing", existing}
end
if ARGV[5] == "1" then
	local m = redis.call("INCR", KEYS[3])
	if m == 1 then redis.call("PEXPIRE", KEYS[3], ARGV[7]) end
	local b = redis.call("INCR", KEYS[4])
	if b == 1 then redis.call("PEXPIRE", KEYS[4], ARGV[9]) end
	if m > tonumber(ARGV[6]) or b > tonumber(ARGV[8]) then
		local told = "0"
		if redis.call("SET", KEYS[5], "1", "PX", ARGV[10], "NX") then told = "1" end
		return {"limited", told, m, b}
	end
end
redis.call("SET", KEYS[2], ARGV[3], "PX", ARGV[4])
return {"claimed"}
`)

// Admit runs the admission in one round trip (one script).
func (c *Cache) Admit(ctx context.Context, a store.Admission) (store.Admitted, error) {
	keys := []string{c.prefix + a.NonceKey, c.prefix + a.ClaimKey, "", "", ""}
	args := []any{a.NonceValue, positiveMillis(a.NonceTTL), a.ClaimValue, positiveMillis(a.ClaimTTL), "0", 0, 1, 0, 1, 1}
	if l := a.Limit; l != nil {
		keys[2], keys[3], keys[4] = c.prefix+l.MinuteKey, c.prefix+l.BurstKey, c.prefix+l.ToldKey
		args[4], args[5], args[6], args[7], args[8], args[9] = "1", l.PerMinute, positiveMillis(l.MinuteTTL), l.Burst, positiveMillis(l.BurstTTL), positiveMillis(l.ToldTTL)
	} else {
		// Unused, but a script's keys are named: keep them with the claim's.
		keys[2], keys[3], keys[4] = keys[1], keys[1], keys[1]
	}
	res, err := admit.Run(ctx, c.client, keys, args...).Slice()
	if err != nil {
		return store.Admitted{}, fmt.Errorf("redis: admit: %w", err)
	}
	str := func(i int) string {
		if i < len(res) {
			if s, ok := res[i].(string); ok {
				return s
			}
		}
		return ""
	}
	num := func(i int) int64 {
		if i < len(res) {
			if n, ok := res[i].(int64); ok {
				return n
			}
		}
		return 0
	}
	switch str(0) {
	case "replayed":
		return store.Admitted{Replayed: true}, nil
	case "existing":
		return store.Admitted{Existing: str(1)}, nil
	case "limited":
		return store.Admitted{Limited: true, Told: str(1) == "1", Minute: num(2), Burst: num(3)}, nil
	case "claimed":
		return store.Admitted{Claimed: true}, nil
	}
	return store.Admitted{}, fmt.Errorf("redis: admit: unexpected answer %v", res)
}

// positiveMillis is a ttl for PX, which must be positive: "never" (a ttl of
// zero or less) is a year.
func positiveMillis(ttl time.Duration) int64 {
	if ttl <= 0 {
		return (365 * 24 * time.Hour).Milliseconds()
	}
	return max(ttl.Milliseconds(), 1)
}

// Ping reports whether the server answers.
func (c *Cache) Ping(ctx context.Context) error {
	if err := c.client.Ping(ctx).Err(); err != nil {
		return fmt.Errorf("redis: ping: %w", store.Errorf(store.EUNAVAILABLE, "redis unreachable: %v", err))
	}
	return nil
}

// Close closes the connection pool.
func (c *Cache) Close() error {
	if err := c.client.Close(); err != nil {
		return fmt.Errorf("redis: close: %w", err)
	}
	return nil
}

// expiry maps "never expires" (ttl <= 0) to go-redis's 0; its negative
// values mean KEEPTTL, which is not what a caller of store.Cache asks for.
func expiry(ttl time.Duration) time.Duration {
	if ttl < 0 {
		return 0
	}
	return ttl
}

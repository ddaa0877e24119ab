package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"sync/atomic"
	"time"

	"envoybot/store"
)

// SharedCache is a store.Cache kept in the database (table shared_values),
// for what the processes on one embedded database must share without
// Redis: the WeChat send rate and the daily quota pause (45009). It is
// slower than a cache (every write is a database write), so the callback's
// hot paths keep the in-process one. Expiry follows the wall clock, to the
// millisecond, as Redis does; a ttl of zero or less never expires.
type SharedCache struct {
	db        *DB
	now       func() time.Time
	lastSweep atomic.Int64 // Unix ms of the last sweep of expired rows
}

var _ store.Cache = (*SharedCache)(nil)

// sweepEvery is how often writes delete expired rows: the per-second send
// counters would otherwise pile up.
const sweepEvery = time.Minute

// SharedCache returns the database-backed cache. Closing it leaves the
// database open.
func (db *DB) SharedCache() *SharedCache {
	return &SharedCache{db: db, now: time.Now}
}

// expiresAt is the stored expiry of a value written now with ttl.
func (c *SharedCache) expiresAt(now time.Time, ttl time.Duration) int64 {
	if ttl <= 0 {
		return 0
	}
	return now.Add(ttl).UnixMilli()
}

// live is the condition of a row of shared_values that has not expired
// at the Unix milliseconds in parameter $n.
func live(n int) string {
	return fmt.Sprintf(`(shared_values.expires_at = 0 OR shared_values.expires_at > $%d)`, n)
}

// SetNX stores value under key when the key is absent or expired.
func (c *SharedCache) SetNX(ctx context.Context, key, value string, ttl time.Duration) (bool, error) {
	now := c.now()
	c.sweep(ctx, now)
	res, err := c.db.bookkeeper().exec(ctx, `INSERT INTO shared_values (key, value, expires_at) VALUES ($1, $2, $3)
		ON CONFLICT (key) DO UPDATE SET value = excluded.value, expires_at = excluded.expires_at
		WHERE NOT `+live(4),
		key, value, c.expiresAt(now, ttl), now.UnixMilli())
	if err != nil {
		return false, c.db.wrapError("shared cache: setnx", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, c.db.wrapError("shared cache: setnx", err)
	}
	return n == 1, nil
}

// Get returns the value and true, or "" and false when absent or expired.
func (c *SharedCache) Get(ctx context.Context, key string) (string, bool, error) {
	var v string
	err := c.db.reader().row(ctx, `SELECT value FROM shared_values WHERE key = $1 AND `+live(2),
		key, c.now().UnixMilli()).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return "", false, nil
	} else if err != nil {
		return "", false, c.db.wrapError("shared cache: get", err)
	}
	return v, true, nil
}

// Set stores value under key, replacing any value and its expiry.
func (c *SharedCache) Set(ctx context.Context, key, value string, ttl time.Duration) error {
	now := c.now()
	c.sweep(ctx, now)
	_, err := c.db.bookkeeper().exec(ctx, `INSERT INTO shared_values (key, value, expires_at) VALUES ($1, $2, $3)
		ON CONFLICT (key) DO UPDATE SET value = excluded.value, expires_at = excluded.expires_at`,
		key, value, c.expiresAt(now, ttl))
	if err != nil {
		return c.db.wrapError("shared cache: set", err)
	}
	return nil
}

// Delete removes key; a missing key is not an error.
func (c *SharedCache) Delete(ctx context.Context, key string) error {
	if _, err := c.db.bookkeeper().exec(ctx, `DELETE FROM shared_values WHERE key = $1`, key); err != nil {
		return c.db.wrapError("shared cache: delete", err)
	}
	return nil
}

// DeleteIfEquals removes key only while it holds value (and has not
// expired).
func (c *SharedCache) DeleteIfEquals(ctx context.Context, key, value string) (bool, error) {
	res, err := c.db.bookkeeper().exec(ctx, `DELETE FROM shared_values WHERE key = $1 AND value = $2 AND `+live(3),
		key, value, c.now().UnixMilli())
	if err != nil {
		return false, c.db.wrapError("shared cache: delete if equals", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, c.db.wrapError("shared cache: delete if equals", err)
	}
	return n == 1, nil
}

// ExpireIfEquals gives key a new ttl only while it still holds value (a
// lease renewal that cannot extend a lease another holder took over).
func (c *SharedCache) ExpireIfEquals(ctx context.Context, key, value string, ttl time.Duration) (bool, error) {
	now := c.now()
	res, err := c.db.bookkeeper().exec(ctx, `UPDATE shared_values SET expires_at = $1 WHERE key = $2 AND value = $3 AND `+live(4),
		c.expiresAt(now, ttl), key, value, now.UnixMilli())
	if err != nil {
		return false, c.db.wrapError("shared cache: expire if equals", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, c.db.wrapError("shared cache: expire if equals", err)
	}
	return n == 1, nil
}

// Incr adds one to the counter at key, creating it at 1 with ttl when
// absent or expired, in one statement: every process counts in the same
// row.
func (c *SharedCache) Incr(ctx context.Context, key string, ttl time.Duration) (int64, error) {
	return c.IncrBy(ctx, key, 1, ttl)
}

// IncrBy adds n to the counter at key, creating it at n with ttl when
// absent or expired, in one statement.
func (c *SharedCache) IncrBy(ctx context.Context, key string, by int64, ttl time.Duration) (int64, error) {
	now := c.now()
	c.sweep(ctx, now)
	expired := `NOT ` + live(3)
	var v string
	err := c.db.bookkeeper().row(ctx, `INSERT INTO shared_values (key, value, expires_at) VALUES ($1, CAST(CAST($4 AS BIGINT) AS TEXT), $2)
		ON CONFLICT (key) DO UPDATE SET
			value = CASE WHEN `+expired+` THEN excluded.value
				ELSE CAST(CAST(shared_values.value AS BIGINT) + CAST($4 AS BIGINT) AS TEXT) END,
			expires_at = CASE WHEN `+expired+` THEN excluded.expires_at
				ELSE shared_values.expires_at END
		RETURNING value`, key, c.expiresAt(now, ttl), now.UnixMilli(), by).Scan(&v)
	if err != nil {
		return 0, c.db.wrapError("shared cache: incr", err)
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("shared cache: incr %s: not a counter: %w", key, err)
	}
	return n, nil
}

// Ping reports whether the database answers.
func (c *SharedCache) Ping(ctx context.Context) error { return c.db.Ping(ctx) }

// Close does nothing: the database belongs to its opener.
func (c *SharedCache) Close() error { return nil }

// sweep deletes expired rows at most once per sweepEvery; a failure is
// left for the next sweep.
func (c *SharedCache) sweep(ctx context.Context, now time.Time) {
	last := c.lastSweep.Load()
	if now.UnixMilli()-last < sweepEvery.Milliseconds() || !c.lastSweep.CompareAndSwap(last, now.UnixMilli()) {
		return
	}
	_, _ = c.db.bookkeeper().exec(ctx, `DELETE FROM shared_values WHERE expires_at <> 0 AND expires_at <= $1`, now.UnixMilli())
}

// Admit runs the admission's steps one after another (not at once: the
// callback keeps the in-process cache; this one shares the send rate).
func (c *SharedCache) Admit(ctx context.Context, a store.Admission) (store.Admitted, error) {
	return store.AdmitSteps(ctx, c, a)
}

// Package storetest opens throwaway stores and caches for tests and holds
// the conformance suites that every store.Store and store.Cache backend
// must pass. It is an ordinary package so that tests anywhere can use it.
//
// PostgreSQL and Redis are used when ENVOYBOT_TEST_DATABASE_URL and
// ENVOYBOT_TEST_REDIS_URL are set; their tests are skipped when a variable
// is unset and fail when it is set but the server is unreachable.
package storetest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	goredis "github.com/redis/go-redis/v9"

	"envoybot/store"
	"envoybot/store/memory"
	"envoybot/store/redis"
	"envoybot/store/sqlstore"
)

// Environment variables naming the test servers.
const (
	DatabaseURLEnv = "ENVOYBOT_TEST_DATABASE_URL"
	RedisURLEnv    = "ENVOYBOT_TEST_REDIS_URL"
)

// setupTimeout bounds opening and cleaning up one test database or cache.
const setupTimeout = 30 * time.Second

// Reopener opens the same database each time it is called, closing what it
// opened at cleanup, so that a test can check what survives a restart.
type Reopener func(tb testing.TB) store.Store

// OpenSQLite returns a store on a fresh file in tb.TempDir(), closed at
// cleanup.
func OpenSQLite(tb testing.TB) store.Store {
	tb.Helper()
	return NewSQLiteReopener(tb)(tb)
}

// NewSQLiteReopener returns a Reopener on one fresh SQLite file.
func NewSQLiteReopener(tb testing.TB) Reopener {
	tb.Helper()
	path := filepath.Join(tb.TempDir(), "data", "envoybot.db")
	return reopener(rawDB{driver: "sqlite", dsn: path + "?_pragma=busy_timeout(10000)"},
		func(ctx context.Context) (*sqlstore.DB, error) { return sqlstore.OpenSQLite(ctx, path) })
}

// OpenPostgres returns a store on a fresh schema of the database at
// ENVOYBOT_TEST_DATABASE_URL, dropped at cleanup. It skips the test when
// the variable is unset and fails it when the database is unreachable.
func OpenPostgres(tb testing.TB) store.Store {
	tb.Helper()
	return NewPostgresReopener(tb)(tb)
}

// NewPostgresReopener creates a fresh schema, dropped at cleanup, and
// returns a Reopener on it. It skips and fails as OpenPostgres does.
func NewPostgresReopener(tb testing.TB) Reopener {
	tb.Helper()
	schemaURL := PostgresSchemaURL(tb)
	return reopener(rawDB{driver: "pgx", dsn: schemaURL},
		func(ctx context.Context) (*sqlstore.DB, error) { return sqlstore.OpenPostgres(ctx, schemaURL) })
}

// reopener returns a Reopener that opens the store with open, registers
// raw as the way to its tables and closes it at cleanup.
func reopener(raw rawDB, open func(ctx context.Context) (*sqlstore.DB, error)) Reopener {
	return func(tb testing.TB) store.Store {
		tb.Helper()
		ctx, cancel := context.WithTimeout(context.Background(), setupTimeout)
		defer cancel()
		db, err := open(ctx)
		if err != nil {
			tb.Fatalf("open %s store: %v", raw.driver, err)
		}
		rawDBs.Store(store.Store(db), raw)
		tb.Cleanup(func() {
			rawDBs.Delete(store.Store(db))
			db.Close()
		})
		return db
	}
}

// PostgresSchemaURL creates a schema with a random name in the database at
// ENVOYBOT_TEST_DATABASE_URL, drops it with everything in it at cleanup,
// and returns the database URL with search_path set to it. It skips and
// fails as OpenPostgres does.
func PostgresSchemaURL(tb testing.TB) string {
	tb.Helper()
	base := os.Getenv(DatabaseURLEnv)
	if base == "" {
		tb.Skipf("PostgreSQL tests skipped: set %s (e.g. postgres://postgres@127.0.0.1:5432/test?sslmode=disable) to run them", DatabaseURLEnv)
	}
	schema := "envoybot_test_" + randomHex(tb)
	ctx, cancel := context.WithTimeout(context.Background(), setupTimeout)
	defer cancel()
	conn, err := pgx.Connect(ctx, base)
	if err != nil {
		tb.Fatalf("%s is set but PostgreSQL is unreachable: %v", DatabaseURLEnv, err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, "CREATE SCHEMA "+schema); err != nil {
		tb.Fatalf("create schema %s: %v", schema, err)
	}
	tb.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), setupTimeout)
		defer cancel()
		conn, err := pgx.Connect(ctx, base)
		if err != nil {
			tb.Errorf("drop schema %s: %v", schema, err)
			return
		}
		defer conn.Close(ctx)
		if _, err := conn.Exec(ctx, "DROP SCHEMA "+schema+" CASCADE"); err != nil {
			tb.Errorf("drop schema %s: %v", schema, err)
		}
	})
	return withSearchPath(tb, base, schema)
}

// withSearchPath adds search_path to a postgres:// URL or a key=value
// connection string; pgx sends it as a run-time parameter.
func withSearchPath(tb testing.TB, base, schema string) string {
	tb.Helper()
	if !strings.HasPrefix(base, "postgres://") && !strings.HasPrefix(base, "postgresql://") {
		return base + " search_path=" + schema
	}
	u, err := url.Parse(base)
	if err != nil {
		tb.Fatalf("parse %s: %v", DatabaseURLEnv, err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

// Backends runs fn as the subtests "sqlite" and "postgres", each on a fresh
// store; the postgres one skips or fails as OpenPostgres does.
func Backends(t *testing.T, fn func(t *testing.T, s store.Store)) {
	t.Helper()
	t.Run("sqlite", func(t *testing.T) { fn(t, OpenSQLite(t)) })
	t.Run("postgres", func(t *testing.T) { fn(t, OpenPostgres(t)) })
}

// OpenMemoryCache returns an in-process cache, closed at cleanup.
func OpenMemoryCache(tb testing.TB) store.Cache {
	tb.Helper()
	c := memory.New()
	tb.Cleanup(func() { c.Close() })
	return c
}

// OpenRedisCache returns a cache on the Redis at ENVOYBOT_TEST_REDIS_URL
// under a random key prefix whose keys are deleted at cleanup. It skips the
// test when the variable is unset and fails it when Redis is unreachable.
func OpenRedisCache(tb testing.TB) store.Cache {
	tb.Helper()
	redisURL := os.Getenv(RedisURLEnv)
	if redisURL == "" {
		tb.Skipf("Redis tests skipped: set %s (e.g. redis://127.0.0.1:6379/0) to run them", RedisURLEnv)
	}
	prefix := "envoybot-test:" + randomHex(tb) + ":"
	ctx, cancel := context.WithTimeout(context.Background(), setupTimeout)
	defer cancel()
	c, err := redis.Open(ctx, redisURL, prefix)
	if err != nil {
		tb.Fatalf("%s is set but Redis is unreachable: %v", RedisURLEnv, err)
	}
	tb.Cleanup(func() {
		c.Close()
		deleteRedisPrefix(tb, redisURL, prefix)
	})
	return c
}

// deleteRedisPrefix deletes every key under prefix.
func deleteRedisPrefix(tb testing.TB, redisURL, prefix string) {
	tb.Helper()
	opts, err := goredis.ParseURL(redisURL)
	if err != nil {
		tb.Errorf("clean up redis: %v", err)
		return
	}
	client := goredis.NewClient(opts)
	defer client.Close()
	ctx, cancel := context.WithTimeout(context.Background(), setupTimeout)
	defer cancel()
	iter := client.Scan(ctx, 0, prefix+"*", 100).Iterator()
	for iter.Next(ctx) {
		if err := client.Del(ctx, iter.Val()).Err(); err != nil {
			tb.Errorf("clean up redis: %v", err)
			return
		}
	}
	if err := iter.Err(); err != nil {
		tb.Errorf("clean up redis: %v", err)
	}
}

// Caches runs fn as the subtests "memory" and "redis", each on a fresh
// cache; the redis one skips or fails as OpenRedisCache does.
func Caches(t *testing.T, fn func(t *testing.T, c store.Cache)) {
	t.Helper()
	t.Run("memory", func(t *testing.T) { fn(t, OpenMemoryCache(t)) })
	t.Run("redis", func(t *testing.T) { fn(t, OpenRedisCache(t)) })
}

// randomHex is 16 random hex digits, for schema names and key prefixes.
func randomHex(tb testing.TB) string {
	tb.Helper()
	b := make([]byte, 8)
	if _, err := rand.Read(b); err != nil {
		tb.Fatalf("random name: %v", err)
	}
	return hex.EncodeToString(b)
}

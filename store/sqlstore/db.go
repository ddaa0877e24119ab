// Package sqlstore is envoybot's one implementation of store.Store, over
// database/sql with $n placeholders on two engines: an embedded SQLite file
// (modernc.org/sqlite, no server to install) and PostgreSQL (pgx v5 under
// database/sql), which several replicas share. What the engines do
// differently lives in one small dialect value (dialect.go); migrations
// are per engine (migrations/sqlite, migrations/postgres) with the same
// tables and meaning.
package sqlstore

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"hash/fnv"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"
	_ "modernc.org/sqlite" // registers the "sqlite" driver

	"envoybot/store"
)

//go:embed migrations
var migrations embed.FS

// busyTimeout is how long an SQLite connection waits for another process
// (say the envoybot CLI) holding the write lock before it reports
// SQLITE_BUSY.
const busyTimeout = 10 * time.Second

// sqliteReadIdle is how many read connections stay open between reads.
const sqliteReadIdle = 16

// pgMaxConns is the PostgreSQL pool size unless the URL sets
// pool_max_conns: pgx's default (the CPU count, at least 4) queues chat
// replies behind each other under load.
const pgMaxConns = 16

// DB is a store.Store on SQLite or PostgreSQL. On SQLite every write goes
// through a single connection and queues in Go instead of failing with
// SQLITE_BUSY, while reads use a pool of read-only connections that WAL
// lets run beside the writer; on PostgreSQL both are one pool.
type DB struct {
	write *sql.DB
	read  *sql.DB
	// writeStmts and readStmts keep SQLite's prepared statements
	// (stmtcache.go); nil on PostgreSQL.
	writeStmts *stmtCache
	readStmts  *stmtCache
	d          *dialect
	migrations *goose.Provider
	pool       *pgxpool.Pool // PostgreSQL only
	// users and activities keep what chat messages read in process on
	// SQLite (usercache.go); nil on PostgreSQL. userNeutral are the writes
	// to users that keep the caches right themselves.
	users       *userCache
	activities  *activityCache
	userNeutral map[string]struct{}
	// recent are the messages recorded lately, on SQLite (recentkeys.go).
	recent *recentKeys
	// path is the SQLite database file (backup.go); "" on PostgreSQL.
	path string
	// touches are the interaction times put off (touches.go).
	touches touches
}

var _ store.Store = (*DB)(nil)

// OpenSQLite opens or creates the database file at path, creating its
// directory, and applies any pending migrations.
func OpenSQLite(ctx context.Context, path string) (*DB, error) {
	if path == "" || strings.ContainsRune(path, '?') {
		return nil, fmt.Errorf("sqlite: open: %w", store.Errorf(store.EINVALID, "bad database path %q", path))
	}
	if dir := filepath.Dir(path); dir != "" {
		if err := os.MkdirAll(dir, 0o750); err != nil {
			return nil, fmt.Errorf("sqlite: open: %w", err)
		}
	}
	write, err := sql.Open("sqlite", sqliteDSN(path, false))
	if err != nil {
		return nil, fmt.Errorf("sqlite: open: %w", err)
	}
	write.SetMaxOpenConns(1)
	write.SetMaxIdleConns(1)
	write.SetConnMaxLifetime(0)
	write.SetConnMaxIdleTime(0)
	read, err := sql.Open("sqlite", sqliteDSN(path, true))
	if err != nil {
		write.Close()
		return nil, fmt.Errorf("sqlite: open: %w", err)
	}
	// Opening an SQLite connection reads the schema again: keep the read
	// connections a busy server uses instead of database/sql's 2 idle.
	read.SetMaxIdleConns(sqliteReadIdle)
	db := &DB{write: write, read: read, d: sqliteDialect, writeStmts: newStmtCache(write), readStmts: newStmtCache(read),
		users: newUserCache(), activities: newActivityCache(), path: path}
	db.userNeutral = map[string]struct{}{db.touchSQL(): {}, db.deferredTouchSQL(): {}}
	if err := db.migrate(ctx, goose.DialectSQLite3, nil); err != nil {
		db.Close()
		return nil, fmt.Errorf("sqlite: open: %w", err)
	}
	if err := db.loadRecentKeys(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("sqlite: open: recent messages: %w", err)
	}
	return db, nil
}

// sqliteDSN is the driver's data source name. Writers take the write lock
// when a transaction begins (immediate), so a read-then-write transaction
// never fails to upgrade its lock.
func sqliteDSN(path string, readOnly bool) string {
	q := url.Values{}
	q.Add("_pragma", fmt.Sprintf("busy_timeout(%d)", busyTimeout.Milliseconds()))
	q.Add("_pragma", "foreign_keys(1)")
	if readOnly {
		q.Set("_query_only", "1")
	} else {
		q.Add("_pragma", "journal_mode(WAL)")
		q.Add("_pragma", "synchronous(NORMAL)")
		q.Set("_txlock", "immediate")
	}
	return path + "?" + q.Encode()
}

// PostgresConnectTimeout bounds connecting to PostgreSQL at start (and
// every new connection): a server that accepts the connection but never
// answers fails the start with one line naming it instead of a silent
// hang. A connect_timeout in the URL may only shorten it.
const PostgresConnectTimeout = 5 * time.Second

// postgresHost is host:port/database of cfg, for errors: never the
// password.
func postgresHost(cfg *pgxpool.Config) string {
	return fmt.Sprintf("%s:%d/%s", cfg.ConnConfig.Host, cfg.ConnConfig.Port, cfg.ConnConfig.Database)
}

// OpenPostgres connects to the database at url (a postgres:// URL or
// key=value string; a search_path parameter selects the schema) and
// applies any pending migrations. Replicas starting together take turns on
// an advisory lock, so the migrations run once.
func OpenPostgres(ctx context.Context, url string) (*DB, error) {
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, fmt.Errorf("postgres: open: %w", store.Errorf(store.EINVALID, "bad database url: %v", err))
	}
	if !strings.Contains(url, "pool_max_conns") {
		cfg.MaxConns = pgMaxConns
	}
	if cfg.ConnConfig.ConnectTimeout <= 0 || cfg.ConnConfig.ConnectTimeout > PostgresConnectTimeout {
		cfg.ConnConfig.ConnectTimeout = PostgresConnectTimeout
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("postgres: open: %w", err)
	}
	timeout := cfg.ConnConfig.ConnectTimeout
	pingCtx, cancel := context.WithTimeout(ctx, timeout)
	err = pool.Ping(pingCtx)
	cancel()
	if err != nil {
		pool.Close()
		return nil, fmt.Errorf("postgres: open: %w", store.Errorf(store.EUNAVAILABLE,
			"database at %s did not answer within %s: %v", postgresHost(cfg), timeout, err))
	}
	sqlDB := stdlib.OpenDBFromPool(pool)
	sqlDB.SetMaxOpenConns(int(cfg.MaxConns))
	sqlDB.SetMaxIdleConns(int(cfg.MaxConns))
	db := &DB{write: sqlDB, read: sqlDB, d: postgresDialect, pool: pool}
	var schema *string
	if err := pool.QueryRow(ctx, `SELECT current_schema()`).Scan(&schema); err != nil {
		db.Close()
		return nil, fmt.Errorf("postgres: open: %w", err)
	}
	if schema == nil {
		db.Close()
		return nil, fmt.Errorf("postgres: open: %w", store.Errorf(store.EINVALID, "no schema on the search_path exists"))
	}
	locker, err := lock.NewPostgresSessionLocker(
		lock.WithLockID(migrationLockID(*schema)),
		lock.WithLockTimeout(1, 300), // poll every second, for up to 5 minutes
	)
	if err == nil {
		err = db.migrate(ctx, goose.DialectPostgres, locker)
	}
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("postgres: open: %w", err)
	}
	return db, nil
}

// migrationLockID is the advisory lock id guarding migrations of schema:
// replicas sharing a schema exclude each other while separate schemas (one
// per test) do not.
func migrationLockID(schema string) int64 {
	h := fnv.New64a()
	h.Write([]byte("envoybot migrations " + schema))
	return int64(h.Sum64())
}

// migrate applies the engine's embedded migrations on the write pool,
// under locker when one is given.
func (db *DB) migrate(ctx context.Context, dialect goose.Dialect, locker lock.SessionLocker) error {
	fsys, err := fs.Sub(migrations, "migrations/"+db.d.name)
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	// Out of order: migrations built on parallel branches get numbers
	// before the newest one a database may already have (13 landed after
	// 14 and 15); each is independent of the others, and a database that
	// lacks one gets it on its next start.
	opts := []goose.ProviderOption{goose.WithGoMigrations(goMigrations()...), goose.WithAllowOutofOrder(true)}
	if locker != nil {
		opts = append(opts, goose.WithSessionLocker(locker))
	}
	p, err := goose.NewProvider(dialect, db.write, fsys, opts...)
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	db.migrations = p
	if _, err := p.Up(ctx); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	return nil
}

// Version returns the version of the newest applied migration, for
// `envoybot migrate`.
func (db *DB) Version(ctx context.Context) (int64, error) {
	current, _, err := db.migrations.GetVersions(ctx)
	if err != nil {
		return 0, fmt.Errorf("%s: version: %w", db.d.name, err)
	}
	return current, nil
}

// Ping reports whether the database answers.
func (db *DB) Ping(ctx context.Context) error {
	if err := db.read.PingContext(ctx); err != nil {
		return fmt.Errorf("%s: ping: %w", db.d.name, store.Errorf(store.EUNAVAILABLE, "database unreachable: %v", err))
	}
	return nil
}

// Close closes the pools; the migration provider shares the write pool and
// needs no closing of its own.
func (db *DB) Close() error {
	touchErr := db.closeTouches()
	for _, c := range []*stmtCache{db.writeStmts, db.readStmts} {
		if c != nil {
			c.close()
		}
	}
	err := db.write.Close()
	if db.read != db.write {
		err = errors.Join(err, db.read.Close())
	}
	if db.pool != nil {
		db.pool.Close()
	}
	return errors.Join(touchErr, err)
}

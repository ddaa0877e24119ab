// Package postgres is envoybot's production store on PostgreSQL through
// pgx, shared by several replicas. It implements store.Store with the same
// schema and meaning as store/sqlite.
package postgres

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"hash/fnv"
	"io/fs"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgtype"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"

	"envoybot/store"
)

//go:embed migrations/*.sql
var migrations embed.FS

// uniqueViolation is PostgreSQL's SQLSTATE for a duplicate key.
const uniqueViolation = "23505"

// DB is a store.Store on a PostgreSQL connection pool.
type DB struct {
	pool       *pgxpool.Pool
	migrations *goose.Provider
}

var _ store.Store = (*DB)(nil)

// Open connects to the database at url (a postgres:// URL or key=value
// string; a search_path parameter selects the schema) and applies any
// pending migrations. Replicas starting together take turns on an advisory
// lock, so the migrations run once.
func Open(ctx context.Context, url string) (*DB, error) {
	cfg, err := pgxpool.ParseConfig(url)
	if err == nil && !strings.Contains(url, "pool_max_conns") {
		// pgx's default (the CPU count, at least 4) queues chat replies
		// behind each other under load; the URL can still set it.
		cfg.MaxConns = 16
	}
	if err != nil {
		return nil, fmt.Errorf("postgres: open: %w", store.Errorf(store.EINVALID, "bad database url: %v", err))
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("postgres: open: %w", err)
	}
	if err := pool.Ping(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("postgres: open: %w", store.Errorf(store.EUNAVAILABLE, "database unreachable: %v", err))
	}
	db := &DB{pool: pool}
	if err := db.migrate(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("postgres: open: %w", err)
	}
	return db, nil
}

// migrate applies the embedded migrations while holding a session advisory
// lock. The lock id is derived from the schema, so replicas sharing a
// schema exclude each other while separate schemas (one per test) do not.
func (db *DB) migrate(ctx context.Context) error {
	var schema *string
	if err := db.pool.QueryRow(ctx, `SELECT current_schema()`).Scan(&schema); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	if schema == nil {
		return fmt.Errorf("migrate: %w", store.Errorf(store.EINVALID, "no schema on the search_path exists"))
	}
	locker, err := lock.NewPostgresSessionLocker(
		lock.WithLockID(migrationLockID(*schema)),
		lock.WithLockTimeout(1, 300), // poll every second, for up to 5 minutes
	)
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	fsys, err := fs.Sub(migrations, "migrations")
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	p, err := goose.NewProvider(goose.DialectPostgres, stdlib.OpenDBFromPool(db.pool), fsys,
		goose.WithSessionLocker(locker))
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	db.migrations = p
	if _, err := p.Up(ctx); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	return nil
}

// migrationLockID is the advisory lock id guarding migrations of schema.
func migrationLockID(schema string) int64 {
	h := fnv.New64a()
	h.Write([]byte("envoybot migrations " + schema))
	return int64(h.Sum64())
}

// Version returns the version of the newest applied migration, for
// `envoybot migrate`. It does not wait for the migration lock.
func (db *DB) Version(ctx context.Context) (int64, error) {
	current, _, err := db.migrations.GetVersions(ctx)
	if err != nil {
		return 0, fmt.Errorf("postgres: version: %w", err)
	}
	return current, nil
}

// Ping reports whether the database answers.
func (db *DB) Ping(ctx context.Context) error {
	if err := db.pool.Ping(ctx); err != nil {
		return fmt.Errorf("postgres: ping: %w", store.Errorf(store.EUNAVAILABLE, "database unreachable: %v", err))
	}
	return nil
}

// Close closes the migration handle and then the pool under it.
func (db *DB) Close() error {
	var err error
	if db.migrations != nil {
		err = db.migrations.Close()
	}
	db.pool.Close()
	if err != nil {
		return fmt.Errorf("postgres: close: %w", err)
	}
	return nil
}

// inTx runs fn in a transaction, committing when it returns nil.
func (db *DB) inTx(ctx context.Context, fn func(tx pgx.Tx) error) error {
	return pgx.BeginFunc(ctx, db.pool, fn)
}

// queryer is what both the pool and a transaction offer, so that private
// helpers run inside or outside a transaction.
type queryer interface {
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

// wrapError says where err happened and turns driver errors into domain
// errors: no rows is ENOTFOUND, a unique violation ECONFLICT. Domain
// errors pass through unchanged, under the prefix.
func wrapError(op string, err error) error {
	if err == nil {
		return nil
	}
	var domain *store.Error
	var pgErr *pgconn.PgError
	switch {
	case errors.As(err, &domain):
		return fmt.Errorf("postgres: %s: %w", op, err)
	case errors.Is(err, pgx.ErrNoRows):
		return fmt.Errorf("postgres: %s: %w", op, store.Errorf(store.ENOTFOUND, "%s: not found", op))
	case errors.As(err, &pgErr) && pgErr.Code == uniqueViolation:
		return fmt.Errorf("postgres: %s: %w: %w", op, store.Errorf(store.ECONFLICT, "%s: already exists", op), err)
	}
	return fmt.Errorf("postgres: %s: %w", op, err)
}

// timeValue is t as a parameter, NULL for the zero time.
func timeValue(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t
}

// timeOf is a scanned timestamptz in UTC, the zero time for NULL.
func timeOf(t pgtype.Timestamptz) time.Time {
	if !t.Valid {
		return time.Time{}
	}
	return t.Time.UTC()
}

// Package sqlite is envoybot's embedded store: one SQLite file through the
// pure-Go modernc.org/sqlite driver, for a single replica with no database
// server. It implements store.Store with the same schema and meaning as
// store/postgres.
package sqlite

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/pressly/goose/v3"
	msqlite "modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"envoybot/store"
)

//go:embed migrations/*.sql
var migrations embed.FS

// busyTimeout is how long a connection waits for another process (say the
// envoybot CLI) holding the write lock before it reports SQLITE_BUSY.
const busyTimeout = 10 * time.Second

// DB is a store.Store on one SQLite file. SQLite allows one writer at a
// time, so every write goes through a single connection and queues in Go
// instead of failing with SQLITE_BUSY; reads use a pool of read-only
// connections that WAL lets run beside the writer.
type DB struct {
	write      *sql.DB
	read       *sql.DB
	migrations *goose.Provider
}

var _ store.Store = (*DB)(nil)

// Open opens or creates the database file at path, creating its directory,
// and applies any pending migrations.
func Open(ctx context.Context, path string) (*DB, error) {
	if path == "" || strings.ContainsRune(path, '?') {
		return nil, fmt.Errorf("sqlite: open: %w", store.Errorf(store.EINVALID, "bad database path %q", path))
	}
	if dir := filepath.Dir(path); dir != "" {
		if err := os.MkdirAll(dir, 0o750); err != nil {
			return nil, fmt.Errorf("sqlite: open: %w", err)
		}
	}
	write, err := sql.Open("sqlite", dsn(path, false))
	if err != nil {
		return nil, fmt.Errorf("sqlite: open: %w", err)
	}
	write.SetMaxOpenConns(1)
	write.SetMaxIdleConns(1)
	write.SetConnMaxLifetime(0)
	write.SetConnMaxIdleTime(0)
	read, err := sql.Open("sqlite", dsn(path, true))
	if err != nil {
		write.Close()
		return nil, fmt.Errorf("sqlite: open: %w", err)
	}
	db := &DB{write: write, read: read}
	if err := db.migrate(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("sqlite: open: %w", err)
	}
	return db, nil
}

// dsn is the driver's data source name. Writers take the write lock when a
// transaction begins (immediate), so a read-then-write transaction never
// fails to upgrade its lock.
func dsn(path string, readOnly bool) string {
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

// migrate applies the embedded migrations on the write connection.
func (db *DB) migrate(ctx context.Context) error {
	fsys, err := fs.Sub(migrations, "migrations")
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	p, err := goose.NewProvider(goose.DialectSQLite3, db.write, fsys)
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	if _, err := p.Up(ctx); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	db.migrations = p
	return nil
}

// Version returns the version of the newest applied migration, for
// `envoybot migrate`.
func (db *DB) Version(ctx context.Context) (int64, error) {
	current, _, err := db.migrations.GetVersions(ctx)
	if err != nil {
		return 0, fmt.Errorf("sqlite: version: %w", err)
	}
	return current, nil
}

// Ping reports whether the database file can be read.
func (db *DB) Ping(ctx context.Context) error {
	if err := db.read.PingContext(ctx); err != nil {
		return fmt.Errorf("sqlite: ping: %w", err)
	}
	return nil
}

// Close closes both connection pools; the migration provider shares the
// write pool and needs no closing of its own.
func (db *DB) Close() error {
	return errors.Join(db.read.Close(), db.write.Close())
}

// inTx runs fn in a write transaction, committing when it returns nil.
func (db *DB) inTx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	tx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if err := fn(tx); err != nil {
		return err
	}
	return tx.Commit()
}

// queryer is what both *sql.DB and *sql.Tx offer, so that private helpers
// run inside or outside a transaction.
type queryer interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// wrapError says where err happened and turns driver errors into domain
// errors: no rows is ENOTFOUND, a unique or primary key violation
// ECONFLICT. Domain errors pass through unchanged, under the prefix.
func wrapError(op string, err error) error {
	if err == nil {
		return nil
	}
	var domain *store.Error
	var driver *msqlite.Error
	switch {
	case errors.As(err, &domain):
		return fmt.Errorf("sqlite: %s: %w", op, err)
	case errors.Is(err, sql.ErrNoRows):
		return fmt.Errorf("sqlite: %s: %w", op, store.Errorf(store.ENOTFOUND, "%s: not found", op))
	case errors.As(err, &driver) &&
		(driver.Code() == sqlite3.SQLITE_CONSTRAINT_UNIQUE || driver.Code() == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY):
		return fmt.Errorf("sqlite: %s: %w: %w", op, store.Errorf(store.ECONFLICT, "%s: already exists", op), err)
	}
	return fmt.Errorf("sqlite: %s: %w", op, err)
}

// timeFormat keeps times in UTC with microseconds, the precision of
// PostgreSQL, at a fixed width so that comparing the text compares times.
const timeFormat = "2006-01-02T15:04:05.000000Z07:00"

// timeValue is t as stored, or NULL for the zero time.
func timeValue(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UTC().Format(timeFormat)
}

// timeColumn scans a stored time into *t; NULL becomes the zero time.
type timeColumn struct{ t *time.Time }

// Scan implements sql.Scanner.
func (c timeColumn) Scan(src any) error {
	var s string
	switch v := src.(type) {
	case nil:
		*c.t = time.Time{}
		return nil
	case time.Time:
		*c.t = v.UTC()
		return nil
	case string:
		s = v
	case []byte:
		s = string(v)
	default:
		return fmt.Errorf("time column: unexpected %T", src)
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return fmt.Errorf("time column: %w", err)
	}
	*c.t = t.UTC()
	return nil
}

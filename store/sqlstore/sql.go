package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"envoybot/store"
)

// execer is what both *sql.DB and *sql.Tx offer.
type execer interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// conn runs statements on a pool or inside a transaction, encoding time
// parameters for the engine, so that private helpers work in either.
type conn struct {
	x execer
	d *dialect
}

// exec runs a statement that returns no rows.
func (c conn) exec(ctx context.Context, query string, args ...any) (sql.Result, error) {
	return c.x.ExecContext(ctx, query, c.d.args(args)...)
}

// query runs a statement that returns rows.
func (c conn) query(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	return c.x.QueryContext(ctx, query, c.d.args(args)...)
}

// row runs a statement that returns at most one row.
func (c conn) row(ctx context.Context, query string, args ...any) *sql.Row {
	return c.x.QueryRowContext(ctx, query, c.d.args(args)...)
}

// mustAffect runs a statement that must change a row, sql.ErrNoRows (so
// ENOTFOUND) when it changed none.
func (c conn) mustAffect(ctx context.Context, query string, args ...any) error {
	res, err := c.exec(ctx, query, args...)
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil {
		return err
	} else if n == 0 {
		return sql.ErrNoRows
	}
	return nil
}

// reader is a conn on the read pool, for statements outside a transaction.
func (db *DB) reader() conn { return conn{x: db.read, d: db.d} }

// inTx runs fn in a write transaction, committing when it returns nil.
func (db *DB) inTx(ctx context.Context, fn func(tx conn) error) error {
	tx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if err := fn(conn{x: tx, d: db.d}); err != nil {
		return err
	}
	return tx.Commit()
}

// snapshot runs fn in a read-only transaction on the read pool, so that
// its statements read one snapshot: REPEATABLE READ on PostgreSQL; on
// SQLite, which ignores the isolation level, a read transaction, whose WAL
// snapshot is taken at its first read.
func (db *DB) snapshot(ctx context.Context, fn func(q conn) error) error {
	tx, err := db.read.BeginTx(ctx, &sql.TxOptions{Isolation: sql.LevelRepeatableRead, ReadOnly: true})
	if err != nil {
		return err
	}
	defer tx.Rollback()
	return fn(conn{x: tx, d: db.d})
}

// rowScanner is a *sql.Row or *sql.Rows.
type rowScanner interface {
	Scan(dest ...any) error
}

// collect scans every row of a query with scan, never returning a nil
// slice, and closes the rows.
func collect[T any](rows *sql.Rows, err error, scan func(row rowScanner) (T, error)) ([]T, error) {
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	list := []T{}
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, err
		}
		list = append(list, v)
	}
	return list, rows.Err()
}

// prefixedScanner scans prefix destinations before the ones it is given,
// so that a scan function can read the tail of a wider row.
type prefixedScanner struct {
	row    rowScanner
	prefix []any
}

// Scan implements rowScanner.
func (p prefixedScanner) Scan(dest ...any) error {
	return p.row.Scan(append(append([]any{}, p.prefix...), dest...)...)
}

// wrapError says where err happened and turns driver errors into domain
// errors: no rows is ENOTFOUND, a unique or primary key violation
// ECONFLICT. Domain errors pass through unchanged, under the prefix.
func (db *DB) wrapError(op string, err error) error {
	if err == nil {
		return nil
	}
	var domain *store.Error
	switch {
	case errors.As(err, &domain):
		return fmt.Errorf("%s: %s: %w", db.d.name, op, err)
	case errors.Is(err, sql.ErrNoRows):
		return fmt.Errorf("%s: %s: %w", db.d.name, op, store.Errorf(store.ENOTFOUND, "%s: not found", op))
	case db.d.isUnique(err):
		return fmt.Errorf("%s: %s: %w: %w", db.d.name, op, store.Errorf(store.ECONFLICT, "%s: already exists", op), err)
	}
	return fmt.Errorf("%s: %s: %w", db.d.name, op, err)
}

// timeColumn scans a stored time into *t, in UTC: PostgreSQL hands over a
// time.Time, SQLite the text of sqliteTimeFormat; NULL becomes the zero
// time.
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

package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
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
	// db and join are set on a pool's conn: how its statements take part
	// in a message's unit of work in their context (unit.go).
	db   *DB
	join joinMode
	// writes is set inside a write transaction: what its statements
	// changed, for the user cache (usercache.go).
	writes *writeMark
}

// joinMode is how a pool's statements take part in the unit of work of
// the message their context carries.
type joinMode uint8

const (
	// joinNever: a transaction's own conn.
	joinNever joinMode = iota
	// joinBegun: the statement runs in the message's transaction when one
	// is open (so a read sees the message's writes, and a write on
	// SQLite's one write connection does not wait for it), else alone.
	joinBegun
	// joinOrBegin: a write that opens the message's transaction when
	// none is open yet.
	joinOrBegin
)

// in is the conn a statement of c runs on: the open transaction of the
// message ctx carries, when c joins it, else c itself.
func (c conn) in(ctx context.Context) conn {
	if c.join == joinNever {
		return c
	}
	if u := c.db.unitIn(ctx); u != nil && u.tx != nil {
		return u.c
	}
	return c
}

// exec runs a statement that returns no rows.
func (c conn) exec(ctx context.Context, query string, args ...any) (sql.Result, error) {
	if c.join == joinOrBegin {
		if u := c.db.unitIn(ctx); u != nil {
			var res sql.Result
			err := u.run(ctx, func(tx conn) (err error) {
				res, err = tx.exec(ctx, query, args...)
				return err
			})
			return res, err
		}
	}
	c = c.in(ctx)
	c.writes.note(query)
	res, err := c.x.ExecContext(ctx, query, c.d.args(args)...)
	c.writes.ran()
	return res, err
}

// query runs a statement that returns rows.
func (c conn) query(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	c = c.in(ctx)
	c.writes.note(query)
	return c.x.QueryContext(ctx, query, c.d.args(args)...)
}

// row runs a statement that returns at most one row.
func (c conn) row(ctx context.Context, query string, args ...any) *sql.Row {
	c = c.in(ctx)
	c.writes.note(query)
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

// reader is a conn on the read pool, for statements outside a
// transaction; inside a message's open unit of work, they read in it.
func (db *DB) reader() conn {
	return conn{x: db.onPool(db.read, db.readStmts), d: db.d, db: db, join: joinBegun}
}

// writer is a conn on the write pool for a write of one statement, which
// needs no transaction of its own (a BEGIN and a COMMIT would be two more
// round trips on PostgreSQL). In a message's context, exec is one of the
// message's writes (unit.go).
func (db *DB) writer() conn {
	return conn{x: db.onPool(db.write, db.writeStmts), d: db.d, db: db, join: joinOrBegin,
		writes: &writeMark{db: db, autocommit: true}}
}

// bookkeeper is writer for the store's own bookkeeping (the inbox, the
// record of processed messages, jobs, the outbox, shared values): never
// one of a message's writes, but inside its transaction when one is open,
// so that SQLite's one write connection is not waited for by its holder.
func (db *DB) bookkeeper() conn {
	c := db.writer()
	c.join = joinBegun
	return c
}

// onPool is the execer of a pool: with its kept statements on SQLite.
func (db *DB) onPool(p *sql.DB, stmts *stmtCache) execer {
	if stmts == nil {
		return p
	}
	return cachedPool{DB: p, stmts: stmts}
}

// inside runs fn on the transaction tx of a pool: borrowing the pool's
// kept statements on SQLite, and preparing those it missed once tx is
// over (end, a commit or a rollback, runs before that).
func (db *DB) inside(ctx context.Context, tx *sql.Tx, stmts *stmtCache, fn func(tx conn) error, end func() error) error {
	mark := &writeMark{db: db}
	if stmts == nil {
		if err := fn(conn{x: tx, d: db.d, writes: mark}); err != nil {
			return err
		}
		err := end()
		mark.committed(err)
		return err
	}
	var missed []string
	err := fn(conn{x: cachedTx{Tx: tx, stmts: stmts, missed: &missed}, d: db.d, writes: mark})
	if err == nil {
		err = end()
		mark.committed(err)
	} else {
		_ = tx.Rollback()
	}
	if len(missed) > 0 {
		stmts.prepareMissed(ctx, missed) // the connection is free again
	}
	return err
}

// inTx runs fn in a write transaction, committing when it returns nil. In
// a message's context, fn is one of the message's writes instead, in its
// unit of work (unit.go).
func (db *DB) inTx(ctx context.Context, fn func(tx conn) error) error {
	if u := db.unitIn(ctx); u != nil {
		return u.run(ctx, fn)
	}
	return db.ownTx(ctx, fn)
}

// ownTx runs fn in a write transaction of its own, committing when it
// returns nil.
func (db *DB) ownTx(ctx context.Context, fn func(tx conn) error) error {
	tx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	return db.inside(ctx, tx, db.writeStmts, fn, tx.Commit)
}

// read runs fn on the read pool, its error wrapped as op.
func read[T any](db *DB, op string, fn func(q conn) (T, error)) (T, error) {
	v, err := fn(db.reader())
	if err != nil {
		var zero T
		return zero, db.wrapError(op, err)
	}
	return v, nil
}

// write runs fn in a write transaction, committing when it returns no
// error, which is wrapped as op.
func write[T any](ctx context.Context, db *DB, op string, fn func(tx conn) (T, error)) (T, error) {
	var v T
	err := db.inTx(ctx, func(tx conn) (err error) {
		v, err = fn(tx)
		return err
	})
	if err != nil {
		var zero T
		return zero, db.wrapError(op, err)
	}
	return v, nil
}

// readAll runs a query on the read pool and scans every row, its error
// wrapped as op.
func readAll[T any](ctx context.Context, db *DB, op string, scan func(rowScanner) (T, error), query string, args ...any) ([]T, error) {
	return read(db, op, func(q conn) ([]T, error) {
		rows, err := q.query(ctx, query, args...)
		return collect(rows, err, scan)
	})
}

// filter gathers the conditions of a query and their arguments, so that
// an optional filter reaches the SQL only when it is set.
type filter struct {
	conds []string
	args  []any
}

// arg adds v as the next argument and returns its placeholder.
func (f *filter) arg(v any) string {
	f.args = append(f.args, v)
	return "$" + strconv.Itoa(len(f.args))
}

// where adds a condition on the next argument, as "column op $k".
func (f *filter) where(column, op string, v any) {
	f.conds = append(f.conds, column+" "+op+" "+f.arg(v))
}

// equal adds column = value when value, trimmed, is not empty.
func (f *filter) equal(column, value string) {
	if value = strings.TrimSpace(value); value != "" {
		f.where(column, "=", value)
	}
}

// between adds from <= column < to for the ends that are not zero.
func (f *filter) between(column string, from, to time.Time) {
	if !from.IsZero() {
		f.where(column, ">=", from)
	}
	if !to.IsZero() {
		f.where(column, "<", to)
	}
}

// clause is the WHERE clause of the conditions, empty without any.
func (f *filter) clause() string {
	if len(f.conds) == 0 {
		return ""
	}
	return "\n\t\tWHERE " + strings.Join(f.conds, "\n\t\t\tAND ")
}

// limit is the LIMIT clause of n, empty (no limit) when n is 0 or less.
func (f *filter) limit(n int) string {
	if n <= 0 {
		return ""
	}
	return "\n\t\tLIMIT " + f.arg(n)
}

// writeFlagged is write for a method that also reports what fn sets in
// its flag (created, joined); the flag is false when the transaction
// failed.
func writeFlagged[T any](ctx context.Context, db *DB, op string, fn func(tx conn, flag *bool) (T, error)) (T, bool, error) {
	var flag bool
	v, err := write(ctx, db, op, func(tx conn) (T, error) {
		flag = false // a retried fn starts afresh
		return fn(tx, &flag)
	})
	return v, flag && err == nil, err
}

// snapshot runs fn in a read-only transaction on the read pool, so that
// its statements read one snapshot: REPEATABLE READ on PostgreSQL; on
// SQLite, which ignores the isolation level, a read transaction, whose WAL
// snapshot is taken at its first read.
func (db *DB) snapshot(ctx context.Context, fn func(q conn) error) error {
	if u := db.unitIn(ctx); u != nil && u.tx != nil {
		return fn(u.c) // the message's own writes, read in its transaction
	}
	tx, err := db.read.BeginTx(ctx, &sql.TxOptions{Isolation: sql.LevelRepeatableRead, ReadOnly: true})
	if err != nil {
		return err
	}
	defer tx.Rollback()
	return db.inside(ctx, tx, db.readStmts, fn, tx.Rollback)
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

// scanString reads a row of one text column.
func scanString(row rowScanner) (s string, err error) {
	return s, row.Scan(&s)
}

// inserted reports whether an INSERT ... ON CONFLICT (DO NOTHING, or DO
// UPDATE ... WHERE) wrote its one row.
func inserted(res sql.Result, err error) (bool, error) {
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
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

package sqlstore

import (
	"context"
	"database/sql"
	"sync"
)

// SQLite compiles a statement from its text every time it is run unless
// it is prepared once and kept: database/sql's plain ExecContext and
// QueryContext prepare, run and finalise on every call, and the profile of
// a busy embedded server spent a quarter of its CPU in sqlite3Prepare. A
// stmtCache keeps one prepared *sql.Stmt per query text of a pool
// (database/sql prepares it once on each connection that runs it), and a
// transaction borrows it with Tx.StmtContext, which reuses the
// connection's prepared statement. PostgreSQL needs none: pgx keeps its own
// per-connection statement cache.
type stmtCache struct {
	db *sql.DB
	mu sync.RWMutex
	m  map[string]*sql.Stmt
}

// maxCachedStmts bounds the cache: the store's queries are a fixed set,
// but a few are built from filters, and a bug must not grow it forever.
// Past it, statements run unprepared, as without a cache.
const maxCachedStmts = 1000

func newStmtCache(db *sql.DB) *stmtCache {
	return &stmtCache{db: db, m: map[string]*sql.Stmt{}}
}

// peek returns the prepared statement for query, nil when there is none
// yet.
func (c *stmtCache) peek(query string) *sql.Stmt {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.m[query]
}

// get returns the prepared statement for query, preparing it the first
// time, or nil when it cannot be (the cache is full, or preparing failed:
// the caller runs the query unprepared and gets the error from there).
// Preparing takes a connection of the pool: never call it inside a
// transaction on the pool (SQLite's write pool has one connection, which
// the transaction holds); transactions peek, and prepare what they missed
// once they are over (prepareMissed).
func (c *stmtCache) get(ctx context.Context, query string) *sql.Stmt {
	if s := c.peek(query); s != nil {
		return s
	}
	c.mu.RLock()
	full := len(c.m) >= maxCachedStmts
	c.mu.RUnlock()
	if full {
		return nil
	}
	// Prepared without the lock held: preparing waits for a connection,
	// which a transaction peeking at the cache may hold.
	s, err := c.db.PrepareContext(context.WithoutCancel(ctx), query)
	if err != nil {
		return nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if kept := c.m[query]; kept != nil {
		_ = s.Close() // prepared twice at once: keep the first
		return kept
	}
	c.m[query] = s
	return s
}

// prepareMissed prepares the statements a transaction ran unprepared.
func (c *stmtCache) prepareMissed(ctx context.Context, queries []string) {
	for _, q := range queries {
		c.get(ctx, q)
	}
}

// close finalises the kept statements.
func (c *stmtCache) close() {
	c.mu.Lock()
	defer c.mu.Unlock()
	for q, s := range c.m {
		_ = s.Close()
		delete(c.m, q)
	}
}

// cachedPool is an execer on a pool that runs kept statements.
type cachedPool struct {
	*sql.DB
	stmts *stmtCache
}

func (p cachedPool) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	if s := p.stmts.get(ctx, query); s != nil {
		return s.ExecContext(ctx, args...)
	}
	return p.DB.ExecContext(ctx, query, args...)
}

func (p cachedPool) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if s := p.stmts.get(ctx, query); s != nil {
		return s.QueryContext(ctx, args...)
	}
	return p.DB.QueryContext(ctx, query, args...)
}

func (p cachedPool) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	if s := p.stmts.get(ctx, query); s != nil {
		return s.QueryRowContext(ctx, args...)
	}
	return p.DB.QueryRowContext(ctx, query, args...)
}

// cachedTx is an execer in a transaction that borrows kept statements and
// notes the queries it ran without one, for prepareMissed.
type cachedTx struct {
	*sql.Tx
	stmts  *stmtCache
	missed *[]string
}

// stmt is the transaction's copy of the kept statement for query, or nil
// (noted as missed).
func (t cachedTx) stmt(ctx context.Context, query string) *sql.Stmt {
	if s := t.stmts.peek(query); s != nil {
		return t.Tx.StmtContext(ctx, s)
	}
	*t.missed = append(*t.missed, query)
	return nil
}

func (t cachedTx) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	if s := t.stmt(ctx, query); s != nil {
		return s.ExecContext(ctx, args...)
	}
	return t.Tx.ExecContext(ctx, query, args...)
}

func (t cachedTx) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if s := t.stmt(ctx, query); s != nil {
		return s.QueryContext(ctx, args...)
	}
	return t.Tx.QueryContext(ctx, query, args...)
}

func (t cachedTx) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	if s := t.stmt(ctx, query); s != nil {
		return s.QueryRowContext(ctx, args...)
	}
	return t.Tx.QueryRowContext(ctx, query, args...)
}

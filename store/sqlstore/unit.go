package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"strconv"

	"envoybot/store"
)

// A message's unit of work: every write a handler makes for one chat
// message commits in one transaction, together with the record that the
// message was processed and the reply it got. The record is the
// transaction's first statement, so that of two attempts at one message
// (a retry on another replica, a restart) exactly one writes: the other
// finds the record, rolls back and answers the stored reply. A message
// that writes nothing (a query, a repeat sign-up) opens no transaction and
// commits nothing.

// unitKey is the context key of a message's unit.
type unitKey struct{}

// unit is a message's unit of work on one DB. It belongs to the message's
// handler, which runs its statements one after another.
type unit struct {
	db  *DB
	ctx context.Context // the message's: the transaction lives as long
	msg store.ProcessedMessage

	tx     *sql.Tx // nil until the first write, and after the end
	c      conn    // on tx
	missed []string
	writes *writeMark
	saves  int // savepoints taken, for their names

	found *store.ProcessedMessage // the record another attempt wrote
	ended bool
}

// BeginMessage implements store.MessageLog.
func (db *DB) BeginMessage(ctx context.Context, m store.ProcessedMessage) (context.Context, store.MessageUnit) {
	u := &unit{db: db, msg: m}
	ctx = context.WithValue(ctx, unitKey{}, u)
	u.ctx = ctx
	return ctx, u
}

// unitIn is the unit of work of the message ctx carries, nil when there
// is none on db or it has ended.
func (db *DB) unitIn(ctx context.Context) *unit {
	u, _ := ctx.Value(unitKey{}).(*unit)
	if u == nil || u.db != db || u.ended {
		return nil
	}
	return u
}

// writing reports whether ctx carries a message's unit of work that has
// written: its reads must read in its transaction, not from a cache.
func (db *DB) writing(ctx context.Context) bool {
	u := db.unitIn(ctx)
	return u != nil && u.tx != nil
}

// errProcessed is the error of a write in a message found processed.
func errProcessed(key string) error {
	return store.Errorf(store.EPROCESSED, "message %q already processed", key)
}

// run runs fn as one of the message's writes: the first opens the
// transaction (its record first), later ones run after a savepoint, so
// that a write that fails (and the handler answers for) undoes only
// itself. A first write that fails ends the transaction: nothing of the
// message is written, and a later write starts again.
func (u *unit) run(ctx context.Context, fn func(tx conn) error) error {
	if u.found != nil {
		return errProcessed(u.msg.DedupKey)
	}
	if u.tx == nil {
		if err := u.begin(ctx); err != nil {
			return err
		}
		if err := fn(u.c); err != nil {
			u.rollback()
			return err
		}
		return nil
	}
	name := "w" + strconv.Itoa(u.saves)
	u.saves++
	if _, err := u.c.exec(ctx, "SAVEPOINT "+name); err != nil {
		return err
	}
	if err := fn(u.c); err != nil {
		if _, rerr := u.c.exec(ctx, "ROLLBACK TO SAVEPOINT "+name); rerr != nil {
			u.rollback()
			return errors.Join(err, rerr)
		}
		return err
	}
	// Not released: the commit releases every savepoint, and a RELEASE
	// would be one more round trip while the write's row locks are held.
	return nil
}

// begin opens the transaction with the message's record as its first
// statement; when another attempt recorded the message, it rolls back and
// keeps the record found.
func (u *unit) begin(ctx context.Context) error {
	u.db.recent.add(u.msg.DedupKey)
	tx, err := u.db.write.BeginTx(u.ctx, nil)
	if err != nil {
		return err
	}
	u.tx, u.writes, u.missed = tx, &writeMark{db: u.db}, nil
	u.c = conn{x: tx, d: u.db.d, writes: u.writes}
	if u.db.writeStmts != nil {
		u.c.x = cachedTx{Tx: tx, stmts: u.db.writeStmts, missed: &u.missed}
	}
	added, err := inserted(u.c.exec(ctx, `
		INSERT INTO processed_messages (dedup_key, openid, reply, processed_at)
		VALUES ($1, $2, '', $3)
		ON CONFLICT (dedup_key) DO NOTHING`,
		u.msg.DedupKey, u.msg.OpenID, u.msg.At))
	if err != nil {
		u.rollback()
		return err
	}
	if !added {
		// Read committed: the other attempt's record, once it committed
		// (PostgreSQL waited for it on the insert; SQLite has one writer).
		var p store.ProcessedMessage
		err := u.c.row(ctx, `SELECT dedup_key, openid, reply, processed_at
			FROM processed_messages WHERE dedup_key = $1`, u.msg.DedupKey).Scan(
			&p.DedupKey, &p.OpenID, &p.Reply, timeColumn{&p.At})
		u.rollback()
		if err != nil {
			return err
		}
		u.found = &p
		return errProcessed(u.msg.DedupKey)
	}
	return nil
}

// rollback ends the open transaction, writing nothing.
func (u *unit) rollback() {
	if u.tx == nil {
		return
	}
	_ = u.tx.Rollback()
	u.tx = nil
	u.prepareMissed()
}

// prepareMissed prepares the statements the transaction ran unprepared,
// now that SQLite's write connection is free.
func (u *unit) prepareMissed() {
	if len(u.missed) > 0 && u.db.writeStmts != nil {
		u.db.writeStmts.prepareMissed(u.ctx, u.missed)
	}
	u.missed = nil
}

// Commit implements store.MessageUnit.
func (u *unit) Commit(ctx context.Context, reply string, kept bool) (bool, error) {
	if u.ended {
		return false, nil
	}
	u.ended = true
	if u.tx == nil {
		return false, nil
	}
	defer u.rollback() // after a failed commit; nothing after a good one
	var err error
	if u.db.d.pg {
		// One statement: the inbox's copy goes whether it was kept or not.
		_, err = u.c.exec(ctx, `WITH kept AS (DELETE FROM message_inbox WHERE dedup_key = $1)
			UPDATE processed_messages SET reply = $2 WHERE dedup_key = $1`, u.msg.DedupKey, reply)
	} else {
		if kept {
			_, err = u.c.exec(ctx, `DELETE FROM message_inbox WHERE dedup_key = $1`, u.msg.DedupKey)
		}
		if err == nil {
			_, err = u.c.exec(ctx, `UPDATE processed_messages SET reply = $2 WHERE dedup_key = $1`, u.msg.DedupKey, reply)
		}
	}
	if err == nil {
		err = u.tx.Commit()
		u.writes.committed(err)
	}
	if err != nil {
		return false, u.db.wrapError("commit message", err)
	}
	u.tx = nil
	u.prepareMissed()
	return true, nil
}

// Rollback implements store.MessageUnit.
func (u *unit) Rollback() {
	u.ended = true
	u.rollback()
}

// Found implements store.MessageUnit.
func (u *unit) Found() *store.ProcessedMessage { return u.found }

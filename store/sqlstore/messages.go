package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"envoybot/store"
)

// RecordProcessed stores the message and drops it from the inbox, at
// once; a second record of the same key changes nothing but the inbox and
// returns ECONFLICT. On PostgreSQL it is one statement (the inbox delete
// in a WITH clause, which runs whatever the insert does).
func (db *DB) RecordProcessed(ctx context.Context, m store.ProcessedMessage) error {
	if strings.TrimSpace(m.DedupKey) == "" || m.At.IsZero() {
		return db.wrapError("record processed", store.Errorf(store.EINVALID, "processed message needs a dedup key and a time"))
	}
	db.recent.add(m.DedupKey)
	const insert = `
		INSERT INTO processed_messages (dedup_key, openid, reply, processed_at)
		VALUES ($1, $2, $3, $4)
		ON CONFLICT (dedup_key) DO NOTHING`
	var err error
	if db.d.pg {
		err = db.bookkeeper().mustAffect(ctx, `WITH kept AS (DELETE FROM message_inbox WHERE dedup_key = $1)`+insert,
			m.DedupKey, m.OpenID, m.Reply, m.At)
	} else {
		var added bool
		err = db.inTx(ctx, func(tx conn) error {
			if _, err := tx.exec(ctx, `DELETE FROM message_inbox WHERE dedup_key = $1`, m.DedupKey); err != nil {
				return err
			}
			added, err = inserted(tx.exec(ctx, insert, m.DedupKey, m.OpenID, m.Reply, m.At))
			return err
		})
		if err == nil && !added {
			err = sql.ErrNoRows
		}
	}
	if errors.Is(err, sql.ErrNoRows) {
		err = store.Errorf(store.ECONFLICT, "message %q already processed", m.DedupKey)
	}
	return db.wrapError("record processed", err)
}

// errNotProcessed is FindProcessed's answer for a key surely never
// recorded: the usual one, made once.
var errNotProcessed = fmt.Errorf("find processed: %w", store.Errorf(store.ENOTFOUND, "find processed: not found"))

// FindProcessed returns ENOTFOUND when the key was never recorded.
func (db *DB) FindProcessed(ctx context.Context, dedupKey string) (*store.ProcessedMessage, error) {
	if db.recent.absent(dedupKey) {
		return nil, errNotProcessed
	}
	var m store.ProcessedMessage
	err := db.reader().row(ctx, `
		SELECT dedup_key, openid, reply, processed_at
		FROM processed_messages WHERE dedup_key = $1`, dedupKey).Scan(
		&m.DedupKey, &m.OpenID, &m.Reply, timeColumn{&m.At})
	if err != nil {
		return nil, db.wrapError("find processed", err)
	}
	return &m, nil
}

// PruneProcessed clears the stored replies processed before repliesBefore
// and deletes the messages processed before factsBefore, in one
// transaction.
func (db *DB) PruneProcessed(ctx context.Context, repliesBefore, factsBefore time.Time) (cleared, deleted int64, err error) {
	if repliesBefore.IsZero() || factsBefore.IsZero() {
		return 0, 0, db.wrapError("prune processed", store.Errorf(store.EINVALID, "pruning needs both cutoffs"))
	}
	err = db.inTx(ctx, func(tx conn) error {
		res, err := tx.exec(ctx, `DELETE FROM processed_messages WHERE processed_at < $1`, factsBefore)
		if err != nil {
			return err
		}
		if deleted, err = res.RowsAffected(); err != nil {
			return err
		}
		if _, err := tx.exec(ctx, `DELETE FROM message_inbox WHERE received_at < $1`, factsBefore); err != nil {
			return err
		}
		res, err = tx.exec(ctx, `UPDATE processed_messages SET reply = '' WHERE processed_at < $1 AND reply <> ''`, repliesBefore)
		if err != nil {
			return err
		}
		cleared, err = res.RowsAffected()
		return err
	})
	return cleared, deleted, db.wrapError("prune processed", err)
}

package sqlstore

import (
	"context"
	"slices"
	"strings"
	"time"

	"envoybot/store"
)

// KeepInbox stores the message unless it is already kept or already
// processed (a message whose record was written first needs no keeping).
func (db *DB) KeepInbox(ctx context.Context, m store.InboxMessage) error {
	if strings.TrimSpace(m.DedupKey) == "" || m.Owner == "" || m.ReceivedAt.IsZero() || m.LeaseUntil.IsZero() {
		return db.wrapError("keep inbox", store.Errorf(store.EINVALID, "an inbox message needs a dedup key, an owner, a receipt time and a lease"))
	}
	_, err := db.bookkeeper().exec(ctx, `
		INSERT INTO message_inbox (dedup_key, openid, body, owner, lease_until, received_at)
		SELECT $1, $2, $3, $4, $5, $6
		WHERE NOT EXISTS (SELECT 1 FROM processed_messages WHERE dedup_key = $1)
		ON CONFLICT (dedup_key) DO NOTHING`,
		m.DedupKey, m.OpenID, m.Body, m.Owner, m.LeaseUntil, m.ReceivedAt)
	return db.wrapError("keep inbox", err)
}

// TakeInbox leases expired messages to owner. On PostgreSQL concurrent
// takers skip each other's rows (SKIP LOCKED); SQLite's single writer
// serialises them.
func (db *DB) TakeInbox(ctx context.Context, owner string, now, leaseUntil time.Time, limit, maxAttempts int) ([]store.InboxMessage, error) {
	if owner == "" || limit <= 0 || !leaseUntil.After(now) {
		return nil, db.wrapError("take inbox", store.Errorf(store.EINVALID, "taking the inbox needs an owner, a limit and a lease"))
	}
	skip := ""
	if db.d.pg {
		skip = " FOR UPDATE SKIP LOCKED"
	}
	return write(ctx, db, "take inbox", func(tx conn) ([]store.InboxMessage, error) {
		rows, err := tx.query(ctx, `
			UPDATE message_inbox SET owner = $1, lease_until = $2, attempts = attempts + 1
			WHERE dedup_key IN (
				SELECT dedup_key FROM message_inbox
				WHERE lease_until < $3 AND attempts < $5
				ORDER BY received_at LIMIT $4`+skip+`)
			RETURNING dedup_key, openid, body, owner, lease_until, received_at, attempts`,
			owner, leaseUntil, now, limit, maxAttempts)
		taken, err := collect(rows, err, func(row rowScanner) (store.InboxMessage, error) {
			var m store.InboxMessage
			err := row.Scan(&m.DedupKey, &m.OpenID, &m.Body, &m.Owner, timeColumn{&m.LeaseUntil}, timeColumn{&m.ReceivedAt}, &m.Attempts)
			return m, err
		})
		// RETURNING keeps no order: oldest first.
		slices.SortFunc(taken, func(a, b store.InboxMessage) int { return a.ReceivedAt.Compare(b.ReceivedAt) })
		return taken, err
	})
}

// DropInbox forgets a kept message.
func (db *DB) DropInbox(ctx context.Context, dedupKey string) error {
	_, err := db.bookkeeper().exec(ctx, `DELETE FROM message_inbox WHERE dedup_key = $1`, dedupKey)
	return db.wrapError("drop inbox", err)
}

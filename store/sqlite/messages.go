package sqlite

import (
	"context"
	"strings"

	"envoybot/store"
)

// RecordProcessed stores the message; a second record of the same key
// changes nothing and returns ECONFLICT.
func (db *DB) RecordProcessed(ctx context.Context, m store.ProcessedMessage) error {
	if strings.TrimSpace(m.DedupKey) == "" || m.At.IsZero() {
		return wrapError("record processed", store.Errorf(store.EINVALID, "processed message needs a dedup key and a time"))
	}
	res, err := db.write.ExecContext(ctx, `
		INSERT INTO processed_messages (dedup_key, openid, reply, processed_at)
		VALUES (?, ?, ?, ?)
		ON CONFLICT (dedup_key) DO NOTHING`,
		m.DedupKey, m.OpenID, m.Reply, timeValue(m.At))
	if err != nil {
		return wrapError("record processed", err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return wrapError("record processed", err)
	} else if n == 0 {
		return wrapError("record processed", store.Errorf(store.ECONFLICT, "message %q already processed", m.DedupKey))
	}
	return nil
}

// FindProcessed returns ENOTFOUND when the key was never recorded.
func (db *DB) FindProcessed(ctx context.Context, dedupKey string) (*store.ProcessedMessage, error) {
	var m store.ProcessedMessage
	err := db.read.QueryRowContext(ctx, `
		SELECT dedup_key, openid, reply, processed_at
		FROM processed_messages WHERE dedup_key = ?`, dedupKey).Scan(
		&m.DedupKey, &m.OpenID, &m.Reply, timeColumn{&m.At})
	if err != nil {
		return nil, wrapError("find processed", err)
	}
	return &m, nil
}

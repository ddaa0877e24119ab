package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"strings"

	"envoybot/store"
)

// RecordProcessed stores the message; a second record of the same key
// changes nothing and returns ECONFLICT.
func (db *DB) RecordProcessed(ctx context.Context, m store.ProcessedMessage) error {
	if strings.TrimSpace(m.DedupKey) == "" || m.At.IsZero() {
		return db.wrapError("record processed", store.Errorf(store.EINVALID, "processed message needs a dedup key and a time"))
	}
	err := db.writer().mustAffect(ctx, `
		INSERT INTO processed_messages (dedup_key, openid, reply, processed_at)
		VALUES ($1, $2, $3, $4)
		ON CONFLICT (dedup_key) DO NOTHING`,
		m.DedupKey, m.OpenID, m.Reply, m.At)
	if errors.Is(err, sql.ErrNoRows) {
		err = store.Errorf(store.ECONFLICT, "message %q already processed", m.DedupKey)
	}
	return db.wrapError("record processed", err)
}

// FindProcessed returns ENOTFOUND when the key was never recorded.
func (db *DB) FindProcessed(ctx context.Context, dedupKey string) (*store.ProcessedMessage, error) {
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

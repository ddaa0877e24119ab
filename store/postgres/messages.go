package postgres

import (
	"context"
	"strings"

	"github.com/jackc/pgx/v5/pgtype"

	"envoybot/store"
)

// RecordProcessed stores the message; a second record of the same key
// changes nothing and returns ECONFLICT.
func (db *DB) RecordProcessed(ctx context.Context, m store.ProcessedMessage) error {
	if strings.TrimSpace(m.DedupKey) == "" || m.At.IsZero() {
		return wrapError("record processed", store.Errorf(store.EINVALID, "processed message needs a dedup key and a time"))
	}
	tag, err := db.pool.Exec(ctx, `
		INSERT INTO processed_messages (dedup_key, openid, reply, processed_at)
		VALUES ($1, $2, $3, $4)
		ON CONFLICT (dedup_key) DO NOTHING`,
		m.DedupKey, m.OpenID, m.Reply, m.At)
	if err != nil {
		return wrapError("record processed", err)
	}
	if tag.RowsAffected() == 0 {
		return wrapError("record processed", store.Errorf(store.ECONFLICT, "message %q already processed", m.DedupKey))
	}
	return nil
}

// FindProcessed returns ENOTFOUND when the key was never recorded.
func (db *DB) FindProcessed(ctx context.Context, dedupKey string) (*store.ProcessedMessage, error) {
	var (
		m  store.ProcessedMessage
		at pgtype.Timestamptz
	)
	err := db.pool.QueryRow(ctx, `
		SELECT dedup_key, openid, reply, processed_at
		FROM processed_messages WHERE dedup_key = $1`, dedupKey).Scan(
		&m.DedupKey, &m.OpenID, &m.Reply, &at)
	if err != nil {
		return nil, wrapError("find processed", err)
	}
	m.At = timeOf(at)
	return &m, nil
}

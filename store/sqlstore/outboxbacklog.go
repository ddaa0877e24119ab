package sqlstore

import (
	"context"
	"database/sql"
	"time"

	"envoybot/store"
)

// OutboxBacklog counts pending, due and claimed notices as of at, in one
// read over the (status, next_attempt_at) index.
func (db *DB) OutboxBacklog(ctx context.Context, at time.Time) (store.OutboxBacklog, error) {
	var b store.OutboxBacklog
	var pending, due, sending sql.NullInt64
	err := db.reader().row(ctx, `
		SELECT
			SUM(CASE WHEN status = 'pending' THEN 1 ELSE 0 END),
			SUM(CASE WHEN status = 'pending' AND next_attempt_at <= $1 THEN 1 ELSE 0 END),
			SUM(CASE WHEN status = 'sending' THEN 1 ELSE 0 END),
			MIN(CASE WHEN status = 'pending' AND next_attempt_at <= $1 THEN next_attempt_at END)
		FROM outbox WHERE status IN ('pending', 'sending')`, at).
		Scan(&pending, &due, &sending, timeColumn{&b.OldestDue})
	if err != nil {
		return store.OutboxBacklog{}, db.wrapError("outbox backlog", err)
	}
	b.Pending, b.Due, b.Sending = int(pending.Int64), int(due.Int64), int(sending.Int64)
	return b, nil
}

package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"envoybot/store"
)

// publishGuard runs first in the transaction that creates an activity or
// a lecture (table is activities or lectures). It locks the envoy's users
// row, so that one envoy's creates take turns on PostgreSQL (on SQLite the
// write transaction already excludes every other writer); then it returns
// the code of the envoy's row of table made from p.OriginKey when there is
// one, which the create returns instead of making another, whatever the
// cap; else, when the envoy created p.CapPerDay activities and lectures
// since p.DayStart, it returns EFORBIDDEN MsgPublishCap. Under the lock the
// count sees every create of the envoy that committed before, so racing
// creates never overshoot the cap.
func publishGuard(ctx context.Context, tx conn, table string, envoyID int64, p store.Publish) (existing string, err error) {
	var id int64
	err = tx.row(ctx, `SELECT id FROM users WHERE id = $1`+tx.d.forUpdate, envoyID).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return "", store.Errorf(store.ENOTFOUND, "unknown user")
	} else if err != nil {
		return "", fmt.Errorf("lock envoy: %w", err)
	}
	if p.OriginKey != "" {
		err := tx.row(ctx, `SELECT code FROM `+table+` WHERE origin_key = $1 AND envoy_id = $2`,
			p.OriginKey, envoyID).Scan(&existing)
		switch {
		case err == nil:
			return existing, nil
		case !errors.Is(err, sql.ErrNoRows):
			return "", fmt.Errorf("find by origin: %w", err)
		}
	}
	if p.CapPerDay <= 0 {
		return "", nil
	}
	n, err := countPublished(ctx, tx, envoyID, p.DayStart)
	if err != nil {
		return "", fmt.Errorf("count published: %w", err)
	}
	if n >= p.CapPerDay {
		return "", store.Errorf(store.EFORBIDDEN, store.MsgPublishCap)
	}
	return "", nil
}

// countPublished counts the envoy's activities and lectures created at or
// after since, cancelled ones too.
func countPublished(ctx context.Context, q conn, envoyID int64, since time.Time) (int, error) {
	var n int
	err := q.row(ctx, `
		SELECT (SELECT COUNT(*) FROM activities WHERE envoy_id = $1 AND created_at >= $2)
			+ (SELECT COUNT(*) FROM lectures WHERE envoy_id = $1 AND created_at >= $2)`,
		envoyID, since).Scan(&n)
	return n, err
}

// originKey is a publish's origin key as a parameter: NULL when empty, so
// that rows not made from a chat message never clash.
func originKey(p store.Publish) any {
	if p.OriginKey == "" {
		return nil
	}
	return p.OriginKey
}

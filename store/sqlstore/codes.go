package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"envoybot/store"
)

// Short-code prefixes, one counter each in code_counters.
const (
	prefixActivity = "A"
	prefixTeam     = "T"
	prefixLecture  = "L"
)

// nextCode hands out the next short code of prefix (A1, A2, ...) inside
// the creating transaction. The upsert locks the counter row until commit
// (SQLite's writer is alone anyway), so racing creators get distinct
// numbers; a rolled-back creation only skips one.
func nextCode(ctx context.Context, tx conn, prefix string) (string, error) {
	var n int64
	err := tx.row(ctx, `
		INSERT INTO code_counters (prefix, last_value) VALUES ($1, 1)
		ON CONFLICT (prefix) DO UPDATE SET last_value = code_counters.last_value + 1
		RETURNING last_value`, prefix).Scan(&n)
	if err != nil {
		return "", fmt.Errorf("next %s code: %w", prefix, err)
	}
	return fmt.Sprintf("%s%d", prefix, n), nil
}

// findUserID returns the id of a known user, ENOTFOUND otherwise.
func findUserID(ctx context.Context, q conn, openID string) (int64, error) {
	var id int64
	err := q.row(ctx, `SELECT id FROM users WHERE openid = $1`, openID).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, store.Errorf(store.ENOTFOUND, "unknown user")
	}
	return id, err
}

// requireUser returns ENOTFOUND unless a user has the id.
func requireUser(ctx context.Context, q conn, userID int64) error {
	var one int
	err := q.row(ctx, `SELECT 1 FROM users WHERE id = $1`, userID).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return store.Errorf(store.ENOTFOUND, "unknown user")
	}
	return err
}

// envoyRecord returns what a new contact point, team, brand, activity or
// lecture belongs to: the ids of its envoy, who must exist, and of its
// community, created when new; and its short code, the next of prefix
// (none when prefix is empty).
func envoyRecord(ctx context.Context, tx conn, envoyID int64, community, prefix string, at time.Time) (_, communityID int64, code string, err error) {
	if err = requireUser(ctx, tx, envoyID); err != nil {
		return 0, 0, "", err
	}
	if communityID, err = ensureCommunity(ctx, tx, community, at); err != nil || prefix == "" {
		return envoyID, communityID, "", err
	}
	code, err = nextCode(ctx, tx, prefix)
	return envoyID, communityID, code, err
}

// nullFloat is a nullable coordinate as a parameter.
func nullFloat(p *store.Position, lat bool) any {
	if p == nil {
		return nil
	}
	if lat {
		return p.Lat
	}
	return p.Lng
}

// position is a scanned nullable coordinate pair.
func position(lat, lng sql.NullFloat64) *store.Position {
	if !lat.Valid || !lng.Valid {
		return nil
	}
	return &store.Position{Lat: lat.Float64, Lng: lng.Float64}
}

// minutes is a scanned nullable minute count, -1 for NULL.
func minutes(n sql.NullInt64) int {
	if !n.Valid {
		return -1
	}
	return int(n.Int64)
}

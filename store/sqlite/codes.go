package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
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
// the creating transaction, so a rolled-back creation only skips a number.
func nextCode(ctx context.Context, tx *sql.Tx, prefix string) (string, error) {
	var n int64
	err := tx.QueryRowContext(ctx, `
		INSERT INTO code_counters (prefix, last_value) VALUES (?, 1)
		ON CONFLICT (prefix) DO UPDATE SET last_value = code_counters.last_value + 1
		RETURNING last_value`, prefix).Scan(&n)
	if err != nil {
		return "", fmt.Errorf("next %s code: %w", prefix, err)
	}
	return fmt.Sprintf("%s%d", prefix, n), nil
}

// normaliseCode is how codes are stored and looked up: trimmed and upper
// case, so that "a12 " finds A12.
func normaliseCode(code string) string {
	return strings.ToUpper(strings.TrimSpace(code))
}

// findUserID returns the id of a known user, ENOTFOUND otherwise.
func findUserID(ctx context.Context, q queryer, openID string) (int64, error) {
	var id int64
	err := q.QueryRowContext(ctx, `SELECT id FROM users WHERE openid = ?`, openID).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, store.Errorf(store.ENOTFOUND, "unknown user")
	}
	return id, err
}

// ensureUserID returns the user's id, creating an unknown user as a
// following resident as TouchUser does, but without recording an
// interaction: an import is not the volunteer writing to the account.
func ensureUserID(ctx context.Context, tx *sql.Tx, openID string, at time.Time) (int64, error) {
	if err := checkOpenID(openID); err != nil {
		return 0, err
	}
	if _, err := tx.ExecContext(ctx, `
		INSERT INTO users (openid, following, created_at, updated_at)
		VALUES (?, 1, ?, ?)
		ON CONFLICT (openid) DO NOTHING`,
		openID, timeValue(at), timeValue(at)); err != nil {
		return 0, err
	}
	return findUserID(ctx, tx, openID)
}

// requireText trims s and returns EINVALID naming what when it is empty.
func requireText(s, what string) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", store.Errorf(store.EINVALID, "%s is required", what)
	}
	return s, nil
}

// nullFloat is a nullable REAL as a parameter.
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

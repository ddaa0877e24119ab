package postgres

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgtype"

	"envoybot/store"
)

// Short-code prefixes, one counter each in code_counters.
const (
	prefixActivity = "A"
	prefixTeam     = "T"
	prefixLecture  = "L"
)

// nextCode hands out the next short code of prefix (A1, A2, ...) inside
// the creating transaction. The upsert locks the counter row until commit,
// so racing creators get distinct numbers; a rolled-back creation only
// skips one.
func nextCode(ctx context.Context, tx pgx.Tx, prefix string) (string, error) {
	var n int64
	err := tx.QueryRow(ctx, `
		INSERT INTO code_counters (prefix, last_value) VALUES ($1, 1)
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
	err := q.QueryRow(ctx, `SELECT id FROM users WHERE openid = $1`, openID).Scan(&id)
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, store.Errorf(store.ENOTFOUND, "unknown user")
	}
	return id, err
}

// ensureUserID returns the user's id, creating an unknown user as a
// following resident as TouchUser does, but without recording an
// interaction: an import is not the volunteer writing to the account.
func ensureUserID(ctx context.Context, tx pgx.Tx, openID string, at time.Time) (int64, error) {
	if err := checkOpenID(openID); err != nil {
		return 0, err
	}
	if _, err := tx.Exec(ctx, `
		INSERT INTO users (openid, following, created_at, updated_at)
		VALUES ($1, true, $2, $2)
		ON CONFLICT (openid) DO NOTHING`,
		openID, timeValue(at)); err != nil {
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

// nullFloat is a nullable double precision as a parameter.
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
func position(lat, lng *float64) *store.Position {
	if lat == nil || lng == nil {
		return nil
	}
	return &store.Position{Lat: *lat, Lng: *lng}
}

// minutes is a scanned nullable minute count, -1 for NULL.
func minutes(n *int64) int {
	if n == nil {
		return -1
	}
	return int(*n)
}

// timeColumn scans a nullable timestamptz into *t, in UTC; NULL becomes
// the zero time.
type timeColumn struct{ t *time.Time }

// ScanTimestamptz implements pgtype.TimestamptzScanner.
func (c timeColumn) ScanTimestamptz(v pgtype.Timestamptz) error {
	*c.t = timeOf(v)
	return nil
}

// rowScanner is a pgx.Row or pgx.Rows.
type rowScanner interface {
	Scan(dest ...any) error
}

// prefixedScanner scans prefix destinations before the ones it is given,
// so that a scan helper can read the tail of a wider row.
type prefixedScanner struct {
	row    rowScanner
	prefix []any
}

// Scan implements rowScanner.
func (p prefixedScanner) Scan(dest ...any) error {
	return p.row.Scan(append(append([]any{}, p.prefix...), dest...)...)
}

// collect reads and closes rows with scan, never returning a nil slice.
func collect[T any](rows pgx.Rows, scan func(row rowScanner) (T, error)) ([]T, error) {
	defer rows.Close()
	list := []T{}
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, err
		}
		list = append(list, v)
	}
	return list, rows.Err()
}

// mustAffect turns a statement that matched no row into pgx.ErrNoRows.
func mustAffect(tag pgconn.CommandTag, err error) error {
	if err != nil {
		return err
	}
	if tag.RowsAffected() == 0 {
		return pgx.ErrNoRows
	}
	return nil
}

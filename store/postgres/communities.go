package postgres

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"

	"envoybot/store"
)

// ListCommunities returns every community ordered by name, in code point
// order (COLLATE "C") so that both backends agree whatever the database
// locale.
func (db *DB) ListCommunities(ctx context.Context) ([]*store.Community, error) {
	rows, err := db.pool.Query(ctx, `SELECT id, name, created_at FROM communities ORDER BY name COLLATE "C"`)
	if err != nil {
		return nil, wrapError("list communities", err)
	}
	communities, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (*store.Community, error) {
		var (
			c         store.Community
			createdAt pgtype.Timestamptz
		)
		err := row.Scan(&c.ID, &c.Name, &createdAt)
		c.CreatedAt = timeOf(createdAt)
		return &c, err
	})
	if err != nil {
		return nil, wrapError("list communities", err)
	}
	if communities == nil {
		communities = []*store.Community{}
	}
	return communities, nil
}

// ensureCommunity returns the id of the named community, creating it. DO
// NOTHING waits for a racing insert of the same name to commit, and the
// SELECT, a new statement, then sees it.
func ensureCommunity(ctx context.Context, tx pgx.Tx, name string, at time.Time) (int64, error) {
	if _, err := tx.Exec(ctx, `
		INSERT INTO communities (name, created_at) VALUES ($1, $2)
		ON CONFLICT (name) DO NOTHING`, name, timeValue(at)); err != nil {
		return 0, err
	}
	var id int64
	err := tx.QueryRow(ctx, `SELECT id FROM communities WHERE name = $1`, name).Scan(&id)
	return id, err
}

package sqlite

import (
	"context"
	"database/sql"
	"time"

	"envoybot/store"
)

// ListCommunities returns every community ordered by name (code point
// order, the same in both backends).
func (db *DB) ListCommunities(ctx context.Context) ([]*store.Community, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT id, name, created_at FROM communities ORDER BY name`)
	if err != nil {
		return nil, wrapError("list communities", err)
	}
	defer rows.Close()
	communities := []*store.Community{}
	for rows.Next() {
		var c store.Community
		if err := rows.Scan(&c.ID, &c.Name, timeColumn{&c.CreatedAt}); err != nil {
			return nil, wrapError("list communities", err)
		}
		communities = append(communities, &c)
	}
	if err := rows.Err(); err != nil {
		return nil, wrapError("list communities", err)
	}
	return communities, nil
}

// ensureCommunity returns the id of the named community, creating it.
func ensureCommunity(ctx context.Context, tx *sql.Tx, name string, at time.Time) (int64, error) {
	if _, err := tx.ExecContext(ctx, `
		INSERT INTO communities (name, created_at) VALUES (?, ?)
		ON CONFLICT (name) DO NOTHING`, name, timeValue(at)); err != nil {
		return 0, err
	}
	var id int64
	err := tx.QueryRowContext(ctx, `SELECT id FROM communities WHERE name = ?`, name).Scan(&id)
	return id, err
}

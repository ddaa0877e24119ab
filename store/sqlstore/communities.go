package sqlstore

import (
	"context"
	"time"

	"envoybot/store"
)

// codePointOrder is an ORDER BY term sorting expr in code point order, so
// that both engines agree whatever the database locale: COLLATE "C" on
// PostgreSQL, while SQLite's default BINARY collation already compares the
// UTF-8 bytes, which is code point order.
func (d *dialect) codePointOrder(expr string) string {
	if d.pg {
		return expr + ` COLLATE "C"`
	}
	return expr
}

// ListCommunities returns every community ordered by name, in code point
// order.
func (db *DB) ListCommunities(ctx context.Context) ([]*store.Community, error) {
	rows, err := db.reader().query(ctx, `SELECT id, name, created_at FROM communities ORDER BY `+
		db.d.codePointOrder("name"))
	communities, err := collect(rows, err, func(row rowScanner) (*store.Community, error) {
		var c store.Community
		err := row.Scan(&c.ID, &c.Name, timeColumn{&c.CreatedAt})
		return &c, err
	})
	if err != nil {
		return nil, db.wrapError("list communities", err)
	}
	return communities, nil
}

// ensureCommunity returns the id of the named community, creating it. On
// PostgreSQL DO NOTHING waits for a racing insert of the same name to
// commit, and the SELECT, a new statement, then sees it; SQLite's writer
// is alone.
func ensureCommunity(ctx context.Context, tx conn, name string, at time.Time) (int64, error) {
	if _, err := tx.exec(ctx, `
		INSERT INTO communities (name, created_at) VALUES ($1, $2)
		ON CONFLICT (name) DO NOTHING`, name, at); err != nil {
		return 0, err
	}
	var id int64
	err := tx.row(ctx, `SELECT id FROM communities WHERE name = $1`, name).Scan(&id)
	return id, err
}

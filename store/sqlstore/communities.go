package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
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

// knownCommunity returns the id of the named community, ENOTFOUND
// MsgUnknownCommunity when there is none: volunteers and residents choose
// among the known communities, they never add one.
func knownCommunity(ctx context.Context, q conn, name string) (int64, error) {
	var id int64
	err := q.row(ctx, `SELECT id FROM communities WHERE name = $1`, strings.TrimSpace(name)).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, store.Errorf(store.ENOTFOUND, store.MsgUnknownCommunity)
	}
	return id, err
}

// AddCommunities adds the named communities that are missing, as they are
// written (the configuration has checked them), and returns how many.
func (db *DB) AddCommunities(ctx context.Context, names []string, at time.Time) (int, error) {
	return write(ctx, db, "add communities", func(tx conn) (int, error) {
		added := 0
		for _, name := range names {
			if err := store.ValidateCommunityName(name); err != nil {
				return 0, err
			}
			ok, err := inserted(tx.exec(ctx, `
				INSERT INTO communities (name, created_at) VALUES ($1, $2)
				ON CONFLICT (name) DO NOTHING`, store.CleanCommunityName(name), at))
			if err != nil {
				return 0, err
			}
			if ok {
				added++
			}
		}
		return added, nil
	})
}

// CreateCommunity adds one community under its cleaned name.
func (db *DB) CreateCommunity(ctx context.Context, name string, at time.Time) (*store.Community, error) {
	if err := store.ValidateCommunityName(name); err != nil {
		return nil, db.wrapError("create community", err)
	}
	name = store.CleanCommunityName(name)
	return write(ctx, db, "create community", func(tx conn) (*store.Community, error) {
		if err := checkCommunityName(ctx, tx, 0, name); err != nil {
			return nil, err
		}
		c := &store.Community{Name: name, CreatedAt: at}
		return c, tx.row(ctx, `INSERT INTO communities (name, created_at) VALUES ($1, $2) RETURNING id`,
			name, at).Scan(&c.ID)
	})
}

// RenameCommunity gives the community a new cleaned name; what refers to
// it keeps referring to it, by id.
func (db *DB) RenameCommunity(ctx context.Context, id int64, name string) (*store.Community, error) {
	if err := store.ValidateCommunityName(name); err != nil {
		return nil, db.wrapError("rename community", err)
	}
	name = store.CleanCommunityName(name)
	return write(ctx, db, "rename community", func(tx conn) (*store.Community, error) {
		c, err := findCommunity(ctx, tx, id)
		if err != nil {
			return nil, err
		}
		if err := checkCommunityName(ctx, tx, id, name); err != nil {
			return nil, err
		}
		if _, err := tx.exec(ctx, `UPDATE communities SET name = $1 WHERE id = $2`, name, id); err != nil {
			return nil, err
		}
		c.Name = name
		return c, nil
	})
}

// checkCommunityName returns ECONFLICT naming the community (other than
// id) that has name or the same key: 古槐社区居委会 is 古槐社区 again.
func checkCommunityName(ctx context.Context, tx conn, id int64, name string) error {
	rows, err := tx.query(ctx, `SELECT id, name FROM communities`)
	type row struct {
		id   int64
		name string
	}
	all, err := collect(rows, err, func(r rowScanner) (c row, err error) { return c, r.Scan(&c.id, &c.name) })
	if err != nil {
		return err
	}
	key := store.CommunityKey(name)
	for _, c := range all {
		if c.id != id && (c.name == name || store.CommunityKey(c.name) == key) {
			return store.Errorf(store.ECONFLICT, "community %s exists", c.name)
		}
	}
	return nil
}

// findCommunity reads one community by id.
func findCommunity(ctx context.Context, q conn, id int64) (*store.Community, error) {
	c := &store.Community{}
	err := q.row(ctx, `SELECT id, name, created_at FROM communities WHERE id = $1`, id).Scan(
		&c.ID, &c.Name, timeColumn{&c.CreatedAt})
	if errors.Is(err, sql.ErrNoRows) {
		return nil, store.Errorf(store.ENOTFOUND, "community %d not found", id)
	}
	return c, err
}

// mergeSteps move the rows of each table that refers to a community from
// $1 to $2. Where a row of the merged community would repeat one of the
// other (an envoy's contact point, a user's subscription), the other keeps
// the earlier time or the subscription turned on, and the repeat goes.
// Brands (one per community) are handled in MergeCommunities.
var mergeSteps = []struct{ table, statements string }{
	{"users", `UPDATE users SET community_id = $2 WHERE community_id = $1`},
	{"contact_points", `
		UPDATE contact_points SET created_at = (
			SELECT MIN(o.created_at) FROM contact_points o
			WHERE o.envoy_id = contact_points.envoy_id AND o.community_id IN ($1, $2))
		WHERE community_id = $2 AND envoy_id IN (SELECT envoy_id FROM contact_points WHERE community_id = $1);
		DELETE FROM contact_points
		WHERE community_id = $1 AND envoy_id IN (SELECT envoy_id FROM contact_points WHERE community_id = $2);
		UPDATE contact_points SET community_id = $2 WHERE community_id = $1`},
	{"teams", `UPDATE teams SET community_id = $2 WHERE community_id = $1`},
	{"activities", `UPDATE activities SET community_id = $2 WHERE community_id = $1`},
	{"lectures", `UPDATE lectures SET community_id = $2 WHERE community_id = $1`},
	{"help_requests", `UPDATE help_requests SET community_id = $2 WHERE community_id = $1`},
	{"lecture_subscriptions", `
		UPDATE lecture_subscriptions SET active = TRUE
		WHERE community_id = $2 AND active = FALSE
			AND user_id IN (SELECT user_id FROM lecture_subscriptions WHERE community_id = $1 AND active = TRUE);
		DELETE FROM lecture_subscriptions
		WHERE community_id = $1 AND user_id IN (SELECT user_id FROM lecture_subscriptions WHERE community_id = $2);
		UPDATE lecture_subscriptions SET community_id = $2 WHERE community_id = $1`},
}

// MergeTables names every table whose rows MergeCommunities moves, for
// tests that check no reference to communities is left behind.
func MergeTables() []string {
	tables := []string{"brands"}
	for _, s := range mergeSteps {
		tables = append(tables, s.table)
	}
	return tables
}

// MergeCommunities moves everything of community from into community into
// and deletes from, in one transaction. The rows moved are counted by the
// last statement of each step, the one that moves them.
func (db *DB) MergeCommunities(ctx context.Context, fromID, intoID int64) (*store.CommunityMerge, error) {
	if fromID == intoID {
		return nil, db.wrapError("merge communities", store.Errorf(store.EINVALID, "a community cannot be merged into itself"))
	}
	return write(ctx, db, "merge communities", func(tx conn) (*store.CommunityMerge, error) {
		from, err := findCommunity(ctx, tx, fromID)
		if err != nil {
			return nil, err
		}
		into, err := findCommunity(ctx, tx, intoID)
		if err != nil {
			return nil, err
		}
		m := &store.CommunityMerge{From: from.Name, Into: into.Name, Moved: map[string]int{}}
		for _, step := range mergeSteps {
			for _, statement := range strings.Split(step.statements, ";") {
				res, err := tx.exec(ctx, statement, fromID, intoID)
				if err != nil {
					return nil, fmt.Errorf("%s: %w", step.table, err)
				}
				n, err := res.RowsAffected()
				if err != nil {
					return nil, err
				}
				m.Moved[step.table] = int(n)
			}
		}
		if m.Moved["brands"], m.DroppedBrand, err = mergeBrand(ctx, tx, fromID, intoID); err != nil {
			return nil, err
		}
		if err := tx.mustAffect(ctx, `DELETE FROM communities WHERE id = $1`, fromID); err != nil {
			return nil, err
		}
		return m, nil
	})
}

// mergeBrand moves the merged community's brand when the other has none;
// when both have one, the other's stays and the merged one's is deleted,
// its name returned.
func mergeBrand(ctx context.Context, tx conn, fromID, intoID int64) (moved int, dropped string, err error) {
	var n int
	if err := tx.row(ctx, `SELECT COUNT(*) FROM brands WHERE community_id = $1`, intoID).Scan(&n); err != nil {
		return 0, "", err
	}
	if n == 0 {
		res, err := tx.exec(ctx, `UPDATE brands SET community_id = $2 WHERE community_id = $1`, fromID, intoID)
		if err != nil {
			return 0, "", err
		}
		affected, err := res.RowsAffected()
		return int(affected), "", err
	}
	err = tx.row(ctx, `DELETE FROM brands WHERE community_id = $1 RETURNING name`, fromID).Scan(&dropped)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, "", nil
	}
	return 0, dropped, err
}

// ListCommunityStats returns every community with its counts, in code
// point order of the names.
func (db *DB) ListCommunityStats(ctx context.Context) ([]*store.CommunityStats, error) {
	return readAll(ctx, db, "list community stats", func(row rowScanner) (*store.CommunityStats, error) {
		var c store.CommunityStats
		err := row.Scan(&c.ID, &c.Name, timeColumn{&c.CreatedAt}, &c.Volunteers, &c.Subscribers,
			&c.Activities, &c.Lectures, &c.ContactPoints, &c.Teams, &c.Brands)
		return &c, err
	}, `
		SELECT c.id, c.name, c.created_at,
			(SELECT COUNT(*) FROM users u WHERE u.community_id = c.id
				AND u.real_name <> '' AND u.mobile <> '' AND u.anonymised_at IS NULL),
			(SELECT COUNT(*) FROM lecture_subscriptions s WHERE s.community_id = c.id AND s.active = TRUE),
			(SELECT COUNT(*) FROM activities a WHERE a.community_id = c.id),
			(SELECT COUNT(*) FROM lectures l WHERE l.community_id = c.id),
			(SELECT COUNT(*) FROM contact_points p WHERE p.community_id = c.id),
			(SELECT COUNT(*) FROM teams t WHERE t.community_id = c.id),
			(SELECT COUNT(*) FROM brands b WHERE b.community_id = c.id)
		FROM communities c
		ORDER BY `+db.d.codePointOrder("c.name"))
}

package sqlstore

import (
	"context"
	"strings"
	"time"

	"envoybot/store"
)

// AddContactPoint links the envoy with the community, creating the
// community when new.
func (db *DB) AddContactPoint(ctx context.Context, envoyID int64, community string, at time.Time) (*store.ContactPoint, bool, error) {
	community, err := envoyText(community, "community")
	if err != nil {
		return nil, false, db.wrapError("add contact point", err)
	}
	return writeFlagged(ctx, db, "add contact point", func(tx conn, created *bool) (*store.ContactPoint, error) {
		_, communityID, _, err := envoyRecord(ctx, tx, envoyID, community, "", at)
		if err != nil {
			return nil, err
		}
		if *created, err = inserted(tx.exec(ctx, `
			INSERT INTO contact_points (envoy_id, community_id, created_at) VALUES ($1, $2, $3)
			ON CONFLICT (envoy_id, community_id) DO NOTHING`,
			envoyID, communityID, at)); err != nil {
			return nil, err
		}
		cp := &store.ContactPoint{EnvoyID: envoyID, Community: community}
		return cp, tx.row(ctx, `
			SELECT id, created_at FROM contact_points WHERE envoy_id = $1 AND community_id = $2`,
			envoyID, communityID).Scan(&cp.ID, timeColumn{&cp.CreatedAt})
	})
}

// ListContactPoints returns the envoy's contact points, oldest first.
func (db *DB) ListContactPoints(ctx context.Context, envoyID int64) ([]*store.ContactPoint, error) {
	return read(db, "list contact points", func(q conn) ([]*store.ContactPoint, error) { return listContactPoints(ctx, q, envoyID) })
}

// listContactPoints reads the contact points of the envoy, which must exist.
func listContactPoints(ctx context.Context, q conn, envoyID int64) ([]*store.ContactPoint, error) {
	return listOfEnvoy(ctx, q, envoyID, `
		SELECT cp.id, cp.envoy_id, c.name, cp.created_at
		FROM contact_points cp JOIN communities c ON c.id = cp.community_id
		WHERE cp.envoy_id = $1
		ORDER BY cp.created_at, cp.id`, func(row rowScanner) (*store.ContactPoint, error) {
		var cp store.ContactPoint
		err := row.Scan(&cp.ID, &cp.EnvoyID, &cp.Community, timeColumn{&cp.CreatedAt})
		return &cp, err
	})
}

// teamColumns selects a team with its community and member count; FROM
// teams t JOIN communities c must follow.
const teamColumns = `t.id, t.code, t.name, t.envoy_id, c.name,
	(SELECT COUNT(*) FROM team_members m WHERE m.team_id = t.id), t.created_at`

// CreateTeam creates a team with the next short code in a known
// community.
func (db *DB) CreateTeam(ctx context.Context, envoyID int64, name, community string, at time.Time) (*store.Team, error) {
	name, err := envoyText(name, "team name")
	if err == nil {
		err = store.FieldTeamName.Check(name)
	}
	if err == nil {
		community, err = envoyText(community, "community")
	}
	if err != nil {
		return nil, db.wrapError("create team", err)
	}
	return write(ctx, db, "create team", func(tx conn) (*store.Team, error) {
		if _, err := knownCommunity(ctx, tx, community); err != nil {
			return nil, err
		}
		_, communityID, code, err := envoyRecord(ctx, tx, envoyID, community, prefixTeam, at)
		if err != nil {
			return nil, err
		}
		if _, err := tx.exec(ctx, `
			INSERT INTO teams (code, name, envoy_id, community_id, created_at) VALUES ($1, $2, $3, $4, $5)`,
			code, name, envoyID, communityID, at); err != nil {
			return nil, err
		}
		return findTeam(ctx, tx, code)
	})
}

// FindTeamByCode returns the team with its member count.
func (db *DB) FindTeamByCode(ctx context.Context, code string) (*store.Team, error) {
	return read(db, "find team by code", func(q conn) (*store.Team, error) {
		return findTeam(ctx, q, store.NormaliseCode(code))
	})
}

// JoinTeam adds the user (ENOTFOUND for an unknown id) to the team.
func (db *DB) JoinTeam(ctx context.Context, code string, userID int64, at time.Time) (*store.Team, bool, error) {
	return writeFlagged(ctx, db, "join team", func(tx conn, joined *bool) (*store.Team, error) {
		found, err := findTeam(ctx, tx, store.NormaliseCode(code))
		if err != nil {
			return nil, err
		}
		if err := requireUser(ctx, tx, userID); err != nil {
			return nil, err
		}
		if *joined, err = inserted(tx.exec(ctx, `
			INSERT INTO team_members (team_id, user_id, joined_at) VALUES ($1, $2, $3)
			ON CONFLICT (team_id, user_id) DO NOTHING`, found.ID, userID, at)); err != nil {
			return nil, err
		}
		return findTeam(ctx, tx, found.Code)
	})
}

// ListTeamsByEnvoy returns the envoy's teams, oldest first.
func (db *DB) ListTeamsByEnvoy(ctx context.Context, envoyID int64) ([]*store.Team, error) {
	return read(db, "list teams by envoy", func(q conn) ([]*store.Team, error) { return listTeamsByEnvoy(ctx, q, envoyID) })
}

// listTeamsByEnvoy reads the teams of the envoy, which must exist.
func listTeamsByEnvoy(ctx context.Context, q conn, envoyID int64) ([]*store.Team, error) {
	return listOfEnvoy(ctx, q, envoyID, `
		SELECT `+teamColumns+`
		FROM teams t JOIN communities c ON c.id = t.community_id
		WHERE t.envoy_id = $1
		ORDER BY t.created_at, t.id`, scanTeam)
}

// findTeam reads the team stored under code (already normalised).
func findTeam(ctx context.Context, q conn, code string) (*store.Team, error) {
	return scanTeam(q.row(ctx, `
		SELECT `+teamColumns+`
		FROM teams t JOIN communities c ON c.id = t.community_id
		WHERE t.code = $1`, code))
}

// scanTeam reads the teamColumns of one row.
func scanTeam(row rowScanner) (*store.Team, error) {
	var t store.Team
	if err := row.Scan(&t.ID, &t.Code, &t.Name, &t.EnvoyID, &t.Community, &t.Members, timeColumn{&t.CreatedAt}); err != nil {
		return nil, err
	}
	return &t, nil
}

// SetBrand creates the community's brand, or replaces its name and
// description when the envoy holds it; another envoy's brand is ECONFLICT
// MsgBrandHeld. The community must be known. On PostgreSQL, DO NOTHING
// waits for a racing insert for the same community, after which the
// brand row is read FOR UPDATE and its holder checked; on SQLite the
// single writer runs one call after the other.
func (db *DB) SetBrand(ctx context.Context, envoyID int64, community, name, description string, at time.Time) (*store.Brand, bool, error) {
	b, created, _, err := db.setBrand(ctx, "set brand", envoyID, community, name, description, false, at)
	return b, created, err
}

// ReassignBrand is SetBrand for an admin: the brand becomes envoyID's
// whoever held it, and the earlier holder is returned (0 when none or the
// same).
func (db *DB) ReassignBrand(ctx context.Context, envoyID int64, community, name, description string, at time.Time) (*store.Brand, int64, error) {
	b, _, previous, err := db.setBrand(ctx, "reassign brand", envoyID, community, name, description, true, at)
	return b, previous, err
}

// setBrand is SetBrand and ReassignBrand: reassign lets envoyID replace
// another holder.
func (db *DB) setBrand(ctx context.Context, op string, envoyID int64, community, name, description string, reassign bool, at time.Time) (*store.Brand, bool, int64, error) {
	community, err := envoyText(community, "community")
	if err == nil {
		name, err = envoyText(name, "brand name")
	}
	description = strings.TrimSpace(description)
	if err == nil {
		err = store.FieldBrandName.Check(name)
	}
	if err == nil {
		err = store.FieldDescription.Check(description)
	}
	if err != nil {
		return nil, false, 0, db.wrapError(op, err)
	}
	var previous int64
	b, created, err := writeFlagged(ctx, db, op, func(tx conn, created *bool) (*store.Brand, error) {
		previous = 0 // a retried fn starts afresh
		if _, err := knownCommunity(ctx, tx, community); err != nil {
			return nil, err
		}
		_, communityID, _, err := envoyRecord(ctx, tx, envoyID, community, "", at)
		if err != nil {
			return nil, err
		}
		if *created, err = inserted(tx.exec(ctx, `
			INSERT INTO brands (community_id, name, description, envoy_id, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $5)
			ON CONFLICT (community_id) DO NOTHING`,
			communityID, name, description, envoyID, at)); err != nil {
			return nil, err
		}
		if !*created {
			var holder int64
			if err := tx.row(ctx, `SELECT envoy_id FROM brands WHERE community_id = $1`+tx.d.forUpdate,
				communityID).Scan(&holder); err != nil {
				return nil, err
			}
			if holder != envoyID {
				if !reassign {
					return nil, store.Errorf(store.ECONFLICT, store.MsgBrandHeld)
				}
				previous = holder
			}
			if _, err := tx.exec(ctx, `
				UPDATE brands SET name = $1, description = $2, envoy_id = $3, updated_at = $4
				WHERE community_id = $5`,
				name, description, envoyID, at, communityID); err != nil {
				return nil, err
			}
		}
		return findBrand(ctx, tx, community)
	})
	return b, created, previous, err
}

// FindBrand returns the community's brand with its holder's name.
func (db *DB) FindBrand(ctx context.Context, community string) (*store.Brand, error) {
	return read(db, "find brand", func(q conn) (*store.Brand, error) {
		return findBrand(ctx, q, strings.TrimSpace(community))
	})
}

// findBrand reads the brand of the community named community.
func findBrand(ctx context.Context, q conn, community string) (*store.Brand, error) {
	b := &store.Brand{Community: community}
	return b, q.row(ctx, `
		SELECT b.id, b.name, b.description, b.envoy_id, u.real_name, b.created_at, b.updated_at
		FROM brands b JOIN communities c ON c.id = b.community_id JOIN users u ON u.id = b.envoy_id
		WHERE c.name = $1`, community).Scan(
		&b.ID, &b.Name, &b.Description, &b.EnvoyID, &b.EnvoyName, timeColumn{&b.CreatedAt}, timeColumn{&b.UpdatedAt})
}

// CountPublishedSince counts the envoy's activities and lectures created
// at or after since, cancelled ones too.
func (db *DB) CountPublishedSince(ctx context.Context, envoyID int64, since time.Time) (int, error) {
	n, err := countPublished(ctx, db.reader(), envoyID, since)
	if err != nil {
		return 0, db.wrapError("count published", err)
	}
	return n, nil
}

// ListBrandsByEnvoy returns the brands the envoy registered, oldest first.
func (db *DB) ListBrandsByEnvoy(ctx context.Context, envoyID int64) ([]*store.Brand, error) {
	return read(db, "list brands by envoy", func(q conn) ([]*store.Brand, error) { return listBrandsByEnvoy(ctx, q, envoyID) })
}

// listBrandsByEnvoy reads the brands of the envoy, which must exist.
func listBrandsByEnvoy(ctx context.Context, q conn, envoyID int64) ([]*store.Brand, error) {
	return listOfEnvoy(ctx, q, envoyID, `
		SELECT b.id, c.name, b.name, b.description, b.envoy_id, b.created_at, b.updated_at
		FROM brands b JOIN communities c ON c.id = b.community_id
		WHERE b.envoy_id = $1
		ORDER BY b.created_at, b.id`, func(row rowScanner) (*store.Brand, error) {
		var b store.Brand
		err := row.Scan(&b.ID, &b.Community, &b.Name, &b.Description, &b.EnvoyID,
			timeColumn{&b.CreatedAt}, timeColumn{&b.UpdatedAt})
		return &b, err
	})
}

// listOfEnvoy reads the rows of query, whose $1 is the id of the envoy
// (who must exist), with scan.
func listOfEnvoy[T any](ctx context.Context, q conn, envoyID int64, query string, scan func(rowScanner) (T, error)) ([]T, error) {
	if err := requireUser(ctx, q, envoyID); err != nil {
		return nil, err
	}
	rows, err := q.query(ctx, query, envoyID)
	return collect(rows, err, scan)
}

// envoyText trims s and returns EINVALID naming what when it is empty: a
// community, team or brand name is required (package store has no
// exported rule for a bare required name).
func envoyText(s, what string) (string, error) {
	if s = strings.TrimSpace(s); s == "" {
		return "", store.Errorf(store.EINVALID, "%s is required", what)
	}
	return s, nil
}

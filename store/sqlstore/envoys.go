package sqlstore

import (
	"context"
	"database/sql"
	"strings"
	"time"

	"envoybot/store"
)

// AddContactPoint links the envoy with the community, creating the
// community when new.
func (db *DB) AddContactPoint(ctx context.Context, envoyOpenID, community string, at time.Time) (*store.ContactPoint, bool, error) {
	community, err := envoyText(community, "community")
	if err != nil {
		return nil, false, db.wrapError("add contact point", err)
	}
	var (
		cp      *store.ContactPoint
		created bool
	)
	err = db.inTx(ctx, func(tx conn) error {
		envoyID, err := findUserID(ctx, tx, envoyOpenID)
		if err != nil {
			return err
		}
		communityID, err := ensureCommunity(ctx, tx, community, at)
		if err != nil {
			return err
		}
		if created, err = envoyInserted(tx.exec(ctx, `
			INSERT INTO contact_points (envoy_id, community_id, created_at) VALUES ($1, $2, $3)
			ON CONFLICT (envoy_id, community_id) DO NOTHING`,
			envoyID, communityID, at)); err != nil {
			return err
		}
		cp = &store.ContactPoint{EnvoyID: envoyID, Community: community}
		return tx.row(ctx, `
			SELECT id, created_at FROM contact_points WHERE envoy_id = $1 AND community_id = $2`,
			envoyID, communityID).Scan(&cp.ID, timeColumn{&cp.CreatedAt})
	})
	if err != nil {
		return nil, false, db.wrapError("add contact point", err)
	}
	return cp, created, nil
}

// ListContactPoints returns the envoy's contact points, oldest first.
func (db *DB) ListContactPoints(ctx context.Context, envoyOpenID string) ([]*store.ContactPoint, error) {
	cps, err := listContactPoints(ctx, db.reader(), envoyOpenID)
	if err != nil {
		return nil, db.wrapError("list contact points", err)
	}
	return cps, nil
}

// listContactPoints reads the contact points of the envoy, which must exist.
func listContactPoints(ctx context.Context, q conn, envoyOpenID string) ([]*store.ContactPoint, error) {
	envoyID, err := findUserID(ctx, q, envoyOpenID)
	if err != nil {
		return nil, err
	}
	rows, err := q.query(ctx, `
		SELECT cp.id, cp.envoy_id, c.name, cp.created_at
		FROM contact_points cp JOIN communities c ON c.id = cp.community_id
		WHERE cp.envoy_id = $1
		ORDER BY cp.created_at, cp.id`, envoyID)
	return collect(rows, err, func(row rowScanner) (*store.ContactPoint, error) {
		var cp store.ContactPoint
		err := row.Scan(&cp.ID, &cp.EnvoyID, &cp.Community, timeColumn{&cp.CreatedAt})
		return &cp, err
	})
}

// teamColumns selects a team with its community and member count; FROM
// teams t JOIN communities c must follow.
const teamColumns = `t.id, t.code, t.name, t.envoy_id, c.name,
	(SELECT COUNT(*) FROM team_members m WHERE m.team_id = t.id), t.created_at`

// CreateTeam creates a team with the next short code, creating the
// community when new.
func (db *DB) CreateTeam(ctx context.Context, envoyOpenID, name, community string, at time.Time) (*store.Team, error) {
	name, err := envoyText(name, "team name")
	if err == nil {
		community, err = envoyText(community, "community")
	}
	if err != nil {
		return nil, db.wrapError("create team", err)
	}
	var t *store.Team
	err = db.inTx(ctx, func(tx conn) error {
		envoyID, err := findUserID(ctx, tx, envoyOpenID)
		if err != nil {
			return err
		}
		communityID, err := ensureCommunity(ctx, tx, community, at)
		if err != nil {
			return err
		}
		code, err := nextCode(ctx, tx, prefixTeam)
		if err != nil {
			return err
		}
		if _, err := tx.exec(ctx, `
			INSERT INTO teams (code, name, envoy_id, community_id, created_at) VALUES ($1, $2, $3, $4, $5)`,
			code, name, envoyID, communityID, at); err != nil {
			return err
		}
		t, err = findTeam(ctx, tx, code)
		return err
	})
	if err != nil {
		return nil, db.wrapError("create team", err)
	}
	return t, nil
}

// FindTeamByCode returns the team with its member count.
func (db *DB) FindTeamByCode(ctx context.Context, code string) (*store.Team, error) {
	t, err := findTeam(ctx, db.reader(), store.NormaliseCode(code))
	if err != nil {
		return nil, db.wrapError("find team by code", err)
	}
	return t, nil
}

// JoinTeam adds the user, created as a resident when unknown, to the team.
func (db *DB) JoinTeam(ctx context.Context, code, openID string, at time.Time) (*store.Team, bool, error) {
	var (
		t      *store.Team
		joined bool
	)
	err := db.inTx(ctx, func(tx conn) error {
		found, err := findTeam(ctx, tx, store.NormaliseCode(code))
		if err != nil {
			return err
		}
		userID, err := ensureUserID(ctx, tx, openID, at)
		if err != nil {
			return err
		}
		if joined, err = envoyInserted(tx.exec(ctx, `
			INSERT INTO team_members (team_id, user_id, joined_at) VALUES ($1, $2, $3)
			ON CONFLICT (team_id, user_id) DO NOTHING`, found.ID, userID, at)); err != nil {
			return err
		}
		t, err = findTeam(ctx, tx, found.Code)
		return err
	})
	if err != nil {
		return nil, false, db.wrapError("join team", err)
	}
	return t, joined, nil
}

// ListTeamsByEnvoy returns the envoy's teams, oldest first.
func (db *DB) ListTeamsByEnvoy(ctx context.Context, envoyOpenID string) ([]*store.Team, error) {
	teams, err := listTeamsByEnvoy(ctx, db.reader(), envoyOpenID)
	if err != nil {
		return nil, db.wrapError("list teams by envoy", err)
	}
	return teams, nil
}

// listTeamsByEnvoy reads the teams of the envoy, which must exist.
func listTeamsByEnvoy(ctx context.Context, q conn, envoyOpenID string) ([]*store.Team, error) {
	envoyID, err := findUserID(ctx, q, envoyOpenID)
	if err != nil {
		return nil, err
	}
	rows, err := q.query(ctx, `
		SELECT `+teamColumns+`
		FROM teams t JOIN communities c ON c.id = t.community_id
		WHERE t.envoy_id = $1
		ORDER BY t.created_at, t.id`, envoyID)
	return collect(rows, err, scanTeam)
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

// SetBrand creates the community's brand or replaces its name,
// description and envoy; the community is created when new. On
// PostgreSQL, DO NOTHING waits for a racing insert for the same community,
// which then turns this call into a replacement; on SQLite the single
// writer runs one call after the other.
func (db *DB) SetBrand(ctx context.Context, envoyOpenID, community, name, description string, at time.Time) (*store.Brand, bool, error) {
	community, err := envoyText(community, "community")
	if err == nil {
		name, err = envoyText(name, "brand name")
	}
	if err != nil {
		return nil, false, db.wrapError("set brand", err)
	}
	description = strings.TrimSpace(description)
	var (
		b       = store.Brand{Community: community}
		created bool
	)
	err = db.inTx(ctx, func(tx conn) error {
		envoyID, err := findUserID(ctx, tx, envoyOpenID)
		if err != nil {
			return err
		}
		communityID, err := ensureCommunity(ctx, tx, community, at)
		if err != nil {
			return err
		}
		if created, err = envoyInserted(tx.exec(ctx, `
			INSERT INTO brands (community_id, name, description, envoy_id, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $5)
			ON CONFLICT (community_id) DO NOTHING`,
			communityID, name, description, envoyID, at)); err != nil {
			return err
		}
		if !created {
			if _, err := tx.exec(ctx, `
				UPDATE brands SET name = $1, description = $2, envoy_id = $3, updated_at = $4
				WHERE community_id = $5`,
				name, description, envoyID, at, communityID); err != nil {
				return err
			}
		}
		return tx.row(ctx, `
			SELECT id, name, description, envoy_id, created_at, updated_at
			FROM brands WHERE community_id = $1`, communityID).Scan(
			&b.ID, &b.Name, &b.Description, &b.EnvoyID, timeColumn{&b.CreatedAt}, timeColumn{&b.UpdatedAt})
	})
	if err != nil {
		return nil, false, db.wrapError("set brand", err)
	}
	return &b, created, nil
}

// ListBrandsByEnvoy returns the brands the envoy registered, oldest first.
func (db *DB) ListBrandsByEnvoy(ctx context.Context, envoyOpenID string) ([]*store.Brand, error) {
	brands, err := listBrandsByEnvoy(ctx, db.reader(), envoyOpenID)
	if err != nil {
		return nil, db.wrapError("list brands by envoy", err)
	}
	return brands, nil
}

// listBrandsByEnvoy reads the brands of the envoy, which must exist.
func listBrandsByEnvoy(ctx context.Context, q conn, envoyOpenID string) ([]*store.Brand, error) {
	envoyID, err := findUserID(ctx, q, envoyOpenID)
	if err != nil {
		return nil, err
	}
	rows, err := q.query(ctx, `
		SELECT b.id, c.name, b.name, b.description, b.envoy_id, b.created_at, b.updated_at
		FROM brands b JOIN communities c ON c.id = b.community_id
		WHERE b.envoy_id = $1
		ORDER BY b.created_at, b.id`, envoyID)
	return collect(rows, err, func(row rowScanner) (*store.Brand, error) {
		var b store.Brand
		err := row.Scan(&b.ID, &b.Community, &b.Name, &b.Description, &b.EnvoyID,
			timeColumn{&b.CreatedAt}, timeColumn{&b.UpdatedAt})
		return &b, err
	})
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

// envoyInserted reports whether an INSERT ... ON CONFLICT DO NOTHING added
// its row.
func envoyInserted(res sql.Result, err error) (bool, error) {
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

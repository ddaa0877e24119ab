package sqlite

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
	var (
		cp      *store.ContactPoint
		created bool
	)
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		community, err := requireText(community, "community")
		if err != nil {
			return err
		}
		envoyID, err := findUserID(ctx, tx, envoyOpenID)
		if err != nil {
			return err
		}
		communityID, err := ensureCommunity(ctx, tx, community, at)
		if err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `
			INSERT INTO contact_points (envoy_id, community_id, created_at) VALUES (?, ?, ?)
			ON CONFLICT (envoy_id, community_id) DO NOTHING`,
			envoyID, communityID, timeValue(at))
		if err != nil {
			return err
		}
		n, err := res.RowsAffected()
		if err != nil {
			return err
		}
		created = n == 1
		cp = &store.ContactPoint{EnvoyID: envoyID, Community: community}
		return tx.QueryRowContext(ctx, `
			SELECT id, created_at FROM contact_points WHERE envoy_id = ? AND community_id = ?`,
			envoyID, communityID).Scan(&cp.ID, timeColumn{&cp.CreatedAt})
	})
	if err != nil {
		return nil, false, wrapError("add contact point", err)
	}
	return cp, created, nil
}

// ListContactPoints returns the envoy's contact points, oldest first.
func (db *DB) ListContactPoints(ctx context.Context, envoyOpenID string) ([]*store.ContactPoint, error) {
	cps, err := listContactPoints(ctx, db.read, envoyOpenID)
	if err != nil {
		return nil, wrapError("list contact points", err)
	}
	return cps, nil
}

// listContactPoints reads the contact points of the envoy, which must exist.
func listContactPoints(ctx context.Context, q queryer, envoyOpenID string) ([]*store.ContactPoint, error) {
	envoyID, err := findUserID(ctx, q, envoyOpenID)
	if err != nil {
		return nil, err
	}
	rows, err := q.QueryContext(ctx, `
		SELECT cp.id, cp.envoy_id, c.name, cp.created_at
		FROM contact_points cp JOIN communities c ON c.id = cp.community_id
		WHERE cp.envoy_id = ?
		ORDER BY cp.created_at, cp.id`, envoyID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	cps := []*store.ContactPoint{}
	for rows.Next() {
		var cp store.ContactPoint
		if err := rows.Scan(&cp.ID, &cp.EnvoyID, &cp.Community, timeColumn{&cp.CreatedAt}); err != nil {
			return nil, err
		}
		cps = append(cps, &cp)
	}
	return cps, rows.Err()
}

// teamColumns selects a team with its community and member count; FROM
// teams t JOIN communities c must follow.
const teamColumns = `t.id, t.code, t.name, t.envoy_id, c.name,
	(SELECT COUNT(*) FROM team_members m WHERE m.team_id = t.id), t.created_at`

// CreateTeam creates a team with the next short code, creating the
// community when new.
func (db *DB) CreateTeam(ctx context.Context, envoyOpenID, name, community string, at time.Time) (*store.Team, error) {
	var t *store.Team
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		name, err := requireText(name, "team name")
		if err != nil {
			return err
		}
		community, err := requireText(community, "community")
		if err != nil {
			return err
		}
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
		if _, err := tx.ExecContext(ctx, `
			INSERT INTO teams (code, name, envoy_id, community_id, created_at) VALUES (?, ?, ?, ?, ?)`,
			code, name, envoyID, communityID, timeValue(at)); err != nil {
			return err
		}
		t, err = findTeam(ctx, tx, code)
		return err
	})
	if err != nil {
		return nil, wrapError("create team", err)
	}
	return t, nil
}

// FindTeamByCode returns the team with its member count.
func (db *DB) FindTeamByCode(ctx context.Context, code string) (*store.Team, error) {
	t, err := findTeam(ctx, db.read, normaliseCode(code))
	if err != nil {
		return nil, wrapError("find team by code", err)
	}
	return t, nil
}

// JoinTeam adds the user, created as a resident when unknown, to the team.
func (db *DB) JoinTeam(ctx context.Context, code, openID string, at time.Time) (*store.Team, bool, error) {
	var (
		t      *store.Team
		joined bool
	)
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		found, err := findTeam(ctx, tx, normaliseCode(code))
		if err != nil {
			return err
		}
		userID, err := ensureUserID(ctx, tx, openID, at)
		if err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `
			INSERT INTO team_members (team_id, user_id, joined_at) VALUES (?, ?, ?)
			ON CONFLICT (team_id, user_id) DO NOTHING`, found.ID, userID, timeValue(at))
		if err != nil {
			return err
		}
		n, err := res.RowsAffected()
		if err != nil {
			return err
		}
		joined = n == 1
		t, err = findTeam(ctx, tx, found.Code)
		return err
	})
	if err != nil {
		return nil, false, wrapError("join team", err)
	}
	return t, joined, nil
}

// ListTeamsByEnvoy returns the envoy's teams, oldest first.
func (db *DB) ListTeamsByEnvoy(ctx context.Context, envoyOpenID string) ([]*store.Team, error) {
	teams, err := listTeamsByEnvoy(ctx, db.read, envoyOpenID)
	if err != nil {
		return nil, wrapError("list teams by envoy", err)
	}
	return teams, nil
}

// listTeamsByEnvoy reads the teams of the envoy, which must exist.
func listTeamsByEnvoy(ctx context.Context, q queryer, envoyOpenID string) ([]*store.Team, error) {
	envoyID, err := findUserID(ctx, q, envoyOpenID)
	if err != nil {
		return nil, err
	}
	rows, err := q.QueryContext(ctx, `
		SELECT `+teamColumns+`
		FROM teams t JOIN communities c ON c.id = t.community_id
		WHERE t.envoy_id = ?
		ORDER BY t.created_at, t.id`, envoyID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	teams := []*store.Team{}
	for rows.Next() {
		t, err := scanTeam(rows)
		if err != nil {
			return nil, err
		}
		teams = append(teams, t)
	}
	return teams, rows.Err()
}

// findTeam reads the team stored under code (already normalised).
func findTeam(ctx context.Context, q queryer, code string) (*store.Team, error) {
	return scanTeam(q.QueryRowContext(ctx, `
		SELECT `+teamColumns+`
		FROM teams t JOIN communities c ON c.id = t.community_id
		WHERE t.code = ?`, code))
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
// description and envoy; the community is created when new.
func (db *DB) SetBrand(ctx context.Context, envoyOpenID, community, name, description string, at time.Time) (*store.Brand, bool, error) {
	var (
		b       store.Brand
		created bool
	)
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		community, err := requireText(community, "community")
		if err != nil {
			return err
		}
		name, err := requireText(name, "brand name")
		if err != nil {
			return err
		}
		envoyID, err := findUserID(ctx, tx, envoyOpenID)
		if err != nil {
			return err
		}
		communityID, err := ensureCommunity(ctx, tx, community, at)
		if err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `
			INSERT INTO brands (community_id, name, description, envoy_id, created_at, updated_at)
			VALUES (?1, ?2, ?3, ?4, ?5, ?5)
			ON CONFLICT (community_id) DO NOTHING`,
			communityID, name, strings.TrimSpace(description), envoyID, timeValue(at))
		if err != nil {
			return err
		}
		n, err := res.RowsAffected()
		if err != nil {
			return err
		}
		created = n == 1
		if !created {
			if _, err := tx.ExecContext(ctx, `
				UPDATE brands SET name = ?, description = ?, envoy_id = ?, updated_at = ?
				WHERE community_id = ?`,
				name, strings.TrimSpace(description), envoyID, timeValue(at), communityID); err != nil {
				return err
			}
		}
		b.Community = community
		return tx.QueryRowContext(ctx, `
			SELECT id, name, description, envoy_id, created_at, updated_at
			FROM brands WHERE community_id = ?`, communityID).Scan(
			&b.ID, &b.Name, &b.Description, &b.EnvoyID, timeColumn{&b.CreatedAt}, timeColumn{&b.UpdatedAt})
	})
	if err != nil {
		return nil, false, wrapError("set brand", err)
	}
	return &b, created, nil
}

// ListBrandsByEnvoy returns the brands the envoy registered, oldest first.
func (db *DB) ListBrandsByEnvoy(ctx context.Context, envoyOpenID string) ([]*store.Brand, error) {
	brands, err := listBrandsByEnvoy(ctx, db.read, envoyOpenID)
	if err != nil {
		return nil, wrapError("list brands by envoy", err)
	}
	return brands, nil
}

// listBrandsByEnvoy reads the brands of the envoy, which must exist.
func listBrandsByEnvoy(ctx context.Context, q queryer, envoyOpenID string) ([]*store.Brand, error) {
	envoyID, err := findUserID(ctx, q, envoyOpenID)
	if err != nil {
		return nil, err
	}
	rows, err := q.QueryContext(ctx, `
		SELECT b.id, c.name, b.name, b.description, b.envoy_id, b.created_at, b.updated_at
		FROM brands b JOIN communities c ON c.id = b.community_id
		WHERE b.envoy_id = ?
		ORDER BY b.created_at, b.id`, envoyID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	brands := []*store.Brand{}
	for rows.Next() {
		var b store.Brand
		if err := rows.Scan(&b.ID, &b.Community, &b.Name, &b.Description, &b.EnvoyID,
			timeColumn{&b.CreatedAt}, timeColumn{&b.UpdatedAt}); err != nil {
			return nil, err
		}
		brands = append(brands, &b)
	}
	return brands, rows.Err()
}

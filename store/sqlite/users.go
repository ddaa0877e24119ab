package sqlite

import (
	"context"
	"database/sql"
	"strings"
	"time"

	"envoybot/store"
)

// userColumns selects a user with its community name; FROM users u LEFT
// JOIN communities c must follow.
const userColumns = `u.id, u.openid, u.role, u.real_name, u.mobile, COALESCE(c.name, ''),
	u.envoy_level, u.envoy_kind, u.following, u.last_interaction_at,
	u.last_lat, u.last_lng, u.last_location_at, u.anonymised_at, u.created_at, u.updated_at`

// TouchUser creates the user as a following resident when unknown and
// records the interaction time, which never moves backwards.
func (db *DB) TouchUser(ctx context.Context, openID string, at time.Time) (*store.User, error) {
	if u, err := findUserByOpenID(ctx, db.read, openID); err == nil && store.RecentlyTouched(u, at) {
		return u, nil // a read, not a write, for a user who wrote a moment ago
	}
	var u *store.User
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		if err := checkOpenID(openID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `
			INSERT INTO users (openid, following, last_interaction_at, created_at, updated_at)
			VALUES (?, 1, ?, ?, ?)
			ON CONFLICT (openid) DO UPDATE SET
				last_interaction_at = COALESCE(MAX(users.last_interaction_at, excluded.last_interaction_at),
					users.last_interaction_at, excluded.last_interaction_at),
				updated_at = excluded.updated_at`,
			openID, timeValue(at), timeValue(at), timeValue(at)); err != nil {
			return err
		}
		var err error
		u, err = findUserByOpenID(ctx, tx, openID)
		return err
	})
	if err != nil {
		return nil, wrapError("touch user", err)
	}
	return u, nil
}

// FindUserByOpenID returns ENOTFOUND when the user is unknown.
func (db *DB) FindUserByOpenID(ctx context.Context, openID string) (*store.User, error) {
	u, err := findUserByOpenID(ctx, db.read, openID)
	if err != nil {
		return nil, wrapError("find user by openid", err)
	}
	return u, nil
}

// RegisterVolunteer fills in the profile, creating the user and the
// community when new. A user who deleted their data (注销) may register
// again: the new profile clears AnonymisedAt and counts as created. The
// first registration's time is kept (users.registered_at) for the weekly
// report's new volunteers. The
// write transaction serialises registrations, so of several racing
// registrations of one openid exactly one sees an empty profile and
// reports created.
func (db *DB) RegisterVolunteer(ctx context.Context, reg store.Registration, at time.Time) (*store.User, bool, error) {
	var (
		u       *store.User
		created bool
	)
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		reg, err := normaliseRegistration(reg)
		if err != nil {
			return err
		}
		communityID, err := ensureCommunity(ctx, tx, reg.Community, at)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `
			INSERT INTO users (openid, following, created_at, updated_at)
			VALUES (?, 1, ?, ?)
			ON CONFLICT (openid) DO NOTHING`,
			reg.OpenID, timeValue(at), timeValue(at)); err != nil {
			return err
		}
		before, err := findUserByOpenID(ctx, tx, reg.OpenID)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `
			UPDATE users SET
				real_name = ?3, mobile = ?4, community_id = ?5, anonymised_at = NULL,
				registered_at = COALESCE(registered_at, ?1),
				role = CASE role WHEN 'resident' THEN 'volunteer' ELSE role END,
				last_interaction_at = COALESCE(MAX(last_interaction_at, ?1), last_interaction_at, ?1),
				updated_at = ?1
			WHERE id = ?2`,
			timeValue(at), before.ID, reg.Name, reg.Phone, communityID); err != nil {
			return err
		}
		created = !before.Registered()
		u, err = findUserByOpenID(ctx, tx, reg.OpenID)
		return err
	})
	if err != nil {
		return nil, false, wrapError("register volunteer", err)
	}
	return u, created, nil
}

// SetFollowing records a subscribe or unsubscribe event, creating an
// unknown user as a resident. A subscribe opens WeChat's 48-hour window
// for customer-service messages, so it counts as an interaction.
func (db *DB) SetFollowing(ctx context.Context, openID string, following bool, at time.Time) error {
	var interaction any
	if following {
		interaction = timeValue(at)
	}
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		if err := checkOpenID(openID); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `
			INSERT INTO users (openid, following, last_interaction_at, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?)
			ON CONFLICT (openid) DO UPDATE SET
				following = excluded.following,
				last_interaction_at = COALESCE(MAX(users.last_interaction_at, excluded.last_interaction_at),
					users.last_interaction_at, excluded.last_interaction_at),
				updated_at = excluded.updated_at`,
			openID, following, interaction, timeValue(at), timeValue(at))
		return err
	})
	return wrapError("set following", err)
}

// SetLastLocation keeps the user's last reported position, creating an
// unknown user as a resident.
func (db *DB) SetLastLocation(ctx context.Context, openID string, lat, lng float64, at time.Time) error {
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		if err := checkOpenID(openID); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `
			INSERT INTO users (openid, following, last_lat, last_lng, last_location_at, created_at, updated_at)
			VALUES (?, 1, ?, ?, ?, ?, ?)
			ON CONFLICT (openid) DO UPDATE SET
				last_lat = excluded.last_lat,
				last_lng = excluded.last_lng,
				last_location_at = excluded.last_location_at,
				updated_at = excluded.updated_at`,
			openID, lat, lng, timeValue(at), timeValue(at), timeValue(at))
		return err
	})
	return wrapError("set last location", err)
}

// findUserByOpenID reads one user with its community name.
func findUserByOpenID(ctx context.Context, q queryer, openID string) (*store.User, error) {
	return scanUser(q.QueryRowContext(ctx, `
		SELECT `+userColumns+`
		FROM users u LEFT JOIN communities c ON c.id = u.community_id
		WHERE u.openid = ?`, openID))
}

// rowScanner is a *sql.Row or *sql.Rows.
type rowScanner interface {
	Scan(dest ...any) error
}

// scanUser reads the userColumns of one row.
func scanUser(row rowScanner) (*store.User, error) {
	var (
		u        store.User
		role     string
		lat, lng sql.NullFloat64
	)
	err := row.Scan(
		&u.ID, &u.OpenID, &role, &u.Name, &u.Phone, &u.Community,
		&u.EnvoyLevel, &u.EnvoyKind, &u.Following, timeColumn{&u.LastInteractionAt},
		&lat, &lng, timeColumn{&u.LastLocationAt}, timeColumn{&u.AnonymisedAt},
		timeColumn{&u.CreatedAt}, timeColumn{&u.UpdatedAt},
	)
	if err != nil {
		return nil, err
	}
	u.Role = store.Role(role)
	u.LastLat, u.LastLng = lat.Float64, lng.Float64
	return &u, nil
}

// checkOpenID rejects an empty openid, which would merge strangers.
func checkOpenID(openID string) error {
	if strings.TrimSpace(openID) == "" {
		return store.Errorf(store.EINVALID, "openid is required")
	}
	return nil
}

// normaliseRegistration trims the fields and requires every one of them.
func normaliseRegistration(reg store.Registration) (store.Registration, error) {
	reg.Name = strings.TrimSpace(reg.Name)
	reg.Phone = strings.TrimSpace(reg.Phone)
	reg.Community = strings.TrimSpace(reg.Community)
	if err := checkOpenID(reg.OpenID); err != nil {
		return reg, err
	}
	if reg.Name == "" || reg.Phone == "" || reg.Community == "" {
		return reg, store.Errorf(store.EINVALID, "registration needs a name, a mobile and a community")
	}
	return reg, nil
}

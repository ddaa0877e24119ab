package postgres

import (
	"context"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"envoybot/store"
)

// TouchUser creates the user as a following resident when unknown and
// records the interaction time, which never moves backwards.
func (db *DB) TouchUser(ctx context.Context, openID string, at time.Time) (*store.User, error) {
	if err := checkOpenID(openID); err != nil {
		return nil, wrapError("touch user", err)
	}
	if u, err := findUserByOpenID(ctx, db.pool, openID); err == nil && store.RecentlyTouched(u, at) {
		return u, nil // a read, not a write, for a user who wrote a moment ago
	}
	var u *store.User
	err := db.inTx(ctx, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `
			INSERT INTO users (openid, following, last_interaction_at, created_at, updated_at)
			VALUES ($1, true, $2, $2, $2)
			ON CONFLICT (openid) DO UPDATE SET
				last_interaction_at = GREATEST(users.last_interaction_at, EXCLUDED.last_interaction_at),
				updated_at = EXCLUDED.updated_at`,
			openID, timeValue(at)); err != nil {
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
	u, err := findUserByOpenID(ctx, db.pool, openID)
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
// user row is locked before its profile is read, so of several racing
// registrations of one openid exactly one sees an empty profile and
// reports created.
func (db *DB) RegisterVolunteer(ctx context.Context, reg store.Registration, at time.Time) (*store.User, bool, error) {
	reg, err := normaliseRegistration(reg)
	if err != nil {
		return nil, false, wrapError("register volunteer", err)
	}
	var (
		u       *store.User
		created bool
	)
	err = db.inTx(ctx, func(tx pgx.Tx) error {
		communityID, err := ensureCommunity(ctx, tx, reg.Community, at)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `
			INSERT INTO users (openid, following, created_at, updated_at)
			VALUES ($1, true, $2, $2)
			ON CONFLICT (openid) DO NOTHING`,
			reg.OpenID, timeValue(at)); err != nil {
			return err
		}
		// No join here: after waiting for the row lock the statement would
		// still join against its older snapshot of communities.
		var (
			id                  int64
			name, phone         string
			previousCommunityID *int64
		)
		if err := tx.QueryRow(ctx, `
			SELECT id, real_name, mobile, community_id FROM users
			WHERE openid = $1 FOR UPDATE`, reg.OpenID).Scan(&id, &name, &phone, &previousCommunityID); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `
			UPDATE users SET
				real_name = $2, mobile = $3, community_id = $4, anonymised_at = NULL,
				registered_at = COALESCE(registered_at, $5),
				role = CASE role WHEN 'resident' THEN 'volunteer' ELSE role END,
				last_interaction_at = GREATEST(last_interaction_at, $5),
				updated_at = $5
			WHERE id = $1`,
			id, reg.Name, reg.Phone, communityID, timeValue(at)); err != nil {
			return err
		}
		created = name == "" || phone == "" || previousCommunityID == nil
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
	if err := checkOpenID(openID); err != nil {
		return wrapError("set following", err)
	}
	var interaction any
	if following {
		interaction = timeValue(at)
	}
	_, err := db.pool.Exec(ctx, `
		INSERT INTO users (openid, following, last_interaction_at, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $4)
		ON CONFLICT (openid) DO UPDATE SET
			following = EXCLUDED.following,
			last_interaction_at = GREATEST(users.last_interaction_at, EXCLUDED.last_interaction_at),
			updated_at = EXCLUDED.updated_at`,
		openID, following, interaction, timeValue(at))
	return wrapError("set following", err)
}

// SetLastLocation keeps the user's last reported position, creating an
// unknown user as a resident.
func (db *DB) SetLastLocation(ctx context.Context, openID string, lat, lng float64, at time.Time) error {
	if err := checkOpenID(openID); err != nil {
		return wrapError("set last location", err)
	}
	_, err := db.pool.Exec(ctx, `
		INSERT INTO users (openid, following, last_lat, last_lng, last_location_at, created_at, updated_at)
		VALUES ($1, true, $2, $3, $4, $4, $4)
		ON CONFLICT (openid) DO UPDATE SET
			last_lat = EXCLUDED.last_lat,
			last_lng = EXCLUDED.last_lng,
			last_location_at = EXCLUDED.last_location_at,
			updated_at = EXCLUDED.updated_at`,
		openID, lat, lng, timeValue(at))
	return wrapError("set last location", err)
}

// userColumns selects a user with its community name; FROM users u LEFT
// JOIN communities c must follow.
const userColumns = `u.id, u.openid, u.role, u.real_name, u.mobile, COALESCE(c.name, ''),
	u.envoy_level, u.envoy_kind, u.following, u.last_interaction_at,
	u.last_lat, u.last_lng, u.last_location_at, u.anonymised_at, u.created_at, u.updated_at`

// findUserByOpenID reads one user with its community name.
func findUserByOpenID(ctx context.Context, q queryer, openID string) (*store.User, error) {
	return scanUser(q.QueryRow(ctx, `
		SELECT `+userColumns+`
		FROM users u LEFT JOIN communities c ON c.id = u.community_id
		WHERE u.openid = $1`, openID))
}

// scanUser reads the userColumns of one row.
func scanUser(row rowScanner) (*store.User, error) {
	var (
		u        store.User
		role     string
		lat, lng *float64
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
	if lat != nil && lng != nil {
		u.LastLat, u.LastLng = *lat, *lng
	}
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

package sqlstore

import (
	"context"
	"database/sql"
	"time"

	"envoybot/store"
)

// userColumns selects a user with its community name; FROM users u LEFT
// JOIN communities c must follow.
const userColumns = `u.id, u.openid, u.role, u.real_name, u.mobile, COALESCE(c.name, ''),
	u.envoy_level, u.envoy_kind, u.following, u.last_interaction_at,
	u.last_lat, u.last_lng, u.last_location_at, u.anonymised_at, u.created_at, u.updated_at,
	u.id_type, u.id_masked, u.gender, COALESCE(u.birth_year, 0), u.id_consent_at, u.real_name_at`

// laterInteraction keeps the later of the stored and the new interaction
// time of an upsert into users: it never moves backwards.
func (d *dialect) laterInteraction() string {
	return `COALESCE(` + d.greatest + `(users.last_interaction_at, excluded.last_interaction_at),
		users.last_interaction_at, excluded.last_interaction_at)`
}

// TouchUser creates the user as a following resident when unknown and
// records the interaction time, which never moves backwards. A user who
// wrote a moment ago is read, not written (on SQLite from the user cache);
// the write is the user's own bookkeeping, never part of a message's
// unit of work that has not begun.
func (db *DB) TouchUser(ctx context.Context, openID string, at time.Time) (*store.User, error) {
	if err := store.ValidateOpenID(openID); err != nil {
		return nil, db.wrapError("touch user", err)
	}
	if u, ok := db.users.get(openID); ok && store.RecentlyTouched(u, at) {
		return u, nil
	}
	gen := db.users.generation()
	known, err := findUserByOpenID(ctx, db.reader(), openID)
	if err == nil && store.RecentlyTouched(known, at) {
		db.users.put(known.OpenID, known, gen)
		return known, nil // a read, not a write, for a user who wrote a moment ago
	}
	if un := db.unitIn(ctx); err == nil && un != nil && un.tx == nil && deferrable(known, at) && db.deferTouch(openID, at) {
		// A chat message that has written nothing yet, from a user who
		// wrote within the hour: its time is written with others' within
		// a second (touches.go), so that a message without effects
		// commits nothing.
		u := *known
		if u.LastInteractionAt.Before(at) {
			u.LastInteractionAt = at
		}
		u.UpdatedAt = at
		db.users.put(u.OpenID, &u, gen)
		return &u, nil
	}
	var u *store.User
	touch := func(tx conn) (err error) {
		if _, err := tx.exec(ctx, db.touchSQL(), openID, at); err != nil {
			return err
		}
		u, err = findUserByOpenID(ctx, tx, openID)
		return err
	}
	if un := db.unitIn(ctx); un != nil && un.tx != nil {
		err = un.run(ctx, touch)
	} else {
		gen = db.users.generation()
		if err = db.ownTx(ctx, touch); err == nil {
			db.users.put(u.OpenID, u, gen)
		}
	}
	if err != nil {
		return nil, db.wrapError("touch user", err)
	}
	return u, nil
}

// touchSQL is TouchUser's write.
func (db *DB) touchSQL() string {
	return `
			INSERT INTO users (openid, following, last_interaction_at, created_at, updated_at)
			VALUES ($1, TRUE, $2, $2, $2)
			ON CONFLICT (openid) DO UPDATE SET
				last_interaction_at = ` + db.d.laterInteraction() + `,
				updated_at = excluded.updated_at`
}

// FindUserByOpenID returns ENOTFOUND when the user is unknown.
func (db *DB) FindUserByOpenID(ctx context.Context, openID string) (*store.User, error) {
	if u, ok := db.users.get(openID); ok && !db.writing(ctx) {
		return u, nil
	}
	gen := db.users.generation()
	u, err := findUserByOpenID(ctx, db.reader(), openID)
	if err != nil {
		return nil, db.wrapError("find user by openid", err)
	}
	if !db.writing(ctx) {
		db.users.put(u.OpenID, u, gen)
	}
	return u, nil
}

// RegisterVolunteer fills in the profile, creating the user when new; the
// community must be known. A user who deleted their data (注销) may register
// again: the new profile clears AnonymisedAt and counts as created. The
// first registration's time is kept (users.registered_at) for the weekly
// report's new volunteers. The user row is locked before its profile is
// read, so of several racing registrations of one openid exactly one sees
// an empty profile and reports created. The unique index on live users'
// mobiles (migration 6) settles racing registrations of one mobile by
// different users: one commits, the others get ECONFLICT MsgPhoneTaken.
func (db *DB) RegisterVolunteer(ctx context.Context, reg store.Registration, at time.Time) (*store.User, bool, error) {
	if err := reg.Validate(); err != nil {
		return nil, false, db.wrapError("register volunteer", err)
	}
	var (
		u       *store.User
		created bool
	)
	err := db.inTx(ctx, func(tx conn) error {
		communityID, err := knownCommunity(ctx, tx, reg.Community)
		if err != nil {
			return err
		}
		if _, err := tx.exec(ctx, `
			INSERT INTO users (openid, following, created_at, updated_at)
			VALUES ($1, TRUE, $2, $2)
			ON CONFLICT (openid) DO NOTHING`,
			reg.OpenID, at); err != nil {
			return err
		}
		// No join here: on PostgreSQL, after waiting for the row lock the
		// statement would still join against its older snapshot of
		// communities.
		var (
			id                  int64
			name, phone         string
			previousCommunityID sql.NullInt64
		)
		if err := tx.row(ctx, `
			SELECT id, real_name, mobile, community_id FROM users
			WHERE openid = $1`+tx.d.forUpdate, reg.OpenID).Scan(&id, &name, &phone, &previousCommunityID); err != nil {
			return err
		}
		if _, err := tx.exec(ctx, `
			UPDATE users SET
				real_name = $2, mobile = $3, community_id = $4, anonymised_at = NULL,
				registered_at = COALESCE(registered_at, $5),
				role = CASE role WHEN 'resident' THEN 'volunteer' ELSE role END,
				last_interaction_at = COALESCE(`+tx.d.greatest+`(last_interaction_at, $5), $5),
				updated_at = $5
			WHERE id = $1`,
			id, reg.Name, reg.Phone, communityID, at); err != nil {
			if tx.d.isUnique(err) { // users_live_mobile_key: another live user has it
				return store.Errorf(store.ECONFLICT, store.MsgPhoneTaken)
			}
			return err
		}
		created = name == "" || phone == "" || !previousCommunityID.Valid
		u, err = findUserByOpenID(ctx, tx, reg.OpenID)
		return err
	})
	if err != nil {
		return nil, false, db.wrapError("register volunteer", err)
	}
	return u, created, nil
}

// SetFollowing records a subscribe or unsubscribe event, creating an
// unknown user as a resident. A subscribe opens WeChat's 48-hour window
// for customer-service messages, so it counts as an interaction.
func (db *DB) SetFollowing(ctx context.Context, openID string, following bool, at time.Time) error {
	if err := store.ValidateOpenID(openID); err != nil {
		return db.wrapError("set following", err)
	}
	var interaction time.Time // NULL: an unsubscribe is no interaction
	if following {
		interaction = at
	}
	_, err := db.writer().exec(ctx, db.followingSQL(), openID, following, interaction, at)
	return db.wrapError("set following", err)
}

// followingSQL is SetFollowing's write.
func (db *DB) followingSQL() string {
	return `
		INSERT INTO users (openid, following, last_interaction_at, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $4)
		ON CONFLICT (openid) DO UPDATE SET
			following = excluded.following,
			last_interaction_at = ` + db.d.laterInteraction() + `,
			updated_at = excluded.updated_at`
}

// SetLastLocation keeps the user's last reported position, creating an
// unknown user as a resident.
func (db *DB) SetLastLocation(ctx context.Context, openID string, lat, lng float64, at time.Time) error {
	if err := store.ValidateOpenID(openID); err != nil {
		return db.wrapError("set last location", err)
	}
	_, err := db.writer().exec(ctx, db.locationSQL(), openID, lat, lng, at)
	return db.wrapError("set last location", err)
}

// locationSQL is SetLastLocation's write.
func (db *DB) locationSQL() string {
	return `
		INSERT INTO users (openid, following, last_lat, last_lng, last_location_at, created_at, updated_at)
		VALUES ($1, TRUE, $2, $3, $4, $4, $4)
		ON CONFLICT (openid) DO UPDATE SET
			last_lat = excluded.last_lat,
			last_lng = excluded.last_lng,
			last_location_at = excluded.last_location_at,
			updated_at = excluded.updated_at`
}

// findUserByOpenID reads one user with its community name.
func findUserByOpenID(ctx context.Context, q conn, openID string) (*store.User, error) {
	return findUserWhere(ctx, q, "u.openid = $1", openID)
}

// findUserWhere reads the user matching cond (on $1 = arg) with its
// community name.
func findUserWhere(ctx context.Context, q conn, cond string, arg any) (*store.User, error) {
	return scanUser(q.row(ctx, `
		SELECT `+userColumns+`
		FROM users u LEFT JOIN communities c ON c.id = u.community_id
		WHERE `+cond, arg))
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
		&u.IDType, &u.IDMasked, &u.Gender, &u.BirthYear, timeColumn{&u.IDConsentAt}, timeColumn{&u.RealNameAt},
	)
	if err != nil {
		return nil, err
	}
	u.Role = store.Role(role)
	u.LastLat, u.LastLng = lat.Float64, lng.Float64
	return &u, nil
}

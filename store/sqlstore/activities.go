package sqlstore

import (
	"context"
	"database/sql"
	"strings"
	"time"

	"envoybot/store"
)

// activityColumns selects an activity with its community, envoy and
// sign-up counts; activityFrom must follow.
const activityColumns = `a.id, a.code, a.title, a.category, a.service_type, a.starts_at, a.ends_at,
	a.place, c.name, a.envoy_id, e.openid, e.real_name, a.quota,
	a.venue_lat, a.venue_lng, COALESCE(a.venue_radius_m, 0), a.qr_url, a.status,
	a.held_at, a.held_photo_media_id, a.created_at,
	a.cancelled_at, a.cancel_reason, COALESCE(a.cancelled_by, 0), a.revision,
	(SELECT COALESCE(SUM(1 + s.companions), 0) FROM signups s WHERE s.activity_id = a.id AND s.status = 'seated'),
	(SELECT COALESCE(SUM(1 + s.companions), 0) FROM signups s WHERE s.activity_id = a.id AND s.status = 'waitlisted')`

// activityFrom joins what activityColumns reads.
const activityFrom = ` FROM activities a
	JOIN communities c ON c.id = a.community_id
	JOIN users e ON e.id = a.envoy_id`

// CreateActivity stores the activity with the next short code, or
// returns the one its origin key already made (publishGuard).
func (db *DB) CreateActivity(ctx context.Context, na store.NewActivity, at time.Time) (*store.Activity, error) {
	if err := na.Validate(); err != nil {
		return nil, db.wrapError("create activity", err)
	}
	return write(ctx, db, "create activity", func(tx conn) (*store.Activity, error) {
		existing, err := publishGuard(ctx, tx, "activities", na.EnvoyID, na.Publish)
		if err != nil {
			return nil, err
		}
		if existing != "" {
			return findActivity(ctx, tx, existing)
		}
		envoyID, communityID, code, err := envoyRecord(ctx, tx, na.EnvoyID, na.Community, prefixActivity, at)
		if err != nil {
			return nil, err
		}
		if _, err := tx.exec(ctx, `
			INSERT INTO activities (code, title, category, service_type, starts_at, ends_at, place,
				community_id, envoy_id, quota, origin_key, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12)`,
			code, na.Title, na.Category, na.ServiceType, na.StartsAt, na.EndsAt,
			na.Place, communityID, envoyID, na.Quota, originKey(na.Publish), at); err != nil {
			return nil, err
		}
		return findActivity(ctx, tx, code)
	})
}

// FindActivityByCode returns the activity with its sign-up counts.
func (db *DB) FindActivityByCode(ctx context.Context, code string) (*store.Activity, error) {
	code = store.NormaliseCode(code)
	inUnit := db.writing(ctx)
	if a, ok := db.activities.get(code); ok && !inUnit {
		return a, nil
	}
	gen := db.activities.generation()
	a, err := read(db, "find activity by code", func(q conn) (*store.Activity, error) {
		return findActivity(ctx, q, code)
	})
	if err == nil && !inUnit {
		db.activities.put(code, a, gen)
	}
	return a, err
}

// ListOpenActivities returns open activities starting after from, soonest
// first, of the line and the community when given; a limit of 0 or less
// means no limit.
func (db *DB) ListOpenActivities(ctx context.Context, from time.Time, category, community string, limit int) ([]*store.Activity, error) {
	q := filter{conds: []string{"a.status = 'open'"}}
	q.where("a.starts_at", ">", from)
	q.equal("a.category", category)
	q.equal("c.name", community)
	query := `SELECT ` + activityColumns + activityFrom + q.clause() + ` ORDER BY a.starts_at, a.id` + q.limit(limit)
	return readAll(ctx, db, "list open activities", scanActivity, query, q.args...)
}

// SetActivityVenue sets the venue coordinates and check-in radius.
func (db *DB) SetActivityVenue(ctx context.Context, code string, lat, lng float64, radiusM int) error {
	if radiusM <= 0 {
		return db.wrapError("set activity venue", store.Errorf(store.EINVALID, "check-in radius must be positive"))
	}
	err := db.writer().mustAffect(ctx, `
		UPDATE activities SET venue_lat = $1, venue_lng = $2, venue_radius_m = $3 WHERE code = $4`,
		lat, lng, radiusM, store.NormaliseCode(code))
	return db.wrapError("set activity venue", err)
}

// SetActivityQR keeps the check-in QR code URL.
func (db *DB) SetActivityQR(ctx context.Context, code, url string) error {
	err := db.writer().mustAffect(ctx, `UPDATE activities SET qr_url = $1 WHERE code = $2`,
		strings.TrimSpace(url), store.NormaliseCode(code))
	return db.wrapError("set activity qr", err)
}

// MarkActivityHeld records the envoy's 活动签到. The first time is kept and
// a later photo replaces an earlier one; a cancelled activity is EINVALID.
// The activity is locked (activityRef), so a cancellation cannot slip in
// between the check and the update.
func (db *DB) MarkActivityHeld(ctx context.Context, code string, at time.Time, photoMediaID string) (*store.Activity, error) {
	var a *store.Activity
	err := db.inTx(ctx, func(tx conn) error {
		locked, err := activityRef(ctx, tx, code, true, true)
		if err != nil {
			return err
		}
		if _, err := tx.exec(ctx, `
			UPDATE activities SET
				status = 'held',
				held_at = COALESCE(held_at, $1),
				held_photo_media_id = CASE $2 WHEN '' THEN held_photo_media_id ELSE $2 END,
				updated_at = $1
			WHERE id = $3`, at, strings.TrimSpace(photoMediaID), locked.id); err != nil {
			return err
		}
		a, err = findActivity(ctx, tx, locked.code)
		return err
	})
	if err != nil {
		return nil, db.wrapError("mark activity held", err)
	}
	return a, nil
}

// findActivity reads the activity stored under code (already normalised).
func findActivity(ctx context.Context, q conn, code string) (*store.Activity, error) {
	return scanActivity(q.row(ctx, `SELECT `+activityColumns+activityFrom+` WHERE a.code = $1`, code))
}

// scanActivity reads the activityColumns of one row.
func scanActivity(row rowScanner) (*store.Activity, error) {
	var (
		a        store.Activity
		lat, lng sql.NullFloat64
	)
	err := row.Scan(&a.ID, &a.Code, &a.Title, &a.Category, &a.ServiceType,
		timeColumn{&a.StartsAt}, timeColumn{&a.EndsAt}, &a.Place, &a.Community,
		&a.EnvoyID, &a.EnvoyOpenID, &a.EnvoyName, &a.Quota,
		&lat, &lng, &a.RadiusM, &a.QRURL, &a.Status,
		timeColumn{&a.HeldAt}, &a.HeldPhotoMediaID, timeColumn{&a.CreatedAt},
		timeColumn{&a.CancelledAt}, &a.CancelReason, &a.CancelledBy, &a.Revision,
		&a.Seated, &a.Waitlisted)
	if err != nil {
		return nil, err
	}
	a.HasVenue = lat.Valid && lng.Valid
	a.VenueLat, a.VenueLng = lat.Float64, lng.Float64
	return &a, nil
}

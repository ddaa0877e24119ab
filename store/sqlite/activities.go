package sqlite

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
	(SELECT COUNT(*) FROM signups s WHERE s.activity_id = a.id AND s.status = 'seated'),
	(SELECT COUNT(*) FROM signups s WHERE s.activity_id = a.id AND s.status = 'waitlisted')`

// activityFrom joins what activityColumns reads.
const activityFrom = ` FROM activities a
	JOIN communities c ON c.id = a.community_id
	JOIN users e ON e.id = a.envoy_id`

// CreateActivity stores the activity with the next short code.
func (db *DB) CreateActivity(ctx context.Context, na store.NewActivity, at time.Time) (*store.Activity, error) {
	var a *store.Activity
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		na, err := normaliseActivity(na)
		if err != nil {
			return err
		}
		envoyID, err := findUserID(ctx, tx, na.EnvoyOpenID)
		if err != nil {
			return err
		}
		communityID, err := ensureCommunity(ctx, tx, na.Community, at)
		if err != nil {
			return err
		}
		code, err := nextCode(ctx, tx, prefixActivity)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `
			INSERT INTO activities (code, title, category, service_type, starts_at, ends_at, place,
				community_id, envoy_id, quota, created_at, updated_at)
			VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?11)`,
			code, na.Title, na.Category, na.ServiceType, timeValue(na.StartsAt), timeValue(na.EndsAt),
			na.Place, communityID, envoyID, na.Quota, timeValue(at)); err != nil {
			return err
		}
		a, err = findActivity(ctx, tx, code)
		return err
	})
	if err != nil {
		return nil, wrapError("create activity", err)
	}
	return a, nil
}

// FindActivityByCode returns the activity with its sign-up counts.
func (db *DB) FindActivityByCode(ctx context.Context, code string) (*store.Activity, error) {
	a, err := findActivity(ctx, db.read, normaliseCode(code))
	if err != nil {
		return nil, wrapError("find activity by code", err)
	}
	return a, nil
}

// ListOpenActivities returns open activities starting after from, soonest
// first; a limit of 0 or less means no limit.
func (db *DB) ListOpenActivities(ctx context.Context, from time.Time, category, community string, limit int) ([]*store.Activity, error) {
	if limit <= 0 {
		limit = -1
	}
	category, community = strings.TrimSpace(category), strings.TrimSpace(community)
	rows, err := db.read.QueryContext(ctx, `
		SELECT `+activityColumns+activityFrom+`
		WHERE a.status = 'open' AND a.starts_at > ?1
			AND (?2 = '' OR a.category = ?2) AND (?3 = '' OR c.name = ?3)
		ORDER BY a.starts_at, a.id
		LIMIT ?4`, timeValue(from), category, community, limit)
	if err != nil {
		return nil, wrapError("list open activities", err)
	}
	activities, err := collectActivities(rows)
	if err != nil {
		return nil, wrapError("list open activities", err)
	}
	return activities, nil
}

// SetActivityVenue sets the venue coordinates and check-in radius.
func (db *DB) SetActivityVenue(ctx context.Context, code string, lat, lng float64, radiusM int) error {
	if radiusM <= 0 {
		return wrapError("set activity venue", store.Errorf(store.EINVALID, "check-in radius must be positive"))
	}
	res, err := db.write.ExecContext(ctx, `
		UPDATE activities SET venue_lat = ?, venue_lng = ?, venue_radius_m = ? WHERE code = ?`,
		lat, lng, radiusM, normaliseCode(code))
	return wrapError("set activity venue", mustAffect(res, err))
}

// SetActivityQR keeps the check-in QR code URL.
func (db *DB) SetActivityQR(ctx context.Context, code, url string) error {
	res, err := db.write.ExecContext(ctx, `UPDATE activities SET qr_url = ? WHERE code = ?`,
		strings.TrimSpace(url), normaliseCode(code))
	return wrapError("set activity qr", mustAffect(res, err))
}

// MarkActivityHeld records the envoy's 活动签到. The first time is kept and
// a later photo replaces an earlier one; a cancelled activity is EINVALID.
func (db *DB) MarkActivityHeld(ctx context.Context, code string, at time.Time, photoMediaID string) (*store.Activity, error) {
	var a *store.Activity
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		found, err := findActivity(ctx, tx, normaliseCode(code))
		if err != nil {
			return err
		}
		if found.Status == store.ActivityCancelled {
			return store.Errorf(store.EINVALID, "activity %s is cancelled", found.Code)
		}
		if _, err := tx.ExecContext(ctx, `
			UPDATE activities SET
				status = 'held',
				held_at = COALESCE(held_at, ?1),
				held_photo_media_id = CASE ?2 WHEN '' THEN held_photo_media_id ELSE ?2 END,
				updated_at = ?1
			WHERE id = ?3`, timeValue(at), strings.TrimSpace(photoMediaID), found.ID); err != nil {
			return err
		}
		a, err = findActivity(ctx, tx, found.Code)
		return err
	})
	if err != nil {
		return nil, wrapError("mark activity held", err)
	}
	return a, nil
}

// findActivity reads the activity stored under code (already normalised).
func findActivity(ctx context.Context, q queryer, code string) (*store.Activity, error) {
	return scanActivity(q.QueryRowContext(ctx, `SELECT `+activityColumns+activityFrom+` WHERE a.code = ?`, code))
}

// collectActivities reads and closes rows of activityColumns.
func collectActivities(rows *sql.Rows) ([]*store.Activity, error) {
	defer rows.Close()
	activities := []*store.Activity{}
	for rows.Next() {
		a, err := scanActivity(rows)
		if err != nil {
			return nil, err
		}
		activities = append(activities, a)
	}
	return activities, rows.Err()
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
		&a.Seated, &a.Waitlisted)
	if err != nil {
		return nil, err
	}
	a.HasVenue = lat.Valid && lng.Valid
	a.VenueLat, a.VenueLng = lat.Float64, lng.Float64
	return &a, nil
}

// mustAffect turns an update that matched no row into sql.ErrNoRows.
func mustAffect(res sql.Result, err error) error {
	if err != nil {
		return err
	}
	n, err := res.RowsAffected()
	if err != nil {
		return err
	}
	if n == 0 {
		return sql.ErrNoRows
	}
	return nil
}

// normaliseActivity trims the fields and checks what the schema would
// otherwise reject with a driver error.
func normaliseActivity(na store.NewActivity) (store.NewActivity, error) {
	var err error
	if na.Title, err = requireText(na.Title, "title"); err != nil {
		return na, err
	}
	if na.Category, err = requireText(na.Category, "category"); err != nil {
		return na, err
	}
	if na.Community, err = requireText(na.Community, "community"); err != nil {
		return na, err
	}
	na.ServiceType, na.Place = strings.TrimSpace(na.ServiceType), strings.TrimSpace(na.Place)
	switch {
	case na.StartsAt.IsZero() || na.EndsAt.IsZero():
		return na, store.Errorf(store.EINVALID, "activity needs a start and an end")
	case na.EndsAt.Before(na.StartsAt):
		return na, store.Errorf(store.EINVALID, "activity ends before it starts")
	case na.Quota < 0:
		return na, store.Errorf(store.EINVALID, "quota must not be negative")
	}
	return na, nil
}

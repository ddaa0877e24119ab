package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"envoybot/store"
)

// attendanceColumns selects an attendance with its activity code and
// volunteer; attendanceFrom must follow.
const attendanceColumns = `t.id, t.activity_id, a.code, t.user_id, u.openid, u.real_name,
	t.check_in_at, t.check_in_lat, t.check_in_lng, t.check_out_at, t.check_out_lat, t.check_out_lng,
	t.far_away, t.computed_minutes, t.confirmed_minutes, COALESCE(t.confirmed_by, 0), t.confirmed_at,
	t.hours_corrected`

// attendanceFrom joins what attendanceColumns reads.
const attendanceFrom = ` FROM attendances t
	JOIN activities a ON a.id = t.activity_id
	JOIN users u ON u.id = t.user_id`

// CheckIn records the first check-in of the user (ENOTFOUND for an
// unknown id). Signing up first is not required: the handler decides
// whether walk-ins are welcome. A cancelled activity is EINVALID. The
// activity is not locked: check-ins of one activity need not take turns,
// and racing check-ins of one user meet in the unique key.
func (db *DB) CheckIn(ctx context.Context, activityCode string, userID int64, at time.Time, pos *store.Position, farAway bool) (*store.Attendance, bool, error) {
	// A repeat (an impatient user, a second scan) is answered from a read
	// of the one attendance, without a transaction or a commit.
	code := store.NormaliseCode(activityCode)
	if att, err := scanAttendance(db.reader().row(ctx, `
		SELECT `+attendanceColumns+attendanceFrom+`
		WHERE a.code = $1 AND t.user_id = $2`, code, userID)); err == nil {
		return att, false, nil
	}
	var (
		att   *store.Attendance
		first bool
	)
	err := db.inTx(ctx, func(tx conn) error {
		a, err := activityRef(ctx, tx, activityCode, false, true)
		if err != nil {
			return err
		}
		if err := requireUser(ctx, tx, userID); err != nil {
			return err
		}
		if first, err = inserted(tx.exec(ctx, `
			INSERT INTO attendances (activity_id, user_id, check_in_at, check_in_lat, check_in_lng,
				far_away, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $3, $3)
			ON CONFLICT (activity_id, user_id) DO NOTHING`,
			a.id, userID, at, nullFloat(pos, true), nullFloat(pos, false), farAway)); err != nil {
			return err
		}
		att, err = findAttendance(ctx, tx, a.id, userID)
		return err
	})
	if err != nil {
		return nil, false, db.wrapError("check in", err)
	}
	return att, first, nil
}

// CheckOut records or replaces the check-out. FarAway stays set once a
// check-in or any check-out was outside the venue radius. The activity is
// not locked; the update locks the attendance row.
func (db *DB) CheckOut(ctx context.Context, activityCode string, userID int64, at time.Time, pos *store.Position, farAway bool, computedMinutes int) (*store.Attendance, error) {
	if err := store.ValidateMinutes(computedMinutes); err != nil {
		return nil, db.wrapError("check out", err)
	}
	var att *store.Attendance
	err := db.inTx(ctx, func(tx conn) error {
		a, err := activityRef(ctx, tx, activityCode, false, false)
		if err != nil {
			return err
		}
		err = tx.mustAffect(ctx, `
			UPDATE attendances SET
				check_out_at = $1, check_out_lat = $2, check_out_lng = $3,
				far_away = far_away OR $4, computed_minutes = $5, updated_at = $1
			WHERE activity_id = $6 AND user_id = $7`,
			at, nullFloat(pos, true), nullFloat(pos, false), farAway, computedMinutes,
			a.id, userID)
		if errors.Is(err, sql.ErrNoRows) {
			return store.Errorf(store.ENOTFOUND, store.MsgNotCheckedIn)
		} else if err != nil {
			return err
		}
		att, err = findAttendance(ctx, tx, a.id, userID)
		return err
	})
	if err != nil {
		return nil, db.wrapError("check out", err)
	}
	return att, nil
}

// ListAttendance returns the activity's attendance in check-in order.
func (db *DB) ListAttendance(ctx context.Context, activityCode string) ([]*store.Attendance, error) {
	q := db.reader()
	a, err := activityRef(ctx, q, activityCode, false, false)
	if err != nil {
		return nil, db.wrapError("list attendance", err)
	}
	rows, err := q.query(ctx, `
		SELECT `+attendanceColumns+attendanceFrom+`
		WHERE t.activity_id = $1
		ORDER BY t.check_in_at, t.id`, a.id)
	list, err := collect(rows, err, scanAttendance)
	if err != nil {
		return nil, db.wrapError("list attendance", err)
	}
	return list, nil
}

// ConfirmHours sets confirmed minutes and appends one hours_audit row per
// attendance whose confirmed minutes change; actor 0 is the CLI.
// Any attendance not of the activity, or negative minutes, rolls all back;
// before the activity's end nothing is confirmed (MsgNotEnded). A
// Correction marks the attendance corrected (also when its minutes stay);
// a change that is none skips a corrected attendance, so a 确认时长 after
// a dashboard correction leaves it.
// The activity is locked (activityRef), so confirmations of one activity
// take turns, and each attendance row is read FOR UPDATE on PostgreSQL, so
// the audited old minutes are the ones replaced.
func (db *DB) ConfirmHours(ctx context.Context, activityCode string, actorID int64, changes []store.HoursChange, reason string, at time.Time) (int, error) {
	for _, c := range changes {
		if err := c.Validate(); err != nil {
			return 0, db.wrapError("confirm hours", err)
		}
	}
	changed := 0
	err := db.inTx(ctx, func(tx conn) error {
		a, err := activityRef(ctx, tx, activityCode, true, false)
		if err != nil {
			return err
		}
		var endsAt time.Time
		if err := tx.row(ctx, `SELECT ends_at FROM activities WHERE id = $1`, a.id).Scan(timeColumn{&endsAt}); err != nil {
			return err
		}
		if err := store.CheckHoursConfirmable(endsAt, at); err != nil {
			return err
		}
		var actor any // NULL for the CLI
		if actorID != 0 {
			if err := requireUser(ctx, tx, actorID); err != nil {
				return err
			}
			actor = actorID
		}
		for _, c := range changes {
			var (
				old       sql.NullInt64
				corrected bool
			)
			err := tx.row(ctx, `
				SELECT confirmed_minutes, hours_corrected FROM attendances WHERE id = $1 AND activity_id = $2`+tx.d.forUpdate,
				c.AttendanceID, a.id).Scan(&old, &corrected)
			if errors.Is(err, sql.ErrNoRows) {
				return store.Errorf(store.EINVALID, "attendance %d is not of activity %s", c.AttendanceID, a.code)
			} else if err != nil {
				return err
			}
			if corrected && !c.Correction {
				continue
			}
			if old.Valid && old.Int64 == int64(c.Minutes) {
				if c.Correction && !corrected {
					if _, err := tx.exec(ctx, `
						UPDATE attendances SET hours_corrected = $1, updated_at = $2 WHERE id = $3`,
						true, at, c.AttendanceID); err != nil {
						return err
					}
				}
				continue
			}
			if _, err := tx.exec(ctx, `
				UPDATE attendances SET confirmed_minutes = $1, confirmed_by = $2, confirmed_at = $3, updated_at = $3,
					hours_corrected = $5
				WHERE id = $4`, c.Minutes, actor, at, c.AttendanceID, c.Correction); err != nil {
				return err
			}
			if _, err := tx.exec(ctx, `
				INSERT INTO hours_audit (attendance_id, actor_id, at, reason, old_minutes, new_minutes)
				VALUES ($1, $2, $3, $4, $5, $6)`,
				c.AttendanceID, actor, at, reason, old, c.Minutes); err != nil {
				return err
			}
			changed++
		}
		return nil
	})
	if err != nil {
		return 0, db.wrapError("confirm hours", err)
	}
	return changed, nil
}

// UserHours sums the user's confirmed minutes by activity line, in code
// point order of the line; none for an unknown user. SUM of the integer
// minutes is a bigint on PostgreSQL, no cast needed.
func (db *DB) UserHours(ctx context.Context, userID int64) ([]store.LineHours, error) {
	rows, err := db.reader().query(ctx, `
		SELECT x.category, SUM(x.minutes), COUNT(*) FROM (
			SELECT a.category AS category, t.confirmed_minutes AS minutes
			FROM attendances t
			JOIN activities a ON a.id = t.activity_id
			WHERE t.user_id = $1 AND t.confirmed_minutes IS NOT NULL
			UNION ALL
			SELECT r.category, r.confirmed_minutes
			FROM help_requests r
			WHERE r.taker_id = $1 AND r.confirmed_minutes IS NOT NULL) x
		GROUP BY x.category
		ORDER BY `+db.d.codePointOrder("x.category"), userID)
	hours, err := collect(rows, err, func(row rowScanner) (store.LineHours, error) {
		var h store.LineHours
		err := row.Scan(&h.Category, &h.Minutes, &h.Activities)
		return h, err
	})
	if err != nil {
		return nil, db.wrapError("user hours", err)
	}
	return hours, nil
}

// findAttendance reads the user's attendance at the activity.
func findAttendance(ctx context.Context, q conn, activityID, userID int64) (*store.Attendance, error) {
	return scanAttendance(q.row(ctx, `
		SELECT `+attendanceColumns+attendanceFrom+`
		WHERE t.activity_id = $1 AND t.user_id = $2`, activityID, userID))
}

// scanAttendance reads the attendanceColumns of one row.
func scanAttendance(row rowScanner) (*store.Attendance, error) {
	var (
		att                          store.Attendance
		inLat, inLng, outLat, outLng sql.NullFloat64
		computed, confirmed          sql.NullInt64
	)
	err := row.Scan(&att.ID, &att.ActivityID, &att.ActivityCode, &att.UserID, &att.OpenID, &att.Name,
		timeColumn{&att.CheckInAt}, &inLat, &inLng, timeColumn{&att.CheckOutAt}, &outLat, &outLng,
		&att.FarAway, &computed, &confirmed, &att.ConfirmedBy, timeColumn{&att.ConfirmedAt},
		&att.Corrected)
	if err != nil {
		return nil, err
	}
	att.CheckInPos, att.CheckOutPos = position(inLat, inLng), position(outLat, outLng)
	att.ComputedMinutes, att.ConfirmedMinutes = minutes(computed), minutes(confirmed)
	return &att, nil
}

package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"envoybot/store"
)

// prefixMakeup is the short-code prefix of make-up requests (B3).
const prefixMakeup = "B"

// AddVolunteerRecord stores a training, award or evaluation; the recorder
// (0: the CLI) and the volunteer must exist.
func (db *DB) AddVolunteerRecord(ctx context.Context, r store.VolunteerRecord, at time.Time) (*store.VolunteerRecord, error) {
	if err := r.Validate(); err != nil {
		return nil, db.wrapError("add volunteer record", err)
	}
	return write(ctx, db, "add volunteer record", func(tx conn) (*store.VolunteerRecord, error) {
		if err := requireUser(ctx, tx, r.UserID); err != nil {
			return nil, err
		}
		var recorder any
		if r.RecordedBy != 0 {
			if err := requireUser(ctx, tx, r.RecordedBy); err != nil {
				return nil, err
			}
			recorder = r.RecordedBy
		}
		var id int64
		if err := tx.row(ctx, `
			INSERT INTO volunteer_records (user_id, kind, title, detail, on_day, minutes, recorded_by, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
			r.UserID, r.Kind, r.Title, r.Detail, r.On, r.Minutes, recorder, at).Scan(&id); err != nil {
			return nil, err
		}
		return scanVolunteerRecord(tx.row(ctx, `SELECT `+volunteerRecordColumns+volunteerRecordFrom+` WHERE v.id = $1`, id))
	})
}

const volunteerRecordColumns = `v.id, v.user_id, v.kind, v.title, v.detail, v.on_day, v.minutes,
	COALESCE(v.recorded_by, 0), COALESCE(r.real_name, ''), u.real_name, v.created_at`

const volunteerRecordFrom = ` FROM volunteer_records v JOIN users u ON u.id = v.user_id LEFT JOIN users r ON r.id = v.recorded_by`

// ListVolunteerRecords returns records of a user (or all) by day.
func (db *DB) ListVolunteerRecords(ctx context.Context, userID int64, from, to time.Time) ([]*store.VolunteerRecord, error) {
	var q filter
	if userID != 0 {
		q.where("v.user_id", "=", userID)
	}
	q.between("v.on_day", from, to)
	return readAll(ctx, db, "list volunteer records", scanVolunteerRecord,
		`SELECT `+volunteerRecordColumns+volunteerRecordFrom+q.clause()+` ORDER BY v.on_day, v.id`, q.args...)
}

func scanVolunteerRecord(row rowScanner) (*store.VolunteerRecord, error) {
	var r store.VolunteerRecord
	err := row.Scan(&r.ID, &r.UserID, &r.Kind, &r.Title, &r.Detail, timeColumn{&r.On}, &r.Minutes,
		&r.RecordedBy, &r.RecorderName, &r.VolunteerName, timeColumn{&r.CreatedAt})
	if err != nil {
		return nil, err
	}
	return &r, nil
}

// makeupColumns selects a request with its activity and people.
const makeupColumns = `m.id, m.code, m.activity_id, a.code, a.title, a.envoy_id, e.openid,
	m.user_id, u.openid, u.real_name, m.check_in_at, m.check_out_at, m.minutes, m.reason, m.status,
	COALESCE(m.decided_by, 0), COALESCE(d.real_name, ''), m.decided_at, m.note, m.created_at`

const makeupFrom = ` FROM makeup_requests m
	JOIN activities a ON a.id = m.activity_id
	JOIN users e ON e.id = a.envoy_id
	JOIN users u ON u.id = m.user_id
	LEFT JOIN users d ON d.id = m.decided_by`

// RequestMakeup stores a pending request: the activity (locked, so that a
// decision and a request of one activity take turns) must have ended and
// not be cancelled, and the volunteer's hours there not be confirmed.
func (db *DB) RequestMakeup(ctx context.Context, m store.NewMakeup, at time.Time) (*store.MakeupRequest, bool, error) {
	if err := m.Validate(); err != nil {
		return nil, false, db.wrapError("request makeup", err)
	}
	return writeFlagged(ctx, db, "request makeup", func(tx conn, created *bool) (*store.MakeupRequest, error) {
		a, err := activityRef(ctx, tx, m.ActivityCode, true, false)
		if err != nil {
			return nil, err
		}
		if err := requireUser(ctx, tx, m.UserID); err != nil {
			return nil, err
		}
		var endsAt time.Time
		if err := tx.row(ctx, `SELECT ends_at FROM activities WHERE id = $1`, a.id).Scan(timeColumn{&endsAt}); err != nil {
			return nil, err
		}
		switch {
		case a.status == store.ActivityCancelled:
			return nil, store.Errorf(store.EINVALID, store.MsgMakeupCancelled)
		case at.Before(endsAt):
			return nil, store.Errorf(store.EINVALID, store.MsgMakeupNotEnded)
		}
		var confirmed sql.NullInt64
		err = tx.row(ctx, `SELECT confirmed_minutes FROM attendances WHERE activity_id = $1 AND user_id = $2`,
			a.id, m.UserID).Scan(&confirmed)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return nil, err
		}
		if confirmed.Valid {
			return nil, store.Errorf(store.ECONFLICT, store.MsgMakeupConfirmed)
		}
		if existing, err := scanMakeup(tx.row(ctx, `SELECT `+makeupColumns+makeupFrom+`
			WHERE m.activity_id = $1 AND m.user_id = $2 AND m.status = 'pending'`, a.id, m.UserID)); err == nil {
			return existing, nil
		} else if !errors.Is(err, sql.ErrNoRows) {
			return nil, err
		}
		code, err := nextCode(ctx, tx, prefixMakeup)
		if err != nil {
			return nil, err
		}
		if _, err := tx.exec(ctx, `
			INSERT INTO makeup_requests (code, activity_id, user_id, check_in_at, check_out_at, minutes, reason, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
			code, a.id, m.UserID, m.CheckInAt, m.CheckOutAt, m.Minutes, m.Reason, at); err != nil {
			return nil, err
		}
		*created = true
		return findMakeup(ctx, tx, code)
	})
}

// FindMakeup returns ENOTFOUND for an unknown code.
func (db *DB) FindMakeup(ctx context.Context, code string) (*store.MakeupRequest, error) {
	return read(db, "find makeup", func(q conn) (*store.MakeupRequest, error) { return findMakeup(ctx, q, code) })
}

func findMakeup(ctx context.Context, q conn, code string) (*store.MakeupRequest, error) {
	return scanMakeup(q.row(ctx, `SELECT `+makeupColumns+makeupFrom+` WHERE m.code = $1`, store.NormaliseCode(code)))
}

// DecideMakeup approves or rejects a pending request. An approval fills
// in the attendance the volunteer lacks (a check-in, a check-out), sets
// its computed and confirmed minutes to the request's, and appends the
// audit row "补录 B3 …" with the old and new minutes.
func (db *DB) DecideMakeup(ctx context.Context, code string, actorID int64, approve bool, note string, at time.Time) (*store.MakeupRequest, error) {
	if err := (store.Field{Key: "makeup note", Max: 100}).Check(note); err != nil {
		return nil, db.wrapError("decide makeup", err)
	}
	return write(ctx, db, "decide makeup", func(tx conn) (*store.MakeupRequest, error) {
		m, err := findMakeup(ctx, tx, code)
		if err != nil {
			return nil, err
		}
		if _, err := activityRef(ctx, tx, m.ActivityCode, true, false); err != nil {
			return nil, err
		}
		if err := requireUser(ctx, tx, actorID); err != nil {
			return nil, err
		}
		status := store.MakeupRejected
		if approve {
			status = store.MakeupApproved
		}
		res, err := tx.exec(ctx, `
			UPDATE makeup_requests SET status = $1, decided_by = $2, decided_at = $3, note = $4
			WHERE id = $5 AND status = 'pending'`, status, actorID, at, note, m.ID)
		if n, err := affected(res, err); err != nil {
			return nil, err
		} else if n == 0 {
			return nil, store.Errorf(store.ECONFLICT, store.MsgMakeupDecided)
		}
		if approve {
			if err := approveMakeup(ctx, tx, m, actorID, at); err != nil {
				return nil, err
			}
		}
		return findMakeup(ctx, tx, m.Code)
	})
}

// approveMakeup writes the attendance and its audit row.
func approveMakeup(ctx context.Context, tx conn, m *store.MakeupRequest, actorID int64, at time.Time) error {
	if _, err := tx.exec(ctx, `
		INSERT INTO attendances (activity_id, user_id, check_in_at, check_out_at, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $5)
		ON CONFLICT (activity_id, user_id) DO UPDATE SET
			check_in_at = COALESCE(attendances.check_in_at, excluded.check_in_at),
			check_out_at = COALESCE(attendances.check_out_at, excluded.check_out_at),
			updated_at = excluded.updated_at`,
		m.ActivityID, m.UserID, m.CheckInAt, m.CheckOutAt, at); err != nil {
		return err
	}
	var (
		id  int64
		old sql.NullInt64
	)
	if err := tx.row(ctx, `SELECT id, confirmed_minutes FROM attendances WHERE activity_id = $1 AND user_id = $2`+tx.d.forUpdate,
		m.ActivityID, m.UserID).Scan(&id, &old); err != nil {
		return err
	}
	if _, err := tx.exec(ctx, `
		UPDATE attendances SET computed_minutes = $1, confirmed_minutes = $1, confirmed_by = $2,
			confirmed_at = $3, updated_at = $3
		WHERE id = $4`, m.Minutes, actorID, at, id); err != nil {
		return err
	}
	reason := fmt.Sprintf("补录 %s：%s", m.Code, m.Reason)
	_, err := tx.exec(ctx, `
		INSERT INTO hours_audit (attendance_id, actor_id, at, reason, old_minutes, new_minutes)
		VALUES ($1, $2, $3, $4, $5, $6)`, id, actorID, at, reason, old, m.Minutes)
	return err
}

// affected is the row count of an exec.
func affected(res sql.Result, err error) (int64, error) {
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}

// ListMakeups returns requests newest first.
func (db *DB) ListMakeups(ctx context.Context, f store.MakeupFilter) ([]*store.MakeupRequest, error) {
	var q filter
	q.equal("m.status", f.Status)
	if f.EnvoyID != 0 {
		q.where("a.envoy_id", "=", f.EnvoyID)
	}
	if f.UserID != 0 {
		q.where("m.user_id", "=", f.UserID)
	}
	return readAll(ctx, db, "list makeups", scanMakeup,
		`SELECT `+makeupColumns+makeupFrom+q.clause()+` ORDER BY m.created_at DESC, m.id DESC`+q.limit(f.Limit), q.args...)
}

func scanMakeup(row rowScanner) (*store.MakeupRequest, error) {
	var m store.MakeupRequest
	err := row.Scan(&m.ID, &m.Code, &m.ActivityID, &m.ActivityCode, &m.ActivityTitle, &m.EnvoyID, &m.EnvoyOpenID,
		&m.UserID, &m.OpenID, &m.Name, timeColumn{&m.CheckInAt}, timeColumn{&m.CheckOutAt}, &m.Minutes, &m.Reason,
		&m.Status, &m.DecidedBy, &m.DeciderName, timeColumn{&m.DecidedAt}, &m.Note, timeColumn{&m.CreatedAt})
	if err != nil {
		return nil, err
	}
	return &m, nil
}

// ListHoursAudit returns the audit newest first with its activity,
// volunteer and actor.
func (db *DB) ListHoursAudit(ctx context.Context, f store.HoursAuditFilter) ([]store.HoursAuditEntry, error) {
	var q filter
	if code := store.NormaliseCode(f.ActivityCode); code != "" {
		q.where("a.code", "=", code)
	}
	q.between("h.at", f.From, f.To)
	query := `
		SELECT h.id, h.at, h.attendance_id, a.code, a.title, u.id, u.real_name, COALESCE(x.real_name, ''),
			h.old_minutes, h.new_minutes, h.reason
		FROM hours_audit h
		JOIN attendances t ON t.id = h.attendance_id
		JOIN activities a ON a.id = t.activity_id
		JOIN users u ON u.id = t.user_id
		LEFT JOIN users x ON x.id = h.actor_id` + q.clause() + `
		ORDER BY h.at DESC, h.id DESC` + q.limit(f.Limit)
	return readAll(ctx, db, "list hours audit", func(row rowScanner) (store.HoursAuditEntry, error) {
		var (
			e        store.HoursAuditEntry
			old, new sql.NullInt64
		)
		err := row.Scan(&e.ID, timeColumn{&e.At}, &e.AttendanceID, &e.ActivityCode, &e.ActivityTitle,
			&e.VolunteerID, &e.VolunteerName, &e.ActorName, &old, &new, &e.Reason)
		e.OldMinutes, e.NewMinutes = minutes(old), minutes(new)
		return e, err
	}, query, q.args...)
}

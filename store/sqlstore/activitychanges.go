package sqlstore

import (
	"context"
	"slices"
	"time"

	"envoybot/store"
)

// CancelActivity marks the activity cancelled under its lock (activityRef),
// so that no sign-up, check-in or change slips in between the check and
// the update; a second cancellation returns the activity unchanged.
func (db *DB) CancelActivity(ctx context.Context, code string, actorID int64, reason string, at time.Time) (*store.Activity, bool, error) {
	reason, err := store.ValidateCancelReason(reason)
	if err != nil {
		return nil, false, db.wrapError("cancel activity", err)
	}
	return writeFlagged(ctx, db, "cancel activity", func(tx conn, cancelled *bool) (*store.Activity, error) {
		locked, err := activityRef(ctx, tx, code, true, false)
		if err != nil {
			return nil, err
		}
		a, err := findActivity(ctx, tx, locked.code)
		switch {
		case err != nil:
			return nil, err
		case a.Status == store.ActivityCancelled:
			return a, nil
		case a.Status == store.ActivityHeld || !at.Before(a.EndsAt):
			return nil, store.Errorf(store.EINVALID, store.MsgActivityEnded)
		}
		if err := requireUser(ctx, tx, actorID); err != nil {
			return nil, err
		}
		if _, err := tx.exec(ctx, `
			UPDATE activities SET status = 'cancelled', cancelled_at = $1, cancel_reason = $2,
				cancelled_by = $3, updated_at = $1
			WHERE id = $4`, at, reason, actorID, locked.id); err != nil {
			return nil, err
		}
		*cancelled = true
		return findActivity(ctx, tx, locked.code)
	})
}

// ModifyActivity applies the change under the activity's lock, the lock
// sign-ups take, so that seats are counted and the wait-list promoted
// with no sign-up in between.
func (db *DB) ModifyActivity(ctx context.Context, code string, change store.ActivityChange, at time.Time) (*store.ActivityModification, error) {
	if err := change.Validate(); err != nil {
		return nil, db.wrapError("modify activity", err)
	}
	return write(ctx, db, "modify activity", func(tx conn) (*store.ActivityModification, error) {
		locked, err := activityRef(ctx, tx, code, true, false)
		if err != nil {
			return nil, err
		}
		before, err := findActivity(ctx, tx, locked.code)
		if err != nil {
			return nil, err
		}
		next, changed, err := change.Apply(before, at)
		if err != nil {
			return nil, err
		}
		m := &store.ActivityModification{Before: before, After: before, Changed: changed}
		if changed {
			if _, err := tx.exec(ctx, `
				UPDATE activities SET starts_at = $1, ends_at = $2, place = $3, quota = $4,
					revision = revision + 1, updated_at = $5
				WHERE id = $6`, next.StartsAt, next.EndsAt, next.Place, next.Quota, at, locked.id); err != nil {
				return nil, err
			}
			if m.Promoted, err = promoteWaitlisted(ctx, tx, locked.id, before, next.Quota, at); err != nil {
				return nil, err
			}
			if m.After, err = findActivity(ctx, tx, locked.code); err != nil {
				return nil, err
			}
			if q := m.After.Quota; q > 0 && m.After.Seated > q {
				m.OverQuota = m.After.Seated - q
			}
		}
		if m.Signups, err = listActivitySignups(ctx, tx, locked.code); err != nil {
			return nil, err
		}
		return m, nil
	})
}

// promoteWaitlisted seats the wait-listed of the activity, longest waiting
// first, in the seats a quota larger than before's (or no limit) opened;
// a group seats only when all of it fits (seatWaitlisted).
func promoteWaitlisted(ctx context.Context, tx conn, activityID int64, before *store.Activity, quota int, at time.Time) ([]*store.Signup, error) {
	if before.Waitlisted == 0 || (quota > 0 && quota <= before.Seated) {
		return []*store.Signup{}, nil
	}
	return seatWaitlisted(ctx, tx, activityID, quota, at)
}

// CancelLectureSession cancels the lecture's sessions on day under the
// lecture's lock (the lock AddLectureOccurrences and CancelLecture take),
// so the expansion either ran before and its session is marked here, or
// runs after and finds the session stored cancelled.
func (db *DB) CancelLectureSession(ctx context.Context, code string, day time.Time, at time.Time) (*store.SessionCancellation, error) {
	if day.IsZero() {
		return nil, db.wrapError("cancel lecture session", store.Errorf(store.EINVALID, "a session day is required"))
	}
	code = store.NormaliseCode(code)
	next := day.AddDate(0, 0, 1)
	return write(ctx, db, "cancel lecture session", func(tx conn) (*store.SessionCancellation, error) {
		var (
			id          int64
			cancelledAt time.Time
		)
		if err := tx.row(ctx, `SELECT id, cancelled_at FROM lectures WHERE code = $1`+tx.d.forUpdate,
			code).Scan(&id, timeColumn{&cancelledAt}); err != nil {
			return nil, err
		}
		if !cancelledAt.IsZero() {
			return nil, store.Errorf(store.EINVALID, store.MsgLectureCancelled)
		}
		l, err := findLecture(ctx, tx, code)
		if err != nil {
			return nil, err
		}
		type session struct {
			start     time.Time
			cancelled bool
			stored    bool
		}
		rows, err := tx.query(ctx, `
			SELECT starts_at, cancelled_at FROM lecture_occurrences
			WHERE lecture_id = $1 AND starts_at >= $2 AND starts_at < $3
			ORDER BY starts_at`, id, day, next)
		sessions, err := collect(rows, err, func(row rowScanner) (s session, err error) {
			var c time.Time
			err = row.Scan(timeColumn{&s.start}, timeColumn{&c})
			s.cancelled, s.stored = !c.IsZero(), true
			return s, err
		})
		if err != nil {
			return nil, err
		}
		for _, t := range l.Recurrence.Occurrences(day.Add(-time.Nanosecond), next.Add(-time.Nanosecond), day.Location(), 0) {
			known := false
			for _, s := range sessions {
				known = known || s.start.Equal(t)
			}
			if !known {
				sessions = append(sessions, session{start: t.UTC()})
			}
		}
		if len(sessions) == 0 {
			return nil, store.Errorf(store.ENOTFOUND, store.MsgNoSession)
		}
		sc := &store.SessionCancellation{Lecture: l, Starts: []time.Time{}}
		for _, s := range sessions {
			if !s.start.After(at) {
				continue
			}
			sc.Starts = append(sc.Starts, s.start)
			switch {
			case s.cancelled:
				continue
			case s.stored:
				_, err = tx.exec(ctx, `UPDATE lecture_occurrences SET cancelled_at = $1 WHERE lecture_id = $2 AND starts_at = $3`,
					at, id, s.start)
			default:
				_, err = tx.exec(ctx, `
					INSERT INTO lecture_occurrences (lecture_id, starts_at, cancelled_at) VALUES ($1, $2, $3)
					ON CONFLICT (lecture_id, starts_at) DO NOTHING`, id, s.start, at)
			}
			if err != nil {
				return nil, err
			}
			sc.Cancelled = true
		}
		if len(sc.Starts) == 0 {
			return nil, store.Errorf(store.EINVALID, store.MsgSessionPast)
		}
		slices.SortFunc(sc.Starts, time.Time.Compare)
		return sc, nil
	})
}

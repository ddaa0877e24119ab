package sqlite

import (
	"context"
	"database/sql"
	"slices"
	"strings"
	"time"

	"envoybot/store"
)

// ListUsersByRole returns the users with the role who are not anonymised,
// oldest first; an unknown role is EINVALID.
func (db *DB) ListUsersByRole(ctx context.Context, role store.Role) ([]*store.User, error) {
	if !role.Valid() {
		return nil, wrapError("list users by role", store.Errorf(store.EINVALID, "unknown role %q", role))
	}
	users, err := queryUsers(ctx, db.read, `
		SELECT `+userColumns+`
		FROM users u LEFT JOIN communities c ON c.id = u.community_id
		WHERE u.role = ? AND u.anonymised_at IS NULL
		ORDER BY u.id`, string(role))
	if err != nil {
		return nil, wrapError("list users by role", err)
	}
	return users, nil
}

// ListRecurringLectures returns the lectures with a recurrence rule that
// are not cancelled, oldest first.
func (db *DB) ListRecurringLectures(ctx context.Context) ([]*store.Lecture, error) {
	rows, err := db.read.QueryContext(ctx, `
		SELECT `+lectureColumns+lectureFrom+`
		WHERE l.recurrence <> '' AND l.cancelled_at IS NULL
		ORDER BY l.id`)
	if err != nil {
		return nil, wrapError("list recurring lectures", err)
	}
	defer rows.Close()
	lectures := []*store.Lecture{}
	for rows.Next() {
		l, err := scanLecture(rows)
		if err != nil {
			return nil, wrapError("list recurring lectures", err)
		}
		lectures = append(lectures, l)
	}
	if err := rows.Err(); err != nil {
		return nil, wrapError("list recurring lectures", err)
	}
	return lectures, nil
}

// AddLectureOccurrences adds the sessions the lecture lacks (a cancelled
// session stays cancelled) and moves FirstStartsAt back when one is
// earlier. An unknown code is ENOTFOUND, a cancelled lecture or a zero
// time EINVALID.
func (db *DB) AddLectureOccurrences(ctx context.Context, code string, starts []time.Time) (int, error) {
	added := 0
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		starts, err := occurrenceTimes(starts)
		if err != nil {
			return err
		}
		l, err := findLecture(ctx, tx, normaliseCode(code))
		if err != nil {
			return err
		}
		if !l.CancelledAt.IsZero() {
			return store.Errorf(store.EINVALID, "lecture %s is cancelled", l.Code)
		}
		if len(starts) == 0 {
			return nil
		}
		stmt, err := tx.PrepareContext(ctx, `
			INSERT INTO lecture_occurrences (lecture_id, starts_at) VALUES (?, ?)
			ON CONFLICT (lecture_id, starts_at) DO NOTHING`)
		if err != nil {
			return err
		}
		defer stmt.Close()
		for _, startsAt := range starts {
			res, err := stmt.ExecContext(ctx, l.ID, timeValue(startsAt))
			if err != nil {
				return err
			}
			n, err := res.RowsAffected()
			if err != nil {
				return err
			}
			added += int(n)
		}
		_, err = tx.ExecContext(ctx, `
			UPDATE lectures SET first_starts_at = ?1 WHERE id = ?2 AND first_starts_at > ?1`,
			timeValue(starts[0]), l.ID)
		return err
	})
	if err != nil {
		return 0, wrapError("add lecture occurrences", err)
	}
	return added, nil
}

// ListOccurrencesBetween returns the live sessions of live lectures
// starting in [from, to), soonest first.
func (db *DB) ListOccurrencesBetween(ctx context.Context, from, to time.Time) ([]*store.LectureOccurrence, error) {
	rows, err := db.read.QueryContext(ctx, `
		SELECT `+lectureColumns+`, o.starts_at`+lectureFrom+`
		JOIN lecture_occurrences o ON o.lecture_id = l.id
		WHERE l.cancelled_at IS NULL AND o.cancelled_at IS NULL
			AND o.starts_at >= ?1 AND o.starts_at < ?2
		ORDER BY o.starts_at, l.id`, timeValue(from), timeValue(to))
	if err != nil {
		return nil, wrapError("list occurrences between", err)
	}
	defer rows.Close()
	list := []*store.LectureOccurrence{}
	for rows.Next() {
		var o store.LectureOccurrence
		if o.Lecture, err = scanLecture(rows, timeColumn{&o.StartsAt}); err != nil {
			return nil, wrapError("list occurrences between", err)
		}
		list = append(list, &o)
	}
	if err := rows.Err(); err != nil {
		return nil, wrapError("list occurrences between", err)
	}
	return list, nil
}

// ListSubscribers returns the users with an active subscription to the
// community's lecture notices who follow the account and are not
// anonymised, oldest first; an unknown community has none.
func (db *DB) ListSubscribers(ctx context.Context, community string) ([]*store.User, error) {
	users, err := queryUsers(ctx, db.read, `
		SELECT `+userColumns+`
		FROM lecture_subscriptions s
		JOIN communities sc ON sc.id = s.community_id
		JOIN users u ON u.id = s.user_id
		LEFT JOIN communities c ON c.id = u.community_id
		WHERE sc.name = ? AND s.active = 1 AND u.following = 1 AND u.anonymised_at IS NULL
		ORDER BY u.id`, strings.TrimSpace(community))
	if err != nil {
		return nil, wrapError("list subscribers", err)
	}
	return users, nil
}

// ListActivitiesStartingBetween returns the activities not cancelled
// starting in [from, to), soonest first.
func (db *DB) ListActivitiesStartingBetween(ctx context.Context, from, to time.Time) ([]*store.Activity, error) {
	rows, err := db.read.QueryContext(ctx, `
		SELECT `+activityColumns+activityFrom+`
		WHERE a.status <> 'cancelled' AND a.starts_at >= ?1 AND a.starts_at < ?2
		ORDER BY a.starts_at, a.id`, timeValue(from), timeValue(to))
	if err != nil {
		return nil, wrapError("list activities starting between", err)
	}
	activities, err := collectActivities(rows)
	if err != nil {
		return nil, wrapError("list activities starting between", err)
	}
	return activities, nil
}

// ListActivitiesEndingBetween returns the activities not cancelled ending
// in [from, to), soonest first.
func (db *DB) ListActivitiesEndingBetween(ctx context.Context, from, to time.Time) ([]*store.Activity, error) {
	rows, err := db.read.QueryContext(ctx, `
		SELECT `+activityColumns+activityFrom+`
		WHERE a.status <> 'cancelled' AND a.ends_at >= ?1 AND a.ends_at < ?2
		ORDER BY a.ends_at, a.id`, timeValue(from), timeValue(to))
	if err != nil {
		return nil, wrapError("list activities ending between", err)
	}
	activities, err := collectActivities(rows)
	if err != nil {
		return nil, wrapError("list activities ending between", err)
	}
	return activities, nil
}

// SummaryBetween sums the activities (not cancelled) starting in
// [from, to) and what happened on them, and the profiles first registered
// in [from, to) (anonymised ones included: their records still count),
// from one snapshot.
func (db *DB) SummaryBetween(ctx context.Context, from, to time.Time) (*store.Summary, error) {
	tx, err := db.read.BeginTx(ctx, nil)
	if err != nil {
		return nil, wrapError("summary between", err)
	}
	defer tx.Rollback()
	s := &store.Summary{ActivitiesByLine: map[string]int{}}
	rows, err := tx.QueryContext(ctx, `
		SELECT category, COUNT(*), COUNT(held_at) FROM activities
		WHERE status <> 'cancelled' AND starts_at >= ?1 AND starts_at < ?2
		GROUP BY category`, timeValue(from), timeValue(to))
	if err != nil {
		return nil, wrapError("summary between", err)
	}
	defer rows.Close()
	for rows.Next() {
		var (
			line    string
			n, held int
		)
		if err := rows.Scan(&line, &n, &held); err != nil {
			return nil, wrapError("summary between", err)
		}
		s.ActivitiesByLine[line] = n
		s.Activities += n
		s.HeldActivities += held
	}
	if err := rows.Err(); err != nil {
		return nil, wrapError("summary between", err)
	}
	err = tx.QueryRowContext(ctx, `
		WITH period AS (
			SELECT id FROM activities
			WHERE status <> 'cancelled' AND starts_at >= ?1 AND starts_at < ?2)
		SELECT
			(SELECT COUNT(*) FROM signups s JOIN period p ON p.id = s.activity_id
				WHERE s.status = 'seated'),
			(SELECT COUNT(*) FROM attendances t JOIN period p ON p.id = t.activity_id
				WHERE t.check_in_at IS NOT NULL),
			(SELECT COALESCE(SUM(t.confirmed_minutes), 0) FROM attendances t
				JOIN period p ON p.id = t.activity_id),
			(SELECT COUNT(*) FROM users WHERE registered_at >= ?1 AND registered_at < ?2)`,
		timeValue(from), timeValue(to)).Scan(&s.Signups, &s.Attended, &s.ConfirmedMinutes, &s.NewVolunteers)
	if err != nil {
		return nil, wrapError("summary between", err)
	}
	return s, nil
}

// queryUsers runs a query of userColumns and reads every row.
func queryUsers(ctx context.Context, q queryer, query string, args ...any) ([]*store.User, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	users := []*store.User{}
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, err
		}
		users = append(users, u)
	}
	return users, rows.Err()
}

// occurrenceTimes sorts session times at microsecond precision, dropping
// duplicates; a zero time is EINVALID.
func occurrenceTimes(starts []time.Time) ([]time.Time, error) {
	times := make([]time.Time, 0, len(starts))
	for _, t := range starts {
		if t.IsZero() {
			return nil, store.Errorf(store.EINVALID, "lecture occurrence without a time")
		}
		times = append(times, t.UTC().Truncate(time.Microsecond))
	}
	slices.SortFunc(times, time.Time.Compare)
	return slices.CompactFunc(times, time.Time.Equal), nil
}

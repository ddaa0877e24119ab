package sqlstore

import (
	"context"
	"strings"
	"time"

	"envoybot/store"
)

// ListUsersByRole returns the users with the role who are not anonymised,
// oldest first; an unknown role is EINVALID.
func (db *DB) ListUsersByRole(ctx context.Context, role store.Role) ([]*store.User, error) {
	if !role.Valid() {
		return nil, db.wrapError("list users by role", store.Errorf(store.EINVALID, "unknown role %q", role))
	}
	users, err := queryUsers(ctx, db.reader(), `
		SELECT `+userColumns+`
		FROM users u LEFT JOIN communities c ON c.id = u.community_id
		WHERE u.role = $1 AND u.anonymised_at IS NULL
		ORDER BY u.id`, string(role))
	if err != nil {
		return nil, db.wrapError("list users by role", err)
	}
	return users, nil
}

// ListRecurringLectures returns the lectures with a recurrence rule that
// are not cancelled, oldest first.
func (db *DB) ListRecurringLectures(ctx context.Context) ([]*store.Lecture, error) {
	return readAll(ctx, db, "list recurring lectures", scanLecture, `
		SELECT `+lectureColumns+lectureFrom+`
		WHERE l.recurrence_rule <> '' AND l.cancelled_at IS NULL
		ORDER BY l.id`)
}

// AddLectureOccurrences adds the sessions the lecture lacks (a cancelled
// session stays cancelled) and moves FirstStartsAt back when one is
// earlier. The lecture row is locked first (FOR UPDATE on PostgreSQL;
// SQLite's writer is alone anyway), so a concurrent CancelLecture either
// sees the new sessions or makes this EINVALID. An unknown code is
// ENOTFOUND, a cancelled lecture or a zero time EINVALID.
func (db *DB) AddLectureOccurrences(ctx context.Context, code string, starts []time.Time) (int, error) {
	starts, err := store.NormaliseOccurrences(starts)
	if err != nil {
		return 0, db.wrapError("add lecture occurrences", err)
	}
	code = store.NormaliseCode(code)
	added := 0
	err = db.inTx(ctx, func(tx conn) error {
		var (
			id          int64
			cancelledAt time.Time
		)
		if err := tx.row(ctx, `SELECT id, cancelled_at FROM lectures WHERE code = $1`+tx.d.forUpdate,
			code).Scan(&id, timeColumn{&cancelledAt}); err != nil {
			return err
		}
		if !cancelledAt.IsZero() {
			return store.Errorf(store.EINVALID, "lecture %s is cancelled", code)
		}
		if len(starts) == 0 {
			return nil
		}
		var err error
		if added, err = insertOccurrences(ctx, tx, id, starts); err != nil {
			return err
		}
		_, err = tx.exec(ctx, `
			UPDATE lectures SET first_starts_at = $1 WHERE id = $2 AND first_starts_at > $1`,
			starts[0], id)
		return err
	})
	if err != nil {
		return 0, db.wrapError("add lecture occurrences", err)
	}
	return added, nil
}

// insertOccurrences adds the sessions at starts to the lecture, skipping
// those it has, with multi-row INSERTs (bulkInsert), and returns how many
// were new.
func insertOccurrences(ctx context.Context, tx conn, lectureID int64, starts []time.Time) (int, error) {
	args := make([]any, len(starts))
	for i, t := range starts {
		args[i] = t
	}
	return bulkInsert(ctx, tx, func(rows int) string {
		return `INSERT INTO lecture_occurrences (starts_at, lecture_id)
			VALUES ` + placeholderRows(rows, 1, 2, ", $1") + `
			ON CONFLICT (lecture_id, starts_at) DO NOTHING`
	}, 1, []any{lectureID}, args)
}

// ListOccurrencesBetween returns the live sessions of live lectures
// starting in [from, to), soonest first.
func (db *DB) ListOccurrencesBetween(ctx context.Context, from, to time.Time) ([]*store.LectureOccurrence, error) {
	return readAll(ctx, db, "list occurrences between", scanLectureOccurrence, `
		SELECT `+lectureOccurrenceColumns+lectureOccurrenceFrom+`
		WHERE l.cancelled_at IS NULL AND o.cancelled_at IS NULL
			AND o.starts_at >= $1 AND o.starts_at < $2
		ORDER BY o.starts_at, l.id`, from, to)
}

// ListSubscribers returns the users with an active subscription to the
// community's lecture notices who follow the account and are not
// anonymised, oldest first; an unknown community has none.
func (db *DB) ListSubscribers(ctx context.Context, community string) ([]*store.User, error) {
	users, err := queryUsers(ctx, db.reader(), `
		SELECT `+userColumns+`
		FROM lecture_subscriptions s
		JOIN communities sc ON sc.id = s.community_id
		JOIN users u ON u.id = s.user_id
		LEFT JOIN communities c ON c.id = u.community_id
		WHERE sc.name = $1 AND `+db.d.activeSubscription()+` AND u.following = TRUE AND u.anonymised_at IS NULL
		ORDER BY u.id`, strings.TrimSpace(community))
	if err != nil {
		return nil, db.wrapError("list subscribers", err)
	}
	return users, nil
}

// ListSubscriberOpenIDs returns the OpenIDs ListSubscribers would, in its
// order.
func (db *DB) ListSubscriberOpenIDs(ctx context.Context, community string) ([]string, error) {
	return readAll(ctx, db, "list subscriber openids", scanString, `
		SELECT u.openid
		FROM lecture_subscriptions s
		JOIN communities sc ON sc.id = s.community_id
		JOIN users u ON u.id = s.user_id
		WHERE sc.name = $1 AND `+db.d.activeSubscription()+` AND u.following = TRUE AND u.anonymised_at IS NULL
		ORDER BY u.id`, strings.TrimSpace(community))
}

// activeSubscription is the condition "the subscription s is on" written
// as the partial index lecture_subscriptions_community_id_idx has it, so
// that finding a community's subscribers reads only that index: SQLite
// uses a partial index only for a term spelt as in its definition
// (active = 1, which PostgreSQL rejects for a boolean; active = TRUE reads
// the whole table).
func (d *dialect) activeSubscription() string {
	if d.pg {
		return `s.active`
	}
	return `s.active = 1`
}

// ListActivitiesStartingBetween returns the activities not cancelled
// starting in [from, to), soonest first.
func (db *DB) ListActivitiesStartingBetween(ctx context.Context, from, to time.Time) ([]*store.Activity, error) {
	return readAll(ctx, db, "list activities starting between", scanActivity, `
		SELECT `+activityColumns+activityFrom+`
		WHERE a.status <> 'cancelled' AND a.starts_at >= $1 AND a.starts_at < $2
		ORDER BY a.starts_at, a.id`, from, to)
}

// ListActivitiesEndingBetween returns the activities not cancelled ending
// in [from, to), soonest first.
func (db *DB) ListActivitiesEndingBetween(ctx context.Context, from, to time.Time) ([]*store.Activity, error) {
	return readAll(ctx, db, "list activities ending between", scanActivity, `
		SELECT `+activityColumns+activityFrom+`
		WHERE a.status <> 'cancelled' AND a.ends_at >= $1 AND a.ends_at < $2
		ORDER BY a.ends_at, a.id`, from, to)
}

// SummaryBetween sums the activities (not cancelled) starting in
// [from, to) and what happened on them, and the profiles first registered
// in [from, to) (anonymised ones included: their records still count),
// from one snapshot: a read-only transaction, repeatable read on
// PostgreSQL (SQLite's transactions are snapshots anyway, and its driver
// takes no isolation level).
func (db *DB) SummaryBetween(ctx context.Context, from, to time.Time) (*store.Summary, error) {
	s, err := db.summaryBetween(ctx, from, to)
	if err != nil {
		return nil, db.wrapError("summary between", err)
	}
	return s, nil
}

// summaryBetween reads the summary in its own read-only transaction.
func (db *DB) summaryBetween(ctx context.Context, from, to time.Time) (*store.Summary, error) {
	var s *store.Summary
	err := db.snapshot(ctx, func(tx conn) (err error) {
		s, err = summaryIn(ctx, tx, from, to)
		return err
	})
	return s, err
}

// summaryIn reads the summary with the statements of one snapshot.
func summaryIn(ctx context.Context, tx conn, from, to time.Time) (*store.Summary, error) {
	type lineCount struct {
		line    string
		n, held int
	}
	rows, err := tx.query(ctx, `
		SELECT category, COUNT(*), COUNT(held_at) FROM activities
		WHERE status <> 'cancelled' AND starts_at >= $1 AND starts_at < $2
		GROUP BY category`, from, to)
	lines, err := collect(rows, err, func(row rowScanner) (lineCount, error) {
		var c lineCount
		err := row.Scan(&c.line, &c.n, &c.held)
		return c, err
	})
	if err != nil {
		return nil, err
	}
	s := &store.Summary{ActivitiesByLine: make(map[string]int, len(lines))}
	for _, c := range lines {
		s.ActivitiesByLine[c.line] = c.n
		s.Activities += c.n
		s.HeldActivities += c.held
	}
	// SUM of the integer confirmed_minutes is a bigint on PostgreSQL.
	err = tx.row(ctx, `
		WITH period AS (
			SELECT id FROM activities
			WHERE status <> 'cancelled' AND starts_at >= $1 AND starts_at < $2)
		SELECT
			(SELECT COUNT(*) FROM signups s JOIN period p ON p.id = s.activity_id
				WHERE s.status = 'seated'),
			(SELECT COUNT(*) FROM attendances t JOIN period p ON p.id = t.activity_id
				WHERE t.check_in_at IS NOT NULL),
			(SELECT COALESCE(SUM(t.confirmed_minutes), 0) FROM attendances t
				JOIN period p ON p.id = t.activity_id),
			(SELECT COUNT(*) FROM users WHERE registered_at >= $1 AND registered_at < $2)`,
		from, to).Scan(&s.Signups, &s.Attended, &s.ConfirmedMinutes, &s.NewVolunteers)
	if err != nil {
		return nil, err
	}
	return s, nil
}

// queryUsers runs a query of userColumns and reads every row.
func queryUsers(ctx context.Context, q conn, query string, args ...any) ([]*store.User, error) {
	rows, err := q.query(ctx, query, args...)
	return collect(rows, err, scanUser)
}

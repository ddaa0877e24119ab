package sqlstore

import (
	"context"
	"strings"
	"time"

	"envoybot/store"
)

// lectureColumns selects a lecture with its community and envoy;
// lectureFrom must follow.
const lectureColumns = `l.id, l.code, l.title, c.name, l.envoy_id, e.openid, l.place, l.recurrence_rule,
	l.first_starts_at, l.cancelled_at, l.created_at`

// lectureFrom joins what lectureColumns reads.
const lectureFrom = ` FROM lectures l
	JOIN communities c ON c.id = l.community_id
	JOIN users e ON e.id = l.envoy_id`

// lectureOccurrenceColumns selects a session o with its lecture (read by
// scanLectureOccurrence); lectureOccurrenceFrom must follow.
const lectureOccurrenceColumns = `o.starts_at, ` + lectureColumns

// lectureOccurrenceFrom joins what lectureOccurrenceColumns reads.
const lectureOccurrenceFrom = lectureFrom + `
	JOIN lecture_occurrences o ON o.lecture_id = l.id`

// CreateLecture stores the lecture and its distinct occurrences with the
// next short code; FirstStartsAt is the earliest occurrence. The lecture
// its origin key already made is returned as it is (publishGuard).
func (db *DB) CreateLecture(ctx context.Context, nl store.NewLecture, at time.Time) (*store.Lecture, error) {
	if err := nl.Validate(); err != nil {
		return nil, db.wrapError("create lecture", err)
	}
	return write(ctx, db, "create lecture", func(tx conn) (*store.Lecture, error) {
		existing, err := publishGuard(ctx, tx, "lectures", nl.EnvoyID, nl.Publish)
		if err != nil {
			return nil, err
		}
		if existing != "" {
			return findLecture(ctx, tx, existing)
		}
		envoyID, communityID, code, err := envoyRecord(ctx, tx, nl.EnvoyID, nl.Community, prefixLecture, at)
		if err != nil {
			return nil, err
		}
		var id int64
		if err := tx.row(ctx, `
			INSERT INTO lectures (code, title, community_id, envoy_id, place, recurrence, recurrence_rule,
				first_starts_at, origin_key, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10)
			RETURNING id`,
			code, nl.Title, communityID, envoyID, nl.Place, nl.Recurrence.String(), store.MarshalRecurrence(nl.Recurrence),
			nl.Occurrences[0], originKey(nl.Publish), at).Scan(&id); err != nil {
			return nil, err
		}
		if _, err := insertOccurrences(ctx, tx, id, nl.Occurrences); err != nil {
			return nil, err
		}
		return findLecture(ctx, tx, code)
	})
}

// FindLectureByCode returns ENOTFOUND for an unknown code (case-insensitive).
func (db *DB) FindLectureByCode(ctx context.Context, code string) (*store.Lecture, error) {
	return read(db, "find lecture by code", func(q conn) (*store.Lecture, error) {
		return findLecture(ctx, q, store.NormaliseCode(code))
	})
}

// ListUpcomingLectures returns live occurrences of live lectures starting
// after from, of the community when given, soonest first; a limit of 0 or
// less means no limit.
func (db *DB) ListUpcomingLectures(ctx context.Context, community string, from time.Time, limit int) ([]*store.LectureOccurrence, error) {
	q := filter{conds: []string{"l.cancelled_at IS NULL", "o.cancelled_at IS NULL"}}
	q.where("o.starts_at", ">", from)
	q.equal("c.name", community)
	query := `SELECT ` + lectureOccurrenceColumns + lectureOccurrenceFrom + q.clause() + ` ORDER BY o.starts_at, l.id` + q.limit(limit)
	return readAll(ctx, db, "list upcoming lectures", scanLectureOccurrence, query, q.args...)
}

// CancelLecture cancels the series and its occurrences starting after at;
// cancelling again keeps the first cancellation time. The lectures row is
// updated first, which locks it on PostgreSQL, so a concurrent
// AddLectureOccurrences either ran before or sees the cancellation.
func (db *DB) CancelLecture(ctx context.Context, code string, at time.Time) (*store.Lecture, error) {
	code = store.NormaliseCode(code)
	return write(ctx, db, "cancel lecture", func(tx conn) (*store.Lecture, error) {
		var id int64
		if err := tx.row(ctx, `
			UPDATE lectures SET cancelled_at = COALESCE(cancelled_at, $1), updated_at = $1
			WHERE code = $2 RETURNING id`, at, code).Scan(&id); err != nil {
			return nil, err
		}
		if _, err := tx.exec(ctx, `
			UPDATE lecture_occurrences SET cancelled_at = $1
			WHERE lecture_id = $2 AND starts_at > $1 AND cancelled_at IS NULL`,
			at, id); err != nil {
			return nil, err
		}
		return findLecture(ctx, tx, code)
	})
}

// Subscribe turns on the lecture notices of a known community for the
// user, creating the subscription when new. It reports whether a subscription was turned on
// (false when it was on already).
func (db *DB) Subscribe(ctx context.Context, userID int64, community string, at time.Time) (bool, error) {
	community, err := subscriptionCommunity(community)
	if err != nil {
		return false, db.wrapError("subscribe", err)
	}
	created := false
	err = db.inTx(ctx, func(tx conn) error {
		if err := requireUser(ctx, tx, userID); err != nil {
			return err
		}
		communityID, err := knownCommunity(ctx, tx, community)
		if err != nil {
			return err
		}
		created, err = inserted(tx.exec(ctx, `
			INSERT INTO lecture_subscriptions (user_id, community_id, active, created_at, updated_at)
			VALUES ($1, $2, TRUE, $3, $3)
			ON CONFLICT (user_id, community_id) DO UPDATE SET active = TRUE, updated_at = excluded.updated_at
			WHERE lecture_subscriptions.active = FALSE`,
			userID, communityID, at))
		return err
	})
	if err != nil {
		return false, db.wrapError("subscribe", err)
	}
	return created, nil
}

// Unsubscribe turns notices off for one community, or all when community
// is empty; an unknown user or community has none on.
func (db *DB) Unsubscribe(ctx context.Context, userID int64, community string, at time.Time) (int, error) {
	query := `
		UPDATE lecture_subscriptions SET active = FALSE, updated_at = $1
		WHERE active = TRUE AND user_id = $2`
	args := []any{at, userID}
	if community = strings.TrimSpace(community); community != "" {
		query += ` AND community_id = (SELECT id FROM communities WHERE name = $3)`
		args = append(args, community)
	}
	var n int64
	err := db.inTx(ctx, func(tx conn) error {
		res, err := tx.exec(ctx, query, args...)
		if err != nil {
			return err
		}
		n, err = res.RowsAffected()
		return err
	})
	if err != nil {
		return 0, db.wrapError("unsubscribe", err)
	}
	return int(n), nil
}

// ListSubscriptions returns the communities whose notices the user gets,
// by name in code point order.
func (db *DB) ListSubscriptions(ctx context.Context, userID int64) ([]string, error) {
	return readAll(ctx, db, "list subscriptions", scanString, `
		SELECT c.name FROM lecture_subscriptions s
		JOIN communities c ON c.id = s.community_id
		WHERE s.user_id = $1 AND s.active = TRUE
		ORDER BY `+db.d.codePointOrder("c.name"), userID)
}

// findLecture reads the lecture stored under code (already normalised).
func findLecture(ctx context.Context, q conn, code string) (*store.Lecture, error) {
	return scanLecture(q.row(ctx, `SELECT `+lectureColumns+lectureFrom+` WHERE l.code = $1`, code))
}

// scanLecture reads the lectureColumns of one row.
func scanLecture(row rowScanner) (*store.Lecture, error) {
	var (
		l    store.Lecture
		rule string
	)
	err := row.Scan(&l.ID, &l.Code, &l.Title, &l.Community, &l.EnvoyID, &l.EnvoyOpenID,
		&l.Place, &rule, timeColumn{&l.FirstStartsAt}, timeColumn{&l.CancelledAt},
		timeColumn{&l.CreatedAt})
	if err != nil {
		return nil, err
	}
	if l.Recurrence, err = store.UnmarshalRecurrence(rule); err != nil {
		return nil, err
	}
	return &l, nil
}

// scanLectureOccurrence reads the lectureOccurrenceColumns of one row.
func scanLectureOccurrence(row rowScanner) (*store.LectureOccurrence, error) {
	var (
		o   store.LectureOccurrence
		err error
	)
	o.Lecture, err = scanLecture(prefixedScanner{row: row, prefix: []any{timeColumn{&o.StartsAt}}})
	return &o, err
}

// subscriptionCommunity trims the community of a subscription, which is
// required (package store has no exported rule for a bare required name).
func subscriptionCommunity(community string) (string, error) {
	if community = strings.TrimSpace(community); community == "" {
		return "", store.Errorf(store.EINVALID, "community is required")
	}
	return community, nil
}

package postgres

import (
	"context"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"envoybot/store"
)

// lectureColumns selects a lecture with its community and envoy;
// lectureFrom must follow.
const lectureColumns = `l.id, l.code, l.title, c.name, l.envoy_id, e.openid, l.place, l.recurrence,
	l.first_starts_at, l.cancelled_at, l.created_at`

// lectureFrom joins what lectureColumns reads.
const lectureFrom = ` FROM lectures l
	JOIN communities c ON c.id = l.community_id
	JOIN users e ON e.id = l.envoy_id`

// CreateLecture stores the lecture and its distinct occurrences with the
// next short code; FirstStartsAt is the earliest occurrence.
func (db *DB) CreateLecture(ctx context.Context, nl store.NewLecture, at time.Time) (*store.Lecture, error) {
	nl, err := normaliseLecture(nl)
	if err != nil {
		return nil, wrapError("create lecture", err)
	}
	var l *store.Lecture
	err = db.inTx(ctx, func(tx pgx.Tx) error {
		envoyID, err := findUserID(ctx, tx, nl.EnvoyOpenID)
		if err != nil {
			return err
		}
		communityID, err := ensureCommunity(ctx, tx, nl.Community, at)
		if err != nil {
			return err
		}
		code, err := nextCode(ctx, tx, prefixLecture)
		if err != nil {
			return err
		}
		var id int64
		if err := tx.QueryRow(ctx, `
			INSERT INTO lectures (code, title, community_id, envoy_id, place, recurrence,
				first_starts_at, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8)
			RETURNING id`,
			code, nl.Title, communityID, envoyID, nl.Place, nl.Recurrence,
			timeValue(nl.Occurrences[0]), timeValue(at)).Scan(&id); err != nil {
			return err
		}
		for _, startsAt := range nl.Occurrences {
			if _, err := tx.Exec(ctx, `
				INSERT INTO lecture_occurrences (lecture_id, starts_at) VALUES ($1, $2)`,
				id, timeValue(startsAt)); err != nil {
				return err
			}
		}
		l, err = findLecture(ctx, tx, code)
		return err
	})
	if err != nil {
		return nil, wrapError("create lecture", err)
	}
	return l, nil
}

// FindLectureByCode returns ENOTFOUND for an unknown code (case-insensitive).
func (db *DB) FindLectureByCode(ctx context.Context, code string) (*store.Lecture, error) {
	l, err := findLecture(ctx, db.pool, normaliseCode(code))
	if err != nil {
		return nil, wrapError("find lecture by code", err)
	}
	return l, nil
}

// ListUpcomingLectures returns live occurrences of live lectures starting
// after from, soonest first; a limit of 0 or less means no limit.
func (db *DB) ListUpcomingLectures(ctx context.Context, community string, from time.Time, limit int) ([]*store.LectureOccurrence, error) {
	var limitArg *int
	if limit > 0 {
		limitArg = &limit
	}
	rows, err := db.pool.Query(ctx, `
		SELECT `+lectureColumns+`, o.starts_at`+lectureFrom+`
		JOIN lecture_occurrences o ON o.lecture_id = l.id
		WHERE l.cancelled_at IS NULL AND o.cancelled_at IS NULL AND o.starts_at > $1
			AND ($2 = '' OR c.name = $2)
		ORDER BY o.starts_at, l.id
		LIMIT $3`, timeValue(from), strings.TrimSpace(community), limitArg)
	if err != nil {
		return nil, wrapError("list upcoming lectures", err)
	}
	list, err := collect(rows, func(row rowScanner) (*store.LectureOccurrence, error) {
		var (
			o   store.LectureOccurrence
			err error
		)
		o.Lecture, err = scanLecture(row, timeColumn{&o.StartsAt})
		return &o, err
	})
	if err != nil {
		return nil, wrapError("list upcoming lectures", err)
	}
	return list, nil
}

// CancelLecture cancels the series and its occurrences starting after at;
// cancelling again keeps the first cancellation time.
func (db *DB) CancelLecture(ctx context.Context, code string, at time.Time) (*store.Lecture, error) {
	var l *store.Lecture
	err := db.inTx(ctx, func(tx pgx.Tx) error {
		var id int64
		if err := tx.QueryRow(ctx, `
			UPDATE lectures SET cancelled_at = COALESCE(cancelled_at, $1), updated_at = $1
			WHERE code = $2 RETURNING id`, timeValue(at), normaliseCode(code)).Scan(&id); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `
			UPDATE lecture_occurrences SET cancelled_at = $1
			WHERE lecture_id = $2 AND starts_at > $1 AND cancelled_at IS NULL`,
			timeValue(at), id); err != nil {
			return err
		}
		var err error
		l, err = findLecture(ctx, tx, normaliseCode(code))
		return err
	})
	if err != nil {
		return nil, wrapError("cancel lecture", err)
	}
	return l, nil
}

// Subscribe turns on the community's lecture notices for the user; both
// are created when new.
func (db *DB) Subscribe(ctx context.Context, openID, community string, at time.Time) (bool, error) {
	community, err := requireText(community, "community")
	if err != nil {
		return false, wrapError("subscribe", err)
	}
	created := false
	err = db.inTx(ctx, func(tx pgx.Tx) error {
		userID, err := ensureUserID(ctx, tx, openID, at)
		if err != nil {
			return err
		}
		communityID, err := ensureCommunity(ctx, tx, community, at)
		if err != nil {
			return err
		}
		tag, err := tx.Exec(ctx, `
			INSERT INTO lecture_subscriptions (user_id, community_id, active, created_at, updated_at)
			VALUES ($1, $2, true, $3, $3)
			ON CONFLICT (user_id, community_id) DO UPDATE SET active = true, updated_at = EXCLUDED.updated_at
			WHERE NOT lecture_subscriptions.active`,
			userID, communityID, timeValue(at))
		created = err == nil && tag.RowsAffected() == 1
		return err
	})
	if err != nil {
		return false, wrapError("subscribe", err)
	}
	return created, nil
}

// Unsubscribe turns notices off for one community, or all when community
// is empty; an unknown user or community has none on.
func (db *DB) Unsubscribe(ctx context.Context, openID, community string, at time.Time) (int, error) {
	tag, err := db.pool.Exec(ctx, `
		UPDATE lecture_subscriptions SET active = false, updated_at = $1
		WHERE active
			AND user_id = (SELECT id FROM users WHERE openid = $2)
			AND ($3 = '' OR community_id = (SELECT id FROM communities WHERE name = $3))`,
		timeValue(at), openID, strings.TrimSpace(community))
	if err != nil {
		return 0, wrapError("unsubscribe", err)
	}
	return int(tag.RowsAffected()), nil
}

// ListSubscriptions returns the communities whose notices the user gets,
// by name in code point order.
func (db *DB) ListSubscriptions(ctx context.Context, openID string) ([]string, error) {
	rows, err := db.pool.Query(ctx, `
		SELECT c.name FROM lecture_subscriptions s
		JOIN communities c ON c.id = s.community_id
		JOIN users u ON u.id = s.user_id
		WHERE u.openid = $1 AND s.active
		ORDER BY c.name COLLATE "C"`, openID)
	if err != nil {
		return nil, wrapError("list subscriptions", err)
	}
	names, err := collect(rows, func(row rowScanner) (string, error) {
		var name string
		err := row.Scan(&name)
		return name, err
	})
	if err != nil {
		return nil, wrapError("list subscriptions", err)
	}
	return names, nil
}

// findLecture reads the lecture stored under code (already normalised).
func findLecture(ctx context.Context, q queryer, code string) (*store.Lecture, error) {
	return scanLecture(q.QueryRow(ctx, `SELECT `+lectureColumns+lectureFrom+` WHERE l.code = $1`, code))
}

// scanLecture reads the lectureColumns of one row, then extra.
func scanLecture(row rowScanner, extra ...any) (*store.Lecture, error) {
	var l store.Lecture
	err := row.Scan(append([]any{&l.ID, &l.Code, &l.Title, &l.Community, &l.EnvoyID, &l.EnvoyOpenID,
		&l.Place, &l.Recurrence, timeColumn{&l.FirstStartsAt}, timeColumn{&l.CancelledAt},
		timeColumn{&l.CreatedAt}}, extra...)...)
	if err != nil {
		return nil, err
	}
	return &l, nil
}

// normaliseLecture trims the fields and sorts the occurrences, dropping
// duplicates; at least one is required.
func normaliseLecture(nl store.NewLecture) (store.NewLecture, error) {
	var err error
	if nl.Title, err = requireText(nl.Title, "title"); err != nil {
		return nl, err
	}
	if nl.Community, err = requireText(nl.Community, "community"); err != nil {
		return nl, err
	}
	nl.Place, nl.Recurrence = strings.TrimSpace(nl.Place), strings.TrimSpace(nl.Recurrence)
	occurrences := make([]time.Time, 0, len(nl.Occurrences))
	for _, t := range nl.Occurrences {
		if t.IsZero() {
			return nl, store.Errorf(store.EINVALID, "lecture occurrence without a time")
		}
		occurrences = append(occurrences, t.UTC().Truncate(time.Microsecond))
	}
	slices.SortFunc(occurrences, time.Time.Compare)
	occurrences = slices.CompactFunc(occurrences, time.Time.Equal)
	if len(occurrences) == 0 {
		return nl, store.Errorf(store.EINVALID, "lecture needs at least one occurrence")
	}
	nl.Occurrences = occurrences
	return nl, nil
}

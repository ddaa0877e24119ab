package postgres

import (
	"context"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"envoybot/store"
)

// readOnly is a snapshot for queries that read several statements.
var readOnly = pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly}

// EnvoyStandings returns every envoy not anonymised with their progress,
// by name in code point order, from one snapshot.
func (db *DB) EnvoyStandings(ctx context.Context) ([]store.EnvoyStanding, error) {
	var standings []store.EnvoyStanding
	err := pgx.BeginTxFunc(ctx, db.pool, readOnly, func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, `
			SELECT `+userColumns+`
			FROM users u LEFT JOIN communities c ON c.id = u.community_id
			WHERE u.role = 'envoy' AND u.anonymised_at IS NULL
			ORDER BY u.real_name COLLATE "C", u.id`)
		if err != nil {
			return err
		}
		envoys, err := collect(rows, scanUser)
		if err != nil {
			return err
		}
		standings = make([]store.EnvoyStanding, 0, len(envoys))
		for _, e := range envoys {
			p, err := envoyProgress(ctx, tx, e.OpenID)
			if err != nil {
				return err
			}
			standings = append(standings, store.EnvoyStanding{Envoy: e, Progress: p})
		}
		return nil
	})
	if err != nil {
		return nil, wrapError("envoy standings", err)
	}
	return standings, nil
}

// ActivitiesPerMonth counts activities (not cancelled) by start month in
// loc (UTC when nil) and line, oldest month first, lines in code point
// order. The server finds the months, so loc must be named as the IANA
// database names it (time.LoadLocation's names; not time.Local).
func (db *DB) ActivitiesPerMonth(ctx context.Context, loc *time.Location) ([]store.MonthLineCount, error) {
	if loc == nil {
		loc = time.UTC
	}
	rows, err := db.pool.Query(ctx, `
		SELECT to_char(starts_at AT TIME ZONE $1, 'YYYY-MM') AS month, category, COUNT(*)
		FROM activities WHERE status <> 'cancelled'
		GROUP BY month, category
		ORDER BY month, category COLLATE "C"`, loc.String())
	if err != nil {
		return nil, wrapError("activities per month", err)
	}
	list, err := collect(rows, func(row rowScanner) (store.MonthLineCount, error) {
		var m store.MonthLineCount
		err := row.Scan(&m.Month, &m.Category, &m.Count)
		return m, err
	})
	if err != nil {
		return nil, wrapError("activities per month", err)
	}
	return list, nil
}

// HoursPerCommunity sums confirmed minutes by the activity's community,
// most first, then by name; communities without confirmed service are
// left out.
func (db *DB) HoursPerCommunity(ctx context.Context) ([]store.CommunityHours, error) {
	rows, err := db.pool.Query(ctx, `
		SELECT c.name, SUM(t.confirmed_minutes) AS minutes
		FROM attendances t
		JOIN activities a ON a.id = t.activity_id
		JOIN communities c ON c.id = a.community_id
		WHERE t.confirmed_minutes IS NOT NULL
		GROUP BY c.id, c.name
		ORDER BY minutes DESC, c.name COLLATE "C"`)
	if err != nil {
		return nil, wrapError("hours per community", err)
	}
	list, err := collect(rows, func(row rowScanner) (store.CommunityHours, error) {
		var h store.CommunityHours
		err := row.Scan(&h.Community, &h.Minutes)
		return h, err
	})
	if err != nil {
		return nil, wrapError("hours per community", err)
	}
	return list, nil
}

// TurnoutBefore counts the activities (not cancelled) ended before at,
// their seated sign-ups, and those of the seated who checked in; walk-ins
// without a seat are not turnout.
func (db *DB) TurnoutBefore(ctx context.Context, at time.Time) (*store.Turnout, error) {
	var tu store.Turnout
	err := db.pool.QueryRow(ctx, `
		WITH finished AS (
			SELECT id FROM activities WHERE status <> 'cancelled' AND ends_at < $1)
		SELECT
			(SELECT COUNT(*) FROM finished),
			(SELECT COUNT(*) FROM signups s JOIN finished f ON f.id = s.activity_id
				WHERE s.status = 'seated'),
			(SELECT COUNT(*) FROM signups s JOIN finished f ON f.id = s.activity_id
				JOIN attendances t ON t.activity_id = s.activity_id AND t.user_id = s.user_id
				WHERE s.status = 'seated' AND t.check_in_at IS NOT NULL)`,
		timeValue(at)).Scan(&tu.Activities, &tu.Seated, &tu.Attended)
	if err != nil {
		return nil, wrapError("turnout before", err)
	}
	return &tu, nil
}

// activityFigures selects an activity's checked-in, far-away and
// confirmed attendance, before activityColumns; activityFrom must follow.
const activityFigures = `
	(SELECT COUNT(*) FROM attendances t WHERE t.activity_id = a.id AND t.check_in_at IS NOT NULL),
	(SELECT COUNT(*) FROM attendances t WHERE t.activity_id = a.id AND t.far_away),
	(SELECT COUNT(*) FROM attendances t WHERE t.activity_id = a.id AND t.confirmed_minutes IS NOT NULL)`

// ListActivities returns the activities matching f, cancelled ones
// included, newest start first, with their attendance figures.
func (db *DB) ListActivities(ctx context.Context, f store.ActivityFilter) ([]store.ActivityRow, error) {
	var limit *int
	if f.Limit > 0 {
		limit = &f.Limit
	}
	rows, err := db.pool.Query(ctx, `
		SELECT `+activityFigures+`, `+activityColumns+activityFrom+`
		WHERE ($1 = '' OR a.category = $1) AND ($2 = '' OR c.name = $2) AND ($3::bigint = 0 OR a.envoy_id = $3)
			AND ($4::timestamptz IS NULL OR a.starts_at >= $4) AND ($5::timestamptz IS NULL OR a.starts_at < $5)
			AND (NOT $6 OR EXISTS (SELECT 1 FROM attendances t WHERE t.activity_id = a.id AND t.far_away))
		ORDER BY a.starts_at DESC, a.id DESC
		LIMIT $7`,
		strings.TrimSpace(f.Category), strings.TrimSpace(f.Community), f.EnvoyID,
		timeValue(f.From), timeValue(f.To), f.Flagged, limit)
	if err != nil {
		return nil, wrapError("list activities", err)
	}
	list, err := collect(rows, func(row rowScanner) (store.ActivityRow, error) {
		var (
			r   store.ActivityRow
			err error
		)
		figures := []any{&r.Attended, &r.Flagged, &r.Confirmed}
		r.Activity, err = scanActivity(prefixedScanner{row: row, prefix: figures})
		return r, err
	})
	if err != nil {
		return nil, wrapError("list activities", err)
	}
	return list, nil
}

// ListLectures returns lectures, cancelled ones included, newest first;
// a limit of 0 or less means no limit.
func (db *DB) ListLectures(ctx context.Context, limit int) ([]*store.Lecture, error) {
	var limitArg *int
	if limit > 0 {
		limitArg = &limit
	}
	rows, err := db.pool.Query(ctx, `
		SELECT `+lectureColumns+lectureFrom+`
		ORDER BY l.created_at DESC, l.id DESC
		LIMIT $1`, limitArg)
	if err != nil {
		return nil, wrapError("list lectures", err)
	}
	list, err := collect(rows, func(row rowScanner) (*store.Lecture, error) { return scanLecture(row) })
	if err != nil {
		return nil, wrapError("list lectures", err)
	}
	return list, nil
}

// ListLectureSessions returns every session of the lecture, soonest
// first; each carries its own copy of the lecture whose CancelledAt is the
// session's cancellation (zero for a session that took or takes place).
// An unknown lecture is ENOTFOUND.
func (db *DB) ListLectureSessions(ctx context.Context, code string) ([]*store.LectureOccurrence, error) {
	var list []*store.LectureOccurrence
	err := pgx.BeginTxFunc(ctx, db.pool, readOnly, func(tx pgx.Tx) error {
		l, err := findLecture(ctx, tx, normaliseCode(code))
		if err != nil {
			return err
		}
		rows, err := tx.Query(ctx, `
			SELECT starts_at, cancelled_at FROM lecture_occurrences
			WHERE lecture_id = $1 ORDER BY starts_at, id`, l.ID)
		if err != nil {
			return err
		}
		list, err = collect(rows, func(row rowScanner) (*store.LectureOccurrence, error) {
			copied := *l
			o := &store.LectureOccurrence{Lecture: &copied}
			err := row.Scan(timeColumn{&o.StartsAt}, timeColumn{&copied.CancelledAt})
			return o, err
		})
		return err
	})
	if err != nil {
		return nil, wrapError("list lecture sessions", err)
	}
	return list, nil
}

// ListVolunteers returns registered users (name, mobile and community
// given, so never the anonymised) by name in code point order, with the
// activities they attended and their confirmed minutes. Query matches
// part of the name, case-sensitively on both backends.
func (db *DB) ListVolunteers(ctx context.Context, f store.VolunteerFilter) ([]store.VolunteerRow, error) {
	var limit *int
	if f.Limit > 0 {
		limit = &f.Limit
	}
	rows, err := db.pool.Query(ctx, `
		SELECT
			(SELECT COUNT(DISTINCT t.activity_id) FROM attendances t WHERE t.user_id = u.id),
			(SELECT COALESCE(SUM(t.confirmed_minutes), 0) FROM attendances t WHERE t.user_id = u.id),
			`+userColumns+`
		FROM users u JOIN communities c ON c.id = u.community_id
		WHERE u.real_name <> '' AND u.mobile <> '' AND u.anonymised_at IS NULL
			AND ($1 = '' OR c.name = $1) AND strpos(u.real_name, $2) > 0
		ORDER BY u.real_name COLLATE "C", u.id
		LIMIT $3`, strings.TrimSpace(f.Community), strings.TrimSpace(f.Query), limit)
	if err != nil {
		return nil, wrapError("list volunteers", err)
	}
	list, err := collect(rows, func(row rowScanner) (store.VolunteerRow, error) {
		var (
			r   store.VolunteerRow
			err error
		)
		figures := []any{&r.Activities, &r.ConfirmedMinutes}
		r.User, err = scanUser(prefixedScanner{row: row, prefix: figures})
		return r, err
	})
	if err != nil {
		return nil, wrapError("list volunteers", err)
	}
	return list, nil
}

// recordColumns selects an attendance as a service record;
// recordFrom must follow.
const recordColumns = `u.id, u.real_name, u.mobile, u.anonymised_at IS NOT NULL,
	a.code, a.title, a.category, a.service_type, c.name, a.place, a.starts_at, a.ends_at,
	t.check_in_at, t.check_out_at, t.confirmed_minutes, e.real_name, COALESCE(r.real_name, ''),
	t.confirmed_at`

// recordFrom joins what recordColumns reads: the recorder is whoever
// confirmed the hours, nobody for the CLI.
const recordFrom = ` FROM attendances t
	JOIN activities a ON a.id = t.activity_id
	JOIN communities c ON c.id = a.community_id
	JOIN users e ON e.id = a.envoy_id
	JOIN users u ON u.id = t.user_id
	LEFT JOIN users r ON r.id = t.confirmed_by`

// ServiceRecords returns confirmed service (confirmed minutes set, zero
// included) of activities starting in [from, to), by start, then
// volunteer name in code point order. A zero from or to leaves that end
// open.
func (db *DB) ServiceRecords(ctx context.Context, from, to time.Time) ([]store.ServiceRecord, error) {
	rows, err := db.pool.Query(ctx, `
		SELECT `+recordColumns+recordFrom+`
		WHERE t.confirmed_minutes IS NOT NULL
			AND ($1::timestamptz IS NULL OR a.starts_at >= $1) AND ($2::timestamptz IS NULL OR a.starts_at < $2)
		ORDER BY a.starts_at, u.real_name COLLATE "C", a.id, t.id`, timeValue(from), timeValue(to))
	if err != nil {
		return nil, wrapError("service records", err)
	}
	list, err := collect(rows, scanRecord)
	if err != nil {
		return nil, wrapError("service records", err)
	}
	return list, nil
}

// ActivityRecords returns the activity's attendance in check-in order,
// then its seated volunteers without attendance in sign-up order (no
// times, ConfirmedMinutes -1), from one snapshot. An unknown activity is
// ENOTFOUND.
func (db *DB) ActivityRecords(ctx context.Context, code string) ([]store.ServiceRecord, error) {
	var list []store.ServiceRecord
	err := pgx.BeginTxFunc(ctx, db.pool, readOnly, func(tx pgx.Tx) error {
		a, err := findActivityRef(ctx, tx, code)
		if err != nil {
			return err
		}
		rows, err := tx.Query(ctx, `
			SELECT `+recordColumns+recordFrom+`
			WHERE t.activity_id = $1
			ORDER BY t.check_in_at, t.id`, a.id)
		if err != nil {
			return err
		}
		if list, err = collect(rows, scanRecord); err != nil {
			return err
		}
		rows, err = tx.Query(ctx, `
			SELECT u.id, u.real_name, u.mobile, u.anonymised_at IS NOT NULL,
				a.code, a.title, a.category, a.service_type, c.name, a.place, a.starts_at, a.ends_at,
				NULL::timestamptz, NULL::timestamptz, NULL::integer, e.real_name, '', NULL::timestamptz
			FROM signups s
			JOIN activities a ON a.id = s.activity_id
			JOIN communities c ON c.id = a.community_id
			JOIN users e ON e.id = a.envoy_id
			JOIN users u ON u.id = s.user_id
			WHERE s.activity_id = $1 AND s.status = 'seated'
				AND NOT EXISTS (SELECT 1 FROM attendances t
					WHERE t.activity_id = s.activity_id AND t.user_id = s.user_id)
			ORDER BY s.arrival_order, s.id`, a.id)
		if err != nil {
			return err
		}
		absent, err := collect(rows, scanRecord)
		list = append(list, absent...)
		return err
	})
	if err != nil {
		return nil, wrapError("activity records", err)
	}
	return list, nil
}

// scanRecord reads the recordColumns of one row; an anonymised volunteer
// keeps only the id.
func scanRecord(row rowScanner) (store.ServiceRecord, error) {
	var (
		r         store.ServiceRecord
		confirmed *int64
	)
	err := row.Scan(&r.VolunteerID, &r.VolunteerName, &r.VolunteerPhone, &r.Anonymised,
		&r.ActivityCode, &r.ActivityTitle, &r.Category, &r.ServiceType, &r.Community, &r.Place,
		timeColumn{&r.StartsAt}, timeColumn{&r.EndsAt}, timeColumn{&r.CheckInAt}, timeColumn{&r.CheckOutAt},
		&confirmed, &r.Organiser, &r.Recorder, timeColumn{&r.ConfirmedAt})
	if err != nil {
		return r, err
	}
	r.ConfirmedMinutes = minutes(confirmed)
	if r.Anonymised {
		r.VolunteerName, r.VolunteerPhone = "", ""
	}
	return r, nil
}

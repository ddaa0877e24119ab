package sqlite

import (
	"cmp"
	"context"
	"database/sql"
	"slices"
	"strings"
	"time"

	"envoybot/store"
)

// EnvoyStandings returns every envoy not anonymised with their progress,
// by name in code point order, from one snapshot.
func (db *DB) EnvoyStandings(ctx context.Context) ([]store.EnvoyStanding, error) {
	tx, err := db.read.BeginTx(ctx, nil)
	if err != nil {
		return nil, wrapError("envoy standings", err)
	}
	defer tx.Rollback()
	rows, err := tx.QueryContext(ctx, `
		SELECT `+userColumns+`
		FROM users u LEFT JOIN communities c ON c.id = u.community_id
		WHERE u.role = 'envoy' AND u.anonymised_at IS NULL
		ORDER BY u.real_name, u.id`)
	if err != nil {
		return nil, wrapError("envoy standings", err)
	}
	envoys, err := collectUsers(rows)
	if err != nil {
		return nil, wrapError("envoy standings", err)
	}
	standings := make([]store.EnvoyStanding, 0, len(envoys))
	for _, e := range envoys {
		p, err := envoyProgress(ctx, tx, e.OpenID)
		if err != nil {
			return nil, wrapError("envoy standings", err)
		}
		standings = append(standings, store.EnvoyStanding{Envoy: e, Progress: p})
	}
	return standings, nil
}

// ActivitiesPerMonth counts activities (not cancelled) by start month in
// loc (UTC when nil) and line, oldest month first, lines in code point
// order. Times are stored as UTC text, so the months are found in Go.
func (db *DB) ActivitiesPerMonth(ctx context.Context, loc *time.Location) ([]store.MonthLineCount, error) {
	if loc == nil {
		loc = time.UTC
	}
	rows, err := db.read.QueryContext(ctx, `
		SELECT starts_at, category FROM activities WHERE status <> 'cancelled'`)
	if err != nil {
		return nil, wrapError("activities per month", err)
	}
	defer rows.Close()
	type key struct{ month, category string }
	counts := map[key]int{}
	for rows.Next() {
		var (
			startsAt time.Time
			category string
		)
		if err := rows.Scan(timeColumn{&startsAt}, &category); err != nil {
			return nil, wrapError("activities per month", err)
		}
		counts[key{startsAt.In(loc).Format("2006-01"), category}]++
	}
	if err := rows.Err(); err != nil {
		return nil, wrapError("activities per month", err)
	}
	list := make([]store.MonthLineCount, 0, len(counts))
	for k, n := range counts {
		list = append(list, store.MonthLineCount{Month: k.month, Category: k.category, Count: n})
	}
	slices.SortFunc(list, func(a, b store.MonthLineCount) int {
		return cmp.Or(strings.Compare(a.Month, b.Month), strings.Compare(a.Category, b.Category))
	})
	return list, nil
}

// HoursPerCommunity sums confirmed minutes by the activity's community,
// most first, then by name; communities without confirmed service are
// left out.
func (db *DB) HoursPerCommunity(ctx context.Context) ([]store.CommunityHours, error) {
	rows, err := db.read.QueryContext(ctx, `
		SELECT c.name, SUM(t.confirmed_minutes) AS minutes
		FROM attendances t
		JOIN activities a ON a.id = t.activity_id
		JOIN communities c ON c.id = a.community_id
		WHERE t.confirmed_minutes IS NOT NULL
		GROUP BY c.id, c.name
		ORDER BY minutes DESC, c.name`)
	if err != nil {
		return nil, wrapError("hours per community", err)
	}
	defer rows.Close()
	list := []store.CommunityHours{}
	for rows.Next() {
		var h store.CommunityHours
		if err := rows.Scan(&h.Community, &h.Minutes); err != nil {
			return nil, wrapError("hours per community", err)
		}
		list = append(list, h)
	}
	if err := rows.Err(); err != nil {
		return nil, wrapError("hours per community", err)
	}
	return list, nil
}

// TurnoutBefore counts the activities (not cancelled) ended before at,
// their seated sign-ups, and those of the seated who checked in; walk-ins
// without a seat are not turnout.
func (db *DB) TurnoutBefore(ctx context.Context, at time.Time) (*store.Turnout, error) {
	var tu store.Turnout
	err := db.read.QueryRowContext(ctx, `
		WITH finished AS (
			SELECT id FROM activities WHERE status <> 'cancelled' AND ends_at < ?1)
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

// ListActivities returns the activities matching f, cancelled ones
// included, newest start first, with their attendance figures.
func (db *DB) ListActivities(ctx context.Context, f store.ActivityFilter) ([]store.ActivityRow, error) {
	limit := f.Limit
	if limit <= 0 {
		limit = -1
	}
	rows, err := db.read.QueryContext(ctx, `
		SELECT `+activityFigures+`, `+activityColumns+activityFrom+`
		WHERE (?1 = '' OR a.category = ?1) AND (?2 = '' OR c.name = ?2) AND (?3 = 0 OR a.envoy_id = ?3)
			AND (?4 IS NULL OR a.starts_at >= ?4) AND (?5 IS NULL OR a.starts_at < ?5)
			AND (?6 = 0 OR EXISTS (SELECT 1 FROM attendances t WHERE t.activity_id = a.id AND t.far_away = 1))
		ORDER BY a.starts_at DESC, a.id DESC
		LIMIT ?7`,
		strings.TrimSpace(f.Category), strings.TrimSpace(f.Community), f.EnvoyID,
		timeValue(f.From), timeValue(f.To), f.Flagged, limit)
	if err != nil {
		return nil, wrapError("list activities", err)
	}
	defer rows.Close()
	list := []store.ActivityRow{}
	for rows.Next() {
		var r store.ActivityRow
		figures := []any{&r.Attended, &r.Flagged, &r.Confirmed}
		if r.Activity, err = scanActivity(prefixedScanner{row: rows, prefix: figures}); err != nil {
			return nil, wrapError("list activities", err)
		}
		list = append(list, r)
	}
	if err := rows.Err(); err != nil {
		return nil, wrapError("list activities", err)
	}
	return list, nil
}

// activityFigures selects an activity's checked-in, far-away and
// confirmed attendance, before activityColumns; activityFrom must follow.
const activityFigures = `
	(SELECT COUNT(*) FROM attendances t WHERE t.activity_id = a.id AND t.check_in_at IS NOT NULL),
	(SELECT COUNT(*) FROM attendances t WHERE t.activity_id = a.id AND t.far_away = 1),
	(SELECT COUNT(*) FROM attendances t WHERE t.activity_id = a.id AND t.confirmed_minutes IS NOT NULL)`

// ListLectures returns lectures, cancelled ones included, newest first;
// a limit of 0 or less means no limit.
func (db *DB) ListLectures(ctx context.Context, limit int) ([]*store.Lecture, error) {
	if limit <= 0 {
		limit = -1
	}
	rows, err := db.read.QueryContext(ctx, `
		SELECT `+lectureColumns+lectureFrom+`
		ORDER BY l.created_at DESC, l.id DESC
		LIMIT ?`, limit)
	if err != nil {
		return nil, wrapError("list lectures", err)
	}
	defer rows.Close()
	list := []*store.Lecture{}
	for rows.Next() {
		l, err := scanLecture(rows)
		if err != nil {
			return nil, wrapError("list lectures", err)
		}
		list = append(list, l)
	}
	if err := rows.Err(); err != nil {
		return nil, wrapError("list lectures", err)
	}
	return list, nil
}

// ListLectureSessions returns every session of the lecture, soonest
// first; each carries its own copy of the lecture whose CancelledAt is the
// session's cancellation (zero for a session that took or takes place).
// An unknown lecture is ENOTFOUND.
func (db *DB) ListLectureSessions(ctx context.Context, code string) ([]*store.LectureOccurrence, error) {
	tx, err := db.read.BeginTx(ctx, nil)
	if err != nil {
		return nil, wrapError("list lecture sessions", err)
	}
	defer tx.Rollback()
	l, err := findLecture(ctx, tx, normaliseCode(code))
	if err != nil {
		return nil, wrapError("list lecture sessions", err)
	}
	rows, err := tx.QueryContext(ctx, `
		SELECT starts_at, cancelled_at FROM lecture_occurrences
		WHERE lecture_id = ? ORDER BY starts_at, id`, l.ID)
	if err != nil {
		return nil, wrapError("list lecture sessions", err)
	}
	defer rows.Close()
	list := []*store.LectureOccurrence{}
	for rows.Next() {
		copied := *l
		o := &store.LectureOccurrence{Lecture: &copied}
		if err := rows.Scan(timeColumn{&o.StartsAt}, timeColumn{&copied.CancelledAt}); err != nil {
			return nil, wrapError("list lecture sessions", err)
		}
		list = append(list, o)
	}
	if err := rows.Err(); err != nil {
		return nil, wrapError("list lecture sessions", err)
	}
	return list, nil
}

// ListVolunteers returns registered users (name, mobile and community
// given, so never the anonymised) by name in code point order, with the
// activities they attended and their confirmed minutes. Query matches
// part of the name, case-sensitively on both backends.
func (db *DB) ListVolunteers(ctx context.Context, f store.VolunteerFilter) ([]store.VolunteerRow, error) {
	limit := f.Limit
	if limit <= 0 {
		limit = -1
	}
	rows, err := db.read.QueryContext(ctx, `
		SELECT
			(SELECT COUNT(DISTINCT t.activity_id) FROM attendances t WHERE t.user_id = u.id),
			(SELECT COALESCE(SUM(t.confirmed_minutes), 0) FROM attendances t WHERE t.user_id = u.id),
			`+userColumns+`
		FROM users u JOIN communities c ON c.id = u.community_id
		WHERE u.real_name <> '' AND u.mobile <> '' AND u.anonymised_at IS NULL
			AND (?1 = '' OR c.name = ?1) AND instr(u.real_name, ?2) > 0
		ORDER BY u.real_name, u.id
		LIMIT ?3`, strings.TrimSpace(f.Community), strings.TrimSpace(f.Query), limit)
	if err != nil {
		return nil, wrapError("list volunteers", err)
	}
	defer rows.Close()
	list := []store.VolunteerRow{}
	for rows.Next() {
		var r store.VolunteerRow
		figures := []any{&r.Activities, &r.ConfirmedMinutes}
		if r.User, err = scanUser(prefixedScanner{row: rows, prefix: figures}); err != nil {
			return nil, wrapError("list volunteers", err)
		}
		list = append(list, r)
	}
	if err := rows.Err(); err != nil {
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
	rows, err := db.read.QueryContext(ctx, `
		SELECT `+recordColumns+recordFrom+`
		WHERE t.confirmed_minutes IS NOT NULL
			AND (?1 IS NULL OR a.starts_at >= ?1) AND (?2 IS NULL OR a.starts_at < ?2)
		ORDER BY a.starts_at, u.real_name, a.id, t.id`, timeValue(from), timeValue(to))
	if err != nil {
		return nil, wrapError("service records", err)
	}
	list, err := collectRecords(rows, []store.ServiceRecord{})
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
	tx, err := db.read.BeginTx(ctx, nil)
	if err != nil {
		return nil, wrapError("activity records", err)
	}
	defer tx.Rollback()
	var activityID int64
	if err := tx.QueryRowContext(ctx, `SELECT id FROM activities WHERE code = ?`,
		normaliseCode(code)).Scan(&activityID); err != nil {
		return nil, wrapError("activity records", err)
	}
	rows, err := tx.QueryContext(ctx, `
		SELECT `+recordColumns+recordFrom+`
		WHERE t.activity_id = ?
		ORDER BY t.check_in_at, t.id`, activityID)
	if err != nil {
		return nil, wrapError("activity records", err)
	}
	list, err := collectRecords(rows, []store.ServiceRecord{})
	if err != nil {
		return nil, wrapError("activity records", err)
	}
	rows, err = tx.QueryContext(ctx, `
		SELECT u.id, u.real_name, u.mobile, u.anonymised_at IS NOT NULL,
			a.code, a.title, a.category, a.service_type, c.name, a.place, a.starts_at, a.ends_at,
			NULL, NULL, NULL, e.real_name, '', NULL
		FROM signups s
		JOIN activities a ON a.id = s.activity_id
		JOIN communities c ON c.id = a.community_id
		JOIN users e ON e.id = a.envoy_id
		JOIN users u ON u.id = s.user_id
		WHERE s.activity_id = ? AND s.status = 'seated'
			AND NOT EXISTS (SELECT 1 FROM attendances t
				WHERE t.activity_id = s.activity_id AND t.user_id = s.user_id)
		ORDER BY s.arrival_order, s.id`, activityID)
	if err != nil {
		return nil, wrapError("activity records", err)
	}
	if list, err = collectRecords(rows, list); err != nil {
		return nil, wrapError("activity records", err)
	}
	return list, nil
}

// collectRecords reads and closes rows of recordColumns, appending to list.
func collectRecords(rows *sql.Rows, list []store.ServiceRecord) ([]store.ServiceRecord, error) {
	defer rows.Close()
	for rows.Next() {
		var (
			r         store.ServiceRecord
			confirmed sql.NullInt64
		)
		err := rows.Scan(&r.VolunteerID, &r.VolunteerName, &r.VolunteerPhone, &r.Anonymised,
			&r.ActivityCode, &r.ActivityTitle, &r.Category, &r.ServiceType, &r.Community, &r.Place,
			timeColumn{&r.StartsAt}, timeColumn{&r.EndsAt}, timeColumn{&r.CheckInAt}, timeColumn{&r.CheckOutAt},
			&confirmed, &r.Organiser, &r.Recorder, timeColumn{&r.ConfirmedAt})
		if err != nil {
			return nil, err
		}
		r.ConfirmedMinutes = minutes(confirmed)
		if r.Anonymised {
			r.VolunteerName, r.VolunteerPhone = "", ""
		}
		list = append(list, r)
	}
	return list, rows.Err()
}

// collectUsers reads and closes rows of userColumns.
func collectUsers(rows *sql.Rows) ([]*store.User, error) {
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

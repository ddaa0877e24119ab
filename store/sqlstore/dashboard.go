package sqlstore

import (
	"cmp"
	"context"
	"database/sql"
	"slices"
	"sort"
	"strings"
	"time"

	"envoybot/store"
)

// EnvoyStandings returns every envoy not anonymised with their progress,
// by name in code point order, from one snapshot.
func (db *DB) EnvoyStandings(ctx context.Context) ([]store.EnvoyStanding, error) {
	var standings []store.EnvoyStanding
	err := db.snapshot(ctx, func(q conn) error {
		rows, err := q.query(ctx, `
			SELECT `+userColumns+`
			FROM users u LEFT JOIN communities c ON c.id = u.community_id
			WHERE u.role = 'envoy' AND u.anonymised_at IS NULL
			ORDER BY `+q.d.codePointOrder("u.real_name")+`, u.id`)
		envoys, err := collect(rows, err, scanUser)
		if err != nil {
			return err
		}
		standings = make([]store.EnvoyStanding, 0, len(envoys))
		for _, e := range envoys {
			p, err := envoyProgress(ctx, q, e.ID)
			if err != nil {
				return err
			}
			standings = append(standings, store.EnvoyStanding{Envoy: e, Progress: p})
		}
		return nil
	})
	if err != nil {
		return nil, db.wrapError("envoy standings", err)
	}
	return standings, nil
}

// ActivitiesPerMonth counts activities (not cancelled) by start month in
// loc (UTC when nil) and line, oldest month first, lines in code point
// order. The months are found in Go on both engines: SQLite knows no time
// zones, and so loc needs no name PostgreSQL knows (time.Local and fixed
// zones work too).
func (db *DB) ActivitiesPerMonth(ctx context.Context, loc *time.Location) ([]store.MonthLineCount, error) {
	if loc == nil {
		loc = time.UTC
	}
	rows, err := db.reader().query(ctx, `SELECT starts_at, category FROM activities WHERE status <> 'cancelled'`)
	starts, err := collect(rows, err, func(row rowScanner) (store.MonthLineCount, error) {
		var (
			m        = store.MonthLineCount{Count: 1}
			startsAt time.Time
		)
		err := row.Scan(timeColumn{&startsAt}, &m.Category)
		m.Month = startsAt.In(loc).Format("2006-01")
		return m, err
	})
	if err != nil {
		return nil, db.wrapError("activities per month", err)
	}
	slices.SortFunc(starts, func(a, b store.MonthLineCount) int {
		return cmp.Or(strings.Compare(a.Month, b.Month), strings.Compare(a.Category, b.Category))
	})
	list := []store.MonthLineCount{}
	for _, m := range starts {
		if n := len(list); n > 0 && list[n-1].Month == m.Month && list[n-1].Category == m.Category {
			list[n-1].Count++
		} else {
			list = append(list, m)
		}
	}
	return list, nil
}

// HoursPerCommunity sums confirmed minutes by the activity's community,
// most first, then by name in code point order; communities without
// confirmed service are left out. (SUM of the integer minutes is a bigint
// on PostgreSQL.)
func (db *DB) HoursPerCommunity(ctx context.Context) ([]store.CommunityHours, error) {
	rows, err := db.reader().query(ctx, `
		SELECT c.name, SUM(t.confirmed_minutes) AS minutes
		FROM attendances t
		JOIN activities a ON a.id = t.activity_id
		JOIN communities c ON c.id = a.community_id
		WHERE t.confirmed_minutes IS NOT NULL
		GROUP BY c.id, c.name
		ORDER BY minutes DESC, `+db.d.codePointOrder("c.name"))
	list, err := collect(rows, err, func(row rowScanner) (store.CommunityHours, error) {
		var h store.CommunityHours
		err := row.Scan(&h.Community, &h.Minutes)
		return h, err
	})
	if err != nil {
		return nil, db.wrapError("hours per community", err)
	}
	return list, nil
}

// TurnoutBefore counts the activities (not cancelled) ended before at,
// their seated sign-ups, and those of the seated who checked in; walk-ins
// without a seat are not turnout.
func (db *DB) TurnoutBefore(ctx context.Context, at time.Time) (*store.Turnout, error) {
	var tu store.Turnout
	err := db.reader().row(ctx, `
		WITH finished AS (
			SELECT id FROM activities WHERE status <> 'cancelled' AND ends_at < $1)
		SELECT
			(SELECT COUNT(*) FROM finished),
			(SELECT COUNT(*) FROM signups s JOIN finished f ON f.id = s.activity_id
				WHERE s.status = 'seated'),
			(SELECT COUNT(*) FROM signups s JOIN finished f ON f.id = s.activity_id
				JOIN attendances t ON t.activity_id = s.activity_id AND t.user_id = s.user_id
				WHERE s.status = 'seated' AND t.check_in_at IS NOT NULL)`,
		at).Scan(&tu.Activities, &tu.Seated, &tu.Attended)
	if err != nil {
		return nil, db.wrapError("turnout before", err)
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
	var q filter
	q.equal("a.category", f.Category)
	q.equal("c.name", f.Community)
	if f.EnvoyID != 0 {
		q.where("a.envoy_id", "=", f.EnvoyID)
	}
	q.between("a.starts_at", f.From, f.To)
	if f.Flagged {
		q.conds = append(q.conds, "EXISTS (SELECT 1 FROM attendances t WHERE t.activity_id = a.id AND t.far_away)")
	}
	query := `
		SELECT ` + activityFigures + `, ` + activityColumns + activityFrom + q.clause() + `
		ORDER BY a.starts_at DESC, a.id DESC` + q.limit(f.Limit)
	return readAll(ctx, db, "list activities", func(row rowScanner) (r store.ActivityRow, err error) {
		figures := []any{&r.Attended, &r.Flagged, &r.Confirmed}
		r.Activity, err = scanActivity(prefixedScanner{row: row, prefix: figures})
		return r, err
	}, query, q.args...)
}

// ListLectures returns lectures, cancelled ones included, newest first;
// a limit of 0 or less means no limit.
func (db *DB) ListLectures(ctx context.Context, limit int) ([]*store.Lecture, error) {
	var q filter
	query := `
		SELECT ` + lectureColumns + lectureFrom + `
		ORDER BY l.created_at DESC, l.id DESC` + q.limit(limit)
	return readAll(ctx, db, "list lectures", scanLecture, query, q.args...)
}

// ListLectureSessions returns every session of the lecture, soonest
// first, from one snapshot; each carries its own copy of the lecture
// whose CancelledAt is the session's cancellation (zero for a session
// that took or takes place). An unknown lecture is ENOTFOUND.
func (db *DB) ListLectureSessions(ctx context.Context, code string) ([]*store.LectureOccurrence, error) {
	var list []*store.LectureOccurrence
	err := db.snapshot(ctx, func(q conn) error {
		l, err := findLecture(ctx, q, store.NormaliseCode(code))
		if err != nil {
			return err
		}
		rows, err := q.query(ctx, `
			SELECT starts_at, cancelled_at FROM lecture_occurrences
			WHERE lecture_id = $1 ORDER BY starts_at, id`, l.ID)
		list, err = collect(rows, err, func(row rowScanner) (*store.LectureOccurrence, error) {
			copied := *l
			o := &store.LectureOccurrence{Lecture: &copied}
			err := row.Scan(timeColumn{&o.StartsAt}, timeColumn{&copied.CancelledAt})
			return o, err
		})
		return err
	})
	if err != nil {
		return nil, db.wrapError("list lecture sessions", err)
	}
	return list, nil
}

// ListVolunteers returns registered users (name, mobile and community
// given, so never the anonymised) by name in code point order, with the
// activities they attended and their confirmed minutes (COALESCE of a SUM
// of integers: a bigint on PostgreSQL). Query matches part of the name,
// case-sensitively on both engines (instr on SQLite, strpos on
// PostgreSQL).
func (db *DB) ListVolunteers(ctx context.Context, f store.VolunteerFilter) ([]store.VolunteerRow, error) {
	q := filter{conds: []string{"u.real_name <> ''", "u.mobile <> ''", "u.anonymised_at IS NULL"}}
	q.equal("c.name", f.Community)
	if part := strings.TrimSpace(f.Query); part != "" {
		strpos := "instr"
		if db.d.pg {
			strpos = "strpos"
		}
		q.conds = append(q.conds, strpos+"(u.real_name, "+q.arg(part)+") > 0")
	}
	query := `
		SELECT
			(SELECT COUNT(DISTINCT t.activity_id) FROM attendances t WHERE t.user_id = u.id),
			(SELECT COALESCE(SUM(t.confirmed_minutes), 0) FROM attendances t WHERE t.user_id = u.id),
			` + userColumns + `
		FROM users u JOIN communities c ON c.id = u.community_id` + q.clause() + `
		ORDER BY ` + db.d.codePointOrder("u.real_name") + `, u.id` + q.limit(f.Limit)
	rows, err := db.reader().query(ctx, query, q.args...)
	list, err := collect(rows, err, func(row rowScanner) (store.VolunteerRow, error) {
		var (
			r   store.VolunteerRow
			err error
		)
		figures := []any{&r.Activities, &r.ConfirmedMinutes}
		r.User, err = scanUser(prefixedScanner{row: row, prefix: figures})
		return r, err
	})
	if err != nil {
		return nil, db.wrapError("list volunteers", err)
	}
	return list, nil
}

// recordColumns selects an attendance as a service record;
// recordFrom must follow.
const recordColumns = `u.id, u.real_name, u.mobile, u.anonymised_at IS NOT NULL,
	a.code, a.title, a.category, a.service_type, c.name, a.place, a.starts_at, a.ends_at,
	t.check_in_at, t.check_out_at, t.confirmed_minutes, e.real_name, COALESCE(r.real_name, ''),
	t.confirmed_at, u.gender, COALESCE(u.birth_year, 0), u.id_type, u.id_masked`

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
//
// Help requests served and confirmed (issue 15) are records too: the
// request's code and need stand for the activity's, its community for the
// place, its check-in and check-out for the times, whoever confirmed the
// hours for the organiser; they are dated by the check-in.
func (db *DB) ServiceRecords(ctx context.Context, from, to time.Time) ([]store.ServiceRecord, error) {
	var list []store.ServiceRecord
	err := db.snapshot(ctx, func(q conn) error {
		f := filter{conds: []string{"t.confirmed_minutes IS NOT NULL"}}
		f.between("a.starts_at", from, to)
		rows, err := q.query(ctx, `
			SELECT `+recordColumns+recordFrom+f.clause()+`
			ORDER BY a.starts_at, `+db.d.codePointOrder("u.real_name")+`, a.id, t.id`, f.args...)
		if list, err = collect(rows, err, scanRecord); err != nil {
			return err
		}
		r := filter{conds: []string{"h.confirmed_minutes IS NOT NULL"}}
		r.between("h.check_in_at", from, to)
		rows, err = q.query(ctx, `
			SELECT u.id, u.real_name, u.mobile, u.anonymised_at IS NOT NULL,
				h.code, h.need, h.category, h.service_type, c.name, c.name, h.check_in_at, h.check_out_at,
				h.check_in_at, h.check_out_at, h.confirmed_minutes, COALESCE(r.real_name, ''), COALESCE(r.real_name, ''),
				h.confirmed_at, u.gender, COALESCE(u.birth_year, 0), u.id_type, u.id_masked
			FROM help_requests h
			JOIN communities c ON c.id = h.community_id
			JOIN users u ON u.id = h.taker_id
			LEFT JOIN users r ON r.id = h.confirmed_by`+r.clause()+`
			ORDER BY h.check_in_at, h.id`, r.args...)
		served, err := collect(rows, err, scanRecord)
		if err != nil || len(served) == 0 {
			return err
		}
		// Merged by the day's order: the start, then the name in code
		// point order (Go's string order), activities first at a tie.
		list = append(list, served...)
		sort.SliceStable(list, func(i, j int) bool {
			if !list[i].StartsAt.Equal(list[j].StartsAt) {
				return list[i].StartsAt.Before(list[j].StartsAt)
			}
			return list[i].VolunteerName < list[j].VolunteerName
		})
		return nil
	})
	if err != nil {
		return nil, db.wrapError("service records", err)
	}
	return list, nil
}

// ActivityRecords returns the activity's attendance in check-in order,
// then its seated volunteers without attendance in sign-up order (no
// times, ConfirmedMinutes -1), from one snapshot. An unknown activity is
// ENOTFOUND.
func (db *DB) ActivityRecords(ctx context.Context, code string) ([]store.ServiceRecord, error) {
	var list []store.ServiceRecord
	err := db.snapshot(ctx, func(q conn) error {
		a, err := activityRef(ctx, q, code, false, false)
		if err != nil {
			return err
		}
		rows, err := q.query(ctx, `
			SELECT `+recordColumns+recordFrom+`
			WHERE t.activity_id = $1
			ORDER BY t.check_in_at, t.id`, a.id)
		if list, err = collect(rows, err, scanRecord); err != nil {
			return err
		}
		// The same columns with no attendance joined: its times, minutes
		// and recorder come out NULL (and '').
		rows, err = q.query(ctx, `
			SELECT `+recordColumns+`
			FROM signups s
			JOIN activities a ON a.id = s.activity_id
			JOIN communities c ON c.id = a.community_id
			JOIN users e ON e.id = a.envoy_id
			JOIN users u ON u.id = s.user_id
			LEFT JOIN attendances t ON t.activity_id = s.activity_id AND t.user_id = s.user_id
			LEFT JOIN users r ON r.id = t.confirmed_by
			WHERE s.activity_id = $1 AND s.status = 'seated' AND t.id IS NULL
			ORDER BY s.arrival_order, s.id`, a.id)
		absent, err := collect(rows, err, scanRecord)
		if err != nil {
			return err
		}
		list = append(list, absent...)
		// The companions each seated volunteer brings, for the roster.
		rows, err = q.query(ctx, `
			SELECT user_id, companions FROM signups
			WHERE activity_id = $1 AND status = 'seated' AND companions > 0`, a.id)
		type brought struct{ user, n int64 }
		groups, err := collect(rows, err, func(row rowScanner) (b brought, err error) { return b, row.Scan(&b.user, &b.n) })
		for _, g := range groups {
			for i := range list {
				if list[i].VolunteerID == g.user {
					list[i].Companions = int(g.n)
				}
			}
		}
		return err
	})
	if err != nil {
		return nil, db.wrapError("activity records", err)
	}
	return list, nil
}

// scanRecord reads the recordColumns of one row; an anonymised volunteer
// keeps only the id.
func scanRecord(row rowScanner) (store.ServiceRecord, error) {
	var (
		r         store.ServiceRecord
		confirmed sql.NullInt64
	)
	err := row.Scan(&r.VolunteerID, &r.VolunteerName, &r.VolunteerPhone, &r.Anonymised,
		&r.ActivityCode, &r.ActivityTitle, &r.Category, &r.ServiceType, &r.Community, &r.Place,
		timeColumn{&r.StartsAt}, timeColumn{&r.EndsAt}, timeColumn{&r.CheckInAt}, timeColumn{&r.CheckOutAt},
		&confirmed, &r.Organiser, &r.Recorder, timeColumn{&r.ConfirmedAt},
		&r.Gender, &r.BirthYear, &r.IDType, &r.IDMasked)
	if err != nil {
		return r, err
	}
	r.ConfirmedMinutes = minutes(confirmed)
	if r.Anonymised {
		r.VolunteerName, r.VolunteerPhone = "", ""
	}
	return r, nil
}

package sqlstore

import (
	"context"
	"strings"
	"time"

	"envoybot/store"
)

// AnonymiseUser is ForgetUser, for callers that need only the user: name,
// mobile and position blanked, the first anonymisation time kept, notices
// stopped, any envoy or admin role dropped; community, sign-ups,
// attendance and hours stay under the user's id.
func (db *DB) AnonymiseUser(ctx context.Context, userID int64, at time.Time) (*store.User, error) {
	f, err := db.ForgetUser(ctx, userID, at)
	if err != nil {
		return nil, err
	}
	return f.User, nil
}

// FindVolunteersByName returns users registered under exactly that name,
// with a mobile and not anonymised, in the community when it is given,
// oldest first.
func (db *DB) FindVolunteersByName(ctx context.Context, name, community string) ([]*store.User, error) {
	query := `
		SELECT ` + userColumns + `
		FROM users u LEFT JOIN communities c ON c.id = u.community_id
		WHERE u.real_name = $1 AND u.real_name <> '' AND u.mobile <> '' AND u.anonymised_at IS NULL`
	args := []any{strings.TrimSpace(name)}
	if community = strings.TrimSpace(community); community != "" {
		query += ` AND c.name = $2`
		args = append(args, community)
	}
	return readAll(ctx, db, "find volunteers by name", scanUser, query+` ORDER BY u.id`, args...)
}

// FindUserByPhone returns the earliest user who registered the mobile and
// is not anonymised.
func (db *DB) FindUserByPhone(ctx context.Context, phone string) (*store.User, error) {
	u, err := scanUser(db.reader().row(ctx, `
		SELECT `+userColumns+`
		FROM users u LEFT JOIN communities c ON c.id = u.community_id
		WHERE u.mobile = $1 AND u.mobile <> '' AND u.anonymised_at IS NULL
		ORDER BY u.id LIMIT 1`, strings.TrimSpace(phone)))
	if err != nil {
		return nil, db.wrapError("find user by phone", err)
	}
	return u, nil
}

// FindCommunityVolunteerByPhone returns the earliest user of the community
// who registered the mobile and is not anonymised. The community is
// required: with none, nobody is found.
func (db *DB) FindCommunityVolunteerByPhone(ctx context.Context, community, phone string) (*store.User, error) {
	community, phone = strings.TrimSpace(community), strings.TrimSpace(phone)
	if community == "" || phone == "" {
		return nil, db.wrapError("find community volunteer by phone", store.Errorf(store.ENOTFOUND, "no community or mobile"))
	}
	u, err := scanUser(db.reader().row(ctx, `
		SELECT `+userColumns+`
		FROM users u JOIN communities c ON c.id = u.community_id
		WHERE c.name = $1 AND u.mobile = $2 AND u.real_name <> '' AND u.anonymised_at IS NULL
		ORDER BY u.id LIMIT 1`, community, phone))
	if err != nil {
		return nil, db.wrapError("find community volunteer by phone", err)
	}
	return u, nil
}

// EnvoyProgress gathers the envoy's standing from one snapshot: a
// repeatable-read, read-only transaction on PostgreSQL, a read transaction
// on SQLite (WAL keeps its snapshot from the first read on).
func (db *DB) EnvoyProgress(ctx context.Context, envoyID int64) (*store.Progress, error) {
	var p *store.Progress
	err := db.snapshot(ctx, func(q conn) (err error) {
		p, err = envoyProgress(ctx, q, envoyID)
		return err
	})
	if err != nil {
		return nil, db.wrapError("envoy progress", err)
	}
	return p, nil
}

// envoyProgress reads the envoy's standing.
func envoyProgress(ctx context.Context, q conn, envoyID int64) (*store.Progress, error) {
	if err := requireUser(ctx, q, envoyID); err != nil {
		return nil, err
	}
	var err error
	p := &store.Progress{ActivitiesByLine: map[string]int{}}
	if p.ContactPoints, err = listContactPoints(ctx, q, envoyID); err != nil {
		return nil, err
	}
	if p.Teams, err = listTeamsByEnvoy(ctx, q, envoyID); err != nil {
		return nil, err
	}
	if p.Brands, err = listBrandsByEnvoy(ctx, q, envoyID); err != nil {
		return nil, err
	}
	rows, err := q.query(ctx, `
		SELECT category, COUNT(*) FROM activities
		WHERE envoy_id = $1 AND status <> 'cancelled'
		GROUP BY category`, envoyID)
	type lineCount struct {
		line string
		n    int
	}
	counts, err := collect(rows, err, func(row rowScanner) (lineCount, error) {
		var c lineCount
		err := row.Scan(&c.line, &c.n)
		return c, err
	})
	if err != nil {
		return nil, err
	}
	for _, c := range counts {
		p.ActivitiesByLine[c.line] = c.n
	}
	// SUM of the integer confirmed_minutes is a bigint on PostgreSQL, not
	// a numeric.
	err = q.row(ctx, `
		SELECT
			(SELECT COUNT(*) FROM activities
				WHERE envoy_id = $1 AND status <> 'cancelled' AND held_at IS NOT NULL),
			(SELECT COALESCE(SUM(t.confirmed_minutes), 0) FROM attendances t
				JOIN activities a ON a.id = t.activity_id WHERE a.envoy_id = $1),
			(SELECT COUNT(DISTINCT t.user_id) FROM attendances t
				JOIN activities a ON a.id = t.activity_id WHERE a.envoy_id = $1)`,
		envoyID).Scan(&p.HeldActivities, &p.ConfirmedMinutes, &p.Volunteers)
	if err != nil {
		return nil, err
	}
	return p, nil
}

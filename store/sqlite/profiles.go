package sqlite

import (
	"context"
	"database/sql"
	"strings"
	"time"

	"envoybot/store"
)

// AnonymiseUser blanks name and mobile, marks the user anonymised (the
// first time is kept), stops notices (following off, every lecture
// subscription inactive) and keeps role, community, sign-ups, attendance
// and hours under the user's id.
func (db *DB) AnonymiseUser(ctx context.Context, openID string, at time.Time) (*store.User, error) {
	var u *store.User
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		userID, err := findUserID(ctx, tx, openID)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `
			UPDATE users SET real_name = '', mobile = '', following = 0,
				anonymised_at = COALESCE(anonymised_at, ?1), updated_at = ?1
			WHERE id = ?2`, timeValue(at), userID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `
			UPDATE lecture_subscriptions SET active = 0, updated_at = ?1
			WHERE user_id = ?2 AND active = 1`, timeValue(at), userID); err != nil {
			return err
		}
		u, err = findUserByOpenID(ctx, tx, openID)
		return err
	})
	if err != nil {
		return nil, wrapError("anonymise user", err)
	}
	return u, nil
}

// FindVolunteersByName returns users registered under exactly that name,
// with a mobile and not anonymised, in the community when it is given,
// oldest first.
func (db *DB) FindVolunteersByName(ctx context.Context, name, community string) ([]*store.User, error) {
	rows, err := db.read.QueryContext(ctx, `
		SELECT `+userColumns+`
		FROM users u LEFT JOIN communities c ON c.id = u.community_id
		WHERE u.real_name = ?1 AND u.real_name <> '' AND u.mobile <> '' AND u.anonymised_at IS NULL
			AND (?2 = '' OR c.name = ?2)
		ORDER BY u.id`, strings.TrimSpace(name), strings.TrimSpace(community))
	if err != nil {
		return nil, wrapError("find volunteers by name", err)
	}
	defer rows.Close()
	users := []*store.User{}
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, wrapError("find volunteers by name", err)
		}
		users = append(users, u)
	}
	if err := rows.Err(); err != nil {
		return nil, wrapError("find volunteers by name", err)
	}
	return users, nil
}

// FindUserByPhone returns the earliest user who registered the mobile and
// is not anonymised.
func (db *DB) FindUserByPhone(ctx context.Context, phone string) (*store.User, error) {
	u, err := scanUser(db.read.QueryRowContext(ctx, `
		SELECT `+userColumns+`
		FROM users u LEFT JOIN communities c ON c.id = u.community_id
		WHERE u.mobile = ? AND u.mobile <> '' AND u.anonymised_at IS NULL
		ORDER BY u.id LIMIT 1`, strings.TrimSpace(phone)))
	if err != nil {
		return nil, wrapError("find user by phone", err)
	}
	return u, nil
}

// EnvoyProgress gathers the envoy's standing from one snapshot.
func (db *DB) EnvoyProgress(ctx context.Context, envoyOpenID string) (*store.Progress, error) {
	tx, err := db.read.BeginTx(ctx, nil)
	if err != nil {
		return nil, wrapError("envoy progress", err)
	}
	defer tx.Rollback()
	p, err := envoyProgress(ctx, tx, envoyOpenID)
	if err != nil {
		return nil, wrapError("envoy progress", err)
	}
	return p, nil
}

// envoyProgress reads the envoy's standing.
func envoyProgress(ctx context.Context, tx *sql.Tx, envoyOpenID string) (*store.Progress, error) {
	envoyID, err := findUserID(ctx, tx, envoyOpenID)
	if err != nil {
		return nil, err
	}
	p := &store.Progress{ActivitiesByLine: map[string]int{}}
	if p.ContactPoints, err = listContactPoints(ctx, tx, envoyOpenID); err != nil {
		return nil, err
	}
	if p.Teams, err = listTeamsByEnvoy(ctx, tx, envoyOpenID); err != nil {
		return nil, err
	}
	if p.Brands, err = listBrandsByEnvoy(ctx, tx, envoyOpenID); err != nil {
		return nil, err
	}
	rows, err := tx.QueryContext(ctx, `
		SELECT category, COUNT(*) FROM activities
		WHERE envoy_id = ? AND status <> 'cancelled'
		GROUP BY category`, envoyID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var (
			line string
			n    int
		)
		if err := rows.Scan(&line, &n); err != nil {
			return nil, err
		}
		p.ActivitiesByLine[line] = n
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	err = tx.QueryRowContext(ctx, `
		SELECT
			(SELECT COUNT(*) FROM activities
				WHERE envoy_id = ?1 AND status <> 'cancelled' AND held_at IS NOT NULL),
			(SELECT COALESCE(SUM(t.confirmed_minutes), 0) FROM attendances t
				JOIN activities a ON a.id = t.activity_id WHERE a.envoy_id = ?1),
			(SELECT COUNT(DISTINCT t.user_id) FROM attendances t
				JOIN activities a ON a.id = t.activity_id WHERE a.envoy_id = ?1)`,
		envoyID).Scan(&p.HeldActivities, &p.ConfirmedMinutes, &p.Volunteers)
	if err != nil {
		return nil, err
	}
	return p, nil
}

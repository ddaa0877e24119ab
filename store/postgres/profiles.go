package postgres

import (
	"context"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"envoybot/store"
)

// AnonymiseUser blanks name and mobile, marks the user anonymised (the
// first time is kept), stops notices (following off, every lecture
// subscription inactive) and keeps role, community, sign-ups, attendance
// and hours under the user's id.
func (db *DB) AnonymiseUser(ctx context.Context, openID string, at time.Time) (*store.User, error) {
	var u *store.User
	err := db.inTx(ctx, func(tx pgx.Tx) error {
		var userID int64
		err := tx.QueryRow(ctx, `
			UPDATE users SET real_name = '', mobile = '', following = false,
				anonymised_at = COALESCE(anonymised_at, $1), updated_at = $1
			WHERE openid = $2 RETURNING id`, timeValue(at), openID).Scan(&userID)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `
			UPDATE lecture_subscriptions SET active = false, updated_at = $1
			WHERE user_id = $2 AND active`, timeValue(at), userID); err != nil {
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
	rows, err := db.pool.Query(ctx, `
		SELECT `+userColumns+`
		FROM users u LEFT JOIN communities c ON c.id = u.community_id
		WHERE u.real_name = $1 AND u.real_name <> '' AND u.mobile <> '' AND u.anonymised_at IS NULL
			AND ($2 = '' OR c.name = $2)
		ORDER BY u.id`, strings.TrimSpace(name), strings.TrimSpace(community))
	if err != nil {
		return nil, wrapError("find volunteers by name", err)
	}
	users, err := collect(rows, scanUser)
	if err != nil {
		return nil, wrapError("find volunteers by name", err)
	}
	return users, nil
}

// FindUserByPhone returns the earliest user who registered the mobile and
// is not anonymised.
func (db *DB) FindUserByPhone(ctx context.Context, phone string) (*store.User, error) {
	u, err := scanUser(db.pool.QueryRow(ctx, `
		SELECT `+userColumns+`
		FROM users u LEFT JOIN communities c ON c.id = u.community_id
		WHERE u.mobile = $1 AND u.mobile <> '' AND u.anonymised_at IS NULL
		ORDER BY u.id LIMIT 1`, strings.TrimSpace(phone)))
	if err != nil {
		return nil, wrapError("find user by phone", err)
	}
	return u, nil
}

// EnvoyProgress gathers the envoy's standing from one snapshot (a
// repeatable-read, read-only transaction).
func (db *DB) EnvoyProgress(ctx context.Context, envoyOpenID string) (*store.Progress, error) {
	var p *store.Progress
	err := pgx.BeginTxFunc(ctx, db.pool, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly},
		func(tx pgx.Tx) error {
			var err error
			p, err = envoyProgress(ctx, tx, envoyOpenID)
			return err
		})
	if err != nil {
		return nil, wrapError("envoy progress", err)
	}
	return p, nil
}

// envoyProgress reads the envoy's standing.
func envoyProgress(ctx context.Context, tx pgx.Tx, envoyOpenID string) (*store.Progress, error) {
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
	rows, err := tx.Query(ctx, `
		SELECT category, COUNT(*) FROM activities
		WHERE envoy_id = $1 AND status <> 'cancelled'
		GROUP BY category`, envoyID)
	if err != nil {
		return nil, err
	}
	type lineCount struct {
		line string
		n    int
	}
	counts, err := collect(rows, func(row rowScanner) (lineCount, error) {
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
	err = tx.QueryRow(ctx, `
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

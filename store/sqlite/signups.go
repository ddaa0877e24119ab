package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"envoybot/store"
)

// signupColumns selects a sign-up with its activity code, the volunteer
// and the wait-list position, counted from arrival order; signupFrom must
// follow.
const signupColumns = `s.id, s.activity_id, a.code, s.user_id, u.openid, u.real_name, u.mobile, s.status,
	CASE s.status WHEN 'waitlisted' THEN (
		SELECT COUNT(*) FROM signups w
		WHERE w.activity_id = s.activity_id AND w.status = 'waitlisted' AND w.arrival_order <= s.arrival_order
	) ELSE 0 END,
	s.source, s.created_at`

// signupFrom joins what signupColumns reads.
const signupFrom = ` FROM signups s
	JOIN activities a ON a.id = s.activity_id
	JOIN users u ON u.id = s.user_id`

// SignUp seats or wait-lists the user. The single write connection runs
// one transaction at a time, so counting seats and taking the next arrival
// order cannot interleave with another sign-up.
func (db *DB) SignUp(ctx context.Context, activityCode, openID, source string, at time.Time) (*store.Signup, bool, error) {
	var (
		s       *store.Signup
		created bool
	)
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		source, err := checkSource(source)
		if err != nil {
			return err
		}
		a, err := lockActivity(ctx, tx, activityCode)
		if err != nil {
			return err
		}
		if a.status != store.ActivityOpen {
			return store.Errorf(store.EINVALID, "activity %s is %s, not open", a.code, a.status)
		}
		userID, err := ensureUserID(ctx, tx, openID, at)
		if err != nil {
			return err
		}
		var (
			signupID int64
			status   string
		)
		err = tx.QueryRowContext(ctx, `SELECT id, status FROM signups WHERE activity_id = ? AND user_id = ?`,
			a.id, userID).Scan(&signupID, &status)
		switch {
		case err == nil && status != store.SignupCancelled:
			s, err = findSignup(ctx, tx, signupID)
			return err
		case err != nil && !errors.Is(err, sql.ErrNoRows):
			return err
		}
		var seated, order int64
		if err := tx.QueryRowContext(ctx, `
			SELECT COUNT(*) FILTER (WHERE status = 'seated'), COALESCE(MAX(arrival_order), 0) + 1
			FROM signups WHERE activity_id = ?`, a.id).Scan(&seated, &order); err != nil {
			return err
		}
		status = store.SignupWaitlisted
		if a.quota == 0 || seated < a.quota {
			status = store.SignupSeated
		}
		if err := tx.QueryRowContext(ctx, `
			INSERT INTO signups (activity_id, user_id, status, arrival_order, source, created_at, updated_at)
			VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6)
			ON CONFLICT (activity_id, user_id) DO UPDATE SET
				status = excluded.status, arrival_order = excluded.arrival_order, source = excluded.source,
				created_at = excluded.created_at, updated_at = excluded.updated_at
			RETURNING id`,
			a.id, userID, status, order, source, timeValue(at)).Scan(&signupID); err != nil {
			return err
		}
		created = true
		s, err = findSignup(ctx, tx, signupID)
		return err
	})
	if err != nil {
		return nil, false, wrapError("sign up", err)
	}
	return s, created, nil
}

// CancelSignup cancels the user's sign-up and, when that freed a seat,
// seats the longest-waiting volunteer in the same transaction.
func (db *DB) CancelSignup(ctx context.Context, activityCode, openID string, at time.Time) (*store.Signup, *store.Signup, error) {
	var cancelled, promoted *store.Signup
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		a, err := lockActivity(ctx, tx, activityCode)
		if err != nil {
			return err
		}
		var (
			signupID int64
			status   string
		)
		err = tx.QueryRowContext(ctx, `
			SELECT s.id, s.status FROM signups s JOIN users u ON u.id = s.user_id
			WHERE s.activity_id = ? AND u.openid = ?`, a.id, openID).Scan(&signupID, &status)
		if errors.Is(err, sql.ErrNoRows) || (err == nil && status == store.SignupCancelled) {
			return store.Errorf(store.ENOTFOUND, store.MsgNotSignedUp)
		} else if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE signups SET status = 'cancelled', updated_at = ? WHERE id = ?`,
			timeValue(at), signupID); err != nil {
			return err
		}
		if cancelled, err = findSignup(ctx, tx, signupID); err != nil {
			return err
		}
		if status != store.SignupSeated {
			return nil
		}
		var nextID int64
		err = tx.QueryRowContext(ctx, `
			SELECT id FROM signups WHERE activity_id = ? AND status = 'waitlisted'
			ORDER BY arrival_order LIMIT 1`, a.id).Scan(&nextID)
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		} else if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE signups SET status = 'seated', updated_at = ? WHERE id = ?`,
			timeValue(at), nextID); err != nil {
			return err
		}
		promoted, err = findSignup(ctx, tx, nextID)
		return err
	})
	if err != nil {
		return nil, nil, wrapError("cancel signup", err)
	}
	return cancelled, promoted, nil
}

// ListUserSignups returns the user's live sign-ups for activities ending
// after from, soonest first, with Activity filled; none for an unknown user.
func (db *DB) ListUserSignups(ctx context.Context, openID string, from time.Time) ([]*store.Signup, error) {
	rows, err := db.read.QueryContext(ctx, `
		SELECT `+signupColumns+`, `+activityColumns+signupFrom+`
		JOIN communities c ON c.id = a.community_id
		JOIN users e ON e.id = a.envoy_id
		WHERE u.openid = ? AND s.status IN ('seated', 'waitlisted') AND a.ends_at > ?
		ORDER BY a.starts_at, a.id`, openID, timeValue(from))
	if err != nil {
		return nil, wrapError("list user signups", err)
	}
	defer rows.Close()
	signups := []*store.Signup{}
	for rows.Next() {
		s, err := scanSignupWithActivity(rows)
		if err != nil {
			return nil, wrapError("list user signups", err)
		}
		signups = append(signups, s)
	}
	if err := rows.Err(); err != nil {
		return nil, wrapError("list user signups", err)
	}
	return signups, nil
}

// ListActivitySignups returns the seated in arrival order, then the
// wait-listed in queue order; cancelled sign-ups are left out.
func (db *DB) ListActivitySignups(ctx context.Context, activityCode string) ([]*store.Signup, error) {
	signups, err := listActivitySignups(ctx, db.read, normaliseCode(activityCode))
	if err != nil {
		return nil, wrapError("list activity signups", err)
	}
	return signups, nil
}

// listActivitySignups reads the live sign-ups of the activity, which must
// exist.
func listActivitySignups(ctx context.Context, q queryer, code string) ([]*store.Signup, error) {
	var activityID int64
	if err := q.QueryRowContext(ctx, `SELECT id FROM activities WHERE code = ?`, code).Scan(&activityID); err != nil {
		return nil, err
	}
	rows, err := q.QueryContext(ctx, `
		SELECT `+signupColumns+signupFrom+`
		WHERE s.activity_id = ? AND s.status IN ('seated', 'waitlisted')
		ORDER BY CASE s.status WHEN 'seated' THEN 0 ELSE 1 END, s.arrival_order`, activityID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	signups := []*store.Signup{}
	for rows.Next() {
		s, err := scanSignup(rows)
		if err != nil {
			return nil, err
		}
		signups = append(signups, s)
	}
	return signups, rows.Err()
}

// lockedActivity is what sign-up changes need of the activity they lock.
type lockedActivity struct {
	id     int64
	code   string
	status string
	quota  int64
}

// lockActivity reads the activity for a sign-up change. SQLite has no row
// locks; the write transaction already excludes every other writer.
func lockActivity(ctx context.Context, tx *sql.Tx, code string) (lockedActivity, error) {
	var a lockedActivity
	err := tx.QueryRowContext(ctx, `SELECT id, code, status, quota FROM activities WHERE code = ?`,
		normaliseCode(code)).Scan(&a.id, &a.code, &a.status, &a.quota)
	return a, err
}

// findSignup reads one sign-up by id.
func findSignup(ctx context.Context, q queryer, id int64) (*store.Signup, error) {
	return scanSignup(q.QueryRowContext(ctx, `SELECT `+signupColumns+signupFrom+` WHERE s.id = ?`, id))
}

// scanSignup reads the signupColumns of one row.
func scanSignup(row rowScanner) (*store.Signup, error) {
	var s store.Signup
	if err := row.Scan(signupFields(&s)...); err != nil {
		return nil, err
	}
	return &s, nil
}

// scanSignupWithActivity reads signupColumns followed by activityColumns.
func scanSignupWithActivity(rows *sql.Rows) (*store.Signup, error) {
	var s store.Signup
	fields := signupFields(&s)
	a, err := scanActivity(prefixedScanner{row: rows, prefix: fields})
	if err != nil {
		return nil, err
	}
	s.Activity = a
	return &s, nil
}

// signupFields are the scan destinations of signupColumns.
func signupFields(s *store.Signup) []any {
	return []any{&s.ID, &s.ActivityID, &s.ActivityCode, &s.UserID, &s.OpenID, &s.Name, &s.Phone,
		&s.Status, &s.Position, &s.Source, timeColumn{&s.CreatedAt}}
}

// prefixedScanner scans prefix destinations before the ones it is given,
// so that scanActivity can read the tail of a wider row.
type prefixedScanner struct {
	row    rowScanner
	prefix []any
}

// Scan implements rowScanner.
func (p prefixedScanner) Scan(dest ...any) error {
	return p.row.Scan(append(append([]any{}, p.prefix...), dest...)...)
}

// checkSource defaults an empty source to chat and rejects unknown ones.
func checkSource(source string) (string, error) {
	switch source {
	case "":
		return store.SourceChat, nil
	case store.SourceChat, store.SourceImport:
		return source, nil
	}
	return "", store.Errorf(store.EINVALID, "unknown sign-up source %q", source)
}

package sqlstore

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
	s.source, s.created_at, s.companions`

// signupFrom joins what signupColumns reads.
const signupFrom = ` FROM signups s
	JOIN activities a ON a.id = s.activity_id
	JOIN users u ON u.id = s.user_id`

// SignUp seats or wait-lists the user. The activity is locked first
// (activityRef), so sign-ups of one activity run one after another: each
// counts seats and takes the next arrival order after the previous one
// committed. A repeat (WeChat's retries, impatient users) of a sign-up
// that holds a seat or a place on an open activity is answered from a
// read of that one sign-up before the transaction, without the row lock or
// a commit; on SQLite, a repeat racing the first is also found inside the
// transaction, before the seats are counted.
func (db *DB) SignUp(ctx context.Context, activityCode string, userID int64, source string, at time.Time) (*store.Signup, bool, error) {
	return db.SignUpGroup(ctx, activityCode, userID, 0, source, at)
}

// SignUpGroup is SignUp with companions: the group is seated when
// 1+companions seats are left, else wait-listed whole.
func (db *DB) SignUpGroup(ctx context.Context, activityCode string, userID int64, companions int, source string, at time.Time) (*store.Signup, bool, error) {
	source, err := store.SignupSource(source)
	if err != nil {
		return nil, false, db.wrapError("sign up", err)
	}
	if companions < 0 || companions > store.MaxCompanions {
		return nil, false, db.wrapError("sign up", store.Errorf(store.EINVALID, "companions %d not in 0–%d", companions, store.MaxCompanions))
	}
	code := store.NormaliseCode(activityCode)
	if s, err := findLiveSignup(ctx, db.reader(), code, userID); err == nil {
		return s, false, nil
	}
	var (
		s       *store.Signup
		created bool
	)
	err = db.inTx(ctx, func(tx conn) error {
		// The activity, locked, and whether the user exists, in one round
		// trip.
		var (
			a     lockedActivity
			known sql.NullInt64
		)
		if err := tx.row(ctx, `
			SELECT id, code, status, quota, (SELECT id FROM users WHERE id = $2)
			FROM activities WHERE code = $1`+tx.d.forUpdate,
			code, userID).Scan(&a.id, &a.code, &a.status, &a.quota, &known); err != nil {
			return err
		}
		if !known.Valid {
			return store.Errorf(store.ENOTFOUND, "unknown user")
		}
		if a.status != store.ActivityOpen {
			return store.Errorf(store.EINVALID, "activity %s is %s, not open", a.code, a.status)
		}
		if !tx.d.pg {
			// A short statement: SQLite parses each one anew, and this
			// one finds nothing for most sign-ups.
			var liveID int64
			err := tx.row(ctx, `SELECT id FROM signups WHERE activity_id = $1 AND user_id = $2 AND status <> 'cancelled'`,
				a.id, userID).Scan(&liveID)
			if err == nil {
				s, err = findSignup(ctx, tx, liveID)
				return err
			} else if !errors.Is(err, sql.ErrNoRows) {
				return err
			}
		}
		// Seat or wait-list by the seats taken, at the next arrival order;
		// a cancelled sign-up is renewed at the end of the queue, a live one
		// (a racing retry) is left alone and returns no row.
		var signupID int64
		err := tx.row(ctx, `
			INSERT INTO signups (activity_id, user_id, status, arrival_order, source, created_at, updated_at, companions)
			SELECT $1, $2,
				CASE WHEN CAST($3 AS BIGINT) = 0 OR COALESCE(SUM(1 + companions) FILTER (WHERE status = 'seated'), 0) + 1 + CAST($6 AS BIGINT) <= CAST($3 AS BIGINT)
					THEN 'seated' ELSE 'waitlisted' END,
				COALESCE(MAX(arrival_order), 0) + 1, $4, $5, $5, $6
			FROM signups WHERE activity_id = $1
			ON CONFLICT (activity_id, user_id) DO UPDATE SET
				status = excluded.status, arrival_order = excluded.arrival_order, source = excluded.source,
				created_at = excluded.created_at, updated_at = excluded.updated_at, companions = excluded.companions
			WHERE signups.status = 'cancelled'
			RETURNING id`,
			a.id, userID, a.quota, source, at, companions).Scan(&signupID)
		created = err == nil
		if errors.Is(err, sql.ErrNoRows) {
			err = tx.row(ctx, `SELECT id FROM signups WHERE activity_id = $1 AND user_id = $2`,
				a.id, userID).Scan(&signupID)
		}
		if err != nil {
			return err
		}
		s, err = findSignup(ctx, tx, signupID)
		return err
	})
	if err != nil {
		return nil, false, db.wrapError("sign up", err)
	}
	return s, created, nil
}

// CancelSignup cancels the user's sign-up and, when that freed a seat,
// seats the longest-waiting volunteer in the same transaction, under the
// same activity lock as SignUp.
func (db *DB) CancelSignup(ctx context.Context, activityCode string, userID int64, at time.Time) (*store.Signup, []*store.Signup, error) {
	var (
		cancelled *store.Signup
		promoted  = []*store.Signup{}
	)
	err := db.inTx(ctx, func(tx conn) error {
		a, err := activityRef(ctx, tx, activityCode, true, false)
		if err != nil {
			return err
		}
		var (
			signupID int64
			status   string
		)
		err = tx.row(ctx, `
			SELECT id, status FROM signups WHERE activity_id = $1 AND user_id = $2`,
			a.id, userID).Scan(&signupID, &status)
		if errors.Is(err, sql.ErrNoRows) || (err == nil && status == store.SignupCancelled) {
			return store.Errorf(store.ENOTFOUND, store.MsgNotSignedUp)
		} else if err != nil {
			return err
		}
		if _, err := tx.exec(ctx, `UPDATE signups SET status = 'cancelled', updated_at = $1 WHERE id = $2`,
			at, signupID); err != nil {
			return err
		}
		if cancelled, err = findSignup(ctx, tx, signupID); err != nil {
			return err
		}
		if status != store.SignupSeated || a.quota == 0 {
			return nil
		}
		promoted, err = seatWaitlisted(ctx, tx, a.id, int(a.quota), at)
		return err
	})
	if err != nil {
		return nil, nil, db.wrapError("cancel signup", err)
	}
	return cancelled, promoted, nil
}

// seatWaitlisted seats the wait-listed of the activity in queue order
// while the next group (the volunteer and companions) fits in the seats
// quota leaves (0: no limit, everyone is seated). The queue is kept: a
// group that does not fit is not overtaken by a smaller one behind it.
func seatWaitlisted(ctx context.Context, tx conn, activityID int64, quota int, at time.Time) ([]*store.Signup, error) {
	var taken int
	if err := tx.row(ctx, `SELECT COALESCE(SUM(1 + companions), 0) FROM signups WHERE activity_id = $1 AND status = 'seated'`,
		activityID).Scan(&taken); err != nil {
		return nil, err
	}
	rows, err := tx.query(ctx, `
		SELECT id, 1 + companions FROM signups WHERE activity_id = $1 AND status = 'waitlisted'
		ORDER BY arrival_order`, activityID)
	type waiting struct{ id, size int64 }
	queue, err := collect(rows, err, func(row rowScanner) (w waiting, err error) { return w, row.Scan(&w.id, &w.size) })
	if err != nil {
		return nil, err
	}
	promoted := []*store.Signup{}
	for _, w := range queue {
		if quota > 0 && taken+int(w.size) > quota {
			break
		}
		taken += int(w.size)
		if _, err := tx.exec(ctx, `UPDATE signups SET status = 'seated', updated_at = $1 WHERE id = $2`, at, w.id); err != nil {
			return nil, err
		}
		s, err := findSignup(ctx, tx, w.id)
		if err != nil {
			return nil, err
		}
		promoted = append(promoted, s)
	}
	return promoted, nil
}

// ListUserSignups returns the user's live sign-ups for activities ending
// after from and not cancelled, soonest first, with Activity filled; none
// for an unknown user.
func (db *DB) ListUserSignups(ctx context.Context, userID int64, from time.Time) ([]*store.Signup, error) {
	q := db.reader()
	rows, err := q.query(ctx, `
		SELECT `+signupColumns+`, `+activityColumns+signupFrom+`
		JOIN communities c ON c.id = a.community_id
		JOIN users e ON e.id = a.envoy_id
		WHERE s.user_id = $1 AND s.status IN ('seated', 'waitlisted') AND a.ends_at > $2
			AND a.status <> 'cancelled'
		ORDER BY a.starts_at, a.id`, userID, from)
	signups, err := collect(rows, err, func(row rowScanner) (*store.Signup, error) {
		var s store.Signup
		a, err := scanActivity(prefixedScanner{row: row, prefix: signupFields(&s)})
		s.Activity = a
		return &s, err
	})
	if err != nil {
		return nil, db.wrapError("list user signups", err)
	}
	return signups, nil
}

// ListActivitySignups returns the seated in arrival order, then the
// wait-listed in queue order; cancelled sign-ups are left out.
func (db *DB) ListActivitySignups(ctx context.Context, activityCode string) ([]*store.Signup, error) {
	signups, err := listActivitySignups(ctx, db.reader(), store.NormaliseCode(activityCode))
	if err != nil {
		return nil, db.wrapError("list activity signups", err)
	}
	return signups, nil
}

// listActivitySignups reads the live sign-ups of the activity, which must
// exist.
func listActivitySignups(ctx context.Context, q conn, code string) ([]*store.Signup, error) {
	var activityID int64
	if err := q.row(ctx, `SELECT id FROM activities WHERE code = $1`, code).Scan(&activityID); err != nil {
		return nil, err
	}
	rows, err := q.query(ctx, `
		SELECT `+signupColumns+signupFrom+`
		WHERE s.activity_id = $1 AND s.status IN ('seated', 'waitlisted')
		ORDER BY CASE s.status WHEN 'seated' THEN 0 ELSE 1 END, s.arrival_order`, activityID)
	return collect(rows, err, scanSignup)
}

// lockedActivity is what sign-up changes need of the activity they lock.
type lockedActivity struct {
	id     int64
	code   string
	status string
	quota  int64
}

// activityRef reads what a sign-up or attendance change needs of the
// activity. With lock, its row stays locked until the transaction ends
// (FOR UPDATE on PostgreSQL; on SQLite the write transaction already
// excludes every other writer), serialising every such change of one
// activity; with live, a cancelled activity is EINVALID.
func activityRef(ctx context.Context, q conn, code string, lock, live bool) (lockedActivity, error) {
	var a lockedActivity
	query := `SELECT id, code, status, quota FROM activities WHERE code = $1`
	if lock {
		query += q.d.forUpdate
	}
	err := q.row(ctx, query, store.NormaliseCode(code)).Scan(&a.id, &a.code, &a.status, &a.quota)
	if err == nil && live && a.status == store.ActivityCancelled {
		err = store.Errorf(store.EINVALID, "activity %s is cancelled", a.code)
	}
	return a, err
}

// findLiveSignup reads the user's seat or wait-list place on the activity
// (code normalised) while it is open; sql.ErrNoRows when there is none.
func findLiveSignup(ctx context.Context, q conn, code string, userID int64) (*store.Signup, error) {
	return scanSignup(q.row(ctx, `SELECT `+signupColumns+signupFrom+`
		WHERE a.code = $1 AND s.user_id = $2 AND a.status = 'open' AND s.status IN ('seated', 'waitlisted')`,
		code, userID))
}

// FindUserSignup implements store.SignupService.
func (db *DB) FindUserSignup(ctx context.Context, activityCode string, userID int64) (*store.Signup, error) {
	s, err := scanSignup(db.reader().row(ctx, `SELECT `+signupColumns+signupFrom+`
		WHERE a.code = $1 AND s.user_id = $2 AND s.status IN ('seated', 'waitlisted')`,
		store.NormaliseCode(activityCode), userID))
	if err != nil {
		return nil, db.wrapError("find user sign-up", err)
	}
	return s, nil
}

// findSignup reads one sign-up by id.
func findSignup(ctx context.Context, q conn, id int64) (*store.Signup, error) {
	return scanSignup(q.row(ctx, `SELECT `+signupColumns+signupFrom+` WHERE s.id = $1`, id))
}

// scanSignup reads the signupColumns of one row.
func scanSignup(row rowScanner) (*store.Signup, error) {
	var s store.Signup
	if err := row.Scan(signupFields(&s)...); err != nil {
		return nil, err
	}
	return &s, nil
}

// signupFields are the scan destinations of signupColumns.
func signupFields(s *store.Signup) []any {
	return []any{&s.ID, &s.ActivityID, &s.ActivityCode, &s.UserID, &s.OpenID, &s.Name, &s.Phone,
		&s.Status, &s.Position, &s.Source, timeColumn{&s.CreatedAt}, &s.Companions}
}

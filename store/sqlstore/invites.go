package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"envoybot/store"
)

// inviteColumns selects an invite; FROM invites must follow.
const inviteColumns = `id, code, role, name, envoy_level, envoy_kind, expires_at,
	COALESCE(used_by, 0), used_at, created_at`

// CreateInvite stores a new invite under its code in upper case, so that
// codes differing only in case are one code (ECONFLICT).
func (db *DB) CreateInvite(ctx context.Context, inv store.NewInvite, at time.Time) (*store.Invite, error) {
	if err := inv.Validate(); err != nil {
		return nil, db.wrapError("create invite", err)
	}
	var created *store.Invite
	err := db.inTx(ctx, func(tx conn) error {
		var createdBy any // NULL when issued from the CLI
		if inv.CreatedByOpenID != "" {
			id, err := findUserID(ctx, tx, inv.CreatedByOpenID)
			if err != nil {
				return err
			}
			createdBy = id
		}
		if _, err := tx.exec(ctx, `
			INSERT INTO invites (code, role, name, envoy_level, envoy_kind, expires_at, created_by, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
			inv.Code, string(inv.Role), inv.Name, inv.EnvoyLevel, inv.EnvoyKind,
			inv.ExpiresAt, createdBy, at); err != nil {
			return err
		}
		var err error
		created, err = findInvite(ctx, tx, inv.Code, false)
		return err
	})
	if err != nil {
		return nil, db.wrapError("create invite", err)
	}
	return created, nil
}

// RedeemInvite binds the user with the invite. The user row is locked
// first, so one user's attempts are counted one after another, and the
// invite row next, so of users racing for one code exactly one gets it
// (FOR UPDATE on PostgreSQL; on SQLite the single write connection already
// serialises attempts). A refused attempt is recorded and committed before
// the refusal is returned, so that guessing is rate-limited even though
// nothing else changes.
func (db *DB) RedeemInvite(ctx context.Context, userID int64, code string, at time.Time, maxFailures int, window time.Duration) (*store.User, *store.Invite, error) {
	var (
		u       *store.User
		inv     *store.Invite
		refusal error
	)
	err := db.inTx(ctx, func(tx conn) error {
		if err := requireUser(ctx, tx, userID); err != nil {
			return err
		}
		if _, err := tx.exec(ctx, `SELECT id FROM users WHERE id = $1`+tx.d.forUpdate, userID); err != nil {
			return err
		}
		if maxFailures > 0 {
			var failures int
			if err := tx.row(ctx, `
				SELECT COUNT(*) FROM invite_failures
				WHERE user_id = $1 AND at > $2 AND at <= $3`,
				userID, at.Add(-window), at).Scan(&failures); err != nil {
				return err
			}
			if failures >= maxFailures {
				refusal = store.Errorf(store.EFORBIDDEN, store.MsgTooManyAttempts)
				return nil
			}
		}
		found, err := findInvite(ctx, tx, store.NormaliseCode(code), true)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			refusal = store.Errorf(store.ENOTFOUND, store.MsgInviteUnknown)
		case err != nil:
			return err
		case found.UsedBy != 0:
			refusal = store.Errorf(store.EINVALID, store.MsgInviteUsed)
		case !at.Before(found.ExpiresAt):
			refusal = store.Errorf(store.EINVALID, store.MsgInviteExpired)
		}
		if refusal != nil {
			_, err := tx.exec(ctx, `INSERT INTO invite_failures (user_id, at) VALUES ($1, $2)`, userID, at)
			return err
		}
		if err := tx.mustAffect(ctx, `
			UPDATE invites SET used_by = $1, used_at = $2 WHERE id = $3 AND used_by IS NULL`,
			userID, at, found.ID); err != nil {
			return err
		}
		if _, err := tx.exec(ctx, `
			UPDATE users SET
				role = $1, envoy_level = $2, envoy_kind = $3,
				real_name = CASE real_name WHEN '' THEN $4 ELSE real_name END,
				updated_at = $5
			WHERE id = $6`,
			string(found.Role), found.EnvoyLevel, found.EnvoyKind, found.Name, at, userID); err != nil {
			return err
		}
		if inv, err = findInvite(ctx, tx, found.Code, false); err != nil {
			return err
		}
		u, err = findUserWhere(ctx, tx, "u.id = $1", userID)
		return err
	})
	if err == nil {
		err = refusal
	}
	if err != nil {
		return nil, nil, db.wrapError("redeem invite", err)
	}
	return u, inv, nil
}

// findInvite reads the invite stored under code (already normalised),
// locking it until the transaction ends when lock is set (PostgreSQL only;
// SQLite's writer is alone anyway).
func findInvite(ctx context.Context, q conn, code string, lock bool) (*store.Invite, error) {
	query := `SELECT ` + inviteColumns + ` FROM invites WHERE code = $1`
	if lock {
		query += q.d.forUpdate
	}
	var (
		inv  store.Invite
		role string
	)
	err := q.row(ctx, query, code).Scan(
		&inv.ID, &inv.Code, &role, &inv.Name, &inv.EnvoyLevel, &inv.EnvoyKind,
		timeColumn{&inv.ExpiresAt}, &inv.UsedBy, timeColumn{&inv.UsedAt}, timeColumn{&inv.CreatedAt})
	if err != nil {
		return nil, err
	}
	inv.Role = store.Role(role)
	return &inv, nil
}

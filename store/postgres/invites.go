package postgres

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"envoybot/store"
)

// inviteColumns selects an invite; FROM invites must follow.
const inviteColumns = `id, code, role, name, envoy_level, envoy_kind, expires_at,
	COALESCE(used_by, 0), used_at, created_at`

// CreateInvite stores a new invite under its code in upper case, so that
// codes differing only in case are one code (ECONFLICT).
func (db *DB) CreateInvite(ctx context.Context, inv store.NewInvite, at time.Time) (*store.Invite, error) {
	inv, err := normaliseInvite(inv)
	if err != nil {
		return nil, wrapError("create invite", err)
	}
	var created *store.Invite
	err = db.inTx(ctx, func(tx pgx.Tx) error {
		var createdBy *int64
		if inv.CreatedByOpenID != "" {
			id, err := findUserID(ctx, tx, inv.CreatedByOpenID)
			if err != nil {
				return err
			}
			createdBy = &id
		}
		if _, err := tx.Exec(ctx, `
			INSERT INTO invites (code, role, name, envoy_level, envoy_kind, expires_at, created_by, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
			inv.Code, string(inv.Role), inv.Name, inv.EnvoyLevel, inv.EnvoyKind,
			timeValue(inv.ExpiresAt), createdBy, timeValue(at)); err != nil {
			return err
		}
		var err error
		created, err = findInvite(ctx, tx, inv.Code, false)
		return err
	})
	if err != nil {
		return nil, wrapError("create invite", err)
	}
	return created, nil
}

// RedeemInvite binds the user with the invite. The user row is locked
// first, so one user's attempts are counted one after another, and the
// invite row next, so of users racing for one code exactly one gets it. A
// refused attempt is recorded and committed before the refusal is
// returned, so that guessing is rate-limited.
func (db *DB) RedeemInvite(ctx context.Context, openID, code string, at time.Time, maxFailures int, window time.Duration) (*store.User, *store.Invite, error) {
	var (
		u       *store.User
		inv     *store.Invite
		refusal error
	)
	err := db.inTx(ctx, func(tx pgx.Tx) error {
		userID, err := ensureUserID(ctx, tx, openID, at)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `SELECT 1 FROM users WHERE id = $1 FOR UPDATE`, userID); err != nil {
			return err
		}
		if maxFailures > 0 {
			var failures int
			if err := tx.QueryRow(ctx, `
				SELECT COUNT(*) FROM invite_failures
				WHERE user_id = $1 AND at > $2 AND at <= $3`,
				userID, timeValue(at.Add(-window)), timeValue(at)).Scan(&failures); err != nil {
				return err
			}
			if failures >= maxFailures {
				refusal = store.Errorf(store.EFORBIDDEN, store.MsgTooManyAttempts)
				return nil
			}
		}
		found, err := findInvite(ctx, tx, normaliseCode(code), true)
		switch {
		case errors.Is(err, pgx.ErrNoRows):
			refusal = store.Errorf(store.ENOTFOUND, store.MsgInviteUnknown)
		case err != nil:
			return err
		case found.UsedBy != 0:
			refusal = store.Errorf(store.EINVALID, store.MsgInviteUsed)
		case !at.Before(found.ExpiresAt):
			refusal = store.Errorf(store.EINVALID, store.MsgInviteExpired)
		}
		if refusal != nil {
			_, err := tx.Exec(ctx, `INSERT INTO invite_failures (user_id, at) VALUES ($1, $2)`,
				userID, timeValue(at))
			return err
		}
		if err := mustAffect(tx.Exec(ctx, `
			UPDATE invites SET used_by = $1, used_at = $2 WHERE id = $3 AND used_by IS NULL`,
			userID, timeValue(at), found.ID)); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `
			UPDATE users SET
				role = $1, envoy_level = $2, envoy_kind = $3,
				real_name = CASE real_name WHEN '' THEN $4 ELSE real_name END,
				updated_at = $5
			WHERE id = $6`,
			string(found.Role), found.EnvoyLevel, found.EnvoyKind, found.Name, timeValue(at), userID); err != nil {
			return err
		}
		if inv, err = findInvite(ctx, tx, found.Code, false); err != nil {
			return err
		}
		u, err = findUserByOpenID(ctx, tx, openID)
		return err
	})
	if err == nil {
		err = refusal
	}
	if err != nil {
		return nil, nil, wrapError("redeem invite", err)
	}
	return u, inv, nil
}

// findInvite reads the invite stored under code (already normalised),
// locking it when forUpdate.
func findInvite(ctx context.Context, q queryer, code string, forUpdate bool) (*store.Invite, error) {
	var (
		inv  store.Invite
		role string
	)
	query := `SELECT ` + inviteColumns + ` FROM invites WHERE code = $1`
	if forUpdate {
		query += ` FOR UPDATE`
	}
	err := q.QueryRow(ctx, query, code).Scan(
		&inv.ID, &inv.Code, &role, &inv.Name, &inv.EnvoyLevel, &inv.EnvoyKind,
		timeColumn{&inv.ExpiresAt}, &inv.UsedBy, timeColumn{&inv.UsedAt}, timeColumn{&inv.CreatedAt})
	if err != nil {
		return nil, err
	}
	inv.Role = store.Role(role)
	return &inv, nil
}

// normaliseInvite trims the fields, upper-cases the code and checks what
// the schema would otherwise reject with a driver error.
func normaliseInvite(inv store.NewInvite) (store.NewInvite, error) {
	inv.Code = normaliseCode(inv.Code)
	inv.Name = strings.TrimSpace(inv.Name)
	inv.CreatedByOpenID = strings.TrimSpace(inv.CreatedByOpenID)
	switch {
	case inv.Code == "":
		return inv, store.Errorf(store.EINVALID, "invite code is required")
	case inv.Role != store.RoleEnvoy && inv.Role != store.RoleAdmin:
		return inv, store.Errorf(store.EINVALID, "invite role must be envoy or admin, not %q", inv.Role)
	case inv.EnvoyLevel != "" && inv.EnvoyLevel != "省" && inv.EnvoyLevel != "市":
		return inv, store.Errorf(store.EINVALID, "envoy level must be 省 or 市, not %q", inv.EnvoyLevel)
	case inv.EnvoyKind != "" && inv.EnvoyKind != "和谐使者" && inv.EnvoyKind != "敬老使者":
		return inv, store.Errorf(store.EINVALID, "envoy kind must be 和谐使者 or 敬老使者, not %q", inv.EnvoyKind)
	case inv.ExpiresAt.IsZero():
		return inv, store.Errorf(store.EINVALID, "invite needs an expiry time")
	}
	return inv, nil
}

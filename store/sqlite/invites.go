package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"

	"envoybot/store"
)

// inviteColumns selects an invite; FROM invites must follow.
const inviteColumns = `id, code, role, name, envoy_level, envoy_kind, expires_at,
	COALESCE(used_by, 0), used_at, created_at`

// CreateInvite stores a new invite under its code in upper case, so that
// codes differing only in case are one code (ECONFLICT).
func (db *DB) CreateInvite(ctx context.Context, inv store.NewInvite, at time.Time) (*store.Invite, error) {
	var created *store.Invite
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		inv, err := normaliseInvite(inv)
		if err != nil {
			return err
		}
		var createdBy any
		if inv.CreatedByOpenID != "" {
			id, err := findUserID(ctx, tx, inv.CreatedByOpenID)
			if err != nil {
				return err
			}
			createdBy = id
		}
		if _, err := tx.ExecContext(ctx, `
			INSERT INTO invites (code, role, name, envoy_level, envoy_kind, expires_at, created_by, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
			inv.Code, string(inv.Role), inv.Name, inv.EnvoyLevel, inv.EnvoyKind,
			timeValue(inv.ExpiresAt), createdBy, timeValue(at)); err != nil {
			return err
		}
		created, err = findInvite(ctx, tx, inv.Code)
		return err
	})
	if err != nil {
		return nil, wrapError("create invite", err)
	}
	return created, nil
}

// RedeemInvite binds the user with the invite. A refused attempt is
// recorded and committed before the refusal is returned, so that guessing
// is rate-limited even though nothing else changes. The single write
// connection serialises attempts, so a code is used up exactly once and a
// user's failures are counted exactly.
func (db *DB) RedeemInvite(ctx context.Context, openID, code string, at time.Time, maxFailures int, window time.Duration) (*store.User, *store.Invite, error) {
	var (
		u       *store.User
		inv     *store.Invite
		refusal error
	)
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		userID, err := ensureUserID(ctx, tx, openID, at)
		if err != nil {
			return err
		}
		if maxFailures > 0 {
			var failures int
			if err := tx.QueryRowContext(ctx, `
				SELECT COUNT(*) FROM invite_failures
				WHERE user_id = ? AND at > ? AND at <= ?`,
				userID, timeValue(at.Add(-window)), timeValue(at)).Scan(&failures); err != nil {
				return err
			}
			if failures >= maxFailures {
				refusal = store.Errorf(store.EFORBIDDEN, store.MsgTooManyAttempts)
				return nil
			}
		}
		found, err := findInvite(ctx, tx, normaliseCode(code))
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
			_, err := tx.ExecContext(ctx, `INSERT INTO invite_failures (user_id, at) VALUES (?, ?)`,
				userID, timeValue(at))
			return err
		}
		if _, err := tx.ExecContext(ctx, `
			UPDATE invites SET used_by = ?, used_at = ? WHERE id = ? AND used_by IS NULL`,
			userID, timeValue(at), found.ID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `
			UPDATE users SET
				role = ?, envoy_level = ?, envoy_kind = ?,
				real_name = CASE real_name WHEN '' THEN ? ELSE real_name END,
				updated_at = ?
			WHERE id = ?`,
			string(found.Role), found.EnvoyLevel, found.EnvoyKind, found.Name, timeValue(at), userID); err != nil {
			return err
		}
		if inv, err = findInvite(ctx, tx, found.Code); err != nil {
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

// findInvite reads the invite stored under code (already normalised).
func findInvite(ctx context.Context, q queryer, code string) (*store.Invite, error) {
	var (
		inv  store.Invite
		role string
	)
	err := q.QueryRowContext(ctx, `SELECT `+inviteColumns+` FROM invites WHERE code = ?`, code).Scan(
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

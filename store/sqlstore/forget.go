package sqlstore

import (
	"context"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"envoybot/store"
)

// Where the schema keeps a person's name, mobile or position, and what
// 注销 (ForgetUser) does with each:
//
//	users.real_name, mobile                 blanked
//	users.last_lat, last_lng, last_location_at  cleared
//	users.role, envoy_level, envoy_kind     an envoy or admin becomes a resident
//	attendances.check_in/out_lat, _lng      cleared (far_away, times and hours stay)
//	invites.name (the invite the user used) blanked
//	processed_messages.reply                blanked: the user's own, and any
//	                                        naming the user (an envoy's roster)
//	unrecognised_messages.text              rows naming the user deleted
//	outbox.payload                          to the user: blanked, and pending
//	                                        ones dropped; naming the user: the
//	                                        name and mobile replaced by 某某
//	activities.cancel_reason, teams.name,   the name and mobile replaced by 某某
//	brands.name, brands.description         (typed by envoys; rarely a person)
//	lecture_subscriptions                   made inactive
//	message_inbox                           the user's messages deleted
//	users.id_type, id_sealed, id_masked,    blanked: the real-name profile
//	gender, birth_year, id_consent_at,      (issue 14) and the consent to it
//	real_name_at
//	certificates (the user's)               revoked (注销), holder name, ID,
//	                                        volunteer number and link blanked;
//	                                        number, hours and issuer stay, so
//	                                        /verify says it was revoked
//	volunteer_records.detail,               the name and mobile replaced by 某某
//	makeup_requests.reason, note,
//	certificates.revoke_reason
//
//	hours_audit.reason                      the name and mobile replaced by 某某
//	                                        (the table is otherwise append-only:
//	                                        see migration 00008)
//
// Kept: every service record (sign-ups, attendance, hours, team membership,
// contact points, activities) under the anonymous user id, for the
// campaign's statistics.

// forgetPlaceholder replaces a forgotten name or mobile in text that
// otherwise stays (a notice to an envoy, a cancellation reason).
const forgetPlaceholder = "某某"

// redactedColumns are free-text columns, typed by staff, where a name or
// mobile is replaced rather than the row removed.
var redactedColumns = []struct{ table, column string }{
	{"activities", "cancel_reason"},
	{"teams", "name"},
	{"brands", "name"},
	{"brands", "description"},
	{"volunteer_records", "detail"},
	{"makeup_requests", "reason"},
	{"makeup_requests", "note"},
	{"certificates", "revoke_reason"},
}

// ForgetRevokeReason is why 注销 revoked a certificate.
const ForgetRevokeReason = "持有人已注销个人信息"

// ForgetUser anonymises the user and removes, in the same transaction,
// every other copy of the name, mobile and position the database holds.
// A second call finds nothing more to remove and changes nothing but
// updated_at.
func (db *DB) ForgetUser(ctx context.Context, userID int64, at time.Time) (*store.Forgotten, error) {
	var f store.Forgotten
	err := db.inTx(ctx, func(tx conn) error {
		u, err := findUserWhere(ctx, tx, "u.id = $1", userID)
		if err != nil {
			return err
		}
		needles := forgetNeedles(u.Name, u.Phone)
		if err := forgetReplies(ctx, tx, u.OpenID, needles, &f); err != nil {
			return err
		}
		if err := anonymiseUserRow(ctx, tx, userID, at); err != nil {
			return err
		}
		steps := []struct {
			query string
			args  []any
		}{
			{`UPDATE attendances SET check_in_lat = NULL, check_in_lng = NULL,
				check_out_lat = NULL, check_out_lng = NULL
			WHERE user_id = $1 AND (check_in_lat IS NOT NULL OR check_out_lat IS NOT NULL)`, []any{userID}},
			{`UPDATE invites SET name = '' WHERE used_by = $1 AND name <> ''`, []any{userID}},
			{`UPDATE outbox SET status = 'undeliverable', last_error = 'anonymised', updated_at = $1
			WHERE recipient_openid = $2 AND status = 'pending'`, []any{at, u.OpenID}},
			{`UPDATE outbox SET payload = '{}' WHERE recipient_openid = $1`, []any{u.OpenID}},
			{`DELETE FROM message_inbox WHERE openid = $1`, []any{u.OpenID}},
			{`UPDATE certificates SET revoked_at = COALESCE(revoked_at, $1),
				revoke_reason = CASE WHEN revoked_at IS NULL THEN $2 ELSE revoke_reason END,
				holder_name = '', id_type = '', id_masked = '', volunteer_number = '', download_hash = ''
			WHERE user_id = $3`, []any{at, ForgetRevokeReason, userID}},
		}
		for _, s := range steps {
			if _, err := tx.exec(ctx, s.query, s.args...); err != nil {
				return err
			}
		}
		if err := redactHoursAudit(ctx, tx, needles); err != nil {
			return err
		}
		for _, n := range needles {
			if _, err := tx.exec(ctx, `DELETE FROM unrecognised_messages WHERE `+tx.d.contains("text", "$1"), n); err != nil {
				return err
			}
			if _, err := tx.exec(ctx, `UPDATE outbox SET payload = `+tx.d.replaceJSON("payload", "$1", "$2")+`
				WHERE `+tx.d.contains(tx.d.jsonText("payload"), "$1"), n, forgetPlaceholder); err != nil {
				return err
			}
			for _, c := range redactedColumns {
				if _, err := tx.exec(ctx, fmt.Sprintf(`UPDATE %s SET %s = REPLACE(%s, $1, $2) WHERE %s`,
					c.table, c.column, c.column, tx.d.contains(c.column, "$1")), n, forgetPlaceholder); err != nil {
					return err
				}
			}
		}
		f.User, err = findUserWhere(ctx, tx, "u.id = $1", userID)
		return err
	})
	if err != nil {
		return nil, db.wrapError("forget user", err)
	}
	return &f, nil
}

// anonymiseUserRow blanks the profile, clears the position, drops any
// envoy or admin role and stops notices; the first anonymisation time is
// kept.
func anonymiseUserRow(ctx context.Context, tx conn, userID int64, at time.Time) error {
	if err := tx.mustAffect(ctx, `
		UPDATE users SET real_name = '', mobile = '', following = FALSE, leaderboard_public = FALSE,
			id_type = '', id_sealed = '', id_masked = '', gender = '', birth_year = NULL,
			id_consent_at = NULL, real_name_at = NULL,
			last_lat = NULL, last_lng = NULL, last_location_at = NULL,
			role = CASE WHEN role IN ('envoy', 'admin') THEN 'resident' ELSE role END,
			envoy_level = '', envoy_kind = '',
			anonymised_at = COALESCE(anonymised_at, $1), updated_at = $1
		WHERE id = $2`, at, userID); err != nil {
		return err
	}
	_, err := tx.exec(ctx, `
		UPDATE lecture_subscriptions SET active = FALSE, updated_at = $1
		WHERE user_id = $2 AND active`, at, userID)
	return err
}

// forgetReplies blanks the stored replies to the user's messages and those
// naming the user, noting their keys and other senders in f.
func forgetReplies(ctx context.Context, tx conn, openID string, needles []string, f *store.Forgotten) error {
	conds := []string{"openid = $1"}
	args := []any{openID}
	for _, n := range needles {
		args = append(args, n)
		conds = append(conds, tx.d.contains("reply", fmt.Sprintf("$%d", len(args))))
	}
	where := `reply <> '' AND (` + strings.Join(conds, " OR ") + `)`
	rows, err := tx.query(ctx, `SELECT dedup_key, openid FROM processed_messages WHERE `+where+` ORDER BY dedup_key`, args...)
	if err != nil {
		return err
	}
	others := map[string]bool{}
	for rows.Next() {
		var key, sender string
		if err := rows.Scan(&key, &sender); err != nil {
			rows.Close()
			return err
		}
		f.DedupKeys = append(f.DedupKeys, key)
		if sender != openID && !others[sender] {
			others[sender] = true
			f.ReplyOpenIDs = append(f.ReplyOpenIDs, sender)
		}
	}
	if err := rows.Close(); err != nil {
		return err
	}
	if err := rows.Err(); err != nil {
		return err
	}
	_, err = tx.exec(ctx, `UPDATE processed_messages SET reply = '' WHERE `+where, args...)
	return err
}

// forgetNeedles are the forms in which the person may appear in stored
// text: the name (two characters or more: a single one would match too
// much), the mobile and the mobile as masked in rosters and logs.
func forgetNeedles(name, phone string) []string {
	var out []string
	if name = strings.TrimSpace(name); utf8.RuneCountInString(name) >= 2 {
		out = append(out, name)
	}
	if phone = strings.TrimSpace(phone); phone != "" {
		out = append(out, phone)
		if masked := store.MaskPhone(phone); masked != phone {
			out = append(out, masked)
		}
	}
	return out
}

// redactHoursAudit replaces the needles in the reasons of the hours audit,
// which its triggers allow only while hours_audit_redaction has its row
// and only for the reason (migration 00008).
func redactHoursAudit(ctx context.Context, tx conn, needles []string) error {
	if len(needles) == 0 {
		return nil
	}
	if _, err := tx.exec(ctx, `INSERT INTO hours_audit_redaction (id) VALUES (1)`); err != nil {
		return err
	}
	for _, n := range needles {
		if _, err := tx.exec(ctx, `UPDATE hours_audit SET reason = REPLACE(reason, $1, $2) WHERE `+
			tx.d.contains("reason", "$1"), n, forgetPlaceholder); err != nil {
			return err
		}
	}
	_, err := tx.exec(ctx, `DELETE FROM hours_audit_redaction`)
	return err
}

package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"

	"envoybot/store"
)

// ConfirmSignup sets the seated sign-up's confirmed_at once.
func (db *DB) ConfirmSignup(ctx context.Context, code string, userID int64, at time.Time) (bool, error) {
	var first bool
	err := db.inTx(ctx, func(tx conn) error {
		var confirmed sql.NullString
		err := tx.row(ctx, `
			SELECT CAST(s.confirmed_at AS TEXT) FROM signups s JOIN activities a ON a.id = s.activity_id
			WHERE a.code = $1 AND s.user_id = $2 AND s.status = 'seated'`, code, userID).Scan(&confirmed)
		if errors.Is(err, sql.ErrNoRows) {
			return store.Errorf(store.ENOTFOUND, "no seat on %s for user %d", code, userID)
		}
		if err != nil || confirmed.Valid {
			return err
		}
		first = true
		return tx.mustAffect(ctx, `
			UPDATE signups SET confirmed_at = $1, updated_at = $1
			WHERE user_id = $2 AND status = 'seated' AND confirmed_at IS NULL
				AND activity_id = (SELECT id FROM activities WHERE code = $3)`, at, userID, code)
	})
	if err != nil {
		return false, db.wrapError("confirm signup", err)
	}
	return first, nil
}

// CountConfirmedSignups counts seated and confirmed sign-ups of code.
func (db *DB) CountConfirmedSignups(ctx context.Context, code string) (int, int, error) {
	var confirmed, seated int
	err := db.reader().row(ctx, `
		SELECT COUNT(s.confirmed_at), COUNT(*) FROM signups s JOIN activities a ON a.id = s.activity_id
		WHERE a.code = $1 AND s.status = 'seated'`, code).Scan(&confirmed, &seated)
	if err != nil {
		return 0, 0, db.wrapError("count confirmed signups", err)
	}
	return confirmed, seated, nil
}

// ListCommunityVolunteers reads the community's registered, following,
// not anonymised volunteers and envoys.
func (db *DB) ListCommunityVolunteers(ctx context.Context, community string) ([]*store.User, error) {
	return readAll(ctx, db, "list community volunteers", scanUser, `
		SELECT `+userColumns+`
		FROM users u JOIN communities c ON c.id = u.community_id
		WHERE c.name = $1 AND u.role IN ('volunteer', 'envoy') AND u.mobile <> '' AND u.real_name <> ''
			AND u.following = TRUE AND u.anonymised_at IS NULL
		ORDER BY u.id`, strings.TrimSpace(community))
}

// ListFreeVolunteers reads the volunteers of the activity's community free
// at its time.
func (db *DB) ListFreeVolunteers(ctx context.Context, code string) ([]*store.User, error) {
	return readAll(ctx, db, "list free volunteers", scanUser, `
		SELECT `+userColumns+`
		FROM activities a
		JOIN users u ON u.community_id = a.community_id
		JOIN communities c ON c.id = u.community_id
		WHERE a.code = $1 AND u.role IN ('volunteer', 'envoy') AND u.mobile <> '' AND u.real_name <> ''
			AND u.following = TRUE AND u.anonymised_at IS NULL
			AND NOT EXISTS (
				SELECT 1 FROM signups s JOIN activities b ON b.id = s.activity_id
				WHERE s.user_id = u.id AND (
					(b.id = a.id AND s.status IN ('seated', 'waitlisted'))
					OR (b.id <> a.id AND s.status = 'seated' AND b.status <> 'cancelled'
						AND b.starts_at < a.ends_at AND b.ends_at > a.starts_at)))
		ORDER BY u.id`, code)
}

// ListTeamMembers reads the team's following, not anonymised members.
func (db *DB) ListTeamMembers(ctx context.Context, team string) ([]*store.User, error) {
	return readAll(ctx, db, "list team members", scanUser, `
		SELECT `+userColumns+`
		FROM teams t
		JOIN team_members m ON m.team_id = t.id
		JOIN users u ON u.id = m.user_id
		LEFT JOIN communities c ON c.id = u.community_id
		WHERE t.code = $1 AND u.following = TRUE AND u.anonymised_at IS NULL
		ORDER BY u.id`, strings.ToUpper(strings.TrimSpace(team)))
}

// ListLineVolunteers reads the community's volunteers ever seated on an
// activity of the line.
func (db *DB) ListLineVolunteers(ctx context.Context, community, line string) ([]*store.User, error) {
	return readAll(ctx, db, "list line volunteers", scanUser, `
		SELECT `+userColumns+`
		FROM users u JOIN communities c ON c.id = u.community_id
		WHERE c.name = $1 AND u.role IN ('volunteer', 'envoy') AND u.mobile <> ''
			AND u.following = TRUE AND u.anonymised_at IS NULL
			AND EXISTS (
				SELECT 1 FROM signups s JOIN activities a ON a.id = s.activity_id
				WHERE s.user_id = u.id AND s.status = 'seated' AND a.category = $2)
		ORDER BY u.id`, strings.TrimSpace(community), strings.TrimSpace(line))
}

package sqlstore

import (
	"context"
	"time"

	"envoybot/store"
)

// standingColumns selects a user's standing; FROM users u LEFT JOIN
// communities c must follow. Minutes are the confirmed minutes of
// activities and of help requests served.
const standingColumns = `u.id, u.openid, u.real_name, COALESCE(c.name, ''), u.leaderboard_public,
	COALESCE((SELECT SUM(t.confirmed_minutes) FROM attendances t WHERE t.user_id = u.id AND t.confirmed_minutes IS NOT NULL), 0)
	+ COALESCE((SELECT SUM(r.confirmed_minutes) FROM help_requests r WHERE r.taker_id = u.id AND r.confirmed_minutes IS NOT NULL), 0),
	(SELECT COUNT(*) FROM help_requests r WHERE r.taker_id = u.id AND r.rating = 5 AND r.confirmed_minutes IS NOT NULL)`

func scanStanding(row rowScanner) (store.VolunteerStanding, error) {
	var s store.VolunteerStanding
	err := row.Scan(&s.UserID, &s.OpenID, &s.Name, &s.Community, &s.Public, &s.Minutes, &s.Rated5)
	return s, err
}

// VolunteerStanding implements store.PointsService.
func (db *DB) VolunteerStanding(ctx context.Context, userID int64) (*store.VolunteerStanding, error) {
	return read(db, "volunteer standing", func(q conn) (*store.VolunteerStanding, error) {
		s, err := scanStanding(q.row(ctx, `SELECT `+standingColumns+`
			FROM users u LEFT JOIN communities c ON c.id = u.community_id WHERE u.id = $1`, userID))
		return &s, err
	})
}

// CommunityStandings implements store.PointsService.
func (db *DB) CommunityStandings(ctx context.Context, community string) ([]store.VolunteerStanding, error) {
	q := filter{conds: []string{"u.anonymised_at IS NULL", "u.role IN ('volunteer', 'envoy')", "c.name IS NOT NULL"}}
	q.equal("c.name", community)
	all, err := readAll(ctx, db, "community standings", scanStanding,
		`SELECT `+standingColumns+` FROM users u LEFT JOIN communities c ON c.id = u.community_id`+q.clause()+` ORDER BY u.id`, q.args...)
	if err != nil {
		return nil, err
	}
	out := all[:0]
	for _, s := range all {
		if s.Minutes > 0 {
			out = append(out, s)
		}
	}
	return out, nil
}

// SetLeaderboardPublic implements store.PointsService.
func (db *DB) SetLeaderboardPublic(ctx context.Context, userID int64, public bool, at time.Time) error {
	_, err := write(ctx, db, "set leaderboard public", func(tx conn) (bool, error) {
		return true, tx.mustAffect(ctx, `UPDATE users SET leaderboard_public = $1, updated_at = $2 WHERE id = $3`, public, at, userID)
	})
	return err
}

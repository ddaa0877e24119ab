package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"envoybot/store"
)

// prefixRequest is the short-code prefix of help requests (R12, issue 15).
const prefixRequest = "R"

// requestColumns selects a help request with its community and people;
// requestFrom must follow.
const requestColumns = `r.id, r.code, r.need, c.name, r.wished, r.wished_at,
	COALESCE(r.resident_id, 0), COALESCE(ru.openid, ''), COALESCE(NULLIF(r.resident_name, ''), ru.real_name, ''), r.resident_contact,
	r.filed_by, f.openid, f.real_name, r.category, r.service_type, r.status,
	COALESCE(r.taker_id, 0), COALESCE(t.openid, ''), COALESCE(t.real_name, ''), COALESCE(t.mobile, ''),
	COALESCE(r.assigned_by, 0), r.taken_at, r.check_in_at, r.check_out_at,
	COALESCE(r.computed_minutes, -1), COALESCE(r.confirmed_minutes, -1), COALESCE(r.confirmed_by, 0), r.confirmed_at,
	r.escalation, COALESCE(r.rating, 0), r.rating_comment, COALESCE(r.rated_by, 0), r.rated_at, r.created_at`

const requestFrom = ` FROM help_requests r
	JOIN communities c ON c.id = r.community_id
	JOIN users f ON f.id = r.filed_by
	LEFT JOIN users ru ON ru.id = r.resident_id
	LEFT JOIN users t ON t.id = r.taker_id`

func scanRequest(row rowScanner) (*store.HelpRequest, error) {
	var r store.HelpRequest
	err := row.Scan(&r.ID, &r.Code, &r.Need, &r.Community, &r.Wished, timeColumn{&r.WishedAt},
		&r.ResidentID, &r.ResidentOpenID, &r.ResidentName, &r.ResidentContact,
		&r.FiledBy, &r.FiledByOpenID, &r.FiledByName, &r.Category, &r.ServiceType, &r.Status,
		&r.TakerID, &r.TakerOpenID, &r.TakerName, &r.TakerPhone,
		&r.AssignedBy, timeColumn{&r.TakenAt}, timeColumn{&r.CheckInAt}, timeColumn{&r.CheckOutAt},
		&r.ComputedMinutes, &r.ConfirmedMinutes, &r.ConfirmedBy, timeColumn{&r.ConfirmedAt},
		&r.Escalation, &r.Rating, &r.RatingComment, &r.RatedBy, timeColumn{&r.RatedAt}, timeColumn{&r.CreatedAt})
	if err != nil {
		return nil, err
	}
	return &r, nil
}

func findRequest(ctx context.Context, q conn, code string, lock bool) (*store.HelpRequest, error) {
	query := `SELECT ` + requestColumns + requestFrom + ` WHERE r.code = $1`
	if lock && q.d.pg {
		query += ` FOR UPDATE OF r`
	}
	return scanRequest(q.row(ctx, query, store.NormaliseCode(code)))
}

// CreateHelpRequest implements store.HelpRequestService.
func (db *DB) CreateHelpRequest(ctx context.Context, n store.NewHelpRequest, at time.Time) (*store.HelpRequest, error) {
	if err := n.Validate(); err != nil {
		return nil, db.wrapError("create help request", err)
	}
	return write(ctx, db, "create help request", func(tx conn) (*store.HelpRequest, error) {
		communityID, err := knownCommunity(ctx, tx, n.Community)
		if err != nil {
			return nil, err
		}
		if err := requireUser(ctx, tx, n.FiledBy); err != nil {
			return nil, err
		}
		var resident any
		if n.ResidentID != 0 {
			if err := requireUser(ctx, tx, n.ResidentID); err != nil {
				return nil, err
			}
			resident = n.ResidentID
		}
		code, err := nextCode(ctx, tx, prefixRequest)
		if err != nil {
			return nil, err
		}
		if _, err := tx.exec(ctx, `
			INSERT INTO help_requests (code, need, community_id, wished, wished_at, resident_id, resident_name,
				resident_contact, filed_by, category, service_type, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12)`,
			code, n.Need, communityID, n.Wished, n.WishedAt, resident, n.ResidentName,
			n.ResidentContact, n.FiledBy, n.Category, n.ServiceType, at); err != nil {
			return nil, err
		}
		return findRequest(ctx, tx, code, false)
	})
}

// FindHelpRequest implements store.HelpRequestService.
func (db *DB) FindHelpRequest(ctx context.Context, code string) (*store.HelpRequest, error) {
	return read(db, "find help request", func(q conn) (*store.HelpRequest, error) { return findRequest(ctx, q, code, false) })
}

// TakeHelpRequest implements store.HelpRequestService: the request row is
// locked, so that of two volunteers taking at once one gets it and the
// other ECONFLICT.
func (db *DB) TakeHelpRequest(ctx context.Context, code string, volunteerID, assignedBy int64, at time.Time) (*store.HelpRequest, bool, error) {
	return writeFlagged(ctx, db, "take help request", func(tx conn, taken *bool) (*store.HelpRequest, error) {
		r, err := findRequest(ctx, tx, code, true)
		if err != nil {
			return nil, err
		}
		if err := requireUser(ctx, tx, volunteerID); err != nil {
			return nil, err
		}
		switch {
		case r.Status == store.RequestTaken && r.TakerID == volunteerID:
			return r, nil
		case r.Status == store.RequestTaken:
			return r, store.Errorf(store.ECONFLICT, store.MsgRequestTaken)
		case r.Status != store.RequestOpen:
			return r, store.Errorf(store.EINVALID, store.MsgRequestNotOpen)
		}
		var by any
		if assignedBy != 0 {
			by = assignedBy
		}
		res, err := tx.exec(ctx, `
			UPDATE help_requests SET status = 'taken', taker_id = $1, assigned_by = $2, taken_at = $3, updated_at = $3
			WHERE id = $4 AND status = 'open'`, volunteerID, by, at, r.ID)
		if n, err := affected(res, err); err != nil {
			return nil, err
		} else if n == 0 {
			return nil, store.Errorf(store.ECONFLICT, store.MsgRequestTaken)
		}
		*taken = true
		return findRequest(ctx, tx, r.Code, false)
	})
}

// CheckInHelpRequest implements store.HelpRequestService. A second
// check-in changes nothing and is ECONFLICT MsgRequestCheckedIn.
func (db *DB) CheckInHelpRequest(ctx context.Context, code string, volunteerID int64, at time.Time) (*store.HelpRequest, error) {
	return write(ctx, db, "check in help request", func(tx conn) (*store.HelpRequest, error) {
		r, err := takerRequest(ctx, tx, code, volunteerID)
		if err != nil {
			return nil, err
		}
		if !r.CheckInAt.IsZero() {
			return r, store.Errorf(store.ECONFLICT, store.MsgRequestCheckedIn)
		}
		if _, err := tx.exec(ctx, `UPDATE help_requests SET check_in_at = $1, updated_at = $1 WHERE id = $2`, at, r.ID); err != nil {
			return nil, err
		}
		return findRequest(ctx, tx, r.Code, false)
	})
}

// CheckOutHelpRequest implements store.HelpRequestService.
func (db *DB) CheckOutHelpRequest(ctx context.Context, code string, volunteerID int64, minutes int, at time.Time) (*store.HelpRequest, error) {
	return write(ctx, db, "check out help request", func(tx conn) (*store.HelpRequest, error) {
		r, err := takerRequest(ctx, tx, code, volunteerID)
		if err != nil {
			return nil, err
		}
		switch {
		case r.CheckInAt.IsZero():
			return r, store.Errorf(store.EINVALID, store.MsgRequestNotIn)
		case !r.CheckOutAt.IsZero():
			return r, store.Errorf(store.ECONFLICT, store.MsgRequestCheckedOut)
		}
		if _, err := tx.exec(ctx, `
			UPDATE help_requests SET check_out_at = $1, computed_minutes = $2, status = 'done', updated_at = $1
			WHERE id = $3`, at, max(minutes, 0), r.ID); err != nil {
			return nil, err
		}
		return findRequest(ctx, tx, r.Code, false)
	})
}

// takerRequest reads the request, locked, for its volunteer: another user
// is EINVALID MsgRequestNotTaker, a request nobody took MsgRequestNotOpen.
func takerRequest(ctx context.Context, tx conn, code string, volunteerID int64) (*store.HelpRequest, error) {
	r, err := findRequest(ctx, tx, code, true)
	if err != nil {
		return nil, err
	}
	switch {
	case r.Status == store.RequestOpen || r.Status == store.RequestCancelled:
		return r, store.Errorf(store.EINVALID, store.MsgRequestNotOpen)
	case r.TakerID != volunteerID:
		return r, store.Errorf(store.EINVALID, store.MsgRequestNotTaker)
	}
	return r, nil
}

// ConfirmHelpRequestHours implements store.HelpRequestService.
func (db *DB) ConfirmHelpRequestHours(ctx context.Context, code string, byID int64, minutes int, at time.Time) (*store.HelpRequest, error) {
	return write(ctx, db, "confirm help request hours", func(tx conn) (*store.HelpRequest, error) {
		r, err := findRequest(ctx, tx, code, true)
		if err != nil {
			return nil, err
		}
		switch {
		case r.Status != store.RequestDone:
			return r, store.Errorf(store.EINVALID, store.MsgRequestNotDone)
		case r.ConfirmedMinutes >= 0:
			return r, store.Errorf(store.ECONFLICT, store.MsgRequestConfirmed)
		}
		if err := requireUser(ctx, tx, byID); err != nil {
			return nil, err
		}
		if _, err := tx.exec(ctx, `
			UPDATE help_requests SET confirmed_minutes = $1, confirmed_by = $2, confirmed_at = $3, updated_at = $3
			WHERE id = $4`, max(minutes, 0), byID, at, r.ID); err != nil {
			return nil, err
		}
		return findRequest(ctx, tx, r.Code, false)
	})
}

// RateHelpRequest implements store.HelpRequestService.
func (db *DB) RateHelpRequest(ctx context.Context, code string, byID int64, rating int, comment string, at time.Time) (*store.HelpRequest, error) {
	if rating < 1 || rating > 5 {
		return nil, db.wrapError("rate help request", store.Errorf(store.EINVALID, "rating %d not in 1–5", rating))
	}
	if err := store.FieldComment.Check(comment); err != nil {
		return nil, db.wrapError("rate help request", err)
	}
	return write(ctx, db, "rate help request", func(tx conn) (*store.HelpRequest, error) {
		r, err := findRequest(ctx, tx, code, true)
		if err != nil {
			return nil, err
		}
		switch {
		case byID != r.FiledBy && byID != r.ResidentID:
			return r, store.Errorf(store.EFORBIDDEN, store.MsgRequestNotRater)
		case r.Rating > 0:
			return r, store.Errorf(store.ECONFLICT, store.MsgRequestRated)
		case r.Status != store.RequestDone:
			return r, store.Errorf(store.EINVALID, store.MsgRequestNotDone)
		}
		res, err := tx.exec(ctx, `
			UPDATE help_requests SET rating = $1, rating_comment = $2, rated_by = $3, rated_at = $4, updated_at = $4
			WHERE id = $5 AND rating IS NULL`, rating, comment, byID, at, r.ID)
		if n, err := affected(res, err); err != nil {
			return nil, err
		} else if n == 0 {
			return nil, store.Errorf(store.ECONFLICT, store.MsgRequestRated)
		}
		return findRequest(ctx, tx, r.Code, false)
	})
}

// CountOpenHelpRequests implements store.HelpRequestService.
func (db *DB) CountOpenHelpRequests(ctx context.Context, filedBy int64) (int, error) {
	return read(db, "count open help requests", func(q conn) (n int, err error) {
		return n, q.row(ctx, `SELECT COUNT(*) FROM help_requests WHERE filed_by = $1 AND status = 'open'`, filedBy).Scan(&n)
	})
}

// ListHelpRequestsToEscalate implements store.HelpRequestService.
func (db *DB) ListHelpRequestsToEscalate(ctx context.Context, level int, before time.Time) ([]*store.HelpRequest, error) {
	return readAll(ctx, db, "list help requests to escalate", scanRequest,
		`SELECT `+requestColumns+requestFrom+`
		WHERE r.status = 'open' AND r.escalation < $1 AND r.created_at <= $2
		ORDER BY r.created_at, r.id`, level, before)
}

// MarkHelpRequestEscalated implements store.HelpRequestService.
func (db *DB) MarkHelpRequestEscalated(ctx context.Context, id int64, level int, at time.Time) error {
	_, err := write(ctx, db, "mark help request escalated", func(tx conn) (int64, error) {
		res, err := tx.exec(ctx, `UPDATE help_requests SET escalation = $1, updated_at = $2 WHERE id = $3 AND escalation < $1`,
			level, at, id)
		return affected(res, err)
	})
	return err
}

// ListHelpRequests implements store.HelpRequestService.
func (db *DB) ListHelpRequests(ctx context.Context, f store.HelpRequestFilter) ([]*store.HelpRequest, error) {
	var q filter
	q.equal("c.name", f.Community)
	q.equal("r.status", f.Status)
	q.between("r.created_at", f.From, f.To)
	return readAll(ctx, db, "list help requests", scanRequest,
		`SELECT `+requestColumns+requestFrom+q.clause()+` ORDER BY r.created_at DESC, r.id DESC`+q.limit(f.Limit), q.args...)
}

// CommunityResponders implements store.HelpRequestService.
func (db *DB) CommunityResponders(ctx context.Context, community string) ([]*store.User, []*store.User, error) {
	var envoys, members []*store.User
	err := db.snapshot(ctx, func(q conn) error {
		id, err := knownCommunity(ctx, q, community)
		if err != nil {
			return err
		}
		rows, err := q.query(ctx, `
			SELECT `+userColumns+`
			FROM users u LEFT JOIN communities c ON c.id = u.community_id
			WHERE u.anonymised_at IS NULL AND u.id IN (
				SELECT envoy_id FROM contact_points WHERE community_id = $1
				UNION SELECT envoy_id FROM teams WHERE community_id = $1)
			ORDER BY u.id`, id)
		if envoys, err = collect(rows, err, scanUser); err != nil {
			return err
		}
		rows, err = q.query(ctx, `
			SELECT `+userColumns+`
			FROM users u LEFT JOIN communities c ON c.id = u.community_id
			WHERE u.anonymised_at IS NULL AND u.id IN (
				SELECT m.user_id FROM team_members m JOIN teams t ON t.id = m.team_id WHERE t.community_id = $1)
				AND u.id NOT IN (
				SELECT envoy_id FROM contact_points WHERE community_id = $1
				UNION SELECT envoy_id FROM teams WHERE community_id = $1)
			ORDER BY u.id`, id)
		members, err = collect(rows, err, scanUser)
		return err
	})
	if err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			err = store.Errorf(store.ENOTFOUND, store.MsgUnknownCommunity)
		}
		return nil, nil, db.wrapError("community responders", err)
	}
	return envoys, members, nil
}

package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"envoybot/store"
)

// noticeColumns selects an outbox row with its recipient as users knows
// them (an unknown recipient is not following); noticeFrom must follow.
const noticeColumns = `o.id, o.dedup_key, o.kind, o.subject, o.recipient_openid, o.payload, o.status,
	o.attempts, o.next_attempt_at, o.channel, o.last_error, o.created_at, o.sent_at,
	COALESCE(u.following, 0), u.anonymised_at, u.last_interaction_at`

// noticeFrom joins what noticeColumns reads.
const noticeFrom = ` FROM outbox o LEFT JOIN users u ON u.openid = o.recipient_openid`

// EnqueueNotices writes the notices in one transaction through one
// prepared statement, skipping keys already present (in the outbox or
// earlier in ns). A notice is due at NotBefore when that is after at, else
// at once. A notice without a key, kind or recipient is EINVALID and
// nothing is written.
func (db *DB) EnqueueNotices(ctx context.Context, ns []store.NewNotice, at time.Time) (int, error) {
	payloads, err := noticePayloads(ns)
	if err != nil {
		return 0, wrapError("enqueue notices", err)
	}
	if len(ns) == 0 {
		return 0, nil
	}
	added := 0
	err = db.inTx(ctx, func(tx *sql.Tx) error {
		stmt, err := tx.PrepareContext(ctx, `
			INSERT INTO outbox (dedup_key, kind, subject, recipient_openid, payload,
				next_attempt_at, created_at, updated_at)
			VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7)
			ON CONFLICT (dedup_key) DO NOTHING`)
		if err != nil {
			return err
		}
		defer stmt.Close()
		now := timeValue(at)
		for i, n := range ns {
			res, err := stmt.ExecContext(ctx, n.Key, n.Kind, n.Subject, n.OpenID, payloads[i],
				timeValue(firstAttempt(n, at)), now)
			if err != nil {
				return err
			}
			k, err := res.RowsAffected()
			if err != nil {
				return err
			}
			added += int(k)
		}
		return nil
	})
	if err != nil {
		return 0, wrapError("enqueue notices", err)
	}
	return added, nil
}

// ClaimNotices leases up to limit due notices to replica, lowest id first,
// and counts the claim as an attempt: Attempts is the number of the attempt
// the dispatcher is about to make, so a notice whose dispatcher died
// mid-send counts too. The single write connection serialises claimers.
// The query walks outbox_claimable_idx in id order: left to itself, SQLite
// would gather every due row through the status index and sort them all,
// some 35 ms a batch with 100,000 due.
func (db *DB) ClaimNotices(ctx context.Context, replica string, at time.Time, limit int, lease time.Duration) ([]*store.Notice, error) {
	if err := checkClaim(replica, limit, lease); err != nil {
		return nil, wrapError("claim notices", err)
	}
	var notices []*store.Notice
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `
			UPDATE outbox SET status = 'sending', claimed_by = ?1, claimed_until = ?2,
				attempts = attempts + 1, updated_at = ?3
			WHERE id IN (
				SELECT id FROM outbox INDEXED BY outbox_claimable_idx
				WHERE status IN ('pending', 'sending')
					AND ((status = 'pending' AND next_attempt_at <= ?3)
						OR (status = 'sending' AND claimed_until < ?3))
				ORDER BY id LIMIT ?4)
			RETURNING id`,
			replica, timeValue(at.Add(lease)), timeValue(at), limit)
		if err != nil {
			return err
		}
		var ids []int64
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return err
			}
			ids = append(ids, id)
		}
		if err := rows.Close(); err != nil {
			return err
		}
		if err := rows.Err(); err != nil {
			return err
		}
		idList, err := json.Marshal(ids)
		if err != nil {
			return err
		}
		notices, err = queryNotices(ctx, tx, `
			SELECT `+noticeColumns+noticeFrom+`
			WHERE o.id IN (SELECT value FROM json_each(?))
			ORDER BY o.id`, string(idList))
		return err
	})
	if err != nil {
		return nil, wrapError("claim notices", err)
	}
	return notices, nil
}

// CompleteNotice records the attempt and its outcome when replica still
// holds the claim (status sending, claimed by it), even after its lease ran
// out as long as nobody took the notice over. A pending outcome without a
// next attempt time is due again at once. An unknown id is ENOTFOUND.
func (db *DB) CompleteNotice(ctx context.Context, id int64, replica string, o store.NoticeOutcome, at time.Time) error {
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		if err := checkOutcome(o); err != nil {
			return err
		}
		var next any
		if o.Status == store.NoticePending {
			next = timeValue(o.NextAttemptAt)
			if o.NextAttemptAt.IsZero() {
				next = timeValue(at)
			}
		}
		var sentAt any
		if o.Status == store.NoticeSent {
			sentAt = timeValue(at)
		}
		res, err := tx.ExecContext(ctx, `
			UPDATE outbox SET status = ?1, channel = ?2, last_error = ?3,
				sent_at = COALESCE(?4, sent_at), next_attempt_at = COALESCE(?5, next_attempt_at),
				claimed_by = '', claimed_until = NULL, updated_at = ?6
			WHERE id = ?7 AND status = 'sending' AND claimed_by = ?8`,
			o.Status, o.Channel, o.Error, sentAt, next, timeValue(at), id, replica)
		if err != nil {
			return err
		}
		n, err := res.RowsAffected()
		if err != nil {
			return err
		}
		if n == 0 {
			return leaseConflict(ctx, tx, id, replica)
		}
		_, err = tx.ExecContext(ctx, `
			INSERT INTO outbox_attempts (outbox_id, at, channel, ok, error, status)
			VALUES (?, ?, ?, ?, ?, ?)`,
			id, timeValue(at), o.Channel, o.Status == store.NoticeSent, o.Error, o.Status)
		return err
	})
	return wrapError("complete notice", err)
}

// leaseConflict explains why replica could not complete notice id:
// ENOTFOUND when there is no such notice, else ECONFLICT.
func leaseConflict(ctx context.Context, q queryer, id int64, replica string) error {
	var status, holder string
	if err := q.QueryRowContext(ctx, `SELECT status, claimed_by FROM outbox WHERE id = ?`, id).
		Scan(&status, &holder); err != nil {
		return err
	}
	return store.Errorf(store.ECONFLICT, "notice %d is %s, claimed by %q, not by %q", id, status, holder, replica)
}

// DropPendingNotices marks the pending notices of kind and subject
// undeliverable with reason; claimed ones are being sent already and are
// left to their dispatcher.
func (db *DB) DropPendingNotices(ctx context.Context, kind, subject, reason string, at time.Time) (int, error) {
	res, err := db.write.ExecContext(ctx, `
		UPDATE outbox SET status = 'undeliverable', last_error = ?1, updated_at = ?2
		WHERE kind = ?3 AND subject = ?4 AND status = 'pending'`,
		reason, timeValue(at), kind, subject)
	if err != nil {
		return 0, wrapError("drop pending notices", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, wrapError("drop pending notices", err)
	}
	return int(n), nil
}

// DropPendingNoticesTo marks the pending notices of kind to openID
// undeliverable with reason; claimed or finished ones are left alone.
func (db *DB) DropPendingNoticesTo(ctx context.Context, kind, openID, reason string, at time.Time) (int, error) {
	res, err := db.write.ExecContext(ctx, `
		UPDATE outbox SET status = 'undeliverable', last_error = ?1, updated_at = ?2
		WHERE kind = ?3 AND recipient_openid = ?4 AND status = 'pending'`,
		reason, timeValue(at), kind, openID)
	if err != nil {
		return 0, wrapError("drop pending notices to", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, wrapError("drop pending notices to", err)
	}
	return int(n), nil
}

// NoticeRecipients returns the distinct openids sent, or being sent, a
// notice of kind and subject, in byte order.
func (db *DB) NoticeRecipients(ctx context.Context, kind, subject string) ([]string, error) {
	rows, err := db.read.QueryContext(ctx, `
		SELECT DISTINCT recipient_openid FROM outbox
		WHERE kind = ? AND subject = ? AND status IN ('sent', 'sending')
		ORDER BY recipient_openid`, kind, subject)
	if err != nil {
		return nil, wrapError("notice recipients", err)
	}
	defer rows.Close()
	openIDs := []string{}
	for rows.Next() {
		var openID string
		if err := rows.Scan(&openID); err != nil {
			return nil, wrapError("notice recipients", err)
		}
		openIDs = append(openIDs, openID)
	}
	if err := rows.Err(); err != nil {
		return nil, wrapError("notice recipients", err)
	}
	return openIDs, nil
}

// NoticeCounts counts notices by status and undeliverable ones by reason;
// a status no notice has is absent.
func (db *DB) NoticeCounts(ctx context.Context) (map[string]int, error) {
	rows, err := db.read.QueryContext(ctx, `
		SELECT status, COUNT(*) FROM outbox GROUP BY status
		UNION ALL
		SELECT 'undeliverable:' || last_error, COUNT(*) FROM outbox
		WHERE status = 'undeliverable' GROUP BY last_error`)
	if err != nil {
		return nil, wrapError("notice counts", err)
	}
	defer rows.Close()
	counts := map[string]int{}
	for rows.Next() {
		var (
			key string
			n   int
		)
		if err := rows.Scan(&key, &n); err != nil {
			return nil, wrapError("notice counts", err)
		}
		counts[key] = n
	}
	if err := rows.Err(); err != nil {
		return nil, wrapError("notice counts", err)
	}
	return counts, nil
}

// ListNotices returns notices of kind (all when empty), the last enqueued
// first; a limit of 0 or less means no limit.
func (db *DB) ListNotices(ctx context.Context, kind string, limit int) ([]*store.Notice, error) {
	if limit <= 0 {
		limit = -1
	}
	notices, err := queryNotices(ctx, db.read, `
		SELECT `+noticeColumns+noticeFrom+`
		WHERE ?1 = '' OR o.kind = ?1
		ORDER BY o.id DESC
		LIMIT ?2`, kind, limit)
	if err != nil {
		return nil, wrapError("list notices", err)
	}
	return notices, nil
}

// queryNotices runs a query of noticeColumns and reads every row.
func queryNotices(ctx context.Context, q queryer, query string, args ...any) ([]*store.Notice, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	notices := []*store.Notice{}
	for rows.Next() {
		n, err := scanNotice(rows)
		if err != nil {
			return nil, err
		}
		notices = append(notices, n)
	}
	return notices, rows.Err()
}

// scanNotice reads the noticeColumns of one row.
func scanNotice(row rowScanner) (*store.Notice, error) {
	var (
		n            store.Notice
		payload      string
		anonymisedAt time.Time
	)
	err := row.Scan(&n.ID, &n.Key, &n.Kind, &n.Subject, &n.OpenID, &payload, &n.Status,
		&n.Attempts, timeColumn{&n.NextAttemptAt}, &n.Channel, &n.LastError,
		timeColumn{&n.CreatedAt}, timeColumn{&n.SentAt},
		&n.Following, timeColumn{&anonymisedAt}, timeColumn{&n.LastInteractionAt})
	if err != nil {
		return nil, err
	}
	n.Anonymised = !anonymisedAt.IsZero()
	return &n, decodePayload(&n, payload)
}

// noticePayload is how a notice's text and template fields are kept in
// outbox.payload.
type noticePayload struct {
	Text   string            `json:"text"`
	Fields map[string]string `json:"fields,omitempty"`
}

// noticePayloads checks the notices and encodes their payloads.
func noticePayloads(ns []store.NewNotice) ([]string, error) {
	payloads := make([]string, len(ns))
	for i, n := range ns {
		if strings.TrimSpace(n.Key) == "" || strings.TrimSpace(n.Kind) == "" || strings.TrimSpace(n.OpenID) == "" {
			return nil, store.Errorf(store.EINVALID, "notice %d needs a key, a kind and a recipient", i)
		}
		b, err := json.Marshal(noticePayload{Text: n.Text, Fields: n.Fields})
		if err != nil {
			return nil, fmt.Errorf("encode notice %q: %w", n.Key, err)
		}
		payloads[i] = string(b)
	}
	return payloads, nil
}

// decodePayload fills in the notice's text and fields, never leaving
// Fields nil.
func decodePayload(n *store.Notice, payload string) error {
	var p noticePayload
	if err := json.Unmarshal([]byte(payload), &p); err != nil {
		return fmt.Errorf("decode notice %d payload: %w", n.ID, err)
	}
	n.Text, n.Fields = p.Text, p.Fields
	if n.Fields == nil {
		n.Fields = map[string]string{}
	}
	return nil
}

// firstAttempt is when a new notice is first due.
func firstAttempt(n store.NewNotice, at time.Time) time.Time {
	if n.NotBefore.After(at) {
		return n.NotBefore
	}
	return at
}

// checkClaim rejects a claim that could never be completed or never ends.
func checkClaim(replica string, limit int, lease time.Duration) error {
	switch {
	case strings.TrimSpace(replica) == "":
		return store.Errorf(store.EINVALID, "a claim needs a replica name")
	case limit <= 0:
		return store.Errorf(store.EINVALID, "a claim needs a positive limit")
	case lease <= 0:
		return store.Errorf(store.EINVALID, "a claim needs a positive lease")
	}
	return nil
}

// checkOutcome accepts the statuses an attempt can end in.
func checkOutcome(o store.NoticeOutcome) error {
	switch o.Status {
	case store.NoticeSent, store.NoticeFailed, store.NoticeUndeliverable, store.NoticePending:
		return nil
	}
	return store.Errorf(store.EINVALID, "an attempt cannot end as %q", o.Status)
}

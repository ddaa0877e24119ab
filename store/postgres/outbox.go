package postgres

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"envoybot/store"
)

// enqueueChunk is how many notices one INSERT carries: big enough that a
// fan-out of 100,000 is ten statements, small enough to keep each array
// parameter a few megabytes.
const enqueueChunk = 10000

// analyzeAfter is the fan-out after which EnqueueNotices refreshes the
// outbox statistics. Until autovacuum catches up (a minute or more) the
// planner believes few notices are pending and claims by sorting every due
// row (about 20 ms a batch with 100,000 due) instead of walking
// outbox_claimable_idx in id order (well under 1 ms); ANALYZE takes about
// 50 ms.
const analyzeAfter = 10000

// noticeColumns selects an outbox row o with its recipient as users u
// knows them (an unknown recipient is not following).
const noticeColumns = `o.id, o.dedup_key, o.kind, o.subject, o.recipient_openid, o.payload, o.status,
	o.attempts, o.next_attempt_at, o.channel, o.last_error, o.created_at, o.sent_at,
	COALESCE(u.following, false), u.anonymised_at, u.last_interaction_at`

// EnqueueNotices writes the notices in one transaction, a chunk of rows
// per INSERT … SELECT FROM unnest(arrays) … ON CONFLICT (dedup_key) DO
// NOTHING, skipping keys already present (in the outbox or earlier in ns).
// A notice is due at NotBefore when that is after at, else at once. A
// notice without a key, kind or recipient is EINVALID and nothing is
// written.
func (db *DB) EnqueueNotices(ctx context.Context, ns []store.NewNotice, at time.Time) (int, error) {
	payloads, err := noticePayloads(ns)
	if err != nil {
		return 0, wrapError("enqueue notices", err)
	}
	if len(ns) == 0 {
		return 0, nil
	}
	added := 0
	err = db.inTx(ctx, func(tx pgx.Tx) error {
		for start := 0; start < len(ns); start += enqueueChunk {
			end := min(start+enqueueChunk, len(ns))
			n, err := enqueueChunkOf(ctx, tx, ns[start:end], payloads[start:end], at)
			if err != nil {
				return err
			}
			added += n
		}
		return nil
	})
	if err != nil {
		return 0, wrapError("enqueue notices", err)
	}
	if added >= analyzeAfter {
		// Best effort: the notices are committed whatever ANALYZE does.
		_, _ = db.pool.Exec(ctx, `ANALYZE outbox`)
	}
	return added, nil
}

// enqueueChunkOf inserts one chunk of notices and returns how many were new.
func enqueueChunkOf(ctx context.Context, tx pgx.Tx, ns []store.NewNotice, payloads []string, at time.Time) (int, error) {
	keys := make([]string, len(ns))
	kinds := make([]string, len(ns))
	subjects := make([]string, len(ns))
	openIDs := make([]string, len(ns))
	due := make([]time.Time, len(ns))
	for i, n := range ns {
		keys[i], kinds[i], subjects[i], openIDs[i] = n.Key, n.Kind, n.Subject, n.OpenID
		due[i] = firstAttempt(n, at)
	}
	tag, err := tx.Exec(ctx, `
		INSERT INTO outbox (dedup_key, kind, subject, recipient_openid, payload,
			next_attempt_at, created_at, updated_at)
		SELECT k, kd, s, r, p::jsonb, n, $7, $7
		FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::timestamptz[])
			AS t (k, kd, s, r, p, n)
		ON CONFLICT (dedup_key) DO NOTHING`,
		keys, kinds, subjects, openIDs, payloads, due, timeValue(at))
	if err != nil {
		return 0, err
	}
	return int(tag.RowsAffected()), nil
}

// ClaimNotices leases up to limit due notices to replica, lowest id first,
// and counts the claim as an attempt: Attempts is the number of the attempt
// the dispatcher is about to make, so a notice whose dispatcher died
// mid-send counts too. FOR UPDATE SKIP LOCKED lets concurrent claimers
// pass each other's rows; a row another claimer committed meanwhile is
// re-checked and no longer due.
func (db *DB) ClaimNotices(ctx context.Context, replica string, at time.Time, limit int, lease time.Duration) ([]*store.Notice, error) {
	if err := checkClaim(replica, limit, lease); err != nil {
		return nil, wrapError("claim notices", err)
	}
	rows, err := db.pool.Query(ctx, `
		WITH due AS MATERIALIZED (
			SELECT id FROM outbox
			WHERE status IN ('pending', 'sending')
				AND ((status = 'pending' AND next_attempt_at <= $3)
					OR (status = 'sending' AND claimed_until < $3))
			ORDER BY id LIMIT $4
			FOR UPDATE SKIP LOCKED),
		claimed AS (
			UPDATE outbox SET status = 'sending', claimed_by = $1, claimed_until = $2,
				attempts = attempts + 1, updated_at = $3
			FROM due WHERE outbox.id = due.id
			RETURNING outbox.*)
		SELECT `+noticeColumns+`
		FROM claimed o LEFT JOIN users u ON u.openid = o.recipient_openid
		ORDER BY o.id`,
		replica, timeValue(at.Add(lease)), timeValue(at), limit)
	if err != nil {
		return nil, wrapError("claim notices", err)
	}
	notices, err := collect(rows, scanNotice)
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
	if err := checkOutcome(o); err != nil {
		return wrapError("complete notice", err)
	}
	var next, sentAt any
	if o.Status == store.NoticePending {
		next = timeValue(o.NextAttemptAt)
		if o.NextAttemptAt.IsZero() {
			next = timeValue(at)
		}
	}
	if o.Status == store.NoticeSent {
		sentAt = timeValue(at)
	}
	err := db.inTx(ctx, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `
			UPDATE outbox SET status = $1, channel = $2, last_error = $3,
				sent_at = COALESCE($4, sent_at), next_attempt_at = COALESCE($5, next_attempt_at),
				claimed_by = '', claimed_until = NULL, updated_at = $6
			WHERE id = $7 AND status = 'sending' AND claimed_by = $8`,
			o.Status, o.Channel, o.Error, sentAt, next, timeValue(at), id, replica)
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return leaseConflict(ctx, tx, id, replica)
		}
		_, err = tx.Exec(ctx, `
			INSERT INTO outbox_attempts (outbox_id, at, channel, ok, error, status)
			VALUES ($1, $2, $3, $4, $5, $6)`,
			id, timeValue(at), o.Channel, o.Status == store.NoticeSent, o.Error, o.Status)
		return err
	})
	return wrapError("complete notice", err)
}

// leaseConflict explains why replica could not complete notice id:
// ENOTFOUND when there is no such notice, else ECONFLICT.
func leaseConflict(ctx context.Context, q queryer, id int64, replica string) error {
	var status, holder string
	if err := q.QueryRow(ctx, `SELECT status, claimed_by FROM outbox WHERE id = $1`, id).
		Scan(&status, &holder); err != nil {
		return err
	}
	return store.Errorf(store.ECONFLICT, "notice %d is %s, claimed by %q, not by %q", id, status, holder, replica)
}

// DropPendingNotices marks the pending notices of kind and subject
// undeliverable with reason; claimed ones are being sent already and are
// left to their dispatcher.
func (db *DB) DropPendingNotices(ctx context.Context, kind, subject, reason string, at time.Time) (int, error) {
	tag, err := db.pool.Exec(ctx, `
		UPDATE outbox SET status = 'undeliverable', last_error = $1, updated_at = $2
		WHERE kind = $3 AND subject = $4 AND status = 'pending'`,
		reason, timeValue(at), kind, subject)
	if err != nil {
		return 0, wrapError("drop pending notices", err)
	}
	return int(tag.RowsAffected()), nil
}

// DropPendingNoticesTo marks the pending notices of kind to openID
// undeliverable with reason; claimed or finished ones are left alone.
func (db *DB) DropPendingNoticesTo(ctx context.Context, kind, openID, reason string, at time.Time) (int, error) {
	tag, err := db.pool.Exec(ctx, `
		UPDATE outbox SET status = 'undeliverable', last_error = $1, updated_at = $2
		WHERE kind = $3 AND recipient_openid = $4 AND status = 'pending'`,
		reason, timeValue(at), kind, openID)
	if err != nil {
		return 0, wrapError("drop pending notices to", err)
	}
	return int(tag.RowsAffected()), nil
}

// NoticeRecipients returns the distinct openids sent, or being sent, a
// notice of kind and subject, in byte order.
func (db *DB) NoticeRecipients(ctx context.Context, kind, subject string) ([]string, error) {
	rows, err := db.pool.Query(ctx, `
		SELECT DISTINCT recipient_openid COLLATE "C" FROM outbox
		WHERE kind = $1 AND subject = $2 AND status IN ('sent', 'sending')
		ORDER BY 1`, kind, subject)
	if err != nil {
		return nil, wrapError("notice recipients", err)
	}
	openIDs, err := collect(rows, func(row rowScanner) (string, error) {
		var openID string
		err := row.Scan(&openID)
		return openID, err
	})
	if err != nil {
		return nil, wrapError("notice recipients", err)
	}
	return openIDs, nil
}

// NoticeCounts counts notices by status and undeliverable ones by reason;
// a status no notice has is absent.
func (db *DB) NoticeCounts(ctx context.Context) (map[string]int, error) {
	rows, err := db.pool.Query(ctx, `
		SELECT status, COUNT(*) FROM outbox GROUP BY status
		UNION ALL
		SELECT 'undeliverable:' || last_error, COUNT(*) FROM outbox
		WHERE status = 'undeliverable' GROUP BY last_error`)
	if err != nil {
		return nil, wrapError("notice counts", err)
	}
	type count struct {
		key string
		n   int
	}
	list, err := collect(rows, func(row rowScanner) (count, error) {
		var c count
		err := row.Scan(&c.key, &c.n)
		return c, err
	})
	if err != nil {
		return nil, wrapError("notice counts", err)
	}
	counts := make(map[string]int, len(list))
	for _, c := range list {
		counts[c.key] = c.n
	}
	return counts, nil
}

// ListNotices returns notices of kind (all when empty), the last enqueued
// first; a limit of 0 or less means no limit.
func (db *DB) ListNotices(ctx context.Context, kind string, limit int) ([]*store.Notice, error) {
	var limitArg *int
	if limit > 0 {
		limitArg = &limit
	}
	rows, err := db.pool.Query(ctx, `
		SELECT `+noticeColumns+`
		FROM outbox o LEFT JOIN users u ON u.openid = o.recipient_openid
		WHERE $1 = '' OR o.kind = $1
		ORDER BY o.id DESC
		LIMIT $2`, kind, limitArg)
	if err != nil {
		return nil, wrapError("list notices", err)
	}
	notices, err := collect(rows, scanNotice)
	if err != nil {
		return nil, wrapError("list notices", err)
	}
	return notices, nil
}

// scanNotice reads the noticeColumns of one row.
func scanNotice(row rowScanner) (*store.Notice, error) {
	var (
		n            store.Notice
		payload      []byte
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
func decodePayload(n *store.Notice, payload []byte) error {
	var p noticePayload
	if err := json.Unmarshal(payload, &p); err != nil {
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

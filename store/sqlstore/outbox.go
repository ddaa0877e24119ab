package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"

	"envoybot/store"
)

// analyzeAfter is the fan-out after which EnqueueNotices refreshes the
// outbox statistics on PostgreSQL. Until autovacuum catches up (a minute
// or more) the planner believes few notices are pending and claims by
// sorting every due row (about 20 ms a batch with 100,000 due) instead of
// walking outbox_claimable_idx in id order (well under 1 ms); ANALYZE
// takes about 50 ms. SQLite's claim names the index (INDEXED BY) instead.
const analyzeAfter = 10000

// noticeColumns selects an outbox row o with its recipient as users u
// knows them (an unknown recipient is not following); noticeFrom must
// follow, or another row source o with noticeRecipient.
const noticeColumns = `o.id, o.dedup_key, o.kind, o.subject, o.recipient_openid, o.payload, o.status,
	o.attempts, o.next_attempt_at, o.channel, o.last_error, o.created_at, o.sent_at,
	COALESCE(u.following, FALSE), u.anonymised_at, u.last_interaction_at,
	CASE WHEN u.customer_sent_since = u.last_interaction_at THEN u.customer_sent ELSE 0 END`

// noticeRecipient joins the recipient of the outbox rows o.
const noticeRecipient = ` LEFT JOIN users u ON u.openid = o.recipient_openid`

// noticeFrom joins what noticeColumns reads.
const noticeFrom = ` FROM outbox o` + noticeRecipient

// noticeDue selects the outbox rows a claim at $3 may take: pending ones
// whose next attempt is due and claimed ones whose lease ran out. Its
// status term matches SQLite's outbox_claimable_idx, a partial index in id
// order; PostgreSQL's is on the generated column claimable, the same
// condition (see migration 00013), which the claim names too.
const noticeDue = `status IN ('pending', 'sending')
	AND ((status = 'pending' AND next_attempt_at <= $3)
		OR (status = 'sending' AND claimed_until < $3))`

// noticeClaim is what a claim by replica $1 until $2 at $3 sets.
const noticeClaim = `status = 'sending', claimed_by = $1, claimed_until = $2,
	attempts = attempts + 1, updated_at = $3`

// EnqueueNotices writes the notices in one transaction, skipping keys
// already present (in the outbox or earlier in ns) with INSERT … ON
// CONFLICT (dedup_key) DO NOTHING: on PostgreSQL from arrays of
// enqueueChunk notices a statement (enqueuePG), on SQLite as multi-row
// VALUES (bulkInsert). A notice is due at NotBefore when that is after
// at, else at once. A notice without a key, kind or recipient is EINVALID
// and nothing is written.
func (db *DB) EnqueueNotices(ctx context.Context, ns []store.NewNotice, at time.Time) (int, error) {
	payloads := make([]string, len(ns))
	for i, n := range ns {
		if err := n.Validate(); err != nil {
			return 0, db.wrapError("enqueue notices", err)
		}
		payload, err := encodePayload(n.Text, n.Fields)
		if err != nil {
			return 0, db.wrapError("enqueue notices", fmt.Errorf("encode notice %q: %w", n.Key, err))
		}
		payloads[i] = payload
	}
	if len(ns) == 0 {
		return 0, nil
	}
	if db.d.pg {
		added, err := db.enqueuePG(ctx, ns, payloads, at)
		if err != nil {
			return 0, db.wrapError("enqueue notices", err)
		}
		if added >= analyzeAfter {
			// Best effort: the notices are committed whatever ANALYZE does.
			_, _ = db.write.ExecContext(ctx, `ANALYZE outbox`)
		}
		return added, nil
	}
	const width = 6 // parameters of one notice; $1 is at, shared
	args := make([]any, 0, len(ns)*width)
	for i, n := range ns {
		args = append(args, n.Key, n.Kind, n.Subject, n.OpenID, payloads[i], firstAttempt(n, at))
	}
	insert := func(rows int) string {
		return `INSERT INTO outbox (dedup_key, kind, subject, recipient_openid, payload,
				next_attempt_at, created_at, updated_at)
			VALUES ` + placeholderRows(rows, width, 2, ", $1, $1") + `
			ON CONFLICT (dedup_key) DO NOTHING`
	}
	var added int
	err := db.inTx(ctx, func(tx conn) error {
		var err error
		added, err = bulkInsert(ctx, tx, insert, width, []any{at}, args)
		return err
	})
	if err != nil {
		return 0, db.wrapError("enqueue notices", err)
	}
	return added, nil
}

// enqueueChunk is how many notices one statement of enqueuePG carries.
const enqueueChunk = 10000

// enqueuePG inserts the notices from parallel arrays, sent in binary
// through pgx directly: a statement of 500 rows of six parameters spent
// more in binding and parsing its 3,000 parameters than in the inserts.
const enqueuePG = `
	INSERT INTO outbox (dedup_key, kind, subject, recipient_openid, payload, next_attempt_at, created_at, updated_at)
	SELECT k, kind, subject, openid, payload::jsonb, next, $7, $7
	FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::timestamptz[])
		AS n(k, kind, subject, openid, payload, next)
	ON CONFLICT (dedup_key) DO NOTHING`

// enqueuePG writes the notices in one transaction, enqueueChunk a
// statement, and returns how many were new.
func (db *DB) enqueuePG(ctx context.Context, ns []store.NewNotice, payloads []string, at time.Time) (int, error) {
	tx, err := db.pool.Begin(ctx)
	if err != nil {
		return 0, err
	}
	defer func() { _ = tx.Rollback(ctx) }()
	var added int64
	for start := 0; start < len(ns); start += enqueueChunk {
		chunk := ns[start:min(len(ns), start+enqueueChunk)]
		var (
			keys, kinds, subjects, openIDs = make([]string, len(chunk)), make([]string, len(chunk)), make([]string, len(chunk)), make([]string, len(chunk))
			next                           = make([]time.Time, len(chunk))
		)
		for i, n := range chunk {
			keys[i], kinds[i], subjects[i], openIDs[i], next[i] = n.Key, n.Kind, n.Subject, n.OpenID, firstAttempt(n, at)
		}
		tag, err := tx.Exec(ctx, enqueuePG, keys, kinds, subjects, openIDs, payloads[start:start+len(chunk)], next, at)
		if err != nil {
			return 0, err
		}
		added += tag.RowsAffected()
	}
	if err := tx.Commit(ctx); err != nil {
		return 0, err
	}
	return int(added), nil
}

// ClaimNotices leases up to limit due notices to replica, lowest id first,
// and counts the claim as an attempt: Attempts is the number of the attempt
// the dispatcher is about to make, so a notice whose dispatcher died
// mid-send counts too.
//
// On PostgreSQL one statement, without a transaction of its own, picks the
// due rows FOR UPDATE SKIP LOCKED, so concurrent claimers pass each other's
// rows (a row another claimer committed meanwhile is re-checked and no
// longer due), updates them and reads them back with their recipients. The
// update changes no indexed column (status is in no index), so that with
// the outbox's half-empty pages it is a HOT update, writing no index entry.
// SQLite's single writer serialises
// claimers; the UPDATE walks outbox_claimable_idx in id order (left to
// itself, SQLite would gather every due row through the status index and
// sort them all, some 35 ms a batch with 100,000 due) and a second
// statement reads the claimed rows back, since RETURNING cannot join.
func (db *DB) ClaimNotices(ctx context.Context, replica string, at time.Time, limit int, lease time.Duration) ([]*store.Notice, error) {
	return db.ClaimNoticesAfter(ctx, replica, 0, at, limit, lease)
}

// claimNoticesPG claims on PostgreSQL (see ClaimNotices).
const claimNoticesPG = `
	WITH due AS MATERIALIZED (
		SELECT id FROM outbox WHERE claimable AND id > $5 AND ` + noticeDue + `
		ORDER BY id LIMIT $4
		FOR UPDATE SKIP LOCKED),
	claimed AS (
		UPDATE outbox SET ` + noticeClaim + `
		FROM due WHERE outbox.id = due.id
		RETURNING outbox.*)
	SELECT ` + noticeColumns + ` FROM claimed o` + noticeRecipient + `
	ORDER BY o.id`

// ClaimNoticesAfter is ClaimNotices among the notices with ids above
// after: the index walk starts there.
func (db *DB) ClaimNoticesAfter(ctx context.Context, replica string, after int64, at time.Time, limit int, lease time.Duration) ([]*store.Notice, error) {
	if err := store.ValidateClaim(replica, limit, lease); err != nil {
		return nil, db.wrapError("claim notices", err)
	}
	args := []any{replica, at.Add(lease), at, limit, after}
	if db.d.pg {
		// On pgx directly: the rows come back without database/sql's
		// conversions.
		rows, err := db.pool.Query(ctx, claimNoticesPG, args...)
		if err != nil {
			return nil, db.wrapError("claim notices", err)
		}
		notices, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (*store.Notice, error) { return scanNotice(row) })
		if err != nil {
			return nil, db.wrapError("claim notices", err)
		}
		return notices, nil
	}
	var notices []*store.Notice
	err := db.inTx(ctx, func(tx conn) error {
		rows, err := tx.query(ctx, `
			UPDATE outbox SET `+noticeClaim+`
			WHERE id IN (
				SELECT id FROM outbox INDEXED BY outbox_claimable_idx WHERE id > $5 AND `+noticeDue+`
				ORDER BY id LIMIT $4)
			RETURNING id`, args...)
		ids, err := collect(rows, err, func(row rowScanner) (int64, error) {
			var id int64
			err := row.Scan(&id)
			return id, err
		})
		if err != nil {
			return err
		}
		idList, err := json.Marshal(ids)
		if err != nil {
			return err
		}
		notices, err = queryNotices(ctx, tx, `
			SELECT `+noticeColumns+noticeFrom+`
			WHERE o.id IN (SELECT value FROM json_each($1))
			ORDER BY o.id`, string(idList))
		return err
	})
	if err != nil {
		return nil, db.wrapError("claim notices", err)
	}
	return notices, nil
}

// CompleteNotice records the attempt and its outcome when replica still
// holds the claim (status sending, claimed by it), even after its lease ran
// out as long as nobody took the notice over. A pending outcome without a
// next attempt time is due again at once. An unknown id is ENOTFOUND.
func (db *DB) CompleteNotice(ctx context.Context, id int64, replica string, o store.NoticeOutcome, at time.Time) error {
	if err := o.Validate(); err != nil {
		return db.wrapError("complete notice", err)
	}
	next, sentAt := completion(o, at)
	err := db.inTx(ctx, func(tx conn) error {
		err := tx.mustAffect(ctx, `
			UPDATE outbox SET status = $1, channel = $2, last_error = $3,
				sent_at = COALESCE($4, sent_at), next_attempt_at = COALESCE($5, next_attempt_at),
				claimed_by = '', claimed_until = NULL, updated_at = $6
			WHERE id = $7 AND status = 'sending' AND claimed_by = $8`,
			o.Status, o.Channel, o.Error, sentAt, next, at, id, replica)
		if errors.Is(err, sql.ErrNoRows) {
			return leaseConflict(ctx, tx, id, replica)
		} else if err != nil {
			return err
		}
		_, err = tx.exec(ctx, `
			INSERT INTO outbox_attempts (outbox_id, at, channel, ok, error, status)
			VALUES ($1, $2, $3, $4, $5, $6)`,
			id, at, o.Channel, o.Status == store.NoticeSent, o.Error, o.Status)
		if err != nil || o.Status != store.NoticeSent || o.Channel != store.ChannelCustomer || o.Error == store.NoticeMerged {
			return err
		}
		_, err = tx.exec(ctx, `
			UPDATE users AS u SET `+countCustomerSent+`
			FROM (SELECT recipient_openid, 1 AS n FROM outbox WHERE id = $1) AS c
			WHERE u.openid = c.recipient_openid AND u.last_interaction_at IS NOT NULL`, id)
		return err
	})
	return db.wrapError("complete notice", err)
}

// completion is what an outcome completed at at sets besides its status,
// channel and error: the next attempt time of a pending outcome (at when
// it names none) and the sending time of a sent one. The zero time (NULL)
// keeps the column as it is.
func completion(o store.NoticeOutcome, at time.Time) (next, sentAt time.Time) {
	if o.Status == store.NoticePending {
		next = o.NextAttemptAt
		if next.IsZero() {
			next = at
		}
	}
	if o.Status == store.NoticeSent {
		sentAt = at
	}
	return next, sentAt
}

// completeNoticesPG records a batch of outcomes in one statement, from
// parallel arrays (one element per notice; a null time keeps the column as
// it is): the UPDATE takes only the rows replica holds (a row another
// replica claimed meanwhile is re-checked after its lock and skipped),
// finding each by id, and the attempts of exactly those rows are inserted
// from what it returns.
const completeNoticesPG = `
	WITH i AS (
		SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::timestamptz[], $6::timestamptz[])
			AS i(id, status, channel, error, sent_at, next_attempt_at)),
	done AS (
		UPDATE outbox o SET status = i.status, channel = i.channel, last_error = i.error,
			sent_at = COALESCE(i.sent_at, o.sent_at), next_attempt_at = COALESCE(i.next_attempt_at, o.next_attempt_at),
			claimed_by = '', claimed_until = NULL, updated_at = $7
		FROM i WHERE o.id = i.id AND o.status = 'sending' AND o.claimed_by = $8
		RETURNING o.id, o.recipient_openid, i.status, i.channel, i.error),
	attempts AS (
		INSERT INTO outbox_attempts (outbox_id, at, channel, ok, error, status)
		SELECT id, $7, channel, status = 'sent', error, status FROM done ORDER BY id),
	budget AS (
		UPDATE users u SET ` + countCustomerSent + `
		FROM (SELECT recipient_openid, COUNT(*) AS n FROM done
			WHERE status = 'sent' AND channel = 'customer' AND error <> 'merged'
			GROUP BY recipient_openid) c
		WHERE u.openid = c.recipient_openid AND u.last_interaction_at IS NOT NULL)
	SELECT id FROM done`

// countCustomerSent adds c.n customer-service messages to a user's
// budget count, which starts again at their latest interaction.
const countCustomerSent = `customer_sent = CASE WHEN u.customer_sent_since = u.last_interaction_at
			THEN u.customer_sent + c.n ELSE c.n END,
		customer_sent_since = u.last_interaction_at`

// countCustomerSentSQLite counts the customer-service messages among the
// notices of a list ($1, a JSON array of ids) just recorded.
const countCustomerSentSQLite = `
	UPDATE users AS u SET ` + countCustomerSent + `
	FROM (SELECT recipient_openid, COUNT(*) AS n FROM outbox
		WHERE id IN (SELECT value FROM json_each($1))
			AND status = 'sent' AND channel = 'customer' AND last_error <> 'merged'
		GROUP BY recipient_openid) AS c
	WHERE u.openid = c.recipient_openid AND u.last_interaction_at IS NOT NULL`

// completeSQLite records the notices of a list ($7, a JSON array of
// ids) that share one outcome, and insertAttemptsSQLite their attempts
// (RETURNING cannot feed an INSERT there). The + before status keeps
// SQLite from walking every claimed row through the claim's index and
// reading the whole list for each: it reads the list once and finds each
// row by id.
const (
	completeSQLite = `
		UPDATE outbox SET status = $1, channel = $2, last_error = $3,
			sent_at = COALESCE($4, sent_at), next_attempt_at = COALESCE($5, next_attempt_at),
			claimed_by = '', claimed_until = NULL, updated_at = $6
		WHERE id IN (SELECT value FROM json_each($7)) AND +status = 'sending' AND claimed_by = $8
		RETURNING id`
	insertAttemptsSQLite = `
		INSERT INTO outbox_attempts (outbox_id, at, channel, ok, error, status)
		SELECT value, $1, $2, $3, $4, $5 FROM json_each($6) ORDER BY value`
)

// CompleteNotices records a batch of outcomes as CompleteNotice records
// each, in one transaction, without a statement per notice: on PostgreSQL
// a single statement over arrays (completeNoticesPG), on SQLite an UPDATE
// and an INSERT … SELECT for each distinct outcome (nearly always one: a
// batch sent), over the list of its notices. It returns the ids replica
// did not hold, in the order given.
func (db *DB) CompleteNotices(ctx context.Context, replica string, outcomes []store.NoticeOutcomeFor, at time.Time) ([]int64, error) {
	if err := store.ValidateOutcomes(outcomes); err != nil {
		return nil, db.wrapError("complete notices", err)
	}
	if len(outcomes) == 0 {
		return nil, nil
	}
	var (
		done []int64
		err  error
	)
	if db.d.pg {
		done, err = db.completeNoticesPG(ctx, replica, outcomes, at)
	} else {
		err = db.inTx(ctx, func(tx conn) error {
			done, err = completeNoticesSQLite(ctx, tx, replica, outcomes, at)
			return err
		})
	}
	if err != nil {
		return nil, db.wrapError("complete notices", err)
	}
	return notHeld(outcomes, done), nil
}

// completeNoticesPG runs the statement completeNoticesPG on pgx directly: its arrays go
// over the wire in binary, and the notices' ids come back without
// database/sql's conversions.
func (db *DB) completeNoticesPG(ctx context.Context, replica string, outcomes []store.NoticeOutcomeFor, at time.Time) ([]int64, error) {
	n := len(outcomes)
	var (
		ids             = make([]int64, n)
		statuses        = make([]string, n)
		channels        = make([]string, n)
		errs            = make([]string, n)
		sentAts, nextAt = make([]pgtype.Timestamptz, n), make([]pgtype.Timestamptz, n)
	)
	for i, o := range outcomes {
		next, sentAt := completion(o.Outcome, at)
		ids[i], statuses[i], channels[i], errs[i] = o.ID, o.Outcome.Status, o.Outcome.Channel, o.Outcome.Error
		sentAts[i] = pgtype.Timestamptz{Time: sentAt, Valid: !sentAt.IsZero()}
		nextAt[i] = pgtype.Timestamptz{Time: next, Valid: !next.IsZero()}
	}
	rows, err := db.pool.Query(ctx, completeNoticesPG, ids, statuses, channels, errs, sentAts, nextAt, at, replica)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowTo[int64])
}

// completeNoticesSQLite records outcomes on tx, one UPDATE and one INSERT
// for each distinct outcome, and returns the ids it recorded.
func completeNoticesSQLite(ctx context.Context, tx conn, replica string, outcomes []store.NoticeOutcomeFor, at time.Time) ([]int64, error) {
	type group struct {
		o   store.NoticeOutcome
		ids []int64
	}
	var groups []*group
	byOutcome := map[store.NoticeOutcome]*group{}
	for _, o := range outcomes {
		key := o.Outcome
		if key.Status != store.NoticePending {
			key.NextAttemptAt = time.Time{} // not recorded
		}
		g := byOutcome[key]
		if g == nil {
			g = &group{o: key}
			byOutcome[key] = g
			groups = append(groups, g)
		}
		g.ids = append(g.ids, o.ID)
	}
	var done []int64
	for _, g := range groups {
		list, err := json.Marshal(g.ids)
		if err != nil {
			return nil, err
		}
		next, sentAt := completion(g.o, at)
		res, err := tx.query(ctx, completeSQLite, g.o.Status, g.o.Channel, g.o.Error, sentAt, next, at, string(list), replica)
		held, err := collect(res, err, scanID)
		if err != nil {
			return nil, err
		}
		if len(held) == 0 {
			continue
		}
		if list, err = json.Marshal(held); err != nil {
			return nil, err
		}
		if _, err := tx.exec(ctx, insertAttemptsSQLite, at, g.o.Channel, g.o.Status == store.NoticeSent, g.o.Error, g.o.Status, string(list)); err != nil {
			return nil, err
		}
		done = append(done, held...)
		if g.o.Status == store.NoticeSent && g.o.Channel == store.ChannelCustomer && g.o.Error != store.NoticeMerged {
			if _, err := tx.exec(ctx, countCustomerSentSQLite, string(list)); err != nil {
				return nil, err
			}
		}
	}
	return done, nil
}

// notHeld is the ids of outcomes not among done, in order.
func notHeld(outcomes []store.NoticeOutcomeFor, done []int64) []int64 {
	if len(done) == len(outcomes) {
		return nil
	}
	recorded := make(map[int64]bool, len(done))
	for _, id := range done {
		recorded[id] = true
	}
	var lost []int64
	for _, o := range outcomes {
		if !recorded[o.ID] {
			lost = append(lost, o.ID)
		}
	}
	return lost
}

// scanID reads a row of one integer id.
func scanID(row rowScanner) (id int64, err error) {
	return id, row.Scan(&id)
}

// leaseConflict explains why replica could not complete notice id:
// ENOTFOUND when there is no such notice, else ECONFLICT.
func leaseConflict(ctx context.Context, q conn, id int64, replica string) error {
	var status, holder string
	if err := q.row(ctx, `SELECT status, claimed_by FROM outbox WHERE id = $1`, id).
		Scan(&status, &holder); err != nil {
		return err
	}
	return store.Errorf(store.ECONFLICT, "notice %d is %s, claimed by %q, not by %q", id, status, holder, replica)
}

// DropPendingNotices marks the pending notices of kind and subject
// undeliverable with reason; claimed ones are being sent already and are
// left to their dispatcher.
func (db *DB) DropPendingNotices(ctx context.Context, kind, subject, reason string, at time.Time) (int, error) {
	n, err := db.dropNotices(ctx, `kind = $3 AND subject = $4`, reason, at, kind, subject)
	if err != nil {
		return 0, db.wrapError("drop pending notices", err)
	}
	return n, nil
}

// DropPendingNoticesTo marks the pending notices of kind to openID
// undeliverable with reason; claimed or finished ones are left alone.
func (db *DB) DropPendingNoticesTo(ctx context.Context, kind, openID, reason string, at time.Time) (int, error) {
	n, err := db.dropNotices(ctx, `kind = $3 AND recipient_openid = $4`, reason, at, kind, openID)
	if err != nil {
		return 0, db.wrapError("drop pending notices to", err)
	}
	return n, nil
}

// dropNotices marks the pending notices matching where ($3 and on)
// undeliverable with reason at at, and counts them.
func (db *DB) dropNotices(ctx context.Context, where, reason string, at time.Time, args ...any) (int, error) {
	res, err := db.writer().exec(ctx, `
		UPDATE outbox SET status = 'undeliverable', last_error = $1, updated_at = $2
		WHERE status = 'pending' AND `+where, append([]any{reason, at}, args...)...)
	if err != nil {
		return 0, err
	}
	n, err := res.RowsAffected()
	return int(n), err
}

// NoticeRecipients returns the distinct openids sent, or being sent, a
// notice of kind and subject, in byte (code point) order.
func (db *DB) NoticeRecipients(ctx context.Context, kind, subject string) ([]string, error) {
	return readAll(ctx, db, "notice recipients", scanString, `
		SELECT recipient_openid FROM outbox
		WHERE kind = $1 AND subject = $2 AND status IN ('sent', 'sending')
		GROUP BY recipient_openid
		ORDER BY `+db.d.codePointOrder("recipient_openid"), kind, subject)
}

// NoticeCounts counts notices by status and undeliverable ones by reason;
// a status no notice has is absent.
func (db *DB) NoticeCounts(ctx context.Context) (map[string]int, error) {
	type count struct {
		key string
		n   int
	}
	rows, err := db.reader().query(ctx, `
		SELECT status, COUNT(*) FROM outbox GROUP BY status
		UNION ALL
		SELECT 'undeliverable:' || last_error, COUNT(*) FROM outbox
		WHERE status = 'undeliverable' GROUP BY last_error`)
	list, err := collect(rows, err, func(row rowScanner) (count, error) {
		var c count
		err := row.Scan(&c.key, &c.n)
		return c, err
	})
	if err != nil {
		return nil, db.wrapError("notice counts", err)
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
	var q filter
	if kind != "" {
		q.where("o.kind", "=", kind)
	}
	query := `SELECT ` + noticeColumns + noticeFrom + q.clause() + ` ORDER BY o.id DESC` + q.limit(limit)
	return readAll(ctx, db, "list notices", scanNotice, query, q.args...)
}

// queryNotices runs a query of noticeColumns and reads every row.
func queryNotices(ctx context.Context, q conn, query string, args ...any) ([]*store.Notice, error) {
	rows, err := q.query(ctx, query, args...)
	return collect(rows, err, scanNotice)
}

// scanNotice reads the noticeColumns of one row.
func scanNotice(row rowScanner) (*store.Notice, error) {
	var (
		n            store.Notice
		payload      string // TEXT on SQLite, jsonb on PostgreSQL
		anonymisedAt time.Time
	)
	err := row.Scan(&n.ID, &n.Key, &n.Kind, &n.Subject, &n.OpenID, &payload, &n.Status,
		&n.Attempts, timeColumn{&n.NextAttemptAt}, &n.Channel, &n.LastError,
		timeColumn{&n.CreatedAt}, timeColumn{&n.SentAt},
		&n.Following, timeColumn{&anonymisedAt}, timeColumn{&n.LastInteractionAt}, &n.CustomerSent)
	if err != nil {
		return nil, err
	}
	n.Anonymised = !anonymisedAt.IsZero()
	return &n, decodePayload(&n, payload)
}

// firstAttempt is when a new notice is first due.
func firstAttempt(n store.NewNotice, at time.Time) time.Time {
	if n.NotBefore.After(at) {
		return n.NotBefore
	}
	return at
}

// bulkRows is how many rows of width parameters one multi-row INSERT
// carries. PostgreSQL takes 500 (3,000 parameters for a notice, far below
// its 65,535), where the server's work dominates. SQLite looks every $n up
// by name in a list, when parsing and again when binding, so a statement
// costs the square of its parameters: about 100 a statement is fastest.
func (d *dialect) bulkRows(width int) int {
	if d.pg {
		return 500
	}
	return max(1, 100/width)
}

// bulkInsert runs insert(n), an INSERT of n rows given by placeholderRows,
// over args, width parameters a row, in chunks of bulkRows rows: the
// parameters shared by every row come first ($1 on), then one chunk of
// args. The full chunks run one statement, prepared once (on SQLite its
// parsing would otherwise cost as much as the inserts); the last, shorter
// chunk runs unprepared. It returns how many rows were inserted.
func bulkInsert(ctx context.Context, tx conn, insert func(rows int) string, width int, shared, args []any) (int, error) {
	rows := tx.d.bulkRows(width)
	var (
		full  *sql.Stmt // the statement of a full chunk, prepared at its first use
		added int64
	)
	for chunk := range slices.Chunk(args, rows*width) {
		chunkArgs := append(slices.Clip(shared), chunk...)
		var (
			res sql.Result
			err error
		)
		if len(chunk) < rows*width {
			res, err = tx.exec(ctx, insert(len(chunk)/width), chunkArgs...)
		} else {
			if full == nil {
				if full, err = tx.x.(preparer).PrepareContext(ctx, insert(rows)); err != nil {
					return 0, err
				}
				defer full.Close()
			}
			res, err = full.ExecContext(ctx, tx.d.args(chunkArgs)...)
		}
		if err != nil {
			return 0, err
		}
		n, err := res.RowsAffected()
		if err != nil {
			return 0, err
		}
		added += n
	}
	return int(added), nil
}

// preparer is what *sql.DB and *sql.Tx offer beyond execer.
type preparer interface {
	PrepareContext(ctx context.Context, query string) (*sql.Stmt, error)
}

// placeholderRows writes the VALUES of a multi-row INSERT: rows tuples of
// width parameters each, numbered on from first, each tuple ending in
// shared (say ", $1", a parameter every row repeats).
func placeholderRows(rows, width, first int, shared string) string {
	var b strings.Builder
	b.Grow(rows * (width*7 + len(shared) + 4))
	for r := range rows {
		if r > 0 {
			b.WriteString(", ")
		}
		b.WriteByte('(')
		for c := range width {
			if c > 0 {
				b.WriteString(", ")
			}
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(first + r*width + c))
		}
		b.WriteString(shared)
		b.WriteByte(')')
	}
	return b.String()
}

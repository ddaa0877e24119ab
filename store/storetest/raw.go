package storetest

import (
	"context"
	"database/sql"
	"fmt"
	"sync"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver

	"envoybot/store"
)

// rawDB is how the suite reaches the tables of a store it opened, on a
// connection of its own, to read what no store interface exposes (attempts,
// job runs, the hours audit) and to set up states no store method makes.
// Statements use $n placeholders, which both engines read.
type rawDB struct {
	driver string // "sqlite" or "pgx"
	dsn    string
}

// rawDBs maps each store opened by this package to its rawDB.
var rawDBs sync.Map // store.Store → rawDB

// rawQuery runs query on s's database and scans every row with scan; the
// calling test skips when s was not opened by this package.
func rawQuery[T any](t *testing.T, s store.Store, scan func(rows *sql.Rows) (T, error), query string, args ...any) []T {
	t.Helper()
	var list []T
	err := withRawDB(t, s, func(ctx context.Context, db *sql.DB) error {
		rows, err := db.QueryContext(ctx, query, args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		list = []T{}
		for rows.Next() {
			v, err := scan(rows)
			if err != nil {
				return err
			}
			list = append(list, v)
		}
		return rows.Err()
	})
	if err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return list
}

// rawExec runs statement on s's database directly.
func rawExec(t *testing.T, s store.Store, statement string) {
	t.Helper()
	err := withRawDB(t, s, func(ctx context.Context, db *sql.DB) error {
		_, err := db.ExecContext(ctx, statement)
		return err
	})
	if err != nil {
		t.Fatalf("%s: %v", statement, err)
	}
}

// withRawDB opens s's database for fn.
func withRawDB(t *testing.T, s store.Store, fn func(ctx context.Context, db *sql.DB) error) error {
	t.Helper()
	r, ok := rawDBs.Load(s)
	if !ok {
		t.Skip("the tables of this store cannot be read directly")
	}
	db, err := sql.Open(r.(rawDB).driver, r.(rawDB).dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	return fn(t.Context(), db)
}

// rawTime scans a stored time (timestamptz or SQLite's text) into *t;
// NULL is the zero time.
type rawTime struct{ t *time.Time }

// Scan implements sql.Scanner.
func (r rawTime) Scan(src any) (err error) {
	switch v := src.(type) {
	case nil:
		*r.t = time.Time{}
	case time.Time:
		*r.t = v.UTC()
	case string:
		*r.t, err = time.Parse(time.RFC3339Nano, v)
	case []byte:
		*r.t, err = time.Parse(time.RFC3339Nano, string(v))
	default:
		err = fmt.Errorf("time column: unexpected %T", src)
	}
	return err
}

// attemptEntry is one outbox_attempts row as the suite checks it.
type attemptEntry struct {
	At      time.Time
	Channel string
	OK      bool
	Error   string
	Status  string
}

// noticeAttempts returns the recorded attempts of the notice, oldest first.
func noticeAttempts(t *testing.T, s store.Store, noticeID int64) []attemptEntry {
	t.Helper()
	return rawQuery(t, s, func(rows *sql.Rows) (e attemptEntry, err error) {
		return e, rows.Scan(rawTime{&e.At}, &e.Channel, &e.OK, &e.Error, &e.Status)
	}, `SELECT at, channel, ok, error, status FROM outbox_attempts WHERE outbox_id = $1 ORDER BY id`, noticeID)
}

// jobRunEntry is one job_runs row as the suite checks it.
type jobRunEntry struct {
	Tick       time.Time
	Replica    string
	LeaseUntil time.Time
	StartedAt  time.Time
	FinishedAt time.Time // zero while unfinished
	Error      string
}

// jobRuns returns the runs of job, by tick.
func jobRuns(t *testing.T, s store.Store, job string) []jobRunEntry {
	t.Helper()
	return rawQuery(t, s, func(rows *sql.Rows) (e jobRunEntry, err error) {
		return e, rows.Scan(rawTime{&e.Tick}, &e.Replica, rawTime{&e.LeaseUntil}, rawTime{&e.StartedAt},
			rawTime{&e.FinishedAt}, &e.Error)
	}, `SELECT tick, replica, lease_until, started_at, finished_at, error FROM job_runs WHERE job = $1 ORDER BY tick`, job)
}

// auditEntry is one hours_audit row as the suite checks it.
type auditEntry struct {
	ActorID          int64 // 0 for NULL
	At               time.Time
	Reason           string
	OldMins, NewMins int // -1 for NULL
}

// hoursAudit returns the audit rows of the attendance, oldest first.
func hoursAudit(t *testing.T, s store.Store, attendanceID int64) []auditEntry {
	t.Helper()
	return rawQuery(t, s, func(rows *sql.Rows) (e auditEntry, err error) {
		return e, rows.Scan(&e.ActorID, rawTime{&e.At}, &e.Reason, &e.OldMins, &e.NewMins)
	}, `SELECT COALESCE(actor_id, 0), at, reason, COALESCE(old_minutes, -1), COALESCE(new_minutes, -1)
		FROM hours_audit WHERE attendance_id = $1 ORDER BY id`, attendanceID)
}

// cancelActivity cancels the activity directly, whatever its times
// (CancelActivity refuses one that ended).
func cancelActivity(t *testing.T, s store.Store, code string) {
	t.Helper()
	rawExec(t, s, "UPDATE activities SET status = 'cancelled' WHERE code = '"+code+"'")
}

// outboxEntry is an outbox row's state as a completion leaves it, beside
// what ListNotices shows: who holds it and until when, its last change.
type outboxEntry struct {
	Status        string
	Attempts      int
	NextAttemptAt time.Time
	Channel       string
	LastError     string
	SentAt        time.Time
	ClaimedBy     string
	ClaimedUntil  time.Time
	UpdatedAt     time.Time
}

// outboxRow reads notice id's row directly.
func outboxRow(t *testing.T, s store.Store, id int64) outboxEntry {
	t.Helper()
	rows := rawQuery(t, s, func(rows *sql.Rows) (e outboxEntry, err error) {
		return e, rows.Scan(&e.Status, &e.Attempts, rawTime{&e.NextAttemptAt}, &e.Channel, &e.LastError,
			rawTime{&e.SentAt}, &e.ClaimedBy, rawTime{&e.ClaimedUntil}, rawTime{&e.UpdatedAt})
	}, `SELECT status, attempts, next_attempt_at, channel, last_error, sent_at, claimed_by, claimed_until, updated_at
		FROM outbox WHERE id = $1`, id)
	if len(rows) != 1 {
		t.Fatalf("outbox row %d: %d rows", id, len(rows))
	}
	return rows[0]
}

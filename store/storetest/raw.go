package storetest

import (
	"context"
	"database/sql"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"envoybot/store"
)

// attemptEntry is one outbox_attempts row as the suite checks it.
type attemptEntry struct {
	At      time.Time
	Channel string
	OK      bool
	Error   string
	Status  string
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

// rawReader reads what no store interface exposes: the attempts of a
// notice, oldest first, and the runs of a job, by tick. exec runs a
// statement written for both dialects, to set up states no store method
// makes (a cancelled activity or a single cancelled lecture session).
type rawReader struct {
	attempts func(ctx context.Context, noticeID int64) ([]attemptEntry, error)
	jobRuns  func(ctx context.Context, job string) ([]jobRunEntry, error)
	exec     func(ctx context.Context, statement string) error
}

// rawReaders maps each store opened by this package to its rawReader; the
// suite reads the tables directly, on a connection of its own.
var rawReaders sync.Map // store.Store → rawReader

// sqliteRawReader reads the SQLite file at path.
func sqliteRawReader(path string) rawReader {
	open := func() (*sql.DB, error) { return sql.Open("sqlite", path+"?_pragma=busy_timeout(10000)") }
	parse := func(s sql.NullString) (time.Time, error) {
		if !s.Valid {
			return time.Time{}, nil
		}
		return time.Parse(time.RFC3339Nano, s.String)
	}
	return rawReader{
		exec: func(ctx context.Context, statement string) error {
			db, err := open()
			if err != nil {
				return err
			}
			defer db.Close()
			_, err = db.ExecContext(ctx, statement)
			return err
		},
		attempts: func(ctx context.Context, noticeID int64) ([]attemptEntry, error) {
			db, err := open()
			if err != nil {
				return nil, err
			}
			defer db.Close()
			rows, err := db.QueryContext(ctx, `
				SELECT at, channel, ok, error, status FROM outbox_attempts
				WHERE outbox_id = ? ORDER BY id`, noticeID)
			if err != nil {
				return nil, err
			}
			defer rows.Close()
			entries := []attemptEntry{}
			for rows.Next() {
				var (
					e  attemptEntry
					at sql.NullString
				)
				if err := rows.Scan(&at, &e.Channel, &e.OK, &e.Error, &e.Status); err != nil {
					return nil, err
				}
				if e.At, err = parse(at); err != nil {
					return nil, err
				}
				entries = append(entries, e)
			}
			return entries, rows.Err()
		},
		jobRuns: func(ctx context.Context, job string) ([]jobRunEntry, error) {
			db, err := open()
			if err != nil {
				return nil, err
			}
			defer db.Close()
			rows, err := db.QueryContext(ctx, `
				SELECT tick, replica, lease_until, started_at, finished_at, error FROM job_runs
				WHERE job = ? ORDER BY tick`, job)
			if err != nil {
				return nil, err
			}
			defer rows.Close()
			entries := []jobRunEntry{}
			for rows.Next() {
				var (
					e                                   jobRunEntry
					tick, leaseUntil, started, finished sql.NullString
				)
				if err := rows.Scan(&tick, &e.Replica, &leaseUntil, &started, &finished, &e.Error); err != nil {
					return nil, err
				}
				for _, f := range []struct {
					dst *time.Time
					src sql.NullString
				}{{&e.Tick, tick}, {&e.LeaseUntil, leaseUntil}, {&e.StartedAt, started}, {&e.FinishedAt, finished}} {
					if *f.dst, err = parse(f.src); err != nil {
						return nil, err
					}
				}
				entries = append(entries, e)
			}
			return entries, rows.Err()
		},
	}
}

// postgresRawReader reads through the schema URL.
func postgresRawReader(schemaURL string) rawReader {
	return rawReader{
		exec: func(ctx context.Context, statement string) error {
			conn, err := pgx.Connect(ctx, schemaURL)
			if err != nil {
				return err
			}
			defer conn.Close(ctx)
			_, err = conn.Exec(ctx, statement)
			return err
		},
		attempts: func(ctx context.Context, noticeID int64) ([]attemptEntry, error) {
			conn, err := pgx.Connect(ctx, schemaURL)
			if err != nil {
				return nil, err
			}
			defer conn.Close(ctx)
			rows, err := conn.Query(ctx, `
				SELECT at, channel, ok, error, status FROM outbox_attempts
				WHERE outbox_id = $1 ORDER BY id`, noticeID)
			if err != nil {
				return nil, err
			}
			entries, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (attemptEntry, error) {
				var e attemptEntry
				err := row.Scan(&e.At, &e.Channel, &e.OK, &e.Error, &e.Status)
				return e, err
			})
			if entries == nil {
				entries = []attemptEntry{}
			}
			return entries, err
		},
		jobRuns: func(ctx context.Context, job string) ([]jobRunEntry, error) {
			conn, err := pgx.Connect(ctx, schemaURL)
			if err != nil {
				return nil, err
			}
			defer conn.Close(ctx)
			rows, err := conn.Query(ctx, `
				SELECT tick, replica, lease_until, started_at, finished_at, error FROM job_runs
				WHERE job = $1 ORDER BY tick`, job)
			if err != nil {
				return nil, err
			}
			entries, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (jobRunEntry, error) {
				var (
					e        jobRunEntry
					finished *time.Time
				)
				err := row.Scan(&e.Tick, &e.Replica, &e.LeaseUntil, &e.StartedAt, &finished, &e.Error)
				if finished != nil {
					e.FinishedAt = *finished
				}
				return e, err
			})
			if entries == nil {
				entries = []jobRunEntry{}
			}
			return entries, err
		},
	}
}

// rawReaderOf returns the raw reader of s; the calling test skips when s
// was not opened by this package.
func rawReaderOf(t *testing.T, s store.Store) rawReader {
	t.Helper()
	r, ok := rawReaders.Load(s)
	if !ok {
		t.Skip("the tables of this store cannot be read directly")
	}
	return r.(rawReader)
}

// noticeAttempts returns the recorded attempts of the notice, oldest first.
func noticeAttempts(t *testing.T, s store.Store, noticeID int64) []attemptEntry {
	t.Helper()
	entries, err := rawReaderOf(t, s).attempts(t.Context(), noticeID)
	if err != nil {
		t.Fatalf("read outbox_attempts: %v", err)
	}
	return entries
}

// jobRuns returns the runs of job, by tick.
func jobRuns(t *testing.T, s store.Store, job string) []jobRunEntry {
	t.Helper()
	entries, err := rawReaderOf(t, s).jobRuns(t.Context(), job)
	if err != nil {
		t.Fatalf("read job_runs: %v", err)
	}
	return entries
}

// rawExec runs statement on s's database directly.
func rawExec(t *testing.T, s store.Store, statement string) {
	t.Helper()
	if err := rawReaderOf(t, s).exec(t.Context(), statement); err != nil {
		t.Fatalf("%s: %v", statement, err)
	}
}

// cancelActivity cancels the activity, which no store method does yet.
func cancelActivity(t *testing.T, s store.Store, code string) {
	t.Helper()
	rawExec(t, s, "UPDATE activities SET status = 'cancelled' WHERE code = '"+code+"'")
}

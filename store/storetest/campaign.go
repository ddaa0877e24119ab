package storetest

import (
	"context"
	"database/sql"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"envoybot/store"
)

// auditEntry is one hours_audit row as the suite checks it.
type auditEntry struct {
	ActorID          int64 // 0 for NULL
	At               time.Time
	Reason           string
	OldMins, NewMins int // -1 for NULL
}

// auditReader reads the hours_audit rows of one attendance, oldest first.
type auditReader func(ctx context.Context, attendanceID int64) ([]auditEntry, error)

// auditReaders maps each store opened by this package to a reader of its
// audit log, which no store interface exposes: the suite reads the table
// directly, on a connection of its own.
var auditReaders sync.Map // store.Store → auditReader

// sqliteAuditReader reads hours_audit from the SQLite file at path.
func sqliteAuditReader(path string) auditReader {
	return func(ctx context.Context, attendanceID int64) ([]auditEntry, error) {
		db, err := sql.Open("sqlite", path+"?_pragma=busy_timeout(10000)")
		if err != nil {
			return nil, err
		}
		defer db.Close()
		rows, err := db.QueryContext(ctx, `
			SELECT COALESCE(actor_id, 0), at, reason, COALESCE(old_minutes, -1), COALESCE(new_minutes, -1)
			FROM hours_audit WHERE attendance_id = ? ORDER BY id`, attendanceID)
		if err != nil {
			return nil, err
		}
		defer rows.Close()
		entries := []auditEntry{}
		for rows.Next() {
			var (
				e  auditEntry
				at string
			)
			if err := rows.Scan(&e.ActorID, &at, &e.Reason, &e.OldMins, &e.NewMins); err != nil {
				return nil, err
			}
			if e.At, err = time.Parse(time.RFC3339Nano, at); err != nil {
				return nil, err
			}
			entries = append(entries, e)
		}
		return entries, rows.Err()
	}
}

// postgresAuditReader reads hours_audit through the schema URL.
func postgresAuditReader(schemaURL string) auditReader {
	return func(ctx context.Context, attendanceID int64) ([]auditEntry, error) {
		conn, err := pgx.Connect(ctx, schemaURL)
		if err != nil {
			return nil, err
		}
		defer conn.Close(ctx)
		rows, err := conn.Query(ctx, `
			SELECT COALESCE(actor_id, 0), at, reason, COALESCE(old_minutes, -1), COALESCE(new_minutes, -1)
			FROM hours_audit WHERE attendance_id = $1 ORDER BY id`, attendanceID)
		if err != nil {
			return nil, err
		}
		entries, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (auditEntry, error) {
			var e auditEntry
			err := row.Scan(&e.ActorID, &e.At, &e.Reason, &e.OldMins, &e.NewMins)
			return e, err
		})
		if entries == nil {
			entries = []auditEntry{}
		}
		return entries, err
	}
}

// hoursAudit returns the audit rows of the attendance; the calling test
// skips when s was not opened by this package.
func hoursAudit(t *testing.T, s store.Store, attendanceID int64) []auditEntry {
	t.Helper()
	read, ok := auditReaders.Load(s)
	if !ok {
		t.Skip("the audit log of this store cannot be read")
	}
	entries, err := read.(auditReader)(t.Context(), attendanceID)
	if err != nil {
		t.Fatalf("read hours_audit: %v", err)
	}
	return entries
}

// later is the start of the suite's activities: a day after base.
var later = base.Add(24 * time.Hour)

// mustEnvoy registers openID as a volunteer named 李使者 and returns it;
// the store leaves role checks to the handlers.
func mustEnvoy(t *testing.T, s store.Store, openID string) *store.User {
	t.Helper()
	reg := store.Registration{OpenID: openID, Name: "李使者", Phone: "13900000001", Community: "古槐社区"}
	u, _, err := s.RegisterVolunteer(t.Context(), reg, base)
	if err != nil {
		t.Fatalf("RegisterVolunteer(%q): %v", openID, err)
	}
	return u
}

// newActivity is a valid activity of envoy starting at startsAt.
func newActivity(envoy string, startsAt time.Time, quota int) store.NewActivity {
	return store.NewActivity{
		EnvoyOpenID: envoy,
		Title:       "敬老院包饺子",
		Category:    "关爱困难群体",
		ServiceType: "文体活动",
		StartsAt:    startsAt,
		EndsAt:      startsAt.Add(2 * time.Hour),
		Place:       "古槐社区敬老院",
		Community:   "古槐社区",
		Quota:       quota,
	}
}

func mustActivity(t *testing.T, s store.Store, na store.NewActivity) *store.Activity {
	t.Helper()
	a, err := s.CreateActivity(t.Context(), na, base)
	if err != nil {
		t.Fatalf("CreateActivity(%+v): %v", na, err)
	}
	return a
}

func mustSignUp(t *testing.T, s store.Store, code, openID string, at time.Time) *store.Signup {
	t.Helper()
	su, _, err := s.SignUp(t.Context(), code, openID, store.SourceChat, at)
	if err != nil {
		t.Fatalf("SignUp(%s, %s): %v", code, openID, err)
	}
	return su
}

// assertCode fails unless err carries the domain code (and message, when
// msg is not empty).
func assertCode(t *testing.T, what string, err error, code, msg string) {
	t.Helper()
	if store.ErrorCode(err) != code || (msg != "" && store.ErrorMessage(err) != msg) {
		t.Fatalf("%s = %v, want code %s message %q", what, err, code, msg)
	}
}

// openIDs is o-1 ... o-n.
func openIDs(n int) []string {
	ids := make([]string, n)
	for i := range ids {
		ids[i] = fmt.Sprintf("o-%d", i+1)
	}
	return ids
}

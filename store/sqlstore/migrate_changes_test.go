package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"envoybot/store"
)

// TestReminderKeysMigration undoes migration 4, writes activity reminders
// keyed as before it (no start), and runs it again: each key gets the
// start of its activity, so the scheduler's keys of an activity that did
// not move match the reminders already sent; a key of an unknown activity
// stays as it was.
func TestReminderKeysMigration(t *testing.T) {
	for _, e := range []struct {
		name string
		open func(t *testing.T) *DB
	}{
		{"sqlite", func(t *testing.T) *DB {
			db, err := OpenSQLite(t.Context(), filepath.Join(t.TempDir(), "envoybot.db"))
			if err != nil {
				t.Fatal(err)
			}
			return db
		}},
		{"postgres", openPostgresSchema},
	} {
		t.Run(e.name, func(t *testing.T) {
			ctx := t.Context()
			db := e.open(t)
			defer db.Close()
			at := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
			envoy, err := db.TouchUser(ctx, "o-envoy", at)
			if err != nil {
				t.Fatal(err)
			}
			start := time.Date(2026, 12, 5, 6, 0, 0, 0, time.UTC)
			if _, err := db.CreateActivity(ctx, store.NewActivity{EnvoyID: envoy.ID, Title: "包饺子", Category: "关爱困难群体",
				Community: "古槐社区", Place: "敬老院", StartsAt: start, EndsAt: start.Add(2 * time.Hour)}, at); err != nil {
				t.Fatal(err)
			}
			if _, err := db.migrations.DownTo(ctx, 3); err != nil {
				t.Fatalf("down to 3: %v", err)
			}
			var ns []store.NewNotice
			for _, key := range []string{"activity_reminder|A1|o-1|24h0m0s", "activity_reminder|A9|o-1|2h0m0s"} {
				ns = append(ns, store.NewNotice{Key: key, Kind: "activity_reminder", Subject: key[18:20], OpenID: "o-1", Text: "提醒"})
			}
			if _, err := db.EnqueueNotices(ctx, ns, at); err != nil {
				t.Fatal(err)
			}
			if _, err := db.migrations.UpTo(ctx, 4); err != nil {
				t.Fatalf("up to 4: %v", err)
			}
			// ListNotices reads columns of later migrations (22: the
			// customer-service budget), which change no key.
			if _, err := db.migrations.Up(ctx); err != nil {
				t.Fatalf("up: %v", err)
			}
			list, err := db.ListNotices(ctx, "activity_reminder", 10)
			if err != nil {
				t.Fatal(err)
			}
			var keys []string
			for _, n := range list {
				keys = append(keys, n.Key)
			}
			slices.Sort(keys)
			want := []string{"activity_reminder|A1|2026-12-05T06:00:00Z|o-1|24h0m0s", "activity_reminder|A9|o-1|2h0m0s"}
			if !slices.Equal(keys, want) {
				t.Errorf("keys after migration 4 = %q, want %q", keys, want)
			}
			// The activity is read by today's code, which needs the later
			// migrations' columns (16: signups.companions).
			if _, err := db.migrations.Up(ctx); err != nil {
				t.Fatalf("up: %v", err)
			}
			a, err := db.FindActivityByCode(ctx, "A1")
			if err != nil || a.Revision != 0 || !a.CancelledAt.IsZero() {
				t.Errorf("activity after migration 4 = %+v, %v", a, err)
			}
		})
	}
}

// openPostgresSchema opens a store on a fresh schema of the test database
// (storetest, which does this for the other tests, imports this package).
func openPostgresSchema(t *testing.T) *DB {
	base := os.Getenv("ENVOYBOT_TEST_DATABASE_URL")
	if base == "" {
		t.Skip("PostgreSQL tests skipped: set ENVOYBOT_TEST_DATABASE_URL to run them")
	}
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	schema := fmt.Sprintf("envoybot_test_migrate4_%d", time.Now().UnixNano())
	if _, err := admin.ExecContext(t.Context(), "CREATE SCHEMA "+schema); err != nil {
		t.Fatalf("ENVOYBOT_TEST_DATABASE_URL is set but: %v", err)
	}
	t.Cleanup(func() {
		admin, err := sql.Open("pgx", base)
		if err == nil {
			_, err = admin.ExecContext(context.Background(), "DROP SCHEMA "+schema+" CASCADE")
			admin.Close()
		}
		if err != nil {
			t.Errorf("drop schema %s: %v", schema, err)
		}
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	db, err := OpenPostgres(t.Context(), u.String())
	if err != nil {
		t.Fatal(err)
	}
	return db
}

// TestMigrationOutOfOrder: a database that has every migration but 13
// (one deployed before migration 13 landed, with 14 and 15 already
// applied) gets 13 at its next start, and keeps its data.
func TestMigrationOutOfOrder(t *testing.T) {
	for _, e := range []struct {
		name string
		open func(t *testing.T) *DB
	}{
		{"sqlite", func(t *testing.T) *DB {
			db, err := OpenSQLite(t.Context(), filepath.Join(t.TempDir(), "envoybot.db"))
			if err != nil {
				t.Fatal(err)
			}
			return db
		}},
		{"postgres", openPostgresSchema},
	} {
		t.Run(e.name, func(t *testing.T) {
			ctx := t.Context()
			db := e.open(t)
			defer db.Close()
			at := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
			if _, err := db.migrations.ApplyVersion(ctx, 13, false); err != nil {
				t.Fatalf("undo 13 alone: %v", err)
			}
			if pending, err := db.migrations.HasPending(ctx); err != nil || !pending {
				t.Fatalf("HasPending after undoing 13 = %v, %v; want true", pending, err)
			}
			if _, err := db.EnqueueNotices(ctx, []store.NewNotice{{Key: "k1", Kind: "lecture_notice", Subject: "L1", OpenID: "o-1", Text: "讲座"}}, at); err != nil {
				t.Fatal(err)
			}
			res, err := db.migrations.Up(ctx)
			if err != nil {
				t.Fatalf("up with 13 missing: %v", err)
			}
			if len(res) != 1 || res[0].Source.Version != 13 {
				t.Fatalf("applied %v, want migration 13 alone", res)
			}
			if v, err := db.Version(ctx); err != nil || v < 15 {
				t.Fatalf("Version = %d, %v", v, err)
			}
			list, err := db.ListNotices(ctx, "lecture_notice", 10)
			if err != nil || len(list) != 1 || list[0].Key != "k1" {
				t.Fatalf("notices after migration 13 = %+v, %v", list, err)
			}
		})
	}
}

package sqlite_test

import (
	"os"
	"path/filepath"
	"testing"

	"envoybot/store"
	"envoybot/store/sqlite"
	"envoybot/store/storetest"
)

func TestConformance(t *testing.T) {
	storetest.RunStoreConformance(t, func(t *testing.T) store.Store { return storetest.OpenSQLite(t) })
}

func TestReopen(t *testing.T) {
	storetest.RunReopenConformance(t, func(t *testing.T) storetest.Reopener { return storetest.NewSQLiteReopener(t) })
}

func TestOpen(t *testing.T) {
	t.Run("creates the directory and reports the migration version", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "a", "b", "envoybot.db")
		db, err := sqlite.Open(t.Context(), path)
		if err != nil {
			t.Fatalf("Open: %v", err)
		}
		defer db.Close()
		if _, err := os.Stat(path); err != nil {
			t.Fatalf("database file: %v", err)
		}
		if v, err := db.Version(t.Context()); err != nil || v != 2 {
			t.Fatalf("Version = %d, %v; want 2", v, err)
		}
	})

	t.Run("reopening applies nothing twice", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "envoybot.db")
		for range 2 {
			db, err := sqlite.Open(t.Context(), path)
			if err != nil {
				t.Fatalf("Open: %v", err)
			}
			if v, err := db.Version(t.Context()); err != nil || v != 2 {
				t.Fatalf("Version = %d, %v; want 2", v, err)
			}
			db.Close()
		}
	})

	t.Run("a path with a query is invalid", func(t *testing.T) {
		_, err := sqlite.Open(t.Context(), filepath.Join(t.TempDir(), "x.db?mode=ro"))
		if store.ErrorCode(err) != store.EINVALID {
			t.Fatalf("Open = %v, want code %s", err, store.EINVALID)
		}
	})
}

// BenchmarkEnqueue100k enqueues a fan-out of 100,000 lecture notices in
// one call, the size the scheduler's acceptance benchmark needs in well
// under 10 s.
func BenchmarkEnqueue100k(b *testing.B) {
	storetest.BenchmarkEnqueue(b, storetest.OpenSQLite(b), 100_000)
}

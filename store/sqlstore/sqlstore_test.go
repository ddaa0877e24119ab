package sqlstore_test

import (
	"context"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"envoybot/store"
	"envoybot/store/sqlstore"
	"envoybot/store/storetest"
)

// engines are the two databases every test here runs on, as subtests
// named sqlite and postgres (the latter skips unless
// ENVOYBOT_TEST_DATABASE_URL is set, and fails when it is set but
// unreachable).
var engines = []struct {
	name     string
	open     func(testing.TB) store.Store
	reopener func(testing.TB) storetest.Reopener
}{
	{"sqlite", storetest.OpenSQLite, storetest.NewSQLiteReopener},
	{"postgres", storetest.OpenPostgres, storetest.NewPostgresReopener},
}

func TestConformance(t *testing.T) {
	for _, e := range engines {
		t.Run(e.name, func(t *testing.T) {
			storetest.RunStoreConformance(t, func(t *testing.T) store.Store { return e.open(t) })
		})
	}
}

func TestReopen(t *testing.T) {
	for _, e := range engines {
		t.Run(e.name, func(t *testing.T) {
			storetest.RunReopenConformance(t, func(t *testing.T) storetest.Reopener { return e.reopener(t) })
		})
	}
}

func TestOpenSQLite(t *testing.T) {
	t.Run("creates the directory and reports the migration version", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "a", "b", "envoybot.db")
		db, err := sqlstore.OpenSQLite(t.Context(), path)
		if err != nil {
			t.Fatalf("OpenSQLite: %v", err)
		}
		defer db.Close()
		if _, err := os.Stat(path); err != nil {
			t.Fatalf("database file: %v", err)
		}
		if v, err := db.Version(t.Context()); err != nil || v != 24 {
			t.Fatalf("Version = %d, %v; want 24", v, err)
		}
	})

	t.Run("reopening applies nothing twice", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "envoybot.db")
		for range 2 {
			db, err := sqlstore.OpenSQLite(t.Context(), path)
			if err != nil {
				t.Fatalf("OpenSQLite: %v", err)
			}
			if v, err := db.Version(t.Context()); err != nil || v != 24 {
				t.Fatalf("Version = %d, %v; want 24", v, err)
			}
			db.Close()
		}
	})

	t.Run("a path with a query is invalid", func(t *testing.T) {
		_, err := sqlstore.OpenSQLite(t.Context(), filepath.Join(t.TempDir(), "x.db?mode=ro"))
		if store.ErrorCode(err) != store.EINVALID {
			t.Fatalf("OpenSQLite = %v, want code %s", err, store.EINVALID)
		}
	})
}

func TestOpenPostgres(t *testing.T) {
	t.Run("replicas starting together both migrate", func(t *testing.T) {
		url := storetest.PostgresSchemaURL(t)
		var (
			wg   sync.WaitGroup
			dbs  [2]*sqlstore.DB
			errs [2]error
		)
		for i := range dbs {
			wg.Go(func() { dbs[i], errs[i] = sqlstore.OpenPostgres(context.Background(), url) })
		}
		wg.Wait()
		for i, err := range errs {
			if err != nil {
				t.Fatalf("OpenPostgres %d: %v", i, err)
			}
			defer dbs[i].Close()
		}
		for i, db := range dbs {
			if v, err := db.Version(t.Context()); err != nil || v != 24 {
				t.Fatalf("Version on replica %d = %d, %v; want 24", i, v, err)
			}
		}
		if _, err := dbs[1].TouchUser(t.Context(), "o-1", time.Now()); err != nil {
			t.Fatalf("TouchUser after racing opens: %v", err)
		}
	})

	t.Run("an unreachable database is unavailable", func(t *testing.T) {
		_, err := sqlstore.OpenPostgres(t.Context(), "postgres://postgres@127.0.0.1:1/test?sslmode=disable&connect_timeout=2")
		if store.ErrorCode(err) != store.EUNAVAILABLE {
			t.Fatalf("OpenPostgres = %v, want code %s", err, store.EUNAVAILABLE)
		}
	})
}

// BenchmarkSignUp measures the sign-up transaction on each engine.
func BenchmarkSignUp(b *testing.B) {
	for _, e := range engines {
		b.Run(e.name, func(b *testing.B) { storetest.BenchSignUp(b, e.open) })
	}
}

// BenchmarkEnqueue100k enqueues a fan-out of 100,000 lecture notices in
// one call, the size the scheduler's acceptance benchmark needs.
func BenchmarkEnqueue100k(b *testing.B) {
	for _, e := range engines {
		b.Run(e.name, func(b *testing.B) { storetest.BenchmarkEnqueue(b, e.open(b), 100_000) })
	}
}

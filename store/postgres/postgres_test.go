package postgres_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"envoybot/store"
	"envoybot/store/postgres"
	"envoybot/store/storetest"
)

func TestConformance(t *testing.T) {
	storetest.RunStoreConformance(t, func(t *testing.T) store.Store { return storetest.OpenPostgres(t) })
}

func TestReopen(t *testing.T) {
	storetest.RunReopenConformance(t, func(t *testing.T) storetest.Reopener { return storetest.NewPostgresReopener(t) })
}

func TestOpen(t *testing.T) {
	t.Run("replicas starting together both migrate", func(t *testing.T) {
		url := storetest.PostgresSchemaURL(t)
		var (
			wg   sync.WaitGroup
			dbs  [2]*postgres.DB
			errs [2]error
		)
		for i := range dbs {
			wg.Go(func() { dbs[i], errs[i] = postgres.Open(context.Background(), url) })
		}
		wg.Wait()
		for i, err := range errs {
			if err != nil {
				t.Fatalf("Open %d: %v", i, err)
			}
			defer dbs[i].Close()
		}
		for i, db := range dbs {
			if v, err := db.Version(t.Context()); err != nil || v != 2 {
				t.Fatalf("Version on replica %d = %d, %v; want 2", i, v, err)
			}
		}
		if _, err := dbs[1].TouchUser(t.Context(), "o-1", time.Now()); err != nil {
			t.Fatalf("TouchUser after racing opens: %v", err)
		}
	})

	t.Run("an unreachable database is unavailable", func(t *testing.T) {
		_, err := postgres.Open(t.Context(), "postgres://postgres@127.0.0.1:1/test?sslmode=disable&connect_timeout=2")
		if store.ErrorCode(err) != store.EUNAVAILABLE {
			t.Fatalf("Open = %v, want code %s", err, store.EUNAVAILABLE)
		}
	})
}

// BenchmarkEnqueue100k enqueues a fan-out of 100,000 lecture notices in
// one call, the size the scheduler's acceptance benchmark needs in well
// under 10 s.
func BenchmarkEnqueue100k(b *testing.B) {
	storetest.BenchmarkEnqueue(b, storetest.OpenPostgres(b), 100_000)
}

package sqlstore

import (
	"context"
	"fmt"
	"path/filepath"
	"sync"
	"testing"
	"time"
)

// TestStatementCache: on SQLite a query's statement is prepared once and
// reused, inside transactions too; transactions that miss and single
// statements racing on the one write connection never wait on each other
// for ever; past the cap, queries run unprepared.
func TestStatementCache(t *testing.T) {
	ctx := context.Background()
	db, err := OpenSQLite(ctx, filepath.Join(t.TempDir(), "envoybot.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()

	const q = `SELECT COUNT(*) FROM users WHERE id > $1`
	var n int
	if err := db.reader().row(ctx, q, 0).Scan(&n); err != nil {
		t.Fatal(err)
	}
	first := db.readStmts.peek(q)
	if first == nil {
		t.Fatalf("the query was not kept prepared")
	}
	if err := db.reader().row(ctx, q, 1).Scan(&n); err != nil || db.readStmts.peek(q) != first {
		t.Fatalf("the second run prepared again (%v)", err)
	}

	// A transaction that misses prepares after it ends; the next one
	// borrows the kept statement.
	const w = `UPDATE users SET updated_at = updated_at WHERE id = $1`
	for i := range 2 {
		if err := db.inTx(ctx, func(tx conn) error {
			_, err := tx.exec(ctx, w, i)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		if db.writeStmts.peek(w) == nil {
			t.Fatalf("transaction %d: the statement was not kept", i)
		}
	}

	// 8 goroutines, each mixing transactions and single statements with
	// queries nobody prepared yet, on the write pool's one connection.
	done := make(chan struct{})
	go func() {
		defer close(done)
		var wg sync.WaitGroup
		for g := range 8 {
			wg.Go(func() {
				for i := range 20 {
					query := fmt.Sprintf(`SELECT %d + $1`, g*100+i)
					if err := db.inTx(ctx, func(tx conn) error {
						var v int
						return tx.row(ctx, query, 1).Scan(&v)
					}); err != nil {
						t.Error(err)
					}
					if _, err := db.writer().exec(ctx, fmt.Sprintf(`UPDATE users SET updated_at = updated_at WHERE id = %d + $1`, g*100+i), 0); err != nil {
						t.Error(err)
					}
				}
			})
		}
		wg.Wait()
	}()
	select {
	case <-done:
	case <-time.After(time.Minute):
		t.Fatal("transactions and single statements waited on each other for a minute")
	}

	for i := len(db.writeStmts.m); i < maxCachedStmts; i++ {
		db.writeStmts.get(ctx, fmt.Sprintf(`SELECT %d`, 10_000+i))
	}
	if s := db.writeStmts.get(ctx, `SELECT 'over the cap'`); s != nil {
		t.Errorf("a statement past the cap of %d was kept", maxCachedStmts)
	}
	var s string
	if err := db.writer().row(ctx, `SELECT 'over the cap'`).Scan(&s); err != nil || s != "over the cap" {
		t.Errorf("past the cap, the query did not run unprepared: %q %v", s, err)
	}
}

package sqlstore

import (
	"context"
	"sync"
	"time"
)

// On SQLite, where one server owns the file (the data directory's lock),
// every message this process records is known to it: the keys recorded in
// the last recentWindow are kept in memory (loaded at open, added before
// each record is written), so that looking up a message that was never
// processed — nearly every one — reads nothing. Only a key the set holds
// is read from the database. A retry comes within seconds of the first
// try and an inbox takeover within minutes, so no lookup is for a message
// older than the window.

// recentWindow is how long a recorded key is kept in memory.
const recentWindow = 15 * time.Minute

// maxRecentKeys bounds the set; past it the set gives up and every lookup
// reads the database, as on PostgreSQL.
const maxRecentKeys = 500_000

type recentKeys struct {
	mu      sync.Mutex
	m       map[string]time.Time // key → when added
	off     bool                 // gave up: every lookup reads
	lastCut time.Time
}

// loadRecentKeys reads the keys recorded in the window.
func (db *DB) loadRecentKeys(ctx context.Context) error {
	r := &recentKeys{m: map[string]time.Time{}, lastCut: time.Now()}
	rows, err := db.reader().query(ctx, `SELECT dedup_key FROM processed_messages WHERE processed_at >= $1`,
		time.Now().Add(-recentWindow))
	keys, err := collect(rows, err, scanString)
	if err != nil {
		return err
	}
	now := time.Now()
	for _, k := range keys {
		r.m[k] = now
	}
	r.off = len(r.m) >= maxRecentKeys
	db.recent = r
	return nil
}

// add notes a key about to be recorded.
func (r *recentKeys) add(key string) {
	if r == nil {
		return
	}
	now := time.Now()
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.off {
		return
	}
	r.m[key] = now
	if now.Sub(r.lastCut) >= time.Minute {
		r.lastCut = now
		for k, at := range r.m {
			if now.Sub(at) > recentWindow {
				delete(r.m, k)
			}
		}
	}
	if len(r.m) >= maxRecentKeys {
		r.off, r.m = true, nil
	}
}

// absent reports that key was surely never recorded.
func (r *recentKeys) absent(key string) bool {
	if r == nil {
		return false
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.off {
		return false
	}
	_, ok := r.m[key]
	return !ok
}

package sqlstore

import (
	"context"
	"slices"
	"sync"
	"time"

	"envoybot/store"
)

// touchFlushEvery is how long a chat message's interaction time may wait
// before it is written: the times of every user who wrote meanwhile go in
// one transaction, so a message that changes nothing commits nothing.
const touchFlushEvery = time.Second

// touches are the interaction times TouchUser put off (deferTouch): a
// read-only chat message from a known user records its time here instead
// of committing, and flushTouches writes them all at once. The time only
// moves the 48-hour customer-service window, which a second does not
// change; a server that stops writes them in Close.
type touches struct {
	mu      sync.Mutex
	pending map[string]time.Time
	timer   *time.Timer
	closed  bool
}

// deferWithin is how recent a user's stored interaction must be for the
// next one to be put off: such a user is inside WeChat's 48-hour window
// either way, so the second's delay changes no notice's channel. A user
// who returns after longer is written at once, in time for the notices
// that reopening the window lets through.
const deferWithin = time.Hour

// deferrable reports whether u's interaction at may be put off.
func deferrable(u *store.User, at time.Time) bool {
	d := at.Sub(u.LastInteractionAt)
	return !u.LastInteractionAt.IsZero() && d >= 0 && d < deferWithin
}

// deferredTouchSQL is the put-off write: an update, never an insert, so
// that a user who was forgotten (注销) meanwhile is not created again.
func (db *DB) deferredTouchSQL() string {
	return `UPDATE users SET last_interaction_at = COALESCE(` + db.d.greatest + `(last_interaction_at, $2), last_interaction_at, $2),
		updated_at = $2 WHERE openid = $1`
}

// deferTouch records that openID wrote at, to be written within
// touchFlushEvery. It reports false once the store is closing: the caller
// writes it itself.
func (db *DB) deferTouch(openID string, at time.Time) bool {
	t := &db.touches
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.closed {
		return false
	}
	if t.pending == nil {
		t.pending = map[string]time.Time{}
	}
	if prev, ok := t.pending[openID]; !ok || at.After(prev) {
		t.pending[openID] = at
	}
	if t.timer == nil {
		t.timer = time.AfterFunc(touchFlushEvery, func() { db.flushTouches(context.Background()) })
	}
	return true
}

// flushTouches writes the put-off interaction times in one transaction, in
// OpenID order (two replicas flushing the same users never deadlock). On
// failure they are kept, merged with newer ones, for the next flush.
func (db *DB) flushTouches(ctx context.Context) error {
	t := &db.touches
	t.mu.Lock()
	batch := t.pending
	t.pending, t.timer = nil, nil
	t.mu.Unlock()
	if len(batch) == 0 {
		return nil
	}
	ids := make([]string, 0, len(batch))
	for id := range batch {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	query := db.deferredTouchSQL()
	err := db.ownTx(ctx, func(tx conn) error {
		for _, id := range ids {
			if _, err := tx.exec(ctx, query, id, batch[id]); err != nil {
				return err
			}
		}
		return nil
	})
	if err == nil {
		return nil
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.pending == nil {
		t.pending = map[string]time.Time{}
	}
	for id, at := range batch {
		if prev, ok := t.pending[id]; !ok || at.After(prev) {
			t.pending[id] = at
		}
	}
	if t.timer == nil && !t.closed {
		t.timer = time.AfterFunc(touchFlushEvery, func() { db.flushTouches(context.Background()) })
	}
	return db.wrapError("write interaction times", err)
}

// closeTouches stops putting touches off and writes those pending.
func (db *DB) closeTouches() error {
	t := &db.touches
	t.mu.Lock()
	t.closed = true
	if t.timer != nil {
		t.timer.Stop()
	}
	t.mu.Unlock()
	return db.flushTouches(context.Background())
}

package storetest

import (
	"testing"
	"time"

	"envoybot/store"
)

// runOutboxBacklogConformance: the backlog counts pending notices, those
// due, those claimed, and names the oldest due one's time.
func runOutboxBacklogConformance(t *testing.T, open func(t *testing.T) store.Store) {
	backlog := func(t *testing.T, s store.Store, at time.Time) store.OutboxBacklog {
		t.Helper()
		b, err := s.OutboxBacklog(t.Context(), at)
		if err != nil {
			t.Fatalf("OutboxBacklog: %v", err)
		}
		return b
	}
	t.Run("an empty outbox has no backlog", func(t *testing.T) {
		if b := backlog(t, open(t), base); b != (store.OutboxBacklog{}) {
			t.Fatalf("backlog = %+v, want zero", b)
		}
	})
	t.Run("pending, due, claimed and the oldest due", func(t *testing.T) {
		s := open(t)
		later := notice("L3", "o-later", 1)
		later.NotBefore = base.Add(time.Hour)
		mustEnqueue(t, s, base.Add(-10*time.Minute), 2, notice("L3", "o-1", 1), notice("L3", "o-2", 1))
		mustEnqueue(t, s, base.Add(-time.Minute), 2, notice("L3", "o-3", 1), later)
		claimed := mustClaim(t, s, "r1", base, 1)
		if len(claimed) != 1 {
			t.Fatalf("claimed %d, want 1", len(claimed))
		}
		b := backlog(t, s, base)
		want := store.OutboxBacklog{Pending: 3, Due: 2, Sending: 1}
		oldest := b.OldestDue
		b.OldestDue = time.Time{}
		if b != want {
			t.Errorf("backlog = %+v, want %+v", b, want)
		}
		// The first claimed is the oldest (id order): o-2 waits since
		// base-10m, o-3 since base-1m.
		if !oldest.Equal(base.Add(-10 * time.Minute)) {
			t.Errorf("oldest due = %s, want %s", oldest, base.Add(-10*time.Minute))
		}
		mustComplete(t, s, claimed[0].ID, "r1", store.NoticeOutcome{Status: store.NoticeSent, Channel: store.ChannelCustomer}, base)
		if b := backlog(t, s, base.Add(2*time.Hour)); b.Pending != 3 || b.Due != 3 || b.Sending != 0 {
			t.Errorf("two hours on, backlog = %+v, want 3 pending, 3 due, none sending", b)
		}
	})
}

package storetest

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"envoybot/store"
)

// runInboxConformance: messages answered before they were processed are
// kept until processed, taken over once their lease ends, by one taker.
func runInboxConformance(t *testing.T, open func(t *testing.T) store.Store) {
	kept := func(key, openID string, at time.Time) store.InboxMessage {
		return store.InboxMessage{DedupKey: key, OpenID: openID, Body: `{"text":"报名 A1 张三 13812345678"}`,
			Owner: "replica-a/1", ReceivedAt: at, LeaseUntil: at.Add(40 * time.Second)}
	}
	take := func(t *testing.T, s store.Store, owner string, now time.Time, limit int) []store.InboxMessage {
		t.Helper()
		ms, err := s.TakeInbox(t.Context(), owner, now, now.Add(40*time.Second), limit, 5)
		if err != nil {
			t.Fatalf("TakeInbox: %v", err)
		}
		return ms
	}

	t.Run("a kept message is taken over once its lease ends, by one taker at a time", func(t *testing.T) {
		s := open(t)
		m := kept("msg:1", "o-1", base)
		if err := s.KeepInbox(t.Context(), m); err != nil {
			t.Fatalf("KeepInbox: %v", err)
		}
		if err := s.KeepInbox(t.Context(), kept("msg:1", "o-1", base.Add(time.Second))); err != nil {
			t.Fatalf("KeepInbox again: %v", err)
		}
		if got := take(t, s, "replica-b/1", base.Add(39*time.Second), 10); len(got) != 0 {
			t.Fatalf("taken before the lease ended: %+v", got)
		}
		got := take(t, s, "replica-b/1", base.Add(41*time.Second), 10)
		if len(got) != 1 || got[0].DedupKey != "msg:1" || got[0].Body != m.Body || got[0].OpenID != "o-1" ||
			got[0].Owner != "replica-b/1" || got[0].Attempts != 1 {
			t.Fatalf("taken = %+v; want msg:1 with its body, owned by replica-b/1, attempt 1", got)
		}
		assertTime(t, "received", got[0].ReceivedAt, base)
		assertTime(t, "lease", got[0].LeaseUntil, base.Add(81*time.Second))
		if again := take(t, s, "replica-c/1", base.Add(42*time.Second), 10); len(again) != 0 {
			t.Fatalf("taken again within the new lease: %+v", again)
		}
	})

	t.Run("recording the message drops it; a processed message is not kept", func(t *testing.T) {
		s := open(t)
		if err := s.KeepInbox(t.Context(), kept("msg:2", "o-1", base)); err != nil {
			t.Fatal(err)
		}
		if err := s.RecordProcessed(t.Context(), store.ProcessedMessage{DedupKey: "msg:2", OpenID: "o-1", Reply: "late", At: base}); err != nil {
			t.Fatal(err)
		}
		if err := s.KeepInbox(t.Context(), kept("msg:2", "o-1", base)); err != nil {
			t.Fatal(err)
		}
		if got := take(t, s, "replica-b/1", base.Add(time.Hour), 10); len(got) != 0 {
			t.Fatalf("a processed message was taken over: %+v", got)
		}
	})

	t.Run("a dropped message is gone; dropping an unknown key is fine", func(t *testing.T) {
		s := open(t)
		if err := s.KeepInbox(t.Context(), kept("msg:3", "o-1", base)); err != nil {
			t.Fatal(err)
		}
		for _, key := range []string{"msg:3", "msg:3", "msg:none"} {
			if err := s.DropInbox(t.Context(), key); err != nil {
				t.Fatalf("DropInbox(%s): %v", key, err)
			}
		}
		if got := take(t, s, "replica-b/1", base.Add(time.Hour), 10); len(got) != 0 {
			t.Fatalf("a dropped message was taken over: %+v", got)
		}
	})

	t.Run("a message taken over too often is left alone", func(t *testing.T) {
		s := open(t)
		if err := s.KeepInbox(t.Context(), kept("msg:4", "o-1", base)); err != nil {
			t.Fatal(err)
		}
		now := base
		for i := 1; i <= 3; i++ {
			now = now.Add(time.Hour)
			got, err := s.TakeInbox(t.Context(), "r", now, now.Add(time.Minute), 10, 3)
			if err != nil || len(got) != 1 || got[0].Attempts != i {
				t.Fatalf("take %d = %+v, %v; want attempt %d", i, got, err, i)
			}
		}
		if got, err := s.TakeInbox(t.Context(), "r", now.Add(time.Hour), now.Add(2*time.Hour), 10, 3); err != nil || len(got) != 0 {
			t.Fatalf("taken a fourth time with at most 3: %+v, %v", got, err)
		}
	})

	t.Run("concurrent takers share the expired messages, each taken once, oldest first", func(t *testing.T) {
		s := open(t)
		const n = 30
		for i := range n {
			if err := s.KeepInbox(t.Context(), kept(fmt.Sprintf("msg:c%02d", i), "o-1", base.Add(time.Duration(i)*time.Millisecond))); err != nil {
				t.Fatal(err)
			}
		}
		var mu sync.Mutex
		seen := map[string]int{}
		atOnce(8, func(i int) {
			for {
				got, err := s.TakeInbox(t.Context(), fmt.Sprintf("r%d", i), base.Add(time.Hour), base.Add(2*time.Hour), 4, 5)
				if err != nil {
					t.Errorf("TakeInbox: %v", err)
					return
				}
				if len(got) == 0 {
					return
				}
				for j := 1; j < len(got); j++ {
					if got[j].ReceivedAt.Before(got[j-1].ReceivedAt) {
						t.Errorf("taken out of order: %s before %s", got[j-1].DedupKey, got[j].DedupKey)
					}
				}
				mu.Lock()
				for _, m := range got {
					seen[m.DedupKey]++
				}
				mu.Unlock()
			}
		})
		if len(seen) != n {
			t.Fatalf("%d messages taken, want %d", len(seen), n)
		}
		for key, c := range seen {
			if c != 1 {
				t.Fatalf("%s taken %d times", key, c)
			}
		}
	})

	t.Run("注销 and the retention remove kept messages", func(t *testing.T) {
		s := open(t)
		u := mustTouch(t, s, "o-forget", base)
		for _, m := range []store.InboxMessage{kept("msg:f1", "o-forget", base), kept("msg:f2", "o-other", base),
			kept("msg:old", "o-other", base.Add(-8*24*time.Hour))} {
			if err := s.KeepInbox(t.Context(), m); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := s.ForgetUser(t.Context(), u.ID, base); err != nil {
			t.Fatal(err)
		}
		if _, _, err := s.PruneProcessed(t.Context(), base.Add(-store.ProcessedReplyRetention), base.Add(-store.ProcessedFactRetention)); err != nil {
			t.Fatal(err)
		}
		got := take(t, s, "r", base.Add(time.Hour), 10)
		if len(got) != 1 || got[0].DedupKey != "msg:f2" {
			t.Fatalf("left after 注销 and pruning: %+v; want only msg:f2", got)
		}
	})

	t.Run("keeping and taking check their arguments", func(t *testing.T) {
		s := open(t)
		if err := s.KeepInbox(t.Context(), store.InboxMessage{DedupKey: "msg:x"}); store.ErrorCode(err) != store.EINVALID {
			t.Fatalf("KeepInbox without owner and times = %v, want %s", err, store.EINVALID)
		}
		if _, err := s.TakeInbox(t.Context(), "", base, base.Add(time.Minute), 1, 1); store.ErrorCode(err) != store.EINVALID {
			t.Fatalf("TakeInbox without owner = %v, want %s", err, store.EINVALID)
		}
	})
}

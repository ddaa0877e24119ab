package storetest

import (
	"testing"
	"time"

	"envoybot/store"
)

// runMessageRetentionConformance: stored replies go after the reply
// retention, the fact of processing after the fact retention.
func runMessageRetentionConformance(t *testing.T, open func(t *testing.T) store.Store) {
	t.Run("prune clears old replies and deletes old facts", func(t *testing.T) {
		s := open(t)
		now := base.Add(30 * 24 * time.Hour)
		for _, m := range []store.ProcessedMessage{
			{DedupKey: "msg:fresh", OpenID: "o-1", Reply: "done:报名成功 张三 138****5678", At: now.Add(-time.Minute)},
			{DedupKey: "msg:retried-out", OpenID: "o-1", Reply: "done:报名成功 张三 138****5678", At: now.Add(-time.Hour)},
			{DedupKey: "msg:late", OpenID: "o-1", Reply: "late", At: now.Add(-time.Hour)},
			{DedupKey: "msg:old", OpenID: "o-1", Reply: "", At: now.Add(-8 * 24 * time.Hour)},
		} {
			if err := s.RecordProcessed(t.Context(), m); err != nil {
				t.Fatalf("RecordProcessed(%s): %v", m.DedupKey, err)
			}
		}
		cleared, deleted, err := s.PruneProcessed(t.Context(), now.Add(-store.ProcessedReplyRetention), now.Add(-store.ProcessedFactRetention))
		if err != nil || cleared != 2 || deleted != 1 {
			t.Fatalf("PruneProcessed = %d cleared, %d deleted, %v; want 2 and 1", cleared, deleted, err)
		}
		want := map[string]string{"msg:fresh": "done:报名成功 张三 138****5678", "msg:retried-out": "", "msg:late": ""}
		for key, reply := range want {
			got, err := s.FindProcessed(t.Context(), key)
			if err != nil || got.Reply != reply {
				t.Fatalf("FindProcessed(%s) = %+v, %v; want reply %q", key, got, err, reply)
			}
		}
		if _, err := s.FindProcessed(t.Context(), "msg:old"); store.ErrorCode(err) != store.ENOTFOUND {
			t.Fatalf("FindProcessed(msg:old) = %v, want code %s", err, store.ENOTFOUND)
		}
		if cleared, deleted, err := s.PruneProcessed(t.Context(), now.Add(-store.ProcessedReplyRetention), now.Add(-store.ProcessedFactRetention)); err != nil || cleared != 0 || deleted != 0 {
			t.Fatalf("second PruneProcessed = %d, %d, %v; want nothing to do", cleared, deleted, err)
		}
	})

	t.Run("prune needs its cutoffs", func(t *testing.T) {
		if _, _, err := open(t).PruneProcessed(t.Context(), time.Time{}, base); store.ErrorCode(err) != store.EINVALID {
			t.Fatalf("PruneProcessed without a cutoff = %v, want code %s", err, store.EINVALID)
		}
	})
}

package scheduler

import (
	"log/slog"
	"testing"
	"time"

	"envoybot/store"
	"envoybot/store/storetest"
)

func TestPruneRepliesKeepsOnlyTheFact(t *testing.T) {
	storetest.Backends(t, func(t *testing.T, s store.Store) {
		ctx := t.Context()
		now := time.Date(2026, 12, 5, 10, 0, 0, 0, shanghai)
		for key, at := range map[string]time.Time{
			"msg:1": now.Add(-time.Minute),        // WeChat may still retry it
			"msg:2": now.Add(-10 * time.Minute),   // retries long over
			"msg:3": now.Add(-8 * 24 * time.Hour), // forgotten altogether
		} {
			m := store.ProcessedMessage{DedupKey: key, OpenID: "o-1", Reply: "done:报名成功，张三 13812345678", At: at}
			if err := s.RecordProcessed(ctx, m); err != nil {
				t.Fatal(err)
			}
		}
		j := &Jobs{Store: s, Loc: shanghai, Log: slog.New(slog.DiscardHandler)}
		var job Job
		for _, x := range j.All() {
			if x.Name == JobPruneReplies {
				job = x
			}
		}
		if job.Run == nil || job.Spec == "" {
			t.Fatalf("%s is not among the jobs", JobPruneReplies)
		}
		if err := job.Run(ctx, now); err != nil {
			t.Fatalf("%s: %v", job.Name, err)
		}
		if m, err := s.FindProcessed(ctx, "msg:1"); err != nil || m.Reply == "" {
			t.Errorf("a reply WeChat may still ask for again: %+v, %v; want it kept", m, err)
		}
		if m, err := s.FindProcessed(ctx, "msg:2"); err != nil || m.Reply != "" {
			t.Errorf("a reply 10 minutes old: %+v, %v; want the fact without the reply", m, err)
		}
		if _, err := s.FindProcessed(ctx, "msg:3"); store.ErrorCode(err) != store.ENOTFOUND {
			t.Errorf("a message processed 8 days ago: %v, want it forgotten", err)
		}
	})
}

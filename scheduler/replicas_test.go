package scheduler

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"envoybot/bot/wechattest"
	"envoybot/bot/wxapi"
	"envoybot/configs"
	"envoybot/store"
	"envoybot/store/storetest"
)

func TestJobRunsOnceAcrossReplicas(t *testing.T) {
	storetest.Backends(t, func(t *testing.T, s store.Store) {
		var runs atomic.Int64
		job := Job{Name: "count", Spec: "* * * * *", Run: func(context.Context, time.Time) error {
			runs.Add(1)
			time.Sleep(50 * time.Millisecond)
			return nil
		}}
		tick := time.Date(2026, 12, 5, 9, 0, 0, 0, time.UTC)
		now := func() time.Time { return tick.Add(10 * time.Second) }
		var wg sync.WaitGroup
		for i := 0; i < 3; i++ {
			sch := New(s, fmt.Sprintf("replica-%d", i), time.Minute, time.UTC, slog.New(slog.DiscardHandler), now)
			wg.Add(1)
			go func() { defer wg.Done(); sch.tryRun(job, tick) }()
		}
		wg.Wait()
		if n := runs.Load(); n != 1 {
			t.Errorf("3 replicas firing the same tick ran the job %d times, want 1", n)
		}
	})
}

func TestDeadReplicasRunIsTakenOver(t *testing.T) {
	storetest.Backends(t, func(t *testing.T, s store.Store) {
		ctx := context.Background()
		tick := time.Date(2026, 12, 5, 9, 0, 0, 0, time.UTC)
		lease := time.Minute
		// replica-a claims the run and dies without finishing it.
		if ok, err := s.ClaimJobRun(ctx, "count", tick, "replica-a", lease, tick); err != nil || !ok {
			t.Fatalf("claim = %v, %v", ok, err)
		}
		var runs atomic.Int64
		job := Job{Name: "count", Run: func(context.Context, time.Time) error { runs.Add(1); return nil }}
		clock := tick.Add(30 * time.Second)
		b := New(s, "replica-b", lease, time.UTC, slog.New(slog.DiscardHandler), func() time.Time { return clock })
		if b.tryRun(job, tick) || runs.Load() != 0 {
			t.Fatal("replica-b ran while replica-a's lease was live")
		}
		clock = tick.Add(lease + time.Second)
		if !b.tryRun(job, tick) || runs.Load() != 1 {
			t.Fatalf("replica-b did not take over after the lease: runs %d", runs.Load())
		}
		if b.tryRun(job, tick) || runs.Load() != 1 {
			t.Error("a finished run ran again")
		}
	})
}

func TestDispatchersShareTheOutbox(t *testing.T) {
	storetest.Backends(t, func(t *testing.T, s store.Store) {
		ctx := context.Background()
		api := wechattest.NewFakeAPI(t)
		api.FailEvery("/cgi-bin/message/custom/send", 10, 502)
		cache := storetest.OpenMemoryCache(t)
		client := wxapi.New(wxapi.Config{AppID: "wxtest0000000001", Secret: "s", APIBase: api.URL(), Timeout: 3 * time.Second}, cache, slog.New(slog.DiscardHandler))
		now := time.Date(2026, 12, 5, 9, 0, 0, 0, time.UTC)
		const n = 120
		ns := make([]store.NewNotice, n)
		for i := range ns {
			id := fmt.Sprintf("o-%03d", i)
			if _, err := s.TouchUser(ctx, id, now.Add(-time.Hour)); err != nil {
				t.Fatal(err)
			}
			ns[i] = store.NewNotice{Key: "k|" + id, Kind: KindLectureNotice, Subject: "L1", OpenID: id, Text: "讲座提醒 " + id}
		}
		if _, err := s.EnqueueNotices(ctx, ns, now); err != nil {
			t.Fatal(err)
		}
		cfg := configs.Notices{RatePerSecond: 1000, Batch: 10, Lease: time.Minute, PollInterval: 10 * time.Millisecond,
			RetryBase: time.Millisecond, RetryMax: time.Millisecond, MaxAge: time.Hour, CustomerWindow: 48 * time.Hour, QuotaReset: "00:00"}
		began := time.Now()
		clock := func() time.Time { return now.Add(time.Second + time.Since(began)) } // retries come due
		var wg sync.WaitGroup
		for i := 0; i < 3; i++ {
			d := NewDispatcher(s, cache, client, cfg, time.UTC, fmt.Sprintf("replica-%d", i), slog.New(slog.DiscardHandler), clock)
			wg.Add(1)
			go func() {
				defer wg.Done()
				for k := 0; k < 5; k++ { // the injected 502s are retried
					if _, err := d.Drain(ctx); err != nil {
						t.Error(err)
					}
					time.Sleep(20 * time.Millisecond)
				}
			}()
		}
		wg.Wait()
		seen := map[string]int{}
		for _, m := range api.CustomerTexts() {
			seen[m.ToUser]++
		}
		for i := 0; i < n; i++ {
			if id := fmt.Sprintf("o-%03d", i); seen[id] != 1 {
				t.Errorf("%s received %d notices, want 1", id, seen[id])
			}
		}
		counts, err := s.NoticeCounts(ctx)
		if err != nil || counts[store.NoticeSent] != n {
			t.Errorf("counts = %v, %v; want %d sent", counts, err, n)
		}
	})
}

func TestTooLateNoticeIsNotSent(t *testing.T) {
	h := newHarness(t, nil)
	h.outbox.setUser("o-1", fakeUser{following: true, lastSeen: t0.Add(-time.Hour)})
	n := store.NewNotice{Key: "late", Kind: KindLectureNotice, Subject: "L3", OpenID: "o-1", Text: "x",
		Fields: map[string]string{FieldNotAfter: t0.Add(-time.Minute).Format(time.RFC3339)}}
	if _, err := h.outbox.EnqueueNotices(context.Background(), []store.NewNotice{n}, h.clock.Now()); err != nil {
		t.Fatal(err)
	}
	h.drain(h.dispatcher("r1"))
	if got := h.notice("o-1"); got.Status != store.NoticeUndeliverable || got.LastError != ReasonTooLate {
		t.Errorf("notice = %s %q, want undeliverable %s", got.Status, got.LastError, ReasonTooLate)
	}
	if len(h.api.CustomerTexts()) != 0 {
		t.Error("a notice past its moment was sent")
	}
}

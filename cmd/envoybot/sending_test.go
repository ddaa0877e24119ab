package main

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"testing"
	"time"

	"envoybot/bot/wechattest"
	"envoybot/scheduler"
	"envoybot/store"
)

// TestEmbeddedProcessesShareSending: a server and a second process (as
// `envoybot jobs run outbox`) on one embedded database share the daily
// quota pause (45009) and the account's send rate, through the database.
func TestEmbeddedProcessesShareSending(t *testing.T) {
	api := wechattest.NewFakeAPI(t)
	env := map[string]string{
		"ENVOYBOT_DATA_DIR":        t.TempDir(),
		"ENVOYBOT_WECHAT_API_BASE": api.URL(), "ENVOYBOT_WECHAT_TOKEN": "testtoken42",
		"ENVOYBOT_WECHAT_APPID": "wxtest0000000042", "ENVOYBOT_WECHAT_SECRET": "test-secret",
	}
	now := time.Date(2026, 12, 1, 10, 0, 0, 0, cst)
	clock := func() time.Time { return now }
	open := func() *app {
		cfg := loadConfig(t, env)
		cfg.Notices.RatePerSecond = 5
		a, err := openApp(context.Background(), cfg, slog.New(slog.DiscardHandler), clock)
		if err != nil {
			t.Fatalf("open app: %v", err)
		}
		t.Cleanup(func() { _ = a.close(context.Background()) })
		return a
	}
	server, cli := open(), open()
	ctx := context.Background()
	enqueue := func(prefix string, n int) {
		ns := make([]store.NewNotice, n)
		for i := range ns {
			id := fmt.Sprintf("%s-%02d", prefix, i)
			if _, err := server.store.TouchUser(ctx, id, now.Add(-time.Hour)); err != nil {
				t.Fatal(err)
			}
			ns[i] = store.NewNotice{Key: "k|" + id, Kind: scheduler.KindLectureNotice, Subject: "L1", OpenID: id, Text: "讲座提醒"}
		}
		if _, err := server.store.EnqueueNotices(ctx, ns, now); err != nil {
			t.Fatal(err)
		}
	}

	t.Run("the send rate is one for both processes", func(t *testing.T) {
		enqueue("rate", 20)
		var wg sync.WaitGroup
		for _, a := range []*app{server, cli} {
			wg.Go(func() {
				if _, err := a.dispatcher.Drain(ctx); err != nil {
					t.Error(err)
				}
			})
		}
		wg.Wait()
		perSecond := map[int64]int{}
		most := 0
		for _, c := range api.Calls("/cgi-bin/message/custom/send") {
			perSecond[c.At.Unix()]++
			most = max(most, perSecond[c.At.Unix()])
		}
		t.Logf("20 notices sent by two processes at rate_per_second 5: %d sends, at most %d in one second (%v)",
			len(api.CustomerTexts()), most, perSecond)
		if len(api.CustomerTexts()) != 20 || most > 5 {
			t.Errorf("%d sent, at most %d in a second; want 20, never more than 5", len(api.CustomerTexts()), most)
		}
	})

	t.Run("a quota pause by one process stops the other", func(t *testing.T) {
		enqueue("quota", 3)
		api.FailNext("/cgi-bin/message/custom/send", 45009)
		if _, err := server.dispatcher.Drain(ctx); err != nil {
			t.Fatal(err)
		}
		before := len(api.Calls("/cgi-bin/message/custom/send"))
		until, paused, err := cli.dispatcher.PausedUntil(ctx)
		t.Logf("after 45009 in the server, the other process reads: paused %v until %s (%v)", paused, until, err)
		if err != nil || !paused || !until.Equal(time.Date(2026, 12, 2, 0, 0, 0, 0, cst)) {
			t.Errorf("PausedUntil in the other process = %s %v %v, want paused until midnight", until, paused, err)
		}
		stats, err := cli.dispatcher.Drain(ctx)
		if err != nil || stats.Sent != 0 {
			t.Errorf("the other process sent %+v (%v) while paused", stats, err)
		}
		if n := len(api.Calls("/cgi-bin/message/custom/send")) - before; n != 0 {
			t.Errorf("the other process made %d send attempts while paused, want 0", n)
		}
	})
}

package bot_test

import (
	"context"
	"log/slog"
	"net/http/httptest"
	"strconv"
	"testing"
	"time"

	"envoybot/bot"
	"envoybot/bot/wxsign"
	"envoybot/store"
	"envoybot/store/storetest"
)

// TestHandlerSeesTheMessageKey: the handler's context carries the
// message's dedup key, the same on a retry that runs it again (after a
// crash, when neither the cache nor the record kept the message), so that
// what the handler creates can be created once.
func TestHandlerSeesTheMessageKey(t *testing.T) {
	if got := bot.MessageKey(context.Background()); got != "" {
		t.Fatalf("MessageKey outside a callback = %q, want empty", got)
	}
	storetest.Caches(t, func(t *testing.T, cache store.Cache) {
		seen := make(chan string, 4)
		h := bot.HandlerFunc(func(ctx context.Context, m *bot.Message) (bot.Reply, error) {
			seen <- bot.MessageKey(ctx)
			return bot.Reply{Text: "ok"}, nil
		})
		cfg := bot.Config{Token: testToken, AppID: testAppID, TimestampWindow: 300 * time.Second,
			ReplyDeadline: 4500 * time.Millisecond, HandlerTimeout: 10 * time.Second, DedupTTL: time.Minute, MaxBodyBytes: 64 << 10}
		cb := bot.NewCallback(cfg, h, bot.Deps{Cache: cache, Record: newMemoryLog(), Logger: slog.New(slog.DiscardHandler)})
		srv := httptest.NewServer(cb)
		t.Cleanup(srv.Close)
		t.Cleanup(func() { _ = cb.Wait(context.Background()) })
		signer := wxsign.Signer{Token: testToken, AppID: testAppID}
		post := func(body string) string {
			t.Helper()
			reply, err := signer.ReadReply(do(t, signer.Post(srv.URL+"/wechat", body, false)), false)
			if err != nil {
				t.Fatal(err)
			}
			return reply
		}

		id := wxsign.NextMsgID()
		want := "msg:" + strconv.FormatInt(id, 10)
		body := signer.TextXML("o-envoy", "发布活动 读书会", id)
		if got := post(body); got != "ok" {
			t.Fatalf("reply = %q", got)
		}
		if got := <-seen; got != want {
			t.Fatalf("MessageKey in the handler = %q, want %q", got, want)
		}
		// The replica died before recording the message: neither the cache
		// nor a record remembers it, and WeChat's retry runs it again.
		if err := cache.Delete(t.Context(), bot.DedupCacheKey(want)); err != nil {
			t.Fatal(err)
		}
		cb2 := bot.NewCallback(cfg, h, bot.Deps{Cache: cache, Record: newMemoryLog(), Logger: slog.New(slog.DiscardHandler)})
		srv2 := httptest.NewServer(cb2)
		t.Cleanup(srv2.Close)
		t.Cleanup(func() { _ = cb2.Wait(context.Background()) })
		reply, err := signer.ReadReply(do(t, signer.Post(srv2.URL+"/wechat", body, false)), false)
		if err != nil || reply != "ok" {
			t.Fatalf("retry reply = %q, %v", reply, err)
		}
		if got := <-seen; got != want {
			t.Fatalf("MessageKey on the retry = %q, want %q", got, want)
		}
		t.Logf("the handler saw %s on the first attempt and on the retry", want)
	})
}

package bot_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"envoybot/bot"
	"envoybot/bot/wxsign"
	"envoybot/store/memory"
)

// BenchmarkCallbackPlain is the transport's own cost per message in plain
// mode: signature, timestamp and replay checks, XML both ways, dedup in the
// in-memory cache, a trivial handler. Requests are signed before the clock
// starts, each with its own nonce and MsgId as WeChat sends them.
func BenchmarkCallbackPlain(b *testing.B) { benchmarkCallback(b, false) }

// BenchmarkCallbackSafe is BenchmarkCallbackPlain in safe mode: the message
// decrypted and its MsgSignature checked, the reply encrypted and signed.
func BenchmarkCallbackSafe(b *testing.B) { benchmarkCallback(b, true) }

func benchmarkCallback(b *testing.B, safe bool) {
	cache := memory.New()
	defer cache.Close()
	cb := bot.NewCallback(bot.Config{
		Token: testToken, AppID: testAppID, AESKey: testAESKey,
		TimestampWindow: 300 * time.Second, ReplyDeadline: 4500 * time.Millisecond, HandlerTimeout: 10 * time.Second,
		DedupTTL: 120 * time.Second, MaxBodyBytes: 64 << 10,
	}, bot.HandlerFunc(func(_ context.Context, m *bot.Message) (bot.Reply, error) {
		return bot.Reply{Text: "收到：" + m.Text}, nil
	}), bot.Deps{Cache: cache, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	s := wxsign.Signer{Token: testToken, AppID: testAppID, AESKey: testAESKey}

	reqs := make([]*http.Request, b.N)
	for i := range reqs {
		reqs[i] = s.Post("/wechat", s.TextXML("o-bench", "报名 A12", wxsign.NextMsgID()), safe)
	}
	b.ReportAllocs()
	b.ResetTimer()
	var w *httptest.ResponseRecorder
	for i := range b.N {
		w = httptest.NewRecorder()
		cb.ServeHTTP(w, reqs[i])
		if w.Code != http.StatusOK {
			b.Fatalf("reply %d: %s", w.Code, w.Body)
		}
	}
	b.StopTimer()
	if reply, err := s.ReadReply(w.Result(), safe); err != nil || reply != "收到：报名 A12" {
		b.Fatalf("last reply %q, %v", reply, err)
	}
}

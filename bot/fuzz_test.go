package bot_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"envoybot/bot"
	"envoybot/bot/wxsign"
	"envoybot/store/memory"
)

// FuzzCallback feeds arbitrary bodies, signed, through the whole callback
// in plain and safe mode: it must never panic, and must answer either a
// readable reply or a 4xx.
func FuzzCallback(f *testing.F) {
	s := wxsign.Signer{Token: testToken, AppID: testAppID, AESKey: testAESKey}
	f.Add(s.TextXML("o-1", "帮助", 1), false)
	f.Add(s.TextXML("o-1", "注册 张三 13812345678 古槐社区", 2), true)
	f.Add(s.EventXML("o-1", "subscribe", "qrscene_checkin:A1", 1700000000, ""), false)
	f.Add(s.EventXML("o-1", "LOCATION", "", 1700000000, "<Latitude>x</Latitude><Longitude>1e999</Longitude>"), true)
	f.Add(s.LocationXML("o-1", 35.4, 116.5, "x", 3), false)
	f.Add(`<xml><MsgType>text</MsgType><FromUserName>a</FromUserName><Content><![CDATA[]]]]><![CDATA[>]]></Content></xml>`, false)
	f.Add(`<!DOCTYPE xml [<!ENTITY a "aaaa">]><xml><FromUserName>&a;</FromUserName><MsgType>text</MsgType></xml>`, false)
	f.Add("\xff\xfe<xml>", true)

	cache := memory.New()
	f.Cleanup(func() { _ = cache.Close() })
	h := bot.HandlerFunc(func(_ context.Context, m *bot.Message) (bot.Reply, error) {
		return bot.Reply{Text: m.Text + m.Event + m.Scene}, nil
	})
	cb := bot.NewCallback(bot.Config{
		Token: testToken, AppID: testAppID, AESKey: testAESKey,
		TimestampWindow: 300 * time.Second, ReplyDeadline: 2 * time.Second, HandlerTimeout: 5 * time.Second,
		DedupTTL: 60 * time.Second, MaxBodyBytes: 64 << 10,
	}, h, bot.Deps{Cache: cache, Logger: slog.New(slog.DiscardHandler)})

	f.Fuzz(func(t *testing.T, body string, safe bool) {
		w := httptest.NewRecorder()
		cb.ServeHTTP(w, s.Post("http://envoybot/wechat", body, safe))
		switch w.Code {
		case http.StatusOK:
			resp := w.Result()
			if _, err := s.ReadReply(resp, safe); err != nil {
				raw, _ := io.ReadAll(resp.Body)
				t.Fatalf("200 with an unreadable reply: %v (%q)", err, raw)
			}
		case http.StatusBadRequest, http.StatusForbidden, http.StatusRequestEntityTooLarge:
		default:
			t.Fatalf("status %d for body %q", w.Code, body)
		}
		if strings.Contains(w.Body.String(), "panic") {
			t.Fatalf("panic text in answer: %q", w.Body.String())
		}
	})
}

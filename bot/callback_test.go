package bot_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"envoybot/bot"
	"envoybot/bot/wechattest"
	"envoybot/bot/wxapi"
	"envoybot/bot/wxsign"
	"envoybot/store"
	"envoybot/store/memory"
	"envoybot/store/storetest"
)

const (
	testToken  = "testtoken123"
	testAppID  = "wxtestappid000001"
	testAESKey = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"
)

// syncBuffer is a log sink safe for concurrent writers.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// fixture is a callback served over real HTTP, with a recording handler.
type fixture struct {
	url    string
	signer wxsign.Signer
	logs   *syncBuffer
	calls  atomic.Int64
	seen   chan *bot.Message
	cb     *bot.Callback
}

type fixtureOpts struct {
	cfg    func(*bot.Config)
	cache  store.Cache
	record store.MessageLog
	inbox  store.MessageInbox
	sender bot.Sender
	now    func() time.Time
	reply  func(m *bot.Message) (bot.Reply, error)
}

func newFixture(t *testing.T, o fixtureOpts) *fixture {
	t.Helper()
	cfg := bot.Config{
		Token: testToken, AppID: testAppID, AESKey: testAESKey,
		TimestampWindow: 300 * time.Second, ReplyDeadline: 4500 * time.Millisecond, HandlerTimeout: 10 * time.Second,
		DedupTTL: 120 * time.Second, MaxBodyBytes: 64 << 10,
		MenuKeys: map[string]string{"MENU_HELP": "帮助"},
	}
	if o.cfg != nil {
		o.cfg(&cfg)
	}
	if o.cache == nil {
		c := memory.New()
		t.Cleanup(func() { _ = c.Close() })
		o.cache = c
	}
	if o.reply == nil {
		o.reply = func(m *bot.Message) (bot.Reply, error) { return bot.Reply{Text: "收到：" + m.Text}, nil }
	}
	f := &fixture{logs: &syncBuffer{}, seen: make(chan *bot.Message, 100)}
	h := bot.HandlerFunc(func(_ context.Context, m *bot.Message) (bot.Reply, error) {
		f.calls.Add(1)
		f.seen <- m
		return o.reply(m)
	})
	cb := bot.NewCallback(cfg, h, bot.Deps{
		Cache: o.cache, Record: o.record, Inbox: o.inbox, Sender: o.sender, Now: o.now,
		Logger: slog.New(slog.NewJSONHandler(f.logs, nil)),
	})
	f.cb = cb
	srv := httptest.NewServer(cb)
	t.Cleanup(srv.Close)
	t.Cleanup(func() { _ = cb.Wait(context.Background()) })
	f.url = srv.URL + "/wechat"
	f.signer = wxsign.Signer{Token: cfg.Token, AppID: cfg.AppID, AESKey: cfg.AESKey, Now: o.now}
	return f
}

func do(t *testing.T, req *http.Request) *http.Response {
	t.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", req.Method, req.URL.Path, err)
	}
	return resp
}

func (f *fixture) roundTrip(t *testing.T, body string, safe bool) string {
	t.Helper()
	reply, err := f.signer.ReadReply(do(t, f.signer.Post(f.url, body, safe)), safe)
	if err != nil {
		t.Fatalf("reply: %v", err)
	}
	return reply
}

func TestWeChatPublishedSample(t *testing.T) {
	raw, err := os.ReadFile("testdata/wechat_sample.json")
	if err != nil {
		t.Fatal(err)
	}
	var s struct {
		Token, EncodingAESKey, AppID, Timestamp, Nonce, MsgSignature, Encrypt, FromUser, Content string
		MsgID                                                                                    int64
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	if err := dec.Decode(&struct {
		Token          *string `json:"token"`
		EncodingAESKey *string `json:"encoding_aes_key"`
		AppID          *string `json:"app_id"`
		Timestamp      *string `json:"timestamp"`
		Nonce          *string `json:"nonce"`
		MsgSignature   *string `json:"msg_signature"`
		Encrypt        *string `json:"encrypt"`
		FromUser       *string `json:"from_user"`
		Content        *string `json:"content"`
		MsgID          *int64  `json:"msg_id"`
	}{&s.Token, &s.EncodingAESKey, &s.AppID, &s.Timestamp, &s.Nonce, &s.MsgSignature, &s.Encrypt, &s.FromUser, &s.Content, &s.MsgID}); err != nil {
		t.Fatal(err)
	}
	at := time.Unix(1409735669, 0)
	f := newFixture(t, fixtureOpts{
		now: func() time.Time { return at },
		cfg: func(c *bot.Config) { c.Token, c.AESKey, c.AppID = s.Token, s.EncodingAESKey, s.AppID },
	})
	q := url.Values{"timestamp": {s.Timestamp}, "nonce": {s.Nonce}, "msg_signature": {s.MsgSignature}, "encrypt_type": {"aes"}}
	body := fmt.Sprintf("<xml><ToUserName><![CDATA[toUser]]></ToUserName><Encrypt><![CDATA[%s]]></Encrypt></xml>", s.Encrypt)
	req, _ := http.NewRequest(http.MethodPost, f.url+"?"+q.Encode(), strings.NewReader(body))
	reply, err := f.signer.ReadReply(do(t, req), true)
	if err != nil {
		t.Fatalf("reply to the sample: %v", err)
	}
	m := <-f.seen
	if m.OpenID != s.FromUser || m.Text != s.Content || m.MsgID != s.MsgID || m.Kind != bot.KindText {
		t.Errorf("decrypted sample = %+v, want from %s content %q msgid %d", m, s.FromUser, s.Content, s.MsgID)
	}
	if reply != "收到："+s.Content {
		t.Errorf("reply = %q", reply)
	}
}

func TestVerifyURL(t *testing.T) {
	f := newFixture(t, fixtureOpts{})
	resp := do(t, f.signer.VerifyURL(f.url, "echo-12345"))
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || string(body) != "echo-12345" {
		t.Fatalf("verify = %d %q, want 200 echo-12345", resp.StatusCode, body)
	}
	bad := f.signer
	bad.Token = "wrongtoken"
	if resp := do(t, bad.VerifyURL(f.url, "x")); resp.StatusCode != http.StatusForbidden {
		t.Errorf("verify with a wrong token = %d, want 403", resp.StatusCode)
	}
}

func TestRepliesInPlainAndSafeMode(t *testing.T) {
	f := newFixture(t, fixtureOpts{})
	for _, safe := range []bool{false, true} {
		t.Run(fmt.Sprintf("safe=%v", safe), func(t *testing.T) {
			got := f.roundTrip(t, f.signer.TextXML("user-a", "帮助", wxsign.NextMsgID()), safe)
			if got != "收到：帮助" {
				t.Errorf("reply = %q", got)
			}
		})
	}
}

func TestEmptyReplyIsSuccessInEveryMode(t *testing.T) {
	f := newFixture(t, fixtureOpts{reply: func(*bot.Message) (bot.Reply, error) { return bot.Reply{}, nil }})
	for _, safe := range []bool{false, true} {
		resp := do(t, f.signer.Post(f.url, f.signer.TextXML("u", "x", wxsign.NextMsgID()), safe))
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || string(body) != "success" {
			t.Errorf("safe=%v: %d %q, want 200 success", safe, resp.StatusCode, body)
		}
	}
}

func TestRejections(t *testing.T) {
	const secret = "SECRET-BODY-MARKER"
	f := newFixture(t, fixtureOpts{})
	text := f.signer.TextXML("user-r", secret, wxsign.NextMsgID())
	now := time.Now().Unix()

	reused := wxsign.Nonce()
	first := do(t, f.signer.PostWith(f.url, f.signer.TextXML("user-r", "first", wxsign.NextMsgID()), false, fmt.Sprint(now), reused))
	first.Body.Close()
	if first.StatusCode != 200 {
		t.Fatalf("first use of the nonce = %d", first.StatusCode)
	}
	callsBefore := f.calls.Load()

	wrong := f.signer
	wrong.Token = "notthetoken"
	badMsgSig := f.signer.Post(f.url, text, true)
	q := badMsgSig.URL.Query()
	q.Set("msg_signature", strings.Repeat("0", 40))
	badMsgSig.URL.RawQuery = q.Encode()
	unsigned, _ := http.NewRequest(http.MethodPost, f.url, strings.NewReader(text))
	put := f.signer.Post(f.url, text, false)
	put.Method = http.MethodPut

	for _, tc := range []struct {
		name string
		req  *http.Request
		want int
	}{
		{"bad signature", wrong.Post(f.url, text, false), 403},
		{"bad msg_signature in safe mode", badMsgSig, 403},
		{"no signature at all", unsigned, 403},
		{"stale timestamp", f.signer.PostWith(f.url, text, false, fmt.Sprint(now-301), wxsign.Nonce()), 403},
		{"timestamp from the future", f.signer.PostWith(f.url, text, false, fmt.Sprint(now+400), wxsign.Nonce()), 403},
		{"reused nonce", f.signer.PostWith(f.url, text, false, fmt.Sprint(now), reused), 403},
		{"1 MiB body", f.signer.Post(f.url, "<xml>"+strings.Repeat(secret, (1<<20)/len(secret))+"</xml>", false), 413},
		{"garbage XML", f.signer.Post(f.url, "<xml><Content>"+secret+"</Cont", false), 400},
		{"XML without sender", f.signer.Post(f.url, "<xml><Content>"+secret+"</Content></xml>", false), 400},
		{"garbage inside safe mode", f.signer.Post(f.url, "not xml "+secret, true), 400},
		{"PUT", put, 405},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp := do(t, tc.req)
			resp.Body.Close()
			if resp.StatusCode != tc.want {
				t.Errorf("status = %d, want %d", resp.StatusCode, tc.want)
			}
		})
	}
	if n := f.calls.Load(); n != callsBefore {
		t.Errorf("handler ran %d times for rejected requests", n-callsBefore)
	}
	if logs := f.logs.String(); strings.Contains(logs, secret) || strings.Contains(logs, "first") {
		t.Errorf("a message body reached the logs:\n%s", logs)
	} else if !strings.Contains(logs, `"reason":"replayed_nonce"`) || !strings.Contains(logs, `"reason":"body_too_large"`) {
		t.Errorf("rejections are not logged with their reason:\n%s", logs)
	}
}

func TestRetriesGetTheSameReplyAndOneEffect(t *testing.T) {
	storetest.Caches(t, func(t *testing.T, cache store.Cache) {
		var effects atomic.Int64
		f := newFixture(t, fixtureOpts{cache: cache, reply: func(m *bot.Message) (bot.Reply, error) {
			n := effects.Add(1)
			time.Sleep(150 * time.Millisecond) // retries arrive while it runs
			return bot.Reply{Text: fmt.Sprintf("第%d次处理：%s", n, m.Text)}, nil
		}})
		for _, concurrent := range []bool{false, true} {
			t.Run(fmt.Sprintf("concurrent=%v", concurrent), func(t *testing.T) {
				effects.Store(0)
				msg := f.signer.TextXML("user-dup", "报名", wxsign.NextMsgID())
				replies := make([]string, 3)
				var wg sync.WaitGroup
				for i := range replies {
					send := func() { replies[i] = f.roundTrip(t, msg, i == 1) }
					if concurrent {
						wg.Add(1)
						go func() { defer wg.Done(); send() }()
					} else {
						send()
					}
				}
				wg.Wait()
				if n := effects.Load(); n != 1 {
					t.Errorf("handler ran %d times, want 1", n)
				}
				for i, r := range replies {
					if r != "第1次处理：报名" {
						t.Errorf("reply %d = %q, want the first attempt's", i, r)
					}
				}
			})
		}
	})
}

func TestEventsDedupByUserTimeAndKey(t *testing.T) {
	f := newFixture(t, fixtureOpts{})
	ct := time.Now().Unix()
	sub := f.signer.EventXML("user-e", "subscribe", "qrscene_checkin:A13", ct, "")
	f.roundTrip(t, sub, false)
	f.roundTrip(t, sub, false)
	f.roundTrip(t, f.signer.EventXML("user-e", "CLICK", "MENU_HELP", ct, ""), false)
	f.roundTrip(t, f.signer.EventXML("user-e", "LOCATION", "", ct, "<Latitude>35.41</Latitude><Longitude>116.59</Longitude><Precision>30</Precision>"), false)
	if n := f.calls.Load(); n != 3 {
		t.Fatalf("handler ran %d times for 3 distinct events and one retry, want 3", n)
	}
	s, c, l := <-f.seen, <-f.seen, <-f.seen
	if s.Event != bot.EventSubscribe || s.Scene != "checkin:A13" {
		t.Errorf("subscribe = %+v, want scene checkin:A13", s)
	}
	if c.Event != bot.EventClick || c.Text != "帮助" {
		t.Errorf("click = %+v, want text 帮助", c)
	}
	if l.Event != bot.EventLocation || l.Lat != 35.41 || l.Lng != 116.59 {
		t.Errorf("location = %+v", l)
	}
}

func TestSlowHandlerRepliesByCustomerServiceMessage(t *testing.T) {
	api := wechattest.NewFakeAPI(t)
	cache := memory.New()
	t.Cleanup(func() { _ = cache.Close() })
	client := wxapi.New(wxapi.Config{AppID: testAppID, Secret: "s3cret", APIBase: api.URL(), Timeout: 5 * time.Second}, cache, slog.New(slog.DiscardHandler))
	f := newFixture(t, fixtureOpts{
		cache: cache, sender: client,
		cfg: func(c *bot.Config) { c.ReplyDeadline = 1 * time.Second },
		reply: func(m *bot.Message) (bot.Reply, error) {
			time.Sleep(2 * time.Second)
			return bot.Reply{Text: "慢回复：" + m.Text}, nil
		},
	})
	for _, safe := range []bool{false, true} {
		start := time.Now()
		got := f.roundTrip(t, f.signer.TextXML("user-slow", "我的时长", wxsign.NextMsgID()), safe)
		if elapsed := time.Since(start); got != "" || elapsed > 1500*time.Millisecond {
			t.Errorf("safe=%v: answer %q after %s, want success at the 1s deadline", safe, got, elapsed)
		}
	}
	texts := api.WaitCustomerTexts(t, 2, 5*time.Second)
	for _, tx := range texts {
		if tx.ToUser != "user-slow" || tx.Content != "慢回复：我的时长" {
			t.Errorf("customer-service message = %+v", tx)
		}
	}
}

func TestHandlerFailureGetsBusyReply(t *testing.T) {
	f := newFixture(t, fixtureOpts{reply: func(m *bot.Message) (bot.Reply, error) {
		if m.Text == "panic" {
			panic("boom")
		}
		return bot.Reply{}, fmt.Errorf("database down")
	}})
	for _, text := range []string{"error", "panic"} {
		if got := f.roundTrip(t, f.signer.TextXML("u", text, wxsign.NextMsgID()), false); got != "系统繁忙，请稍后再试。" {
			t.Errorf("%s: reply %q", text, got)
		}
	}
}

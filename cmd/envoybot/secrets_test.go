package main

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"envoybot/bot/wechattest"
	"envoybot/bot/wxsign"
	"envoybot/handlers"
	"envoybot/store"
)

// lockedBuffer collects output written while a test reads it: the JSON
// log of a running app, a child process's stdout and stderr.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// startLogged is startAt with the app's log written to logs.
func startLogged(t *testing.T, env map[string]string, api *wechattest.FakeAPI, logs *lockedBuffer) *running {
	t.Helper()
	env["ENVOYBOT_WECHAT_API_BASE"] = api.URL()
	env["ENVOYBOT_WECHAT_TOKEN"] = "testtoken42"
	env["ENVOYBOT_WECHAT_APPID"] = "wxtest0000000042"
	env["ENVOYBOT_WECHAT_SECRET"] = "test-secret"
	env["ENVOYBOT_WECHAT_AES_KEY"] = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"
	cfg := loadConfig(t, env)
	a, err := openApp(context.Background(), cfg, newLogger(logs, "debug"), time.Now)
	if err != nil {
		t.Fatalf("open app: %v", err)
	}
	a.startDispatcher()
	srv := httptest.NewServer(a.handler)
	wc := effectiveWeChat(cfg)
	r := &running{app: a, url: srv.URL, api: api, cfg: cfg,
		signer: wxsign.Signer{Token: wc.Token, AppID: wc.AppID, AESKey: wc.AESKey, Now: time.Now}}
	t.Cleanup(func() { srv.Close(); r.stop(t) })
	return r
}

// TestChatLoginTokenIsKeptNowhere sends 登录后台 through the real callback
// on every deployment: the reply carries the link, but neither the stored
// reply (processed_messages and the cache's dedup entry), nor any cache
// key or value, nor the log holds the token; a retry answered from the
// record gets the redacted text; the link works once.
func TestChatLoginTokenIsKeptNowhere(t *testing.T) {
	for _, d := range deployments {
		t.Run(d.name, func(t *testing.T) {
			env := d.env(t)
			api := wechattest.NewFakeAPI(t)
			logs := &lockedBuffer{}
			r := startLogged(t, env, api, logs)
			ctx := t.Context()
			if _, err := r.app.store.CreateInvite(ctx, store.NewInvite{Code: "ADMIN234", Role: store.RoleAdmin, Name: "王科长",
				ExpiresAt: time.Now().Add(time.Hour)}, time.Now()); err != nil {
				t.Fatal(err)
			}
			r.say(t, "o-admin", "绑定 ADMIN234", false)

			id := wxsign.NextMsgID()
			body := r.signer.TextXML("o-admin", "登录后台", id)
			got := r.post(t, body, false)
			i := strings.Index(got, store.AdminLinkPath+"?t=")
			if i < 0 {
				t.Fatalf("reply %q has no link", got)
			}
			token := strings.Fields(got[i+len(store.AdminLinkPath)+3:])[0]
			if len(token) < 20 {
				t.Fatalf("token %q too short", token)
			}

			// The message writes nothing to the database, so nothing records
			// it; should a record be kept (a late reply), it is redacted.
			p, err := r.app.store.FindProcessed(ctx, fmt.Sprintf("msg:%d", id))
			switch {
			case err == nil && (strings.Contains(p.Reply, token) || !strings.Contains(p.Reply, handlers.SecretText.AdminLinkRedacted)):
				t.Errorf("stored reply = %q; want the redacted text without the token", p.Reply)
			case err != nil && store.ErrorCode(err) != store.ENOTFOUND:
				t.Fatalf("FindProcessed: %v", err)
			}
			if retry := r.post(t, body, false); strings.Contains(retry, token) || retry != handlers.SecretText.AdminLinkRedacted {
				t.Errorf("retry of the same MsgId = %q; want the redacted text", retry)
			}
			if _, ok, err := r.app.cache.Get(ctx, "admin:link:"+token); err != nil || ok {
				t.Errorf("the token itself is a cache key (%v, %v)", ok, err)
			}
			if url := env["ENVOYBOT_REDIS_URL"]; url != "" {
				n := scanRedisFor(t, url, env["ENVOYBOT_REDIS_PREFIX"], token)
				t.Logf("%d Redis keys under the test prefix; none holds the token in its name or value", n)
			}
			if strings.Contains(logs.String(), token) {
				t.Errorf("the token reached the log")
			}

			use := func() int {
				noRedirect := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
				resp, err := noRedirect.Get(r.url + store.AdminLinkPath + "?t=" + token)
				if err != nil {
					t.Fatal(err)
				}
				resp.Body.Close()
				return resp.StatusCode
			}
			if code := use(); code != http.StatusSeeOther {
				t.Errorf("the link = %d, want 303 into the dashboard", code)
			}
			if code := use(); code != http.StatusUnauthorized {
				t.Errorf("the link a second time = %d, want 401", code)
			}
		})
	}
}

// scanRedisFor fails the test when a key under prefix, or a string value,
// contains secret; it returns how many keys it looked at.
func scanRedisFor(t *testing.T, url, prefix, secret string) int {
	t.Helper()
	opt, err := goredis.ParseURL(url)
	if err != nil {
		t.Fatal(err)
	}
	c := goredis.NewClient(opt)
	defer c.Close()
	ctx := t.Context()
	n := 0
	iter := c.Scan(ctx, 0, prefix+"*", 100).Iterator()
	for iter.Next(ctx) {
		key := iter.Val()
		n++
		if strings.Contains(key, secret) {
			t.Errorf("Redis key %q holds the token", key)
		}
		if typ, _ := c.Type(ctx, key).Result(); typ == "string" {
			if v, _ := c.Get(ctx, key).Result(); strings.Contains(v, secret) {
				t.Errorf("Redis value of %q holds the token", key)
			}
		}
	}
	if err := iter.Err(); err != nil {
		t.Fatal(err)
	}
	if n == 0 {
		t.Errorf("no Redis key under %q: the scan looked in the wrong place", prefix)
	}
	return n
}

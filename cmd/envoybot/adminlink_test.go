package main

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"envoybot/bot/wechattest"
	"envoybot/store"
)

// TestUnusedLoginLinksGoAtForget: an admin asks for two dashboard login
// links in chat and uses neither, then sends 注销. Through the deployment's
// real cache (in-process, or Redis), neither link's entry nor their list
// is left, and neither link logs in.
func TestUnusedLoginLinksGoAtForget(t *testing.T) {
	for _, d := range deployments {
		t.Run(d.name, func(t *testing.T) {
			env := d.env(t)
			api := wechattest.NewFakeAPI(t)
			clk := &clock{t: time.Date(2026, 12, 1, 9, 0, 0, 0, cst)}
			r := startAt(t, env, api, clk.Now)
			tr := transcript{t: t, r: r}
			ctx := context.Background()
			tr.say("管理员", "o-admin", "绑定 "+invite(t, env, "--role", "admin", "--name", "王科长"), "管理员")

			var tokens []string
			for range 2 {
				reply := tr.say("管理员", "o-admin", "登录后台", "?t=")
				i := strings.Index(reply, store.AdminLinkPath+"?t=")
				if i < 0 {
					t.Fatalf("reply %q has no link", reply)
				}
				tokens = append(tokens, strings.Fields(reply[i+len(store.AdminLinkPath)+3:])[0])
			}
			keys := []string{store.AdminLinkKey(tokens[0]), store.AdminLinkKey(tokens[1]), store.AdminLinksKey("o-admin")}
			for _, k := range keys {
				if _, ok, err := r.app.cache.Get(ctx, k); err != nil || !ok {
					t.Fatalf("before 注销 the cache lacks %s (%v, %v)", k, ok, err)
				}
			}

			tr.say("管理员", "o-admin", "注销", "已删除")
			for _, k := range keys {
				if v, ok, err := r.app.cache.Get(ctx, k); err != nil || ok {
					t.Errorf("after 注销 the cache holds %s = %q (%v)", k, v, err)
				}
			}
			for i, token := range tokens {
				resp, err := noRedirect.Get(r.url + store.AdminLinkPath + "?t=" + token)
				if err != nil {
					t.Fatal(err)
				}
				resp.Body.Close()
				if resp.StatusCode != http.StatusUnauthorized {
					t.Errorf("link %d after 注销 = %d, want 401", i+1, resp.StatusCode)
				}
			}
			t.Logf("2 unused login links and their list: in the cache before 注销, gone after; both links refused (401)")
		})
	}
}

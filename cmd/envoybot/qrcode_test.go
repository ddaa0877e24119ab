package main

import (
	"context"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"envoybot/bot/wechattest"
	"envoybot/store"
)

// testPublicURL is the public URL of the servers the end-to-end tests
// start, for the links replies give.
const testPublicURL = "https://envoybot.test"

func TestCheckinQRLazy(t *testing.T) {
	for _, d := range deployments {
		t.Run(d.name, func(t *testing.T) {
			api := wechattest.NewFakeAPI(t)
			clk := &clock{t: time.Date(2026, 12, 1, 9, 0, 0, 0, cst)}
			r := startAt(t, d.env(t), api, clk.Now)
			inv, err := createInvite(context.Background(), r.app.store, store.NewInvite{Role: store.RoleEnvoy, Name: "李明", EnvoyKind: "和谐使者", ExpiresAt: clk.Now().Add(time.Hour)}, clk.Now())
			if err != nil {
				t.Fatal(err)
			}
			r.say(t, "o-envoy", "绑定 "+inv, false)

			began := time.Now()
			reply := r.say(t, "o-envoy", "发布活动 敬老院包饺子 12月5日 14:00-16:00 古槐社区敬老院", false)
			took := time.Since(began)
			code := codePattern.FindString(reply)
			t.Logf("publish answered in %s with %q", took.Round(time.Millisecond), reply)
			if code == "" || !strings.Contains(reply, testPublicURL+"/qr/"+code) {
				t.Fatalf("publish reply %q has no link to the QR code on the server", reply)
			}
			if n := len(api.Calls("/cgi-bin/qrcode/create")); n != 0 {
				t.Errorf("publishing called WeChat for a QR code %d times, want 0 (made when the link is opened)", n)
			}

			noRedirect := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
			api.FailNext("/cgi-bin/qrcode/create", 45009)
			if resp, err := noRedirect.Get(r.url + "/qr/" + code); err != nil || resp.StatusCode != http.StatusServiceUnavailable {
				t.Fatalf("GET /qr/%s with WeChat failing = %v %v, want 503", code, resp.StatusCode, err)
			}
			failed := len(api.Calls("/cgi-bin/qrcode/create"))
			var wg sync.WaitGroup
			locations := make([]string, 5)
			for i := range locations {
				wg.Add(1)
				go func() {
					defer wg.Done()
					resp, err := noRedirect.Get(r.url + "/qr/" + strings.ToLower(code))
					if err != nil {
						t.Errorf("GET /qr/%s: %v", code, err)
						return
					}
					resp.Body.Close()
					if resp.StatusCode != http.StatusFound {
						t.Errorf("GET /qr/%s = %d, want 302", code, resp.StatusCode)
					}
					locations[i] = resp.Header.Get("Location")
				}()
			}
			wg.Wait()
			calls := len(api.Calls("/cgi-bin/qrcode/create")) - failed
			t.Logf("5 concurrent opens of the link: redirected to %s, %d QR API call", locations[0], calls)
			for _, l := range locations {
				if !strings.Contains(l, "showqrcode?ticket=") || l != locations[0] {
					t.Errorf("redirects = %q, want one showqrcode URL", locations)
					break
				}
			}
			resp, err := noRedirect.Get(r.url + "/qr/" + code)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if calls != 1 || len(api.Calls("/cgi-bin/qrcode/create")) != failed+1 || resp.Header.Get("Location") != locations[0] {
				t.Errorf("QR API calls = %d, then %d after another open; want 1 (made once, kept)", calls, len(api.Calls("/cgi-bin/qrcode/create"))-failed)
			}
			if resp, err := noRedirect.Get(r.url + "/qr/A99999"); err != nil || resp.StatusCode != http.StatusNotFound {
				t.Errorf("GET /qr/A99999 = %v %v, want 404", resp.StatusCode, err)
			}
		})
	}
}

package admin

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"envoybot/store"
	"envoybot/store/storetest"
)

// adminRoutes are every route behind a session.
var adminRoutes = []struct{ method, path string }{
	{"GET", "/admin/"}, {"GET", "/admin/charts"}, {"GET", "/admin/activities"}, {"GET", "/admin/lectures"},
	{"GET", "/admin/volunteers"}, {"GET", "/admin/outbox"}, {"GET", "/admin/invites"}, {"GET", "/admin/hours?activity=A1"},
	{"GET", "/admin/broadcast"}, {"GET", "/admin/no-such-page"},
	{"GET", "/admin/export/progress.xlsx"}, {"GET", "/admin/export/records.xlsx"}, {"GET", "/admin/export/attendance.xlsx?activity=A1"},
	{"HEAD", "/admin/"}, {"HEAD", "/admin/export/records.xlsx"},
	{"POST", "/admin/invites"}, {"POST", "/admin/hours"}, {"POST", "/admin/broadcast"}, {"POST", "/admin/logout"},
	{"PUT", "/admin/"}, {"DELETE", "/admin/invites"},
}

func TestAuthentication(t *testing.T) {
	storetest.Backends(t, func(t *testing.T, s store.Store) {
		t.Run("every admin route refuses a request without a session", func(t *testing.T) {
			b := newEnv(t, s).browser("10.0.0.1")
			for _, rt := range adminRoutes {
				r := b.do(rt.method, rt.path, url.Values{"csrf": {"x"}})
				switch {
				case rt.method == "GET" || rt.method == "HEAD":
					if r.Code != http.StatusSeeOther || !strings.HasPrefix(r.Header.Get("Location"), "/admin/login?next=") {
						t.Errorf("%s %s = %d %q, want a redirect to the login page", rt.method, rt.path, r.Code, r.Header.Get("Location"))
					}
				case r.Code != http.StatusUnauthorized:
					t.Errorf("%s %s = %d, want 401", rt.method, rt.path, r.Code)
				}
			}
			if r := b.do("GET", "/admin/charts", nil, "X-Requested-With", "XMLHttpRequest"); r.Code != http.StatusUnauthorized {
				t.Errorf("XHR GET = %d, want 401", r.Code)
			}
		})

		t.Run("a forged or expired session cookie is no session", func(t *testing.T) {
			b := newEnv(t, s).browser("10.0.0.1")
			b.cookies[sessionCookie] = &http.Cookie{Name: sessionCookie, Value: newToken()}
			if r := b.do("GET", "/admin/", nil); r.Code != http.StatusSeeOther {
				t.Fatalf("GET with a made-up token = %d, want 303", r.Code)
			}
		})

		t.Run("a POST without the CSRF token or with a wrong one is forbidden", func(t *testing.T) {
			e := newEnv(t, s)
			b := e.browser("10.0.0.1").login()
			form := url.Values{"role": {"envoy"}, "name": {"钱七"}, "kind": {"和谐使者"}, "hours": {"72"}}
			if r := b.do("POST", "/admin/invites", form); r.Code != http.StatusForbidden {
				t.Errorf("POST without CSRF = %d, want 403", r.Code)
			}
			form.Set("csrf", "wrong")
			if r := b.do("POST", "/admin/invites", form); r.Code != http.StatusForbidden {
				t.Errorf("POST with a wrong CSRF token = %d, want 403", r.Code)
			}
			if r := b.do("POST", "/admin/logout", url.Values{}); r.Code != http.StatusForbidden {
				t.Errorf("logout without CSRF = %d, want 403", r.Code)
			}
			other := e.browser("10.0.0.2").login()
			form.Set("csrf", other.csrf("/admin/invites"))
			if r := b.do("POST", "/admin/invites", form); r.Code != http.StatusForbidden {
				t.Errorf("POST with another session's token = %d, want 403", r.Code)
			}
			if r := b.do("POST", "/admin/login", url.Values{"name": {"wangke"}, "password": {testPassword}}); r.Code != http.StatusForbidden {
				t.Errorf("login POST without its token = %d, want 403", r.Code)
			}
		})

		t.Run("a successful login sees the progress page with a chart", func(t *testing.T) {
			seedCampaign(t, s)
			b := newEnv(t, s).browser("10.0.0.1")
			r := b.tryLogin("wangke", testPassword)
			if r.Code != http.StatusSeeOther || r.Header.Get("Location") != "/admin/" {
				t.Fatalf("login = %d %q", r.Code, r.Header.Get("Location"))
			}
			c := b.cookies[sessionCookie]
			if c == nil || !c.HttpOnly || c.SameSite != http.SameSiteLaxMode || c.Secure || c.Path != "/admin/" {
				t.Fatalf("session cookie = %+v, want HttpOnly, SameSite=Lax, not Secure with the dev token", c)
			}
			p := b.do("GET", "/admin/", nil)
			for _, want := range []string{"<svg", "<title", "李使者", "古槐银发志愿队（0人）", "实施推进阶段", "剩余 200 天", "class=\"ok\""} {
				if p.Code != http.StatusOK || !strings.Contains(p.Body, want) {
					t.Fatalf("progress page = %d, lacks %q:\n%s", p.Code, want, p.Body)
				}
			}
		})

		t.Run("a login follows next, but only inside the dashboard", func(t *testing.T) {
			e := newEnv(t, s)
			for next, want := range map[string]string{"/admin/charts": "/admin/charts", "//evil.example/": "/admin/", "https://evil.example/admin/": "/admin/"} {
				b := e.browser("10.0.0.1")
				token := b.csrf("/admin/login?next=" + url.QueryEscape(next))
				r := b.do("POST", "/admin/login", url.Values{"csrf": {token}, "name": {"wangke"}, "password": {testPassword}, "next": {next}})
				if r.Header.Get("Location") != want {
					t.Errorf("next %q: redirected to %q, want %q", next, r.Header.Get("Location"), want)
				}
			}
		})

		t.Run("the cookie is Secure with a real token and an https public URL", func(t *testing.T) {
			cfg := testConfig(t)
			cfg.WeChat.Token = "a-real-token"
			cfg.Admin.SecureCookies = true
			cfg.Admin.PublicURL = "https://envoy.example.org"
			b := newEnvWith(t, s, cfg).browser("10.0.0.1").login()
			if c := b.cookies[sessionCookie]; c == nil || !c.Secure {
				t.Fatalf("session cookie = %+v, want Secure", c)
			}
		})

		t.Run("over plain HTTP with an http public URL the login works, cookies not Secure", func(t *testing.T) {
			cfg := testConfig(t)
			cfg.WeChat.Token = "a-real-token"
			cfg.Admin.SecureCookies = true
			cfg.Admin.PublicURL = "http://192.168.1.20:8080"
			b := newEnvWith(t, s, cfg).browser("10.0.0.1").login()
			if c := b.cookies[sessionCookie]; c == nil || c.Secure {
				t.Fatalf("session cookie = %+v, want one not Secure", c)
			}
		})

		t.Run("without a public URL the cookie is Secure only behind a trusted proxy saying https", func(t *testing.T) {
			cfg := testConfig(t)
			cfg.WeChat.Token = "a-real-token"
			cfg.Admin.SecureCookies = true
			cfg.Admin.TrustedProxies = []string{"10.0.0.9"}
			e := newEnvWith(t, s, cfg)
			plain := e.browser("10.0.0.1").login()
			if c := plain.cookies[sessionCookie]; c == nil || c.Secure {
				t.Errorf("over http: session cookie = %+v, want one not Secure", c)
			}
			proxied := e.browser("10.0.0.9")
			proxied.headers = []string{"X-Forwarded-Proto", "https", "X-Forwarded-For", "203.0.113.5"}
			if c := proxied.login().cookies[sessionCookie]; c == nil || !c.Secure {
				t.Errorf("through the proxy over https: session cookie = %+v, want Secure", c)
			}
			spoofed := e.browser("10.0.0.2")
			spoofed.headers = []string{"X-Forwarded-Proto", "https"}
			if c := spoofed.login().cookies[sessionCookie]; c == nil || c.Secure {
				t.Errorf("X-Forwarded-Proto from an untrusted address: session cookie = %+v, want one not Secure", c)
			}
		})

		t.Run("an https dashboard opened over http says why the login fails", func(t *testing.T) {
			cfg := testConfig(t)
			cfg.WeChat.Token = "a-real-token"
			cfg.Admin.SecureCookies = true
			cfg.Admin.PublicURL = "https://envoy.example.org"
			b := newEnvWith(t, s, cfg).browser("10.0.0.1")
			page := b.do("GET", "/admin/login", nil)
			m := csrfPattern.FindStringSubmatch(page.Body)
			if m == nil || b.cookies[loginCookie] == nil || !b.cookies[loginCookie].Secure {
				t.Fatalf("login page = %d, login cookie %+v, want a Secure one", page.Code, b.cookies[loginCookie])
			}
			delete(b.cookies, loginCookie) // a browser keeps a Secure cookie off http://
			r := b.do("POST", "/admin/login", url.Values{"csrf": {m[1]}, "name": {"wangke"}, "password": {testPassword}})
			want := "请用 https://envoy.example.org/admin/login 打开后台"
			if r.Code != http.StatusForbidden || !strings.Contains(r.Body, want) || !strings.Contains(r.Body, "HTTPS") {
				t.Fatalf("login over http = %d %q, want 403 saying %q", r.Code, r.Body, want)
			}
		})

		t.Run("logout ends the session", func(t *testing.T) {
			b := newEnv(t, s).browser("10.0.0.1").login()
			stolen := *b.cookies[sessionCookie]
			if r := b.post("/admin/", "/admin/logout", url.Values{}); r.Code != http.StatusSeeOther {
				t.Fatalf("logout = %d", r.Code)
			}
			b.cookies[sessionCookie] = &stolen
			if r := b.do("GET", "/admin/", nil); r.Code != http.StatusSeeOther {
				t.Fatalf("GET with the old cookie after logout = %d, want 303", r.Code)
			}
		})
	})
}

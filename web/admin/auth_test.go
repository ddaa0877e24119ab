package admin

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

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

		t.Run("the cookie is Secure with a real token and secure_cookies", func(t *testing.T) {
			cfg := testConfig(t)
			cfg.WeChat.Token = "a-real-token"
			cfg.Admin.SecureCookies = true
			b := newEnvWith(t, s, cfg).browser("10.0.0.1").login()
			if c := b.cookies[sessionCookie]; c == nil || !c.Secure {
				t.Fatalf("session cookie = %+v, want Secure", c)
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

func TestLoginLockout(t *testing.T) {
	storetest.Backends(t, func(t *testing.T, s store.Store) {
		t.Run("10 wrong passwords lock the account, even from other addresses", func(t *testing.T) {
			e := newEnv(t, s)
			for i := range 10 {
				r := e.browser("10.0.1."+string(rune('1'+i%8))).tryLogin("wangke", "wrong password")
				want := http.StatusUnauthorized
				if i == 9 {
					want = http.StatusTooManyRequests
				}
				if r.Code != want {
					t.Fatalf("wrong password %d = %d, want %d", i+1, r.Code, want)
				}
			}
			r := e.browser("10.0.2.1").tryLogin("wangke", testPassword)
			if r.Code != http.StatusTooManyRequests || !strings.Contains(r.Body, "登录失败次数过多") {
				t.Fatalf("right password while locked = %d:\n%s", r.Code, r.Body)
			}
			if r := e.browser("10.0.2.1").tryLogin("a", testPassword); r.Code != http.StatusSeeOther {
				t.Fatalf("another account = %d, want a login", r.Code)
			}
		})

		t.Run("10 wrong passwords from one address lock that address", func(t *testing.T) {
			e := newEnv(t, s)
			b := e.browser("10.0.3.1")
			for i := range 10 {
				name := []string{"a", "b"}[i%2]
				b.tryLogin(name, "wrong password")
			}
			if r := b.tryLogin("c", testPassword); r.Code != http.StatusTooManyRequests {
				t.Fatalf("right password from the locked address = %d, want 429", r.Code)
			}
			if r := e.browser("10.0.3.2").tryLogin("c", testPassword); r.Code != http.StatusSeeOther {
				t.Fatalf("right password from elsewhere = %d, want a login", r.Code)
			}
		})

		t.Run("the lock ends after the lockout", func(t *testing.T) {
			cfg := testConfig(t)
			cfg.Admin.LoginMaxFailures = 2
			cfg.Admin.LoginLockout = time.Second // below the configurable minimum, to keep the test short
			e := newEnvWith(t, s, cfg)
			b := e.browser("10.0.4.1")
			b.tryLogin("wangke", "wrong password")
			if r := b.tryLogin("wangke", "wrong password"); r.Code != http.StatusTooManyRequests {
				t.Fatalf("second wrong password = %d, want 429", r.Code)
			}
			time.Sleep(1100 * time.Millisecond)
			if r := b.tryLogin("wangke", testPassword); r.Code != http.StatusSeeOther {
				t.Fatalf("after the lockout = %d, want a login", r.Code)
			}
		})
	})
}

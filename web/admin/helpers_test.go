package admin

import (
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"envoybot/configs"
	"envoybot/store"
	"envoybot/store/storetest"
)

// testPassword is every test account's password.
const testPassword = "correct horse battery"

// shanghai is the campaign's zone in tests.
var shanghai = mustLoc("Asia/Shanghai")

// testNow is in the implementation phase of the default campaign, 200 days
// before the first deadline.
var testNow = time.Date(2019, 6, 14, 10, 0, 0, 0, shanghai)

func mustLoc(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return loc
}

// testConfig is the default configuration (development token) with
// accounts a, b, c and wangke, all with testPassword at bcrypt's minimum
// cost so that tests stay fast.
func testConfig(t *testing.T) *configs.Config {
	t.Helper()
	cfg, err := configs.Load(func(string) string { return "" })
	if err != nil {
		t.Fatalf("configs.Load: %v", err)
	}
	hash, err := bcrypt.GenerateFromPassword([]byte(testPassword), bcrypt.MinCost)
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"wangke", "a", "b", "c"} {
		cfg.Admin.Accounts = append(cfg.Admin.Accounts, configs.AdminAccount{Name: name, PasswordHash: string(hash)})
	}
	return cfg
}

// env is a dashboard on a real store and cache.
type env struct {
	t     *testing.T
	st    store.Store
	cfg   *configs.Config
	h     http.Handler
	cache store.Cache
}

// newEnv builds the dashboard on s with the test configuration.
func newEnv(t *testing.T, s store.Store) *env {
	t.Helper()
	cfg := testConfig(t)
	return newEnvWith(t, s, cfg)
}

// newEnvWith builds the dashboard on s with cfg.
func newEnvWith(t *testing.T, s store.Store, cfg *configs.Config) *env {
	t.Helper()
	cache := storetest.OpenMemoryCache(t)
	h := New(Deps{Store: s, Cache: cache, Config: cfg, Now: func() time.Time { return testNow }})
	return &env{t: t, st: s, cfg: cfg, h: h, cache: cache}
}

// browser keeps cookies for one client address; it does not follow
// redirects.
type browser struct {
	e       *env
	ip      string
	cookies map[string]*http.Cookie
	headers []string // name, value pairs sent with every request
}

// withHeader sends name: value with every request of the browser.
func (b *browser) withHeader(name, value string) *browser {
	b.headers = append(b.headers, name, value)
	return b
}

// formOf builds a form from name, value pairs.
func formOf(pairs ...string) url.Values {
	v := url.Values{}
	for i := 0; i+1 < len(pairs); i += 2 {
		v.Set(pairs[i], pairs[i+1])
	}
	return v
}

// browser returns a client from ip.
func (e *env) browser(ip string) *browser {
	return &browser{e: e, ip: ip, cookies: map[string]*http.Cookie{}}
}

// response is a finished request.
type response struct {
	Code   int
	Body   string
	Header http.Header
}

// do sends a request with the browser's cookies and keeps those set.
func (b *browser) do(method, target string, form url.Values, header ...string) response {
	b.e.t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req := httptest.NewRequest(method, target, body)
	req.RemoteAddr = b.ip + ":40000"
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	for _, hs := range [][]string{b.headers, header} {
		for i := 0; i+1 < len(hs); i += 2 {
			req.Header.Set(hs[i], hs[i+1])
		}
	}
	for _, c := range b.cookies {
		req.AddCookie(c)
	}
	rec := httptest.NewRecorder()
	b.e.h.ServeHTTP(rec, req)
	res := rec.Result()
	for _, c := range res.Cookies() {
		if c.MaxAge < 0 {
			delete(b.cookies, c.Name)
			continue
		}
		b.cookies[c.Name] = c
	}
	return response{Code: rec.Code, Body: rec.Body.String(), Header: res.Header}
}

// csrfPattern finds the hidden CSRF field of a page.
var csrfPattern = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// csrf returns the CSRF token in the page at path.
func (b *browser) csrf(path string) string {
	b.e.t.Helper()
	r := b.do("GET", path, nil)
	m := csrfPattern.FindStringSubmatch(r.Body)
	if r.Code != http.StatusOK || m == nil {
		b.e.t.Fatalf("GET %s = %d, no CSRF field:\n%s", path, r.Code, r.Body)
	}
	return m[1]
}

// tryLogin posts the login form and returns the answer.
func (b *browser) tryLogin(name, password string) response {
	b.e.t.Helper()
	token := b.csrf("/admin/login")
	return b.do("POST", "/admin/login", url.Values{"csrf": {token}, "name": {name}, "password": {password}})
}

// login logs in as wangke or fails the test.
func (b *browser) login() *browser {
	b.e.t.Helper()
	if r := b.tryLogin("wangke", testPassword); r.Code != http.StatusSeeOther {
		b.e.t.Fatalf("login = %d:\n%s", r.Code, r.Body)
	}
	return b
}

// post sends a form with the session's CSRF token taken from page.
func (b *browser) post(page, target string, form url.Values) response {
	b.e.t.Helper()
	form.Set("csrf", b.csrf(page))
	return b.do("POST", target, form)
}

// seed is a small campaign: an envoy with a contact point and a team, an
// activity in 古槐社区 with two check-ins (one far away), and subscribers.
type seed struct {
	Envoy    *store.User
	Activity *store.Activity
}

// seedCampaign writes the seed through the store's own methods.
func seedCampaign(t *testing.T, s store.Store) seed {
	t.Helper()
	ctx := t.Context()
	at := testNow.Add(-30 * 24 * time.Hour)
	must := func(what string, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("seed: %s: %v", what, err)
		}
	}
	register := func(openID, name, phone, community string) int64 {
		u, _, err := s.RegisterVolunteer(ctx, store.Registration{OpenID: openID, Name: name, Phone: phone, Community: community}, at)
		must("register "+name, err)
		return u.ID
	}
	// The configured communities, as envoybot's start adds them.
	_, err := s.AddCommunities(ctx, testConfig(t).Campaign.Communities, at)
	must("communities", err)
	envoyID := register("o-envoy", "李使者", "13900000001", "古槐社区")
	_, err = s.CreateInvite(ctx, store.NewInvite{Code: "SEEDCODE", Role: store.RoleEnvoy, Name: "李使者", EnvoyLevel: "市", EnvoyKind: "和谐使者", ExpiresAt: at.Add(time.Hour)}, at)
	must("invite", err)
	envoy, _, err := s.RedeemInvite(ctx, envoyID, "SEEDCODE", at, 5, time.Hour)
	must("redeem", err)
	_, _, err = s.AddContactPoint(ctx, envoyID, "古槐社区", at)
	must("contact point", err)
	_, err = s.CreateTeam(ctx, envoyID, "古槐银发志愿队", "古槐社区", at)
	must("team", err)
	starts := testNow.Add(-3 * 24 * time.Hour)
	a, err := s.CreateActivity(ctx, store.NewActivity{EnvoyID: envoyID, Title: "敬老院包饺子", Category: "关爱困难群体",
		ServiceType: "文体活动", StartsAt: starts, EndsAt: starts.Add(2 * time.Hour), Place: "古槐社区敬老院", Community: "古槐社区", Quota: 20}, at)
	must("activity", err)
	v1 := register("o-v1", "张三", "13812345678", "古槐社区")
	v2 := register("o-v2", "王五", "13987654321", "古槐社区")
	v3 := register("o-v3", "赵六", "13700001111", "古槐社区")
	for _, v := range []int64{v1, v2, v3} {
		_, _, err := s.SignUp(ctx, a.Code, v, store.SourceChat, at)
		must("sign up", err)
	}
	_, _, err = s.CheckIn(ctx, a.Code, v1, starts, nil, false)
	must("check in", err)
	_, err = s.CheckOut(ctx, a.Code, v1, starts.Add(2*time.Hour), nil, false, 120)
	must("check out", err)
	_, _, err = s.CheckIn(ctx, a.Code, v2, starts.Add(5*time.Minute), &store.Position{Lat: 1, Lng: 1}, true)
	must("check in far", err)
	for _, sub := range []struct {
		openID    string
		id        int64
		community string
	}{
		{"o-v1", v1, "古槐社区"}, {"o-v2", v2, "古槐社区"}, {"o-v3", v3, "古槐社区"}, {"o-envoy", envoyID, "运河社区"},
	} {
		must("follow", s.SetFollowing(ctx, sub.openID, true, at))
		_, err := s.Subscribe(ctx, sub.id, sub.community, at)
		must("subscribe", err)
	}
	return seed{Envoy: envoy, Activity: a}
}

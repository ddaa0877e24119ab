package admin

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"envoybot/store"
	"envoybot/store/storetest"
)

func TestLoginHardening(t *testing.T) {
	storetest.Backends(t, func(t *testing.T, s store.Store) {
		t.Run("wrong passwords sent at once are checked at most the limit", func(t *testing.T) {
			e := newEnv(t, s)
			const tries = 30
			codes := make([]int, tries)
			var wg sync.WaitGroup
			for i := range codes {
				b := e.browser(fmt.Sprintf("10.1.0.%d", i+1))
				token := b.csrf("/admin/login")
				wg.Add(1)
				go func() {
					defer wg.Done()
					codes[i] = b.do("POST", "/admin/login", formOf("csrf", token, "name", "wangke", "password", "wrong password")).Code
				}()
			}
			wg.Wait()
			checked := 0
			for _, c := range codes {
				if c == http.StatusUnauthorized {
					checked++
				}
			}
			// Checks run one at a time per account, and after the limit
			// each waits: the rest are refused unchecked (429).
			if limit := e.cfg.Admin.LoginMaxFailures; checked > limit {
				t.Errorf("%d of %d parallel wrong passwords were checked (401), want at most %d", checked, tries, limit)
			}
		})
		t.Run("behind a trusted proxy the client's address is locked, not the proxy's", func(t *testing.T) {
			cfg := testConfig(t)
			cfg.Admin.TrustedProxies = []string{"10.9.9.9"}
			e := newEnvWith(t, s, cfg)
			via := func(client string) *browser { return e.browser("10.9.9.9").withHeader("X-Forwarded-For", client) }
			attacker := via("203.0.113.7")
			for i := 0; i < cfg.Admin.LoginMaxFailures; i++ {
				attacker.tryLogin(fmt.Sprintf("user%d", i), "wrong password")
			}
			if r := attacker.tryLogin("wangke", testPassword); r.Code != http.StatusTooManyRequests {
				t.Errorf("the guessing client = %d, want 429", r.Code)
			}
			if r := via("198.51.100.2").tryLogin("wangke", testPassword); r.Code != http.StatusSeeOther {
				t.Errorf("another client behind the same proxy = %d, want a login", r.Code)
			}
		})
		t.Run("an admin bound in chat logs in once with a link", func(t *testing.T) {
			e := newEnv(t, s)
			ctx := context.Background()
			if _, err := s.CreateInvite(ctx, store.NewInvite{Code: "LINKADM2", Role: store.RoleAdmin, Name: "赵科员", ExpiresAt: testNow.Add(time.Hour)}, testNow); err != nil {
				t.Fatal(err)
			}
			chatAdmin, err := s.TouchUser(ctx, "o-chat-admin", testNow)
			if err != nil {
				t.Fatal(err)
			}
			if _, _, err := s.RedeemInvite(ctx, chatAdmin.ID, "LINKADM2", testNow, 5, time.Hour); err != nil {
				t.Fatal(err)
			}
			if err := e.cache.Set(ctx, store.AdminLinkKey("tok123"), "o-chat-admin", time.Minute); err != nil {
				t.Fatal(err)
			}
			b := e.browser("10.2.0.1")
			if r := b.do("GET", store.AdminLinkPath+"?t=tok123", nil); r.Code != http.StatusSeeOther {
				t.Fatalf("link = %d:\n%s", r.Code, r.Body)
			}
			if r := b.do("GET", "/admin/", nil); r.Code != http.StatusOK || !strings.Contains(r.Body, "赵科员") {
				t.Errorf("after the link /admin/ = %d", r.Code)
			}
			if r := e.browser("10.2.0.2").do("GET", store.AdminLinkPath+"?t=tok123", nil); r.Code != http.StatusUnauthorized {
				t.Errorf("the link used a second time = %d, want 401", r.Code)
			}
		})
	})
}

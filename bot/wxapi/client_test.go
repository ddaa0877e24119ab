package wxapi_test

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"envoybot/bot/wechattest"
	"envoybot/bot/wxapi"
	"envoybot/store"
	"envoybot/store/storetest"
)

func newClient(api *wechattest.FakeAPI, cache store.Cache) *wxapi.Client {
	return wxapi.New(wxapi.Config{AppID: "wxtest0000000001", Secret: "secret", APIBase: api.URL(), Timeout: 3 * time.Second},
		cache, slog.New(slog.DiscardHandler))
}

func TestSendText(t *testing.T) {
	storetest.Caches(t, func(t *testing.T, cache store.Cache) {
		ctx := context.Background()
		t.Run("delivers and reuses the cached token", func(t *testing.T) {
			api := wechattest.NewFakeAPI(t)
			c := newClient(api, cache)
			for i := 0; i < 3; i++ {
				if err := c.SendText(ctx, "o-1", "你好"); err != nil {
					t.Fatal(err)
				}
			}
			if got := api.CustomerTexts(); len(got) != 3 || got[0].ToUser != "o-1" || got[0].Content != "你好" {
				t.Errorf("customer texts = %+v", got)
			}
			if n := len(api.Calls("/cgi-bin/token")); n != 1 {
				t.Errorf("%d token fetches for 3 sends, want 1", n)
			}
		})
		t.Run("refreshes and retries once on 40001", func(t *testing.T) {
			api := wechattest.NewFakeAPI(t)
			c := newClient(api, cache)
			if err := c.SendText(ctx, "o-2", "一"); err != nil {
				t.Fatal(err)
			}
			fetches := len(api.Calls("/cgi-bin/token"))
			api.ExpireTokens()
			if err := c.SendText(ctx, "o-2", "二"); err != nil {
				t.Fatalf("send after the token expired: %v", err)
			}
			if n := len(api.Calls("/cgi-bin/token")) - fetches; n != 1 {
				t.Errorf("%d token fetches after expiry, want 1", n)
			}
			if n := len(api.CustomerTexts()); n != 2 {
				t.Errorf("%d texts delivered, want 2", n)
			}
		})
		t.Run("42001 twice is an error, not a loop", func(t *testing.T) {
			api := wechattest.NewFakeAPI(t)
			c := newClient(api, cache)
			api.FailNext("/cgi-bin/message/custom/send", 42001)
			api.FailNext("/cgi-bin/message/custom/send", 42001)
			err := c.SendText(ctx, "o-3", "x")
			var apiErr *wxapi.APIError
			if !errors.As(err, &apiErr) || apiErr.Code != 42001 {
				t.Fatalf("err = %v, want APIError 42001", err)
			}
			if n := len(api.Calls("/cgi-bin/message/custom/send")); n != 2 {
				t.Errorf("%d send attempts, want 2", n)
			}
		})
		t.Run("other errcodes and 5xx are errors without the token", func(t *testing.T) {
			api := wechattest.NewFakeAPI(t)
			c := newClient(api, cache)
			api.FailNext("/cgi-bin/message/custom/send", 45015)
			var apiErr *wxapi.APIError
			if err := c.SendText(ctx, "o-4", "x"); !errors.As(err, &apiErr) || apiErr.Code != 45015 {
				t.Errorf("err = %v, want APIError 45015", err)
			}
			api.FailNextStatus("/cgi-bin/message/custom/send", http.StatusBadGateway)
			err := c.SendText(ctx, "o-4", "x")
			if err == nil {
				t.Fatal("502 gave no error")
			}
			if strings.Contains(err.Error(), "FAKE_TOKEN") {
				t.Errorf("error leaks the access token: %v", err)
			}
		})
	})
}

func TestReplicasShareOneTokenFetch(t *testing.T) {
	storetest.Caches(t, func(t *testing.T, cache store.Cache) {
		api := wechattest.NewFakeAPI(t)
		api.Delay("/cgi-bin/token", 200*time.Millisecond)
		replicas := []*wxapi.Client{newClient(api, cache), newClient(api, cache), newClient(api, cache)}
		var wg sync.WaitGroup
		tokens := make([]string, 9)
		for i := range tokens {
			wg.Add(1)
			go func() {
				defer wg.Done()
				tok, err := replicas[i%3].GetAccessTokenContext(context.Background())
				if err != nil {
					t.Error(err)
				}
				tokens[i] = tok
			}()
		}
		wg.Wait()
		if n := len(api.Calls("/cgi-bin/token")); n != 1 {
			t.Errorf("%d token fetches by 3 replicas at once, want 1", n)
		}
		for _, tok := range tokens {
			if tok != tokens[0] || tok == "" {
				t.Fatalf("replicas got different tokens: %v", tokens)
			}
		}
	})
}

// TestSendBy: a call made after its context's send-by time sends nothing
// and says so; one made before it is sent.
func TestSendBy(t *testing.T) {
	api := wechattest.NewFakeAPI(t)
	c := newClient(api, storetest.OpenMemoryCache(t))
	ctx := context.Background()
	if err := c.SendText(wxapi.WithSendBy(ctx, time.Now().Add(time.Minute)), "o-1", "in time"); err != nil {
		t.Fatalf("send before its send-by time: %v", err)
	}
	err := c.SendText(wxapi.WithSendBy(ctx, time.Now().Add(-time.Millisecond)), "o-1", "late")
	if !errors.Is(err, wxapi.ErrLate) {
		t.Errorf("send after its send-by time = %v, want ErrLate", err)
	}
	if wxapi.IsTemporary(err) {
		t.Errorf("ErrLate counts as a temporary failure of a call; no call was made")
	}
	err = c.SendTemplate(wxapi.WithSendBy(ctx, time.Now().Add(-time.Millisecond)), "o-1", "tpl", "", map[string]string{"thing1": "late"})
	if !errors.Is(err, wxapi.ErrLate) {
		t.Errorf("template after its send-by time = %v, want ErrLate", err)
	}
	if got := api.CustomerTexts(); len(got) != 1 || got[0].Content != "in time" {
		t.Errorf("texts = %+v, want only the one in time", got)
	}
	if n := len(api.Calls("/cgi-bin/message/custom/send")) + len(api.Calls("/cgi-bin/message/template/send")); n != 1 {
		t.Errorf("%d send calls, want 1", n)
	}
}

// getCounter counts the reads of a cache.
type getCounter struct {
	store.Cache
	gets atomic.Int64
}

func (c *getCounter) Get(ctx context.Context, key string) (string, bool, error) {
	c.gets.Add(1)
	return c.Cache.Get(ctx, key)
}

// TestTokenKeptInProcess: a client reads the shared token once and keeps
// it for a while instead of asking the cache (Redis) at every call; when
// WeChat refuses the token it keeps, it drops it and takes the one another
// replica fetched meanwhile.
func TestTokenKeptInProcess(t *testing.T) {
	storetest.Caches(t, func(t *testing.T, cache store.Cache) {
		ctx := context.Background()
		api := wechattest.NewFakeAPI(t)
		counted := &getCounter{Cache: cache}
		a, b := newClient(api, counted), newClient(api, cache)
		for range 20 {
			if err := a.SendText(ctx, "o-1", "x"); err != nil {
				t.Fatal(err)
			}
		}
		if n := counted.gets.Load(); n > 2 {
			t.Errorf("%d cache reads for 20 sends, want the token read once", n)
		}
		// Another replica finds the token refused and fetches a new one.
		api.ExpireTokens()
		if err := b.SendText(ctx, "o-2", "y"); err != nil {
			t.Fatal(err)
		}
		fetches := len(api.Calls("/cgi-bin/token"))
		if err := a.SendText(ctx, "o-1", "z"); err != nil {
			t.Fatalf("send with a kept token WeChat refuses: %v", err)
		}
		if n := len(api.Calls("/cgi-bin/token")); n != fetches {
			t.Errorf("%d more token fetches, want none: the other replica's token is in the cache", n-fetches)
		}
		if n := len(api.CustomerTexts()); n != 22 {
			t.Errorf("%d texts delivered, want 22", n)
		}
	})
}

// Two clients in one process, each with its own API, send at the same time
// and each reaches only its own: the SDK's process-wide HTTP client and URI
// rewriter are not used, so the client made last does not take the first's
// calls (and -race sees no write to them while the other sends).
func TestClientsInOneProcessKeepTheirOwnAPI(t *testing.T) {
	ctx := context.Background()
	apiA, apiB := wechattest.NewFakeAPI(t), wechattest.NewFakeAPI(t)
	a := newClient(apiA, storetest.OpenMemoryCache(t))
	var wg sync.WaitGroup
	errs := make(chan error, 40)
	for i := 0; i < 20; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs <- a.SendText(ctx, "o-a", "甲")
		}()
	}
	b := newClient(apiB, storetest.OpenMemoryCache(t)) // made while a sends
	for i := 0; i < 20; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs <- b.SendText(ctx, "o-b", "乙")
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	for name, api := range map[string]*wechattest.FakeAPI{"A": apiA, "B": apiB} {
		want := map[string]string{"A": "o-a", "B": "o-b"}[name]
		texts := api.CustomerTexts()
		if len(texts) != 20 {
			t.Errorf("API %s got %d texts, want 20", name, len(texts))
		}
		for _, m := range texts {
			if m.ToUser != want {
				t.Errorf("API %s got a text to %s", name, m.ToUser)
			}
		}
	}
}

package wxapi_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"envoybot/bot/wechattest"
	"envoybot/bot/wxapi"
	"envoybot/store/memory"
)

const templatePath = "/cgi-bin/message/template/send"

func TestSendTemplate(t *testing.T) {
	ctx := context.Background()
	newTemplateClient := func(api *wechattest.FakeAPI) *wxapi.Client {
		return wxapi.New(wxapi.Config{AppID: "wxtest0000000002", Secret: "secret", APIBase: api.URL(), Timeout: 3 * time.Second},
			memory.New(), slog.New(slog.DiscardHandler))
	}
	t.Run("delivers the data as key and value", func(t *testing.T) {
		api := wechattest.NewFakeAPI(t)
		c := newTemplateClient(api)
		data := map[string]string{"thing1": "法律知识讲座", "time2": "12月5日 09:30"}
		if err := c.SendTemplate(ctx, "o-1", "TPL-1", "https://example.org/l/L3", data); err != nil {
			t.Fatal(err)
		}
		got := api.TemplateMessages()
		if len(got) != 1 {
			t.Fatalf("template messages = %+v", got)
		}
		m := got[0]
		if m.ToUser != "o-1" || m.TemplateID != "TPL-1" || m.URL != "https://example.org/l/L3" || fmt.Sprint(m.Data) != fmt.Sprint(data) {
			t.Errorf("template message = %+v", m)
		}
	})
	t.Run("refreshes and retries once on 40001", func(t *testing.T) {
		api := wechattest.NewFakeAPI(t)
		c := newTemplateClient(api)
		if err := c.SendTemplate(ctx, "o-2", "TPL-1", "", map[string]string{"thing1": "一"}); err != nil {
			t.Fatal(err)
		}
		api.ExpireTokens()
		if err := c.SendTemplate(ctx, "o-2", "TPL-1", "", map[string]string{"thing1": "二"}); err != nil {
			t.Fatalf("send after the token expired: %v", err)
		}
		if n := len(api.Calls("/cgi-bin/token")); n != 2 {
			t.Errorf("%d token fetches, want 2", n)
		}
		if n := len(api.TemplateMessages()); n != 2 {
			t.Errorf("%d template messages, want 2", n)
		}
	})
	t.Run("an errcode for one recipient is an APIError", func(t *testing.T) {
		api := wechattest.NewFakeAPI(t)
		c := newTemplateClient(api)
		api.FailFor(templatePath, "o-gone", 43004)
		var apiErr *wxapi.APIError
		if err := c.SendTemplate(ctx, "o-gone", "TPL-1", "", nil); !errors.As(err, &apiErr) || apiErr.Code != 43004 {
			t.Errorf("err = %v, want APIError 43004", err)
		}
		if err := c.SendTemplate(ctx, "o-other", "TPL-1", "", nil); err != nil {
			t.Errorf("another recipient: %v", err)
		}
		api.FailFor(templatePath, "o-gone", 0)
		if err := c.SendTemplate(ctx, "o-gone", "TPL-1", "", nil); err != nil {
			t.Errorf("after clearing: %v", err)
		}
	})
}

func TestIsTemporary(t *testing.T) {
	ctx := context.Background()
	api := wechattest.NewFakeAPI(t)
	c := wxapi.New(wxapi.Config{AppID: "wxtest0000000003", Secret: "secret", APIBase: api.URL(), Timeout: 3 * time.Second},
		memory.New(), slog.New(slog.DiscardHandler))
	if err := c.SendText(ctx, "o-1", "warm up the token"); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name   string
		inject func()
		want   bool
	}{
		{"HTTP 502 is temporary", func() { api.FailNextStatus(templatePath, http.StatusBadGateway) }, true},
		{"HTTP 503 is temporary", func() { api.FailNextStatus(templatePath, http.StatusServiceUnavailable) }, true},
		{"HTTP 429 is temporary", func() { api.FailNextStatus(templatePath, http.StatusTooManyRequests) }, true},
		{"HTTP 404 is not", func() { api.FailNextStatus(templatePath, http.StatusNotFound) }, false},
		{"system busy (-1) is temporary", func() { api.FailNext(templatePath, -1) }, true},
		{"window closed (45015) is not", func() { api.FailNext(templatePath, 45015) }, false},
		{"quota (45009) is not", func() { api.FailNext(templatePath, 45009) }, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.inject()
			err := c.SendTemplate(ctx, "o-1", "TPL-1", "", nil)
			if err == nil {
				t.Fatal("no error")
			}
			if got := wxapi.IsTemporary(err); got != tc.want {
				t.Errorf("IsTemporary(%v) = %v, want %v", err, got, tc.want)
			}
		})
	}
	t.Run("a timeout is temporary", func(t *testing.T) {
		api.Delay(templatePath, 300*time.Millisecond)
		defer api.Delay(templatePath, 0)
		tctx, cancel := context.WithTimeout(ctx, 50*time.Millisecond)
		defer cancel()
		err := c.SendTemplate(tctx, "o-1", "TPL-1", "", nil)
		if err == nil || !wxapi.IsTemporary(err) {
			t.Errorf("IsTemporary(%v) = false, want true", err)
		}
	})
	t.Run("a refused connection is temporary", func(t *testing.T) {
		dead := httptest.NewServer(http.NotFoundHandler())
		dead.Close()
		c := wxapi.New(wxapi.Config{AppID: "wxtest0000000004", Secret: "secret", APIBase: dead.URL, Timeout: time.Second},
			memory.New(), slog.New(slog.DiscardHandler))
		err := c.SendTemplate(ctx, "o-1", "TPL-1", "", nil)
		if err == nil || !wxapi.IsTemporary(err) {
			t.Errorf("IsTemporary(%v) = false, want true", err)
		}
	})
	if wxapi.IsTemporary(nil) {
		t.Error("IsTemporary(nil) = true")
	}
}

func TestCurrentFormatRules(t *testing.T) {
	ctx := context.Background()
	api := wechattest.NewFakeAPI(t)
	c := wxapi.New(wxapi.Config{AppID: "wxtest0000000012", Secret: "secret", APIBase: api.URL(), Timeout: 3 * time.Second},
		memory.New(), slog.New(slog.DiscardHandler))
	for _, tc := range []struct {
		name string
		send func() error
		code int64
	}{
		{"template with first is refused", func() error {
			return c.SendTemplate(ctx, "o-1", "TPL", "", map[string]string{"first": "x", "thing1": "y"})
		}, 47003},
		{"template value over 20 characters is refused", func() error {
			return c.SendTemplate(ctx, "o-1", "TPL", "", map[string]string{"thing1": "一二三四五六七八九十一二三四五六七八九十一"})
		}, 47003},
		{"template value with a line break is refused", func() error {
			return c.SendTemplate(ctx, "o-1", "TPL", "", map[string]string{"thing1": "一\n二"})
		}, 47003},
		{"subscription notice without acceptance is refused", func() error {
			return c.SendSubscribe(ctx, "o-1", "SUB", "", map[string]string{"thing1": "义诊"})
		}, 43101},
		{"subscription notice after acceptance goes", func() error {
			api.AcceptSubscription("o-1", "SUB")
			return c.SendSubscribe(ctx, "o-1", "SUB", "https://example.org", map[string]string{"thing1": "义诊"})
		}, 0},
		{"subscription phrase over 5 characters is refused", func() error {
			return c.SendSubscribe(ctx, "o-1", "SUB", "", map[string]string{"phrase1": "一二三四五六"})
		}, 47003},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.send()
			var apiErr *wxapi.APIError
			switch {
			case tc.code == 0 && err != nil:
				t.Fatalf("err = %v, want none", err)
			case tc.code != 0 && (!errors.As(err, &apiErr) || apiErr.Code != tc.code):
				t.Fatalf("err = %v, want errcode %d", err, tc.code)
			}
		})
	}
	if got := api.SubscribeMessages(); len(got) != 1 || got[0].Page != "https://example.org" || got[0].Data["thing1"] != "义诊" {
		t.Errorf("subscription notices = %+v", got)
	}
}

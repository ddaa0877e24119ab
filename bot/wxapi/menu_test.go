package wxapi_test

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"strings"
	"testing"
	"time"

	"envoybot/bot/wechattest"
	"envoybot/bot/wxapi"
	"envoybot/store/memory"
)

const menuPath = "/cgi-bin/menu/create"

func campaignMenu() []wxapi.MenuButton {
	return []wxapi.MenuButton{
		{Name: "活动/讲座", SubButtons: []wxapi.MenuButton{
			{Type: wxapi.MenuClick, Name: "活动", Key: "MENU_ACTIVITIES"},
			{Type: wxapi.MenuClick, Name: "讲座", Key: "MENU_LECTURES"},
		}},
		{Name: "我的", SubButtons: []wxapi.MenuButton{
			{Type: wxapi.MenuClick, Name: "我的报名", Key: "MENU_MY_SIGNUPS"},
			{Type: wxapi.MenuClick, Name: "我的时长", Key: "MENU_MY_HOURS"},
		}},
		{Type: wxapi.MenuClick, Name: "帮助", Key: "MENU_HELP"},
	}
}

func newMenuClient(api *wechattest.FakeAPI) *wxapi.Client {
	return wxapi.New(wxapi.Config{AppID: "wxtest0000000010", Secret: "secret", APIBase: api.URL(), Timeout: 3 * time.Second},
		memory.New(), slog.New(slog.DiscardHandler))
}

func TestCreateMenu(t *testing.T) {
	ctx := context.Background()
	t.Run("posts the menu as WeChat documents it", func(t *testing.T) {
		api := wechattest.NewFakeAPI(t)
		if err := newMenuClient(api).CreateMenu(ctx, campaignMenu()); err != nil {
			t.Fatal(err)
		}
		calls := api.Calls(menuPath)
		if len(calls) != 1 {
			t.Fatalf("%d calls to %s, want 1", len(calls), menuPath)
		}
		if calls[0].Query.Get("access_token") == "" {
			t.Error("no access token")
		}
		var got any
		if err := json.Unmarshal(calls[0].Body, &got); err != nil {
			t.Fatal(err)
		}
		const want = `{"button":[` +
			`{"name":"活动/讲座","sub_button":[{"type":"click","name":"活动","key":"MENU_ACTIVITIES"},{"type":"click","name":"讲座","key":"MENU_LECTURES"}]},` +
			`{"name":"我的","sub_button":[{"type":"click","name":"我的报名","key":"MENU_MY_SIGNUPS"},{"type":"click","name":"我的时长","key":"MENU_MY_HOURS"}]},` +
			`{"type":"click","name":"帮助","key":"MENU_HELP"}]}`
		var w any
		_ = json.Unmarshal([]byte(want), &w)
		gotJSON, _ := json.Marshal(got)
		wantJSON, _ := json.Marshal(w)
		if string(gotJSON) != string(wantJSON) {
			t.Errorf("body =\n %s\nwant\n %s", gotJSON, wantJSON)
		}
	})
	t.Run("refreshes the token once on 40001", func(t *testing.T) {
		api := wechattest.NewFakeAPI(t)
		c := newMenuClient(api)
		if err := c.CreateMenu(ctx, campaignMenu()); err != nil {
			t.Fatal(err)
		}
		api.ExpireTokens()
		if err := c.CreateMenu(ctx, campaignMenu()); err != nil {
			t.Fatalf("after the token expired: %v", err)
		}
		if n := len(api.Calls(menuPath)); n != 3 {
			t.Errorf("%d menu calls, want 3 (one refused)", n)
		}
	})
	t.Run("an errcode is an APIError", func(t *testing.T) {
		api := wechattest.NewFakeAPI(t)
		c := newMenuClient(api)
		if _, err := c.GetAccessTokenContext(ctx); err != nil {
			t.Fatal(err)
		}
		api.FailNext(menuPath, 40018)
		var apiErr *wxapi.APIError
		if err := c.CreateMenu(ctx, campaignMenu()); !errors.As(err, &apiErr) || apiErr.Code != 40018 {
			t.Errorf("err = %v, want APIError 40018", err)
		}
	})
	t.Run("an invalid menu is not sent", func(t *testing.T) {
		api := wechattest.NewFakeAPI(t)
		menu := append(campaignMenu(), wxapi.MenuButton{Type: wxapi.MenuClick, Name: "更多", Key: "MORE"})
		if err := newMenuClient(api).CreateMenu(ctx, menu); err == nil {
			t.Error("four buttons accepted")
		}
		if n := len(api.Calls("")); n != 0 {
			t.Errorf("%d calls to the API, want none", n)
		}
	})
}

func TestValidateMenu(t *testing.T) {
	click := func(name, key string) wxapi.MenuButton {
		return wxapi.MenuButton{Type: wxapi.MenuClick, Name: name, Key: key}
	}
	six := []wxapi.MenuButton{click("1", "K1"), click("2", "K2"), click("3", "K3"), click("4", "K4"), click("5", "K5"), click("6", "K6")}
	tests := []struct {
		name    string
		menu    []wxapi.MenuButton
		wantErr string
	}{
		{"the campaign menu is valid", campaignMenu(), ""},
		{"no buttons", nil, "0 buttons"},
		{"four buttons", []wxapi.MenuButton{click("一", "1"), click("二", "2"), click("三", "3"), click("四", "4")}, "4 buttons"},
		{"six sub-buttons", []wxapi.MenuButton{{Name: "更多", SubButtons: six}}, "6 sub-buttons"},
		{"five sub-buttons", []wxapi.MenuButton{{Name: "更多", SubButtons: six[:5]}}, ""},
		{"top name of six Chinese characters", []wxapi.MenuButton{click("活动和讲座们", "K")}, "18 bytes"},
		{"top name of five Chinese characters", []wxapi.MenuButton{click("活动和讲座", "K")}, ""},
		{"sub name too long", []wxapi.MenuButton{{Name: "我的", SubButtons: []wxapi.MenuButton{click(strings.Repeat("长", 21), "K")}}}, "63 bytes"},
		{"empty name", []wxapi.MenuButton{click("", "K")}, "no name"},
		{"click without key", []wxapi.MenuButton{click("帮助", "")}, "needs a key"},
		{"view without URL", []wxapi.MenuButton{{Type: wxapi.MenuView, Name: "官网"}}, "needs a URL"},
		{"unknown type", []wxapi.MenuButton{{Type: "scancode_push", Name: "扫码", Key: "K"}}, `type "scancode_push"`},
		{"parent with a key", []wxapi.MenuButton{{Name: "我的", Key: "K", SubButtons: six[:1]}}, "cannot have a type"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := wxapi.ValidateMenu(tt.menu)
			switch {
			case tt.wantErr == "" && err != nil:
				t.Errorf("err = %v, want none", err)
			case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
				t.Errorf("err = %v, want one with %q", err, tt.wantErr)
			}
		})
	}
}

package main

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"

	"envoybot/bot/wechattest"
	"envoybot/configs"
)

func menuConfig(t *testing.T, env map[string]string) *configs.Config {
	t.Helper()
	cfg, err := configs.Load(func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

func TestMenuSync(t *testing.T) {
	api := wechattest.NewFakeAPI(t)
	cfg := menuConfig(t, map[string]string{
		"ENVOYBOT_WECHAT_APPID": "wxmenutest0000001", "ENVOYBOT_WECHAT_SECRET": "secret",
		"ENVOYBOT_WECHAT_TOKEN": "menutoken", "ENVOYBOT_WECHAT_API_BASE": api.URL(),
	})
	var stdout, stderr bytes.Buffer
	if code := runMenu(context.Background(), cfg, []string{"sync"}, &stdout, &stderr); code != 0 {
		t.Fatalf("menu sync: exit %d\n%s", code, stderr.String())
	}
	calls := api.Calls("/cgi-bin/menu/create")
	if len(calls) != 1 {
		t.Fatalf("%d calls to /cgi-bin/menu/create, want 1", len(calls))
	}
	var got struct {
		Button []struct {
			Type, Name, Key string
			SubButton       []struct{ Type, Name, Key string } `json:"sub_button"`
		} `json:"button"`
	}
	if err := json.Unmarshal(calls[0].Body, &got); err != nil {
		t.Fatal(err)
	}
	var flat []string
	for _, b := range got.Button {
		if len(b.SubButton) == 0 {
			flat = append(flat, b.Name+"="+b.Type+":"+b.Key)
			continue
		}
		for _, s := range b.SubButton {
			flat = append(flat, b.Name+"/"+s.Name+"="+s.Type+":"+s.Key)
		}
	}
	want := "活动/讲座/活动=click:MENU_ACTIVITIES 活动/讲座/讲座=click:MENU_LECTURES " +
		"我的/我的报名=click:MENU_MY_SIGNUPS 我的/我的时长=click:MENU_MY_HOURS 帮助=click:MENU_HELP"
	if strings.Join(flat, " ") != want {
		t.Errorf("menu sent = %s\nwant        %s", strings.Join(flat, " "), want)
	}
	if !strings.Contains(stdout.String(), `"key": "MENU_MY_HOURS"`) || !strings.Contains(stdout.String(), "我的时长\t[click MENU_MY_HOURS] → 我的时长") {
		t.Errorf("stdout does not show what was sent:\n%s", stdout.String())
	}
}

func TestMenuShow(t *testing.T) {
	tests := []struct {
		name     string
		keys     map[string]string
		wantCode int
		want     string
	}{
		{"default keys", nil, 0, "帮助\t[click MENU_HELP] → 帮助"},
		{"a renamed key is found by its text", map[string]string{
			"ACT": "活动", "LEC": "讲座", "MINE": "我的报名", "HOURS": "我的时长", "HELP": "帮助",
		}, 0, "  我的时长\t[click HOURS] → 我的时长"},
		{"a missing key is an error", map[string]string{"MENU_HELP": "帮助"}, 2, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := menuConfig(t, nil)
			if tt.keys != nil {
				cfg.WeChat.MenuKeys = tt.keys
			}
			var stdout, stderr bytes.Buffer
			code := runMenu(context.Background(), cfg, []string{"show"}, &stdout, &stderr)
			if code != tt.wantCode {
				t.Fatalf("exit %d, want %d\n%s", code, tt.wantCode, stderr.String())
			}
			if !strings.Contains(stdout.String(), tt.want) {
				t.Errorf("stdout =\n%s\nwant %q in it", stdout.String(), tt.want)
			}
		})
	}
}

func TestMenuSyncNeedsAccount(t *testing.T) {
	var stdout, stderr bytes.Buffer
	if code := runMenu(context.Background(), menuConfig(t, nil), []string{"sync"}, &stdout, &stderr); code != 2 {
		t.Errorf("exit %d, want 2", code)
	}
	if !strings.Contains(stderr.String(), "ENVOYBOT_WECHAT_SECRET") {
		t.Errorf("stderr = %q, want the variables to set", stderr.String())
	}
}

func TestMenuUsage(t *testing.T) {
	var stdout, stderr bytes.Buffer
	if code := runMenu(context.Background(), menuConfig(t, nil), nil, &stdout, &stderr); code != 2 {
		t.Errorf("exit %d, want 2", code)
	}
}

package configs

import (
	"errors"
	"strings"
	"testing"
)

func TestListenAddress(t *testing.T) {
	tests := []struct {
		name string
		env  map[string]string
		yaml string
		want string
	}{
		{"development token: this machine only", nil, "", "127.0.0.1:8080"},
		{"a configured token: every interface", map[string]string{"ENVOYBOT_WECHAT_TOKEN": "realtoken1"}, "", ":8080"},
		{"development token with addr in the environment", map[string]string{"ENVOYBOT_ADDR": ":9090"}, "", ":9090"},
		{"development token with addr in the file", nil, `addr: "0.0.0.0:8081"`, "0.0.0.0:8081"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m := map[string]string{}
			for k, v := range tc.env {
				m[k] = v
			}
			if tc.yaml != "" {
				m["ENVOYBOT_CONFIG"] = writeFile(t, "envoybot.yaml", tc.yaml)
			}
			if got := mustLoad(t, m).Addr; got != tc.want {
				t.Errorf("addr = %q, want %q", got, tc.want)
			}
		})
	}
}

func TestFollowerLimitConfig(t *testing.T) {
	c := mustLoad(t, nil)
	if l := c.WeChat.FollowerLimit; l.PerMinute != 20 || l.Burst != 10 {
		t.Errorf("default follower limit = %+v, want 20 a minute, burst 10", l)
	}
	if l := mustLoad(t, map[string]string{"ENVOYBOT_CONFIG": writeFile(t, "e.yaml", "wechat: {follower_limit: {per_minute: 0}}")}).WeChat.FollowerLimit; l.PerMinute != 0 {
		t.Errorf("per_minute 0 = %+v, want the limit off", l)
	}
	for _, tc := range []struct{ yaml, key, msg string }{
		{"wechat: {follower_limit: {per_minute: -1}}", "wechat.follower_limit.per_minute", "0 (off) or more"},
		{"wechat: {follower_limit: {per_minute: 20, burst: 0}}", "wechat.follower_limit.burst", "between 1 and per_minute"},
		{"wechat: {follower_limit: {per_minute: 5, burst: 10}}", "wechat.follower_limit.burst", "between 1 and per_minute (5)"},
	} {
		t.Run(tc.yaml, func(t *testing.T) {
			_, err := Load(env(map[string]string{"ENVOYBOT_CONFIG": writeFile(t, "e.yaml", tc.yaml)}))
			var ke *KeyError
			if !errors.As(err, &ke) || ke.Key != tc.key || !strings.Contains(ke.Msg, tc.msg) {
				t.Errorf("Load = %v, want key %s and %q", err, tc.key, tc.msg)
			}
		})
	}
}

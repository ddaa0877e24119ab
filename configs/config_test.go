package configs

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

// env returns a getenv over a fixed map.
func env(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

// writeFile writes content to name in a fresh temporary directory.
func writeFile(t *testing.T, name, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// mustLoad loads with m as the environment and fails the test on error.
func mustLoad(t *testing.T, m map[string]string) *Config {
	t.Helper()
	c, err := Load(env(m))
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	return c
}

// validKey is a well-formed EncodingAESKey.
const validKey = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"

func TestDefaults(t *testing.T) {
	c := mustLoad(t, nil)
	checks := []struct {
		name      string
		got, want any
	}{
		{"listens on 127.0.0.1:8080 with the development token", c.Addr, "127.0.0.1:8080"},
		{"embedded database in data/", c.SQLitePath(), filepath.Join("data", "envoybot.db")},
		{"embedded database by default", c.Embedded(), true},
		{"in-process cache by default", c.RedisURL, ""},
		{"info logging", c.LogLevel, "info"},
		{"Shanghai time", c.Location().String(), "Asia/Shanghai"},
		{"development token", c.WeChat.Token, DevToken},
		{"reports the development token", c.UsingDevToken(), true},
		{"plaintext mode", c.WeChat.AESKey, ""},
		{"api base", c.WeChat.APIBase, "https://api.weixin.qq.com"},
		{"timestamp window", c.WeChat.TimestampWindow, 300 * time.Second},
		{"reply deadline", c.WeChat.ReplyDeadline, 4500 * time.Millisecond},
		{"handler timeout", c.WeChat.HandlerTimeout, 30 * time.Second},
		{"dedup ttl", c.WeChat.DedupTTL, 120 * time.Second},
		{"max body", c.WeChat.MaxBodyBytes, int64(65536)},
		{"api timeout", c.WeChat.APITimeout, 10 * time.Second},
		{"menu keys", c.WeChat.MenuKeys, map[string]string{
			"MENU_HELP": "帮助", "MENU_ACTIVITIES": "活动", "MENU_LECTURES": "讲座",
			"MENU_MY_SIGNUPS": "我的报名", "MENU_MY_HOURS": "我的时长",
		}},
		{"validates", c.Validate(), nil},
	}
	for _, tc := range checks {
		t.Run(tc.name, func(t *testing.T) {
			if !reflect.DeepEqual(tc.got, tc.want) {
				t.Errorf("got %v, want %v", tc.got, tc.want)
			}
		})
	}
}

func TestLayers(t *testing.T) {
	file := writeFile(t, "envoybot.yaml", `
addr: "127.0.0.1:9000"
log_level: warn
redis_url: redis://localhost:6379/0
wechat:
  token: fromfile
  app_id: wxfile
  reply_deadline: 3s
  menu_keys:
    MENU_ONLY: 帮助
`)
	tests := []struct {
		name  string
		env   map[string]string
		check func(t *testing.T, c *Config)
	}{
		{"file overrides defaults", map[string]string{"ENVOYBOT_CONFIG": file}, func(t *testing.T, c *Config) {
			if c.Addr != "127.0.0.1:9000" || c.LogLevel != "warn" || c.WeChat.Token != "fromfile" || c.WeChat.ReplyDeadline != 3*time.Second {
				t.Errorf("file not applied: %+v", c)
			}
			if c.UsingDevToken() {
				t.Error("UsingDevToken with a configured token")
			}
			if c.DataDir != "data" || c.WeChat.DedupTTL != 120*time.Second {
				t.Errorf("defaults lost: data_dir %q dedup_ttl %s", c.DataDir, c.WeChat.DedupTTL)
			}
		}},
		{"file menu replaces the default menu", map[string]string{"ENVOYBOT_CONFIG": file}, func(t *testing.T, c *Config) {
			if want := map[string]string{"MENU_ONLY": "帮助"}; !reflect.DeepEqual(c.WeChat.MenuKeys, want) {
				t.Errorf("menu_keys = %v, want %v", c.WeChat.MenuKeys, want)
			}
		}},
		{"env overrides file", map[string]string{
			"ENVOYBOT_CONFIG":                file,
			"ENVOYBOT_ADDR":                  ":7000",
			"ENVOYBOT_LOG_LEVEL":             "debug",
			"ENVOYBOT_WECHAT_TOKEN":          "fromenv",
			"ENVOYBOT_WECHAT_REPLY_DEADLINE": "2s",
			"ENVOYBOT_DATABASE_URL":          "postgres://u:p@db/envoybot",
		}, func(t *testing.T, c *Config) {
			if c.Addr != ":7000" || c.LogLevel != "debug" || c.WeChat.Token != "fromenv" || c.WeChat.ReplyDeadline != 2*time.Second {
				t.Errorf("env not applied: %+v", c)
			}
			if c.RedisURL != "redis://localhost:6379/0" {
				t.Errorf("file value lost: redis_url %q", c.RedisURL)
			}
			if c.Embedded() {
				t.Error("Embedded with a database URL")
			}
		}},
		{"every env var is read", map[string]string{
			"ENVOYBOT_DATA_DIR":        "/var/lib/envoybot",
			"ENVOYBOT_REDIS_URL":       "rediss://r:6380",
			"ENVOYBOT_WECHAT_APPID":    "wx123",
			"ENVOYBOT_WECHAT_TOKEN":    "realtoken42",
			"ENVOYBOT_WECHAT_SECRET":   "s3cret",
			"ENVOYBOT_WECHAT_AES_KEY":  validKey,
			"ENVOYBOT_WECHAT_API_BASE": "http://127.0.0.1:1234",
		}, func(t *testing.T, c *Config) {
			w := c.WeChat
			if c.SQLitePath() != "/var/lib/envoybot/envoybot.db" || c.RedisURL != "rediss://r:6380" ||
				w.AppID != "wx123" || w.Token != "realtoken42" || w.Secret != "s3cret" || w.AESKey != validKey || w.APIBase != "http://127.0.0.1:1234" {
				t.Errorf("env not applied: %+v", c)
			}
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) { tc.check(t, mustLoad(t, tc.env)) })
	}
}

func TestBadValueNamesKey(t *testing.T) {
	tests := []struct {
		name    string
		env     map[string]string
		yaml    string // config file, when set
		wantKey string
		wantMsg string
	}{
		{"addr without port", map[string]string{"ENVOYBOT_ADDR": "localhost"}, "", "ENVOYBOT_ADDR", "host:port"},
		{"addr from the file", nil, `addr: "x:http"`, "addr", "port"},
		{"empty data dir", nil, `data_dir: ""`, "data_dir", "directory"},
		{"database url not postgres", map[string]string{"ENVOYBOT_DATABASE_URL": "mysql://u:p@h/db"}, "", "ENVOYBOT_DATABASE_URL", `postgres:// or postgresql://`},
		{"redis url not redis", map[string]string{"ENVOYBOT_REDIS_URL": "http://r:6379"}, "", "ENVOYBOT_REDIS_URL", "redis://"},
		{"unknown log level", map[string]string{"ENVOYBOT_LOG_LEVEL": "verbose"}, "", "ENVOYBOT_LOG_LEVEL", "debug, info, warn or error"},
		{"unknown time zone", nil, "time_zone: Mars/Olympus", "time_zone", "Mars/Olympus"},
		{"aes key too short", map[string]string{"ENVOYBOT_WECHAT_AES_KEY": "abcdefghijkl", "ENVOYBOT_WECHAT_APPID": "wx1"}, "", "ENVOYBOT_WECHAT_AES_KEY", "must be 43 characters of base64 (the EncodingAESKey from the WeChat console), got 12"},
		{"aes key not base64", nil, "wechat: {app_id: wx1, aes_key: \"" + strings.Repeat("!", 43) + "\"}", "wechat.aes_key", "not base64"},
		{"aes key without app id", map[string]string{"ENVOYBOT_WECHAT_AES_KEY": validKey}, "", "wechat.app_id", "AppID"},
		{"token too short", map[string]string{"ENVOYBOT_WECHAT_TOKEN": "ab"}, "", "ENVOYBOT_WECHAT_TOKEN", "3–32 letters or digits"},
		{"token with punctuation", nil, "wechat: {token: ab-cd}", "wechat.token", "letters or digits"},
		{"token too long", nil, "wechat: {token: " + strings.Repeat("a", 33) + "}", "wechat.token", "got 33"},
		{"api base not http", map[string]string{"ENVOYBOT_WECHAT_API_BASE": "ftp://x"}, "", "ENVOYBOT_WECHAT_API_BASE", "https://"},
		{"reply deadline not a duration", map[string]string{"ENVOYBOT_WECHAT_REPLY_DEADLINE": "4.5"}, "", "ENVOYBOT_WECHAT_REPLY_DEADLINE", "duration"},
		{"reply deadline too long", map[string]string{"ENVOYBOT_WECHAT_REPLY_DEADLINE": "5s"}, "", "ENVOYBOT_WECHAT_REPLY_DEADLINE", "between 1s and 4.9s"},
		{"reply deadline too short", nil, "wechat: {reply_deadline: 500ms}", "wechat.reply_deadline", "between 1s and 4.9s"},
		{"handler timeout under the deadline", nil, "wechat: {handler_timeout: 2s}", "wechat.handler_timeout", "at least the reply deadline"},
		{"dedup ttl under a minute", nil, "wechat: {dedup_ttl: 59s}", "wechat.dedup_ttl", "at least 60s"},
		{"timestamp window zero", nil, "wechat: {timestamp_window: 0s}", "wechat.timestamp_window", "at least 1s"},
		{"tiny body limit", nil, "wechat: {max_body_bytes: 10}", "wechat.max_body_bytes", "at least 1024"},
		{"api timeout zero", nil, "wechat: {api_timeout: 0s}", "wechat.api_timeout", "positive"},
		{"empty menu text", nil, "wechat: {menu_keys: {MENU_X: \"\"}}", "wechat.menu_keys", "non-empty"},
		{"duration without unit", nil, "wechat: {reply_deadline: 4.5}", "", `line 1: cannot unmarshal !!float ` + "`4.5`" + ` into time.Duration (write durations like "4.5s"`},
		{"no publishing allowed", nil, "rules: {publish_per_day: 0}", "rules.publish_per_day", "at least 1, got 0"},
		{"unknown key", nil, "wechat:\n  aes_kye: x\n", "wechat.aes_kye", "unknown key"},
		{"template with first", nil, "notices: {templates: {lecture_notice: {id: T, fields: {first: text, thing1: title}}}}",
			"notices.templates.lecture_notice.fields", "WeChat ignores first and remark"},
		{"unknown channel", nil, "notices: {channels: [customer, sms]}", "notices.channels", `"sms"`},
		{"empty channels for a kind", nil, "notices: {channels_by_kind: {weekly_report: []}}", "notices.channels_by_kind.weekly_report", "at least one"},
		{"negative budget", nil, "notices: {customer_budget: -1}", "notices.customer_budget", "0 (none) or more"},
		{"subscription without fields", nil, "notices: {subscriptions: {lecture_notice: {id: S}}}", "notices.subscriptions.lecture_notice.fields", "must map"},
		{"unknown top-level key", nil, "adr: \":1\"\nfoo: 1\n", "adr", "also unknown: foo (line 2)"},
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
			_, err := Load(env(m))
			if tc.wantKey == "" { // a YAML error: no key to name, but the file and line
				if err == nil || !strings.Contains(err.Error(), tc.wantMsg) || !strings.Contains(err.Error(), m["ENVOYBOT_CONFIG"]) {
					t.Errorf("Load error = %v, want one naming the file and %q", err, tc.wantMsg)
				}
				return
			}
			var ke *KeyError
			if !errors.As(err, &ke) {
				t.Fatalf("Load error = %v, want a *KeyError", err)
			}
			if ke.Key != tc.wantKey || !strings.Contains(ke.Msg, tc.wantMsg) {
				t.Errorf("got %q, want key %q and a message with %q", err, tc.wantKey, tc.wantMsg)
			}
			if strings.Contains(err.Error(), "\n") {
				t.Errorf("error spans lines: %q", err)
			}
			if !strings.HasPrefix(err.Error(), "config: "+tc.wantKey+": ") {
				t.Errorf("error %q does not start with the key", err)
			}
		})
	}
}

func TestBadCampaignNamesKey(t *testing.T) {
	tests := []struct {
		name    string
		mutate  func(c *Campaign)
		wantKey string
	}{
		{"campaign ends before it starts", func(c *Campaign) { c.End = Date{2018, 1, 1} }, "campaign.end"},
		{"phase ends before it starts", func(c *Campaign) { c.Phases[1].End = Date{2019, 3, 1} }, "campaign.phases[1].end"},
		{"phase outside the campaign", func(c *Campaign) { c.Phases[0].Start = Date{2019, 2, 1} }, "campaign.phases[0]"},
		{"phases overlap", func(c *Campaign) { c.Phases[2].Start = Date{2020, 10, 31} }, "campaign.phases[2].start"},
		{"target without deadline", func(c *Campaign) { c.Targets[2].Deadline = Date{} }, "campaign.targets[2].deadline"},
		{"non-positive reminder", func(c *Campaign) { c.Targets[0].RemindDaysBefore = []int{7, 0} }, "campaign.targets[0].remind_days_before"},
		{"duplicate line key", func(c *Campaign) { c.Lines[3].Key = "care" }, "campaign.lines[3]"},
		{"duplicate line name", func(c *Campaign) { c.Lines[1].Name = "关爱困难群体" }, "campaign.lines[1]"},
		{"alias shared by two lines", func(c *Campaign) { c.Lines[3].Aliases = append(c.Lines[3].Aliases, "敬老") }, "campaign.lines[3]"},
		{"empty community", func(c *Campaign) { c.Communities[2] = " " }, "campaign.communities[2]"},
		{"community name too long", func(c *Campaign) { c.Communities[1] = strings.Repeat("古", 31) }, "campaign.communities[1]"},
		{"community written with spaces", func(c *Campaign) { c.Communities[1] = "运河 社区" }, "campaign.communities[1]"},
		{"community twice", func(c *Campaign) { c.Communities = append(c.Communities, "古槐社区居委会") }, "campaign.communities[10]"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := mustLoad(t, nil)
			c.Campaign = cloneCampaign(c.Campaign)
			tc.mutate(&c.Campaign)
			var ke *KeyError
			if err := c.Validate(); !errors.As(err, &ke) || ke.Key != tc.wantKey {
				t.Errorf("Validate = %v, want key %q", err, tc.wantKey)
			}
		})
	}
}

// cloneCampaign copies c deeply enough that a test may change it.
func cloneCampaign(c Campaign) Campaign {
	c.Phases = append([]Phase(nil), c.Phases...)
	targets := append([]Target(nil), c.Targets...)
	for i := range targets {
		targets[i].RemindDaysBefore = append([]int(nil), targets[i].RemindDaysBefore...)
	}
	c.Targets = targets
	lines := append([]ActivityLine(nil), c.Lines...)
	for i := range lines {
		lines[i].Aliases = append([]string(nil), lines[i].Aliases...)
	}
	c.Lines = lines
	c.Communities = append([]string(nil), c.Communities...)
	return c
}

func TestCampaignFile(t *testing.T) {
	tests := []struct {
		name     string
		campaign string
		wantErr  string
	}{
		{"replaces the built-in campaign", `
name: 试点
start: 2026-01-01
end: 2026-12-31
phases: [{key: only, name: 试点, start: 2026-01-01, end: 2026-12-31}]
targets: [{key: team, name: 建队, deadline: "2026-06-30", remind_days_before: [3]}]
lines: [{key: care, name: 关爱, aliases: [敬老]}]
`, ""},
		{"unknown key is an error", "name: x\nstart: 2026-01-01\nend: 2026-12-31\nphase: []\n", "config: phase: unknown key"},
		{"bad date is an error", "name: x\nstart: 2026-13-01\nend: 2026-12-31\n", "2026-13-01"},
		{"bad dates name the file", "name: x\nstart: 2026-02-01\nend: 2026-01-31\n", "config: campaign.end: 2026-01-31 is before start 2026-02-01 (in "},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			if err := os.WriteFile(filepath.Join(dir, "campaign.yaml"), []byte(tc.campaign), 0o600); err != nil {
				t.Fatal(err)
			}
			cfg := filepath.Join(dir, "envoybot.yaml")
			if err := os.WriteFile(cfg, []byte("campaign_file: campaign.yaml\n"), 0o600); err != nil {
				t.Fatal(err)
			}
			c, err := Load(env(map[string]string{"ENVOYBOT_CONFIG": cfg}))
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("Load error = %v, want one containing %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if c.Campaign.Name != "试点" || len(c.Campaign.Phases) != 1 || c.Campaign.LineByName("敬老").Key != "care" {
				t.Errorf("campaign not replaced: %+v", c.Campaign)
			}
		})
	}
}

func TestDefaultCampaignCommunities(t *testing.T) {
	cp := mustLoad(t, nil).Campaign
	if len(cp.Communities) != 10 || cp.Communities[0] != "古槐社区" {
		t.Errorf("communities = %v, want the ten of 任城区 starting with 古槐社区", cp.Communities)
	}
}

func TestDefaultCampaignMatchesNotice(t *testing.T) {
	cp := mustLoad(t, nil).Campaign
	if cp.Name != "让社区更美好——和谐使者在行动" {
		t.Errorf("name = %q", cp.Name)
	}
	if cp.Start != (Date{2019, 3, 1}) || cp.End != (Date{2021, 12, 31}) {
		t.Errorf("span = %s…%s, want 2019-03-01…2021-12-31", cp.Start, cp.End)
	}
	wantPhases := []Phase{
		{"mobilisation", "宣传动员", Date{2019, 3, 1}, Date{2019, 3, 31}},
		{"implementation", "实施推进", Date{2019, 4, 1}, Date{2020, 10, 31}},
		{"summary", "总结提升", Date{2020, 11, 1}, Date{2020, 12, 31}},
	}
	if !reflect.DeepEqual(cp.Phases, wantPhases) {
		t.Errorf("phases = %+v, want %+v", cp.Phases, wantPhases)
	}
	wantTargets := map[string]struct {
		description string
		deadline    Date
	}{
		"contact_point": {"每个和谐使者至少联系一个城乡社区，建立社区联系点", Date{2019, 12, 31}},
		"team":          {"成立一支相对稳定的志愿者团队", Date{2019, 12, 31}},
		"brand":         {"所联系社区基本打造成熟一个志愿服务品牌", Date{2020, 12, 31}},
	}
	if len(cp.Targets) != len(wantTargets) {
		t.Errorf("%d targets, want %d", len(cp.Targets), len(wantTargets))
	}
	for _, tg := range cp.Targets {
		t.Run("target "+tg.Key, func(t *testing.T) {
			want, ok := wantTargets[tg.Key]
			if !ok {
				t.Fatalf("unexpected target")
			}
			if tg.Description != want.description || tg.Deadline != want.deadline {
				t.Errorf("got %q by %s, want %q by %s", tg.Description, tg.Deadline, want.description, want.deadline)
			}
			if !reflect.DeepEqual(tg.RemindDaysBefore, []int{7, 3, 1}) {
				t.Errorf("reminders = %v, want [7 3 1]", tg.RemindDaysBefore)
			}
		})
	}
	wantLines := []struct {
		key, name    string
		serviceTypes []string
		groups       []string
	}{
		{"care", "关爱困难群体", []string{"家政服务", "文体活动", "心理疏导", "医疗保健", "法律服务"}, []string{"孤寡老人", "空巢老人", "困境儿童", "农民工", "残疾人"}},
		{"civility", "文明有礼", []string{"文明礼仪宣传", "公共秩序维护", "文化建设", "环境卫生", "网络文明", "不文明行为劝阻"}, nil},
		{"new_customs", "时代新风", []string{"知识讲座", "巡回展览", "阅读推广"}, nil},
		{"peace", "平安和谐", []string{"法律进社区", "法律知识讲座", "法律知识宣传队", "五老关爱小组", "社区矫正"}, []string{"居民群众", "未成年人"}},
	}
	if len(cp.Lines) != len(wantLines) {
		t.Fatalf("%d lines, want %d", len(cp.Lines), len(wantLines))
	}
	for i, want := range wantLines {
		t.Run("line "+want.key, func(t *testing.T) {
			l := cp.Lines[i]
			if l.Key != want.key || l.Name != want.name || l.Description == "" || len(l.Aliases) == 0 {
				t.Errorf("got %s %s %q aliases %v", l.Key, l.Name, l.Description, l.Aliases)
			}
			if !reflect.DeepEqual(l.ServiceTypes, want.serviceTypes) {
				t.Errorf("service types = %v, want %v", l.ServiceTypes, want.serviceTypes)
			}
			if len(l.TargetGroups)+len(want.groups) > 0 && !reflect.DeepEqual(l.TargetGroups, want.groups) {
				t.Errorf("target groups = %v, want %v", l.TargetGroups, want.groups)
			}
		})
	}
	if got, want := cp.Lines[2].Venues, []string{"图书馆", "科技馆", "纪念馆", "综合文化站", "爱国主义教育基地", "文化书屋"}; !reflect.DeepEqual(got, want) {
		t.Errorf("new_customs venues = %v, want %v", got, want)
	}
	if !strings.Contains(cp.Lines[1].Description, "随地吐痰、乱扔垃圾、车辆乱停放、车窗抛物") {
		t.Errorf("civility description lacks the 不文明行为 examples: %q", cp.Lines[1].Description)
	}
}

func TestPhaseAt(t *testing.T) {
	c := mustLoad(t, nil)
	loc := c.Location()
	tests := []struct {
		name string
		at   time.Time
		want string // phase name, "" for none
	}{
		{"mid March 2019 is mobilisation", time.Date(2019, 3, 15, 12, 0, 0, 0, loc), "宣传动员"},
		{"May 2020 is implementation", time.Date(2020, 5, 1, 9, 0, 0, 0, loc), "实施推进"},
		{"mid November 2020 is summary", time.Date(2020, 11, 15, 9, 0, 0, 0, loc), "总结提升"},
		{"first instant of the campaign", time.Date(2019, 3, 1, 0, 0, 0, 0, loc), "宣传动员"},
		{"last minute of March is still mobilisation", time.Date(2019, 3, 31, 23, 59, 0, 0, loc), "宣传动员"},
		{"1 April Shanghai is implementation though still 31 March in UTC", time.Date(2019, 4, 1, 1, 0, 0, 0, loc).UTC(), "实施推进"},
		{"before the campaign", time.Date(2019, 2, 28, 23, 0, 0, 0, loc), ""},
		{"2021 has no phase", time.Date(2021, 6, 1, 0, 0, 0, 0, loc), ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := ""
			if p := c.Campaign.PhaseAt(tc.at, loc); p != nil {
				got = p.Name
			}
			if got != tc.want {
				t.Errorf("PhaseAt(%s) = %q, want %q", tc.at, got, tc.want)
			}
		})
	}
}

func TestLineByName(t *testing.T) {
	c := mustLoad(t, nil)
	tests := []struct{ in, want string }{
		{"普法", "peace"},
		{"法律", "peace"},
		{"平安和谐", "peace"},
		{"关爱", "care"},
		{"敬老", "care"},
		{"助残", "care"},
		{"关爱困难群体", "care"},
		{" CARE ", "care"},
		{"文明", "civility"},
		{"移风易俗", "new_customs"},
		{"new_customs", "new_customs"},
		{"足球", ""},
		{"", ""},
	}
	for _, tc := range tests {
		t.Run("matches "+tc.in, func(t *testing.T) {
			got := ""
			if l := c.Campaign.LineByName(tc.in); l != nil {
				got = l.Key
			}
			if got != tc.want {
				t.Errorf("LineByName(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}

func TestMask(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"hides the password of a postgres URL", "postgres://envoy:s3cret@db:5432/envoybot?sslmode=disable", "postgres://envoy:xxxxx@db:5432/envoybot?sslmode=disable"},
		{"hides a redis password", "redis://:s3cret@cache:6379/0", "redis://:xxxxx@cache:6379/0"},
		{"hides a password query parameter", "postgres://db/envoybot?password=s3cret", "postgres://db/envoybot?password=xxxxx"},
		{"leaves a URL without password", "redis://cache:6379", "redis://cache:6379"},
		{"hides an unparseable URL", "postgres://u:p%zz@db/x", "postgres://xxxxx"},
		{"empty stays empty", "", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := Mask(tc.in); got != tc.want {
				t.Errorf("Mask(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}

func TestDate(t *testing.T) {
	d, err := ParseDate("2019-03-01")
	if err != nil || d != (Date{2019, time.March, 1}) || d.String() != "2019-03-01" {
		t.Fatalf("ParseDate = %v, %v", d, err)
	}
	loc := mustLoad(t, nil).Location()
	if got := d.In(loc); !got.Equal(time.Date(2019, 2, 28, 16, 0, 0, 0, time.UTC)) {
		t.Errorf("In(Shanghai) = %s, want midnight Shanghai", got)
	}
	if _, err := ParseDate("2019-3-1"); err == nil {
		t.Error("ParseDate accepted 2019-3-1")
	}
}

func TestDevCredentialsValidate(t *testing.T) {
	c := mustLoad(t, map[string]string{"ENVOYBOT_WECHAT_APPID": DevAppID, "ENVOYBOT_WECHAT_AES_KEY": DevAESKey})
	if !c.UsingDevToken() || c.WeChat.AESKey != DevAESKey {
		t.Errorf("development safe mode not loaded: %+v", c.WeChat)
	}
}

func TestSlogLevel(t *testing.T) {
	c := mustLoad(t, map[string]string{"ENVOYBOT_LOG_LEVEL": "warn"})
	if got := c.SlogLevel().String(); got != "WARN" {
		t.Errorf("SlogLevel = %s, want WARN", got)
	}
}

func TestDevTokenRefusedForRealAccount(t *testing.T) {
	for _, env := range []map[string]string{
		{"ENVOYBOT_WECHAT_APPID": "wx1234567890abcdef"},
		{"ENVOYBOT_WECHAT_SECRET": "s3cret"},
		{"ENVOYBOT_WECHAT_APPID": "wx1234567890abcdef", "ENVOYBOT_WECHAT_AES_KEY": validKey},
		{"ENVOYBOT_WECHAT_APPID": "wx1234567890abcdef", "ENVOYBOT_WECHAT_TOKEN": DevToken},
	} {
		_, err := Load(func(k string) string { return env[k] })
		var ke *KeyError
		if !errors.As(err, &ke) || ke.Key != "ENVOYBOT_WECHAT_TOKEN" {
			t.Errorf("Load(%v) = %v, want an error naming ENVOYBOT_WECHAT_TOKEN", env, err)
		}
	}
	if _, err := Load(func(k string) string {
		return map[string]string{"ENVOYBOT_WECHAT_APPID": "wx1234567890abcdef", "ENVOYBOT_WECHAT_TOKEN": "own1token"}[k]
	}); err != nil {
		t.Errorf("a real account with its own token: %v", err)
	}
}

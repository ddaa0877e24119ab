package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"envoybot/bot/intent"
	"envoybot/bot/wechattest"
	"envoybot/bot/wxsign"
	"envoybot/configs"
	"envoybot/store"
	"envoybot/store/storetest"
)

// deployment is one way envoybot runs: its environment.
type deployment struct {
	name string
	env  func(t *testing.T) map[string]string
}

func redisURL(t *testing.T) string {
	u := os.Getenv(storetest.RedisURLEnv)
	if u == "" {
		t.Skipf("Redis tests skipped: set %s to run them", storetest.RedisURLEnv)
	}
	return u
}

var deployments = []deployment{
	{"sqlite", func(t *testing.T) map[string]string {
		return map[string]string{"ENVOYBOT_DATA_DIR": t.TempDir()}
	}},
	{"postgres", func(t *testing.T) map[string]string {
		return map[string]string{"ENVOYBOT_DATABASE_URL": storetest.PostgresSchemaURL(t)}
	}},
	{"postgres+redis", func(t *testing.T) map[string]string {
		return map[string]string{"ENVOYBOT_DATABASE_URL": storetest.PostgresSchemaURL(t), "ENVOYBOT_REDIS_URL": redisURL(t),
			"ENVOYBOT_REDIS_PREFIX": fmt.Sprintf("envoybot-test-%d:", time.Now().UnixNano())}
	}},
}

// running is envoybot serving over real HTTP in the test, with a fake
// WeChat API behind it.
type running struct {
	app *app
	url string
	// metricsURL serves /metrics, as the metrics listener does.
	metricsURL string
	signer     wxsign.Signer
	api        *wechattest.FakeAPI
	cfg        *configs.Config
}

// serveDev serves cfg, configured with the development token, as the bot
// does, with now as its clock (and the signer's), until the test ends.
func serveDev(t *testing.T, cfg *configs.Config, now func() time.Time) *running {
	t.Helper()
	a, err := openApp(context.Background(), cfg, slog.New(slog.DiscardHandler), now)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(a.handler)
	r := &running{app: a, url: srv.URL, cfg: cfg,
		signer: wxsign.Signer{Token: configs.DevToken, AppID: configs.DevAppID, AESKey: configs.DevAESKey, Now: now}}
	t.Cleanup(func() { srv.Close(); r.stop(t) })
	return r
}

func loadConfig(t *testing.T, env map[string]string) *configs.Config {
	t.Helper()
	cfg, err := configs.Load(func(k string) string { return env[k] })
	if err != nil {
		t.Fatalf("config: %v", err)
	}
	return cfg
}

// start opens envoybot as serve does (migrations included) with env.
func start(t *testing.T, env map[string]string, api *wechattest.FakeAPI) *running {
	t.Helper()
	return startAt(t, env, api, time.Now)
}

// startAt is start with a clock.
func startAt(t *testing.T, env map[string]string, api *wechattest.FakeAPI, now func() time.Time) *running {
	t.Helper()
	return startAtLogging(t, env, api, now, slog.New(slog.DiscardHandler))
}

// startAtLogging is startAt with the app's log going to log.
func startAtLogging(t *testing.T, env map[string]string, api *wechattest.FakeAPI, now func() time.Time, log *slog.Logger) *running {
	t.Helper()
	// A test account whose API is the fake WeChat server.
	env["ENVOYBOT_WECHAT_API_BASE"] = api.URL()
	env["ENVOYBOT_WECHAT_TOKEN"] = "testtoken42"
	env["ENVOYBOT_WECHAT_APPID"] = "wxtest0000000042"
	env["ENVOYBOT_WECHAT_SECRET"] = "test-secret"
	env["ENVOYBOT_WECHAT_AES_KEY"] = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"
	cfg := loadConfig(t, env)
	cfg.Admin.PublicURL = testPublicURL // for the links in replies
	a, err := openApp(context.Background(), cfg, log, now)
	if err != nil {
		t.Fatalf("open app: %v", err)
	}
	a.startDispatcher()
	srv := httptest.NewServer(a.handler)
	msrv := httptest.NewServer(a.metrics)
	wc := effectiveWeChat(cfg)
	r := &running{app: a, url: srv.URL, metricsURL: msrv.URL, api: api, cfg: cfg,
		signer: wxsign.Signer{Token: wc.Token, AppID: wc.AppID, AESKey: wc.AESKey, Now: now}}
	t.Cleanup(func() { srv.Close(); msrv.Close(); r.stop(t) })
	return r
}

func (r *running) stop(t *testing.T) {
	if r.app == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := r.app.close(ctx); err != nil {
		t.Errorf("close app: %v", err)
	}
	r.app = nil
}

func (r *running) say(t *testing.T, openID, text string, safe bool) string {
	t.Helper()
	return r.post(t, r.signer.TextXML(openID, text, wxsign.NextMsgID()), safe)
}

func (r *running) post(t *testing.T, body string, safe bool) string {
	t.Helper()
	// As WeChat delivers: again, with the same MsgId, when no answer came
	// within 5 s (the server gives none when it could not keep a slow
	// message safe), up to 3 retries.
	reply, attempts, err := deliverWithRetries(r.signer, r.url, body, safe)
	if err != nil {
		t.Errorf("no answer after %d deliveries: %v", attempts, err)
		return ""
	}
	if attempts > 1 {
		t.Logf("answered on delivery %d (no answer within 5 s before)", attempts)
	}
	if strings.Contains(reply, "%!") {
		t.Errorf("a reply has a broken format verb: %q", reply)
	}
	return reply
}

func TestEndToEnd(t *testing.T) {
	for _, d := range deployments {
		t.Run(d.name, func(t *testing.T) {
			env := d.env(t)
			api := wechattest.NewFakeAPI(t)
			deploymentT := t
			r := start(t, env, api)

			t.Run("GET verification echoes echostr", func(t *testing.T) {
				resp, err := http.DefaultClient.Do(r.signer.VerifyURL(r.url+"/wechat", "hello-echo"))
				if err != nil {
					t.Fatal(err)
				}
				body, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				if resp.StatusCode != 200 || string(body) != "hello-echo" {
					t.Fatalf("GET = %d %q", resp.StatusCode, body)
				}
			})
			for _, safe := range []bool{false, true} {
				t.Run(fmt.Sprintf("help in safe=%v mode", safe), func(t *testing.T) {
					got := r.say(t, "o-resident", "帮助", safe)
					if !strings.Contains(got, "注册 张三 13812345678 古槐社区") {
						t.Errorf("help reply = %q", got)
					}
				})
			}
			t.Run("register, update, still there after a restart", func(t *testing.T) {
				got := r.say(t, "o-zhang", "注册 张三 13812345678 古槐社区", true)
				if !strings.Contains(got, "注册成功") || !strings.Contains(got, "138****5678") || strings.Contains(got, "13812345678") {
					t.Fatalf("register reply = %q", got)
				}
				got = r.say(t, "o-zhang", "你好，注册：张三，13812345679，古槐社区，谢谢", false)
				if !strings.Contains(got, "资料已更新") {
					t.Fatalf("second register reply = %q", got)
				}
				if got := r.say(t, "o-zhang", "帮助", false); !strings.Contains(got, "志愿者") {
					t.Errorf("help for a volunteer = %q", got)
				}
				r.stop(t)
				r2 := start(deploymentT, env, api) // lives on for the subtests below
				u, err := r2.app.store.FindUserByOpenID(context.Background(), "o-zhang")
				if err != nil {
					t.Fatalf("after restart: %v", err)
				}
				if u.Role != store.RoleVolunteer || u.Name != "张三" || u.Phone != "13812345679" || u.Community != "古槐社区" {
					t.Errorf("after restart the volunteer is %+v", u)
				}
				r = r2
			})
			t.Run("the same MsgId three times at once has one effect", func(t *testing.T) {
				msg := r.signer.TextXML("o-li", "注册 李四 13912345678 南池社区", wxsign.NextMsgID())
				replies := make([]string, 3)
				var wg sync.WaitGroup
				for i := range replies {
					wg.Add(1)
					go func() { defer wg.Done(); replies[i] = r.post(t, msg, i%2 == 0) }()
				}
				wg.Wait()
				for i, got := range replies {
					// A second effect would answer 资料已更新.
					if !strings.Contains(got, "注册成功") || got != replies[0] {
						t.Errorf("reply %d = %q, want the same 注册成功 as the first", i, got)
					}
				}
				again := r.post(t, msg, false)
				if again != replies[0] {
					t.Errorf("a later retry got %q", again)
				}
			})
			t.Run("unknown text gets the closest form", func(t *testing.T) {
				if got := r.say(t, "o-x", "阿巴阿巴", false); !strings.Contains(got, "注册 张三 13812345678 古槐社区") {
					t.Errorf("reply = %q", got)
				}
			})
			t.Run("half a registration names what is missing", func(t *testing.T) {
				if got := r.say(t, "o-y", "注册 王五", false); !strings.Contains(got, "手机号") || !strings.Contains(got, "社区") {
					t.Errorf("reply = %q", got)
				}
			})
			t.Run("health, readiness, metrics on their own listener", func(t *testing.T) {
				for url, want := range map[string]string{
					r.url + "/healthz": "ok", r.url + "/readyz": "ready",
					r.metricsURL + "/metrics": "envoybot_wechat_requests_total",
				} {
					resp, err := http.Get(url)
					if err != nil {
						t.Fatal(err)
					}
					body, _ := io.ReadAll(resp.Body)
					resp.Body.Close()
					if resp.StatusCode != 200 || !strings.Contains(string(body), want) {
						t.Errorf("%s = %d %q", url, resp.StatusCode, body)
					}
				}
				resp, err := http.Get(r.url + "/metrics")
				if err != nil {
					t.Fatal(err)
				}
				resp.Body.Close()
				if resp.StatusCode != http.StatusNotFound {
					t.Errorf("/metrics on the public listener = %d, want 404", resp.StatusCode)
				}
			})
		})
	}
}

func TestBadConfigurationNamesTheKey(t *testing.T) {
	for _, tc := range []struct{ key, value string }{
		{"ENVOYBOT_WECHAT_AES_KEY", "short"},
		{"ENVOYBOT_DATABASE_URL", "mysql://x"},
		{"ENVOYBOT_ADDR", "not an address"},
	} {
		t.Run(tc.key, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			env := map[string]string{tc.key: tc.value, "ENVOYBOT_WECHAT_APPID": "wx1234567890abcdef"}
			code := run(context.Background(), []string{"serve"}, func(k string) string { return env[k] }, nil, &stdout, &stderr)
			lines := strings.Split(strings.TrimSpace(stderr.String()), "\n")
			if code != 2 || len(lines) != 1 || !strings.Contains(lines[0], tc.key) {
				t.Errorf("exit %d, stderr %q: want 2 and one line naming %s", code, stderr.String(), tc.key)
			}
		})
	}
}

func TestParseCommand(t *testing.T) {
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), []string{"parse", "--now", "2026-12-01T09:00:00+08:00", "注册 张三 13812345678 古槐社区"}, os.Getenv, nil, &stdout, &stderr)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	var got intent.Result
	if err := json.Unmarshal(stdout.Bytes(), &got); err != nil {
		t.Fatalf("not JSON: %q", stdout.String())
	}
	if got.Intent != intent.Register || got.Name != "张三" || got.Phone != "13812345678" || got.Community != "古槐社区" {
		t.Errorf("parse = %+v", got)
	}

	stdout.Reset()
	in := strings.NewReader(`{"text": "帮助"}` + "\n" + `{"text": "hello world"}` + "\n")
	if code := run(context.Background(), []string{"parse", "--jsonl"}, os.Getenv, in, &stdout, &stderr); code != 0 {
		t.Fatalf("jsonl exit %d: %s", code, stderr.String())
	}
	lines := strings.Split(strings.TrimSpace(stdout.String()), "\n")
	if len(lines) != 2 || !strings.Contains(lines[0], `"intent":"help"`) || !strings.Contains(lines[1], `"intent":"unknown"`) {
		t.Errorf("jsonl output = %q", stdout.String())
	}
}

func TestDevelopmentDefaultsServePlainAndSafeMode(t *testing.T) {
	env := map[string]string{"ENVOYBOT_DATA_DIR": t.TempDir()}
	cfg := loadConfig(t, env)
	if !cfg.UsingDevToken() {
		t.Fatal("no configuration should mean the development token")
	}
	r := serveDev(t, cfg, time.Now)
	for _, safe := range []bool{false, true} {
		if got := r.say(t, "o-dev", "帮助", safe); !strings.Contains(got, "注册") {
			t.Errorf("safe=%v: help = %q", safe, got)
		}
	}
}

func TestLogsMaskPhonesEverywhere(t *testing.T) {
	var buf bytes.Buffer
	log := newLogger(&buf, "info")
	log.Info("x", slog.String("s", "tel 13812345678"), slog.Any("error", fmt.Errorf("phone 13912345678 taken")),
		slog.Any("v", struct{ Phone string }{"15012345678"}))
	if out := buf.String(); strings.Contains(out, "12345678") {
		t.Errorf("a full mobile reached the log: %s", out)
	}
}

func TestChatSimulatorOnlyWithTheDevelopmentToken(t *testing.T) {
	dev := loadConfig(t, map[string]string{"ENVOYBOT_DATA_DIR": t.TempDir()})
	real := loadConfig(t, map[string]string{"ENVOYBOT_DATA_DIR": t.TempDir(), "ENVOYBOT_WECHAT_TOKEN": "realtoken42"})
	for _, tc := range []struct {
		name string
		cfg  *configs.Config
		want int
	}{{"development token: served", dev, http.StatusOK}, {"real token: absent", real, http.StatusNotFound}} {
		t.Run(tc.name, func(t *testing.T) {
			a, err := openApp(context.Background(), tc.cfg, slog.New(slog.DiscardHandler), time.Now)
			if err != nil {
				t.Fatal(err)
			}
			defer a.close(context.Background())
			for _, path := range []string{"/dev/chat", "/dev/chat/send"} {
				w := httptest.NewRecorder()
				a.handler.ServeHTTP(w, httptest.NewRequest(http.MethodGet, path, nil))
				if path == "/dev/chat" && w.Code != tc.want || tc.want == http.StatusNotFound && w.Code != http.StatusNotFound {
					t.Errorf("GET %s = %d, want %d", path, w.Code, tc.want)
				}
			}
		})
	}
}

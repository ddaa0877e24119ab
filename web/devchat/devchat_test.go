package devchat_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"

	"envoybot/bot"
	"envoybot/bot/wxsign"
	"envoybot/store/memory"
	"envoybot/web/devchat"
)

// The development credentials, as configs has them.
const (
	token  = "envoybotdev"
	appID  = "wxenvoybotdev00000"
	aesKey = "ZW52b3lib3QgZGV2ZWxvcG1lbnQgQUVTIGtleSAzMmI"
)

var menuKeys = map[string]string{"MENU_HELP": "帮助", "MENU_ACTIVITIES": "活动"}

// echoTarget is the real /wechat callback with a handler that describes
// what it received, so a reply proves the message passed signature checks,
// decryption and parsing.
func echoTarget(t *testing.T) http.Handler {
	t.Helper()
	h := bot.HandlerFunc(func(_ context.Context, m *bot.Message) (bot.Reply, error) {
		switch {
		case m.Kind == bot.KindText:
			return bot.Reply{Text: "echo text " + m.OpenID + ": " + m.Text}, nil
		case m.Kind == bot.KindLocation:
			return bot.Reply{Text: fmt.Sprintf("echo location %s: %.4f,%.4f %s", m.OpenID, m.Lat, m.Lng, m.Label)}, nil
		case m.Event == bot.EventClick:
			return bot.Reply{Text: "echo click " + m.EventKey + " → " + m.Text}, nil
		case m.Kind == bot.KindEvent:
			return bot.Reply{Text: "echo " + m.Event + " scene=" + m.Scene}, nil
		}
		return bot.Reply{Text: "echo " + m.Kind}, nil
	})
	cb := bot.NewCallback(bot.Config{
		Token: token, AppID: appID, AESKey: aesKey,
		TimestampWindow: 5 * time.Minute, ReplyDeadline: 4 * time.Second, HandlerTimeout: 5 * time.Second,
		DedupTTL: time.Minute, MaxBodyBytes: 1 << 20, MenuKeys: menuKeys,
	}, h, bot.Deps{Cache: memory.New(), Logger: slog.New(slog.DiscardHandler)})
	t.Cleanup(func() { _ = cb.Wait(context.Background()) })
	return cb
}

func signer() wxsign.Signer {
	return wxsign.Signer{Token: token, AppID: appID, AESKey: aesKey}
}

func newSimulator(t *testing.T, d devchat.Deps) *httptest.Server {
	t.Helper()
	if d.Log == nil {
		d.Log = slog.New(slog.DiscardHandler)
	}
	srv := httptest.NewServer(devchat.New(d))
	t.Cleanup(srv.Close)
	return srv
}

func postJSON(t *testing.T, url string, body any) (*http.Response, []byte) {
	t.Helper()
	b, _ := json.Marshal(body)
	resp, err := http.Post(url, "application/json", bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	return resp, data
}

func send(t *testing.T, srv *httptest.Server, req devchat.SendRequest) (int, devchat.SendResponse) {
	t.Helper()
	resp, data := postJSON(t, srv.URL+"/dev/chat/send", req)
	var out devchat.SendResponse
	if err := json.Unmarshal(data, &out); err != nil {
		t.Fatalf("send answer %q: %v", data, err)
	}
	return resp.StatusCode, out
}

func TestSendThroughTheSignedPath(t *testing.T) {
	target := echoTarget(t)
	wechat := httptest.NewServer(target)
	t.Cleanup(wechat.Close)
	targets := map[string]devchat.Deps{
		"in process": {Signer: signer(), Target: target, MenuKeys: menuKeys},
		"over HTTP":  {Signer: signer(), TargetURL: wechat.URL + "/wechat", MenuKeys: menuKeys},
	}
	tests := []struct {
		name string
		req  devchat.SendRequest
		want string
	}{
		{"text", devchat.SendRequest{User: "张三", Text: "报名 A12"}, "echo text dev-张三: 报名 A12"},
		{"multi-line text", devchat.SendRequest{User: "张三", Type: "text", Text: "#接龙\n1. 张三\n2. 李四"}, "echo text dev-张三: #接龙\n1. 张三\n2. 李四"},
		{"text that would break CDATA", devchat.SendRequest{User: "zhang", Text: "a]]>b<c>&"}, "echo text dev-zhang: a]]>b<c>&"},
		{"location", devchat.SendRequest{User: "李四", Type: "location", Lat: 31.2304, Lng: 121.4737, Label: "古槐社区敬老院"}, "echo location dev-李四: 31.2304,121.4737 古槐社区敬老院"},
		{"scan", devchat.SendRequest{User: "李四", Type: "scan", Scene: "checkin:A12"}, "echo SCAN scene=checkin:A12"},
		{"subscribe", devchat.SendRequest{User: "王五", Type: "subscribe"}, "echo subscribe scene="},
		{"subscribe by scanning", devchat.SendRequest{User: "赵六", Type: "subscribe", Scene: "checkin:A3"}, "echo subscribe scene=checkin:A3"},
		{"menu click", devchat.SendRequest{User: "王五", Type: "click", Key: "MENU_HELP"}, "echo click MENU_HELP → 帮助"},
	}
	for tname, deps := range targets {
		t.Run(tname, func(t *testing.T) {
			srv := newSimulator(t, deps)
			for _, tt := range tests {
				t.Run(tt.name, func(t *testing.T) {
					status, res := send(t, srv, tt.req)
					if status != http.StatusOK || res.Error != "" {
						t.Fatalf("status %d, error %q", status, res.Error)
					}
					if res.Reply != tt.want {
						t.Errorf("reply = %q, want %q", res.Reply, tt.want)
					}
					if res.Status != http.StatusOK || !strings.Contains(res.Sent, "<FromUserName><![CDATA["+res.OpenID+"]]>") {
						t.Errorf("status %d, sent %q", res.Status, res.Sent)
					}
				})
			}
		})
	}
}

func TestSendEncrypts(t *testing.T) {
	var seen *http.Request
	var body string
	target := echoTarget(t)
	spy := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		seen, body = r, string(b)
		r.Body = io.NopCloser(bytes.NewReader(b))
		target.ServeHTTP(w, r)
	})
	srv := newSimulator(t, devchat.Deps{Signer: signer(), Target: spy})
	if status, res := send(t, srv, devchat.SendRequest{User: "张三", Text: "帮助"}); status != http.StatusOK {
		t.Fatalf("status %d: %+v", status, res)
	}
	q := seen.URL.Query()
	if q.Get("encrypt_type") != "aes" || q.Get("msg_signature") == "" || q.Get("signature") == "" {
		t.Errorf("query = %v, want a signed safe-mode request", q)
	}
	if !strings.Contains(body, "<Encrypt>") || strings.Contains(body, "帮助") {
		t.Errorf("body = %q, want only ciphertext", body)
	}
}

func TestSendFailures(t *testing.T) {
	wrong := signer()
	wrong.Token = "notthetoken"
	tests := []struct {
		name       string
		deps       devchat.Deps
		req        devchat.SendRequest
		wantStatus int
		wantErr    string
	}{
		{"a wrong token is refused by /wechat", devchat.Deps{Signer: wrong}, devchat.SendRequest{User: "张三", Text: "帮助"}, http.StatusBadGateway, "status 403"},
		{"a user name that is not a name", devchat.Deps{Signer: signer()}, devchat.SendRequest{User: "a b<", Text: "帮助"}, http.StatusBadRequest, "only letters"},
		{"no user", devchat.Deps{Signer: signer()}, devchat.SendRequest{Text: "帮助"}, http.StatusBadRequest, "user name"},
		{"empty text", devchat.Deps{Signer: signer()}, devchat.SendRequest{User: "张三", Text: " \n"}, http.StatusBadRequest, "empty"},
		{"unknown type", devchat.Deps{Signer: signer()}, devchat.SendRequest{User: "张三", Type: "voice"}, http.StatusBadRequest, "unknown message type"},
		{"location out of range", devchat.Deps{Signer: signer()}, devchat.SendRequest{User: "张三", Type: "location", Lat: 91}, http.StatusBadRequest, "out of range"},
		{"scan without scene", devchat.Deps{Signer: signer()}, devchat.SendRequest{User: "张三", Type: "scan"}, http.StatusBadRequest, "scene"},
		{"text too long", devchat.Deps{Signer: signer()}, devchat.SendRequest{User: "张三", Text: strings.Repeat("长", 700)}, http.StatusBadRequest, "2048"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.deps.Target = echoTarget(t)
			srv := newSimulator(t, tt.deps)
			resp, data := postJSON(t, srv.URL+"/dev/chat/send", tt.req)
			if resp.StatusCode != tt.wantStatus || !strings.Contains(string(data), tt.wantErr) {
				t.Errorf("status %d %s, want %d with %q", resp.StatusCode, data, tt.wantStatus, tt.wantErr)
			}
		})
	}
	t.Run("a form post is refused", func(t *testing.T) {
		srv := newSimulator(t, devchat.Deps{Signer: signer(), Target: echoTarget(t)})
		resp, err := http.Post(srv.URL+"/dev/chat/send", "application/x-www-form-urlencoded", strings.NewReader(`{"user":"x","text":"y"}`))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusUnsupportedMediaType {
			t.Errorf("status %d, want 415", resp.StatusCode)
		}
	})
}

func TestInvite(t *testing.T) {
	t.Run("issues a code through Deps.Invite", func(t *testing.T) {
		var got []string
		srv := newSimulator(t, devchat.Deps{Signer: signer(), Target: echoTarget(t), Invite: func(_ context.Context, role, name string) (string, error) {
			got = append(got, role+":"+name)
			return "8H3K2QAB", nil
		}})
		resp, data := postJSON(t, srv.URL+"/dev/chat/invite", devchat.InviteRequest{Role: "envoy", Name: "王芳"})
		var res devchat.InviteResponse
		_ = json.Unmarshal(data, &res)
		if resp.StatusCode != http.StatusOK || res.Code != "8H3K2QAB" || strings.Join(got, ",") != "envoy:王芳" {
			t.Errorf("status %d %s, invites %v", resp.StatusCode, data, got)
		}
		if resp, _ := postJSON(t, srv.URL+"/dev/chat/invite", devchat.InviteRequest{Role: "resident", Name: "王芳"}); resp.StatusCode != http.StatusBadRequest {
			t.Errorf("role resident: status %d, want 400", resp.StatusCode)
		}
	})
	t.Run("without Deps.Invite explains the CLI", func(t *testing.T) {
		srv := newSimulator(t, devchat.Deps{Signer: signer(), Target: echoTarget(t)})
		resp, data := postJSON(t, srv.URL+"/dev/chat/invite", devchat.InviteRequest{Role: "admin", Name: "刘强"})
		if resp.StatusCode != http.StatusNotImplemented || !strings.Contains(string(data), "envoybot invite --role admin --name 刘强") {
			t.Errorf("status %d %s", resp.StatusCode, data)
		}
	})
}

func get(t *testing.T, url string) (*http.Response, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

func TestPage(t *testing.T) {
	srv := newSimulator(t, devchat.Deps{Signer: signer(), Target: echoTarget(t), MenuKeys: menuKeys})
	resp, page := get(t, srv.URL+"/dev/chat")
	if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") {
		t.Fatalf("page: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	if csp := resp.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'self'") {
		t.Errorf("CSP = %q", csp)
	}
	// Everything the page loads comes from this server: no CDN.
	refs := regexp.MustCompile(`(?:src|href)="([^"]+)"`).FindAllStringSubmatch(page, -1)
	if len(refs) < 2 {
		t.Fatalf("page refers to %v, want its script and style", refs)
	}
	for _, m := range refs {
		if !strings.HasPrefix(m[1], "/dev/chat/static/") {
			t.Errorf("page loads %q from elsewhere", m[1])
		}
		resp, body := get(t, srv.URL+m[1])
		if resp.StatusCode != http.StatusOK || len(body) == 0 {
			t.Errorf("%s: status %d", m[1], resp.StatusCode)
		}
		if strings.Contains(body, "http://") || strings.Contains(body, "https://") {
			t.Errorf("%s refers to another host", m[1])
		}
	}
	if strings.Contains(page, "http://") || strings.Contains(page, "https://") || strings.Contains(page, "<script>") {
		t.Error("page refers to another host or has inline script")
	}

	resp, body := get(t, srv.URL+"/dev/chat/info")
	var info struct {
		Invite bool
		Safe   bool
		Menu   []struct{ Key, Text string }
	}
	if err := json.Unmarshal([]byte(body), &info); err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("info: %d %s", resp.StatusCode, body)
	}
	if info.Invite || !info.Safe || fmt.Sprint(info.Menu) != "[{MENU_ACTIVITIES 活动} {MENU_HELP 帮助}]" {
		t.Errorf("info = %+v", info)
	}
	if resp, _ := get(t, srv.URL+"/dev/chat/nothing"); resp.StatusCode != http.StatusNotFound {
		t.Errorf("unknown path: %d, want 404", resp.StatusCode)
	}
	if resp, _ := get(t, srv.URL+"/dev/chat/send"); resp.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("GET send: %d, want 405", resp.StatusCode)
	}
}

func TestNewNeedsTarget(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("New without a target did not panic")
		}
	}()
	devchat.New(devchat.Deps{Signer: signer()})
}

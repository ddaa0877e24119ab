// Package wechattest plays the WeChat API for tests: a fake server that
// records every call and can inject errors and delays. It is test-only
// and never linked into envoybot; requests that play WeChat's servers
// come from package wxsign.
package wechattest

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"
)

// Call is one request the fake API received.
type Call struct {
	Method string
	Path   string
	Query  url.Values
	Body   []byte
	At     time.Time
}

// CustomerText is a customer-service text message the fake API accepted.
type CustomerText struct {
	ToUser  string
	Content string
}

// TemplateMessage is a template message the fake API accepted, with its
// data flattened to key → value.
type TemplateMessage struct {
	ToUser     string
	TemplateID string
	URL        string
	Data       map[string]string
}

// SubscribeMessage is a subscription notice (订阅通知, bizsend) the fake
// API accepted, with its data flattened to key → value.
type SubscribeMessage struct {
	ToUser     string
	TemplateID string
	Page       string
	Data       map[string]string
}

type failure struct {
	errcode int
	status  int
}

// recipientKey names a path and an OpenID for per-recipient failures.
type recipientKey struct{ path, openID string }

// everyN fails every nth call to a path with an HTTP status.
type everyN struct {
	n, status, seen int
}

// FakeAPI is an httptest server standing in for api.weixin.qq.com.
type FakeAPI struct {
	server *httptest.Server

	mu       sync.Mutex
	calls    []Call
	tokenSeq int
	valid    map[string]bool
	failures map[string][]failure
	perUser  map[recipientKey]int
	every    map[string]*everyN
	delays   map[string]time.Duration
	texts    []CustomerText
	tmpls    []TemplateMessage
	subs     []SubscribeMessage
	accepted map[recipientKey]bool // (template id, openid) a user accepted
	media    map[string][]byte     // temporary media by MediaId
	changed  chan struct{}
}

// NewFakeAPI starts a fake WeChat API on 127.0.0.1, closed when tb ends.
func NewFakeAPI(tb testing.TB) *FakeAPI {
	tb.Helper()
	f := &FakeAPI{
		valid: map[string]bool{}, failures: map[string][]failure{}, perUser: map[recipientKey]int{},
		every: map[string]*everyN{}, delays: map[string]time.Duration{}, changed: make(chan struct{}),
		accepted: map[recipientKey]bool{}, media: map[string][]byte{},
	}
	f.server = httptest.NewServer(http.HandlerFunc(f.serve))
	tb.Cleanup(f.server.Close)
	return f
}

// URL is the base to configure as the WeChat API base.
func (f *FakeAPI) URL() string { return f.server.URL }

// FailNext makes the next call to path answer errcode (HTTP 200).
func (f *FakeAPI) FailNext(path string, errcode int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.failures[path] = append(f.failures[path], failure{errcode: errcode})
}

// FailNextStatus makes the next call to path answer an HTTP status.
func (f *FakeAPI) FailNextStatus(path string, status int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.failures[path] = append(f.failures[path], failure{status: status})
}

// FailFor makes every call to path addressed to openID (its "touser")
// answer errcode, e.g. FailFor("/cgi-bin/message/custom/send", "o-x", 45015)
// for a user whose customer-service window closed; errcode 0 clears it.
// The access token is checked first, as WeChat does.
func (f *FakeAPI) FailFor(path, openID string, errcode int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if errcode == 0 {
		delete(f.perUser, recipientKey{path, openID})
		return
	}
	f.perUser[recipientKey{path, openID}] = errcode
}

// FailEvery makes every nth call to path answer an HTTP status (n = 10 fails
// 10% of calls); n < 1 clears it.
func (f *FakeAPI) FailEvery(path string, n, status int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if n < 1 {
		delete(f.every, path)
		return
	}
	f.every[path] = &everyN{n: n, status: status}
}

// Delay makes every call to path wait d before answering.
func (f *FakeAPI) Delay(path string, d time.Duration) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.delays[path] = d
}

// ExpireTokens makes every token issued so far invalid (errcode 40001).
func (f *FakeAPI) ExpireTokens() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.valid = map[string]bool{}
}

// Calls returns the calls made to path (all calls when path is "").
func (f *FakeAPI) Calls(path string) []Call {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []Call
	for _, c := range f.calls {
		if path == "" || c.Path == path {
			out = append(out, c)
		}
	}
	return out
}

// CustomerTexts returns the customer-service texts accepted so far.
func (f *FakeAPI) CustomerTexts() []CustomerText {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]CustomerText(nil), f.texts...)
}

// TemplateMessages returns the template messages accepted so far.
func (f *FakeAPI) TemplateMessages() []TemplateMessage {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]TemplateMessage(nil), f.tmpls...)
}

// AcceptSubscription records that openID accepted the subscription
// template (as its subscribe_msg_popup_event says): bizsend with it to
// them is then accepted; before, WeChat answers 43101.
func (f *FakeAPI) AcceptSubscription(openID, templateID string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.accepted[recipientKey{templateID, openID}] = true
}

// AddMedia makes a temporary media file (a photo a user sent) available
// under mediaID at /cgi-bin/media/get; an unknown MediaId answers 40007.
func (f *FakeAPI) AddMedia(mediaID string, data []byte) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.media[mediaID] = append([]byte(nil), data...)
}

// SubscribeMessages returns the subscription notices accepted so far.
func (f *FakeAPI) SubscribeMessages() []SubscribeMessage {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]SubscribeMessage(nil), f.subs...)
}

// WaitTemplateMessages waits until at least n template messages arrived
// and returns them, failing tb after timeout.
func (f *FakeAPI) WaitTemplateMessages(tb testing.TB, n int, timeout time.Duration) []TemplateMessage {
	tb.Helper()
	if !f.wait(func() bool { return len(f.tmpls) >= n }, timeout) {
		tb.Fatalf("fake WeChat API: %d template messages after %s, want %d", len(f.TemplateMessages()), timeout, n)
		return nil
	}
	return f.TemplateMessages()
}

// wait waits until done (called under f.mu) holds, or timeout passes.
func (f *FakeAPI) wait(done func() bool, timeout time.Duration) bool {
	deadline := time.After(timeout)
	for {
		f.mu.Lock()
		ok, ch := done(), f.changed
		f.mu.Unlock()
		if ok {
			return true
		}
		select {
		case <-ch:
		case <-deadline:
			return false
		}
	}
}

// notify wakes the waiters; called under f.mu.
func (f *FakeAPI) notify() {
	close(f.changed)
	f.changed = make(chan struct{})
}

// WaitCustomerTexts waits until at least n customer-service texts arrived
// and returns them, failing tb after timeout.
func (f *FakeAPI) WaitCustomerTexts(tb testing.TB, n int, timeout time.Duration) []CustomerText {
	tb.Helper()
	if !f.wait(func() bool { return len(f.texts) >= n }, timeout) {
		tb.Fatalf("fake WeChat API: %d customer-service texts after %s, want %d", len(f.CustomerTexts()), timeout, n)
		return nil
	}
	return f.CustomerTexts()
}

func (f *FakeAPI) serve(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	f.mu.Lock()
	f.calls = append(f.calls, Call{Method: r.Method, Path: r.URL.Path, Query: r.URL.Query(), Body: body, At: time.Now()})
	delay := f.delays[r.URL.Path]
	var fail *failure
	if q := f.failures[r.URL.Path]; len(q) > 0 {
		fail, f.failures[r.URL.Path] = &q[0], q[1:]
	} else if e := f.every[r.URL.Path]; e != nil {
		if e.seen++; e.seen%e.n == 0 {
			fail = &failure{status: e.status}
		}
	}
	f.mu.Unlock()
	if delay > 0 {
		time.Sleep(delay)
	}
	switch {
	case fail != nil && fail.status != 0:
		http.Error(w, http.StatusText(fail.status), fail.status)
	case fail != nil:
		writeJSON(w, map[string]any{"errcode": fail.errcode, "errmsg": fmt.Sprintf("injected %d", fail.errcode)})
	case r.URL.Path == "/cgi-bin/token" || r.URL.Path == "/cgi-bin/stable_token":
		f.issueToken(w)
	default:
		f.serveAPI(w, r, body)
	}
}

func (f *FakeAPI) issueToken(w http.ResponseWriter) {
	f.mu.Lock()
	f.tokenSeq++
	token := fmt.Sprintf("FAKE_TOKEN_%d", f.tokenSeq)
	f.valid[token] = true
	f.mu.Unlock()
	writeJSON(w, map[string]any{"access_token": token, "expires_in": 7200})
}

func (f *FakeAPI) serveAPI(w http.ResponseWriter, r *http.Request, body []byte) {
	f.mu.Lock()
	ok := f.valid[r.URL.Query().Get("access_token")]
	f.mu.Unlock()
	if !ok {
		writeJSON(w, map[string]any{"errcode": 40001, "errmsg": "invalid credential, access_token is invalid or not latest"})
		return
	}
	var to struct {
		ToUser string `json:"touser"`
	}
	if json.Unmarshal(body, &to) == nil && to.ToUser != "" {
		f.mu.Lock()
		errcode := f.perUser[recipientKey{r.URL.Path, to.ToUser}]
		f.mu.Unlock()
		if errcode != 0 {
			writeJSON(w, map[string]any{"errcode": errcode, "errmsg": fmt.Sprintf("injected %d for %s", errcode, to.ToUser)})
			return
		}
	}
	switch r.URL.Path {
	case "/cgi-bin/message/custom/send":
		var msg struct {
			ToUser  string `json:"touser"`
			MsgType string `json:"msgtype"`
			Text    struct {
				Content string `json:"content"`
			} `json:"text"`
		}
		if err := json.Unmarshal(body, &msg); err != nil || msg.ToUser == "" {
			writeJSON(w, map[string]any{"errcode": 40003, "errmsg": "invalid openid"})
			return
		}
		if msg.MsgType == "text" {
			f.mu.Lock()
			f.texts = append(f.texts, CustomerText{ToUser: msg.ToUser, Content: msg.Text.Content})
			f.notify()
			f.mu.Unlock()
		}
		writeJSON(w, map[string]any{"errcode": 0, "errmsg": "ok"})
	case "/cgi-bin/message/template/send":
		f.serveTemplate(w, body)
	case "/cgi-bin/message/subscribe/bizsend":
		f.serveSubscribe(w, body)
	case "/cgi-bin/media/get":
		f.mu.Lock()
		data, ok := f.media[r.URL.Query().Get("media_id")]
		f.mu.Unlock()
		if !ok {
			writeJSON(w, map[string]any{"errcode": 40007, "errmsg": "invalid media_id"})
			return
		}
		w.Header().Set("Content-Type", "image/jpeg")
		_, _ = w.Write(data)
	case "/cgi-bin/qrcode/create":
		writeJSON(w, map[string]any{"ticket": "FAKE_TICKET", "expire_seconds": 2592000, "url": "http://weixin.qq.com/q/fake"})
	default:
		writeJSON(w, map[string]any{"errcode": 0, "errmsg": "ok"})
	}
}

func (f *FakeAPI) serveTemplate(w http.ResponseWriter, body []byte) {
	var msg struct {
		ToUser     string `json:"touser"`
		TemplateID string `json:"template_id"`
		URL        string `json:"url"`
		Data       map[string]struct {
			Value string `json:"value"`
		} `json:"data"`
	}
	switch err := json.Unmarshal(body, &msg); {
	case err != nil || msg.ToUser == "":
		writeJSON(w, map[string]any{"errcode": 40003, "errmsg": "invalid openid"})
		return
	case msg.TemplateID == "":
		writeJSON(w, map[string]any{"errcode": 40037, "errmsg": "invalid template_id"})
		return
	}
	tm := TemplateMessage{ToUser: msg.ToUser, TemplateID: msg.TemplateID, URL: msg.URL, Data: make(map[string]string, len(msg.Data))}
	for k, v := range msg.Data {
		tm.Data[k] = v.Value
	}
	if errmsg := checkFields(tm.Data, true); errmsg != "" {
		writeJSON(w, map[string]any{"errcode": 47003, "errmsg": "argument invalid! " + errmsg})
		return
	}
	f.mu.Lock()
	f.tmpls = append(f.tmpls, tm)
	seq := len(f.tmpls)
	f.notify()
	f.mu.Unlock()
	writeJSON(w, map[string]any{"errcode": 0, "errmsg": "ok", "msgid": 1000000 + seq})
}

func (f *FakeAPI) serveSubscribe(w http.ResponseWriter, body []byte) {
	var msg struct {
		ToUser     string `json:"touser"`
		TemplateID string `json:"template_id"`
		Page       string `json:"page"`
		Data       map[string]struct {
			Value string `json:"value"`
		} `json:"data"`
	}
	switch err := json.Unmarshal(body, &msg); {
	case err != nil || msg.ToUser == "":
		writeJSON(w, map[string]any{"errcode": 40003, "errmsg": "invalid openid"})
		return
	case msg.TemplateID == "":
		writeJSON(w, map[string]any{"errcode": 40037, "errmsg": "invalid template_id"})
		return
	}
	sm := SubscribeMessage{ToUser: msg.ToUser, TemplateID: msg.TemplateID, Page: msg.Page, Data: make(map[string]string, len(msg.Data))}
	for k, v := range msg.Data {
		sm.Data[k] = v.Value
	}
	if errmsg := checkFields(sm.Data, false); errmsg != "" {
		writeJSON(w, map[string]any{"errcode": 47003, "errmsg": "argument invalid! " + errmsg})
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if !f.accepted[recipientKey{msg.TemplateID, msg.ToUser}] {
		writeJSON(w, map[string]any{"errcode": 43101, "errmsg": "user refuse to accept the msg"})
		return
	}
	f.subs = append(f.subs, sm)
	f.notify()
	writeJSON(w, map[string]any{"errcode": 0, "errmsg": "ok"})
}

// FieldLimit is the longest value, in characters, WeChat accepts for a
// template or subscription key of this name: the type is the key without
// its number (thing1 → thing). Unknown types take the keyword limit, 20.
func FieldLimit(key string) int {
	switch strings.TrimRight(key, "0123456789") {
	case "phrase", "symbol":
		return 5
	case "name":
		return 10
	case "character_string", "number", "letter", "car_number":
		return 32
	default:
		return 20
	}
}

// checkFields enforces WeChat's current rules on data: no line breaks, no
// value beyond its key's limit, and for template messages no first or
// remark (ignored since May 2023), so that a regression fails a test.
func checkFields(data map[string]string, template bool) string {
	for k, v := range data {
		switch {
		case template && (k == "first" || k == "remark"):
			return fmt.Sprintf("data.%s is no longer supported", k)
		case strings.ContainsAny(v, "\r\n"):
			return fmt.Sprintf("data.%s.value has a line break", k)
		case utf8.RuneCountInString(v) > FieldLimit(k):
			return fmt.Sprintf("data.%s.value is %d characters, limit %d", k, utf8.RuneCountInString(v), FieldLimit(k))
		}
	}
	return ""
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	_ = json.NewEncoder(w).Encode(v)
}

// Package wxapi calls the WeChat Official Account API with the
// silenceper/wechat SDK's message and answer types: an HTTP client with
// timeouts, an API base that tests point at a fake server, and an access
// token shared by all replicas through the cache, refreshed under a lock and
// once more when WeChat says it expired.
//
// The SDK's own HTTP helpers use a process-wide client and URI rewriter;
// each Client here has its own, so two clients in one process (tests,
// several accounts) never send through each other's.
package wxapi

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/silenceper/wechat/v2/officialaccount/message"
	"github.com/silenceper/wechat/v2/util"

	"envoybot/store"
)

// apiHost is WeChat's API, replaced by Config.APIBase when set.
const apiHost = "https://api.weixin.qq.com"

// Config names the account and how to reach its API.
type Config struct {
	AppID  string
	Secret string
	// APIBase replaces https://api.weixin.qq.com when set (a fake server in
	// tests).
	APIBase string
	Timeout time.Duration
}

// Client is the WeChat API as envoybot uses it.
type Client struct {
	cfg   Config
	cache store.Cache
	log   *slog.Logger
	http  *http.Client
	base  string // apiHost or Config.APIBase

	// keptMu guards the token this client last read (see tokenKeep).
	keptMu    sync.Mutex
	kept      string
	keptUntil time.Time
}

// maxIdlePerHost is how many idle connections to the API are kept: at
// least the dispatcher's sends in flight (notices.concurrency, at most
// 256). http.DefaultTransport keeps 2 per host, so with 16 sends in flight
// most calls would open (and, over TLS, handshake) a connection of their
// own and leave it in TIME_WAIT.
const maxIdlePerHost = 256

// transport is the one HTTP transport of every client in the process, as
// http.DefaultTransport was, with maxIdlePerHost idle connections.
var transport = sync.OnceValue(func() *http.Transport {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConns = maxIdlePerHost
	t.MaxIdleConnsPerHost = maxIdlePerHost
	return t
})

// New returns a client.
func New(cfg Config, cache store.Cache, log *slog.Logger) *Client {
	if cfg.Timeout <= 0 {
		cfg.Timeout = 10 * time.Second
	}
	base := strings.TrimRight(cfg.APIBase, "/")
	if base == "" {
		base = apiHost
	}
	return &Client{cfg: cfg, cache: cache, log: log.With(slog.String("component", "wxapi")),
		http: &http.Client{Timeout: cfg.Timeout, Transport: transport()}, base: base}
}

// get fetches api (a path and query) and returns the answer's body.
func (c *Client) get(ctx context.Context, api string) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.base+api, nil)
	if err != nil {
		return nil, err
	}
	return c.do(req)
}

// post posts obj as JSON to api (a path and query), as WeChat reads it:
// UTF-8, with <, > and & as they are, and returns the answer's body.
func (c *Client) post(ctx context.Context, api string, obj any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(obj); err != nil {
		return nil, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.base+api, &buf)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/json;charset=utf-8")
	return c.do(req)
}

// StatusError is an answer other than HTTP 200.
type StatusError struct {
	Method, Path string
	Status       int
}

func (e *StatusError) Error() string {
	return fmt.Sprintf("%s %s: HTTP status %d", e.Method, e.Path, e.Status)
}

// maxAnswer bounds an answer's body: a photo (10 MB at most) or JSON.
const maxAnswer = 32 << 20

func (c *Client) do(req *http.Request) ([]byte, error) {
	resp, err := c.http.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, &StatusError{Method: req.Method, Path: req.URL.Path, Status: resp.StatusCode}
	}
	return io.ReadAll(io.LimitReader(resp.Body, maxAnswer))
}

// APIError is an errcode answered by WeChat.
type APIError struct {
	API  string
	Code int64
	Msg  string
}

// Error implements error.
func (e *APIError) Error() string {
	return fmt.Sprintf("wxapi: %s: errcode=%d errmsg=%s", e.API, e.Code, e.Msg)
}

// TokenInvalid reports whether WeChat refused the access token (40001
// invalid, 42001 expired, 40014 malformed): refresh and retry once.
func (e *APIError) TokenInvalid() bool {
	return e.Code == 40001 || e.Code == 42001 || e.Code == 40014
}

// SendText sends a customer-service text message, allowed within 48 hours
// of the user's last interaction.
func (c *Client) SendText(ctx context.Context, openID, text string) error {
	return c.postJSON(ctx, "/cgi-bin/message/custom/send", message.NewCustomerTextMessage(openID, text), nil)
}

// ErrLate is returned, and nothing is sent, when a call is made after the
// send-by time of its context (WithSendBy).
var ErrLate = errors.New("wxapi: not sent: its send-by time has passed")

// sendByKey is the context key of WithSendBy.
type sendByKey struct{}

// WithSendBy returns ctx with a send-by time: a call made with it that
// would leave later than by is not made at all and returns ErrLate. The
// time is checked as late as it can be, after the access token is read
// and just before the request is written, so that a caller pacing its
// calls (the outbox's shared rate limit, counted per second) knows each
// call it makes leaves before by, whatever held it up on the way.
func WithSendBy(ctx context.Context, by time.Time) context.Context {
	return context.WithValue(ctx, sendByKey{}, by)
}

// late reports whether ctx's send-by time (WithSendBy) has passed.
func late(ctx context.Context) bool {
	by, ok := ctx.Value(sendByKey{}).(time.Time)
	return ok && !time.Now().Before(by)
}

// postJSON posts body to api with the access token and decodes the answer
// into out (when not nil); an invalid token is refreshed and the call tried
// once more. Past ctx's send-by time (WithSendBy) it sends nothing and
// returns ErrLate.
func (c *Client) postJSON(ctx context.Context, api string, body, out any) error {
	for try := 0; ; try++ {
		token, err := c.GetAccessTokenContext(ctx)
		if err != nil {
			return err
		}
		if late(ctx) {
			return ErrLate
		}
		resp, err := c.post(ctx, api+"?access_token="+token, body)
		if err != nil {
			return fmt.Errorf("wxapi: %s: %w", api, redactError(err))
		}
		var ce util.CommonError
		if err := json.Unmarshal(resp, &ce); err != nil {
			return fmt.Errorf("wxapi: %s: decode answer: %w", api, err)
		}
		if ce.ErrCode == 0 {
			if out != nil {
				if err := json.Unmarshal(resp, out); err != nil {
					return fmt.Errorf("wxapi: %s: decode answer: %w", api, err)
				}
			}
			return nil
		}
		apiErr := &APIError{API: api, Code: ce.ErrCode, Msg: ce.ErrMsg}
		if try == 0 && apiErr.TokenInvalid() {
			c.log.WarnContext(ctx, "access token refused; refreshing", slog.Int64("errcode", ce.ErrCode))
			c.invalidate(ctx, token)
			continue
		}
		return apiErr
	}
}

var tokenInURL = regexp.MustCompile(`access_token=[^&\s"]*`)

// redactedError keeps the access token out of errors (and so of logs).
type redactedError struct {
	msg string
	err error
}

func (e *redactedError) Error() string { return e.msg }
func (e *redactedError) Unwrap() error { return e.err }

func redactError(err error) error {
	return &redactedError{msg: tokenInURL.ReplaceAllString(err.Error(), "access_token=***"), err: err}
}

// qrShowURL shows the image of a QR code ticket.
const qrShowURL = "https://mp.weixin.qq.com/cgi-bin/showqrcode?ticket="

// CheckinQR makes a temporary QR code whose scan sends us a SCAN (or a
// subscribe with qrscene_) event carrying scene, and returns the URL of its
// image.
func (c *Client) CheckinQR(ctx context.Context, scene string, expire time.Duration) (string, error) {
	req := map[string]any{
		"expire_seconds": int(expire.Seconds()),
		"action_name":    "QR_STR_SCENE",
		"action_info":    map[string]any{"scene": map[string]string{"scene_str": scene}},
	}
	var res struct {
		Ticket string `json:"ticket"`
		URL    string `json:"url"`
	}
	if err := c.postJSON(ctx, "/cgi-bin/qrcode/create", req, &res); err != nil {
		return "", err
	}
	if res.Ticket == "" {
		return "", fmt.Errorf("wxapi: /cgi-bin/qrcode/create: no ticket in answer")
	}
	return qrShowURL + url.QueryEscape(res.Ticket), nil
}

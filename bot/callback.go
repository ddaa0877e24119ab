package bot

import (
	"context"
	"crypto/rand"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math"
	"net/http"
	"os"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/silenceper/wechat/v2/officialaccount/message"
	"github.com/silenceper/wechat/v2/util"

	"envoybot/store"
)

// Config is what the callback needs to know of the account and its limits.
type Config struct {
	Token  string
	AppID  string
	AESKey string // EncodingAESKey; empty disables safe mode
	// TimestampWindow is how far a request's timestamp may be from now; a
	// nonce is remembered this long (twice, to cover both sides of now).
	TimestampWindow time.Duration
	// ReplyDeadline is when the HTTP answer goes out at the latest.
	ReplyDeadline time.Duration
	// HandlerTimeout bounds a handler that outlives the reply deadline.
	HandlerTimeout time.Duration
	// DedupTTL is how long a reply is kept for WeChat's retries.
	DedupTTL time.Duration
	// DedupLease is how long a message's in-flight marker outlives its
	// attempt's last renewal (every third of it): a replica that dies
	// holds a message this long at most, after which a retry takes it
	// over. Zero means two thirds of ReplyDeadline, so that a retry
	// notices a dead holder within its own request.
	DedupLease   time.Duration
	MaxBodyBytes int64
	// MenuKeys maps a CLICK event's key to the chat text it stands for.
	MenuKeys map[string]string
	// BusyText is the reply when a handler fails.
	BusyText string
	// Limit caps the messages of one follower (ratelimit.go).
	Limit FollowerLimit
}

// Sender delivers a text to a user outside the passive reply: WeChat's
// customer-service message API.
type Sender interface {
	SendText(ctx context.Context, openID, text string) error
}

// Deps are the callback's collaborators.
type Deps struct {
	Cache  store.Cache
	Record store.MessageLog // durable record of processed messages; may be nil
	// Inbox keeps messages answered before they were processed (inbox.go);
	// may be nil.
	Inbox   store.MessageInbox
	Sender  Sender
	Logger  *slog.Logger
	Metrics *Metrics // may be nil
	Now     func() time.Time
}

// Callback is the /wechat endpoint.
type Callback struct {
	cfg     Config
	handler Handler
	deps    Deps
	log     *slog.Logger

	inflight sync.Map      // dedup key → *attempt, for retries reaching this replica
	work     chan job      // to idle workers (dedup.go)
	quit     chan struct{} // closed by Wait: idle workers end
	quitOnce sync.Once
	memoMu   sync.Mutex
	memo     []memoEntry // finished attempts still in inflight, oldest first,
	memoHead int         // from memo[memoHead]
	wg       sync.WaitGroup
	id       string        // this callback among replicas and restarts, for dedup owners
	attempts atomic.Uint64 // attempts started, for dedup owners
}

// NewCallback returns the /wechat endpoint for h.
func NewCallback(cfg Config, h Handler, deps Deps) *Callback {
	if deps.Now == nil {
		deps.Now = time.Now
	}
	if deps.Logger == nil {
		deps.Logger = slog.Default()
	}
	if cfg.BusyText == "" {
		cfg.BusyText = "系统繁忙，请稍后再试。"
	}
	if cfg.DedupLease <= 0 {
		cfg.DedupLease = cfg.ReplyDeadline * 2 / 3
	}
	if cfg.DedupLease < minDedupLease {
		cfg.DedupLease = minDedupLease
	}
	return &Callback{cfg: cfg, handler: h, deps: deps, id: instanceID(), work: make(chan job), quit: make(chan struct{}),
		log: deps.Logger.With(slog.String("component", "wechat"))}
}

// minDedupLease keeps lease renewals (every third of it) from hammering
// the cache.
const minDedupLease = 300 * time.Millisecond

// instanceID names this process uniquely: host, PID and a random part (a
// restarted process may get the same PID).
func instanceID() string {
	host, _ := os.Hostname()
	var b [4]byte
	_, _ = rand.Read(b[:])
	return fmt.Sprintf("%s-%d-%x", host, os.Getpid(), b)
}

// Wait blocks until handlers that outlived their request are done (their
// late replies sent) or ctx ends; then the idle workers end.
func (c *Callback) Wait(ctx context.Context) error {
	done := make(chan struct{})
	go func() { c.wg.Wait(); close(done) }()
	select {
	case <-done:
		c.quitOnce.Do(func() { close(c.quit) })
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// ServeHTTP answers WeChat: GET verifies the URL, POST delivers a message.
func (c *Callback) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch r.Method {
	case http.MethodGet:
		c.verifyURL(w, r)
	case http.MethodPost:
		c.receive(w, r)
	default:
		w.Header().Set("Allow", "GET, POST")
		c.reject(w, r, http.StatusMethodNotAllowed, "method_not_allowed")
	}
}

// reject answers an HTTP error and logs why; never the body.
func (c *Callback) reject(w http.ResponseWriter, r *http.Request, status int, reason string) {
	c.log.WarnContext(r.Context(), "wechat request rejected",
		slog.String("reason", reason), slog.Int("status", status),
		slog.String("method", r.Method), slog.String("remote", r.RemoteAddr))
	c.deps.Metrics.outcome(reason)
	http.Error(w, http.StatusText(status), status)
}

// checkQuery verifies the parts of the query every request carries: a fresh
// timestamp and, unless safe mode signs the body, the URL signature.
func (c *Callback) checkQuery(r *http.Request, plainSignature bool) (status int, reason string) {
	q := r.URL.Query()
	ts, nonce := q.Get("timestamp"), q.Get("nonce")
	if ts == "" || nonce == "" {
		return http.StatusForbidden, "missing_signature"
	}
	sec, err := strconv.ParseInt(ts, 10, 64)
	if err != nil {
		return http.StatusForbidden, "bad_timestamp"
	}
	skew := math.Abs(float64(c.deps.Now().Unix() - sec))
	if skew > c.cfg.TimestampWindow.Seconds() {
		return http.StatusForbidden, "stale_timestamp"
	}
	if plainSignature && !validSignature(q.Get("signature"), c.cfg.Token, ts, nonce) {
		return http.StatusForbidden, "bad_signature"
	}
	return 0, ""
}

func (c *Callback) verifyURL(w http.ResponseWriter, r *http.Request) {
	if status, reason := c.checkQuery(r, true); status != 0 {
		c.reject(w, r, status, reason)
		return
	}
	echo := r.URL.Query().Get("echostr")
	if echo == "" {
		c.reject(w, r, http.StatusBadRequest, "missing_echostr")
		return
	}
	c.deps.Metrics.outcome("verified")
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	_, _ = io.WriteString(w, echo)
}

func (c *Callback) receive(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	q := r.URL.Query()
	safe := q.Get("encrypt_type") == "aes"
	if status, reason := c.checkQuery(r, !safe); status != 0 {
		c.reject(w, r, status, reason)
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, c.cfg.MaxBodyBytes))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			c.reject(w, r, http.StatusRequestEntityTooLarge, "body_too_large")
		} else {
			c.reject(w, r, http.StatusBadRequest, "unreadable_body")
		}
		return
	}
	raw := body
	if safe {
		var status int
		var reason string
		if raw, status, reason = c.open(body, q.Get("timestamp"), q.Get("nonce"), q.Get("msg_signature")); status != 0 {
			c.reject(w, r, status, reason)
			return
		}
	}
	var mix message.MixMessage
	if err := xml.Unmarshal(raw, &mix); err != nil {
		c.reject(w, r, http.StatusBadRequest, "malformed_xml")
		return
	}
	if mix.FromUserName == "" || mix.MsgType == "" {
		c.reject(w, r, http.StatusBadRequest, "incomplete_message")
		return
	}
	key, m := dedupKey(&mix), toMessage(&mix, c.cfg.MenuKeys)
	if m.Event == EventSubscribePopup || m.Event == EventSubscribeChange {
		m.Subscriptions = subscriptionChoices(raw)
	}
	reply, outcome := c.process(key, m, q.Get("nonce"), q.Get("timestamp"), start)
	if outcome == "replayed_nonce" {
		c.reject(w, r, http.StatusForbidden, outcome)
		return
	}
	if outcome == "held" {
		c.deps.Metrics.outcome(outcome)
		c.deps.Metrics.observe(time.Since(start).Seconds())
		c.hold(r)
	}
	c.write(w, r, &mix, reply, safe)
	c.deps.Metrics.outcome(outcome)
	c.deps.Metrics.observe(time.Since(start).Seconds())
}

// open verifies and decrypts a safe-mode body.
func (c *Callback) open(body []byte, ts, nonce, msgSignature string) ([]byte, int, string) {
	if c.cfg.AESKey == "" {
		return nil, http.StatusBadRequest, "safe_mode_not_configured"
	}
	var env message.EncryptedXMLMsg
	if err := xml.Unmarshal(body, &env); err != nil || env.EncryptedMsg == "" {
		return nil, http.StatusBadRequest, "malformed_xml"
	}
	if !validSignature(msgSignature, c.cfg.Token, ts, nonce, env.EncryptedMsg) {
		return nil, http.StatusForbidden, "bad_msg_signature"
	}
	_, raw, err := util.DecryptMsg(c.cfg.AppID, env.EncryptedMsg, c.cfg.AESKey)
	if err != nil {
		return nil, http.StatusBadRequest, "undecryptable"
	}
	return raw, 0, ""
}

// admitBudget bounds the admission (nonce, limit, claim), so a slow cache
// cannot eat the reply deadline.
const admitBudget = 500 * time.Millisecond

// admitDeadline is when a request's admission gives up on the cache.
func (c *Callback) admitDeadline(start time.Time) time.Time {
	deadline := start.Add(admitBudget)
	if d := start.Add(c.cfg.ReplyDeadline / 2); d.Before(deadline) {
		deadline = d
	}
	return deadline
}

// admit asks the cache, in one call, to remember the nonce, count the
// message against its sender's limit and claim it for owner (Admission).
// Should the cache fail or be slow, the message goes on as claimed: its
// signature and timestamp were checked, and the durable record and the
// attempt in flight here still guard its effects.
func (c *Callback) admit(key, owner string, m *Message, nonce, ts string, start time.Time) store.Admitted {
	ctx, cancel := context.WithDeadline(context.Background(), c.admitDeadline(start))
	defer cancel()
	got, err := c.deps.Cache.Admit(ctx, store.Admission{
		NonceKey: "nonce:" + nonce, NonceValue: ts, NonceTTL: 2 * c.cfg.TimestampWindow,
		ClaimKey: dedupCacheKey(key), ClaimValue: dedupPending + owner, ClaimTTL: c.cfg.DedupLease,
		Limit: c.limitFor(m, c.deps.Now()),
	})
	if err != nil {
		c.log.ErrorContext(ctx, "cache unavailable: message admitted without nonce, limit or claim", slog.Any("error", err))
		return store.Admitted{}
	}
	return got
}

// replayed remembers the nonce for the timestamp window and reports whether
// it was already seen (a retry reaching the replica that runs its first
// attempt: nothing else is asked of the cache). Should the cache fail or be
// slow, the request goes on.
func (c *Callback) replayed(nonce, ts string, start time.Time) bool {
	ctx, cancel := context.WithDeadline(context.Background(), c.admitDeadline(start))
	defer cancel()
	fresh, err := c.deps.Cache.SetNX(ctx, "nonce:"+nonce, ts, 2*c.cfg.TimestampWindow)
	if err != nil {
		c.log.ErrorContext(ctx, "nonce cache unavailable", slog.Any("error", err))
		return false
	}
	return !fresh
}

// write sends the passive reply: "success" when there is nothing to say.
func (c *Callback) write(w http.ResponseWriter, r *http.Request, mix *message.MixMessage, reply Reply, safe bool) {
	if reply.Text == "" {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		_, _ = io.WriteString(w, "success")
		return
	}
	out, err := c.renderText(mix, reply.Text, safe, c.deps.Now())
	if err != nil {
		c.log.ErrorContext(r.Context(), "render reply", slog.Any("error", err))
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		_, _ = io.WriteString(w, "success")
		return
	}
	w.Header().Set("Content-Type", "application/xml; charset=utf-8")
	if _, err := w.Write(out); err != nil {
		c.log.WarnContext(r.Context(), "write reply", slog.Any("error", err), slog.String("remote", r.RemoteAddr))
	}
}

// describe is a short, body-free description of a message for logs.
func describe(m *Message) []any {
	return []any{slog.String("openid", m.OpenID), slog.String("kind", m.Kind), slog.String("event", m.Event), slog.Int64("msgid", m.MsgID)}
}

// String makes errors from the handler loggable without the message body.
func (m *Message) String() string {
	return fmt.Sprintf("message{openid=%s kind=%s event=%s msgid=%d}", m.OpenID, m.Kind, m.Event, m.MsgID)
}

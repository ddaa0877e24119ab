package scheduler

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"sync"
	"time"

	"envoybot/bot/wxapi"
	"envoybot/configs"
	"envoybot/store"
)

// Reasons a notice is marked undeliverable, stored as its error and counted
// by NoticeCounts under "undeliverable:<reason>" for the dashboard.
const (
	// ReasonUnfollowed: the recipient unfollowed the account or deleted
	// their data (注销), or WeChat answered 43004 (user unsubscribed).
	ReasonUnfollowed = "unfollowed"
	// ReasonNoTemplate: the recipient has not written for CustomerWindow
	// (or WeChat answered 45015, window closed) and the notice's kind has
	// no template message configured.
	ReasonNoTemplate = "no_template_outside_48h"
	// ReasonCustomerLimit: WeChat answered 45047 (too many customer-service
	// messages without a reply) and the kind has no template message.
	ReasonCustomerLimit = "customer_limit_no_template"
	// ReasonTooLate: the notice's moment passed before it could be sent
	// (its not_after field, e.g. a reminder held up by a quota pause until
	// after the lecture began).
	ReasonTooLate = "too_late"
)

// FieldNotAfter is the notice field (RFC 3339) after which a notice is
// pointless and is not sent.
const FieldNotAfter = "not_after"

// WeChat errcodes the dispatcher acts on.
const (
	errQuota          = 45009 // daily API quota used up
	errWindowClosed   = 45015 // customer-service window (48 h) closed
	errCustomerLimit  = 45047 // too many customer-service messages
	errUnsubscribed   = 43004 // recipient does not follow the account
	defaultParallel   = 4
	leaseSafetyMargin = 10 // percent of the lease left unused before a send
)

// Cache keys shared by every replica.
const (
	// QuotaPauseKey holds the instant (RFC 3339) until which all sending is
	// paused after errcode 45009.
	QuotaPauseKey = "notices:quota-paused-until"
	// RateLimitKeyPrefix is followed by the number of a send slot (the
	// Unix second times RatePerSecond, plus the slot within the second);
	// the counter under it is how many sends claimed that slot.
	RateLimitKeyPrefix = "ratelimit:"
)

// Sender is the part of the WeChat API the dispatcher sends through
// (*wxapi.Client). Errors are *wxapi.APIError for an errcode, or others
// that wxapi.IsTemporary classifies.
type Sender interface {
	SendText(ctx context.Context, openID, text string) error
	SendTemplate(ctx context.Context, openID, templateID, url string, data map[string]string) error
}

// DrainStats counts what happened to the notices of one or more drains.
// Retried counts notices put back to pending (temporary error, quota pause,
// shutdown).
type DrainStats struct {
	Claimed       int
	Sent          int
	Retried       int
	Failed        int
	Undeliverable int
}

func (s *DrainStats) add(o DrainStats) {
	s.Claimed += o.Claimed
	s.Sent += o.Sent
	s.Retried += o.Retried
	s.Failed += o.Failed
	s.Undeliverable += o.Undeliverable
}

// Dispatcher drains the outbox: it claims due notices in batches under a
// lease and sends each by the channel WeChat allows for its recipient. Any
// number of replicas may run one against the same store and cache.
//
// Two clocks: now (injected, as `jobs run --now` fixes it) decides what is
// due, the 48-hour window, backoff and the quota pause; the rate limit and
// the lease safety check pace real calls to WeChat, so they use the wall
// clock.
type Dispatcher struct {
	outbox  store.OutboxService
	cache   store.Cache
	api     Sender
	cfg     configs.Notices
	loc     *time.Location
	replica string
	log     *slog.Logger
	now     func() time.Time
	wall    func() time.Time
	// parallel bounds the sends in flight within a batch.
	parallel int
}

// NewDispatcher returns a dispatcher for replica (a name unique among the
// replicas, it owns the leases). loc is the time zone of cfg.QuotaReset
// (the configuration's TimeZone, WeChat resets at Beijing midnight); nil
// means now's location.
func NewDispatcher(outbox store.OutboxService, cache store.Cache, api Sender, cfg configs.Notices, loc *time.Location,
	replica string, log *slog.Logger, now func() time.Time) *Dispatcher {
	return &Dispatcher{
		outbox: outbox, cache: cache, api: api, cfg: cfg, loc: loc, replica: replica,
		log: log.With(slog.String("component", "dispatcher"), slog.String("replica", replica)),
		now: now, wall: time.Now, parallel: defaultParallel,
	}
}

// Run drains the outbox until ctx ends, pausing PollInterval whenever
// nothing is due (or sending is paused).
func (d *Dispatcher) Run(ctx context.Context) {
	for {
		if _, err := d.Drain(ctx); err != nil && ctx.Err() == nil {
			d.log.Error("drain outbox", slog.Any("error", err))
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(d.cfg.PollInterval):
		}
	}
}

// Drain runs DrainOnce until nothing is due, sending is paused, or ctx
// ends, and returns the sums.
func (d *Dispatcher) Drain(ctx context.Context) (DrainStats, error) {
	var total DrainStats
	for ctx.Err() == nil {
		s, err := d.DrainOnce(ctx)
		total.add(s)
		if err != nil {
			return total, err
		}
		if s.Claimed == 0 {
			break
		}
	}
	return total, nil
}

// DrainOnce claims one batch of due notices and delivers each. It claims
// nothing while sending is paused for the daily quota.
func (d *Dispatcher) DrainOnce(ctx context.Context) (DrainStats, error) {
	var stats DrainStats
	if until, paused := d.pausedUntil(ctx); paused {
		d.log.Debug("sending paused for the daily quota", slog.Time("until", until))
		return stats, nil
	}
	claimedAt := d.wall()
	// Claim as of the later of the job clock and the wall clock: with a
	// clock set in the past (`envoybot jobs run --now`), what is due is
	// still due, and the lease still ends in real time, so a running
	// server's dispatcher does not take these notices over mid-send.
	at := d.now()
	if claimedAt.After(at) {
		at = claimedAt
	}
	ns, err := d.outbox.ClaimNotices(ctx, d.replica, at, d.cfg.Batch, d.cfg.Lease)
	if err != nil {
		return stats, fmt.Errorf("scheduler: claim notices: %w", err)
	}
	stats.Claimed = len(ns)

	var (
		mu       sync.Mutex
		firstErr error
		wg       sync.WaitGroup
		slots    = make(chan struct{}, max(d.parallel, 1))
	)
	record := func(status string, recorded bool, err error) {
		mu.Lock()
		defer mu.Unlock()
		if err != nil && firstErr == nil {
			firstErr = err
		}
		if !recorded {
			return
		}
		switch status {
		case store.NoticeSent:
			stats.Sent++
		case store.NoticePending:
			stats.Retried++
		case store.NoticeFailed:
			stats.Failed++
		case store.NoticeUndeliverable:
			stats.Undeliverable++
		}
	}
	for _, n := range ns {
		select {
		case slots <- struct{}{}:
		case <-ctx.Done():
		}
		if ctx.Err() != nil {
			// Shutting down: hand the rest back at once rather than
			// leave them leased.
			o := d.retryNow("released: dispatcher stopped")
			recorded, err := d.complete(ctx, n, o)
			record(o.Status, recorded, err)
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() { <-slots }()
			o, ok := d.attempt(ctx, n, claimedAt)
			if !ok {
				return
			}
			recorded, err := d.complete(ctx, n, o)
			record(o.Status, recorded, err)
		}()
	}
	wg.Wait()
	return stats, firstErr
}

// retryNow puts a notice back to pending, due at once, with why as its
// error: for notices a stopping dispatcher lets go.
func (d *Dispatcher) retryNow(why string) store.NoticeOutcome {
	return store.NoticeOutcome{Status: store.NoticePending, Error: why, NextAttemptAt: d.now()}
}

// attempt decides and performs the delivery of n. ok is false when the
// notice must be left alone: its lease is nearly over, so another replica
// may take it over and a send now could be a double send.
func (d *Dispatcher) attempt(ctx context.Context, n *store.Notice, claimedAt time.Time) (o store.NoticeOutcome, ok bool) {
	if until, paused := d.pausedUntil(ctx); paused {
		return store.NoticeOutcome{Status: store.NoticePending, Error: "paused: daily quota (45009)", NextAttemptAt: until}, true
	}
	if d.wall().Sub(claimedAt) > d.cfg.Lease*(100-leaseSafetyMargin)/100 {
		d.log.Warn("lease nearly over; leaving the notice to the next claim", slog.Int64("notice", n.ID))
		return o, false
	}
	if n.Anonymised || !n.Following {
		return undeliverable("", ReasonUnfollowed), true
	}
	now := d.now()
	if limit, err := time.Parse(time.RFC3339, n.Fields[FieldNotAfter]); err == nil && now.After(limit) {
		return undeliverable("", ReasonTooLate), true
	}
	tpl, hasTemplate := d.cfg.Template(n.Kind)
	if !n.LastInteractionAt.IsZero() && now.Sub(n.LastInteractionAt) < d.cfg.CustomerWindow {
		err := d.send(ctx, func(ctx context.Context) error { return d.api.SendText(ctx, n.OpenID, n.Text) })
		switch code := errCode(err); {
		case err == nil:
			return store.NoticeOutcome{Status: store.NoticeSent, Channel: store.ChannelCustomer}, true
		case code == errWindowClosed || code == errCustomerLimit:
			reason := ReasonNoTemplate
			if code == errCustomerLimit {
				reason = ReasonCustomerLimit
			}
			if !hasTemplate {
				return undeliverable(store.ChannelCustomer, reason), true
			}
			d.log.Info("customer-service message refused; sending the template", slog.Int64("notice", n.ID), slog.Int64("errcode", code))
		default:
			return d.failure(ctx, n, store.ChannelCustomer, err), true
		}
	} else if !hasTemplate {
		return undeliverable("", ReasonNoTemplate), true
	}
	data := templateData(tpl, n)
	err := d.send(ctx, func(ctx context.Context) error { return d.api.SendTemplate(ctx, n.OpenID, tpl.ID, tpl.URL, data) })
	if err == nil {
		return store.NoticeOutcome{Status: store.NoticeSent, Channel: store.ChannelTemplate}, true
	}
	return d.failure(ctx, n, store.ChannelTemplate, err), true
}

// failure turns a send error into the notice's outcome.
func (d *Dispatcher) failure(ctx context.Context, n *store.Notice, channel string, err error) store.NoticeOutcome {
	now := d.now()
	switch code := errCode(err); {
	case ctx.Err() != nil:
		// Stopped mid-send; it may or may not have arrived. Try again.
		o := d.retryNow("interrupted: " + err.Error())
		o.Channel = channel
		return o
	case code == errUnsubscribed:
		return undeliverable(channel, ReasonUnfollowed)
	case code == errQuota:
		until := d.pause(ctx, now)
		return store.NoticeOutcome{Status: store.NoticePending, Channel: channel, Error: err.Error(), NextAttemptAt: until}
	case wxapi.IsTemporary(err):
		if !n.CreatedAt.IsZero() && now.Sub(n.CreatedAt) >= d.cfg.MaxAge {
			return store.NoticeOutcome{Status: store.NoticeFailed, Channel: channel,
				Error: fmt.Sprintf("gave up after %s: %v", d.cfg.MaxAge, err)}
		}
		return store.NoticeOutcome{Status: store.NoticePending, Channel: channel, Error: err.Error(),
			NextAttemptAt: now.Add(d.backoff(n.Attempts + 1))}
	default:
		return store.NoticeOutcome{Status: store.NoticeFailed, Channel: channel, Error: err.Error()}
	}
}

// backoff is the wait after the attempt-th failed attempt:
// RetryBase·2^(attempt-1), at most RetryMax. Notice.Attempts counts the
// attempts recorded before the current one.
func (d *Dispatcher) backoff(attempt int) time.Duration {
	wait := d.cfg.RetryBase
	for i := 1; i < attempt && wait < d.cfg.RetryMax; i++ {
		wait *= 2
	}
	return min(wait, d.cfg.RetryMax)
}

// complete records the outcome and reports whether it was recorded; it
// runs even when ctx was cancelled, so that a stopping dispatcher still
// records what it did. A notice another replica took over is not an error.
func (d *Dispatcher) complete(ctx context.Context, n *store.Notice, o store.NoticeOutcome) (bool, error) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	err := d.outbox.CompleteNotice(ctx, n.ID, d.replica, o, d.now())
	if store.ErrorCode(err) == store.ECONFLICT {
		d.log.Warn("notice taken over by another replica", slog.Int64("notice", n.ID), slog.String("status", o.Status))
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("scheduler: complete notice %d: %w", n.ID, err)
	}
	level := slog.LevelDebug
	if o.Status != store.NoticeSent {
		level = slog.LevelInfo
	}
	d.log.Log(ctx, level, "notice attempt", slog.Int64("notice", n.ID), slog.String("kind", n.Kind),
		slog.String("status", o.Status), slog.String("channel", o.Channel), slog.String("error", o.Error))
	return true, nil
}

// send waits for the shared rate limit, then calls WeChat.
func (d *Dispatcher) send(ctx context.Context, call func(context.Context) error) error {
	if err := d.waitRate(ctx); err != nil {
		return err
	}
	return call(ctx)
}

// waitRate takes one of the account's RatePerSecond sends, counted in the
// shared cache so replicas share the limit. Each second is cut into
// RatePerSecond equal slots of one send each, so sends are spread over the
// second rather than bunched at its start; a slot whose counter answered
// after the slot was over (a slow cache, a busy writer) is not used. Over
// the limit, it sleeps until the next slot. Without the cache it paces
// this replica alone rather than stop sending.
func (d *Dispatcher) waitRate(ctx context.Context) error {
	rate := int64(max(d.cfg.RatePerSecond, 1))
	slotOf := func(t time.Time) int64 { return t.Unix()*rate + int64(t.Nanosecond())*rate/int64(time.Second) }
	stale := 0
	for {
		slot := slotOf(d.wall())
		n, err := d.cache.Incr(ctx, RateLimitKeyPrefix+strconv.FormatInt(slot, 10), 2*time.Second)
		if err != nil {
			d.log.Warn("rate limit counter unavailable; pacing locally", slog.Any("error", err))
			return sleep(ctx, time.Second/time.Duration(rate))
		}
		now := d.wall()
		cur := slotOf(now)
		switch {
		case n == 1 && (cur == slot || stale >= maxStaleSlots):
			return nil
		case cur > slot:
			stale++ // the slot ended while it was counted: try the current one
			continue
		}
		start := time.Unix((slot+1)/rate, (slot+1)%rate*int64(time.Second)/rate)
		if err := sleep(ctx, start.Sub(now)); err != nil {
			return err
		}
	}
}

// maxStaleSlots is how many send slots in a row waitRate gives up because
// the cache answered after they ended, before it takes one anyway: a cache
// slower than a slot must not stop sending.
const maxStaleSlots = 3

// pause stops every replica's sending until the next quota reset after now
// and returns that instant.
func (d *Dispatcher) pause(ctx context.Context, now time.Time) time.Time {
	until := nextReset(now, d.cfg.QuotaReset, d.loc)
	ttl := until.Sub(now) + time.Minute
	if err := d.cache.Set(context.WithoutCancel(ctx), QuotaPauseKey, until.UTC().Format(time.RFC3339Nano), ttl); err != nil {
		d.log.Error("record quota pause", slog.Any("error", err))
	}
	d.log.Warn("daily quota used up (45009); sending paused", slog.Time("until", until))
	return until
}

// pausedUntil reports whether sending is paused as of now, and until when.
func (d *Dispatcher) pausedUntil(ctx context.Context) (time.Time, bool) {
	until, ok, err := d.PausedUntil(ctx)
	if err != nil {
		d.log.Warn("read quota pause", slog.Any("error", err))
		return time.Time{}, false
	}
	return until, ok
}

// PausedUntil reports whether sending is paused for WeChat's daily quota
// (errcode 45009) and until when, for the dashboard.
func (d *Dispatcher) PausedUntil(ctx context.Context) (time.Time, bool, error) {
	v, ok, err := d.cache.Get(ctx, QuotaPauseKey)
	if err != nil || !ok {
		return time.Time{}, false, err
	}
	until, err := time.Parse(time.RFC3339Nano, v)
	if err != nil {
		return time.Time{}, false, fmt.Errorf("scheduler: quota pause %q: %w", v, err)
	}
	return until, d.now().Before(until), nil
}

// nextReset is the first instant after now at the time of day hhmm
// ("00:00") in loc (now's location when nil).
func nextReset(now time.Time, hhmm string, loc *time.Location) time.Time {
	if loc == nil {
		loc = now.Location()
	}
	tod, err := time.Parse("15:04", hhmm)
	if err != nil { // Validate rejects it; midnight is WeChat's reset.
		tod = time.Time{}
	}
	local := now.In(loc)
	reset := time.Date(local.Year(), local.Month(), local.Day(), tod.Hour(), tod.Minute(), 0, 0, loc)
	if !reset.After(local) {
		reset = time.Date(local.Year(), local.Month(), local.Day()+1, tod.Hour(), tod.Minute(), 0, 0, loc)
	}
	return reset
}

// templateData fills the template's keys from the notice: each key takes
// the notice field it is mapped to, where "text" is the notice's text
// unless a field of that name exists. Unknown fields are empty.
func templateData(tpl configs.Template, n *store.Notice) map[string]string {
	data := make(map[string]string, len(tpl.Fields))
	for key, field := range tpl.Fields {
		v, ok := n.Fields[field]
		if !ok && field == "text" {
			v = n.Text
		}
		data[key] = v
	}
	return data
}

func undeliverable(channel, reason string) store.NoticeOutcome {
	return store.NoticeOutcome{Status: store.NoticeUndeliverable, Channel: channel, Error: reason}
}

// errCode is WeChat's errcode in err, or 0.
func errCode(err error) int64 {
	var apiErr *wxapi.APIError
	if errors.As(err, &apiErr) {
		return apiErr.Code
	}
	return 0
}

// sleep waits d or until ctx ends.
func sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

package scheduler

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
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
	leaseSafetyMargin = 10    // percent of the lease left unused before a send
)

// Defaults for a configuration built by hand (Load fills them from
// envoybot.yaml).
const (
	// defaultParallel is the sends a dispatcher has in flight.
	defaultParallel = 16
	// defaultFlushInterval is the longest outcomes wait to be recorded.
	defaultFlushInterval = 200 * time.Millisecond
)

// flushTimeout bounds the recording of one batch of outcomes, retries
// included; it runs even after the dispatcher's context ended.
const flushTimeout = 10 * time.Second

// Cache keys shared by every replica.
const (
	// QuotaPauseKey holds the instant (RFC 3339) until which all sending is
	// paused after errcode 45009.
	QuotaPauseKey = "notices:quota-paused-until"
	// RateLimitKeyPrefix is followed by a Unix second; the counter under
	// it is how many send slots of that second the replicas took (see
	// pacer).
	RateLimitKeyPrefix = "ratelimit:"
)

// Sender is the part of the WeChat API the dispatcher sends through
// (*wxapi.Client). Errors are *wxapi.APIError for an errcode, or others
// that wxapi.IsTemporary classifies.
type Sender interface {
	SendText(ctx context.Context, openID, text string) error
	SendTemplate(ctx context.Context, openID, templateID, url string, data map[string]string) error
	SendSubscribe(ctx context.Context, openID, templateID, page string, data map[string]string) error
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
	// parallel bounds the sends in flight (cfg.Concurrency).
	parallel int
	// flushEvery is the longest an outcome waits to be recorded
	// (cfg.FlushInterval).
	flushEvery time.Duration
	// batches records many outcomes in one transaction; nil when the
	// outbox cannot, and then each is recorded by CompleteNotice.
	batches store.OutboxBatches
	// subs tells who accepted a subscription template; nil when the
	// outbox cannot, and then no subscription notice is sent.
	subs store.SubscriptionService
	// pace hands out the slots of the shared send rate.
	pace *pacer
	// pauseMu guards pausedTill, the end of the quota pause (45009) as
	// this dispatcher last knew it: set by its own 45009 and read from the
	// cache before each claim, so that a send need not ask the cache.
	pauseMu    sync.Mutex
	pausedTill time.Time
}

// NewDispatcher returns a dispatcher for replica (a name unique among the
// replicas, it owns the leases). loc is the time zone of cfg.QuotaReset
// (the configuration's TimeZone, WeChat resets at Beijing midnight); nil
// means now's location.
func NewDispatcher(outbox store.OutboxService, cache store.Cache, api Sender, cfg configs.Notices, loc *time.Location,
	replica string, log *slog.Logger, now func() time.Time) *Dispatcher {
	d := &Dispatcher{
		outbox: outbox, cache: cache, api: api, cfg: cfg, loc: loc, replica: replica,
		log: log.With(slog.String("component", "dispatcher"), slog.String("replica", replica)),
		now: now, wall: time.Now, parallel: cfg.Concurrency, flushEvery: cfg.FlushInterval,
	}
	if d.parallel < 1 {
		d.parallel = defaultParallel
	}
	if d.flushEvery <= 0 {
		d.flushEvery = defaultFlushInterval
	}
	d.batches, _ = outbox.(store.OutboxBatches)
	d.subs, _ = outbox.(store.SubscriptionService)
	d.pace = newPacer(cache, cfg.RatePerSecond, cfg.Batch, func() time.Time { return d.wall() }, d.log)
	return d
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

// Drain claims and delivers batches of due notices until nothing is due,
// sending is paused, or ctx ends, and returns the sums. The next batch is
// claimed while the last notices of the one before are being sent, so
// sends never wait for a claim (see run).
func (d *Dispatcher) Drain(ctx context.Context) (DrainStats, error) {
	return d.run(ctx, 0)
}

// DrainOnce claims one batch of due notices and delivers each. It claims
// nothing while sending is paused for the daily quota.
func (d *Dispatcher) DrainOnce(ctx context.Context) (DrainStats, error) {
	return d.run(ctx, 1)
}

// claimedNotice is a notice in a dispatcher's hands, with the wall-clock
// time its batch was claimed, from which its lease counts.
type claimedNotice struct {
	n         *store.Notice
	claimedAt time.Time
	// merged are the other notices to n's recipient in the same claim,
	// sent with n as one customer-service message (see work).
	merged []*store.Notice
}

// all is n and the notices merged with it.
func (c claimedNotice) all() []*store.Notice {
	return append([]*store.Notice{c.n}, c.merged...)
}

// byRecipient groups a claim's notices by recipient, in claim order: the
// first notice to a person leads, the others to them are merged with it.
func byRecipient(ns []*store.Notice, claimedAt time.Time) []claimedNotice {
	cs := make([]claimedNotice, 0, len(ns))
	lead := make(map[string]int, len(ns))
	for _, n := range ns {
		if i, ok := lead[n.OpenID]; ok {
			cs[i].merged = append(cs[i].merged, n)
			continue
		}
		lead[n.OpenID] = len(cs)
		cs = append(cs, claimedNotice{n: n, claimedAt: claimedAt})
	}
	return cs
}

// work attempts the delivery of a claimed notice and passes its outcome
// to the recorder, each attempt holding one of the unrecorded places.
// Notices to one person claimed together go as one customer-service
// message when that is the channel the first of them takes (the others'
// outcome is the same, their reason WhyMerged); otherwise each goes on its
// own, by its own channel.
func (d *Dispatcher) work(ctx context.Context, c claimedNotice, results chan<- attempted, unrecorded chan struct{}) {
	var (
		merged []*store.Notice
		now    = d.now()
	)
	for _, m := range c.merged {
		if limit, err := time.Parse(time.RFC3339, m.Fields[FieldNotAfter]); err == nil && now.After(limit) {
			results <- attempted{n: m, o: undeliverable("", ReasonTooLate)}
			continue
		}
		merged = append(merged, m)
	}
	text := c.n.Text
	if len(merged) > 0 {
		text = mergeTexts(append([]*store.Notice{c.n}, merged...))
	}
	o, ok := d.attemptPlaced(ctx, c.n, text, c.claimedAt, results, unrecorded)
	switch {
	case !ok && ctx.Err() != nil: // stopping: hand them back with their lead
		for _, m := range merged {
			results <- attempted{n: m, o: d.retryNow("released: dispatcher stopped")}
		}
		return
	case !ok || len(merged) == 0: // left alone with their lead (its lease is ending), or none
		return
	}
	if o.Channel == store.ChannelCustomer && o.Status != store.NoticeUndeliverable {
		for _, m := range merged {
			mo := o
			if mo.Status == store.NoticeSent {
				mo.Error = WhyMerged
			}
			results <- attempted{n: m, o: mo}
		}
		return
	}
	for _, m := range merged {
		d.attemptPlaced(ctx, m, m.Text, c.claimedAt, results, unrecorded)
	}
}

// attemptPlaced takes an unrecorded place, attempts n with text and passes
// the outcome on; when ctx has ended it hands n back instead. ok is false
// when n was left alone (its lease is nearly over) or handed back.
func (d *Dispatcher) attemptPlaced(ctx context.Context, n *store.Notice, text string, claimedAt time.Time,
	results chan<- attempted, unrecorded chan struct{}) (store.NoticeOutcome, bool) {
	placed := false
	select {
	case unrecorded <- struct{}{}:
		placed = true
	case <-ctx.Done():
	}
	if ctx.Err() != nil {
		// Shutting down: hand it back at once rather than leave it leased.
		if placed {
			<-unrecorded
		}
		results <- attempted{n: n, o: d.retryNow("released: dispatcher stopped")}
		return store.NoticeOutcome{}, false
	}
	o, ok := d.attempt(ctx, n, text, claimedAt)
	if !ok {
		<-unrecorded
		return o, false
	}
	results <- attempted{n: n, o: o, placed: true}
	return o, true
}

// attempted is the outcome of a notice, waiting to be recorded. placed
// tells whether it holds one of the unrecorded places (see run): every
// attempt does, a notice handed back unattempted does not.
type attempted struct {
	n      *store.Notice
	o      store.NoticeOutcome
	placed bool
}

// run drains the outbox through three stages: this goroutine claims
// batches (at most maxBatches, 0 for no limit) and queues their notices
// for parallel senders, which wait for the shared rate limit, call WeChat
// and pass the outcome to one recorder, which records the outcomes of many
// notices in one transaction (CompleteNotices) once it holds half a batch,
// or flushEvery after the oldest. The queue holds a batch: the next batch
// is claimed as soon as the one before is queued, so the senders never
// wait for a claim, and a dispatcher holds at most two batches besides
// the sends in flight (hence notices.lease >= 4 × batch / rate).
//
// An attempt whose outcome is not recorded yet holds one of cfg.Batch places:
// a dispatcher that dies unannounced (SIGKILL) leaves at most a batch of
// notices sent but still claimed, which are sent again once their lease
// runs out. Notices never sent are only claimed; they come back after the
// lease. When ctx ends, notices not yet sent are handed back at once
// (pending, due now) and every outcome is still recorded, under a fresh
// context bounded by flushTimeout.
func (d *Dispatcher) run(ctx context.Context, maxBatches int) (DrainStats, error) {
	var (
		stats    DrainStats
		mu       sync.Mutex // guards stats and firstErr
		firstErr error
	)
	fail := func(err error) {
		mu.Lock()
		defer mu.Unlock()
		if firstErr == nil {
			firstErr = err
		}
	}
	batch := max(d.cfg.Batch, 1)
	var (
		work       = make(chan claimedNotice, batch)
		results    = make(chan attempted, d.parallel)
		unrecorded = make(chan struct{}, batch)
		senders    sync.WaitGroup
		recorder   = make(chan struct{})
	)
	go func() {
		defer close(recorder)
		s, err := d.recordAll(ctx, results, unrecorded, max(batch/2, 1))
		mu.Lock()
		stats.add(s)
		mu.Unlock()
		if err != nil {
			fail(err)
		}
	}()
	for range d.parallel {
		senders.Go(func() {
			for c := range work {
				d.work(ctx, c, results, unrecorded)
			}
		})
	}

	claimed := 0
	var sweep sweep
	for batches := 0; (maxBatches == 0 || batches < maxBatches) && ctx.Err() == nil; batches++ {
		if until, paused := d.pausedUntil(ctx); paused {
			d.log.Debug("sending paused for the daily quota", slog.Time("until", until))
			break
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
		ns, err := d.claim(ctx, &sweep, at, batch)
		if err != nil {
			if ctx.Err() == nil {
				fail(fmt.Errorf("scheduler: claim notices: %w", err))
			}
			break
		}
		claimed += len(ns)
		cs := byRecipient(ns, claimedAt)
		for i, c := range cs {
			select {
			case work <- c:
				continue
			case <-ctx.Done():
			}
			for _, c := range cs[i:] { // stopped: hand the rest back
				for _, n := range c.all() {
					results <- attempted{n: n, o: d.retryNow("released: dispatcher stopped")}
				}
			}
			break
		}
		if len(ns) == 0 {
			break
		}
	}
	close(work)
	senders.Wait()
	close(results)
	<-recorder
	mu.Lock()
	defer mu.Unlock()
	stats.Claimed = claimed
	return stats, firstErr
}

// rescanEvery is how often a dispatcher's claims start again from the
// oldest notice rather than after the last one it claimed (see claim).
const rescanEvery = 10 * time.Second

// sweep is where a drain's claims have got to in the outbox: after the
// notice with id after, since the wall-clock time from.
type sweep struct {
	after int64
	from  time.Time
}

// claim claims up to limit due notices as of at. Where the outbox can
// (store.OutboxBatches), claims sweep it in id order: each goes on after
// the last notice the one before claimed, so that it does not read again
// every notice sent so far; when nothing is left after it, the sweep wraps
// around to the start, and it starts again from there every rescanEvery,
// for the older notices that became due meanwhile (retries).
func (d *Dispatcher) claim(ctx context.Context, sw *sweep, at time.Time, limit int) ([]*store.Notice, error) {
	if d.batches == nil {
		return d.outbox.ClaimNotices(ctx, d.replica, at, limit, d.cfg.Lease)
	}
	if d.wall().Sub(sw.from) >= rescanEvery {
		sw.after = 0
	}
	if sw.after == 0 {
		sw.from = d.wall()
	}
	ns, err := d.batches.ClaimNoticesAfter(ctx, d.replica, sw.after, at, limit, d.cfg.Lease)
	if err != nil {
		return nil, err
	}
	if len(ns) < limit && sw.after > 0 { // the end of the outbox: wrap around
		sw.after, sw.from = 0, d.wall()
		more, err := d.batches.ClaimNoticesAfter(ctx, d.replica, 0, at, limit-len(ns), d.cfg.Lease)
		if err != nil {
			// The first claim holds its notices: send them; the next
			// claim tries again.
			d.log.Warn("claim notices from the start", slog.Any("error", err))
			return ns, nil
		}
		ns = append(ns, more...)
		for _, n := range more {
			sw.after = max(sw.after, n.ID)
		}
		return ns, nil
	}
	for _, n := range ns {
		sw.after = max(sw.after, n.ID)
	}
	return ns, nil
}

// recordAll records the outcomes arriving on results until it is closed:
// in batches of size, or whatever it holds flushEvery after the first of
// them arrived, and what is left at the end. Each outcome of a send frees
// its place in unrecorded once recorded (or given up). A batch is recorded
// by a goroutine of its own, one at a time, while the next is gathered:
// the senders never wait for a write to end (an in-flight send slot left
// idle while a batch commits would slow a drain to below the API's pace).
func (d *Dispatcher) recordAll(ctx context.Context, results <-chan attempted, unrecorded <-chan struct{}, size int) (DrainStats, error) {
	var (
		stats    DrainStats
		firstErr error
		pending  []attempted
		timer    = time.NewTimer(d.flushEvery)
		timerOn  = true
		batches  = make(chan []attempted, 1)
		recorded = make(chan struct{})
	)
	defer timer.Stop()
	go func() {
		defer close(recorded)
		for as := range batches {
			s, err := d.flush(ctx, as)
			stats.add(s)
			if err != nil && firstErr == nil {
				firstErr = err
			}
			for _, a := range as {
				if a.placed {
					<-unrecorded
				}
			}
		}
	}()
	flush := func() {
		batches <- pending
		pending = make([]attempted, 0, size)
	}
	for {
		var tick <-chan time.Time
		if timerOn {
			tick = timer.C
		}
		select {
		case a, ok := <-results:
			if !ok {
				if len(pending) > 0 {
					flush()
				}
				close(batches)
				<-recorded
				return stats, firstErr
			}
			if len(pending) == 0 {
				timer.Reset(d.flushEvery)
				timerOn = true
			}
			pending = append(pending, a)
			if len(pending) >= size {
				flush()
				timerOn = false
			}
		case <-tick:
			timerOn = false
			if len(pending) > 0 {
				flush()
			}
		}
	}
}

// flush records the outcomes in one transaction (or one by one when the
// outbox cannot batch them) and counts what was recorded; a notice
// another replica took over is not an error. It runs even when ctx has
// ended, so that a stopping dispatcher still records what it did, and
// retries a failed write (a database restarting) for up to flushTimeout.
func (d *Dispatcher) flush(ctx context.Context, as []attempted) (DrainStats, error) {
	var stats DrainStats
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), flushTimeout)
	defer cancel()
	outs := make([]store.NoticeOutcomeFor, len(as))
	for i, a := range as {
		outs[i] = store.NoticeOutcomeFor{ID: a.n.ID, Outcome: a.o}
	}
	notHeld := map[int64]bool{}
	rest, wait := outs, 50*time.Millisecond
	for len(rest) > 0 {
		done, lost, err := d.record(ctx, rest)
		for _, id := range lost {
			notHeld[id] = true
		}
		rest = rest[done:]
		if err == nil {
			break
		}
		if store.ErrorCode(err) == store.EINVALID || sleep(ctx, wait) != nil {
			// Unrecorded: the notices stay claimed until their lease
			// runs out and are then tried again.
			return stats, fmt.Errorf("scheduler: record %d notice outcomes: %w", len(rest), err)
		}
		d.log.Warn("record notice outcomes; retrying", slog.Int("notices", len(rest)), slog.Any("error", err))
		wait = min(2*wait, time.Second)
	}
	for _, a := range as {
		n, o := a.n, a.o
		if notHeld[n.ID] {
			d.log.Warn("notice taken over by another replica", slog.Int64("notice", n.ID), slog.String("status", o.Status))
			continue
		}
		switch o.Status {
		case store.NoticeSent:
			stats.Sent++
		case store.NoticePending:
			stats.Retried++
		case store.NoticeFailed:
			stats.Failed++
		case store.NoticeUndeliverable:
			stats.Undeliverable++
		}
		level := slog.LevelDebug
		if o.Status != store.NoticeSent {
			level = slog.LevelInfo
		}
		d.log.Log(ctx, level, "notice attempt", slog.Int64("notice", n.ID), slog.String("kind", n.Kind),
			slog.String("status", o.Status), slog.String("channel", o.Channel), slog.String("error", o.Error))
	}
	return stats, nil
}

// record records outs in order, all at once when the outbox can, and
// returns how many it got through, the ids among them this replica no
// longer held (ECONFLICT, left unchanged), and the error that stopped it.
func (d *Dispatcher) record(ctx context.Context, outs []store.NoticeOutcomeFor) (int, []int64, error) {
	if d.batches != nil {
		lost, err := d.batches.CompleteNotices(ctx, d.replica, outs, d.now())
		if err != nil {
			return 0, nil, err
		}
		return len(outs), lost, nil
	}
	var lost []int64
	for i, o := range outs {
		err := d.outbox.CompleteNotice(ctx, o.ID, d.replica, o.Outcome, d.now())
		switch {
		case store.ErrorCode(err) == store.ECONFLICT:
			lost = append(lost, o.ID)
		case err != nil:
			return i, lost, fmt.Errorf("complete notice %d: %w", o.ID, err)
		}
	}
	return len(outs), lost, nil
}

// retryNow puts a notice back to pending, due at once, with why as its
// error: for notices a stopping dispatcher lets go.
func (d *Dispatcher) retryNow(why string) store.NoticeOutcome {
	return store.NoticeOutcome{Status: store.NoticePending, Error: why, NextAttemptAt: d.now()}
}

// attempt decides and performs the delivery of n. ok is false when the
// notice must be left alone: its lease is nearly over, so another replica
// may take it over and a send now could be a double send.
//
// text is the customer-service text to send: n's own, or that of the
// notices merged with it (mergeTexts).
func (d *Dispatcher) attempt(ctx context.Context, n *store.Notice, text string, claimedAt time.Time) (o store.NoticeOutcome, ok bool) {
	if until, paused := d.knownPause(); paused {
		return store.NoticeOutcome{Status: store.NoticePending, Error: "paused: daily quota (45009)", NextAttemptAt: until}, true
	}
	if d.leaseEnding(n, claimedAt) {
		return o, false
	}
	if n.Anonymised || !n.Following {
		return undeliverable("", ReasonUnfollowed), true
	}
	now := d.now()
	if limit, err := time.Parse(time.RFC3339, n.Fields[FieldNotAfter]); err == nil && now.After(limit) {
		return undeliverable("", ReasonTooLate), true
	}
	return d.deliver(ctx, n, text, claimedAt)
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

// errLeaseEnding stops a send whose notice's lease is nearly over.
var errLeaseEnding = errors.New("scheduler: lease nearly over")

// leaseEnding reports (and logs) whether the lease of n, claimed at
// claimedAt, is too near its end for a send: another replica may take
// the notice over when it ends, and a send now could be a double send.
func (d *Dispatcher) leaseEnding(n *store.Notice, claimedAt time.Time) bool {
	if d.wall().Sub(claimedAt) <= d.cfg.Lease*(100-leaseSafetyMargin)/100 {
		return false
	}
	d.log.Warn("lease nearly over; leaving the notice to the next claim", slog.Int64("notice", n.ID))
	return true
}

// send takes a slot of the shared rate limit, then calls WeChat, unless
// the wait brought n's lease near its end (errLeaseEnding): with many
// sends in flight and the rate shared by every replica, the wait can be
// long. The call must leave within its slot's second (wxapi.WithSendBy):
// one held up past it (a token refresh, a busy machine) is not made, and
// takes another slot.
func (d *Dispatcher) send(ctx context.Context, n *store.Notice, claimedAt time.Time, call func(context.Context) error) error {
	for {
		slot, err := d.pace.take(ctx)
		if err != nil {
			return err
		}
		if d.leaseEnding(n, claimedAt) {
			return errLeaseEnding
		}
		err = call(wxapi.WithSendBy(ctx, slot.by))
		if !errors.Is(err, wxapi.ErrLate) {
			return err
		}
		d.log.Debug("send slot over before the call left; taking another", slog.Int64("notice", n.ID))
	}
}

// pause stops every replica's sending until the next quota reset after now
// and returns that instant.
func (d *Dispatcher) pause(ctx context.Context, now time.Time) time.Time {
	until := nextReset(now, d.cfg.QuotaReset, d.loc)
	ttl := until.Sub(now) + time.Minute
	if err := d.cache.Set(context.WithoutCancel(ctx), QuotaPauseKey, until.UTC().Format(time.RFC3339Nano), ttl); err != nil {
		d.log.Error("record quota pause", slog.Any("error", err))
	}
	d.log.Warn("daily quota used up (45009); sending paused", slog.Time("until", until))
	d.notePause(until)
	return until
}

// notePause records until as the end of the quota pause this dispatcher
// knows of, unless it knows of a later one.
func (d *Dispatcher) notePause(until time.Time) {
	d.pauseMu.Lock()
	defer d.pauseMu.Unlock()
	if until.After(d.pausedTill) {
		d.pausedTill = until
	}
}

// knownPause reports whether sending is paused as of now by the last pause
// this dispatcher knows of (its own 45009, or the cache's as of its last
// claim), and until when. A pause another replica starts is known at the
// next claim; until then a send may still meet 45009, and pause in turn.
func (d *Dispatcher) knownPause() (time.Time, bool) {
	d.pauseMu.Lock()
	until := d.pausedTill
	d.pauseMu.Unlock()
	return until, d.now().Before(until)
}

// pausedUntil reports whether sending is paused as of now, and until when,
// as the cache says (and records it for knownPause).
func (d *Dispatcher) pausedUntil(ctx context.Context) (time.Time, bool) {
	until, ok, err := d.PausedUntil(ctx)
	if err != nil {
		d.log.Warn("read quota pause", slog.Any("error", err))
		return time.Time{}, false
	}
	d.notePause(until)
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

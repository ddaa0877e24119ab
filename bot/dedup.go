package bot

import (
	"context"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"sync"
	"time"

	"envoybot/store"
)

// Values of a dedup entry in the cache. While a message runs, its entry is
// "pending:" and the attempt's owner, held for a short lease that the owner
// renews; a retry that finds the entry gone (the owner died, its lease ran
// out) takes the message over. A message that is done keeps its reply for
// the dedup TTL; one whose reply went out late (as a customer-service
// message) keeps "late", so the user is not answered twice.
const (
	dedupPending = "pending:"
	dedupDone    = "done:"
	dedupLate    = "late"
)

// bookkeepingTimeout bounds recording a finished message.
const bookkeepingTimeout = 3 * time.Second

// pollInterval is how often a retry on another replica looks for the first
// attempt's reply.
const pollInterval = 20 * time.Millisecond

// attempt is the first attempt at a message on this replica.
type attempt struct {
	done       chan struct{}
	mu         sync.Mutex
	finished   bool
	late       bool // the HTTP answer went out without the reply
	fromRecord bool // answered from the durable record, not run
	takenOver  bool // taken from the inbox after its replica died
	sealed     bool // its reply is being committed as the record's
	reply      Reply
	// keep is the message's inbox write (inbox.go), nil for a takeover.
	keep *keeping
}

// dedupCacheKey is where a message's dedup entry lives in the cache.
func dedupCacheKey(key string) string { return "dedup:" + key }

// newOwner names one attempt at a message, unique across replicas and
// restarts, for the pending entry it holds.
func (c *Callback) newOwner() string {
	return c.id + "/" + strconv.FormatUint(c.attempts.Add(1), 10)
}

// process answers m once across retries, replicas and restarts. It returns
// the reply to send now (empty for "success") and the outcome for metrics;
// "replayed_nonce" when the request is a replay, to be rejected.
func (c *Callback) process(key string, m *Message, nonce, ts string, start time.Time) (Reply, string) {
	deadline := start.Add(c.cfg.ReplyDeadline)
	ctx, cancel := context.WithDeadline(WithMessageKey(context.Background(), key), deadline)
	defer cancel()

	// A retry reaching this replica while the first attempt runs (or ran,
	// lately) waits for it here, whatever state the shared cache is in.
	owner := c.newOwner()
	a := &attempt{done: make(chan struct{}), keep: c.keepLater(key, owner, m, start)}
	if v, loaded := c.inflight.LoadOrStore(key, a); loaded {
		a.keep.cancel()
		if c.replayed(nonce, ts, start) {
			return Reply{}, "replayed_nonce"
		}
		c.deps.Metrics.dedupHit()
		return v.(*attempt).wait(ctx)
	}
	got := c.admit(key, owner, m, nonce, ts, start)
	if got.Replayed || got.Limited {
		// Not this message's attempt after all: nothing ran.
		a.keep.cancel()
		a.settle(Reply{})
		c.inflight.Delete(key)
		if got.Replayed {
			return Reply{}, "replayed_nonce"
		}
		return c.limitedReply(ctx, m, got), "limited"
	}
	switch {
	case got.Existing != "":
		// Another attempt holds the message, or finished it.
		reply, took, running := c.await(ctx, key, owner, got.Existing)
		if !took {
			c.deps.Metrics.dedupHit()
			outcome := "dedup"
			if running && !a.keep.safe(keepGrace) {
				// The holder is alive, but the message is not safe to answer.
				outcome = "held"
			}
			a.keep.cancel()
			a.settle(reply)
			c.inflight.Delete(key)
			return reply, outcome
		}
		c.log.WarnContext(ctx, "dedup lease ran out: taking the message over", describe(m)...)
	}

	c.wg.Add(1)
	c.start(job{key: key, owner: owner, m: m, a: a})

	select {
	case <-a.done:
		return a.result()
	case <-ctx.Done():
		kept := a.keep.safe(keepGrace)
		a.mu.Lock()
		if a.sealed && !a.finished {
			// Its reply is being committed as the record's: it is the
			// answer, now or (should the commit outlast WeChat's patience)
			// to the retry, never "success" and a late copy besides.
			a.mu.Unlock()
			t := time.NewTimer(bookkeepingTimeout)
			defer t.Stop()
			select {
			case <-a.done:
				return a.result()
			case <-t.C:
				return Reply{}, "held"
			}
		}
		if !a.finished && !kept {
			a.mu.Unlock()
			c.log.WarnContext(ctx, "reply deadline passed and the message is not kept: no answer, for WeChat to deliver it again", describe(m)...)
			return Reply{}, "held"
		}
		if !a.finished {
			a.late = true
			a.mu.Unlock()
			c.log.WarnContext(ctx, "reply deadline passed; the reply will follow as a customer-service message", describe(m)...)
			return Reply{}, "late"
		}
		a.mu.Unlock()
		return a.result()
	}
}

// settle finishes an attempt that was answered from elsewhere (another
// replica, the durable record), releasing local retries waiting on it.
func (a *attempt) settle(reply Reply) {
	a.mu.Lock()
	a.finished, a.reply = true, reply
	a.mu.Unlock()
	close(a.done)
}

// wait returns the attempt's reply once it is done, or "success" (empty)
// when the reply went out late by customer service, or when ctx ends first
// and the message is kept; otherwise the outcome "held" (no answer).
func (a *attempt) wait(ctx context.Context) (Reply, string) {
	select {
	case <-a.done:
		if a.late {
			return Reply{}, "dedup"
		}
		// A retry gets what a retry answered from the record would: never
		// the secret the first answer carried.
		return Reply{Text: a.reply.stored()}, "dedup"
	case <-ctx.Done():
		if a.takenOver || a.keep.safe(keepGrace) {
			return Reply{}, "dedup"
		}
		return Reply{}, "held"
	}
}

// result is the finished attempt's reply and outcome.
func (a *attempt) result() (Reply, string) {
	switch {
	case a.fromRecord:
		return a.reply, "dedup"
	case a.reply.Text == "":
		return a.reply, "empty"
	}
	return a.reply, "replied"
}

// run handles m unless the durable record says it was processed, commits
// what the handler wrote together with the record of the message, and
// sends the reply as a customer-service message when the HTTP answer has
// already gone. It holds owner's lease on the message while it works.
func (c *Callback) run(key, owner string, m *Message, a *attempt) {
	defer c.wg.Done()
	ctx, cancel := context.WithTimeout(context.Background(), c.cfg.HandlerTimeout)
	defer cancel()
	ctx = WithMessageKey(ctx, key)
	stopRenewing := c.renew(key, owner)

	// A fresh claim may follow a restart, a lost cache, an expired entry or
	// another process's attempt: the durable record decides (and, should
	// another attempt record the message meanwhile, its first write).
	var (
		reply    Reply
		stored   string
		recorded bool
		ok       = true
		unit     store.MessageUnit
	)
	reply, stored, recorded = c.recorded(ctx, key)
	if recorded {
		c.deps.Metrics.dedupHit()
	} else {
		hctx := ctx
		if c.deps.Record != nil {
			hctx, unit = c.deps.Record.BeginMessage(ctx, store.ProcessedMessage{DedupKey: key, OpenID: m.OpenID, At: c.deps.Now()})
		}
		reply, ok = c.handle(hctx, m)
		if p := found(unit); p != nil {
			// Another attempt processed the message: its reply, not ours.
			unit.Rollback()
			reply, stored, recorded, ok = fromRecord(p), storedValue(p), true, true
			c.deps.Metrics.dedupHit()
		}
	}
	stopRenewing()

	// Bookkeeping gets its own time: the handler may have used all of its.
	bctx, cancelBook := context.WithTimeout(context.WithoutCancel(ctx), bookkeepingTimeout)
	defer cancelBook()
	wrote := false
	if unit != nil && !recorded {
		// What the handler wrote commits now, before anyone is answered,
		// and before waiting for an inbox write in flight: that write may
		// need the connection the transaction holds (SQLite's one writer,
		// the last free one of PostgreSQL's pool). Once the record is
		// committed, the inbox does not keep the message.
		wrote, reply, ok = c.commit(bctx, unit, m, a, reply, ok, !a.keep.stop())
	}
	unkept := a.keep.cancel()

	a.mu.Lock()
	a.finished, a.reply, a.fromRecord = true, reply, recorded
	late := a.late
	a.mu.Unlock()

	switch {
	case !ok:
		// A failed handler committed nothing to remember: free the message,
		// so that a retry runs it again rather than repeat the busy reply.
		if _, err := c.deps.Cache.DeleteIfEquals(bctx, dedupCacheKey(key), dedupPending+owner); err != nil {
			c.log.ErrorContext(ctx, "dedup cache unavailable", slog.Any("error", err))
		}
	case recorded:
		if err := c.deps.Cache.Set(bctx, dedupCacheKey(key), stored, c.cfg.DedupTTL); err != nil {
			c.log.ErrorContext(ctx, "dedup cache unavailable", slog.Any("error", err))
		}
		c.dropInbox(bctx, key)
	case wrote:
		// Recorded with its writes. The cache keeps the pending entry
		// until its lease runs out; a retry then finds the record.
	default:
		c.finish(bctx, key, m, reply, late, unkept)
	}
	close(a.done)
	c.forgetLater(key, a, ok)

	// A takeover that failed stays in the inbox for the next one: the
	// user is not told "busy" for every try.
	if late && !recorded && reply.Text != "" && (ok || !a.takenOver) {
		c.sendLate(key, m, reply)
	}
}

// forgetLater keeps a finished attempt where a retry reaching this replica
// finds it, for memoFor: WeChat's retries (three tries in about 15 s) get
// the first reply without a call to the cache or the database, whether or
// not the message was recorded. A failed attempt is forgotten at once, so
// that a retry runs it again. The kept attempts are dropped in the order
// they finished, as later ones finish (no timer per message).
func (c *Callback) forgetLater(key string, a *attempt, ok bool) {
	if !ok || c.cfg.DedupTTL <= 0 {
		c.inflight.CompareAndDelete(key, a)
		return
	}
	now := time.Now()
	ttl := min(c.cfg.DedupTTL, memoFor)
	c.memoMu.Lock()
	c.memo = append(c.memo, memoEntry{key: key, a: a, until: now.Add(ttl)})
	for c.memoHead < len(c.memo) && now.After(c.memo[c.memoHead].until) {
		e := &c.memo[c.memoHead]
		c.inflight.CompareAndDelete(e.key, e.a)
		*e = memoEntry{}
		c.memoHead++
	}
	if c.memoHead > len(c.memo)/2 {
		// Compacted once half is gone: amortised, a copy per entry.
		c.memo = append(c.memo[:0], c.memo[c.memoHead:]...)
		c.memoHead = 0
	}
	c.memoMu.Unlock()
}

// memoEntry is a finished attempt kept until until.
type memoEntry struct {
	key   string
	a     *attempt
	until time.Time
}

// memoFor bounds how long a replica remembers a finished message's reply
// in process.
const memoFor = 16 * time.Second

// Forget drops what this replica remembers in process of the message with
// dedup key key, as a restart would (a crash drill's hook).
func (c *Callback) Forget(key string) { c.inflight.Delete(key) }

// job is one attempt for a worker to run.
type job struct {
	key, owner string
	m          *Message
	a          *attempt
}

// workerIdle is how long a worker waits for its next job before it ends.
const workerIdle = 10 * time.Second

// start hands j to an idle worker, or starts a worker for it: handlers run
// on long-lived goroutines, whose stacks have grown to what the driver
// calls need, and never wait for one.
func (c *Callback) start(j job) {
	select {
	case c.work <- j:
	default:
		go c.worker(j)
	}
}

// worker runs j, then the jobs handed to it, until it has been idle for
// workerIdle.
func (c *Callback) worker(j job) {
	idle := time.NewTimer(workerIdle)
	defer idle.Stop()
	for {
		c.run(j.key, j.owner, j.m, j.a)
		idle.Reset(workerIdle)
		select {
		case j = <-c.work:
		case <-idle.C:
			return
		case <-c.quit:
			return
		}
	}
}

// found is the record of another attempt that unit's first write found.
func found(unit store.MessageUnit) *store.ProcessedMessage {
	if unit == nil {
		return nil
	}
	return unit.Found()
}

// commit commits the handler's writes with the message's record: the
// reply stored as a retry gets it ("late" when it went out as a
// customer-service message), or rolls them back when the handler failed.
// A failed commit turns the reply into the busy one: nothing was done.
func (c *Callback) commit(ctx context.Context, unit store.MessageUnit, m *Message, a *attempt, reply Reply, ok, kept bool) (bool, Reply, bool) {
	if !ok {
		unit.Rollback()
		return false, reply, ok
	}
	a.mu.Lock()
	late := a.late
	a.sealed = !late // from now on the reply is the answer, not "success"
	a.mu.Unlock()
	value := dedupDone + reply.stored() // a secret (the login link) is never stored
	if late {
		value = dedupLate
	}
	wrote, err := unit.Commit(ctx, value, kept)
	if err != nil {
		c.log.ErrorContext(ctx, "commit message", append(describe(m), slog.Any("error", err))...)
		if m.wantsNoReply() {
			return false, Reply{}, false
		}
		return false, Reply{Text: c.cfg.BusyText}, false
	}
	return wrote, reply, true
}

// finish remembers a message that ran and wrote nothing, when it must: a
// reply that went out late, or a message in the inbox, gets the durable
// record (and the cache's entry), so that a retry is not answered again
// and the inbox copy goes. An answer on time to a message that changed
// nothing costs nothing: a retry computes it again.
func (c *Callback) finish(ctx context.Context, key string, m *Message, reply Reply, late, unkept bool) {
	if !late && unkept {
		return
	}
	value := dedupDone + reply.stored()
	if late {
		value = dedupLate
	}
	if err := c.deps.Cache.Set(ctx, dedupCacheKey(key), value, c.cfg.DedupTTL); err != nil {
		c.log.ErrorContext(ctx, "dedup cache unavailable", slog.Any("error", err))
	}
	c.recordProcessed(ctx, key, m.OpenID, value)
}

// renew keeps owner's lease on the message alive until the returned
// function is called, with a timer (no goroutine waits for it: most
// messages are done before the first renewal). A renewal that finds the
// entry gone or taken over stops: another replica runs the message too,
// which the log says.
func (c *Callback) renew(key, owner string) (stop func()) {
	every := c.cfg.DedupLease / 3
	var (
		mu      sync.Mutex
		t       *time.Timer
		stopped bool
		warned  bool
	)
	tick := func() {
		ctx, cancel := context.WithTimeout(WithMessageKey(context.Background(), key), every)
		held, err := c.deps.Cache.ExpireIfEquals(ctx, dedupCacheKey(key), dedupPending+owner, c.cfg.DedupLease)
		cancel()
		mu.Lock()
		defer mu.Unlock()
		switch {
		case stopped:
			return
		case err != nil:
			if !warned {
				c.log.WarnContext(ctx, "dedup lease not renewed", slog.String("owner", owner), slog.Any("error", err))
				warned = true
			}
		case !held:
			c.log.WarnContext(ctx, "dedup lease lost: another attempt may run the message", slog.String("owner", owner))
			return
		}
		t.Reset(every)
	}
	mu.Lock()
	t = time.AfterFunc(every, tick)
	mu.Unlock()
	return func() {
		mu.Lock()
		stopped = true
		t.Stop()
		mu.Unlock()
	}
}

// handle runs the handler, turning an error or a panic into the busy reply
// and ok false.
func (c *Callback) handle(ctx context.Context, m *Message) (reply Reply, ok bool) {
	defer func() {
		if p := recover(); p != nil {
			c.log.ErrorContext(ctx, "handler panicked", append(describe(m), slog.String("panic", fmt.Sprint(p)))...)
			reply, ok = Reply{Text: c.cfg.BusyText}, false
			if m.wantsNoReply() {
				reply = Reply{}
			}
		}
	}()
	reply, err := c.handler.HandleMessage(ctx, m)
	if err != nil {
		c.log.ErrorContext(ctx, "handler failed", append(describe(m), slog.Any("error", err))...)
		if m.wantsNoReply() {
			return Reply{}, false
		}
		return Reply{Text: c.cfg.BusyText}, false
	}
	return reply, true
}

// sendLate delivers a reply that missed the deadline.
func (c *Callback) sendLate(key string, m *Message, reply Reply) {
	ctx, cancel := context.WithTimeout(WithMessageKey(context.Background(), key), c.cfg.HandlerTimeout)
	defer cancel()
	if c.deps.Sender == nil {
		c.deps.Metrics.lateReply("no_sender")
		c.log.ErrorContext(ctx, "late reply dropped: no WeChat API client", describe(m)...)
		return
	}
	if err := c.deps.Sender.SendText(ctx, m.OpenID, reply.Text); err != nil {
		c.deps.Metrics.lateReply("failed")
		c.log.ErrorContext(ctx, "late reply not delivered", append(describe(m), slog.Any("error", err))...)
		return
	}
	c.deps.Metrics.lateReply("sent")
}

// await waits for the attempt at key that holds it elsewhere (another
// replica, or one that died), until ctx's deadline, by polling the cache.
// When the entry is gone — the holder's lease ran out, or a finished
// reply expired — it claims the message for owner and reports took; run
// then consults the durable record before handling it. running reports
// that ctx ended with the holder still at work.
func (c *Callback) await(ctx context.Context, key, owner, first string) (reply Reply, took, running bool) {
	t := time.NewTicker(pollInterval)
	defer t.Stop()
	v, ok, err := first, true, error(nil)
	for {
		switch {
		case err == nil && ok && strings.HasPrefix(v, dedupDone):
			return Reply{Text: strings.TrimPrefix(v, dedupDone)}, false, false
		case err == nil && ok && v == dedupLate:
			return Reply{}, false, false
		case err == nil && !ok:
			claimed, err := c.deps.Cache.SetNX(ctx, dedupCacheKey(key), dedupPending+owner, c.cfg.DedupLease)
			if err == nil && claimed {
				return Reply{}, true, false
			}
		}
		select {
		case <-t.C:
		case <-ctx.Done():
			// The holder is alive (its lease is renewed): its reply follows
			// as a customer-service message, once the message is kept.
			return Reply{}, false, true
		}
		v, ok, err = c.deps.Cache.Get(ctx, dedupCacheKey(key))
	}
}

// recorded looks a message up in the durable record: the reply to give and
// the stored value for the cache. A failed lookup counts as not recorded:
// the handler then runs, and fails too if the database is down.
func (c *Callback) recorded(ctx context.Context, key string) (reply Reply, stored string, found bool) {
	if c.deps.Record == nil {
		return Reply{}, "", false
	}
	p, err := c.deps.Record.FindProcessed(ctx, key)
	if err != nil {
		if store.ErrorCode(err) != store.ENOTFOUND {
			c.log.ErrorContext(ctx, "find processed message", slog.Any("error", err))
		}
		return Reply{}, "", false
	}
	return fromRecord(p), storedValue(p), true
}

// storedValue is the cache's entry for a recorded message: its reply, or
// "late" when it went out late or was pruned (only the fact is kept).
func storedValue(p *store.ProcessedMessage) string {
	if strings.HasPrefix(p.Reply, dedupDone) {
		return p.Reply
	}
	return dedupLate
}

// fromRecord is the reply a retry of a recorded message gets: the stored
// one, nothing when it went out late (or was pruned).
func fromRecord(p *store.ProcessedMessage) Reply {
	if strings.HasPrefix(p.Reply, dedupDone) {
		return Reply{Text: strings.TrimPrefix(p.Reply, dedupDone)}
	}
	return Reply{}
}

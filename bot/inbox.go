package bot

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"envoybot/store"
)

// The inbox (store.MessageInbox) is what makes "success" safe. WeChat
// delivers a message again only while it gets no answer; once the callback
// answers "success" at the reply deadline, the message lives only in the
// replica running its handler, and dies with it. So a message whose
// handler is still running halfway to the deadline is written to the inbox
// (most messages are done long before and never are), and "success" goes
// out only once that write is done. Should it not be done by the deadline
// (the database is stalled too), the callback does not answer at all,
// which WeChat answers with a retry. A kept message leaves the inbox when
// its processing is recorded; one whose replica died is taken over by
// another replica's inbox loop when its lease runs out, run, and its reply
// sent as a customer-service message.

// keepGrace is how long past the reply deadline the answer may wait for
// the inbox write: WeChat gives up at 5 s, the deadline is 4.5 s.
const keepGrace = 300 * time.Millisecond

// holdFor bounds how long an unanswered request waits for WeChat to hang
// up before the connection is dropped.
const holdFor = 10 * time.Second

// Inbox loop: how often a replica looks for messages whose replica died,
// how many it takes at once, and how many takeovers a message gets before
// it is left for an operator (and the retention prune).
const (
	inboxEvery       = 2 * time.Second
	inboxBatch       = 20
	inboxMaxAttempts = 5
)

// keeping is the inbox write of one message: done closes when it has been
// tried (or will not be), and ok then tells whether the message is kept.
type keeping struct {
	done  chan struct{}
	ok    bool
	timer *time.Timer
}

// stop stops a write that has not begun (the message finished first),
// without waiting for one in flight, and reports whether the message is
// surely not in the inbox.
func (k *keeping) stop() (unwritten bool) {
	if k == nil {
		return false // a takeover: the message is in the inbox
	}
	if k.timer == nil {
		return true // no inbox
	}
	if k.timer.Stop() {
		close(k.done)
		return true
	}
	return false
}

// cancel is stop, then waits for a write in flight, and reports whether
// the message was never written to the inbox.
func (k *keeping) cancel() (unwritten bool) {
	if k.stop() {
		return true
	}
	if k == nil {
		return false
	}
	<-k.done
	return !k.ok
}

// safe reports whether the message is kept, waiting up to grace for a
// write in flight.
func (k *keeping) safe(grace time.Duration) bool {
	if k == nil {
		return false
	}
	t := time.NewTimer(grace)
	defer t.Stop()
	select {
	case <-k.done:
		return k.ok
	case <-t.C:
		return false
	}
}

// inboxLease is how long a kept message belongs to the replica that kept
// it: its handler (HandlerTimeout) and bookkeeping are over by then, so a
// message still in the inbox after it lost its replica.
func (c *Callback) inboxLease() time.Duration {
	return c.cfg.ReplyDeadline + c.cfg.HandlerTimeout + bookkeepingTimeout + 2*time.Second
}

// keepLater writes m to the inbox halfway to the reply deadline, unless
// cancelled first. Without an inbox every message counts as kept: the
// callback then answers "success" at the deadline as it always did.
func (c *Callback) keepLater(key, owner string, m *Message, start time.Time) *keeping {
	k := &keeping{done: make(chan struct{})}
	if c.deps.Inbox == nil {
		k.ok = true
		close(k.done)
		return k
	}
	k.timer = time.AfterFunc(time.Until(start.Add(c.cfg.ReplyDeadline/2)), func() {
		defer close(k.done)
		ctx, cancel := context.WithTimeout(WithMessageKey(context.Background(), key), c.cfg.ReplyDeadline)
		defer cancel()
		body, err := json.Marshal(m)
		if err != nil {
			c.log.ErrorContext(ctx, "inbox: encode message", append(describe(m), slog.Any("error", err))...)
			return
		}
		now := c.deps.Now()
		err = c.deps.Inbox.KeepInbox(ctx, store.InboxMessage{DedupKey: key, OpenID: m.OpenID, Body: string(body),
			Owner: owner, ReceivedAt: now, LeaseUntil: now.Add(c.inboxLease())})
		if err != nil {
			c.log.ErrorContext(ctx, "inbox: message not kept; it will go unanswered for WeChat to retry", append(describe(m), slog.Any("error", err))...)
			return
		}
		k.ok = true
	})
	return k
}

// hold answers nothing, so that WeChat delivers the message again: it
// waits for WeChat to hang up (5 s), then drops the connection without a
// response, since even an empty 200 would count as an answer.
func (c *Callback) hold(r *http.Request) {
	t := time.NewTimer(holdFor)
	defer t.Stop()
	select {
	case <-r.Context().Done():
	case <-t.C:
	}
	panic(http.ErrAbortHandler)
}

// RunInbox takes over, every few seconds until ctx ends, the kept messages
// whose replica died before processing them. Without an inbox it returns
// at once.
func (c *Callback) RunInbox(ctx context.Context) {
	if c.deps.Inbox == nil {
		return
	}
	t := time.NewTicker(inboxEvery)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		c.TakeOverInbox(ctx)
	}
}

// TakeOverInbox takes kept messages whose lease ran out and runs them as
// late messages (the reply goes out as a customer-service message); it
// returns how many it started.
func (c *Callback) TakeOverInbox(ctx context.Context) int {
	now := c.deps.Now()
	taken, err := c.deps.Inbox.TakeInbox(ctx, c.id+"/inbox", now, now.Add(c.inboxLease()), inboxBatch, inboxMaxAttempts)
	if err != nil {
		if ctx.Err() == nil {
			c.log.ErrorContext(ctx, "inbox: take over", slog.Any("error", err))
		}
		return 0
	}
	started := 0
	for _, im := range taken {
		if c.takeOver(ctx, im) {
			started++
		}
	}
	return started
}

// takeOver runs one kept message unless it is running or done elsewhere.
func (c *Callback) takeOver(ctx context.Context, im store.InboxMessage) bool {
	ctx = WithMessageKey(ctx, im.DedupKey)
	var m Message
	if err := json.Unmarshal([]byte(im.Body), &m); err != nil {
		c.log.ErrorContext(ctx, "inbox: undecodable message dropped", slog.String("key", im.DedupKey), slog.Any("error", err))
		c.dropInbox(ctx, im.DedupKey)
		return false
	}
	log := append(describe(&m), slog.Int("takeover", im.Attempts))
	if im.Attempts >= inboxMaxAttempts {
		c.log.ErrorContext(ctx, "inbox: last takeover of a message that keeps failing", log...)
	}
	a := &attempt{done: make(chan struct{}), late: true, takenOver: true}
	if _, loaded := c.inflight.LoadOrStore(im.DedupKey, a); loaded {
		return false // running on this replica
	}
	owner := c.newOwner()
	claimed, err := c.deps.Cache.SetNX(ctx, dedupCacheKey(im.DedupKey), dedupPending+owner, c.cfg.DedupLease)
	if err == nil && !claimed {
		v, ok, err := c.deps.Cache.Get(ctx, dedupCacheKey(im.DedupKey))
		switch {
		case err == nil && ok && (strings.HasPrefix(v, dedupDone) || v == dedupLate):
			// Done, but its record was not written: write it now.
			c.recordProcessed(ctx, im.DedupKey, m.OpenID, v)
		case err == nil && !ok:
			claimed = true // the entry expired between the two calls
		}
	}
	if !claimed && err == nil {
		c.inflight.Delete(im.DedupKey)
		return false
	}
	c.log.WarnContext(ctx, "inbox: taking over a message its replica did not finish", log...)
	c.wg.Add(1)
	c.start(job{key: im.DedupKey, owner: owner, m: &m, a: a})
	return true
}

// dropInbox forgets a kept message, logging a failure (the retention
// prune removes it later).
func (c *Callback) dropInbox(ctx context.Context, key string) {
	if c.deps.Inbox == nil {
		return
	}
	if err := c.deps.Inbox.DropInbox(ctx, key); err != nil {
		c.log.ErrorContext(ctx, "inbox: drop", slog.String("key", key), slog.Any("error", err))
	}
}

// recordProcessed writes the durable record of a processed message (which
// also drops it from the inbox, even when the record was already there).
func (c *Callback) recordProcessed(ctx context.Context, key, openID, value string) {
	if c.deps.Record == nil {
		return
	}
	err := c.deps.Record.RecordProcessed(ctx, store.ProcessedMessage{DedupKey: key, OpenID: openID, Reply: value, At: c.deps.Now()})
	if err != nil && store.ErrorCode(err) != store.ECONFLICT {
		c.log.ErrorContext(ctx, "record processed message", slog.Any("error", err))
	}
}

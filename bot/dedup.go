package bot

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	"envoybot/store"
)

// Values of a dedup entry in the cache. A retry of a message that is done
// gets the same reply; one whose reply went out late (as a customer-service
// message) gets "success", so the user is not answered twice.
const (
	dedupPending = "pending"
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
	done     chan struct{}
	mu       sync.Mutex
	finished bool
	late     bool // the HTTP answer went out without the reply
	reply    Reply
}

// process answers m once across retries and replicas. It returns the reply
// to send now (empty for "success") and the outcome for metrics.
func (c *Callback) process(key string, m *Message, start time.Time) (Reply, string) {
	deadline := start.Add(c.cfg.ReplyDeadline)
	ctx, cancel := context.WithDeadline(context.Background(), deadline)
	defer cancel()

	// A retry reaching this replica while the first attempt runs waits for
	// it here, whatever state the shared cache is in.
	a := &attempt{done: make(chan struct{})}
	if v, loaded := c.inflight.LoadOrStore(key, a); loaded {
		c.deps.Metrics.dedupHit()
		return v.(*attempt).wait(ctx), "dedup"
	}
	claimed, err := c.deps.Cache.SetNX(ctx, "dedup:"+key, dedupPending, c.cfg.DedupTTL)
	if err != nil {
		// Fail open on the cache, closed on what else we know: the attempt
		// in flight here (above) and the durable record of processed
		// messages.
		c.log.Error("dedup cache unavailable", slog.Any("error", err))
		if reply, ok := c.recorded(ctx, key); ok {
			a.settle(reply)
			c.inflight.Delete(key)
			c.deps.Metrics.dedupHit()
			return reply, "dedup"
		}
		claimed = true
	}
	if !claimed {
		c.deps.Metrics.dedupHit()
		reply, _ := c.await(ctx, key)
		a.settle(reply)
		c.inflight.Delete(key)
		return reply, "dedup"
	}

	c.wg.Add(1)
	go c.run(key, m, a)

	select {
	case <-a.done:
		return a.result()
	case <-ctx.Done():
		a.mu.Lock()
		if !a.finished {
			a.late = true
			a.mu.Unlock()
			c.log.Warn("reply deadline passed; the reply will follow as a customer-service message", describe(m)...)
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
// when ctx ends first or the reply went out late by customer service.
func (a *attempt) wait(ctx context.Context) Reply {
	select {
	case <-a.done:
		if a.late {
			return Reply{}
		}
		return a.reply
	case <-ctx.Done():
		return Reply{}
	}
}

// result is the finished attempt's reply and outcome.
func (a *attempt) result() (Reply, string) {
	if a.reply.Text == "" {
		return a.reply, "empty"
	}
	return a.reply, "replied"
}

// run handles m, records it, and sends the reply as a customer-service
// message when the HTTP answer has already gone.
func (c *Callback) run(key string, m *Message, a *attempt) {
	defer c.wg.Done()
	ctx, cancel := context.WithTimeout(context.Background(), c.cfg.HandlerTimeout)
	defer cancel()

	reply := c.handle(ctx, m)

	a.mu.Lock()
	a.finished, a.reply = true, reply
	late := a.late
	a.mu.Unlock()

	// Bookkeeping gets its own time: the handler may have used all of its.
	ctx, cancelBook := context.WithTimeout(context.WithoutCancel(ctx), bookkeepingTimeout)
	defer cancelBook()

	value := dedupDone + reply.stored()
	if late {
		value = dedupLate
	}
	if err := c.deps.Cache.Set(ctx, "dedup:"+key, value, c.cfg.DedupTTL); err != nil {
		c.log.Error("dedup cache unavailable", slog.Any("error", err))
	}
	if c.deps.Record != nil {
		err := c.deps.Record.RecordProcessed(ctx, store.ProcessedMessage{DedupKey: key, OpenID: m.OpenID, Reply: value, At: c.deps.Now()})
		if err != nil && store.ErrorCode(err) != store.ECONFLICT {
			c.log.Error("record processed message", slog.Any("error", err))
		}
	}
	close(a.done)
	c.inflight.Delete(key)

	if late && reply.Text != "" {
		c.sendLate(m, reply)
	}
}

// handle runs the handler, turning an error or a panic into the busy reply.
func (c *Callback) handle(ctx context.Context, m *Message) (reply Reply) {
	defer func() {
		if p := recover(); p != nil {
			c.log.Error("handler panicked", append(describe(m), slog.String("panic", fmt.Sprint(p)))...)
			reply = Reply{Text: c.cfg.BusyText}
			if m.wantsNoReply() {
				reply = Reply{}
			}
		}
	}()
	reply, err := c.handler.HandleMessage(ctx, m)
	if err != nil {
		c.log.Error("handler failed", append(describe(m), slog.Any("error", err))...)
		if m.wantsNoReply() {
			return Reply{}
		}
		return Reply{Text: c.cfg.BusyText}
	}
	return reply
}

// sendLate delivers a reply that missed the deadline.
func (c *Callback) sendLate(m *Message, reply Reply) {
	if c.deps.Sender == nil {
		c.deps.Metrics.lateReply("no_sender")
		c.log.Error("late reply dropped: no WeChat API client", describe(m)...)
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), c.cfg.HandlerTimeout)
	defer cancel()
	if err := c.deps.Sender.SendText(ctx, m.OpenID, reply.Text); err != nil {
		c.deps.Metrics.lateReply("failed")
		c.log.Error("late reply not delivered", append(describe(m), slog.Any("error", err))...)
		return
	}
	c.deps.Metrics.lateReply("sent")
}

// await waits for the first attempt, running on another replica, until
// ctx's deadline by polling the cache.
func (c *Callback) await(ctx context.Context, key string) (Reply, bool) {
	t := time.NewTicker(pollInterval)
	defer t.Stop()
	for {
		v, ok, err := c.deps.Cache.Get(ctx, "dedup:"+key)
		switch {
		case err == nil && ok && strings.HasPrefix(v, dedupDone):
			return Reply{Text: strings.TrimPrefix(v, dedupDone)}, true
		case err == nil && ok && v == dedupLate:
			return Reply{}, true
		case err == nil && !ok:
			// Expired between SetNX and now: the first attempt is long done.
			reply, found := c.recorded(ctx, key)
			return reply, found
		}
		select {
		case <-t.C:
		case <-ctx.Done():
			return Reply{}, false
		}
	}
}

// recorded looks a message up in the durable record.
func (c *Callback) recorded(ctx context.Context, key string) (Reply, bool) {
	if c.deps.Record == nil {
		return Reply{}, false
	}
	p, err := c.deps.Record.FindProcessed(ctx, key)
	if err != nil {
		if store.ErrorCode(err) != store.ENOTFOUND {
			c.log.Error("find processed message", slog.Any("error", err))
		}
		return Reply{}, false
	}
	if strings.HasPrefix(p.Reply, dedupDone) {
		return Reply{Text: strings.TrimPrefix(p.Reply, dedupDone)}, true
	}
	return Reply{}, true
}

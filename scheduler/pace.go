package scheduler

import (
	"context"
	"log/slog"
	"strconv"
	"sync"
	"time"

	"envoybot/store"
)

// sendWindow is the part of each second in which the sends counted in that
// second may leave. A send that leaves later could arrive at WeChat in the
// next second, beside that second's own RatePerSecond; the rest of the
// second is the margin for the way there (a busy machine, a slow network).
const sendWindow = 800 * time.Millisecond

// slotsPerCall is the share of a second's slots a pacer takes in one call
// to the shared counter, as a divisor of RatePerSecond: a twentieth, at
// least one and at most a batch. At 20 a second (WeChat's usual limit) it
// is one slot a call, as many calls as sends; at 100,000 a second it is a
// batch a call. A replica loses at most the slots of one call at the end
// of each second's window.
const slotsPerCall = 20

// sendSlot is a send's share of the account's rate: the send may leave
// from at and must leave before by, the end of its second's window
// (wxapi.WithSendBy), or not at all.
type sendSlot struct {
	at, by time.Time
}

// pacer hands out send slots of the shared per-second rate: the counter
// for each second lives in the shared cache under RateLimitKeyPrefix and
// the Unix second, so that replicas share the limit. The slots of a second
// are spread evenly over its window, in the order the counter gave them
// out, so that sends are not bunched at the start of the second. A pacer
// takes several slots in one call (see slotsPerCall) and hands them to its
// senders one by one; the first sender to find none takes the next ones
// while the others wait for it.
type pacer struct {
	cache store.Cache
	rate  int64
	chunk int64
	wall  func() time.Time
	log   *slog.Logger

	mu        sync.Mutex
	slots     []sendSlot    // oldest first
	refilling chan struct{} // closed when the refill under way is over
	localNext time.Time     // the next slot when the cache cannot count
}

func newPacer(cache store.Cache, rate, batch int, wall func() time.Time, log *slog.Logger) *pacer {
	r := int64(max(rate, 1))
	return &pacer{cache: cache, rate: r, chunk: min(max(r/slotsPerCall, 1), int64(max(batch, 1))), wall: wall, log: log}
}

// take returns the next send slot, once its time has come. It waits for
// the next second's window when this one's slots are all given out.
func (p *pacer) take(ctx context.Context) (sendSlot, error) {
	for {
		p.mu.Lock()
		now := p.wall()
		for len(p.slots) > 0 && !now.Before(p.slots[0].by) {
			p.slots = p.slots[1:] // its window ended unused
		}
		if len(p.slots) > 0 {
			s := p.slots[0]
			p.slots = p.slots[1:]
			p.mu.Unlock()
			return s, sleep(ctx, s.at.Sub(now))
		}
		if wait := p.refilling; wait != nil {
			p.mu.Unlock()
			select {
			case <-wait:
				continue
			case <-ctx.Done():
				return sendSlot{}, ctx.Err()
			}
		}
		done := make(chan struct{})
		p.refilling = done
		p.mu.Unlock()

		slots, next := p.fetch(ctx)
		p.mu.Lock()
		p.slots = append(p.slots, slots...)
		p.refilling = nil
		close(done)
		p.mu.Unlock()
		if len(slots) == 0 {
			if err := sleep(ctx, next); err != nil {
				return sendSlot{}, err
			}
		} else if ctx.Err() != nil {
			return sendSlot{}, ctx.Err()
		}
	}
}

// fetch takes up to p.chunk slots of the current second from the shared
// counter. In the last part of a second, after its window, a send could
// arrive in this second or in the next: such a slot is counted in both
// seconds' counters and may leave at once, so that sending does not stop
// for the margin while the rate has room (when a second's slots are used
// up, the tail waits for the next second). With no slot left it returns
// none and how long to wait. Without the cache it paces this replica alone
// rather than stop sending.
func (p *pacer) fetch(ctx context.Context) ([]sendSlot, time.Duration) {
	now := p.wall()
	sec := time.Unix(now.Unix(), 0)
	end, next := sec.Add(sendWindow), sec.Add(time.Second)
	count := func(second time.Time) (int64, error) {
		return p.cache.IncrBy(ctx, RateLimitKeyPrefix+strconv.FormatInt(second.Unix(), 10), p.chunk, 2*time.Second)
	}
	// free is how many of the chunk just counted at v are within the rate,
	// and the index of the first.
	free := func(v int64) (int64, int64) {
		first := v - p.chunk
		return max(min(v, p.rate)-first, 0), first
	}
	var slots []sendSlot
	if now.Before(end) {
		v, err := count(sec)
		if err != nil {
			return p.local(ctx, now, err)
		}
		k, first := free(v)
		for i := first; i < first+k; i++ { // slot i of the second, from 0
			slots = append(slots, sendSlot{at: sec.Add(time.Duration(i) * sendWindow / time.Duration(p.rate)), by: end})
		}
	} else {
		v1, err := count(next)
		if err != nil {
			return p.local(ctx, now, err)
		}
		v0, err := count(sec)
		if err != nil {
			return p.local(ctx, now, err)
		}
		k1, _ := free(v1)
		k0, _ := free(v0)
		for range min(k0, k1) {
			slots = append(slots, sendSlot{at: now, by: next.Add(sendWindow)})
		}
	}
	if len(slots) == 0 {
		return nil, next.Sub(p.wall())
	}
	return slots, 0
}

// local is one slot paced by this replica alone, when the shared counter
// failed with err.
func (p *pacer) local(ctx context.Context, now time.Time, err error) ([]sendSlot, time.Duration) {
	if ctx.Err() != nil {
		return nil, 0
	}
	p.log.Warn("rate limit counter unavailable; pacing locally", slog.Any("error", err))
	at := now
	if p.localNext.After(at) {
		at = p.localNext
	}
	p.localNext = at.Add(time.Second / time.Duration(p.rate))
	return []sendSlot{{at: at, by: at.Add(sendWindow)}}, 0
}

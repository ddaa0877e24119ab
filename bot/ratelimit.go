package bot

import (
	"context"
	"log/slog"
	"strconv"
	"time"
)

// FollowerLimit caps the messages one follower may send: at most
// PerMinute in a clock minute and at most Burst in any BurstWindow slot,
// counted in the shared cache so that every replica applies the same
// limit. PerMinute 0 turns it off.
type FollowerLimit struct {
	PerMinute   int
	Burst       int
	BurstWindow time.Duration
	// Text is the one reply a follower gets when first over the limit in
	// a minute; the rest of the minute gets "success".
	Text string
}

// limitBudget bounds the limit's cache calls, so that a slow cache cannot
// eat the reply deadline.
const limitBudget = 300 * time.Millisecond

// overLimit reports whether m is over its sender's limit and, if so, the
// reply it gets: the polite text the first time in the minute, "success"
// (empty) after that. It runs after the signature check and before any
// handler. Events are never limited (an unfollow, a scan or an automatic
// location report must always get through); a retry of a message this
// replica is still handling is not counted twice. Should the cache fail,
// the message goes through.
func (c *Callback) overLimit(key string, m *Message, start time.Time) (Reply, bool) {
	l := c.cfg.Limit
	if l.PerMinute <= 0 || m.Kind == KindEvent {
		return Reply{}, false
	}
	if _, retry := c.inflight.Load(key); retry {
		return Reply{}, false
	}
	ctx, cancel := context.WithDeadline(context.Background(), start.Add(limitBudget))
	defer cancel()

	now := c.deps.Now()
	window := l.BurstWindow
	if window <= 0 {
		window = 10 * time.Second
	}
	prefix := "limit:" + m.OpenID + ":"
	minute, err := c.deps.Cache.Incr(ctx, prefix+"m:"+strconv.FormatInt(now.Unix()/60, 10), time.Minute+window)
	if err != nil {
		c.log.Error("follower limit counter unavailable; message let through", slog.Any("error", err))
		return Reply{}, false
	}
	burst, err := c.deps.Cache.Incr(ctx, prefix+"b:"+strconv.FormatInt(now.UnixNano()/int64(window), 10), 2*window)
	if err != nil {
		c.log.Error("follower limit counter unavailable; message let through", slog.Any("error", err))
		return Reply{}, false
	}
	if minute <= int64(l.PerMinute) && burst <= int64(l.Burst) {
		return Reply{}, false
	}
	told, err := c.deps.Cache.SetNX(ctx, prefix+"told", "1", time.Minute)
	if err != nil || !told {
		// Told already (or cannot tell whether): "success", so that WeChat
		// does not retry and the follower is not answered again.
		return Reply{}, true
	}
	c.log.Warn("follower over the message limit; told once, the rest of the minute is not handled",
		slog.String("openid", m.OpenID), slog.Int64("minute_count", minute), slog.Int64("burst_count", burst))
	return Reply{Text: l.Text}, true
}

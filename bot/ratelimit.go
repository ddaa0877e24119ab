package bot

import (
	"context"
	"log/slog"
	"strconv"
	"time"

	"envoybot/store"
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

// limitFor is the admission's limit for m (nil when m is not limited):
// events are never limited (an unfollow, a scan or an automatic location
// report must always get through), nor is anything when PerMinute is 0.
func (c *Callback) limitFor(m *Message, now time.Time) *store.AdmissionLimit {
	l := c.cfg.Limit
	if l.PerMinute <= 0 || m.Kind == KindEvent {
		return nil
	}
	window := l.BurstWindow
	if window <= 0 {
		window = 10 * time.Second
	}
	prefix := "limit:" + m.OpenID + ":"
	return &store.AdmissionLimit{
		MinuteKey: prefix + "m:" + strconv.FormatInt(now.Unix()/60, 10), MinuteTTL: time.Minute + window,
		PerMinute: int64(l.PerMinute),
		BurstKey:  prefix + "b:" + strconv.FormatInt(now.UnixNano()/int64(window), 10), BurstTTL: 2 * window,
		Burst:   int64(l.Burst),
		ToldKey: prefix + "told", ToldTTL: time.Minute,
	}
}

// limitedReply is the answer to a message over its sender's limit: the
// polite text the first time in the minute, "success" (empty) after that,
// so that WeChat does not retry and the follower is not answered again.
func (c *Callback) limitedReply(ctx context.Context, m *Message, got store.Admitted) Reply {
	if !got.Told {
		return Reply{}
	}
	c.log.WarnContext(ctx, "follower over the message limit; told once, the rest of the minute is not handled",
		slog.String("openid", m.OpenID), slog.Int64("minute_count", got.Minute), slog.Int64("burst_count", got.Burst))
	return Reply{Text: c.cfg.Limit.Text}
}

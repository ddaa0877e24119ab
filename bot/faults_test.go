package bot_test

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"envoybot/bot"
	"envoybot/bot/wxsign"
	"envoybot/store"
)

// brokenCache fails every call, as a Redis that is down does.
type brokenCache struct{}

var errDown = errors.New("cache down")

func (brokenCache) SetNX(context.Context, string, string, time.Duration) (bool, error) {
	return false, errDown
}
func (brokenCache) Get(context.Context, string) (string, bool, error)        { return "", false, errDown }
func (brokenCache) Set(context.Context, string, string, time.Duration) error { return errDown }
func (brokenCache) Delete(context.Context, string) error                     { return errDown }
func (brokenCache) DeleteIfEquals(context.Context, string, string) (bool, error) {
	return false, errDown
}
func (brokenCache) ExpireIfEquals(context.Context, string, string, time.Duration) (bool, error) {
	return false, errDown
}
func (brokenCache) Ping(context.Context) error { return errDown }
func (brokenCache) Incr(context.Context, string, time.Duration) (int64, error) {
	return 0, errDown
}
func (brokenCache) IncrBy(context.Context, string, int64, time.Duration) (int64, error) {
	return 0, errDown
}
func (brokenCache) Close() error { return nil }
func (brokenCache) Admit(context.Context, store.Admission) (store.Admitted, error) {
	return store.Admitted{}, errDown
}

// hungCache never answers before the caller's deadline, as a Redis that
// hangs does (with context deadlines honoured).
type hungCache struct{ brokenCache }

func hang(ctx context.Context) error {
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-time.After(30 * time.Second):
		return errDown
	}
}

func (hungCache) SetNX(ctx context.Context, _ string, _ string, _ time.Duration) (bool, error) {
	return false, hang(ctx)
}
func (hungCache) Get(ctx context.Context, _ string) (string, bool, error) {
	return "", false, hang(ctx)
}
func (hungCache) Admit(ctx context.Context, _ store.Admission) (store.Admitted, error) {
	return store.Admitted{}, hang(ctx)
}
func (hungCache) Set(ctx context.Context, _ string, _ string, _ time.Duration) error {
	return hang(ctx)
}

func TestCacheDownRetriesStillHaveOneEffect(t *testing.T) {
	var effects atomic.Int64
	f := newFixture(t, fixtureOpts{cache: brokenCache{}, reply: func(m *bot.Message) (bot.Reply, error) {
		effects.Add(1)
		time.Sleep(100 * time.Millisecond)
		return bot.Reply{Text: "好的：" + m.Text}, nil
	}})
	msg := f.signer.TextXML("user-down", "报名 A1", wxsign.NextMsgID())
	replies := make([]string, 3)
	var wg sync.WaitGroup
	for i := range replies {
		wg.Add(1)
		go func() { defer wg.Done(); replies[i] = f.roundTrip(t, msg, false) }()
	}
	wg.Wait()
	if n := effects.Load(); n != 1 {
		t.Errorf("handler ran %d times with the cache down, want 1", n)
	}
	for i, r := range replies {
		if r != "好的：报名 A1" {
			t.Errorf("reply %d = %q", i, r)
		}
	}
}

func TestHungCacheStillAnswersInTime(t *testing.T) {
	f := newFixture(t, fixtureOpts{cache: hungCache{}, cfg: func(c *bot.Config) { c.ReplyDeadline = time.Second }})
	start := time.Now()
	got := f.roundTrip(t, f.signer.TextXML("user-hung", "帮助", wxsign.NextMsgID()), true)
	if elapsed := time.Since(start); elapsed > 1500*time.Millisecond {
		t.Errorf("answered after %s with a hung cache, want within the 1s deadline", elapsed)
	}
	// The handler still ran: its reply was either in time or follows.
	if got != "" && got != "收到：帮助" {
		t.Errorf("reply = %q", got)
	}
	if n := f.calls.Load(); n != 1 {
		t.Errorf("handler ran %d times, want 1", n)
	}
}

package bot_test

import (
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"envoybot/bot"
	"envoybot/bot/wxsign"
	"envoybot/store"
	"envoybot/store/storetest"
)

const politeText = "您发消息太快了"

// limited sets the follower limit of 20 a minute, 10 in any 10 seconds.
func limited(c *bot.Config) {
	c.Limit = bot.FollowerLimit{PerMinute: 20, Burst: 10, BurstWindow: 10 * time.Second, Text: politeText}
}

// replies counts a flood's answers: handled, polite, plain success.
type replies struct{ handled, polite, success int }

func (f *fixture) flood(t *testing.T, openID string, n int) replies {
	t.Helper()
	var r replies
	for range n {
		switch got := f.roundTrip(t, f.signer.TextXML(openID, "报名 A1", wxsign.NextMsgID()), false); got {
		case "收到：报名 A1":
			r.handled++
		case politeText:
			r.polite++
		case "":
			r.success++
		default:
			t.Fatalf("unexpected reply %q", got)
		}
	}
	return r
}

func TestFollowerLimit(t *testing.T) {
	// The start of a minute, so that every burst slot lies in it.
	t0 := time.Date(2026, 11, 30, 10, 0, 0, 0, time.UTC)

	storetest.Caches(t, func(t *testing.T, cache store.Cache) {
		t.Run("200 messages from one follower: a burst handled, one polite reply, the rest success", func(t *testing.T) {
			f := newFixture(t, fixtureOpts{cache: cache, cfg: limited, now: func() time.Time { return t0 }})
			r := f.flood(t, "flooder", 200)
			t.Logf("200 sent by one follower in one burst slot: %d handled, %d polite reply, %d plain success; handler ran %d times",
				r.handled, r.polite, r.success, f.calls.Load())
			if r != (replies{handled: 10, polite: 1, success: 189}) || f.calls.Load() != 10 {
				t.Errorf("flood = %+v, handler ran %d; want 10 handled, 1 polite, 189 success", r, f.calls.Load())
			}
			if got := f.roundTrip(t, f.signer.TextXML("someone-else", "帮助", wxsign.NextMsgID()), false); got != "收到：帮助" {
				t.Errorf("another follower's reply = %q, want handled", got)
			}
			unsub := f.signer.EventXML("flooder", "unsubscribe", "", t0.Unix(), "")
			if got := f.roundTrip(t, unsub, false); got != "收到：" {
				t.Errorf("the flooder's unsubscribe = %q, want it handled", got)
			}
			if f.calls.Load() != 12 {
				t.Errorf("handler ran %d times, want 12 (10 + another follower + the unsubscribe)", f.calls.Load())
			}
		})

		t.Run("the minute caps bursts spread over it, polite once", func(t *testing.T) {
			var now atomic.Int64
			now.Store(t0.UnixNano())
			f := newFixture(t, fixtureOpts{cache: cache, cfg: limited, now: func() time.Time { return time.Unix(0, now.Load()) }})
			var total replies
			for slot := range 4 {
				now.Store(t0.Add(time.Duration(slot) * 10 * time.Second).UnixNano())
				r := f.flood(t, "steady", 8)
				total.handled, total.polite, total.success = total.handled+r.handled, total.polite+r.polite, total.success+r.success
			}
			t.Logf("8 messages in each of 4 slots of 10 s: %d handled, %d polite, %d success", total.handled, total.polite, total.success)
			if total != (replies{handled: 20, polite: 1, success: 11}) {
				t.Errorf("4×8 in a minute = %+v, want 20 handled, 1 polite, 11 success", total)
			}
			now.Store(t0.Add(time.Minute + time.Second).UnixNano())
			if r := f.flood(t, "steady", 1); r.handled != 1 {
				t.Errorf("next minute = %+v, want handled", r)
			}
		})
	})

	t.Run("replicas on one Redis share the limit", func(t *testing.T) {
		cache := storetest.OpenRedisCache(t)
		now := func() time.Time { return t0 }
		a := newFixture(t, fixtureOpts{cache: cache, cfg: limited, now: now})
		b := newFixture(t, fixtureOpts{cache: cache, cfg: limited, now: now})
		var mu sync.Mutex
		var total replies
		var wg sync.WaitGroup
		for _, f := range []*fixture{a, b, a, b} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				r := f.flood(t, "roamer", 25)
				mu.Lock()
				total.handled, total.polite, total.success = total.handled+r.handled, total.polite+r.polite, total.success+r.success
				mu.Unlock()
			}()
		}
		wg.Wait()
		t.Logf("100 messages from one follower over 2 replicas: %d handled, %d polite, %d success", total.handled, total.polite, total.success)
		if total != (replies{handled: 10, polite: 1, success: 89}) {
			t.Errorf("over two replicas = %+v, want 10 handled, 1 polite, 89 success", total)
		}
	})

	t.Run("off when per_minute is 0", func(t *testing.T) {
		f := newFixture(t, fixtureOpts{now: func() time.Time { return t0 }})
		if r := f.flood(t, "free", 30); r.handled != 30 {
			t.Errorf("no limit = %+v, want all 30 handled", r)
		}
	})
}

package scheduler

import (
	"context"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"envoybot/bot/wechattest"
	"envoybot/configs"
	"envoybot/store"
	"envoybot/store/storetest"
)

// completionCounter is the real store, counting how its notices are
// completed: it changes nothing of what the store does.
type completionCounter struct {
	store.Store
	batches, single, largest atomic.Int64
}

func (c *completionCounter) CompleteNotices(ctx context.Context, replica string, outcomes []store.NoticeOutcomeFor, at time.Time) ([]int64, error) {
	c.batches.Add(1)
	for {
		l := c.largest.Load()
		if int64(len(outcomes)) <= l || c.largest.CompareAndSwap(l, int64(len(outcomes))) {
			break
		}
	}
	return c.Store.CompleteNotices(ctx, replica, outcomes, at)
}

func (c *completionCounter) CompleteNotice(ctx context.Context, id int64, replica string, o store.NoticeOutcome, at time.Time) error {
	c.single.Add(1)
	return c.Store.CompleteNotice(ctx, id, replica, o, at)
}

// paceNotices is the dispatcher configuration of these tests.
func paceNotices(mod func(*configs.Notices)) configs.Notices {
	cfg := configs.Notices{RatePerSecond: 1_000_000, Batch: 100, Lease: time.Minute, Concurrency: 16, FlushInterval: 200 * time.Millisecond,
		PollInterval: 10 * time.Millisecond, RetryBase: time.Hour, RetryMax: time.Hour, MaxAge: 24 * time.Hour,
		CustomerWindow: 48 * time.Hour, QuotaReset: "00:00"}
	if mod != nil {
		mod(&cfg)
	}
	return cfg
}

// assertOnceEach fails unless each of the n seeded recipients got exactly
// one text.
func assertOnceEach(t *testing.T, api *wechattest.FakeAPI, n int) {
	t.Helper()
	seen := sendsPer(api)
	for i := range n {
		if id := fmt.Sprintf("o-%05d", i); seen[id] != 1 {
			t.Errorf("%s got %d texts, want 1", id, seen[id])
		}
	}
}

// TestCompletionsInBatches: a drain records its outcomes many notices to a
// transaction (CompleteNotices), never one by one.
func TestCompletionsInBatches(t *testing.T) {
	storetest.Backends(t, func(t *testing.T, s store.Store) {
		const n = 300
		now := time.Now()
		seedNotices(t, s, n, now)
		counted := &completionCounter{Store: s}
		api := wechattest.NewFakeAPI(t)
		cache := storetest.OpenMemoryCache(t)
		d := NewDispatcher(counted, cache, newClient(api, cache), paceNotices(nil), time.UTC, "r1", slog.New(slog.DiscardHandler), time.Now)
		stats, err := d.Drain(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		assertOnceEach(t, api, n)
		counts, err := s.NoticeCounts(t.Context())
		if err != nil || counts[store.NoticeSent] != n || stats.Sent != n || stats.Claimed != n {
			t.Fatalf("counts %v (%v), stats %+v; want %d claimed, sent and recorded", counts, err, stats, n)
		}
		t.Logf("%d notices recorded in %d transactions (largest %d), %d one by one",
			n, counted.batches.Load(), counted.largest.Load(), counted.single.Load())
		// Half a batch (50) a transaction, and a few short ones when the
		// flush interval passes first.
		if counted.single.Load() != 0 || counted.batches.Load() > n/10 || counted.largest.Load() < 25 {
			t.Errorf("%d transactions of at most %d outcomes and %d single completions; want at most %d batches, none single",
				counted.batches.Load(), counted.largest.Load(), counted.single.Load(), n/10)
		}
	})
}

// TestSendsInFlight: a dispatcher keeps notices.concurrency sends in
// flight, and the shared rate limit still bounds them.
func TestSendsInFlight(t *testing.T) {
	const delay = 100 * time.Millisecond
	for _, concurrency := range []int{4, 16} {
		t.Run(fmt.Sprintf("concurrency %d", concurrency), func(t *testing.T) {
			s := storetest.OpenSQLite(t)
			const n = 64
			seedNotices(t, s, n, time.Now())
			api := wechattest.NewFakeAPI(t)
			api.Delay(customPath, delay)
			cache := storetest.OpenMemoryCache(t)
			cfg := paceNotices(func(c *configs.Notices) { c.Concurrency = concurrency })
			d := NewDispatcher(s, cache, newClient(api, cache), cfg, time.UTC, "r1", slog.New(slog.DiscardHandler), time.Now)
			start := time.Now()
			if _, err := d.Drain(t.Context()); err != nil {
				t.Fatal(err)
			}
			took := time.Since(start)
			assertOnceEach(t, api, n)
			most := maxInFlight(api.Calls(customPath), delay)
			t.Logf("%d sends answering after %s: %s, at most %d in flight", n, delay, took.Round(time.Millisecond), most)
			if most > concurrency || most < concurrency*3/4 {
				t.Errorf("at most %d sends in flight, want %d", most, concurrency)
			}
			if minimum := time.Duration(n/concurrency) * delay; took < minimum {
				t.Errorf("%d sends of %s each with %d in flight took %s, less than %s", n, delay, concurrency, took, minimum)
			}
		})
	}
	t.Run("the rate limit bounds them", func(t *testing.T) {
		s := storetest.OpenSQLite(t)
		const n, rate = 30, 10
		seedNotices(t, s, n, time.Now())
		api := wechattest.NewFakeAPI(t)
		cache := storetest.OpenMemoryCache(t)
		cfg := paceNotices(func(c *configs.Notices) { c.RatePerSecond = rate })
		d := NewDispatcher(s, cache, newClient(api, cache), cfg, time.UTC, "r1", slog.New(slog.DiscardHandler), time.Now)
		if _, err := d.Drain(t.Context()); err != nil {
			t.Fatal(err)
		}
		assertOnceEach(t, api, n)
		perSecond := map[int64]int{}
		for _, c := range api.Calls(customPath) {
			perSecond[c.At.Unix()]++
		}
		t.Logf("%d sends with 16 in flight at %d a second: %v", n, rate, perSecond)
		for sec, k := range perSecond {
			if k > rate {
				t.Errorf("%d sends in the second %d, want at most %d", k, sec, rate)
			}
		}
	})
}

// maxInFlight is the most calls in flight at once, each lasting d from
// when the fake API received it.
func maxInFlight(calls []wechattest.Call, d time.Duration) int {
	most := 0
	for _, c := range calls {
		k := 0
		for _, o := range calls {
			if !o.At.After(c.At) && o.At.Add(d).After(c.At) {
				k++
			}
		}
		most = max(most, k)
	}
	return most
}

// TestStopRecordsEveryOutcome: a dispatcher stopped mid-drain, while it
// holds outcomes not yet recorded (a long flush interval), records every
// one of them before Drain returns, with a context of its own: nothing is
// left claimed, every accepted send is recorded as sent unless it was cut
// off mid-call, and a later drain sends the rest once.
func TestStopRecordsEveryOutcome(t *testing.T) {
	storetest.Backends(t, func(t *testing.T, s store.Store) {
		const n = 200
		seedNotices(t, s, n, time.Now())
		api := wechattest.NewFakeAPI(t)
		api.Delay(customPath, 20*time.Millisecond)
		cache := storetest.OpenMemoryCache(t)
		cfg := paceNotices(func(c *configs.Notices) { c.FlushInterval = time.Minute })
		d := NewDispatcher(s, cache, newClient(api, cache), cfg, time.UTC, "r1", slog.New(slog.DiscardHandler), time.Now)
		ctx, cancel := context.WithCancel(t.Context())
		go func() {
			api.WaitCustomerTexts(t, 70, 30*time.Second) // mid-way through a half batch
			cancel()
		}()
		stats, err := d.Drain(ctx)
		if err != nil {
			t.Fatal(err)
		}
		list, err := s.ListNotices(t.Context(), KindLectureNotice, 0)
		if err != nil {
			t.Fatal(err)
		}
		var sent, released, interrupted, unclaimed int
		for _, m := range list {
			switch {
			case m.Status == store.NoticePending && m.Attempts == 0:
				unclaimed++
			case m.Status == store.NoticeSent:
				sent++
			case m.Status == store.NoticePending && strings.HasPrefix(m.LastError, "released"):
				released++
			case m.Status == store.NoticePending && strings.HasPrefix(m.LastError, "interrupted"):
				interrupted++
			default:
				t.Errorf("notice to %s left %s %q, want sent or handed back", m.OpenID, m.Status, m.LastError)
			}
			if m.Status == store.NoticePending && m.NextAttemptAt.After(time.Now()) {
				t.Errorf("notice to %s handed back due at %s, want at once", m.OpenID, m.NextAttemptAt)
			}
		}
		accepted := len(api.CustomerTexts())
		t.Logf("stopped after %d accepted sends: %d recorded sent, %d cut off mid-call, %d handed back unsent, %d never claimed; stats %+v",
			accepted, sent, interrupted, released, unclaimed, stats)
		if sent+interrupted < 70 || sent != stats.Sent || sent+interrupted+released+unclaimed != n || stats.Claimed != n-unclaimed {
			t.Errorf("%d sent (stats %+v), %d interrupted, %d released, %d unclaimed; want at least 70 sent or cut off and all %d accounted for",
				sent, stats, interrupted, released, unclaimed, n)
		}
		// A send the stop cut off may still have reached WeChat; every
		// other accepted send is recorded as sent.
		if accepted < sent || accepted > sent+interrupted {
			t.Errorf("%d sends accepted by WeChat, %d recorded sent and %d cut off", accepted, sent, interrupted)
		}
		// Let the cut-off calls land at the fake API before counting.
		time.Sleep(100 * time.Millisecond)
		cut := len(api.CustomerTexts()) - sent

		d2 := NewDispatcher(s, cache, newClient(api, cache), cfg, time.UTC, "r2", slog.New(slog.DiscardHandler), time.Now)
		if _, err := d2.Drain(t.Context()); err != nil {
			t.Fatal(err)
		}
		seen := sendsPer(api)
		twice := 0
		for i := range n {
			switch k := seen[fmt.Sprintf("o-%05d", i)]; {
			case k == 0:
				t.Errorf("o-%05d got nothing", i)
			case k > 1:
				twice++
			}
		}
		if twice > cut {
			t.Errorf("%d recipients got two texts; only the %d sends cut off mid-call may be", twice, cut)
		}
	})
}

// TestLeaseEndsMidBatch: when the shared rate cannot send a claimed batch
// within its lease, a dispatcher leaves the notices it has not sent before
// the lease nearly ends; another takes them over after it, and nobody gets
// a notice twice.
func TestLeaseEndsMidBatch(t *testing.T) {
	storetest.Backends(t, func(t *testing.T, s store.Store) {
		const n = 20
		seedNotices(t, s, n, time.Now())
		api := wechattest.NewFakeAPI(t)
		cache := storetest.OpenMemoryCache(t)
		client := newClient(api, cache)
		// Two dispatchers claim 10 each; 20 sends at 5 a second take 4 s,
		// and a lease is 2 s.
		cfg := paceNotices(func(c *configs.Notices) {
			c.RatePerSecond, c.Batch, c.Lease, c.Concurrency, c.FlushInterval = 5, 10, 2*time.Second, 4, 50*time.Millisecond
		})
		var wg sync.WaitGroup
		deadline := time.Now().Add(30 * time.Second)
		for _, r := range []string{"r1", "r2"} {
			d := NewDispatcher(s, cache, client, cfg, time.UTC, r, slog.New(slog.DiscardHandler), time.Now)
			wg.Go(func() {
				for time.Now().Before(deadline) {
					if _, err := d.Drain(t.Context()); err != nil {
						t.Error(err)
						return
					}
					if counts, _ := s.NoticeCounts(t.Context()); counts[store.NoticeSent] == n {
						return
					}
					time.Sleep(100 * time.Millisecond)
				}
			})
		}
		wg.Wait()
		assertOnceEach(t, api, n)
		list, err := s.ListNotices(t.Context(), KindLectureNotice, 0)
		if err != nil {
			t.Fatal(err)
		}
		var again []string
		for _, m := range list {
			if m.Status != store.NoticeSent {
				t.Errorf("notice to %s is %s", m.OpenID, m.Status)
			}
			if m.Attempts > 1 {
				again = append(again, m.OpenID)
			}
		}
		slices.Sort(again)
		t.Logf("claimed again after their lease, sent once: %v", again)
		if len(again) == 0 {
			t.Error("every notice was sent within its first lease; the test did not make a lease run out")
		}
	})
}

// heldUpSender holds every call up for a while before making it, as a busy
// machine or a slow token refresh does between a send's slot and its call.
type heldUpSender struct {
	Sender
	mu  sync.Mutex
	rnd *rand.Rand
	max time.Duration
}

func (h *heldUpSender) hold() {
	h.mu.Lock()
	d := time.Duration(h.rnd.Int64N(int64(h.max)))
	h.mu.Unlock()
	time.Sleep(d)
}

func (h *heldUpSender) SendText(ctx context.Context, openID, text string) error {
	h.hold()
	return h.Sender.SendText(ctx, openID, text)
}

// TestSlotBoundsArrival: the rate limit bounds when sends arrive at
// WeChat, not only when they start. Two dispatchers with 16 sends in
// flight each share 5 a second, and every call is held up by up to 400 ms
// between its slot and its leaving; still no second sees more than 5
// arrive, and every notice arrives once.
func TestSlotBoundsArrival(t *testing.T) {
	s := storetest.OpenSQLite(t)
	const n, rate = 25, 5
	seedNotices(t, s, n, time.Now())
	api := wechattest.NewFakeAPI(t)
	cache := storetest.OpenMemoryCache(t)
	sender := &heldUpSender{Sender: newClient(api, cache), rnd: rand.New(rand.NewPCG(1, 2)), max: 400 * time.Millisecond}
	cfg := paceNotices(func(c *configs.Notices) { c.RatePerSecond, c.Batch = rate, 10 })
	var wg sync.WaitGroup
	for _, r := range []string{"r1", "r2"} {
		d := NewDispatcher(s, cache, sender, cfg, time.UTC, r, slog.New(slog.DiscardHandler), time.Now)
		wg.Go(func() {
			if _, err := d.Drain(t.Context()); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	assertOnceEach(t, api, n)
	perSecond := map[int64]int{}
	for _, c := range api.Calls(customPath) {
		perSecond[c.At.Unix()]++
	}
	t.Logf("%d sends held up by up to %s each, 2 × 16 in flight at %d a second: %v", n, sender.max, rate, perSecond)
	for sec, k := range perSecond {
		if k > rate {
			t.Errorf("%d sends arrived in the second %d, want at most %d", k, sec, rate)
		}
	}
}

// countingCache counts the calls a dispatcher makes to its cache.
type countingCache struct {
	store.Cache
	incr, incrBy, get atomic.Int64
}

func (c *countingCache) Incr(ctx context.Context, key string, ttl time.Duration) (int64, error) {
	c.incr.Add(1)
	return c.Cache.Incr(ctx, key, ttl)
}

func (c *countingCache) IncrBy(ctx context.Context, key string, n int64, ttl time.Duration) (int64, error) {
	c.incrBy.Add(1)
	return c.Cache.IncrBy(ctx, key, n, ttl)
}

func (c *countingCache) Get(ctx context.Context, key string) (string, bool, error) {
	c.get.Add(1)
	return c.Cache.Get(ctx, key)
}

// TestSendSlotsInBulk: at a rate well above what is sent, a dispatcher
// takes its send slots a batch at a time and reads the quota pause once a
// claim, not once a send: no cache round trip per notice.
func TestSendSlotsInBulk(t *testing.T) {
	s := storetest.OpenSQLite(t)
	const n = 1000
	seedNotices(t, s, n, time.Now())
	api := wechattest.NewFakeAPI(t)
	clientCache := storetest.OpenMemoryCache(t)
	cache := &countingCache{Cache: storetest.OpenMemoryCache(t)}
	cfg := paceNotices(func(c *configs.Notices) { c.RatePerSecond = 100_000 })
	d := NewDispatcher(s, cache, newClient(api, clientCache), cfg, time.UTC, "r1", slog.New(slog.DiscardHandler), time.Now)
	stats, err := d.Drain(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	assertOnceEach(t, api, n)
	claims := int64(n/cfg.Batch + 1)
	t.Logf("%d notices (%d claims): %d IncrBy, %d Incr, %d Get", stats.Sent, claims, cache.incrBy.Load(), cache.incr.Load(), cache.get.Load())
	// A batch of slots a call, and one more call at the end of each
	// second's window.
	if got := cache.incrBy.Load(); got > 2*n/int64(cfg.Batch)+5 || cache.incr.Load() != 0 {
		t.Errorf("%d IncrBy and %d Incr for %d sends, want about one a batch of %d", got, cache.incr.Load(), n, cfg.Batch)
	}
	if got := cache.get.Load(); got > claims+1 {
		t.Errorf("%d reads of the quota pause for %d claims, want one a claim", got, claims)
	}
}

// claimCounter is the real store, counting its claims by where they start.
type claimCounter struct {
	store.Store
	fromStart, after atomic.Int64
}

func (c *claimCounter) ClaimNoticesAfter(ctx context.Context, replica string, after int64, at time.Time, limit int, lease time.Duration) ([]*store.Notice, error) {
	if after == 0 {
		c.fromStart.Add(1)
	} else {
		c.after.Add(1)
	}
	return c.Store.ClaimNoticesAfter(ctx, replica, after, at, limit, lease)
}

// TestClaimsSweepTheOutbox: a dispatcher's claims go on after the last
// notice it claimed instead of reading the outbox from its start each
// time, and still send the older notices that become due meanwhile (here
// retries after a 503): when the sweep reaches the end it starts again.
func TestClaimsSweepTheOutbox(t *testing.T) {
	storetest.Backends(t, func(t *testing.T, s store.Store) {
		const n = 1000
		seedNotices(t, s, n, time.Now())
		counted := &claimCounter{Store: s}
		api := wechattest.NewFakeAPI(t)
		api.FailEvery(customPath, 9, http.StatusServiceUnavailable)
		cache := storetest.OpenMemoryCache(t)
		cfg := paceNotices(func(c *configs.Notices) { c.RetryBase, c.RetryMax = 10*time.Millisecond, 10*time.Millisecond })
		d := NewDispatcher(counted, cache, newClient(api, cache), cfg, time.UTC, "r1", slog.New(slog.DiscardHandler), time.Now)
		var total DrainStats
		for range 20 {
			stats, err := d.Drain(t.Context())
			if err != nil {
				t.Fatal(err)
			}
			total.add(stats)
			if counts, _ := s.NoticeCounts(t.Context()); counts[store.NoticeSent] == n {
				break
			}
			time.Sleep(20 * time.Millisecond)
		}
		assertOnceEach(t, api, n)
		t.Logf("%d notices, %d retried: %d claims after the last one claimed, %d from the start",
			n, total.Retried, counted.after.Load(), counted.fromStart.Load())
		if total.Retried == 0 {
			t.Error("no notice was retried; the test did not send older notices after newer ones")
		}
		if counted.after.Load() < int64(n/cfg.Batch)-1 || counted.fromStart.Load() > counted.after.Load() {
			t.Errorf("%d claims from the start and %d after the last one; want most after it",
				counted.fromStart.Load(), counted.after.Load())
		}
	})
}

// TestSendsInTheSecondsTail: while the rate has room, sends go on in the
// last part of each second (after its send window) instead of waiting for
// the next second: such a send is counted in both seconds, as it may
// arrive in either. 400 sends of 50 ms, 16 in flight, last over 1.25 s, so
// they cover at least one whole tail.
func TestSendsInTheSecondsTail(t *testing.T) {
	s := storetest.OpenSQLite(t)
	const n, delay = 400, 50 * time.Millisecond
	seedNotices(t, s, n, time.Now())
	api := wechattest.NewFakeAPI(t)
	api.Delay(customPath, delay)
	cache := storetest.OpenMemoryCache(t)
	cfg := paceNotices(func(c *configs.Notices) { c.RatePerSecond, c.Concurrency = 100_000, 16 })
	d := NewDispatcher(s, cache, newClient(api, cache), cfg, time.UTC, "r1", slog.New(slog.DiscardHandler), time.Now)
	if _, err := d.Drain(t.Context()); err != nil {
		t.Fatal(err)
	}
	assertOnceEach(t, api, n)
	tail := 0
	for _, c := range api.Calls(customPath) {
		if time.Duration(c.At.Nanosecond()) >= sendWindow {
			tail++
		}
	}
	t.Logf("%d of %d sends arrived after a second's send window", tail, n)
	if tail < 16 {
		t.Errorf("%d sends arrived in the tail of a second, want at least 16: sending stops there", tail)
	}
}

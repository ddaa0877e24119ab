package scheduler

import (
	"context"
	"fmt"
	"log/slog"
	"maps"
	"net/http"
	"sort"
	"sync"
	"testing"
	"time"

	"envoybot/bot/wechattest"
	"envoybot/bot/wxapi"
	"envoybot/configs"
	"envoybot/store"
	"envoybot/store/memory"
)

const (
	customPath   = "/cgi-bin/message/custom/send"
	templatePath = "/cgi-bin/message/template/send"
)

// shanghai stands in for Asia/Shanghai without needing tzdata.
var shanghai = time.FixedZone("CST", 8*3600)

// t0 is the tests' "now": Friday 2026-12-04 10:00 in Shanghai.
var t0 = time.Date(2026, 12, 4, 10, 0, 0, 0, shanghai)

func TestChannelChoice(t *testing.T) {
	for _, tc := range []struct {
		name       string
		user       fakeUser
		kind       string
		wantStatus string
		wantChan   string
		wantReason string
		wantTexts  int
		wantTmpls  int
	}{
		{"customer-service when the user wrote 1 h ago", fakeUser{following: true, lastSeen: t0.Add(-time.Hour)},
			"lecture_notice", store.NoticeSent, store.ChannelCustomer, "", 1, 0},
		{"template when the user wrote 3 days ago", fakeUser{following: true, lastSeen: t0.Add(-72 * time.Hour)},
			"lecture_notice", store.NoticeSent, store.ChannelTemplate, "", 0, 1},
		{"template when the user never wrote", fakeUser{following: true},
			"lecture_notice", store.NoticeSent, store.ChannelTemplate, "", 0, 1},
		{"undeliverable without a template outside 48 h", fakeUser{following: true, lastSeen: t0.Add(-72 * time.Hour)},
			"deadline_reminder", store.NoticeUndeliverable, "", WhyOutsideWindow + "," + WhyNoSubscription + "," + WhyNoTemplate, 0, 0},
		{"customer-service without a template inside 48 h", fakeUser{following: true, lastSeen: t0.Add(-47 * time.Hour)},
			"deadline_reminder", store.NoticeSent, store.ChannelCustomer, "", 1, 0},
		{"undeliverable when unfollowed", fakeUser{following: false, lastSeen: t0.Add(-time.Hour)},
			"lecture_notice", store.NoticeUndeliverable, "", ReasonUnfollowed, 0, 0},
		{"undeliverable when anonymised", fakeUser{following: true, anonymised: true, lastSeen: t0.Add(-time.Hour)},
			"lecture_notice", store.NoticeUndeliverable, "", ReasonUnfollowed, 0, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t, nil)
			h.outbox.setUser("o-1", tc.user)
			h.enqueue(tc.kind, "o-1")
			stats := h.drain(h.dispatcher("r1"))
			n := h.notice("o-1")
			if n.Status != tc.wantStatus || n.Channel != tc.wantChan || (tc.wantReason != "" && n.LastError != tc.wantReason) {
				t.Errorf("notice = %s/%s %q, want %s/%s %q", n.Status, n.Channel, n.LastError, tc.wantStatus, tc.wantChan, tc.wantReason)
			}
			if got := len(h.api.CustomerTexts()); got != tc.wantTexts {
				t.Errorf("%d customer texts, want %d", got, tc.wantTexts)
			}
			tmpls := h.api.TemplateMessages()
			if len(tmpls) != tc.wantTmpls {
				t.Fatalf("%d template messages, want %d", len(tmpls), tc.wantTmpls)
			}
			if len(tmpls) == 1 {
				want := map[string]string{"thing1": "法律知识讲座", "time2": "12月5日 09:30", "thing3": ""}
				if m := tmpls[0]; m.ToUser != "o-1" || m.TemplateID != "TPL-LECTURE" || m.URL != "https://example.org/l/L3" || !maps.Equal(m.Data, want) {
					t.Errorf("template message = %+v, want data %v", m, want)
				}
			}
			if stats.Claimed != 1 || stats.Sent+stats.Undeliverable != 1 {
				t.Errorf("stats = %+v", stats)
			}
			if counts := h.counts(); tc.wantReason != "" && counts["undeliverable:"+tc.wantReason] != 1 {
				t.Errorf("counts = %v", counts)
			}
		})
	}
}

func TestCustomerErrors(t *testing.T) {
	for _, tc := range []struct {
		name       string
		errcode    int
		kind       string
		wantStatus string
		wantChan   string
		wantReason string
		wantTmpls  int
	}{
		{"45015 falls back to the template", 45015, "lecture_notice", store.NoticeSent, store.ChannelTemplate, "", 1},
		{"45047 falls back to the template", 45047, "lecture_notice", store.NoticeSent, store.ChannelTemplate, "", 1},
		{"45015 without a template is undeliverable", 45015, "deadline_reminder", store.NoticeUndeliverable, store.ChannelCustomer,
			WhyWindowClosed + "," + WhyNoSubscription + "," + WhyNoTemplate, 0},
		{"45047 without a template is undeliverable", 45047, "deadline_reminder", store.NoticeUndeliverable, store.ChannelCustomer,
			WhyCustomerLimit + "," + WhyNoSubscription + "," + WhyNoTemplate, 0},
		{"43004 is undeliverable, no fallback", 43004, "lecture_notice", store.NoticeUndeliverable, store.ChannelCustomer, ReasonUnfollowed, 0},
		{"another errcode fails", 40003, "lecture_notice", store.NoticeFailed, store.ChannelCustomer, "", 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t, nil)
			h.outbox.setUser("o-x", fakeUser{following: true, lastSeen: t0.Add(-time.Hour)})
			h.outbox.setUser("o-y", fakeUser{following: true, lastSeen: t0.Add(-time.Hour)})
			h.api.FailFor(customPath, "o-x", tc.errcode)
			h.enqueue(tc.kind, "o-x")
			h.enqueue(tc.kind, "o-y")
			h.drain(h.dispatcher("r1"))
			n := h.notice("o-x")
			if n.Status != tc.wantStatus || n.Channel != tc.wantChan || (tc.wantReason != "" && n.LastError != tc.wantReason) {
				t.Errorf("notice = %s/%s %q, want %s/%s %q", n.Status, n.Channel, n.LastError, tc.wantStatus, tc.wantChan, tc.wantReason)
			}
			if n.Attempts != 1 {
				t.Errorf("%d attempts recorded, want 1 (the fallback is the same attempt)", n.Attempts)
			}
			if got := len(h.api.TemplateMessages()); got != tc.wantTmpls {
				t.Errorf("%d template messages, want %d", got, tc.wantTmpls)
			}
			if got := h.notice("o-y"); got.Status != store.NoticeSent || got.Channel != store.ChannelCustomer {
				t.Errorf("other recipient: %s/%s, want sent by customer-service", got.Status, got.Channel)
			}
		})
	}
}

func TestQuotaPause(t *testing.T) {
	h := newHarness(t, nil)
	for i := range 3 {
		h.outbox.setUser(fmt.Sprintf("o-%d", i), fakeUser{following: true, lastSeen: t0.Add(-time.Hour)})
		h.enqueue("lecture_notice", fmt.Sprintf("o-%d", i))
	}
	d1, d2 := h.dispatcher("r1"), h.dispatcher("r2")
	d1.parallel = 1 // one send at a time, so that the first 45009 stops the rest
	h.api.FailNext(customPath, 45009)

	stats := h.drain(d1)
	reset := time.Date(2026, 12, 5, 0, 0, 0, 0, shanghai)
	if stats.Sent != 0 || stats.Retried != 3 {
		t.Errorf("stats = %+v, want 3 retried", stats)
	}
	if n := len(h.api.Calls(customPath)); n != 1 {
		t.Errorf("%d sends, want 1: nothing after 45009", n)
	}
	for _, n := range h.outbox.all() {
		if n.Status != store.NoticePending || !n.NextAttemptAt.Equal(reset) {
			t.Errorf("notice %s: %s next %s, want pending until %s", n.OpenID, n.Status, n.NextAttemptAt, reset)
		}
	}
	if until, paused, err := d2.PausedUntil(context.Background()); err != nil || !paused || !until.Equal(reset) {
		t.Errorf("other replica: PausedUntil = %s %v %v, want paused until %s", until, paused, err, reset)
	}

	h.clock.set(reset.Add(-time.Minute))
	h.outbox.makeDue() // even when due, nothing goes out while paused
	for _, d := range []*Dispatcher{d1, d2} {
		if s := h.drain(d); s.Claimed != 0 {
			t.Errorf("claimed %+v while paused", s)
		}
	}
	if n := len(h.api.Calls(customPath)); n != 1 {
		t.Errorf("%d sends while paused, want 1", n)
	}

	h.clock.set(reset.Add(time.Second))
	stats = h.drain(d2)
	if stats.Sent != 3 || len(h.api.CustomerTexts()) != 3 {
		t.Errorf("after the reset: stats %+v, %d texts, want 3 sent", stats, len(h.api.CustomerTexts()))
	}
}

func TestNextReset(t *testing.T) {
	for _, tc := range []struct {
		name, now, reset, want string
	}{
		{"later the same day", "2026-12-04T10:00:00+08:00", "12:00", "2026-12-04T12:00:00+08:00"},
		{"midnight is tomorrow", "2026-12-04T10:00:00+08:00", "00:00", "2026-12-05T00:00:00+08:00"},
		{"exactly at reset waits a day", "2026-12-05T00:00:00+08:00", "00:00", "2026-12-06T00:00:00+08:00"},
		{"UTC clock, Shanghai reset", "2026-12-04T17:30:00Z", "00:00", "2026-12-06T00:00:00+08:00"},
		{"month end", "2026-12-31T23:00:00+08:00", "00:00", "2027-01-01T00:00:00+08:00"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			now, _ := time.Parse(time.RFC3339, tc.now)
			want, _ := time.Parse(time.RFC3339, tc.want)
			if got := nextReset(now, tc.reset, shanghai); !got.Equal(want) {
				t.Errorf("nextReset(%s, %s) = %s, want %s", now, tc.reset, got, want)
			}
		})
	}
}

func TestTemporaryErrors(t *testing.T) {
	t.Run("5xx retries with backoff, then succeeds", func(t *testing.T) {
		h := newHarness(t, nil)
		h.outbox.setUser("o-1", fakeUser{following: true, lastSeen: t0.Add(-time.Hour)})
		h.enqueue("lecture_notice", "o-1")
		d := h.dispatcher("r1")
		h.api.FailNextStatus(customPath, http.StatusBadGateway)
		h.api.FailNextStatus(customPath, http.StatusServiceUnavailable)

		if s := h.drain(d); s.Retried != 1 {
			t.Fatalf("first drain %+v, want 1 retried", s)
		}
		n := h.notice("o-1")
		if n.Status != store.NoticePending || !n.NextAttemptAt.Equal(t0.Add(30*time.Second)) {
			t.Errorf("after one 502: %s next %s, want pending at +30s", n.Status, n.NextAttemptAt)
		}
		if s := h.drain(d); s.Claimed != 0 {
			t.Errorf("claimed %+v before the backoff ran out", s)
		}
		h.clock.set(t0.Add(30 * time.Second))
		h.drain(d)
		if n := h.notice("o-1"); !n.NextAttemptAt.Equal(t0.Add(90*time.Second)) || n.Attempts != 2 {
			t.Errorf("after two 5xx: next %s attempts %d, want +90s (30s+60s) and 2", n.NextAttemptAt, n.Attempts)
		}
		h.clock.set(t0.Add(90 * time.Second))
		if s := h.drain(d); s.Sent != 1 {
			t.Errorf("third drain %+v, want sent", s)
		}
		if n := h.notice("o-1"); n.Status != store.NoticeSent || n.Attempts != 3 || len(h.api.CustomerTexts()) != 1 {
			t.Errorf("notice %s after %d attempts, %d texts; want sent after 3, one text", n.Status, n.Attempts, len(h.api.CustomerTexts()))
		}
		if got := h.outbox.attemptLog(); len(got) != 3 || got[0].ok || got[1].ok || !got[2].ok {
			t.Errorf("attempts recorded = %+v", got)
		}
	})
	t.Run("a notice older than the maximum age fails", func(t *testing.T) {
		h := newHarness(t, nil)
		h.outbox.setUser("o-1", fakeUser{following: true})
		h.clock.set(t0.Add(-25 * time.Hour))
		h.enqueue("lecture_notice", "o-1")
		h.clock.set(t0)
		h.api.FailNextStatus(templatePath, http.StatusInternalServerError)
		if s := h.drain(h.dispatcher("r1")); s.Failed != 1 {
			t.Errorf("stats %+v, want 1 failed", s)
		}
		if n := h.notice("o-1"); n.Status != store.NoticeFailed || n.Channel != store.ChannelTemplate {
			t.Errorf("notice %s/%s %q, want failed by template", n.Status, n.Channel, n.LastError)
		}
	})
	t.Run("backoff doubles up to the maximum", func(t *testing.T) {
		d := &Dispatcher{cfg: configs.Notices{RetryBase: 30 * time.Second, RetryMax: 5 * time.Minute}}
		for attempt, want := range map[int]time.Duration{1: 30 * time.Second, 2: time.Minute, 4: 4 * time.Minute, 5: 5 * time.Minute, 60: 5 * time.Minute} {
			if got := d.backoff(attempt); got != want {
				t.Errorf("backoff(%d) = %s, want %s", attempt, got, want)
			}
		}
	})
}

func TestTokenRefresh(t *testing.T) {
	h := newHarness(t, nil)
	h.outbox.setUser("o-1", fakeUser{following: true, lastSeen: t0.Add(-time.Hour)})
	h.outbox.setUser("o-2", fakeUser{following: true})
	d := h.dispatcher("r1")
	h.enqueue("lecture_notice", "o-1")
	h.drain(d)
	h.api.ExpireTokens()
	h.enqueue("lecture_notice", "o-2")
	if s := h.drain(d); s.Sent != 1 {
		t.Errorf("stats %+v after the token expired, want sent", s)
	}
	if n := len(h.api.Calls("/cgi-bin/token")); n != 2 {
		t.Errorf("%d token fetches, want 2", n)
	}
	if n := h.notice("o-2"); n.Status != store.NoticeSent || n.Attempts != 1 {
		t.Errorf("notice %s after %d attempts, want sent in one", n.Status, n.Attempts)
	}
}

func TestRateLimit(t *testing.T) {
	h := newHarness(t, func(c *configs.Notices) { c.RatePerSecond = 5; c.Batch = 4 })
	for i := range 12 {
		h.outbox.setUser(fmt.Sprintf("o-%d", i), fakeUser{following: true, lastSeen: t0.Add(-time.Hour)})
		h.enqueue("lecture_notice", fmt.Sprintf("o-%d", i))
	}
	start := time.Now()
	var wg sync.WaitGroup
	for _, r := range []string{"r1", "r2"} { // two replicas share the limit
		d := h.dispatcher(r)
		wg.Go(func() {
			if _, err := d.Drain(context.Background()); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	if n := len(h.api.CustomerTexts()); n != 12 {
		t.Fatalf("%d texts, want 12", n)
	}
	// 12 sends at 5 a second need three different seconds.
	if elapsed < time.Second {
		t.Errorf("12 sends at 5/s took %s, want more than 1s", elapsed)
	}
	t.Logf("12 sends at 5/s by two replicas took %s", elapsed)
}

func TestDrain(t *testing.T) {
	t.Run("drains every batch", func(t *testing.T) {
		h := newHarness(t, nil) // batch 10
		for i := range 35 {
			h.outbox.setUser(fmt.Sprintf("o-%d", i), fakeUser{following: true, lastSeen: t0.Add(-time.Hour)})
			h.enqueue("lecture_notice", fmt.Sprintf("o-%d", i))
		}
		if s := h.drain(h.dispatcher("r1")); s.Claimed != 35 || s.Sent != 35 {
			t.Errorf("stats %+v, want 35 claimed and sent", s)
		}
		if counts := h.counts(); counts[store.NoticeSent] != 35 {
			t.Errorf("counts %v", counts)
		}
	})
	t.Run("three replicas send each notice once", func(t *testing.T) {
		h := newHarness(t, nil)
		const total = 300
		for i := range total {
			h.outbox.setUser(fmt.Sprintf("o-%d", i), fakeUser{following: true, lastSeen: t0.Add(-time.Hour)})
			h.enqueue("lecture_notice", fmt.Sprintf("o-%d", i))
		}
		h.api.FailEvery(customPath, 10, http.StatusBadGateway)
		var (
			wg  sync.WaitGroup
			mu  sync.Mutex
			sum DrainStats
		)
		for _, r := range []string{"r1", "r2", "r3"} {
			d := h.dispatcher(r)
			wg.Go(func() {
				for range 6 { // each round retries what failed the round before
					s, err := d.Drain(context.Background())
					if err != nil {
						t.Error(err)
					}
					mu.Lock()
					sum.add(s)
					mu.Unlock()
					h.outbox.makeDue()
				}
			})
		}
		wg.Wait()
		seen := map[string]int{}
		for _, m := range h.api.CustomerTexts() {
			seen[m.ToUser]++
		}
		for who, n := range seen {
			if n != 1 {
				t.Errorf("%s got %d texts", who, n)
			}
		}
		if len(seen) != total || sum.Sent != total {
			t.Errorf("%d recipients reached, %d sent (%+v), want %d", len(seen), sum.Sent, sum, total)
		}
	})
	t.Run("a dead replica's lease is taken over", func(t *testing.T) {
		h := newHarness(t, nil)
		h.outbox.setUser("o-1", fakeUser{following: true, lastSeen: t0.Add(-time.Hour)})
		h.enqueue("lecture_notice", "o-1")
		if ns, _ := h.outbox.ClaimNotices(context.Background(), "dead", t0, 10, time.Minute); len(ns) != 1 {
			t.Fatalf("dead replica claimed %d", len(ns))
		}
		d := h.dispatcher("r1")
		if s := h.drain(d); s.Claimed != 0 {
			t.Errorf("claimed %+v under a live lease", s)
		}
		h.clock.set(t0.Add(time.Minute))
		if s := h.drain(d); s.Sent != 1 {
			t.Errorf("stats %+v after the lease ran out, want sent", s)
		}
		err := h.outbox.CompleteNotice(context.Background(), h.notice("o-1").ID, "dead", store.NoticeOutcome{Status: store.NoticeSent}, t0)
		if store.ErrorCode(err) != store.ECONFLICT {
			t.Errorf("the dead replica completing: %v, want conflict", err)
		}
	})
}

func TestRun(t *testing.T) {
	h := newHarness(t, nil)
	d := h.dispatcher("r1")
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { d.Run(ctx); close(done) }()
	for i := range 3 {
		h.outbox.setUser(fmt.Sprintf("o-%d", i), fakeUser{following: true, lastSeen: t0.Add(-time.Hour)})
		h.enqueue("lecture_notice", fmt.Sprintf("o-%d", i))
	}
	h.api.WaitCustomerTexts(t, 3, 5*time.Second)
	cancel()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("Run did not return after its context ended")
	}
}

func TestStopMidBatch(t *testing.T) {
	h := newHarness(t, nil)
	for i := range 6 {
		h.outbox.setUser(fmt.Sprintf("o-%d", i), fakeUser{following: true, lastSeen: t0.Add(-time.Hour)})
		h.enqueue("lecture_notice", fmt.Sprintf("o-%d", i))
	}
	d := h.dispatcher("r1")
	d.parallel = 1
	if _, err := h.client.GetAccessTokenContext(context.Background()); err != nil { // warm the token up
		t.Fatal(err)
	}
	h.api.Delay(customPath, 300*time.Millisecond)
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	if _, err := d.DrainOnce(ctx); err != nil {
		t.Fatal(err)
	}
	for _, n := range h.outbox.all() {
		if n.Status != store.NoticePending || n.NextAttemptAt.After(t0) {
			t.Errorf("notice %s: %s at %s %q, want pending and due at once", n.OpenID, n.Status, n.NextAttemptAt, n.LastError)
		}
	}
}

// harness wires a dispatcher to the fake WeChat API and an in-memory outbox.
type harness struct {
	t      *testing.T
	api    *wechattest.FakeAPI
	client *wxapi.Client
	cache  *memory.Cache
	outbox *fakeOutbox
	clock  *testClock
	cfg    configs.Notices
}

func newHarness(t *testing.T, mod func(*configs.Notices)) *harness {
	t.Helper()
	h := &harness{t: t, api: wechattest.NewFakeAPI(t), cache: memory.New(), outbox: newFakeOutbox(), clock: &testClock{now: t0}}
	t.Cleanup(func() { _ = h.cache.Close() })
	h.client = wxapi.New(wxapi.Config{AppID: "wxtest0000000009", Secret: "secret", APIBase: h.api.URL(), Timeout: 3 * time.Second},
		h.cache, slog.New(slog.DiscardHandler))
	h.cfg = configs.Notices{
		RatePerSecond: 1000, Batch: 10, Lease: time.Minute, PollInterval: 10 * time.Millisecond,
		RetryBase: 30 * time.Second, RetryMax: 5 * time.Minute, MaxAge: 24 * time.Hour,
		CustomerWindow: 48 * time.Hour, QuotaReset: "00:00",
		Templates: map[string]configs.Template{
			"lecture_notice": {ID: "TPL-LECTURE", URL: "https://example.org/l/L3",
				Fields: map[string]string{"thing1": "title", "time2": "time", "thing3": "place"}},
			"deadline_reminder": {Fields: map[string]string{"thing1": "text"}}, // no ID: no template
		},
	}
	if mod != nil {
		mod(&h.cfg)
	}
	return h
}

func (h *harness) dispatcher(replica string) *Dispatcher {
	return NewDispatcher(h.outbox, h.cache, h.client, h.cfg, shanghai, replica, slog.New(slog.DiscardHandler), h.clock.Now)
}

func (h *harness) enqueue(kind, openID string) {
	h.t.Helper()
	n := store.NewNotice{
		Key: kind + "|L3|" + openID, Kind: kind, Subject: "L3", OpenID: openID, Text: "法律知识讲座 " + openID,
		Fields: map[string]string{"title": "法律知识讲座", "time": "12月5日 09:30"},
	}
	if _, err := h.outbox.EnqueueNotices(context.Background(), []store.NewNotice{n}, h.clock.Now()); err != nil {
		h.t.Fatal(err)
	}
}

func (h *harness) drain(d *Dispatcher) DrainStats {
	h.t.Helper()
	s, err := d.Drain(context.Background())
	if err != nil {
		h.t.Fatalf("drain: %v", err)
	}
	return s
}

func (h *harness) notice(openID string) store.Notice {
	h.t.Helper()
	for _, n := range h.outbox.all() {
		if n.OpenID == openID {
			return n
		}
	}
	h.t.Fatalf("no notice for %s", openID)
	return store.Notice{}
}

func (h *harness) counts() map[string]int {
	c, _ := h.outbox.NoticeCounts(context.Background())
	return c
}

type testClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *testClock) set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = t
}

// fakeUser is what the outbox knows of a recipient at claim time.
type fakeUser struct {
	following  bool
	anonymised bool
	lastSeen   time.Time
}

type fakeAttempt struct {
	id      int64
	channel string
	ok      bool
	err     string
}

type fakeRow struct {
	n            store.Notice
	claimedBy    string
	claimedUntil time.Time
}

// fakeOutbox is an in-memory store.OutboxService that keeps the contract:
// unique keys, leases that expire, completion only by the lease holder.
type fakeOutbox struct {
	mu       sync.Mutex
	rows     []*fakeRow // by id
	keys     map[string]bool
	users    map[string]fakeUser
	attempts []fakeAttempt
	accepted map[[2]string]bool // (openid, subscription template id)
}

var _ store.OutboxService = (*fakeOutbox)(nil)

// accept records that openID accepted the subscription template.
func (o *fakeOutbox) accept(openID, templateID string) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.accepted == nil {
		o.accepted = map[[2]string]bool{}
	}
	o.accepted[[2]string{openID, templateID}] = true
}

func (o *fakeOutbox) RecordSubscriptionChoices(_ context.Context, openID string, cs []store.SubscriptionChoice, _ time.Time) error {
	for _, c := range cs {
		if c.Accepted {
			o.accept(openID, c.TemplateID)
		}
	}
	return nil
}

func (o *fakeOutbox) SubscriptionAccepted(_ context.Context, openID, templateID string) (bool, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.accepted[[2]string{openID, templateID}], nil
}

func newFakeOutbox() *fakeOutbox {
	return &fakeOutbox{keys: map[string]bool{}, users: map[string]fakeUser{}}
}

func (o *fakeOutbox) setUser(openID string, u fakeUser) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.users[openID] = u
}

// makeDue brings every pending notice's next attempt forward to the past,
// so the next claim takes it whatever the clock says.
func (o *fakeOutbox) makeDue() {
	o.mu.Lock()
	defer o.mu.Unlock()
	for _, r := range o.rows {
		if r.n.Status == store.NoticePending {
			r.n.NextAttemptAt = time.Time{}
		}
	}
}

func (o *fakeOutbox) all() []store.Notice {
	o.mu.Lock()
	defer o.mu.Unlock()
	out := make([]store.Notice, len(o.rows))
	for i, r := range o.rows {
		out[i] = r.n
	}
	return out
}

func (o *fakeOutbox) attemptLog() []fakeAttempt {
	o.mu.Lock()
	defer o.mu.Unlock()
	return append([]fakeAttempt(nil), o.attempts...)
}

func (o *fakeOutbox) EnqueueNotices(_ context.Context, ns []store.NewNotice, at time.Time) (int, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	added := 0
	for _, nn := range ns {
		if o.keys[nn.Key] {
			continue
		}
		o.keys[nn.Key] = true
		next := nn.NotBefore
		if next.IsZero() {
			next = at
		}
		o.rows = append(o.rows, &fakeRow{n: store.Notice{
			ID: int64(len(o.rows) + 1), Key: nn.Key, Kind: nn.Kind, Subject: nn.Subject, OpenID: nn.OpenID,
			Text: nn.Text, Fields: maps.Clone(nn.Fields), Status: store.NoticePending, NextAttemptAt: next, CreatedAt: at,
		}})
		added++
	}
	return added, nil
}

func (o *fakeOutbox) ClaimNotices(_ context.Context, replica string, at time.Time, limit int, lease time.Duration) ([]*store.Notice, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	var out []*store.Notice
	for _, r := range o.rows {
		if len(out) == limit {
			break
		}
		due := r.n.Status == store.NoticePending && !r.n.NextAttemptAt.After(at) ||
			r.n.Status == store.NoticeSending && !r.claimedUntil.After(at)
		if !due {
			continue
		}
		r.n.Status, r.claimedBy, r.claimedUntil = store.NoticeSending, replica, at.Add(lease)
		n := r.n
		n.Fields = maps.Clone(r.n.Fields)
		u := o.users[n.OpenID]
		n.Following, n.Anonymised, n.LastInteractionAt = u.following, u.anonymised, u.lastSeen
		for _, s := range o.rows { // the budget as the store counts it
			if s.n.OpenID == n.OpenID && s.n.Status == store.NoticeSent && s.n.Channel == store.ChannelCustomer &&
				s.n.LastError != store.NoticeMerged && !u.lastSeen.IsZero() && !s.n.SentAt.Before(u.lastSeen) {
				n.CustomerSent++
			}
		}
		out = append(out, &n)
	}
	return out, nil
}

func (o *fakeOutbox) CompleteNotice(_ context.Context, id int64, replica string, out store.NoticeOutcome, at time.Time) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	if id < 1 || int(id) > len(o.rows) {
		return store.Errorf(store.ENOTFOUND, "notice %d not found", id)
	}
	r := o.rows[id-1]
	if r.n.Status != store.NoticeSending || r.claimedBy != replica {
		return store.Errorf(store.ECONFLICT, "notice %d is not leased to %s", id, replica)
	}
	switch out.Status {
	case store.NoticeSent, store.NoticePending, store.NoticeFailed, store.NoticeUndeliverable:
	default:
		return store.Errorf(store.EINVALID, "outcome status %q", out.Status)
	}
	o.attempts = append(o.attempts, fakeAttempt{id: id, channel: out.Channel, ok: out.Status == store.NoticeSent, err: out.Error})
	r.n.Attempts++
	r.n.Status, r.n.Channel, r.n.LastError = out.Status, out.Channel, out.Error
	r.claimedBy, r.claimedUntil = "", time.Time{}
	switch out.Status {
	case store.NoticePending:
		r.n.NextAttemptAt = out.NextAttemptAt
	case store.NoticeSent:
		r.n.SentAt = at
	}
	return nil
}

func (o *fakeOutbox) DropPendingNotices(_ context.Context, kind, subject, reason string, at time.Time) (int, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	dropped := 0
	for _, r := range o.rows {
		if r.n.Kind == kind && r.n.Subject == subject && r.n.Status == store.NoticePending {
			r.n.Status, r.n.LastError = store.NoticeUndeliverable, reason
			dropped++
		}
	}
	return dropped, nil
}

func (o *fakeOutbox) DropPendingNoticesTo(_ context.Context, kind, openID, reason string, at time.Time) (int, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	dropped := 0
	for _, r := range o.rows {
		if r.n.Kind == kind && r.n.OpenID == openID && r.n.Status == store.NoticePending {
			r.n.Status, r.n.LastError = store.NoticeUndeliverable, reason
			dropped++
		}
	}
	return dropped, nil
}

func (o *fakeOutbox) NoticeRecipients(_ context.Context, kind, subject string) ([]string, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	var out []string
	for _, r := range o.rows {
		if r.n.Kind == kind && r.n.Subject == subject && r.n.Status == store.NoticeSent {
			out = append(out, r.n.OpenID)
		}
	}
	sort.Strings(out)
	return out, nil
}

func (o *fakeOutbox) NoticeCounts(context.Context) (map[string]int, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	c := map[string]int{}
	for _, r := range o.rows {
		c[r.n.Status]++
		if r.n.Status == store.NoticeUndeliverable {
			c["undeliverable:"+r.n.LastError]++
		}
	}
	return c, nil
}

func (o *fakeOutbox) ListNotices(_ context.Context, kind string, limit int) ([]*store.Notice, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	var out []*store.Notice
	for i := len(o.rows) - 1; i >= 0 && len(out) < limit; i-- {
		if n := o.rows[i].n; kind == "" || n.Kind == kind {
			out = append(out, &n)
		}
	}
	return out, nil
}

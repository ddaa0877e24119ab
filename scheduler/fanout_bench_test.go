package scheduler

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"envoybot/bot/wechattest"
	"envoybot/bot/wxapi"
	"envoybot/configs"
	"envoybot/store"
	"envoybot/store/sqlstore"
	"envoybot/store/storetest"
)

// BenchmarkLectureFanOut100k measures a lecture notice to 100,000
// subscribers on PostgreSQL: the lecture-notices job enqueueing them, the
// same job a minute later (everything already enqueued), and draining them
// against the fake WeChat API with the rate limit off, with 1 and with 3
// dispatchers. Before each drain it measures the fake API's own ceiling:
// the same client sending as many texts with as many in flight as the
// dispatchers, and no store. Every drain counts the sends per OpenID at the
// fake API: duplicates must be 0. Run it once:
//
//	ENVOYBOT_TEST_DATABASE_URL=... go test -run '^$' -bench FanOut -benchtime 1x ./scheduler/
func BenchmarkLectureFanOut100k(b *testing.B) {
	ctx := context.Background()
	url := storetest.PostgresSchemaURL(b)
	s, err := sqlstore.OpenPostgres(ctx, url)
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	session := time.Date(2026, 12, 5, 9, 30, 0, 0, shanghai)
	now := session.Add(-24 * time.Hour)
	envoy, err := s.TouchUser(ctx, "o-envoy", now)
	if err != nil {
		b.Fatal(err)
	}
	// The community is configured, as envoybot's start adds it.
	if _, err := s.AddCommunities(ctx, []string{"古槐社区"}, now); err != nil {
		b.Fatal(err)
	}
	if _, err := s.Subscribe(ctx, envoy.ID, "古槐社区", now); err != nil {
		b.Fatal(err)
	}
	const n = 100_000
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		b.Fatal(err)
	}
	for _, q := range []string{
		`INSERT INTO users (openid, following, last_interaction_at, created_at, updated_at)
		 SELECT 'o-' || g, true, $1, $1, $1 FROM generate_series(1, 100000) g`,
		`INSERT INTO lecture_subscriptions (user_id, community_id, created_at, updated_at)
		 SELECT u.id, c.id, $1, $1 FROM users u, communities c
		 WHERE u.openid LIKE 'o-%' AND u.openid <> 'o-envoy' AND c.name = '古槐社区'`,
	} {
		if _, err := conn.Exec(ctx, q, now.Add(-time.Hour)); err != nil {
			b.Fatal(err)
		}
	}
	_, _ = conn.Exec(ctx, `ANALYZE`)
	if _, err := s.CreateLecture(ctx, store.NewLecture{EnvoyID: envoy.ID, Title: "法律知识讲座", Community: "古槐社区",
		Place: "活动室", Recurrence: store.Recurrence{Every: store.RecurWeekly, Weekday: time.Saturday, Hour: 9, Minute: 30}, Occurrences: []time.Time{session}}, now.Add(-48*time.Hour)); err != nil {
		b.Fatal(err)
	}
	log := slog.New(slog.DiscardHandler)
	j := &Jobs{Store: s, Sched: configs.Schedules{LectureOffsets: []time.Duration{24 * time.Hour, time.Hour}, LectureHorizon: 1440 * time.Hour}, Loc: shanghai, Log: log}
	b.ResetTimer()
	start := time.Now()
	if err := j.LectureNotices(ctx, now); err != nil {
		b.Fatal(err)
	}
	enqueue := time.Since(start)
	start = time.Now()
	if err := j.LectureNotices(ctx, now.Add(time.Minute)); err != nil {
		b.Fatal(err)
	}
	again := time.Since(start)
	b.Logf("enqueue of 100,000: %s; the same run a minute later: %s", enqueue.Round(time.Millisecond), again.Round(time.Millisecond))
	b.ReportMetric(enqueue.Seconds(), "s-enqueue-100k")
	b.ReportMetric(again.Seconds(), "s-rerun")

	text := mustNoticeText(b, s)
	// The rate limit at 100,000 a second is several times the fake API's
	// best ceiling here (about 19,000 a second), so it is not what limits
	// a drain. At 1<<30, as before, every send slot (1 ns) ended before
	// its counter answered, and each send made 4 cache calls for nothing.
	// Batch, lease and sends in flight are the defaults of envoybot.yaml
	// (Concurrency is left to the dispatcher, so that the benchmark also
	// builds against the dispatcher before it had one).
	cfg := configs.Notices{RatePerSecond: 100_000, Batch: 100, Lease: 2 * time.Minute, PollInterval: 10 * time.Millisecond,
		RetryBase: time.Second, RetryMax: time.Second, MaxAge: time.Hour, CustomerWindow: 48 * time.Hour, QuotaReset: "00:00"}
	clock := func() time.Time { return now.Add(2 * time.Minute) }
	parallel := NewDispatcher(s, nil, nil, cfg, time.UTC, "probe", log, clock).parallel
	b.Logf("rate limit %d/s (above the API's ceiling: not the bottleneck); batch %d; %d sends in flight per dispatcher",
		cfg.RatePerSecond, cfg.Batch, parallel)
	for _, dispatchers := range []int{1, 3} {
		// The fake API's own ceiling at the same number of sends in flight,
		// through the same client, with no store: what a drain could reach.
		ceiling := apiCeiling(b, n+1, parallel*dispatchers, text)
		if dispatchers > 1 { // the same notices again
			if _, err := conn.Exec(ctx, `UPDATE outbox SET status = 'pending', attempts = 0, claimed_by = '', claimed_until = NULL, sent_at = NULL`); err != nil {
				b.Fatal(err)
			}
			_, _ = conn.Exec(ctx, `VACUUM ANALYZE outbox`)
		}
		api := wechattest.NewFakeAPI(b)
		cache := storetest.OpenMemoryCache(b)
		client := wxapi.New(wxapi.Config{AppID: "wxtest0000000001", Secret: "s", APIBase: api.URL(), Timeout: 5 * time.Second}, cache, log)
		cpu := startCPU()
		start := time.Now()
		var wg sync.WaitGroup
		for i := 0; i < dispatchers; i++ {
			d := NewDispatcher(s, cache, client, cfg, time.UTC, fmt.Sprintf("r%d", i), log, clock)
			wg.Add(1)
			go func() {
				defer wg.Done()
				if _, err := d.Drain(ctx); err != nil {
					b.Error(err)
				}
			}()
		}
		wg.Wait()
		took := time.Since(start)
		self, pg := cpu.perOp(n + 1)
		sent, duplicates, missing := tally(api.CustomerTexts(), n+1)
		if sent != n+1 || duplicates != 0 { // the subscribers and the envoy, whose subscription created the community
			b.Errorf("%d dispatcher(s) sent %d notices (%d duplicates, %d recipients missed), want %d once each",
				dispatchers, sent, duplicates, missing, n+1)
		}
		rate := float64(sent) / took.Seconds()
		b.Logf("%d dispatcher(s): %d notices in %s = %.0f/s; the API's ceiling at %d in flight %.0f/s; drain = %.0f%% of it; duplicates %d, missed %d; CPU per notice: this process %.0f µs, postgres %.0f µs",
			dispatchers, sent, took.Round(time.Millisecond), rate, parallel*dispatchers, ceiling, 100*rate/ceiling, duplicates, missing, self, pg)
		b.ReportMetric(rate, fmt.Sprintf("sends/s-%ddisp", dispatchers))
		b.ReportMetric(ceiling, fmt.Sprintf("sends/s-ceiling-%dinflight", parallel*dispatchers))
		b.ReportMetric(100*rate/ceiling, fmt.Sprintf("%%ceiling-%ddisp", dispatchers))
		b.ReportMetric(float64(duplicates), fmt.Sprintf("dups-%ddisp", dispatchers))
	}
	_ = conn.Close(ctx)
}

// mustNoticeText is the text of one of the enqueued lecture notices.
func mustNoticeText(b *testing.B, s store.Store) string {
	b.Helper()
	ns, err := s.ListNotices(context.Background(), KindLectureNotice, 1)
	if err != nil || len(ns) == 0 {
		b.Fatalf("ListNotices = %v, %v; want a lecture notice", ns, err)
	}
	return ns[0].Text
}

// apiCeiling sends n customer-service texts straight to a fresh fake WeChat
// API through a fresh wxapi client, parallel at a time, with no store and
// no rate limit, and returns the sends per second.
func apiCeiling(b *testing.B, n, parallel int, text string) float64 {
	b.Helper()
	api := wechattest.NewFakeAPI(b)
	cache := storetest.OpenMemoryCache(b)
	client := wxapi.New(wxapi.Config{AppID: "wxtest0000000001", Secret: "s", APIBase: api.URL(), Timeout: 5 * time.Second},
		cache, slog.New(slog.DiscardHandler))
	var (
		next atomic.Int64
		wg   sync.WaitGroup
	)
	cpu := startCPU()
	start := time.Now()
	for range parallel {
		wg.Go(func() {
			for i := next.Add(1); i <= int64(n); i = next.Add(1) {
				if err := client.SendText(context.Background(), "o-"+strconv.FormatInt(i, 10), text); err != nil {
					b.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
	took := time.Since(start)
	if sent, duplicates, _ := tally(api.CustomerTexts(), n); sent != n || duplicates != 0 {
		b.Errorf("ceiling run: %d sent, %d duplicates; want %d once each", sent, duplicates, n)
	}
	self, _ := cpu.perOp(n)
	rate := float64(n) / took.Seconds()
	b.Logf("the fake API's ceiling: %d sends, %d in flight, no store: %s = %.0f/s; CPU per send: this process (client and fake API) %.0f µs",
		n, parallel, took.Round(time.Millisecond), rate, self)
	return rate
}

// cpuMark is the CPU time used so far, in clock ticks (1/100 s on Linux),
// by this process and by every process of the PostgreSQL server (other
// databases' work included: on a shared machine, an upper bound). Both are
// 0 where /proc cannot be read.
type cpuMark struct{ self, postgres int64 }

func startCPU() cpuMark {
	var m cpuMark
	procs, _ := filepath.Glob("/proc/[0-9]*")
	for _, p := range procs {
		if comm, err := os.ReadFile(p + "/comm"); err == nil && strings.TrimSpace(string(comm)) == "postgres" {
			m.postgres += procTicks(p)
		}
	}
	m.self = procTicks("/proc/self")
	return m
}

// perOp is the CPU since m in microseconds per each of n operations.
func (m cpuMark) perOp(n int) (self, postgres float64) {
	now := startCPU()
	perOp := func(ticks int64) float64 { return float64(ticks) * 1e4 / float64(n) }
	return perOp(now.self - m.self), perOp(now.postgres - m.postgres)
}

// procTicks is utime + stime of the process at dir.
func procTicks(dir string) int64 {
	stat, err := os.ReadFile(dir + "/stat")
	i := strings.LastIndexByte(string(stat), ')')
	if err != nil || i < 0 {
		return 0
	}
	f := strings.Fields(string(stat[i+1:]))
	if len(f) < 13 {
		return 0
	}
	u, _ := strconv.ParseInt(f[11], 10, 64)
	s, _ := strconv.ParseInt(f[12], 10, 64)
	return u + s
}

// tally counts the texts the fake API accepted, the sends beyond the first
// to a recipient, and how many of want recipients got nothing.
func tally(texts []wechattest.CustomerText, want int) (sent, duplicates, missing int) {
	per := make(map[string]int, len(texts))
	for _, m := range texts {
		per[m.ToUser]++
	}
	for _, c := range per {
		duplicates += c - 1
	}
	return len(texts), duplicates, max(want-len(per), 0)
}

package scheduler

import (
	"context"
	"database/sql"
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

	"envoybot/bot/wechattest"
	"envoybot/bot/wxapi"
	"envoybot/configs"
	"envoybot/store"
	"envoybot/store/sqlstore"
	"envoybot/store/storetest"
)

// BenchmarkLectureFanOut100k measures a lecture notice to 100,000
// subscribers on each store as envoybot runs it: embedded SQLite (the
// dispatchers share the send rate through the database, the WeChat client
// keeps its token in process) and PostgreSQL with Redis (both in Redis).
// It times the lecture-notices job enqueueing the notices, the same job a
// minute later (everything already enqueued), and draining them against
// the fake WeChat API with 1 and with 3 dispatchers, the rate limit above
// what the API can take. Before each drain it measures the fake API's own
// ceiling the same way: the same client on the same kind of cache sending
// as many texts, with as many in flight as the dispatchers have together,
// and no store. Every drain counts the sends per OpenID at the fake API:
// duplicates must be 0. Run it once per store and round:
//
//	ENVOYBOT_TEST_DATABASE_URL=... ENVOYBOT_TEST_REDIS_URL=... \
//	  go test -run '^$' -bench FanOut -benchtime 1x -count 3 ./scheduler/
//
// With ENVOYBOT_BENCH_API_RTT (a duration such as 10ms) the fake API takes
// that long to answer each send, in the ceiling and in the drains alike,
// as the real API's round trip does: the ceiling is then the sends in
// flight over the round trip, and the drain shows whether the dispatchers
// keep every send slot busy. Without it (0) both are bound by this
// machine's CPU instead.
func BenchmarkLectureFanOut100k(b *testing.B) {
	b.Run("sqlite", func(b *testing.B) {
		path := filepath.Join(b.TempDir(), "envoybot.db")
		db, err := sqlstore.OpenSQLite(context.Background(), path)
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { db.Close() })
		raw, err := sql.Open("sqlite", path+"?_pragma=busy_timeout(10000)")
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { raw.Close() })
		benchFanOut(b, fanOutStore{
			s: db, raw: raw, sendCache: db.SharedCache(),
			clientCache: func(b *testing.B) store.Cache { return storetest.OpenMemoryCache(b) },
			time:        func(t time.Time) any { return t.UTC().Format("2006-01-02T15:04:05.000000Z07:00") },
		})
	})
	b.Run("postgres", func(b *testing.B) {
		url := storetest.PostgresSchemaURL(b)
		if os.Getenv(storetest.RedisURLEnv) == "" {
			b.Skipf("set %s: the PostgreSQL deployment keeps the send rate and the token in Redis", storetest.RedisURLEnv)
		}
		url += "&application_name=" + benchApp
		db, err := sqlstore.OpenPostgres(context.Background(), url)
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { db.Close() })
		raw, err := sql.Open("pgx", url)
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { raw.Close() })
		benchFanOut(b, fanOutStore{
			s: db, raw: raw, sendCache: storetest.OpenRedisCache(b), pg: true,
			clientCache: func(b *testing.B) store.Cache { return storetest.OpenRedisCache(b) },
			time:        func(t time.Time) any { return t.UTC() },
		})
	})
}

// benchApp is the application_name of the benchmark's PostgreSQL
// connections, by which it finds its backends to count their CPU.
const benchApp = "envoybot-fanout-bench"

// fanOutStore is a store as envoybot runs it, with what the benchmark
// needs besides.
type fanOutStore struct {
	s  store.Store
	pg bool
	// raw reaches the store's tables for set-up and resets.
	raw *sql.DB
	// sendCache is the dispatchers' (send rate, quota pause).
	sendCache store.Cache
	// clientCache opens the WeChat client's (access token), one per client.
	clientCache func(b *testing.B) store.Cache
	// time encodes a time parameter of raw as the store keeps it.
	time func(time.Time) any
}

func (f fanOutStore) exec(b *testing.B, query string, args ...any) {
	b.Helper()
	if _, err := f.raw.Exec(query, args...); err != nil {
		b.Fatalf("%s: %v", strings.Fields(query)[0], err)
	}
}

// apiRTT is ENVOYBOT_BENCH_API_RTT, the fake API's time to answer a send.
func apiRTT(b *testing.B) time.Duration {
	v := os.Getenv("ENVOYBOT_BENCH_API_RTT")
	if v == "" {
		return 0
	}
	d, err := time.ParseDuration(v)
	if err != nil || d < 0 {
		b.Fatalf("ENVOYBOT_BENCH_API_RTT=%q: want a duration such as 10ms", v)
	}
	return d
}

// newFakeAPI is a fake WeChat API answering each send after rtt.
func newFakeAPI(b *testing.B, rtt time.Duration) *wechattest.FakeAPI {
	api := wechattest.NewFakeAPI(b)
	if rtt > 0 {
		api.Delay("/cgi-bin/message/custom/send", rtt)
	}
	return api
}

func benchFanOut(b *testing.B, f fanOutStore) {
	ctx := context.Background()
	rtt := apiRTT(b)
	s := f.s
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
	at := f.time(now.Add(-time.Hour))
	f.exec(b, `WITH RECURSIVE g(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM g WHERE x < 100000)
		INSERT INTO users (openid, last_interaction_at, created_at, updated_at)
		SELECT 'o-' || x, $1, $1, $1 FROM g`, at)
	f.exec(b, `INSERT INTO lecture_subscriptions (user_id, community_id, created_at, updated_at)
		SELECT u.id, c.id, $1, $1 FROM users u, communities c
		WHERE u.openid LIKE 'o-%' AND u.openid <> 'o-envoy' AND c.name = '古槐社区'`, at)
	f.exec(b, `ANALYZE`)
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
	// best ceiling here (about 20,000 a second), so it is not what limits
	// a drain. Batch, lease, sends in flight and flush interval are
	// envoybot.yaml's defaults.
	cfg := configs.Notices{RatePerSecond: 100_000, Batch: 100, Lease: 2 * time.Minute, PollInterval: 10 * time.Millisecond,
		RetryBase: time.Second, RetryMax: time.Second, MaxAge: time.Hour, CustomerWindow: 48 * time.Hour, QuotaReset: "00:00"}
	clock := func() time.Time { return now.Add(2 * time.Minute) }
	parallel := NewDispatcher(s, nil, nil, cfg, time.UTC, "probe", log, clock).parallel
	b.Logf("rate limit %d/s (above the API's ceiling: not the bottleneck); batch %d; %d sends in flight per dispatcher; the API answers a send in %s",
		cfg.RatePerSecond, cfg.Batch, parallel, rtt)
	for _, dispatchers := range []int{1, 3} {
		// The fake API's own ceiling at the same number of sends in flight,
		// through the same client on the same kind of cache, with no
		// store: what a drain could reach.
		ceiling := apiCeiling(b, n+1, parallel*dispatchers, rtt, text, f.clientCache(b))
		if dispatchers > 1 { // the same notices again
			f.exec(b, `DELETE FROM outbox_attempts`)
			f.exec(b, `UPDATE outbox SET status = 'pending', attempts = 0, claimed_by = '', claimed_until = NULL,
				sent_at = NULL, channel = '', last_error = ''`)
			if f.pg {
				f.exec(b, `VACUUM ANALYZE outbox`)
				f.exec(b, `VACUUM ANALYZE outbox_attempts`)
			}
		}
		api := newFakeAPI(b, rtt)
		client := wxapi.New(wxapi.Config{AppID: "wxtest0000000001", Secret: "s", APIBase: api.URL(), Timeout: 5 * time.Second}, f.clientCache(b), log)
		cpu := startCPU(f.raw, f.pg)
		start := time.Now()
		var wg sync.WaitGroup
		for i := 0; i < dispatchers; i++ {
			d := NewDispatcher(s, f.sendCache, client, cfg, time.UTC, fmt.Sprintf("r%d", i), log, clock)
			wg.Go(func() {
				if _, err := d.Drain(ctx); err != nil {
					b.Error(err)
				}
			})
		}
		wg.Wait()
		took := time.Since(start)
		use := cpu.perOp(n + 1)
		sent, duplicates, missing := tally(api.CustomerTexts(), n+1)
		if sent != n+1 || duplicates != 0 { // the subscribers and the envoy, whose subscription created the community
			b.Errorf("%d dispatcher(s) sent %d notices (%d duplicates, %d recipients missed), want %d once each",
				dispatchers, sent, duplicates, missing, n+1)
		}
		rate := float64(sent) / took.Seconds()
		b.Logf("%d dispatcher(s): %d notices in %s = %.0f/s; the API's ceiling at %d in flight %.0f/s; drain = %.0f%% of it; duplicates %d, missed %d; CPU per notice: %s",
			dispatchers, sent, took.Round(time.Millisecond), rate, parallel*dispatchers, ceiling, 100*rate/ceiling, duplicates, missing, use)
		b.ReportMetric(rate, fmt.Sprintf("sends/s-%ddisp", dispatchers))
		b.ReportMetric(ceiling, fmt.Sprintf("sends/s-ceiling-%dinflight", parallel*dispatchers))
		b.ReportMetric(100*rate/ceiling, fmt.Sprintf("%%ceiling-%ddisp", dispatchers))
		b.ReportMetric(float64(duplicates), fmt.Sprintf("dups-%ddisp", dispatchers))
	}
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
// API through a fresh wxapi client on cache, parallel at a time, with no
// store and no rate limit, and returns the sends per second.
func apiCeiling(b *testing.B, n, parallel int, rtt time.Duration, text string, cache store.Cache) float64 {
	b.Helper()
	api := newFakeAPI(b, rtt)
	client := wxapi.New(wxapi.Config{AppID: "wxtest0000000001", Secret: "s", APIBase: api.URL(), Timeout: 5 * time.Second},
		cache, slog.New(slog.DiscardHandler))
	var (
		next atomic.Int64
		wg   sync.WaitGroup
	)
	cpu := startCPU(nil, false)
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
	rate := float64(n) / took.Seconds()
	b.Logf("the fake API's ceiling: %d sends, %d in flight, no store: %s = %.0f/s; CPU per send: %s",
		n, parallel, took.Round(time.Millisecond), rate, cpu.perOp(n))
	return rate
}

// cpuMark is the CPU time used so far, in clock ticks (1/100 s on Linux),
// by this process (dispatchers, WeChat client and fake API), by the
// PostgreSQL backends of this benchmark's connections, and by the Redis
// server (every client's: on a shared machine, an upper bound). The
// counts are 0 where /proc cannot be read.
type cpuMark struct {
	raw      *sql.DB
	self     int64
	backends map[int]int64
	redis    int64
}

// startCPU marks the CPU used so far; raw (when pg) finds the backends.
func startCPU(raw *sql.DB, pg bool) cpuMark {
	m := cpuMark{self: procTicks("/proc/self"), redis: procsTicks("redis-server")}
	if pg {
		m.raw, m.backends = raw, backendTicks(raw)
	}
	return m
}

// usage is CPU per operation in microseconds.
type usage struct {
	self, backends, redis float64
	pg                    bool
}

func (u usage) String() string {
	if !u.pg {
		return fmt.Sprintf("this process %.0f µs", u.self)
	}
	return fmt.Sprintf("this process %.0f µs, its PostgreSQL backends %.0f µs (total %.0f µs), Redis server %.0f µs",
		u.self, u.backends, u.self+u.backends, u.redis)
}

// perOp is the CPU since m per each of n operations.
func (m cpuMark) perOp(n int) usage {
	perOp := func(ticks int64) float64 { return float64(ticks) * 1e4 / float64(n) }
	u := usage{self: perOp(procTicks("/proc/self") - m.self), redis: perOp(procsTicks("redis-server") - m.redis), pg: m.raw != nil}
	if m.raw != nil {
		for pid, t := range backendTicks(m.raw) {
			u.backends += perOp(t - m.backends[pid]) // a backend opened meanwhile counts whole
		}
	}
	return u
}

// backendTicks is the CPU so far of each PostgreSQL backend serving this
// benchmark (application_name benchApp).
func backendTicks(raw *sql.DB) map[int]int64 {
	rows, err := raw.Query(`SELECT pid FROM pg_stat_activity WHERE application_name = $1`, benchApp)
	if err != nil {
		return nil
	}
	defer rows.Close()
	ticks := map[int]int64{}
	for rows.Next() {
		var pid int
		if rows.Scan(&pid) == nil {
			ticks[pid] = procTicks(fmt.Sprintf("/proc/%d", pid))
		}
	}
	return ticks
}

// procsTicks is the CPU so far of every process named comm.
func procsTicks(comm string) int64 {
	var sum int64
	procs, _ := filepath.Glob("/proc/[0-9]*")
	for _, p := range procs {
		if c, err := os.ReadFile(p + "/comm"); err == nil && strings.TrimSpace(string(c)) == comm {
			sum += procTicks(p)
		}
	}
	return sum
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

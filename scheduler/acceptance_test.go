package scheduler

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"sync"
	"syscall"
	"testing"
	"time"

	"envoybot/bot/wechattest"
	"envoybot/bot/wxapi"
	"envoybot/configs"
	"envoybot/store"
	"envoybot/store/memory"
	"envoybot/store/sqlstore"
	"envoybot/store/storetest"
)

// Environment of the child process that TestKilledDispatcher kills.
const (
	childEnv    = "ENVOYBOT_TEST_DRAIN_CHILD"
	childDBEnv  = "ENVOYBOT_TEST_DRAIN_DB"
	childAPIEnv = "ENVOYBOT_TEST_DRAIN_API"
)

func TestMain(m *testing.M) {
	switch os.Getenv(childEnv) {
	case "1":
		os.Exit(drainChild())
	case "scheduler":
		os.Exit(schedulerChild())
	}
	os.Exit(m.Run())
}

// killTick is the tick the killed scheduler replica claims.
var killTick = time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC)

// schedulerChild is the replica TestKilledSchedulerReplica kills: it
// claims the run of a slow job and never finishes it.
func schedulerChild() int {
	s, err := sqlstore.OpenPostgres(context.Background(), os.Getenv(childDBEnv))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	job := Job{Name: "weekly-report", Run: func(ctx context.Context, _ time.Time) error {
		time.Sleep(time.Hour) // killed long before
		return nil
	}}
	sch := New(s, "child", 2*time.Second, time.UTC, slog.New(slog.DiscardHandler), time.Now)
	sch.tryRun(job, killTick)
	return 0
}

// acceptanceNotices is the dispatcher configuration of these tests: the
// rate limit effectively off, short leases so a dead replica's notices
// come back quickly.
func acceptanceNotices() configs.Notices {
	return configs.Notices{RatePerSecond: 1_000_000, Batch: 100, Lease: 3 * time.Second, PollInterval: 10 * time.Millisecond,
		RetryBase: 10 * time.Millisecond, RetryMax: 50 * time.Millisecond, MaxAge: time.Hour, CustomerWindow: 48 * time.Hour, QuotaReset: "00:00"}
}

// seedNotices writes n lecture notices to n users who wrote an hour ago.
func seedNotices(t testing.TB, s store.Store, n int, now time.Time) {
	ctx := context.Background()
	ns := make([]store.NewNotice, n)
	for i := range ns {
		id := fmt.Sprintf("o-%05d", i)
		if _, err := s.TouchUser(ctx, id, now.Add(-time.Hour)); err != nil {
			t.Fatal(err)
		}
		ns[i] = store.NewNotice{Key: "k|" + id, Kind: KindLectureNotice, Subject: "L1@x", OpenID: id, Text: "讲座提醒 " + id}
	}
	if _, err := s.EnqueueNotices(ctx, ns, now); err != nil {
		t.Fatal(err)
	}
}

// sendsPer counts the customer-service texts each recipient got.
func sendsPer(api *wechattest.FakeAPI) map[string]int {
	seen := map[string]int{}
	for _, m := range api.CustomerTexts() {
		seen[m.ToUser]++
	}
	return seen
}

func newClient(api *wechattest.FakeAPI, cache store.Cache) *wxapi.Client {
	return wxapi.New(wxapi.Config{AppID: "wxtest0000000001", Secret: "s", APIBase: api.URL(), Timeout: 2 * time.Second}, cache, slog.New(slog.DiscardHandler))
}

func TestTenThousandNoticesByThreeDispatchers(t *testing.T) {
	for _, failing := range []bool{false, true} {
		t.Run(fmt.Sprintf("10%% 5xx=%v", failing), func(t *testing.T) {
			s := storetest.OpenPostgres(t)
			api := wechattest.NewFakeAPI(t)
			if failing {
				api.FailEvery("/cgi-bin/message/custom/send", 10, 503)
			}
			cache := storetest.OpenMemoryCache(t)
			client := newClient(api, cache)
			now := time.Now()
			const n = 10_000
			seedNotices(t, s, n, now)
			var wg sync.WaitGroup
			for i := 0; i < 3; i++ {
				d := NewDispatcher(s, cache, client, acceptanceNotices(), time.UTC, fmt.Sprintf("replica-%d", i), slog.New(slog.DiscardHandler), time.Now)
				wg.Add(1)
				go func() {
					defer wg.Done()
					for k := 0; k < 20; k++ { // until retries of the 503s are done
						if _, err := d.Drain(context.Background()); err != nil {
							t.Error(err)
						}
						if counts, _ := s.NoticeCounts(context.Background()); counts[store.NoticeSent] == n {
							return
						}
						time.Sleep(60 * time.Millisecond)
					}
				}()
			}
			wg.Wait()
			seen := sendsPer(api)
			twice := 0
			for i := 0; i < n; i++ {
				switch c := seen[fmt.Sprintf("o-%05d", i)]; {
				case c == 0:
					t.Errorf("o-%05d got nothing", i)
				case c > 1:
					twice++
				}
			}
			if total := len(api.CustomerTexts()); total != n || twice != 0 {
				t.Errorf("%d successful sends, %d recipients twice; want exactly %d and none", total, twice, n)
			}
			calls := len(api.Calls("/cgi-bin/message/custom/send"))
			t.Logf("%d notices, %d send calls (%d failed with 503), %d successful, %d recipients twice", n, calls, calls-len(api.CustomerTexts()), len(api.CustomerTexts()), twice)
		})
	}
}

// drainChild is the process TestKilledDispatcher kills: one dispatcher
// draining the outbox of the PostgreSQL schema it is given.
func drainChild() int {
	ctx := context.Background()
	s, err := sqlstore.OpenPostgres(ctx, os.Getenv(childDBEnv))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	cache := memory.New()
	client := wxapi.New(wxapi.Config{AppID: "wxtest0000000001", Secret: "s", APIBase: os.Getenv(childAPIEnv), Timeout: 2 * time.Second}, cache, slog.New(slog.DiscardHandler))
	d := NewDispatcher(s, cache, client, acceptanceNotices(), time.UTC, "child", slog.New(slog.DiscardHandler), time.Now)
	for {
		if _, err := d.Drain(ctx); err != nil {
			fmt.Fprintln(os.Stderr, err)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestKilledDispatcherLosesNothing(t *testing.T) {
	url := storetest.PostgresSchemaURL(t)
	s, err := sqlstore.OpenPostgres(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	api := wechattest.NewFakeAPI(t)
	api.Delay("/cgi-bin/message/custom/send", 2*time.Millisecond) // a drain that takes a while
	const n = 10_000
	seedNotices(t, s, n, time.Now())

	child := exec.Command(os.Args[0], "-test.run=^$")
	child.Env = append(os.Environ(), childEnv+"=1", childDBEnv+"="+url, childAPIEnv+"="+api.URL())
	child.Stderr = os.Stderr
	if err := child.Start(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(60 * time.Second)
	for len(api.CustomerTexts()) < n/3 {
		if time.Now().After(deadline) {
			_ = child.Process.Kill()
			t.Fatalf("the child sent only %d notices in 60 s", len(api.CustomerTexts()))
		}
		time.Sleep(5 * time.Millisecond)
	}
	if err := child.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_ = child.Wait()
	atKill := len(api.CustomerTexts())

	// A fresh replica: the dead one's claimed batch comes back after its lease.
	cache := storetest.OpenMemoryCache(t)
	d := NewDispatcher(s, cache, newClient(api, cache), acceptanceNotices(), time.UTC, "restarted", slog.New(slog.DiscardHandler), time.Now)
	for k := 0; k < 100; k++ {
		if _, err := d.Drain(context.Background()); err != nil {
			t.Fatal(err)
		}
		if counts, _ := s.NoticeCounts(context.Background()); counts[store.NoticeSent] == n {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	seen := sendsPer(api)
	duplicates := 0
	for i := 0; i < n; i++ {
		switch c := seen[fmt.Sprintf("o-%05d", i)]; {
		case c == 0:
			t.Errorf("o-%05d never got its notice", i)
		case c > 1:
			duplicates += c - 1
		}
	}
	t.Logf("killed with SIGKILL after %d of %d sends; after the restart every notice delivered, %d duplicates (a claimed batch is %d)",
		atKill, n, duplicates, acceptanceNotices().Batch)
	if duplicates > acceptanceNotices().Batch {
		t.Errorf("%d duplicates, want at most one claimed batch (%d)", duplicates, acceptanceNotices().Batch)
	}
}

func TestThreeSchedulersFireEachTickOnce(t *testing.T) {
	s := storetest.OpenPostgres(t)
	var mu sync.Mutex
	runs := map[time.Time]int{}
	job := Job{Name: "tick", Spec: "@every 1s", Run: func(_ context.Context, now time.Time) error {
		mu.Lock()
		runs[now.Truncate(time.Second)]++
		mu.Unlock()
		return nil
	}}
	var schedulers []*Scheduler
	for i := 0; i < 3; i++ {
		sch := New(s, fmt.Sprintf("replica-%d", i), time.Minute, time.UTC, slog.New(slog.DiscardHandler), time.Now)
		if err := sch.Add(job); err != nil {
			t.Fatal(err)
		}
		schedulers = append(schedulers, sch)
	}
	for _, sch := range schedulers {
		sch.Start()
	}
	time.Sleep(4500 * time.Millisecond)
	for _, sch := range schedulers {
		if err := sch.Stop(context.Background()); err != nil {
			t.Error(err)
		}
	}
	mu.Lock()
	defer mu.Unlock()
	if len(runs) < 3 {
		t.Errorf("only %d ticks ran in 4.5 s: %v", len(runs), runs)
	}
	for tick, n := range runs {
		if n != 1 {
			t.Errorf("tick %s ran %d times across 3 schedulers, want 1", tick.Format(time.TimeOnly), n)
		}
	}
	t.Logf("3 schedulers, %d ticks, each run once", len(runs))
}

func TestKilledSchedulerReplica(t *testing.T) {
	url := storetest.PostgresSchemaURL(t)
	s, err := sqlstore.OpenPostgres(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	child := exec.Command(os.Args[0], "-test.run=^$")
	child.Env = append(os.Environ(), childEnv+"=scheduler", childDBEnv+"="+url)
	child.Stderr = os.Stderr
	if err := child.Start(); err != nil {
		t.Fatal(err)
	}
	// Wait until the child holds the run, then kill it.
	deadline := time.Now().Add(30 * time.Second)
	for {
		if time.Now().After(deadline) {
			_ = child.Process.Kill()
			t.Fatal("the child did not claim the run in 30 s")
		}
		holder, err := jobRunHolder(s, killTick)
		if err != nil {
			t.Fatal(err)
		}
		if holder == "child" {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	if err := child.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_ = child.Wait()
	killed := time.Now()

	var ran int
	job := Job{Name: "weekly-report", Run: func(context.Context, time.Time) error { ran++; return nil }}
	other := New(s, "survivor", 2*time.Second, time.UTC, slog.New(slog.DiscardHandler), time.Now)
	for !other.tryRun(job, killTick) {
		if time.Since(killed) > 10*time.Second {
			t.Fatal("no takeover 10 s after the holder was killed (lease 2 s)")
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Logf("the replica holding the run was killed with SIGKILL; another took the run over %s later (lease 2 s) and ran it %d time(s)",
		time.Since(killed).Round(100*time.Millisecond), ran)
	if ran != 1 {
		t.Errorf("the job ran %d times after the takeover, want 1", ran)
	}
}

// jobRunHolder tells whether another replica holds job_runs' row of
// weekly-report at tick ("child"), or nobody claimed it yet ("").
func jobRunHolder(s store.Store, tick time.Time) (string, error) {
	// FinishJobRun by a stranger is ECONFLICT while another replica holds
	// the run, ENOTFOUND when nobody claimed it.
	err := s.FinishJobRun(context.Background(), "weekly-report", tick, "stranger", "", time.Now())
	switch store.ErrorCode(err) {
	case store.ECONFLICT:
		return "child", nil
	case store.ENOTFOUND:
		return "", nil
	}
	return "", err
}

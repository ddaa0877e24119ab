package main

import (
	"bytes"
	"encoding/json"
	"io"
	"maps"
	"math"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"envoybot/configs"
)

// runJSON runs wxload with args and decodes its summary.
func runJSON(t *testing.T, args ...string) (Summary, int, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := run(args, &stdout, &stderr)
	var sum Summary
	if code != 2 && stdout.Len() > 0 {
		if err := json.Unmarshal(stdout.Bytes(), &sum); err != nil {
			t.Fatalf("summary is not JSON: %v\n%s", err, stdout.String())
		}
	}
	return sum, code, stderr.String()
}

func TestLoadAgainstBareEcho(t *testing.T) {
	echo := httptest.NewServer(NewEchoServer(configs.DevToken, configs.DevAppID, configs.DevAESKey))
	defer echo.Close()
	url := echo.URL + "/wechat"

	tests := []struct {
		name string
		args []string
		loop string
		mode string
	}{
		{"closed loop in plain mode", []string{"-c", "4", "-n", "200"}, "closed", "plain"},
		{"closed loop in safe mode verifies and decrypts every reply", []string{"-safe", "-c", "4", "-n", "200"}, "closed", "safe"},
		{"open loop at a fixed rate", []string{"-safe", "-rate", "400", "-n", "100"}, "open", "safe"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			sum, code, stderr := runJSON(t, append([]string{"-echo", "-url", url, "-users", "10"}, tc.args...)...)
			if code != 0 {
				t.Fatalf("exit %d\n%s", code, stderr)
			}
			want := map[string]int64{"closed": 200, "open": 100}[tc.loop]
			if sum.Sent != want || sum.OK != want || len(sum.Errors) != 0 {
				t.Fatalf("sent %d, ok %d, errors %v; want %d good", sum.Sent, sum.OK, sum.Errors, want)
			}
			if sum.Target != "bare-echo" || sum.Loop != tc.loop || sum.Mode != tc.mode {
				t.Errorf("target %q loop %q mode %q", sum.Target, sum.Loop, sum.Mode)
			}
			l := sum.Latency
			if !(l.P50 > 0 && l.P50 <= l.P90 && l.P90 <= l.P99 && l.P99 <= l.Max) {
				t.Errorf("latency percentiles out of order: %+v", l)
			}
			if sum.Throughput <= 0 || sum.Seconds <= 0 {
				t.Errorf("throughput %v over %v s", sum.Throughput, sum.Seconds)
			}
			var kinds int64
			for kind, ks := range sum.ByKind {
				if kindTexts[kind] == nil || ks.OK != ks.Sent {
					t.Errorf("by kind %q: %+v", kind, ks)
				}
				kinds += ks.Sent
			}
			if kinds != sum.Sent || len(sum.ByKind) != len(kindTexts) {
				t.Errorf("by kind %v does not add up to %d sent over every kind", sum.ByKind, sum.Sent)
			}
		})
	}
}

func TestOpenLoopKeepsToTheRate(t *testing.T) {
	echo := httptest.NewServer(NewEchoServer(configs.DevToken, configs.DevAppID, configs.DevAESKey))
	defer echo.Close()
	start := time.Now()
	sum, code, stderr := runJSON(t, "-echo", "-url", echo.URL+"/wechat", "-rate", "200", "-d", "500ms")
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	if sum.Sent < 90 || sum.Sent > 101 {
		t.Errorf("sent %d in 500ms at 200/s, want about 100", sum.Sent)
	}
	if took := time.Since(start); took > 5*time.Second {
		t.Errorf("took %v", took)
	}
}

func TestErrorsAreCountedByKind(t *testing.T) {
	echo := NewEchoServer(configs.DevToken, configs.DevAppID, configs.DevAESKey)
	tests := []struct {
		name    string
		handler http.HandlerFunc
		args    []string
		kind    string
	}{
		{"wrong token is refused by the echo", echo.ServeHTTP, []string{"-token", "wrongtoken"}, "status_403"},
		{"success instead of a reply", func(w http.ResponseWriter, r *http.Request) {
			_, _ = w.Write([]byte("success"))
		}, nil, "empty_reply"},
		{"garbage instead of a safe-mode reply", func(w http.ResponseWriter, r *http.Request) {
			_, _ = w.Write([]byte("<xml><Encrypt>nope</Encrypt></xml>"))
		}, []string{"-safe"}, "bad_reply"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			srv := httptest.NewServer(tc.handler)
			defer srv.Close()
			sum, code, stderr := runJSON(t, append([]string{"-echo", "-url", srv.URL + "/wechat", "-c", "2", "-n", "20"}, tc.args...)...)
			if code != 1 {
				t.Fatalf("exit %d, want 1 when nothing succeeded\n%s", code, stderr)
			}
			if sum.Sent != 20 || sum.OK != 0 || sum.Errors[tc.kind] != 20 {
				t.Fatalf("sent %d ok %d errors %v; want 20 %s", sum.Sent, sum.OK, sum.Errors, tc.kind)
			}
		})
	}
}

func TestWithoutActivityTheMixDropsSignupAndCheckin(t *testing.T) {
	o := options{Users: 1, Concurrency: 1, Mix: []weight{{"help", 1}, {"signup", 2}, {"checkin", 1}}}
	kept, dropped := without(o.Mix, needsActivity)
	if len(kept) != 1 || kept[0].Kind != "help" || strings.Join(dropped, ",") != "signup,checkin" {
		t.Fatalf("kept %v dropped %v", kept, dropped)
	}
}

func TestParseMix(t *testing.T) {
	tests := []struct {
		in      string
		want    []weight
		wantErr bool
	}{
		{"help=2, signup=1", []weight{{"help", 2}, {"signup", 1}}, false},
		{"lectures", []weight{{"lectures", 1}}, false},
		{"help=0,my_hours=3", []weight{{"my_hours", 3}}, false},
		{"dance=1", nil, true},
		{"help=x", nil, true},
		{"help=1,help=2", nil, true},
		{"help=0", nil, true},
	}
	for _, tc := range tests {
		got, err := parseMix(tc.in)
		if (err != nil) != tc.wantErr || (!tc.wantErr && !equalWeights(got, tc.want)) {
			t.Errorf("parseMix(%q) = %v, %v; want %v (error %v)", tc.in, got, err, tc.want, tc.wantErr)
		}
	}
}

func equalWeights(a, b []weight) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestPercentileIsNearestRank(t *testing.T) {
	ls := make([]time.Duration, 100)
	for i := range ls {
		ls[i] = time.Duration(i+1) * time.Millisecond
	}
	l := latencies(ls)
	if l.P50 != 50 || l.P90 != 90 || l.P99 != 99 || l.Max != 100 || l.Mean != 50.5 {
		t.Fatalf("latencies = %+v", l)
	}
}

func TestPublishTextOpensCheckinNow(t *testing.T) {
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		loc = time.FixedZone("CST", 8*3600)
	}
	tests := []struct {
		now  time.Time
		want string
	}{
		{time.Date(2026, 12, 5, 14, 3, 20, 0, loc), "12月5日 14:13-18:13"},
		{time.Date(2026, 12, 5, 22, 0, 0, 0, loc), "12月5日 22:10-23:59"},
		{time.Date(2026, 12, 31, 23, 40, 0, 0, loc), "1月1日 09:00-13:00"},
	}
	for _, tc := range tests {
		if got := publishText(tc.now); !strings.Contains(got, tc.want) || !strings.Contains(got, "名额99999") {
			t.Errorf("publishText(%v) = %q, want %q in it", tc.now, got, tc.want)
		}
	}
}

func TestVolunteerNamesAreChineseNames(t *testing.T) {
	for _, i := range []int{0, 19, 20, 399, 12345} {
		if n := []rune(volunteerName(i)); len(n) != 3 || strings.ContainsAny(string(n), "0123456789") {
			t.Errorf("volunteerName(%d) = %q", i, string(n))
		}
	}
}

// TestMain lets the compare run this test binary as its bare echo child
// (wxload -serve-echo …): with echoTestEnv set, the binary is wxload.
func TestMain(m *testing.M) {
	if os.Getenv(echoTestEnv) == "1" {
		os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
	}
	echoEnv = []string{echoTestEnv + "=1"}
	os.Exit(m.Run())
}

const echoTestEnv = "WXLOAD_TEST_RUN_AS_WXLOAD"

func TestParseProcStat(t *testing.T) {
	// pid (comm) state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime cutime cstime …
	line := "4242 (envoy bot) (x)) S 1 4242 4242 0 -1 4194304 124 0 0 0 150 57 3 4 20 0 9 0 1234 0 0\n"
	got, err := parseProcStat(line)
	if err != nil || got != 2070*time.Millisecond {
		t.Fatalf("parseProcStat = %v, %v; want 2.07s (150 + 57 ticks; children's 3 + 4 not counted)", got, err)
	}
	for _, bad := range []string{"", "4242 envoybot S 1", "4242 (envoybot) S 1 2 3", "4242 (e) S 1 1 1 0 -1 0 0 0 0 0 x 5"} {
		if _, err := parseProcStat(bad); err == nil {
			t.Errorf("parseProcStat(%q) took it", bad)
		}
	}
	// This process's own line parses and grows as it works.
	before, err := procCPU(os.Getpid())
	if err != nil {
		t.Fatal(err)
	}
	for start := time.Now(); time.Since(start) < 50*time.Millisecond; {
	}
	if after, err := procCPU(os.Getpid()); err != nil || after <= before {
		t.Errorf("own CPU %v then %v (%v)", before, after, err)
	}
}

func TestParseCommandStats(t *testing.T) {
	info := "# Commandstats\r\n" +
		"cmdstat_set:calls=18235,usec=196171,usec_per_call=10.76,rejected_calls=0,failed_calls=0\r\n" +
		"cmdstat_evalsha:calls=20926,usec=804875,usec_per_call=38.46,rejected_calls=0,failed_calls=3\r\n" +
		"cmdstat_client|setname:calls=7,usec=9,usec_per_call=1.29,rejected_calls=0,failed_calls=0\r\n" +
		"\r\n"
	got, err := parseCommandStats(info)
	want := map[string]int64{"set": 18235, "evalsha": 20926, "client|setname": 7}
	if err != nil || !maps.Equal(got, want) {
		t.Fatalf("parseCommandStats = %v, %v; want %v", got, err, want)
	}
	for _, bad := range []string{"cmdstat_set:calls=x,usec=1", "cmdstat_set:usec=1"} {
		if _, err := parseCommandStats(bad); err == nil {
			t.Errorf("parseCommandStats(%q) took it", bad)
		}
	}
}

func TestRedisDeltaLeavesOutItsOwnInfo(t *testing.T) {
	before := map[string]int64{"set": 10, "get": 5, "info": 3}
	after := map[string]int64{"set": 30, "get": 5, "info": 4, "evalsha": 7}
	// The before snapshot's INFO is counted in after: it is the monitor's.
	got := (&redisMonitor{}).delta(before, after)
	if want := map[string]int64{"set": 20, "evalsha": 7}; !maps.Equal(got, want) {
		t.Fatalf("delta = %v, want %v", got, want)
	}
	if total(got) != 27 {
		t.Errorf("total = %d", total(got))
	}
	after["info"] = 6 // somebody else ran two
	if got := (&redisMonitor{}).delta(before, after); got["info"] != 2 {
		t.Errorf("others' INFO: delta = %v, want info 2", got)
	}
}

func TestDiffPG(t *testing.T) {
	before := pgCounters{Commits: 100, Rollbacks: 1, RowsWritten: 50,
		BackendCPU: map[int]time.Duration{1: time.Second, 2: 2 * time.Second, 3: time.Second}}
	after := pgCounters{Commits: 130, Rollbacks: 1, RowsWritten: 80,
		BackendCPU: map[int]time.Duration{1: 1500 * time.Millisecond, 2: 2 * time.Second, 4: 300 * time.Millisecond}}
	d := diffPG(before, after)
	// Backend 3 went away (its time is lost), 4 started during the run (all of it counts).
	if d.Commits != 30 || d.Rollbacks != 0 || d.RowsWritten != 30 || d.BackendCPU != 800*time.Millisecond || d.Statements != -1 {
		t.Fatalf("diffPG = %+v", d)
	}
	before.Statements = map[string]int64{"SELECT 1": 4}
	after.Statements = map[string]int64{"SELECT 1": 10, "INSERT x": 3}
	if d := diffPG(before, after); d.Statements != 9 || d.ByStatement["SELECT 1"] != 6 {
		t.Fatalf("statements: %+v", d)
	}
}

func TestMedianAndRatio(t *testing.T) {
	xs := []float64{3, 1, 2}
	if m := median(xs); m != 2 || xs[0] != 3 {
		t.Errorf("median(3,1,2) = %v, input now %v", m, xs)
	}
	if m := median([]float64{4, 1, 3, 2}); m != 2.5 {
		t.Errorf("median of four = %v, want 2.5", m)
	}
	if m := median(nil); !math.IsNaN(m) {
		t.Errorf("median of none = %v", m)
	}
	if r := ratio(1100, 10000); r != 0.11 {
		t.Errorf("ratio = %v", r)
	}
	if r := ratio(1, 0); !math.IsNaN(r) {
		t.Errorf("ratio to 0 = %v", r)
	}
	for x, want := range map[float64]string{0: "0", 999.4: "999", 13570: "13,570", 1202484: "1,202,484", -1500: "-1,500"} {
		if got := thousands(x); got != want {
			t.Errorf("thousands(%v) = %q, want %q", x, got, want)
		}
	}
}

// fakeReport is a compare of three rounds of one mix: the echo, envoybot
// embedded and envoybot on PostgreSQL + Redis.
func fakeReport() *compareReport {
	rep := &compareReport{
		Started: time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC), Machine: "2 CPUs", LoadBefore: "2.00 2.00 2.00", LoadAfter: "3.00 2.00 2.00",
		Pinning: "pinned with taskset: servers on CPU 1, load (wxload) on CPU 0", Load: "safe mode", Envoybot: "/tmp/envoybot",
		Mixes:   []namedMix{{"realistic", []weight{{"help", 1}, {"signup", 1}}}},
		Targets: []string{echoName, "envoybot embedded", "envoybot postgres"},
	}
	sum := func(tput float64, sent int64, p50, p99, cpu float64) *Summary {
		return &Summary{Sent: sent, OK: sent, Seconds: 10, Throughput: tput, Latency: LatencyMS{P50: p50, P99: p99}, ClientCPUSeconds: cpu}
	}
	for i, tput := range []float64{10000, 9000, 11000} {
		round := i + 1
		rep.Results = append(rep.Results,
			roundResult{Mix: "realistic", Target: echoName, Round: round, Summary: sum(tput, int64(tput*10), 2, 10, 8),
				ServerCPU: time.Duration(tput*10) * 100 * time.Microsecond, Redis: map[string]int64{"get": 50 * int64(round)},
				PG: &pgDelta{Commits: 20, Statements: -1}, WatchSeconds: 10},
			roundResult{Mix: "realistic", Target: "envoybot embedded", Round: round, Summary: sum(tput/10, int64(tput), 20, 80, 1),
				ServerCPU: time.Duration(tput) * time.Millisecond},
			roundResult{Mix: "realistic", Target: "envoybot postgres", Round: round, Summary: sum(float64(1000+100*round), 1000, 30, 90+float64(round), 1),
				ServerCPU:    time.Duration(round) * 500 * time.Millisecond,
				Redis:        map[string]int64{"set": 2000, "evalsha": 1000 * int64(round), "get": 10, "ping": 1},
				PG:           &pgDelta{Commits: 1500 + 500*int64(round), Rollbacks: 0, RowsWritten: 1000, Statements: -1, BackendCPU: 700 * time.Millisecond},
				WatchSeconds: 21},
		)
	}
	return rep
}

func TestFiguresAreMediansPerMessage(t *testing.T) {
	fs := mixFigures(fakeReport(), "realistic")
	if len(fs) != 3 || fs[0].Target != echoName || fs[2].Target != "envoybot postgres" {
		t.Fatalf("figures for %d targets: %+v", len(fs), fs)
	}
	echo, emb, pg := fs[0], fs[1], fs[2]
	if echo.MsgPerS != 10000 || echo.Ratio != 1 || echo.ServerCPU != 100 || echo.LoadCPU != 80 {
		t.Errorf("echo: %+v", echo)
	}
	// Background while envoybot idles: 50·round Redis calls in 10 s, 20 commits in 10 s.
	if echo.RedisPerS != 10 || echo.CommitsPerS != 2 {
		t.Errorf("echo background: Redis %v/s, %v commits/s", echo.RedisPerS, echo.CommitsPerS)
	}
	if emb.MsgPerS != 1000 || emb.Ratio != 0.1 || emb.ServerCPU != 1000 || !math.IsNaN(emb.Redis) || !math.IsNaN(emb.Commits) {
		t.Errorf("embedded: %+v", emb)
	}
	if pg.MsgPerS != 1200 || pg.Ratio != 0.12 || pg.P99 != 92 || pg.Sent != 3000 || pg.Errors != 0 {
		t.Errorf("postgres throughput: %+v", pg)
	}
	// Per message, medians over rounds 1–3: CPU 500/1000/1500 µs, Redis 3.011/4.011/5.011, commits 2/2.5/3.
	if pg.ServerCPU != 1000 || math.Abs(pg.Redis-4.011) > 1e-9 || pg.Commits != 2.5 || pg.RowsWrite != 1 || pg.BackendCPU != 700 {
		t.Errorf("postgres per message: %+v", pg)
	}
	if pg.RedisByCmd["set"] != 2 || pg.RedisByCmd["evalsha"] != 2 || pg.RedisByCmd["get"] != 0.01 {
		t.Errorf("postgres Redis by command: %v", pg.RedisByCmd)
	}
	if !math.IsNaN(pg.Statements) {
		t.Errorf("statements %v, want NaN (not available)", pg.Statements)
	}
}

func TestWriteReport(t *testing.T) {
	var b bytes.Buffer
	writeReport(&b, fakeReport())
	out := b.String()
	for _, want := range []string{
		"load average 2.00 2.00 2.00 before, 3.00 2.00 2.00 after",
		"pinned with taskset: servers on CPU 1, load (wxload) on CPU 0",
		"## Mix realistic (help=1,signup=1)",
		"| bare echo | 10,000 · 9,000 · 11,000 | 10,000 | 1.000 | 2.0 | 10.0 | 300,000 | 0 |",
		"| envoybot postgres | 1,100 · 1,200 · 1,300 | 1,200 | 0.120 | 30.0 | 92.0 | 3,000 | 0 |",
		"| envoybot embedded | 1000 | 100 | — | — | — | — | — | — | — |",
		"| envoybot postgres | 1000 | 1000 | 4.01 | 2.50 | 0.000 | 0.00 | n/a | 1.00 | 700 |",
		"Redis commands per message, envoybot postgres: evalsha 2.00, set 2.00, get 0.01, ping <0.01\n",
		"Redis 10 commands/s",
		"2.0 commits/s",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("report lacks %q:\n%s", want, out)
		}
	}
}

func TestParseCompare(t *testing.T) {
	c, err := parseCompare(nil, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if !c.Load.Safe || c.Load.Concurrency != 32 || c.Load.Duration != 10*time.Second || c.Rounds != 3 || c.Load.Users != 200 ||
		!slices.Equal(c.Stores, []string{"embedded"}) || len(c.Mixes) != 2 || c.Mixes[0].Name != "realistic" || c.Mixes[1].Name != "read-only" ||
		c.Pin != "auto" || c.Settle != 11*time.Second {
		t.Fatalf("defaults: %+v", c)
	}
	if got := c.Mixes[1].String(); got != "help=1,my_hours=1,lectures=1" {
		t.Errorf("read-only mix = %s", got)
	}
	c, err = parseCompare([]string{"-safe=false", "-n", "500", "-mix", "signups:signup=1", "-mix", "read-only",
		"-stores", "postgres,embedded", "-database-url", "postgres://x/y", "-redis-url", "redis://z"}, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if c.Load.Safe || c.Load.N != 500 || c.Load.Duration != 0 || len(c.Mixes) != 2 || c.Mixes[0].String() != "signup=1" ||
		!slices.Equal(c.Stores, []string{"postgres", "embedded"}) {
		t.Errorf("flags: %+v", c)
	}
	for _, bad := range [][]string{
		{"-stores", "postgres"},
		{"-stores", "postgres", "-database-url", "postgres://x/y", "-redis-url", "redis://z", "-redis-prefix", ""},
		{"-stores", "mysql"},
		{"-stores", "embedded,embedded"},
		{"-mix", "everything"},
		{"-mix", "realistic", "-mix", "realistic"},
		{"-mix", "x:dance=1"},
		{"-rounds", "0"},
		{"extra"},
	} {
		if _, err := parseCompare(bad, io.Discard); err == nil {
			t.Errorf("parseCompare(%q) took it", bad)
		}
	}
}

// TestCompareEndToEnd runs wxload compare for real, briefly: the bare echo
// (this binary as wxload) and envoybot built from this repository on the
// embedded store, both mixes, three alternated rounds of a second each.
func TestCompareEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: builds envoybot and loads it for about 15 s")
	}
	jsonPath := filepath.Join(t.TempDir(), "compare.json")
	var stdout, stderr bytes.Buffer
	code := run([]string{"compare", "-d", "1s", "-users", "20", "-c", "8", "-json", jsonPath}, &stdout, &stderr)
	if code != 0 {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", code, stdout.String(), stderr.String())
	}
	out := stdout.String()
	for _, want := range []string{"## Mix realistic", "## Mix read-only", "| bare echo |", "| envoybot embedded |", "envoybot/echo",
		"built from the working tree at", "follower_limit raised"} {
		if !strings.Contains(out, want) {
			t.Errorf("report lacks %q:\n%s", want, out)
		}
	}
	if !strings.Contains(out, "pinned with taskset") && !strings.Contains(out, "no pinning") {
		t.Errorf("report does not say whether it pinned:\n%s", out)
	}
	b, err := os.ReadFile(jsonPath)
	if err != nil {
		t.Fatal(err)
	}
	var rep compareReport
	if err := json.Unmarshal(b, &rep); err != nil {
		t.Fatal(err)
	}
	if len(rep.Results) != 2*3*2 {
		t.Fatalf("%d rounds in the JSON, want 2 mixes × 3 rounds × 2 targets", len(rep.Results))
	}
	for i, r := range rep.Results {
		wantTarget := []string{echoName, "envoybot embedded"}[i%2]
		wantMix := []string{"realistic", "read-only"}[i/6]
		if r.Target != wantTarget || r.Mix != wantMix || r.Round != i%6/2+1 {
			t.Errorf("round %d is %s/%s/%d, want alternated: %s/%s/%d", i, r.Mix, r.Target, r.Round, wantMix, wantTarget, i%6/2+1)
		}
		if r.Summary.Sent == 0 || r.Summary.OK != r.Summary.Sent || r.ServerCPU <= 0 {
			t.Errorf("round %d (%s %s): sent %d ok %d errors %v, server CPU %v", i, r.Mix, r.Target, r.Summary.Sent, r.Summary.OK, r.Summary.Errors, r.ServerCPU)
		}
		if r.Mix == "read-only" && (r.Summary.ByKind["signup"].Sent > 0 || r.Summary.ByKind["checkin"].Sent > 0) {
			t.Errorf("read-only round %d sent %v", i, r.Summary.ByKind)
		}
	}
}

func TestChoosePinning(t *testing.T) {
	p, err := choosePinning("off", "1", "0")
	if err != nil || p.On || !strings.Contains(p.Note, "no pinning") {
		t.Errorf("off: %+v, %v", p, err)
	}
	if _, err := choosePinning("always", "1", "0"); err == nil {
		t.Error("took -pin always")
	}
	// auto never fails: with CPUs that do not exist it says it does not pin.
	p, err = choosePinning("auto", "4095", "0")
	if err != nil || p.On || !strings.Contains(p.Note, "no pinning") {
		t.Errorf("auto on a CPU that is not there: %+v, %v", p, err)
	}
}

package main

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
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

package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"envoybot/bot/wechattest"
	"envoybot/bot/wxsign"
	"envoybot/scheduler"
	"envoybot/store"
)

// scrape reads url's Prometheus text into series → value.
func scrape(t *testing.T, url string) map[string]float64 {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		b, _ := io.ReadAll(resp.Body)
		t.Fatalf("GET %s = %d %s", url, resp.StatusCode, b)
	}
	out := map[string]float64{}
	sc := bufio.NewScanner(resp.Body)
	for sc.Scan() {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		i := strings.LastIndexByte(line, ' ')
		v, err := strconv.ParseFloat(line[i+1:], 64)
		if err != nil {
			t.Fatalf("metrics line %q: %v", line, err)
		}
		out[line[:i]] = v
	}
	return out
}

// TestOperatorMetrics: on every deployment, the operator's series move
// with what happens — dedup hits, rate-limited followers, the outbox's
// depth and the age of its oldest due notice, sends by channel and outcome,
// job runs by job and outcome — on the metrics listener only.
func TestOperatorMetrics(t *testing.T) {
	for _, d := range deployments {
		t.Run(d.name, func(t *testing.T) {
			api := wechattest.NewFakeAPI(t)
			r := start(t, d.env(t), api)
			ctx := context.Background()
			metrics := r.metricsURL + "/metrics"

			body := r.signer.TextXML("o-retry", "帮助", wxsign.NextMsgID())
			first := r.post(t, body, false)
			if again := r.post(t, body, false); again != first {
				t.Fatalf("retry answered %q, first %q", again, first)
			}
			for i := range 12 {
				r.say(t, "o-flood", fmt.Sprintf("帮助 %d", i), false)
			}
			got := scrape(t, metrics)
			if got["envoybot_wechat_dedup_hits_total"] < 1 {
				t.Errorf("dedup hits = %v after a retry", got["envoybot_wechat_dedup_hits_total"])
			}
			if got["envoybot_wechat_rate_limited_total"] < 1 {
				t.Errorf("rate limited = %v after 12 messages in a burst of 10", got["envoybot_wechat_rate_limited_total"])
			}

			now := time.Now()
			var ns []store.NewNotice
			for i := range 3 {
				id := fmt.Sprintf("o-sub-%d", i)
				if _, err := r.app.store.TouchUser(ctx, id, now); err != nil {
					t.Fatal(err)
				}
				ns = append(ns, store.NewNotice{Key: "metrics|" + id, Kind: scheduler.KindLectureNotice, Subject: "L1", OpenID: id, Text: "讲座提醒"})
			}
			if _, err := r.app.store.EnqueueNotices(ctx, ns, now.Add(-time.Minute)); err != nil {
				t.Fatal(err)
			}
			// The dispatcher runs in the background: read the backlog the
			// moment it is there, or see it already sent.
			got = scrape(t, metrics)
			t.Logf("with 3 notices enqueued: due %v, oldest due %vs, sends %v",
				got["envoybot_outbox_due"], got["envoybot_outbox_oldest_due_age_seconds"], got[`envoybot_notice_sends_total{channel="customer",outcome="ok"}`])
			if got["envoybot_outbox_backlog_up"] != 1 {
				t.Errorf("backlog up = %v", got["envoybot_outbox_backlog_up"])
			}
			if due := got["envoybot_outbox_due"]; due > 0 && got["envoybot_outbox_oldest_due_age_seconds"] < 50 {
				t.Errorf("%v due, the oldest for %vs; want about 60s", due, got["envoybot_outbox_oldest_due_age_seconds"])
			}
			if _, err := r.app.dispatcher.Drain(ctx); err != nil {
				t.Fatal(err)
			}
			job := r.app.ops.countJob(r.app.jobsFor()["prune-replies"])
			if err := job.Run(ctx, now); err != nil {
				t.Fatal(err)
			}
			failing := r.app.ops.countJob(scheduler.Job{Name: "always-fails", Run: func(context.Context, time.Time) error { return fmt.Errorf("no") }})
			_ = failing.Run(ctx, now)

			got = scrape(t, metrics)
			for series, want := range map[string]float64{
				`envoybot_notice_sends_total{channel="customer",outcome="ok"}`: 3,
				`envoybot_job_runs_total{job="prune-replies",outcome="ok"}`:    1,
				`envoybot_job_runs_total{job="always-fails",outcome="failed"}`: 1,
				"envoybot_outbox_due":                    0,
				"envoybot_outbox_oldest_due_age_seconds": 0,
			} {
				if v, ok := got[series]; !ok || v != want {
					t.Errorf("%s = %v (present %v), want %v", series, v, ok, want)
				}
			}
			if _, ok := got[`envoybot_build_info{version="`+version+`"}`]; !ok {
				t.Errorf("no envoybot_build_info for version %q", version)
			}
		})
	}
}

// TestMetricsToken: with metrics_token, a scrape without the bearer token
// gets 401.
func TestMetricsToken(t *testing.T) {
	srv := httptest.NewServer(metricsHandler(prometheus.NewRegistry(), "s3cret-token", slog.New(slog.DiscardHandler)))
	defer srv.Close()
	for _, tc := range []struct {
		auth string
		want int
	}{{"", 401}, {"Bearer wrong", 401}, {"Bearer s3cret-token", 200}} {
		req, _ := http.NewRequest("GET", srv.URL+"/metrics", nil)
		if tc.auth != "" {
			req.Header.Set("Authorization", tc.auth)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != tc.want {
			t.Errorf("Authorization %q: %d, want %d", tc.auth, resp.StatusCode, tc.want)
		}
	}
}

// TestRequestIDOnEveryLineOfAMessage: every log line written while one
// chat message is handled — the handler's, the callback's — carries the
// same request_id, and another message gets another; every line is JSON.
func TestRequestIDOnEveryLineOfAMessage(t *testing.T) {
	logs := &lockedBuffer{}
	api := wechattest.NewFakeAPI(t)
	r := startLogged(t, map[string]string{"ENVOYBOT_DATA_DIR": t.TempDir()}, api, logs)
	r.say(t, "o-req-1", "注册 张三 13812345678 古槐社区", false)
	r.say(t, "o-req-2", "注册 李四 13912345678 古槐社区", false)
	if err := r.app.callback.Wait(context.Background()); err != nil {
		t.Fatal(err)
	}
	ids := map[string]map[string]bool{} // openid → request ids
	for _, line := range strings.Split(strings.TrimSpace(logs.String()), "\n") {
		var rec map[string]any
		if err := json.Unmarshal([]byte(line), &rec); err != nil {
			t.Fatalf("not a JSON log line: %q", line)
		}
		openID, _ := rec["openid"].(string)
		if !strings.HasPrefix(openID, "o-req-") {
			continue
		}
		id, _ := rec["request_id"].(string)
		if id == "" {
			t.Errorf("a line of %s's message has no request_id: %s", openID, line)
		}
		if ids[openID] == nil {
			ids[openID] = map[string]bool{}
		}
		ids[openID][id] = true
	}
	t.Logf("request ids by sender: %v", ids)
	if len(ids) != 2 || len(ids["o-req-1"]) != 1 || len(ids["o-req-2"]) != 1 {
		t.Fatalf("request ids by sender = %v, want one each", ids)
	}
	for a := range ids["o-req-1"] {
		if ids["o-req-2"][a] {
			t.Errorf("two messages share request_id %s", a)
		}
	}
}

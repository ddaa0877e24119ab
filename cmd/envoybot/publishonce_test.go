package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"envoybot/bot"
	"envoybot/bot/wechattest"
	"envoybot/bot/wxsign"
)

// TestRetriedPublishAfterACrash plays, through /wechat on every
// deployment, the replica that published and died before it recorded the
// message: the durable record and the cache's dedup entry of the message
// are gone, so WeChat's retry of the same MsgId runs the handler again. It
// gets the same reply, and nothing is published twice: a whole 发布活动, a
// 发布讲座, and the answer that completed a draft.
func TestRetriedPublishAfterACrash(t *testing.T) {
	for _, d := range deployments {
		t.Run(d.name, func(t *testing.T) {
			env := d.env(t)
			api := wechattest.NewFakeAPI(t)
			clk := &clock{t: time.Date(2026, 12, 1, 9, 0, 0, 0, cst)}
			r := startAt(t, env, api, clk.Now)
			tr := transcript{t: t, r: r}
			ctx := context.Background()
			tr.say("使者", "o-envoy", "绑定 "+invite(t, env, "--role", "envoy", "--name", "李使者"), "和谐使者")
			tr.say("使者", "o-envoy", "联系点 古槐社区", "古槐社区")

			for _, tc := range []struct{ name, before, msg, want string }{
				{"a whole 发布活动", "", "发布活动 敬老院包饺子 12月5日 14:00-16:00 古槐社区敬老院 关爱困难群体 名额20", "活动已发布：A1"},
				{"a 发布讲座", "", "发布讲座 法律知识讲座 每月第一个周六 9:30 古槐社区活动室", "讲座已发布：L1"},
				{"the answer that completes a draft", "发布活动 重阳登山 古槐社区北门 名额10", "12月13日 8:00-11:00", "活动已发布：A2"},
			} {
				t.Run(tc.name, func(t *testing.T) {
					if tc.before != "" {
						tr.say("使者", "o-envoy", tc.before, "还差")
					}
					id := wxsign.NextMsgID()
					key := fmt.Sprintf("msg:%d", id)
					body := r.signer.TextXML("o-envoy", tc.msg, id)
					first := r.post(t, body, true)
					if err := r.app.callback.Wait(ctx); err != nil {
						t.Fatal(err)
					}
					// The crash: what recorded the message is lost (the
					// record, the dedup entry, the replica's memory of it);
					// the rest of the shared cache (Redis) survives, the
					// draft too.
					if _, _, err := r.app.store.PruneProcessed(ctx, clk.Now().Add(time.Hour), clk.Now().Add(time.Hour)); err != nil {
						t.Fatal(err)
					}
					if err := r.app.cache.Delete(ctx, bot.DedupCacheKey(key)); err != nil {
						t.Fatal(err)
					}
					r.app.callback.Forget(key)
					clk.Set(clk.Now().Add(5 * time.Second)) // WeChat retries after 5 s
					ran := repliedCount(t, r)
					again := r.post(t, body, true)
					if n := repliedCount(t, r) - ran; n != 1 {
						t.Fatalf("the retry was not handled again (%d more replied answers, want 1)", n)
					}
					t.Logf("使者> %s\nbot> %s\n[record and dedup entry lost; WeChat retries %s]\nbot> %s", tc.msg, first, key, again)
					if again != first {
						t.Fatalf("the retry's reply = %q; want the first %q", again, first)
					}
					if !strings.Contains(first, tc.want) {
						t.Fatalf("reply %q lacks %q", first, tc.want)
					}
				})
			}
			activities, err := r.app.store.ListOpenActivities(ctx, clk.Now(), "", "", 0)
			if err != nil {
				t.Fatal(err)
			}
			sessions, err := r.app.store.ListUpcomingLectures(ctx, "", clk.Now(), 0)
			if err != nil {
				t.Fatal(err)
			}
			lectures := map[string]bool{}
			for _, o := range sessions {
				lectures[o.Lecture.Code] = true
			}
			if len(activities) != 2 || len(lectures) != 1 {
				t.Fatalf("%d activities and %d lectures after the retries; want 2 and 1", len(activities), len(lectures))
			}
			t.Logf("three publishes each retried after a crash: %d activities, %d lecture", len(activities), len(lectures))
		})
	}
}

// repliedCount is how many messages the handler answered, from /metrics.
func repliedCount(t *testing.T, r *running) int {
	t.Helper()
	resp, err := http.Get(r.metricsURL + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(body), "\n") {
		if rest, ok := strings.CutPrefix(line, `envoybot_wechat_requests_total{outcome="replied"} `); ok {
			n, err := strconv.Atoi(strings.TrimSpace(rest))
			if err != nil {
				t.Fatalf("metrics line %q: %v", line, err)
			}
			return n
		}
	}
	return 0
}

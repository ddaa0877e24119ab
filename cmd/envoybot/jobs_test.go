package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"envoybot/bot/wechattest"
	"envoybot/store"
)

// jobsRun runs `envoybot jobs run NAME --now T` against env, as an operator
// would, and returns its output.
func jobsRun(t *testing.T, env map[string]string, name string, now time.Time) string {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), []string{"jobs", "run", name, "--now", now.Format(time.RFC3339)},
		func(k string) string { return env[k] }, nil, &stdout, &stderr)
	if code != 0 {
		t.Fatalf("envoybot jobs run %s --now %s: exit %d\n%s", name, now.Format(time.RFC3339), code, stderr.String())
	}
	t.Logf("jobs run %s --now %s: %s", name, now.Format(time.RFC3339), strings.TrimSpace(stdout.String()))
	return stdout.String()
}

// textsTo returns the customer-service texts each user received.
func textsTo(api *wechattest.FakeAPI) map[string][]string {
	out := map[string][]string{}
	for _, m := range api.CustomerTexts() {
		out[m.ToUser] = append(out[m.ToUser], m.Content)
	}
	return out
}

func countContaining(texts []string, sub string) int {
	n := 0
	for _, s := range texts {
		if strings.Contains(s, sub) {
			n++
		}
	}
	return n
}

func TestLectureNoticesOncePerOffset(t *testing.T) {
	for _, d := range deployments {
		t.Run(d.name, func(t *testing.T) {
			env := d.env(t)
			api := wechattest.NewFakeAPI(t)
			clk := &clock{t: time.Date(2026, 11, 29, 10, 0, 0, 0, cst)}
			r := startAt(t, env, api, clk.Now)
			tr := transcript{t: t, r: r}
			tr.say("使者", "o-envoy", "绑定 "+invite(t, env, "--role", "envoy", "--name", "李使者"), "成功")
			tr.say("使者", "o-envoy", "联系点 古槐社区", "古槐社区")
			lecture := codePattern.FindString(tr.say("使者", "o-envoy", "发布讲座 法律知识讲座 每月第一个周六 9:30 古槐社区活动室", "12月5日"))
			residents := []string{"o-r1", "o-r2", "o-r3"}
			for _, id := range append(residents, "o-quitter") {
				tr.say("居民", id, "订阅讲座 古槐社区", "已订阅")
			}
			tr.say("退订的居民", "o-quitter", "退订讲座", "已退订")
			clk.Set(time.Date(2026, 12, 3, 20, 0, 0, 0, cst)) // they wrote within 48 h of the notices
			for _, id := range residents {
				tr.say("居民", id, "讲座", lecture)
			}

			session := time.Date(2026, 12, 5, 9, 30, 0, 0, cst)
			jobsRun(t, env, "lecture-notices", session.Add(-24*time.Hour))
			jobsRun(t, env, "lecture-notices", session.Add(-24*time.Hour)) // the same instant again
			got := textsTo(api)
			for _, id := range residents {
				if n := countContaining(got[id], "【讲座提醒】法律知识讲座"); n != 1 {
					t.Errorf("%s got %d notices at T-24h, want 1: %q", id, n, got[id])
				}
			}
			if len(got["o-quitter"]) != 0 {
				t.Errorf("the resident who unsubscribed got %q", got["o-quitter"])
			}
			if n := len(api.CustomerTexts()); n != 3 {
				t.Errorf("%d messages at T-24h, want 3", n)
			}

			jobsRun(t, env, "lecture-notices", session.Add(-time.Hour))
			jobsRun(t, env, "lecture-notices", session.Add(-59*time.Minute))
			if n := len(api.CustomerTexts()); n != 6 {
				t.Errorf("%d messages after T-1h, want 6", n)
			}

			clk.Set(session.Add(-50 * time.Minute))
			tr.say("使者", "o-envoy", "取消讲座 "+lecture, "已取消", "3位")
			jobsRun(t, env, "outbox", session.Add(-49*time.Minute))
			got = textsTo(api)
			for _, id := range residents {
				if n := countContaining(got[id], "【讲座取消】"); n != 1 {
					t.Errorf("%s got %d cancellations, want 1: %q", id, n, got[id])
				}
			}
			if len(got["o-quitter"]) != 0 {
				t.Errorf("the resident who unsubscribed got %q", got["o-quitter"])
			}
		})
	}
}

func TestPhaseDeadlineReminders(t *testing.T) {
	for _, d := range deployments {
		t.Run(d.name, func(t *testing.T) {
			env := d.env(t)
			api := wechattest.NewFakeAPI(t)
			clk := &clock{t: time.Date(2019, 12, 23, 10, 0, 0, 0, cst)}
			r := startAt(t, env, api, clk.Now)
			tr := transcript{t: t, r: r}
			tr.say("管理员", "o-admin", "绑定 "+invite(t, env, "--role", "admin", "--name", "王科长"), "管理员")
			for _, id := range []string{"o-e1", "o-e2", "o-e3"} {
				tr.say("使者", id, "绑定 "+invite(t, env, "--role", "envoy", "--name", "使者"+id[2:]), "成功")
			}
			tr.say("使者", "o-e1", "联系点 古槐社区", "古槐社区")

			deadline := time.Date(2019, 12, 24, 9, 0, 0, 0, cst) // 7 days before 2019-12-31
			jobsRun(t, env, "phase-deadlines", deadline)
			jobsRun(t, env, "phase-deadlines", deadline.Add(time.Hour))
			got := textsTo(api)
			for _, id := range []string{"o-e2", "o-e3"} {
				if n := countContaining(got[id], "建立社区联系点"); n != 1 {
					t.Errorf("%s: %d reminders naming the contact point, want 1: %q", id, n, got[id])
				}
			}
			if n := countContaining(got["o-e1"], "建立社区联系点"); n != 0 {
				t.Errorf("o-e1 met the contact-point target but was reminded of it: %q", got["o-e1"])
			}
			if len(got["o-admin"]) != 1 || !strings.Contains(got["o-admin"][0], "1/3") {
				t.Errorf("admin summaries = %q, want one saying 1/3", got["o-admin"])
			}
		})
	}
}

func TestNoticeChannels(t *testing.T) {
	for _, d := range deployments {
		t.Run(d.name, func(t *testing.T) {
			env := d.env(t)
			cfgFile := filepath.Join(t.TempDir(), "envoybot.yaml")
			if err := os.WriteFile(cfgFile, []byte(`notices:
  templates:
    activity_reminder:
      id: TPL_ACTIVITY
      fields: {thing1: title, time2: time, thing3: place}
`), 0o600); err != nil {
				t.Fatal(err)
			}
			env["ENVOYBOT_CONFIG"] = cfgFile
			api := wechattest.NewFakeAPI(t)
			clk := &clock{t: time.Date(2026, 12, 1, 9, 0, 0, 0, cst)}
			r := startAt(t, env, api, clk.Now)
			tr := transcript{t: t, r: r}
			tr.say("使者", "o-envoy", "绑定 "+invite(t, env, "--role", "envoy", "--name", "李使者"), "成功")
			act := codePattern.FindString(tr.say("使者", "o-envoy", "发布活动 义诊 12月6日 9:00-11:00 古槐社区卫生室 医疗保健 古槐社区", "报名"))
			tr.say("久未联系", "o-old", "报名 "+act+" 张三 13800000001", "报名成功")
			tr.say("久未联系", "o-old-sub", "订阅讲座 古槐社区", "已订阅")
			clk.Set(time.Date(2026, 12, 5, 8, 0, 0, 0, cst))
			tr.say("刚联系", "o-recent", "报名 "+act+" 李四 13800000002", "报名成功")
			tr.say("使者", "o-envoy", "发布讲座 健康讲座 12月6日 15:00 古槐社区活动室", "L")

			at := time.Date(2026, 12, 5, 9, 0, 0, 0, cst) // 24 h before the activity
			jobsRun(t, env, "activity-reminders", at)
			jobsRun(t, env, "lecture-notices", time.Date(2026, 12, 5, 15, 0, 0, 0, cst))
			if got := textsTo(api)["o-recent"]; countContaining(got, "【活动提醒】") != 1 {
				t.Errorf("the volunteer who wrote 1 h ago got customer-service texts %q, want one reminder", got)
			}
			tpl := api.TemplateMessages()
			if len(tpl) != 1 || tpl[0].ToUser != "o-old" || tpl[0].TemplateID != "TPL_ACTIVITY" || tpl[0].Data["thing1"] != "义诊" {
				t.Errorf("template messages = %+v, want one TPL_ACTIVITY to o-old with thing1 义诊", tpl)
			}
			ns, err := r.app.store.ListNotices(context.Background(), "lecture_notice", 10)
			if err != nil {
				t.Fatal(err)
			}
			var oldSub *store.Notice
			for _, n := range ns {
				if n.OpenID == "o-old-sub" {
					oldSub = n
				}
			}
			if oldSub == nil || oldSub.Status != store.NoticeUndeliverable || oldSub.LastError == "" {
				t.Errorf("lecture notice to a resident silent for 4 days without a template = %+v, want undeliverable with a reason", oldSub)
			}
		})
	}
}

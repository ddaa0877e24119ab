package main

import (
	"context"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"envoybot/bot/wechattest"
	"envoybot/bot/wxsign"
)

// waitText waits until openID received a customer-service text holding
// sub, and returns it.
func waitText(t *testing.T, api *wechattest.FakeAPI, openID, sub string) string {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		for _, s := range textsTo(api)[openID] {
			if strings.Contains(s, sub) {
				t.Logf("fake WeChat API> to %s: %s", openID, s)
				return s
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s never received a text with %q; got %q", openID, sub, textsTo(api)[openID])
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// waitTemplate waits until openID received the template message id with
// a keyword field holding sub (the current format: no "first" field).
func waitTemplate(t *testing.T, api *wechattest.FakeAPI, openID, id, sub string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		for _, m := range api.TemplateMessages() {
			if m.ToUser == openID && m.TemplateID == id && slices.ContainsFunc(slices.Collect(maps.Values(m.Data)), func(v string) bool { return strings.Contains(v, sub) }) {
				t.Logf("fake WeChat API> template %s to %s: %v", id, openID, m.Data)
				return
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s never received template %s with %q; got %+v", openID, id, sub, api.TemplateMessages())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestRequestsStory is issue 15's acceptance transcript through /wechat
// with the fake WeChat API, on SQLite and PostgreSQL: a resident's request
// (asked for what it lacks) and one by voice; the envoy and the team told;
// 接单; the resident told who is coming; check-in and out; hours confirmed;
// 评价; a request filed for a resident without a phone and assigned; an
// untaken request escalated by `envoybot jobs run request-escalation`.
func TestRequestsStory(t *testing.T) {
	for _, d := range deployments {
		t.Run(d.name, func(t *testing.T) {
			env := d.env(t)
			// The resident last wrote days before the service: the "please
			// rate" notice goes out as a template message, as WeChat's
			// rules allow outside the 48 h customer-service window.
			cfgFile := filepath.Join(t.TempDir(), "envoybot.yaml")
			if err := os.WriteFile(cfgFile, []byte(`notices:
  templates:
    request_done:
      id: TPL_REQUEST_DONE
      fields: {character_string1: code, thing2: title, thing3: community}
requests:
  points:
    per_hour: 1
    rated5_bonus: 2
    stars:
      - {name: 一星志愿者, hours: 2}
      - {name: 二星志愿者, hours: 50}
`), 0o600); err != nil {
				t.Fatal(err)
			}
			env["ENVOYBOT_CONFIG"] = cfgFile
			api := wechattest.NewFakeAPI(t)
			clk := &clock{t: time.Date(2026, 12, 1, 9, 0, 0, 0, cst)}
			r := startAt(t, env, api, clk.Now)
			tr := transcript{t: t, r: r}
			ctx := context.Background()

			tr.say("管理员", "o-admin", "绑定 "+invite(t, env, "--role", "admin", "--name", "王科长"), "管理员")
			tr.say("使者", "o-envoy", "绑定 "+invite(t, env, "--role", "envoy", "--name", "李使者"), "成功")
			tr.say("使者", "o-envoy", "注册 李明 13700000000 古槐社区", "李明")
			tr.say("使者", "o-envoy", "联系点 古槐社区", "古槐社区")
			team := codePattern.FindString(tr.say("使者", "o-envoy", "建队 古槐银发志愿队", "T"))
			tr.say("志愿者", "o-v1", "注册 张三 13800000001 古槐社区", "注册成功")
			tr.say("志愿者", "o-v1", "入队 "+team, "已加入")
			tr.say("志愿者2", "o-v2", "注册 李四 13800000002 古槐社区", "注册成功")

			// 点单: asked for what is missing, then filed; the envoy and the
			// team member are told through the outbox.
			tr.say("居民", "o-res", "求助 家里老人想理发", "还差所在社区、希望的时间")
			tr.say("居民", "o-res", "古槐社区 周六上午", "已收到您的求助 R1", "12月5日(周六)上午", "已通知古槐社区的和谐使者李明和志愿队（1人）")
			waitText(t, api, "o-envoy", "新的居民求助 R1")
			waitText(t, api, "o-v1", "接单 R1")

			// 接单: the resident is told who is coming and when.
			tr.say("志愿者", "o-v1", "接单 R1", "接单成功：R1", "签到 R1")
			tr.say("志愿者2", "o-v2", "接单 R1", "已经有人接单")
			waitText(t, api, "o-res", "志愿者张三（138****0001），时间：12月5日(周六)上午")

			// Served, hours confirmed, rated once.
			clk.Set(time.Date(2026, 12, 5, 9, 10, 0, 0, cst))
			// The envoy and the admin wrote lately, so customer-service
			// messages reach them whichever replica's clock sends them.
			tr.say("使者", "o-envoy", "进度")
			tr.say("管理员", "o-admin", "帮助")
			tr.say("志愿者", "o-v1", "签到 R1", "已签到求助 R1")
			clk.Set(time.Date(2026, 12, 5, 11, 10, 0, 0, cst))
			tr.say("志愿者", "o-v1", "签退 R1", "服务时长2小时")
			waitTemplate(t, api, "o-res", "TPL_REQUEST_DONE", "R1")
			waitText(t, api, "o-envoy", "确认时长 R1")
			tr.say("使者", "o-envoy", "确认时长 R1", "已确认求助 R1：张三服务2小时")
			waitText(t, api, "o-v1", "计入“关爱困难群体”")
			tr.say("居民", "o-res", "评价 R1 5 很满意", "谢谢您的评价", "★★★★★")
			tr.say("居民", "o-res", "评价 R1 4", "已经评价过了")

			// Points and stars (thresholds lowered in the configuration):
			// 2 confirmed hours and a request rated 5 make 4 points and
			// 一星, announced once.
			tr.say("志愿者", "o-v1", "我的积分", "您的积分：4分", "已确认服务：2小时", "星级：一星志愿者", "距“二星志愿者”（50小时）还差48小时")
			waitText(t, api, "o-v1", "【星级提升】")
			tr.say("使者", "o-envoy", "确认时长 R1", "已经确认过了")

			// 代办 for a resident without a phone; the envoy assigns it.
			tr.say("志愿者2", "o-v2", "代办 求助 王奶奶 13912345678 想理发 古槐社区 周日下午", "已为王奶奶（139****5678）登记求助 R2")
			tr.say("使者", "o-envoy", "派单 R2 张三", "已把求助 R2 派给张三")
			waitText(t, api, "o-v1", "王奶奶，联系电话：13912345678（由李四代办）")
			waitText(t, api, "o-v2", "您的求助 R2")

			// By voice.
			voice := r.post(t, r.signer.VoiceXML("o-res2", "我想求助，帮忙买药，古槐社区，越快越好", wxsign.NextMsgID()), true)
			t.Logf("居民2> [语音] 我想求助，帮忙买药，古槐社区，越快越好\nbot> %s", voice)
			if !strings.Contains(voice, "您说的是") || !strings.Contains(voice, "已收到您的求助 R3") || !strings.Contains(voice, "尽快") {
				t.Errorf("voice request: reply %q", voice)
			}

			r1, err := r.app.store.FindHelpRequest(ctx, "R1")
			if err != nil || r1.Rating != 5 || r1.ConfirmedMinutes != 120 {
				t.Errorf("R1 = %+v, %v", r1, err)
			}
			if n := countContaining(textsTo(api)["o-v1"], "【星级提升】"); n != 1 {
				t.Errorf("the level was announced %d times, want once", n)
			}

			// R3 nobody takes: the envoy is told after 2 h, the admins after
			// 6 h, once each, by `envoybot jobs run request-escalation`, run
			// after the server stopped, as from cron on a quiet night.
			filed, err := r.app.store.FindHelpRequest(ctx, "R3")
			if err != nil {
				t.Fatal(err)
			}
			r.stop(t)
			for _, after := range []time.Duration{time.Hour, 2 * time.Hour, 6 * time.Hour, 7 * time.Hour} {
				jobsRun(t, env, "request-escalation", filed.CreatedAt.Add(after))
			}
			waitText(t, api, "o-envoy", "【求助待接单】求助 R3 已等待2小时")
			waitText(t, api, "o-admin", "【求助无人接单】求助 R3 已等待6小时")
			if n := countContaining(textsTo(api)["o-envoy"], "求助 R3 已等待"); n != 1 {
				t.Errorf("the envoy was told of R3 %d times, want once", n)
			}
			if n := countContaining(textsTo(api)["o-admin"], "求助 R3 已等待"); n != 1 {
				t.Errorf("the admins were told of R3 %d times, want once", n)
			}
		})
	}
}

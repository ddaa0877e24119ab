package main

import (
	"context"
	"strings"
	"testing"
	"time"

	"envoybot/bot/wechattest"
	"envoybot/bot/wxsign"
)

// TestVoiceSignup: through /wechat in safe mode, on every deployment, an
// elderly volunteer registers and signs up by voice — WeChat's
// recognition, run-on and unpunctuated — and each reply starts with what
// was understood.
func TestVoiceSignup(t *testing.T) {
	for _, d := range deployments {
		t.Run(d.name, func(t *testing.T) {
			env := d.env(t)
			api := wechattest.NewFakeAPI(t)
			clk := &clock{t: time.Date(2026, 12, 1, 9, 0, 0, 0, cst)}
			r := startAt(t, env, api, clk.Now)
			tr := transcript{t: t, r: r}
			voice := func(who, openID, heard string, want ...string) string {
				t.Helper()
				reply := r.post(t, r.signer.VoiceXML(openID, heard, wxsign.NextMsgID()), true)
				t.Logf("%s> [语音] %s\nbot> %s\n", who, heard, reply)
				for _, w := range want {
					if !strings.Contains(reply, w) {
						t.Errorf("%s said %q by voice: reply %q lacks %q", who, heard, reply, w)
					}
				}
				return reply
			}

			envoyCode := invite(t, env, "--role", "envoy", "--name", "李使者", "--level", "市")
			tr.say("使者", "o-envoy", "绑定 "+envoyCode, "和谐使者")
			tr.say("使者", "o-envoy", "联系点 古槐社区", "古槐社区")
			act := codePattern.FindString(tr.say("使者", "o-envoy", "发布活动 敬老院包饺子 12月5日 14:00-16:00 古槐社区敬老院 关爱困难群体 名额20", "报名"))
			if act == "" {
				t.Fatal("no activity code in the publish reply")
			}

			voice("老人", "o-elder", "我要注册志愿者我叫王秀兰手机13953712345古槐社区的",
				"您说的是：“我要注册志愿者我叫王秀兰手机139****2345古槐社区的”", "注册成功", "王秀兰")
			voice("老人", "o-elder", "报名"+act+"。", "您说的是：", "报名成功")
			voice("老人", "o-elder", "", "没能听清")

			u, err := r.app.store.FindUserByOpenID(context.Background(), "o-elder")
			if err != nil {
				t.Fatal(err)
			}
			signups, err := r.app.store.ListUserSignups(context.Background(), u.ID, clk.Now())
			if err != nil || len(signups) != 1 || signups[0].Activity.Code != act {
				t.Errorf("o-elder's sign-ups = %+v, %v; want one for %s", signups, err, act)
			}
		})
	}
}

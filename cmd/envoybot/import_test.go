package main

import (
	"context"
	"strings"
	"testing"
	"time"

	"envoybot/bot/wechattest"
	"envoybot/store"
)

// TestImportStory pastes a 接龙 with mobiles through /wechat in safe mode,
// as an envoy would from the group chat: mobiles match only volunteers of
// the activity's community, and the reply names nobody the envoy did not
// type.
func TestImportStory(t *testing.T) {
	for _, d := range deployments {
		t.Run(d.name, func(t *testing.T) {
			env := d.env(t)
			api := wechattest.NewFakeAPI(t)
			clk := &clock{t: time.Date(2026, 12, 1, 9, 0, 0, 0, cst)}
			r := startAt(t, env, api, clk.Now)
			tr := transcript{t: t, r: r}

			envoyCode := invite(t, env, "--role", "envoy", "--name", "李使者")
			tr.say("使者", "o-envoy", "绑定 "+envoyCode, "和谐使者")
			tr.say("使者", "o-envoy", "联系点 古槐社区", "古槐社区")
			act := codePattern.FindString(tr.say("使者", "o-envoy", "发布活动 敬老院包饺子 12月5日 14:00-16:00 古槐社区敬老院 关爱困难群体 名额10", "报名"))
			if act == "" {
				t.Fatal("no activity published")
			}
			tr.say("志愿者1", "o-v1", "注册 李秀英 13812345678 古槐社区", "注册成功")
			tr.say("志愿者2", "o-v2", "注册 王建国 13700000002 古槐社区", "注册成功")
			tr.say("志愿者3", "o-v3", "注册 孙丽 15853712345 运河社区", "注册成功")

			reply := tr.say("使者", "o-envoy", "导入 "+act+"\n"+
				"#接龙\n12月5日敬老院包饺子\n例 张三 138xxxx\n"+
				"1. 李阿姨 13812345678\n"+
				"2. 王建国（带家属1人）\n"+
				"3、赵六 139 0537 1234\n"+
				"4. 孙丽 15853712345 古槐社区\n"+
				"5 周 强",
				"共5人", "报名成功：李阿姨（手机号已匹配）、王建国", "未找到（请先在本社区注册）：赵六、孙丽、周强")
			for _, secret := range []string{"李秀英", "13812345678", "15853712345", "运河"} {
				if strings.Contains(reply, secret) {
					t.Errorf("the import reply reveals %q, which the envoy did not type", secret)
				}
			}
			signups, err := r.app.store.ListActivitySignups(context.Background(), act)
			if err != nil {
				t.Fatal(err)
			}
			var who []string
			for _, s := range signups {
				if s.Status == store.SignupSeated {
					who = append(who, s.OpenID)
				}
			}
			if strings.Join(who, ",") != "o-v1,o-v2" || len(signups) != 2 {
				t.Errorf("seated %v of %d sign-ups; want o-v1 and o-v2 only (o-v3 is of another community)", who, len(signups))
			}
			tr.say("志愿者1", "o-v1", "我的报名", act)
		})
	}
}

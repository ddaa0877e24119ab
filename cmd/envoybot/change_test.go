package main

import (
	"strings"
	"testing"
	"time"

	"envoybot/bot/wechattest"
)

// waitTextTo waits (up to 20 s) until openID has received a text
// containing want, and returns every text by recipient: counting all
// texts is not enough when a job sent others meanwhile.
func waitTextTo(t *testing.T, api *wechattest.FakeAPI, openID, want string) map[string][]string {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		got := textsTo(api)
		if countContaining(got[openID], want) > 0 || time.Now().After(deadline) {
			return got
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// TestEnvoysChangeTheirMindTranscript plays issue 10 item 8 through
// /wechat in safe mode: an envoy moves an activity, then calls it off, and
// cancels one session of a weekly lecture; the seated and the wait-listed
// volunteers, and the subscriber told of that session, receive each
// change at the fake WeChat API once, and reminders follow the new time.
func TestEnvoysChangeTheirMindTranscript(t *testing.T) {
	for _, d := range deployments[:2] {
		t.Run(d.name, func(t *testing.T) {
			env := d.env(t)
			api := wechattest.NewFakeAPI(t)
			clk := &clock{t: time.Date(2026, 12, 1, 9, 0, 0, 0, cst)}
			r := startAt(t, env, api, clk.Now)
			tr := transcript{t: t, r: r}

			tr.say("使者", "o-envoy", "绑定 "+invite(t, env, "--role", "envoy", "--name", "李使者"), "成功")
			tr.say("使者", "o-envoy", "联系点 古槐社区", "古槐社区")
			act := codePattern.FindString(tr.say("使者", "o-envoy", "发布活动 敬老院包饺子 12月5日 14:00-16:00 古槐社区敬老院 关爱困难群体 名额1", "报名"))
			lecture := codePattern.FindString(tr.say("使者", "o-envoy", "发布讲座 法律知识讲座 每周六 9:30 古槐社区活动室", "L"))
			tr.say("志愿者1", "o-v1", "报名 "+act+" 张三 13800000001", "报名成功")
			tr.say("志愿者2", "o-v2", "报名 "+act+" 李四 13800000002", "候补第1位")
			tr.say("居民", "o-r1", "订阅讲座 古槐社区", "已订阅")

			clk.Set(time.Date(2026, 12, 4, 10, 0, 0, 0, cst))
			tr.say("志愿者1", "o-v1", "我的报名", act)
			tr.say("志愿者2", "o-v2", "我的报名", act)
			tr.say("志愿者1", "o-v1", "修改活动 "+act+" 名额改成5", "和谐使者的功能")
			tr.say("使者", "o-envoy", "修改活动 "+act+" 时间改成12月6日15:00-17:00 地点改到古槐社区文化站",
				"时间：12月5日(周六) 14:00-16:00 → 12月6日(周日) 15:00-17:00", "地点：古槐社区敬老院 → 古槐社区文化站", "已通知报名的1人和候补1人")
			waitTextTo(t, api, "o-v1", "【活动变更】")
			got := waitTextTo(t, api, "o-v2", "【活动变更】")
			for _, id := range []string{"o-v1", "o-v2"} {
				if n := countContaining(got[id], "【活动变更】"); n != 1 || !strings.Contains(got[id][0], "古槐社区文化站") {
					t.Errorf("%s got %q; want one change notice with the new place", id, got[id])
				}
			}
			t.Logf("fake WeChat API> to o-v2: %s", got["o-v2"][0])

			jobsRun(t, env, "activity-reminders", time.Date(2026, 12, 4, 14, 0, 0, 0, cst)) // the old time's day before
			if n := countContaining(textsTo(api)["o-v1"], "【活动提醒】"); n != 0 {
				t.Errorf("o-v1 reminded %d times at the old time", n)
			}
			jobsRun(t, env, "activity-reminders", time.Date(2026, 12, 5, 15, 0, 0, 0, cst)) // the new time's day before
			reminders := textsTo(api)["o-v1"]
			if n := countContaining(reminders, "【活动提醒】"); n != 1 || !strings.Contains(reminders[len(reminders)-1], "12月6日(周日) 15:00") {
				t.Errorf("o-v1 reminders = %q; want one at the new time", reminders)
			}

			clk.Set(time.Date(2026, 12, 5, 16, 0, 0, 0, cst))
			tr.say("使者", "o-envoy", "取消活动 "+act+" 下雨", "已取消活动 "+act, "已通知报名的1人和候补1人", "原因：下雨")
			tr.say("使者", "o-envoy", "取消活动 "+act, "取消过了")
			waitTextTo(t, api, "o-v1", "【活动取消】")
			got = waitTextTo(t, api, "o-v2", "【活动取消】")
			for _, id := range []string{"o-v1", "o-v2"} {
				if n := countContaining(got[id], "【活动取消】"); n != 1 {
					t.Errorf("%s got %d cancellations: %q", id, n, got[id])
				}
			}
			t.Logf("fake WeChat API> to o-v1: %s", got["o-v1"][len(got["o-v1"])-1])
			tr.say("志愿者3", "o-v3", "报名 "+act+" 王五 13800000003", "已取消")
			jobsRun(t, env, "activity-reminders", time.Date(2026, 12, 6, 13, 0, 0, 0, cst)) // 2 h before the cancelled one
			if n := countContaining(textsTo(api)["o-v1"], "【活动提醒】"); n != 1 {
				t.Errorf("o-v1 got %d reminders; a cancelled activity gets none more", n)
			}

			clk.Set(time.Date(2026, 12, 10, 12, 0, 0, 0, cst))
			tr.say("居民", "o-r1", "讲座", lecture)
			jobsRun(t, env, "lecture-notices", time.Date(2026, 12, 11, 9, 30, 0, 0, cst))
			clk.Set(time.Date(2026, 12, 11, 10, 0, 0, 0, cst))
			tr.say("使者", "o-envoy", "取消讲座 "+lecture+" 12月12日", "12月12日(周六) 09:30", "其他场次照常", "1位")
			got = waitTextTo(t, api, "o-r1", "【讲座取消】")
			if n := countContaining(got["o-r1"], "【讲座取消】"); n != 1 || !strings.Contains(strings.Join(got["o-r1"], "\n"), "12月12日(周六) 09:30的这一场") {
				t.Errorf("o-r1 got %q; want one cancellation of the 12月12日 session", got["o-r1"])
			}
			if list := tr.say("居民", "o-r1", "讲座", "12月19日"); strings.Contains(list, "12月12日") {
				t.Errorf("the cancelled session is still listed: %q", list)
			}
			jobsRun(t, env, "lecture-notices", time.Date(2026, 12, 12, 8, 30, 0, 0, cst))
			if n := countContaining(textsTo(api)["o-r1"], "【讲座提醒】"); n != 1 {
				t.Errorf("o-r1 got %d lecture notices; want the day-before one only", n)
			}
		})
	}
}

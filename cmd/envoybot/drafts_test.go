package main

import (
	"fmt"
	"testing"
	"time"

	"envoybot/bot/wechattest"
)

// TestDraftTranscript is issue 10's "never a silent wrong guess" through
// /wechat in safe mode: a publish without a time is asked for it, the next
// message completes it and every field is echoed; a past date is refused
// with the reason; a volunteer's messages are not read as anyone's draft;
// a draft expires after 10 minutes.
func TestDraftTranscript(t *testing.T) {
	for _, d := range deployments {
		t.Run(d.name, func(t *testing.T) {
			env := d.env(t)
			api := wechattest.NewFakeAPI(t)
			start := time.Date(2026, 12, 1, 9, 0, 0, 0, cst)
			clk := &clock{t: start}
			tr := transcript{t: t, r: startAt(t, env, api, clk.Now)}

			envoyCode := invite(t, env, "--role", "envoy", "--name", "李使者")
			tr.say("使者", "o-envoy", "绑定 "+envoyCode, "和谐使者")
			tr.say("使者", "o-envoy", "联系点 古槐社区", "古槐社区")
			tr.say("志愿者", "o-v1", "注册 张三 13800000001 古槐社区", "注册成功")

			tr.say("使者", "o-envoy", "发布活动 敬老院包饺子 古槐社区敬老院 名额20", "还差活动时间，请回复例如“12月2日 14:00-16:00”")
			tr.say("志愿者", "o-v1", "12月6日 14:00-16:00", "没看懂") // not the envoy's draft
			act := codePattern.FindString(tr.say("使者", "o-envoy", "12月6日 14:00-16:00",
				"活动已发布", "敬老院包饺子", "日期："+echoDay(2026, 12, 6), "时间：14:00-16:00", "地点：古槐社区敬老院", "类别：未分类", "名额：20人", testPublicURL+"/qr/A"))
			if act == "" {
				t.Fatal("no activity code in the echo")
			}
			tr.say("志愿者", "o-v1", "报名 "+act, "报名成功", "敬老院包饺子")

			tr.say("使者", "o-envoy", "发布活动 包饺子 2020年12月5日 14:00-16:00 古槐社区敬老院",
				"2020年"+echoDay(2020, 12, 5)+"14:00 已经过去了，请给出以后的时间")
			tr.say("使者", "o-envoy", "取消", "不发了")

			tr.say("使者", "o-envoy", "发布活动 读书会 古槐社区图书室 时代新风", "还差活动时间")
			clk.Set(start.Add(11 * time.Minute))
			tr.say("使者", "o-envoy", "12月8日 9:00-11:00", "没看懂") // the draft expired
		})
	}
}

// echoDay is a date as the publish echo writes it, the weekday computed.
func echoDay(year int, month time.Month, day int) string {
	wd := [...]string{"周日", "周一", "周二", "周三", "周四", "周五", "周六"}
	return fmt.Sprintf("%d月%d日（%s）", month, day, wd[time.Date(year, month, day, 0, 0, 0, 0, cst).Weekday()])
}

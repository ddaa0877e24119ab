package handlers_test

import (
	"strings"
	"testing"
	"time"

	"envoybot/configs"
	"envoybot/handlers"
	"envoybot/store"
	"envoybot/store/storetest"
)

// TestPointsAndStars: confirmed hours earn points (1 an hour, 2 more for a
// request rated 5), 我的积分 shows points, level and the next threshold,
// and reaching a level is announced once, however often hours are
// confirmed after. Thresholds are low so that a test can reach them.
func TestPointsAndStars(t *testing.T) {
	storetest.Backends(t, func(t *testing.T, s store.Store) {
		rq := defaults.Requests
		rq.Points = configs.Points{PerHour: 1, Rated5Bonus: 2, Stars: []configs.Star{{Name: "一星志愿者", Hours: 2}, {Name: "二星志愿者", Hours: 5}}}
		c := newRequestChatWith(t, s, rq)
		c.say("o-vol", "我的积分", "您的积分：0分", "暂未评星", "距“一星志愿者”（2小时）还差2小时", "匿名")

		serve := func(need string, minutes time.Duration, rating string) {
			t.Helper()
			*c.at = now
			code := codeIn(c.say("o-res", "求助 "+need+" 古槐社区 周六上午", "已收到您的求助"))
			c.say("o-vol", "接单 "+code, "接单成功")
			*c.at = time.Date(2026, 12, 5, 9, 0, 0, 0, now.Location())
			c.say("o-vol", "签到 "+code, "已签到")
			*c.at = c.at.Add(minutes)
			c.say("o-vol", "签退 "+code, "已签退")
			c.say("o-envoy", "确认时长 "+code, "已确认")
			if rating != "" {
				c.say("o-res", "评价 "+code+" "+rating, "谢谢您的评价")
			}
		}
		serve("理发", 2*time.Hour, "5 很满意")
		c.say("o-vol", "我的积分", "您的积分：4分", "已确认服务：2小时", "1次求助获5分好评", "星级：一星志愿者", "距“二星志愿者”（5小时）还差3小时")
		serve("买药", time.Hour, "4")
		c.say("o-vol", "我的积分", "您的积分：5分", "已确认服务：3小时", "星级：一星志愿者")
		if got := c.starNotices("o-vol"); len(got) != 1 || !strings.Contains(got[0], "成为“一星志愿者”") {
			t.Errorf("star announcements = %q, want one for 一星", got)
		}
		serve("陪聊", 2*time.Hour, "")
		if got := c.starNotices("o-vol"); len(got) != 2 || !strings.Contains(strings.Join(got, "|"), "二星志愿者") {
			t.Errorf("star announcements = %q, want 一星 then 二星, once each", got)
		}
		c.say("o-vol", "我的时长", "关爱困难群体：5小时（3次）")
		c.say("o-vol", "积分榜显示姓名", "会显示您的姓名")
		c.say("o-vol", "我的积分", "已是最高星级", "显示您的姓名")
		c.say("o-res", "我的积分", "请先注册")
	})
}

// starNotices are the star-level announcements to openID.
func (c requestChat) starNotices(openID string) []string {
	return c.notices(handlers.KindStarLevel, openID)
}

// codeIn finds the request code R… in a reply.
func codeIn(reply string) string {
	i := strings.Index(reply, "R")
	j := i + 1
	for j < len(reply) && reply[j] >= '0' && reply[j] <= '9' {
		j++
	}
	return reply[i:j]
}

package handlers_test

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"

	"envoybot/handlers"
	"envoybot/store"
	"envoybot/store/memory"
	"envoybot/store/storetest"
)

// draftChat is a router with a cache and a clock the test moves, an
// envoy bound and a volunteer registered.
type draftChat struct {
	t  *testing.T
	r  *handlers.Router
	s  store.Store
	at *time.Time
}

func newDraftChat(t *testing.T, s store.Store) draftChat {
	t.Helper()
	cache := memory.New()
	t.Cleanup(func() { _ = cache.Close() })
	at := now
	r := handlers.NewRouter(handlers.Deps{Store: s, Cache: cache, Rules: rules(), Campaign: campaign(), Location: now.Location(),
		Now: func() time.Time { return at }, Logger: slog.New(slog.DiscardHandler)})
	ctx := context.Background()
	if _, err := s.CreateInvite(ctx, store.NewInvite{Code: "DRAFT234", Role: store.RoleEnvoy, Name: "李明", EnvoyKind: "和谐使者", ExpiresAt: now.Add(time.Hour)}, now); err != nil {
		t.Fatal(err)
	}
	c := draftChat{t: t, r: r, s: s, at: &at}
	c.say("o-envoy", "绑定 DRAFT234", "绑定成功")
	c.say("o-envoy", "联系点 古槐社区", "古槐社区")
	c.say("o-vol", "注册 张三 13812345678 古槐社区", "注册成功")
	return c
}

// say sends text as openID and checks that the reply has every want.
func (c draftChat) say(openID, msg string, want ...string) string {
	c.t.Helper()
	got := say(c.t, c.r, text(openID, msg))
	c.t.Logf("%s> %s\nbot> %s", openID, msg, got)
	for _, w := range want {
		if !strings.Contains(got, w) {
			c.t.Errorf("%s> %s\nreply %q lacks %q", openID, msg, got, w)
		}
	}
	return got
}

// refuses checks that the reply has none of the words.
func (c draftChat) refuses(reply string, words ...string) {
	c.t.Helper()
	for _, w := range words {
		if strings.Contains(reply, w) {
			c.t.Errorf("reply %q has %q", reply, w)
		}
	}
}

// activities are the envoy's activities, by code.
func (c draftChat) activities() []*store.Activity {
	c.t.Helper()
	list, err := c.s.ListOpenActivities(context.Background(), now, "", "", 100)
	if err != nil {
		c.t.Fatal(err)
	}
	return list
}

// day is how the echo writes a date: 12月6日（周日）, weekday computed.
func day(month time.Month, d int) string {
	wd := [...]string{"周日", "周一", "周二", "周三", "周四", "周五", "周六"}
	return fmt.Sprintf("%d月%d日（%s）", month, d, wd[time.Date(now.Year(), month, d, 0, 0, 0, 0, now.Location()).Weekday()])
}

// tomorrow is the date the questions use as their example.
var tomorrow = fmt.Sprintf("%d月%d日", now.AddDate(0, 0, 1).Month(), now.AddDate(0, 0, 1).Day())

func TestDrafts(t *testing.T) {
	storetest.Backends(t, func(t *testing.T, s store.Store) {
		c := newDraftChat(t, s)

		t.Run("a publish without a time asks for it, the next message completes it and every field is echoed", func(t *testing.T) {
			c.say("o-envoy", "发布活动 敬老院包饺子 古槐社区敬老院 名额20",
				"还差活动时间，请回复例如“"+tomorrow+" 14:00-16:00”", "10分钟")
			if n := len(c.activities()); n != 0 {
				t.Fatalf("%d activities published before the time was given", n)
			}
			got := c.say("o-envoy", "12月6日 14:00-16:00",
				"活动已发布", "敬老院包饺子", "日期："+day(12, 6), "时间：14:00-16:00", "地点：古槐社区敬老院", "类别：未分类", "名额：20人", "报名 A")
			c.refuses(got, "说明")
			list := c.activities()
			if len(list) != 1 {
				t.Fatalf("activities = %d, want 1", len(list))
			}
			a := list[0]
			if a.Title != "敬老院包饺子" || a.Place != "古槐社区敬老院" || a.Quota != 20 ||
				!a.StartsAt.Equal(time.Date(2026, 12, 6, 14, 0, 0, 0, now.Location())) || !a.EndsAt.Equal(time.Date(2026, 12, 6, 16, 0, 0, 0, now.Location())) {
				t.Errorf("activity = %+v", a)
			}
			c.say("o-envoy", "12月7日 14:00-16:00", "没看懂") // the draft is gone once published
		})

		t.Run("a missing place is asked for", func(t *testing.T) {
			c.say("o-envoy", "发布活动 读书会 12月8日 9:00-11:00 时代新风", "还差活动地点，请回复例如“古槐社区敬老院”")
			c.say("o-envoy", "古槐社区图书室", "活动已发布", "读书会", "日期："+day(12, 8), "时间：09:00-11:00", "地点：古槐社区图书室", "类别：时代新风", "名额：不限")
		})

		t.Run("a missing title and place are asked for in one reply", func(t *testing.T) {
			c.say("o-envoy", "发布活动 12月9日 9:00-10:00", "还差活动名称、地点，请回复例如“敬老院包饺子 古槐社区敬老院”")
			c.say("o-envoy", "义诊 古槐社区卫生室", "活动已发布", "义诊", "日期："+day(12, 9), "地点：古槐社区卫生室")
		})

		t.Run("a title sent alone is the title, not whatever the parser reads first", func(t *testing.T) {
			c.say("o-envoy", "发布活动 12月9日 15:00-16:00 地点 古槐社区卫生室", "还差活动名称，请回复例如“敬老院包饺子”")
			c.say("o-envoy", "健康义诊", "活动已发布：A", " 健康义诊\n", "地点：古槐社区卫生室")
		})

		t.Run("a date without a clock time asks for the time of day", func(t *testing.T) {
			c.say("o-envoy", "发布活动 包饺子 12月10日 古槐社区敬老院", "还差活动的具体钟点，请回复例如“14:00-16:00”")
			c.say("o-envoy", "14:00-16:00", "活动已发布", "日期："+day(12, 10), "时间：14:00-16:00")
		})

		t.Run("a whole new date and time replaces the draft's partial one", func(t *testing.T) {
			c.say("o-envoy", "发布活动 包饺子 12月10日 古槐社区敬老院", "还差活动的具体钟点")
			got := c.say("o-envoy", "12月16日 14:00-16:00", "活动已发布", "日期："+day(12, 16), "时间：14:00-16:00")
			c.refuses(got, "说明", "12月10日")
		})

		t.Run("a past date is refused with the reason and a new time completes the draft", func(t *testing.T) {
			got := c.say("o-envoy", "发布活动 包饺子 2020年12月5日 14:00-16:00 古槐社区敬老院",
				"2020年12月5日（周六）14:00 已经过去了，请给出以后的时间")
			c.refuses(got, "已发布")
			c.say("o-envoy", "12月11日 14:00-16:00", "活动已发布", "包饺子", "日期："+day(12, 11), "时间：14:00-16:00", "地点：古槐社区敬老院")
		})

		t.Run("an impossible date is named", func(t *testing.T) {
			c.say("o-envoy", "发布活动 包饺子 2月30日 14:00 古槐社区敬老院", "没有2月30日")
			c.say("o-envoy", "取消", "不发了")
		})

		t.Run("an end before the start is refused", func(t *testing.T) {
			c.say("o-envoy", "发布活动 包饺子 12月12日 16:00-14:00 古槐社区敬老院", "结束时间 14:00 早于开始时间 16:00")
			c.say("o-envoy", "算了", "这条活动不发了")
		})

		t.Run("a cancelled draft is gone", func(t *testing.T) {
			before := len(c.activities())
			c.say("o-envoy", "发布活动 敬老院包饺子 古槐社区敬老院", "还差活动时间")
			c.say("o-envoy", "不发了", "这条活动不发了，没有发布")
			c.say("o-envoy", "12月6日 14:00-16:00", "没看懂")
			if n := len(c.activities()); n != before {
				t.Errorf("activities %d → %d after a cancelled draft", before, n)
			}
		})

		t.Run("another command while a draft is open is that command, and the draft waits", func(t *testing.T) {
			c.say("o-envoy", "发布活动 重阳登山 古槐社区北门 名额10", "还差活动时间")
			c.say("o-envoy", "我的报名", "还没有报名")
			c.say("o-envoy", "12月13日 8:00-11:00", "活动已发布", "重阳登山", "日期："+day(12, 13), "时间：08:00-11:00", "名额：10人")
		})

		t.Run("a volunteer's messages are untouched by an envoy's draft", func(t *testing.T) {
			c.say("o-envoy", "发布活动 敬老院包饺子 古槐社区敬老院 名额20", "还差活动时间")
			act := c.activities()[0].Code
			c.say("o-vol", "12月6日 14:00-16:00", "没看懂")
			c.say("o-vol", "报名 "+act, "报名成功")
			c.say("o-vol", "取消", "取消报名 A12")
			c.say("o-envoy", "12月14日 14:00-16:00", "活动已发布", "日期："+day(12, 14))
		})

		t.Run("a volunteer never gets a draft", func(t *testing.T) {
			c.say("o-vol", "发布活动 敬老院包饺子 古槐社区敬老院", "和谐使者的功能")
			c.say("o-vol", "12月6日 14:00-16:00", "没看懂")
		})

		t.Run("a draft expires after 10 minutes", func(t *testing.T) {
			before := len(c.activities())
			c.say("o-envoy", "发布活动 敬老院包饺子 古槐社区敬老院", "还差活动时间")
			*c.at = now.Add(9 * time.Minute)
			c.say("o-envoy", "帮助", "和谐使者")
			*c.at = now.Add(10*time.Minute + time.Second)
			c.say("o-envoy", "12月6日 14:00-16:00", "没看懂")
			if n := len(c.activities()); n != before {
				t.Errorf("activities %d → %d after an expired draft", before, n)
			}
			*c.at = now
		})

		t.Run("words the parser could not place are shown as 说明", func(t *testing.T) {
			c.say("o-envoy", "发布活动 敬老院包饺子 12月15日 14:00-16:00 古槐社区敬老院 名额20 带上围裙", "活动已发布", "说明：带上围裙")
		})

		t.Run("a lecture without a time asks for it and echoes the rule and the sessions", func(t *testing.T) {
			c.say("o-envoy", "发布讲座 法律知识讲座 古槐社区活动室", "还差讲座时间，请回复例如“"+tomorrow+" 9:30”")
			c.say("o-envoy", "每月第一个周六 9:30", "讲座已发布", "法律知识讲座", "古槐社区活动室", "每月第一个周六", day(12, 5)+"09:30")
		})

		t.Run("a lecture's title that reads as a command still completes the draft", func(t *testing.T) {
			c.say("o-envoy", "发布讲座 12月19日 15:00 地点 古槐社区活动室", "还差讲座名称")
			c.say("o-envoy", "健康知识讲座", "讲座已发布", "健康知识讲座", day(12, 19)+"15:00", "古槐社区活动室")
		})
	})
}

// TestDraftsNeedACache: without a cache nothing can be kept, so the
// question says to send the whole command again.
func TestDraftsNeedACache(t *testing.T) {
	storetest.Backends(t, func(t *testing.T, s store.Store) {
		r := newRouter(s)
		ctx := context.Background()
		if _, err := s.CreateInvite(ctx, store.NewInvite{Code: "DRAFT567", Role: store.RoleEnvoy, Name: "李明", EnvoyKind: "和谐使者", ExpiresAt: now.Add(time.Hour)}, now); err != nil {
			t.Fatal(err)
		}
		say(t, r, text("o-envoy", "绑定 DRAFT567"))
		got := say(t, r, text("o-envoy", "发布活动 敬老院包饺子 古槐社区敬老院"))
		if !strings.Contains(got, "还差活动时间") || !strings.Contains(got, "重新发送") {
			t.Errorf("reply %q", got)
		}
	})
}

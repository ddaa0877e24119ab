package handlers_test

import (
	"context"
	"log/slog"
	"strings"
	"testing"
	"time"

	"envoybot/bot"
	"envoybot/configs"
	"envoybot/handlers"
	"envoybot/store"
	"envoybot/store/memory"
	"envoybot/store/storetest"
)

// requestChat is a router with a cache and a clock the test moves: an
// envoy of 古槐社区 with a team, and the volunteer 张三 in it.
type requestChat struct {
	draftChat
}

func newRequestChat(t *testing.T, s store.Store) requestChat {
	t.Helper()
	return newRequestChatWith(t, s, defaults.Requests)
}

// newRequestChatWith is newRequestChat with another requests section.
func newRequestChatWith(t *testing.T, s store.Store, rq configs.Requests) requestChat {
	t.Helper()
	cache := memory.New()
	t.Cleanup(func() { _ = cache.Close() })
	at := now
	r := handlers.NewRouter(handlers.Deps{Store: s, Cache: cache, Rules: rules(), Campaign: campaign(), Location: now.Location(),
		Requests: rq, Now: func() time.Time { return at }, Logger: slog.New(slog.DiscardHandler)})
	if _, err := s.AddCommunities(context.Background(), campaign().Communities, now); err != nil {
		t.Fatal(err)
	}
	if _, err := s.CreateInvite(context.Background(), store.NewInvite{Code: "REQ23456", Role: store.RoleEnvoy, Name: "李明", EnvoyKind: "和谐使者", ExpiresAt: now.Add(time.Hour)}, now); err != nil {
		t.Fatal(err)
	}
	c := requestChat{draftChat{t: t, r: r, s: s, at: &at}}
	c.say("o-envoy", "绑定 REQ23456", "绑定成功")
	c.say("o-envoy", "联系点 古槐社区", "古槐社区")
	team := c.say("o-envoy", "建队 古槐银发志愿队", "T")
	code := team[strings.Index(team, "T"):]
	code = code[:strings.IndexFunc(code[1:], func(r rune) bool { return r < '0' || r > '9' })+1]
	c.say("o-vol", "注册 张三 13812345678 古槐社区", "注册成功")
	c.say("o-vol", "入队 "+code, "加入")
	c.say("o-vol2", "注册 李四 13812345679 古槐社区", "注册成功")
	return c
}

// notices are the outbox notices of kind to openID.
func (c requestChat) notices(kind, openID string) []string {
	c.t.Helper()
	list, err := c.s.ListNotices(context.Background(), kind, 100)
	if err != nil {
		c.t.Fatal(err)
	}
	var out []string
	for _, n := range list {
		if n.OpenID == openID {
			out = append(out, n.Text)
		}
	}
	return out
}

// TestRequestStory is issue 15's transcript in chat: a resident's request
// (asked for what it lacks, then by voice), the envoy and the team told,
// 接单, the resident told, check-in and out, hours confirmed, 评价 once;
// a request filed for a resident without a phone and assigned by the envoy.
func TestRequestStory(t *testing.T) {
	storetest.Backends(t, func(t *testing.T, s store.Store) {
		c := newRequestChat(t, s)
		ctx := context.Background()

		// A resident asks; the bot asks for the community and time.
		c.say("o-res", "求助 家里老人想理发", "还差所在社区、希望的时间", "古槐社区", "周六上午")
		filed := c.say("o-res", "古槐社区 周六上午", "已收到您的求助 R1", "家里老人想理发（古槐社区，12月5日(周六)上午）",
			"已通知古槐社区的和谐使者李明和志愿队（1人）", "有人接单后会告诉您", "您没有留联系电话")
		for _, who := range []string{"o-envoy", "o-vol"} {
			if got := c.notices(handlers.KindRequestNew, who); len(got) != 1 || !strings.Contains(got[0], "接单 R1") {
				t.Errorf("%s told %q, want the new request R1", who, got)
			}
		}
		if got := c.notices(handlers.KindRequestNew, "o-vol2"); len(got) != 0 {
			t.Errorf("a volunteer outside the team was told: %q", got)
		}
		_ = filed

		// By voice, in one message.
		voice := say(t, c.r, &bot.Message{OpenID: "o-res2", Kind: bot.KindVoice, Text: "我想求助，帮忙买药，古槐社区，明天上午", MediaID: "m1"})
		if !strings.Contains(voice, "您说的是") || !strings.Contains(voice, "已收到您的求助 R2") || !strings.Contains(voice, "帮忙买药") {
			t.Errorf("voice request: %q", voice)
		}

		// A time gone by is quoted back, and nothing is filed.
		c.say("o-res3", "求助 理发 古槐社区 11月20日上午", "您说的“11月20日(周五)上午”这个时间已经过去了", "尽快")

		// 接单: the first volunteer gets it, the resident is told.
		c.say("o-vol", "接单 R1", "接单成功：R1", "签到 R1", "签退 R1")
		c.say("o-vol2", "接单 R1", "已经有人接单")
		if got := c.notices(handlers.KindRequestTaken, "o-res"); len(got) != 1 || !strings.Contains(got[0], "张三（138****5678）") || !strings.Contains(got[0], "12月5日(周六)上午") {
			t.Errorf("resident told %q, want who is coming and when", got)
		}

		// Served on Saturday: check-in, check-out, hours confirmed.
		*c.at = time.Date(2026, 12, 5, 9, 5, 0, 0, now.Location())
		c.say("o-vol2", "签到 R1", "不是您接的单")
		c.say("o-vol", "签退 R1", "还没有签到")
		c.say("o-vol", "签到 R1", "已签到求助 R1")
		*c.at = c.at.Add(90 * time.Minute)
		c.say("o-res", "评价 R1 5 很满意", "还没有完成")
		c.say("o-vol", "签退 R1", "服务时长1.5小时")
		if got := c.notices(handlers.KindRequestDone, "o-res"); len(got) != 1 || !strings.Contains(got[0], "评价 R1 5") {
			t.Errorf("resident asked to rate: %q", got)
		}
		c.say("o-vol", "确认时长 R1", "和谐使者的功能")
		c.say("o-envoy", "确认时长 R1", "已确认求助 R1：张三服务1.5小时")
		c.say("o-envoy", "确认时长 R1", "已经确认过了")
		if got := c.notices(handlers.KindRequestHours, "o-vol"); len(got) != 1 || !strings.Contains(got[0], "关爱困难群体") {
			t.Errorf("volunteer told of hours: %q", got)
		}

		// 评价 once, by the resident only.
		c.say("o-vol", "评价 R1 5 很好", "只有提出求助")
		c.say("o-res", "评价 R1 5 很满意", "谢谢您的评价", "★★★★★")
		c.say("o-res", "评价 R1 1", "已经评价过了")
		r, err := s.FindHelpRequest(ctx, "R1")
		if err != nil || r.Rating != 5 || r.ConfirmedMinutes != 90 || r.Category != "关爱困难群体" {
			t.Fatalf("R1 = %+v, %v", r, err)
		}

		// 代办 for a resident without a phone, assigned by the envoy.
		*c.at = now
		c.say("o-vol2", "代办 求助 王奶奶 13912345678 想理发 古槐社区 周六下午", "已为王奶奶（139****5678）登记求助 R3")
		c.say("o-vol2", "派单 R3 张三", "和谐使者的功能")
		c.say("o-envoy", "派单 R3 13800000000", "没有找到古槐社区的志愿者“138****0000”")
		c.say("o-envoy", "派单 R3 张三", "已把求助 R3 派给张三")
		if got := c.notices(handlers.KindRequestAssigned, "o-vol"); len(got) != 1 || !strings.Contains(got[0], "王奶奶") || !strings.Contains(got[0], "13912345678") {
			t.Errorf("assigned volunteer told %q, want the resident and the contact", got)
		}
		if got := c.notices(handlers.KindRequestTaken, "o-vol2"); len(got) != 1 {
			t.Errorf("the filer told %q, want who is coming", got)
		}
		r, err = s.FindHelpRequest(ctx, "R3")
		if err != nil || r.ResidentName != "王奶奶" || r.ResidentContact != "13912345678" || r.FiledByOpenID != "o-vol2" || r.TakerOpenID != "o-vol" {
			t.Fatalf("R3 = %+v, %v", r, err)
		}

		// A registered resident's mobile is the contact; one typed wins.
		c.say("o-vol2", "求助 帮忙搬东西 周六下午", "已收到您的求助 R4", "古槐社区")
		c.say("o-res4", "求助 买菜 古槐社区 尽快 电话13712345678", "已收到您的求助 R5")
		for code, want := range map[string]string{"R4": "13812345679", "R5": "13712345678"} {
			if r, err := s.FindHelpRequest(ctx, code); err != nil || r.ResidentContact != want {
				t.Errorf("%s contact = %+v, %v; want %s", code, r, err, want)
			}
		}

		// Drafts: 取消 drops one; a bad time is refused.
		c.say("o-res3", "求助 陪老人聊天", "还差")
		c.say("o-res3", "取消", "不提交了")
		c.say("o-res3", "求助 陪老人聊天 古槐社区 11月20日上午", "时间已经过去了")
		c.say("o-res3", "求助 陪老人聊天 不存在社区 周六上午", "没有找到")
	})
}

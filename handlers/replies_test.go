package handlers_test

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"

	"envoybot/bot"
	"envoybot/handlers"
	"envoybot/store"
	"envoybot/store/memory"
	"envoybot/store/storetest"
)

// TestConfusedUsersGetTheRightReply covers replies for the mistakes
// people make: each names what went wrong and the form to send.
func TestConfusedUsersGetTheRightReply(t *testing.T) {
	storetest.Backends(t, func(t *testing.T, s store.Store) {
		ctx := context.Background()
		cache := memory.New()
		t.Cleanup(func() { _ = cache.Close() })
		at := now
		clock := func() time.Time { return at }
		rl := rules()
		rl.PublishPerDay = 50 // 26 activities in one day make the list long enough to page
		r := handlers.NewRouter(handlers.Deps{Store: s, Cache: cache, Rules: rl, Campaign: campaign(), Location: now.Location(), Now: clock, Logger: slog.New(slog.DiscardHandler)})
		if _, err := s.CreateInvite(ctx, store.NewInvite{Code: "ENVOY234", Role: store.RoleEnvoy, Name: "李明", EnvoyKind: "和谐使者", ExpiresAt: now.Add(time.Hour)}, now); err != nil {
			t.Fatal(err)
		}
		if _, err := s.CreateInvite(ctx, store.NewInvite{Code: "ADMIN234", Role: store.RoleAdmin, Name: "王科长", ExpiresAt: now.Add(time.Hour)}, now); err != nil {
			t.Fatal(err)
		}
		say(t, r, text("o-envoy", "绑定 ENVOY234"))
		say(t, r, text("o-envoy", "联系点 古槐社区"))
		say(t, r, text("o-envoy", "建队 古槐银发志愿队"))
		act := code.FindString(say(t, r, text("o-envoy", "发布活动 敬老院包饺子 12月5日 14:00-16:00 古槐社区敬老院 关爱困难群体 名额30")))
		say(t, r, text("o-zhang", "注册 张三 13812345678 古槐社区"))
		for i := 0; i < 25; i++ {
			say(t, r, text("o-envoy", fmt.Sprintf("发布活动 读书会%d 12月%d日 9:00-10:00 古槐社区图书室 时代新风", i, 6+i%20)))
		}
		for _, tc := range []struct{ name, who, msg, want string }{
			{"a mobile someone else registered", "o-li", "注册 李四 13812345678 古槐社区", "该手机号已被注册"},
			{"a short mobile in a first-time sign-up", "o-li", "报名 " + act + " 李四 1381234567", "手机号好像不对"},
			{"joining a team by its name", "o-zhang", "入队 古槐银发志愿队", "请用队伍编号加入"},
			{"the same team twice", "o-envoy", "建队 古槐银发志愿队", "您已成立过队伍 T1"},
			{"deleting data never given", "o-nobody", "注销", "无需注销"},
			{"a dashboard link for a non-admin", "o-zhang", "登录后台", "只对管理员开放"},
			{"check-out without a code and nothing to check out of", "o-zhang", "签退", "签退 A12"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				if got := say(t, r, text(tc.who, tc.msg)); !strings.Contains(got, tc.want) {
					t.Errorf("reply %q lacks %q", got, tc.want)
				}
			})
		}
		t.Run("a long list pages with 更多", func(t *testing.T) {
			first := say(t, r, text("o-zhang", "活动"))
			if !strings.Contains(first, "回复“更多”") || len(first) > 2048 {
				t.Fatalf("first page (%d bytes) = %q", len(first), first)
			}
			second := say(t, r, text("o-zhang", "更多"))
			if !strings.Contains(second, "（续）") || second == first {
				t.Errorf("second page = %q", second)
			}
			for i := 0; i < 5 && strings.Contains(second, "更多"); i++ {
				second = say(t, r, text("o-zhang", "更多"))
			}
			if got := say(t, r, text("o-zhang", "更多")); !strings.Contains(got, "没有更多") {
				t.Errorf("after the last page = %q", got)
			}
		})
		t.Run("an admin gets a one-time dashboard link", func(t *testing.T) {
			say(t, r, text("o-admin", "绑定 ADMIN234"))
			got := say(t, r, text("o-admin", "登录后台"))
			i := strings.Index(got, store.AdminLinkPath+"?t=")
			if i < 0 {
				t.Fatalf("reply %q has no link", got)
			}
			token := strings.Fields(got[i+len(store.AdminLinkPath)+3:])[0]
			if v, ok, err := cache.Get(ctx, store.AdminLinkKey(token)); err != nil || !ok || v != "o-admin" {
				t.Errorf("the link's token names %q (%v, %v), want o-admin", v, ok, err)
			}
		})
		t.Run("check-out after the hours were confirmed", func(t *testing.T) {
			at = time.Date(2026, 12, 5, 13, 50, 0, 0, now.Location())
			say(t, r, text("o-zhang", "报名 "+act))
			say(t, r, text("o-zhang", "签到 "+act))
			at = time.Date(2026, 12, 5, 16, 5, 0, 0, now.Location())
			say(t, r, text("o-zhang", "签退 "+act))
			say(t, r, text("o-envoy", "确认时长 "+act))
			if got := say(t, r, &bot.Message{OpenID: "o-zhang", Kind: bot.KindText, Text: "签退 " + act}); !strings.Contains(got, "已确认") {
				t.Errorf("reply %q", got)
			}
		})
	})
}

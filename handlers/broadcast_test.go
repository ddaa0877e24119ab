package handlers_test

import (
	"context"
	"log/slog"
	"strings"
	"testing"
	"time"

	"envoybot/handlers"
	"envoybot/store"
	"envoybot/store/memory"
	"envoybot/store/storetest"
)

// TestChatBroadcast: an envoy previews and sends a broadcast to their own
// community's volunteers, exactly them (preview count = notices); another
// community is refused; 紧急招募 asks the free volunteers with the code.
func TestChatBroadcast(t *testing.T) {
	storetest.Backends(t, func(t *testing.T, s store.Store) {
		ctx := context.Background()
		if _, err := s.AddCommunities(ctx, campaign().Communities, now); err != nil {
			t.Fatal(err)
		}
		cache := memory.New()
		t.Cleanup(func() { _ = cache.Close() })
		at := now
		r := handlers.NewRouter(handlers.Deps{Store: s, Cache: cache, Rules: rules(), Campaign: campaign(), Location: now.Location(),
			Logger: slog.New(slog.DiscardHandler), Now: func() time.Time { return at }})
		step := func(who, msg string, want ...string) string {
			t.Helper()
			got := say(t, r, text(who, msg))
			for _, w := range want {
				if !strings.Contains(got, w) {
					t.Errorf("%s> %s: reply %q lacks %q", who, msg, got, w)
				}
			}
			return got
		}
		if _, err := s.CreateInvite(ctx, store.NewInvite{Code: "ENVOY1", Role: store.RoleEnvoy, Name: "使者", EnvoyKind: "和谐使者", ExpiresAt: now.Add(time.Hour)}, now); err != nil {
			t.Fatal(err)
		}
		step("o-envoy", "注册 李使者 13900000009 古槐社区", "注册成功")
		step("o-envoy", "绑定 ENVOY1", "绑定成功")
		step("o-v1", "注册 张三 13800000001 古槐社区", "注册成功")
		step("o-v2", "注册 李四 13800000002 古槐社区", "注册成功")
		step("o-n1", "注册 王五 13800000003 仙营社区", "注册成功")
		step("o-res", "帮助")

		step("o-v1", "群发 你好", "使者") // volunteers cannot
		step("o-envoy", "群发 仙营社区 周六义诊", "只能向本社区（古槐社区）")
		step("o-envoy", "确认群发", "没有待发送的群发")
		step("o-envoy", "群发 本周六上午社区义诊，欢迎参加！", "古槐社区的注册志愿者 2 人", "2 人48小时内互动过", "本周六上午社区义诊，欢迎参加！", "确认群发")
		step("o-envoy", "确认群发", "已加入发件箱：2 条")
		step("o-envoy", "确认群发", "没有待发送的群发")
		ns, err := s.ListNotices(ctx, "broadcast", 10)
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]bool{}
		for _, n := range ns {
			got[n.OpenID] = true
			if !strings.HasPrefix(n.Text, "【古槐社区通知】\n本周六上午社区义诊，欢迎参加！") {
				t.Errorf("broadcast text %q", n.Text)
			}
		}
		if len(got) != 2 || !got["o-v1"] || !got["o-v2"] {
			t.Errorf("broadcast to %v, want the two volunteers of 古槐社区 (not the sender)", got)
		}

		act := code.FindString(step("o-envoy", "发布活动 敬老院包饺子 12月5日 14:00-16:00 古槐社区敬老院 关爱困难群体 名额3", "活动已发布"))
		step("o-v1", "报名 "+act, "报名成功")
		step("o-envoy", "紧急招募 "+act, "1 人", "还差 2 人")
		rs, err := s.ListNotices(ctx, "urgent_recruit", 10)
		if err != nil {
			t.Fatal(err)
		}
		if len(rs) != 1 || rs[0].OpenID != "o-v2" || !strings.Contains(rs[0].Text, "回复“报名 "+act+"”即可报名") {
			t.Errorf("urgent recruitment notices = %+v, want one to o-v2 with the sign-up code", rs)
		}
	})
}

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

// TestRetriedPublishPublishesOnce runs a publish's handler again with the
// same message key, as WeChat's retry does when the replica that handled
// the message died before recording it: the retry gets the same reply and
// nothing is published twice — also when the first attempt used the
// day's last place, and when the message completed a draft.
func TestRetriedPublishPublishesOnce(t *testing.T) {
	storetest.Backends(t, func(t *testing.T, s store.Store) {
		ctx := context.Background()
		cache := memory.New()
		t.Cleanup(func() { _ = cache.Close() })
		rl := rules()
		rl.PublishPerDay = 4
		r := handlers.NewRouter(handlers.Deps{Store: s, Cache: cache, Rules: rl, Campaign: campaign(), Location: now.Location(),
			Now: func() time.Time { return now }, Logger: slog.New(slog.DiscardHandler)})
		if _, err := s.AddCommunities(ctx, campaign().Communities, now); err != nil {
			t.Fatal(err)
		}
		if _, err := s.CreateInvite(ctx, store.NewInvite{Code: "ONCE2345", Role: store.RoleEnvoy, Name: "李明", EnvoyKind: "和谐使者", ExpiresAt: now.Add(time.Hour)}, now); err != nil {
			t.Fatal(err)
		}
		msgID := 0
		send := func(key, msg string) string {
			t.Helper()
			if key == "" {
				msgID++
				key = fmt.Sprintf("msg:%d", msgID)
			}
			reply, err := r.HandleMessage(bot.WithMessageKey(ctx, key), text("o-envoy", msg))
			if err != nil {
				t.Fatalf("%s %q: %v", key, msg, err)
			}
			first, _, _ := strings.Cut(reply.Text, "\n")
			t.Logf("%s o-envoy> %s → bot> %s", key, msg, first)
			return reply.Text
		}
		send("", "绑定 ONCE2345")
		send("", "联系点 古槐社区")
		published := func() (activities, lectures int) {
			t.Helper()
			list, err := s.ListOpenActivities(ctx, now, "", "", 0)
			if err != nil {
				t.Fatal(err)
			}
			sessions, err := s.ListUpcomingLectures(ctx, "", now, 0)
			if err != nil {
				t.Fatal(err)
			}
			codes := map[string]bool{}
			for _, o := range sessions {
				codes[o.Lecture.Code] = true
			}
			return len(list), len(codes)
		}
		// retried sends msg under key, then again under the same key, and
		// wants the same reply with want in it.
		retried := func(key, msg, want string) {
			t.Helper()
			first := send(key, msg)
			if !strings.Contains(first, want) {
				t.Fatalf("%s: reply %q lacks %q", key, first, want)
			}
			if again := send(key, msg); again != first {
				t.Fatalf("the retry of %s = %q; want the first reply %q", key, again, first)
			}
		}

		t.Run("an activity", func(t *testing.T) {
			retried("msg:a1", "发布活动 敬老院包饺子 12月5日 14:00-16:00 古槐社区敬老院 关爱困难群体 名额20", "活动已发布：A1")
			if a, l := published(); a != 1 || l != 0 {
				t.Fatalf("%d activities, %d lectures; want 1 activity", a, l)
			}
		})

		t.Run("a lecture", func(t *testing.T) {
			retried("msg:l1", "发布讲座 法律知识讲座 每月第一个周六 9:30 古槐社区活动室", "讲座已发布")
			if a, l := published(); a != 1 || l != 1 {
				t.Fatalf("%d activities, %d lectures; want 1 and 1", a, l)
			}
		})

		t.Run("a draft completed by the message", func(t *testing.T) {
			send("msg:d1", "发布活动 重阳登山 古槐社区北门 名额10")
			retried("msg:d2", "12月13日 8:00-11:00", "活动已发布：A2")
			if a, _ := published(); a != 2 {
				t.Fatalf("%d activities; want 2", a)
			}
			// Any other message finds no draft open.
			if got := send("msg:d3", "12月14日 8:00-11:00"); strings.Contains(got, "已发布") {
				t.Fatalf("a new message after the publish = %q; want no draft", got)
			}
		})

		t.Run("the day's last place", func(t *testing.T) {
			retried("msg:c1", "发布活动 读书会 12月8日 9:00-11:00 古槐社区图书室 时代新风", "活动已发布：A3")
			if got := send("msg:c2", "发布活动 读书会 12月9日 9:00-11:00 古槐社区图书室 时代新风"); !strings.Contains(got, "每天最多发布4场") {
				t.Fatalf("a fifth publish = %q; want the cap", got)
			}
			if again := send("msg:c1", "发布活动 读书会 12月8日 9:00-11:00 古槐社区图书室 时代新风"); !strings.Contains(again, "活动已发布：A3") {
				t.Fatalf("the retry of the fourth publish at the cap = %q; want its reply", again)
			}
			if a, l := published(); a != 3 || l != 1 {
				t.Fatalf("%d activities, %d lectures; want 3 and 1", a, l)
			}
		})
	})
}

package handlers_test

import (
	"context"
	"log/slog"
	"strings"
	"testing"
	"time"

	"envoybot/bot"
	"envoybot/handlers"
	"envoybot/store"
	"envoybot/store/storetest"
)

var now = time.Date(2026, 12, 1, 9, 0, 0, 0, time.FixedZone("CST", 8*3600))

func newRouter(s store.Store) *handlers.Router { return newRouterAt(s, now) }

// newRouterAt is a router whose clock stands at at, on a store that
// knows the campaign's communities as envoybot's start adds them.
func newRouterAt(s store.Store, at time.Time) *handlers.Router {
	if _, err := s.AddCommunities(context.Background(), campaign().Communities, at); err != nil {
		panic(err)
	}
	return handlers.NewRouter(handlers.Deps{Store: s, Rules: rules(), Campaign: campaign(), Location: at.Location(),
		Requests: defaults.Requests, Logger: slog.New(slog.DiscardHandler), Now: func() time.Time { return at }})
}

func text(openID, s string) *bot.Message {
	return &bot.Message{OpenID: openID, Kind: bot.KindText, Text: s}
}

func say(t *testing.T, r *handlers.Router, m *bot.Message) string {
	t.Helper()
	reply, err := r.HandleMessage(context.Background(), m)
	if err != nil {
		t.Fatalf("%v: %v", m, err)
	}
	if strings.Contains(reply.Text, "%!") {
		t.Errorf("%v: a reply has a broken format verb: %q", m, reply.Text)
	}
	return reply.Text
}

func TestRouter(t *testing.T) {
	storetest.Backends(t, func(t *testing.T, s store.Store) {
		r := newRouter(s)
		ctx := context.Background()

		t.Run("a follower is welcomed and recorded as a following resident", func(t *testing.T) {
			got := say(t, r, &bot.Message{OpenID: "o-f", Kind: bot.KindEvent, Event: bot.EventSubscribe})
			if !strings.Contains(got, "欢迎关注") {
				t.Errorf("reply = %q", got)
			}
			u, err := s.FindUserByOpenID(ctx, "o-f")
			if err != nil || u.Role != store.RoleResident || !u.Following {
				t.Fatalf("user = %+v, %v", u, err)
			}
		})
		t.Run("unfollowing is recorded and answered with nothing", func(t *testing.T) {
			if got := say(t, r, &bot.Message{OpenID: "o-f", Kind: bot.KindEvent, Event: bot.EventUnsubscribe}); got != "" {
				t.Errorf("reply = %q", got)
			}
			if u, _ := s.FindUserByOpenID(ctx, "o-f"); u.Following {
				t.Error("still following after unsubscribe")
			}
		})
		t.Run("a LOCATION event keeps the last position silently", func(t *testing.T) {
			got := say(t, r, &bot.Message{OpenID: "o-loc", Kind: bot.KindEvent, Event: bot.EventLocation, Lat: 35.405, Lng: 116.587, HasPosition: true})
			u, err := s.FindUserByOpenID(ctx, "o-loc")
			if got != "" || err != nil || u.LastLat != 35.405 || u.LastLng != 116.587 || u.LastLocationAt.IsZero() {
				t.Errorf("reply %q, user %+v, %v", got, u, err)
			}
		})
		t.Run("help depends on the role", func(t *testing.T) {
			resident := say(t, r, text("o-h", "帮助"))
			say(t, r, text("o-h", "注册 王芳 13700001111 古槐社区"))
			volunteer := say(t, r, text("o-h", "?"))
			if resident == volunteer || !strings.Contains(volunteer, "志愿者") {
				t.Errorf("resident help %q, volunteer help %q", resident, volunteer)
			}
		})
		t.Run("registration: created, then updated, mobile masked", func(t *testing.T) {
			first := say(t, r, text("o-r", "注册 张三 13812345678 古槐社区"))
			second := say(t, r, text("o-r", "注册 张三 13812345678 运河社区"))
			if !strings.Contains(first, "注册成功") || !strings.Contains(second, "资料已更新") || strings.Contains(first+second, "13812345678") {
				t.Errorf("replies %q / %q", first, second)
			}
			u, _ := s.FindUserByOpenID(ctx, "o-r")
			if u.Community != "运河社区" || u.Role != store.RoleVolunteer {
				t.Errorf("user = %+v", u)
			}
		})
		t.Run("a bad mobile is refused with the form, nothing stored", func(t *testing.T) {
			got := say(t, r, text("o-b", "注册 张三 1381234 古槐社区"))
			if !strings.Contains(got, "手机号") {
				t.Errorf("reply = %q", got)
			}
			if u, err := s.FindUserByOpenID(ctx, "o-b"); err != nil || u.Registered() {
				t.Errorf("user = %+v, %v", u, err)
			}
		})
		t.Run("a menu click acts as its text", func(t *testing.T) {
			got := say(t, r, &bot.Message{OpenID: "o-c", Kind: bot.KindEvent, Event: bot.EventClick, Text: "帮助"})
			if !strings.Contains(got, "注册") {
				t.Errorf("reply = %q", got)
			}
			if got := say(t, r, &bot.Message{OpenID: "o-c", Kind: bot.KindEvent, Event: bot.EventClick, EventKey: "NOPE"}); got != handlers.Text.MenuUnknown {
				t.Errorf("unknown menu reply = %q", got)
			}
		})
		t.Run("voice and other types get a polite reply", func(t *testing.T) {
			if got := say(t, r, &bot.Message{OpenID: "o-v", Kind: bot.KindOther, RawType: "voice"}); got != handlers.Text.Unsupported {
				t.Errorf("reply = %q", got)
			}
		})
		t.Run("every message counts as an interaction", func(t *testing.T) {
			say(t, r, text("o-i", "你好"))
			u, err := s.FindUserByOpenID(ctx, "o-i")
			if err != nil || !u.LastInteractionAt.Equal(now) {
				t.Errorf("user = %+v, %v", u, err)
			}
		})
	})
}

// TestReadOnlyRoutes: queries are marked ReadOnly (the callback keeps no
// durable record of them); anything that may change the database is not,
// nor a query typed while a publish waits for its answer.
func TestReadOnlyRoutes(t *testing.T) {
	storetest.Backends(t, func(t *testing.T, s store.Store) {
		r := newRouter(s)
		for _, c := range []struct {
			text     string
			readOnly bool
		}{
			{"帮助", true}, {"我的时长", true}, {"我的报名", true}, {"讲座", true}, {"活动", true}, {"更多", true},
			{"注册 张三 13812345678 古槐社区", false}, {"报名 A1", false}, {"订阅讲座 古槐社区", false},
			{"注销", false}, {"乱七八糟的一句话", false},
		} {
			reply, err := r.HandleMessage(context.Background(), text("o-readonly", c.text))
			if err != nil {
				t.Fatalf("%s: %v", c.text, err)
			}
			if reply.ReadOnly != c.readOnly {
				t.Errorf("%s → ReadOnly %v, want %v (reply %q)", c.text, reply.ReadOnly, c.readOnly, reply.Text)
			}
		}
	})
}

package handlers_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"envoybot/bot"
	"envoybot/store"
	"envoybot/store/storetest"
)

// TestCheckoutByScan: a second scan of the activity's QR code (or a
// location) after the activity's middle checks out, with hours computed
// and the reply saying how; before the middle it says when it will. A
// new follower who arrives by scanning gets the welcome and the check-in.
func TestCheckoutByScan(t *testing.T) {
	storetest.Backends(t, func(t *testing.T, s store.Store) {
		ctx := context.Background()
		r := newRecordsRouter(t, s, nil)
		step := func(m *bot.Message, want ...string) string {
			t.Helper()
			got := say(t, r.Router, m)
			for _, w := range want {
				if !strings.Contains(got, w) {
					t.Errorf("%s %s%s: reply %q lacks %q", m.OpenID, m.Text, m.Scene, got, w)
				}
			}
			return got
		}
		scan := func(openID, scene string) *bot.Message {
			return &bot.Message{OpenID: openID, Kind: bot.KindEvent, Event: bot.EventScan, Scene: scene}
		}
		if _, err := s.CreateInvite(ctx, store.NewInvite{Code: "ENVOY1", Role: store.RoleEnvoy, Name: "使者", EnvoyKind: "和谐使者", ExpiresAt: now.Add(time.Hour)}, now); err != nil {
			t.Fatal(err)
		}
		step(text("o-envoy", "绑定 ENVOY1"), "绑定成功")
		act := code.FindString(step(text("o-envoy", "发布活动 敬老院包饺子 12月5日 14:00-16:00 古槐社区敬老院 关爱困难群体 名额20"), "活动已发布"))
		for i, id := range []string{"o-v1", "o-v2", "o-new"} {
			step(text(id, "报名 "+act+" 张三 1380000000"+string(rune('1'+i))), "报名成功")
		}
		cst := now.Location()

		r.set(time.Date(2026, 12, 5, 13, 50, 0, 0, cst))
		step(scan("o-v1", "checkin:"+act), "签到成功")
		step(text("o-v2", "签到 "+act), "签到成功")
		// A follower (again) by scanning: welcomed, and checked in.
		got := step(&bot.Message{OpenID: "o-new", Kind: bot.KindEvent, Event: bot.EventSubscribe, Scene: "checkin:" + act}, "签到成功")
		if !strings.Contains(got, "欢迎") {
			t.Errorf("a follower arriving by a check-in scan got no welcome: %q", got)
		}

		r.set(time.Date(2026, 12, 5, 14, 30, 0, 0, cst))
		step(scan("o-v1", "checkin:"+act), "已于 13:50 签到", "15:00")

		r.set(time.Date(2026, 12, 5, 16, 0, 0, 0, cst))
		step(scan("o-v1", "checkin:"+act), "扫码", "签退", "2 小时")
		step(&bot.Message{OpenID: "o-v2", Kind: bot.KindLocation, Lat: 35.4, Lng: 116.5, HasPosition: true}, "位置", "签退")
		step(scan("o-v1", "checkin:"+act), "已于 16:00 签退")

		all, err := s.ListAttendance(ctx, act)
		if err != nil {
			t.Fatal(err)
		}
		out := map[int64]store.Attendance{}
		for _, a := range all {
			out[a.UserID] = *a
		}
		v1, _ := s.FindUserByOpenID(ctx, "o-v1")
		if a := out[v1.ID]; a.CheckOutAt.IsZero() || a.ComputedMinutes != 120 {
			t.Errorf("o-v1 attendance = %+v, want checked out with 120 minutes", a)
		}
	})
}

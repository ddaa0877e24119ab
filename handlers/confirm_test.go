package handlers_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"envoybot/store"
	"envoybot/store/storetest"
)

// TestConfirmAttendance: from 24 h before the start a seated volunteer
// confirms (确认参加 A12) once; a waitlisted one cannot; the envoy sees how
// many confirmed.
func TestConfirmAttendance(t *testing.T) {
	storetest.Backends(t, func(t *testing.T, s store.Store) {
		ctx := context.Background()
		r := newRecordsRouter(t, s, nil)
		step := func(who, msg string, want ...string) string {
			t.Helper()
			got := say(t, r.Router, text(who, msg))
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
		step("o-envoy", "绑定 ENVOY1", "绑定成功")
		act := code.FindString(step("o-envoy", "发布活动 敬老院包饺子 12月5日 14:00-16:00 古槐社区敬老院 关爱困难群体 名额2", "活动已发布"))
		for i, id := range []string{"o-v1", "o-v2", "o-v3"} {
			step(id, "报名 "+act+" 张三 1380000000"+string(rune('1'+i)), "活动：")
		}
		cst := now.Location()
		step("o-v1", "确认参加 "+act, "24小时", "12月4日")
		r.set(time.Date(2026, 12, 4, 15, 0, 0, 0, cst))
		step("o-v1", "确认参加 "+act, "已确认参加", "签到 "+act, "取消报名 "+act)
		step("o-v1", "确认参加"+act, "已确认过")
		step("o-v3", "确认参加 "+act, "没有活动 "+act+" 的名额")
		step("o-v1", "确认参加", "例如：确认参加 A12")
		step("o-envoy", "确认参加 "+act, "已报名 2 人", "1 人确认参加", "1 人尚未确认")
		r.set(time.Date(2026, 12, 5, 14, 5, 0, 0, cst))
		step("o-v2", "确认参加 "+act, "已经开始")
	})
}

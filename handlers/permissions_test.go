package handlers_test

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"envoybot/store"
	"envoybot/store/storetest"
)

var code = regexp.MustCompile(`A\d+`)

func TestPermissions(t *testing.T) {
	storetest.Backends(t, func(t *testing.T, s store.Store) {
		ctx := context.Background()
		r := newRouter(s)
		for i, id := range []string{"o-envoy1", "o-envoy2"} {
			inv := fmt.Sprintf("ENVOY%d", i+1)
			if _, err := s.CreateInvite(ctx, store.NewInvite{Code: inv, Role: store.RoleEnvoy, Name: id, EnvoyKind: "和谐使者", ExpiresAt: now.Add(time.Hour)}, now); err != nil {
				t.Fatal(err)
			}
			if got := say(t, r, text(id, "绑定 "+inv)); !strings.Contains(got, "绑定成功") {
				t.Fatalf("bind %s: %q", id, got)
			}
		}
		say(t, r, text("o-envoy1", "联系点 古槐社区"))
		act := code.FindString(say(t, r, text("o-envoy1", "发布活动 敬老院包饺子 12月5日 14:00-16:00 古槐社区敬老院 关爱困难群体 名额2")))
		if act == "" {
			t.Fatal("no activity published")
		}
		say(t, r, text("o-vol", "注册 张三 13812345678 古槐社区"))
		say(t, r, text("o-vol", "报名 "+act))

		for _, tc := range []struct {
			name, who, msg, want string
		}{
			{"a volunteer cannot publish an activity", "o-vol", "发布活动 义诊 12月6日 9:00-11:00 卫生室 医疗保健", "和谐使者的功能"},
			{"a volunteer cannot publish a lecture", "o-vol", "发布讲座 普法讲座 12月6日 9:00 活动室", "和谐使者的功能"},
			{"a volunteer cannot confirm hours", "o-vol", "确认时长 " + act, "和谐使者的功能"},
			{"a resident cannot import a list", "o-res", "导入 " + act + "\n#接龙\n1. 张三", "和谐使者的功能"},
			{"another envoy cannot confirm hours", "o-envoy2", "确认时长 " + act, "只有发布活动"},
			{"another envoy cannot record the activity as held", "o-envoy2", "活动签到 " + act, "只有发布活动"},
			{"a resident must register before signing up", "o-res", "报名 " + act, "请先注册"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				if got := say(t, r, text(tc.who, tc.msg)); !strings.Contains(got, tc.want) {
					t.Errorf("reply %q lacks %q", got, tc.want)
				}
			})
		}
		t.Run("check-in is always the sender's own", func(t *testing.T) {
			// There is no way to name another person: 签到 takes only a code,
			// and the record is the sender's. Someone not signed up is refused.
			at := time.Date(2026, 12, 5, 13, 50, 0, 0, now.Location())
			r2 := newRouterAt(s, at)
			if got := say(t, r2, text("o-other", "签到 "+act)); !strings.Contains(got, "没有报名") {
				t.Errorf("reply %q", got)
			}
			if got := say(t, r2, text("o-vol", "签到 "+act)); !strings.Contains(got, "签到成功") {
				t.Errorf("reply %q", got)
			}
			all, _ := s.ListAttendance(ctx, act)
			if len(all) != 1 || all[0].OpenID != "o-vol" {
				t.Errorf("attendance = %+v", all)
			}
		})
	})
}

func TestInvites(t *testing.T) {
	storetest.Backends(t, func(t *testing.T, s store.Store) {
		ctx := context.Background()
		r := newRouter(s)
		mk := func(code string, expires time.Time) {
			if _, err := s.CreateInvite(ctx, store.NewInvite{Code: code, Role: store.RoleEnvoy, Name: "x", EnvoyKind: "敬老使者", ExpiresAt: expires}, now.Add(-48*time.Hour)); err != nil {
				t.Fatal(err)
			}
		}
		mk("GOOD2345", now.Add(time.Hour))
		mk("OLD23456", now.Add(-time.Minute))
		mk("SPARE234", now.Add(3*time.Hour))
		for _, tc := range []struct{ name, who, msg, want string }{
			{"a valid code binds", "o-a", "绑定 good2345", "敬老使者"},
			{"a used code is refused", "o-b", "绑定 GOOD2345", "已被使用"},
			{"an expired code is refused", "o-b", "绑定 OLD23456", "已过期"},
			{"an unknown code is refused", "o-b", "绑定 NOPE2345", "不正确"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				if got := say(t, r, text(tc.who, tc.msg)); !strings.Contains(got, tc.want) {
					t.Errorf("reply %q lacks %q", got, tc.want)
				}
			})
		}
		t.Run("the sixth wrong code in an hour is refused, even a right one", func(t *testing.T) {
			for i := 0; i < 5; i++ {
				if got := say(t, r, text("o-guess", fmt.Sprintf("绑定 WRONG%03d", i))); !strings.Contains(got, "不正确") {
					t.Fatalf("wrong code %d: %q", i+1, got)
				}
			}
			if got := say(t, r, text("o-guess", "绑定 SPARE234")); !strings.Contains(got, "次数过多") {
				t.Errorf("6th attempt: %q", got)
			}
			if u, _ := s.FindUserByOpenID(ctx, "o-guess"); u.Role != store.RoleResident {
				t.Errorf("role after refused attempts = %s", u.Role)
			}
			later := newRouterAt(s, now.Add(61*time.Minute))
			if got := say(t, later, text("o-guess", "绑定 SPARE234")); !strings.Contains(got, "绑定成功") {
				t.Errorf("an hour later: %q", got)
			}
		})
	})
}

package handlers_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"envoybot/store"
	"envoybot/store/storetest"
)

// TestSignupCompanions: 报名 A12 带2人 on an activity with 3 seats left
// seats the volunteer and two companions, a fourth person goes to the
// wait-list, and a 接龙 "+1" or "（家属2人）" counts the same.
func TestSignupCompanions(t *testing.T) {
	storetest.Backends(t, func(t *testing.T, s store.Store) {
		ctx := context.Background()
		r := newRouter(s)
		if _, err := s.CreateInvite(ctx, store.NewInvite{Code: "ENVOY1", Role: store.RoleEnvoy, Name: "李使者", EnvoyKind: "和谐使者", ExpiresAt: now.Add(time.Hour)}, now); err != nil {
			t.Fatal(err)
		}
		say(t, r, text("o-envoy", "绑定 ENVOY1"))
		say(t, r, text("o-envoy", "联系点 古槐社区"))
		act := code.FindString(say(t, r, text("o-envoy", "发布活动 敬老院包饺子 12月5日 14:00-16:00 古槐社区敬老院 关爱困难群体 名额4")))
		for _, reg := range []struct{ openID, msg string }{
			{"o-first", "注册 孔一 13800000001 古槐社区"},
			{"o-group", "注册 张三 13800000002 古槐社区"},
			{"o-fourth", "注册 李四 13800000003 古槐社区"},
			{"o-wang", "注册 王五 13800000004 古槐社区"},
			{"o-zhao", "注册 赵六 13800000005 古槐社区"},
		} {
			say(t, r, text(reg.openID, reg.msg))
		}
		say(t, r, text("o-first", "报名 "+act))
		got := say(t, r, text("o-group", "报名 "+act+" 带2人"))
		t.Logf("张三> 报名 %s 带2人\nbot> %s", act, got)
		if !strings.Contains(got, "报名成功") || !strings.Contains(got, "含您带的2人，共占3个名额") {
			t.Fatalf("group sign-up with 3 seats left: %q", got)
		}
		got = say(t, r, text("o-fourth", "报名 "+act))
		t.Logf("李四> 报名 %s\nbot> %s", act, got)
		if !strings.Contains(got, "候补第1位") {
			t.Fatalf("the fourth person: %q", got)
		}
		if got := say(t, r, text("o-wang", "报名 "+act+" 带12人")); !strings.Contains(got, "最多带9人") {
			t.Fatalf("too many companions: %q", got)
		}
		a, err := s.FindActivityByCode(ctx, act)
		if err != nil || a.Seated != 4 || a.Waitlisted != 1 {
			t.Fatalf("activity = %+v, %v; want 4 seated (people), 1 waiting", a, err)
		}
		reply := say(t, r, text("o-envoy", "导入 "+act+"\n#接龙\n1. 王五 +1\n2. 赵六（家属2人）"))
		t.Logf("使者> 导入 %s (接龙: 1. 王五 +1 / 2. 赵六（家属2人）)\nbot> %s", act, reply)
		for _, want := range []string{"候补：王五（另带1人）、赵六（另带2人）"} {
			if !strings.Contains(reply, want) {
				t.Errorf("import reply %q lacks %q", reply, want)
			}
		}
		signups, err := s.ListActivitySignups(ctx, act)
		if err != nil {
			t.Fatal(err)
		}
		brought := map[string]int{}
		for _, su := range signups {
			brought[su.OpenID] = su.Companions
		}
		if brought["o-group"] != 2 || brought["o-wang"] != 1 || brought["o-zhao"] != 2 || brought["o-first"] != 0 {
			t.Errorf("companions = %v", brought)
		}
		// The group leaves: its three seats go to 李四 and the pair of 王五.
		if got := say(t, r, text("o-group", "取消报名 "+act)); !strings.Contains(got, "已取消") {
			t.Fatalf("cancel: %q", got)
		}
		if a, _ = s.FindActivityByCode(ctx, act); a.Seated != 4 || a.Waitlisted != 3 {
			t.Errorf("after the group left: %d seated, %d waiting; want 4 and 3", a.Seated, a.Waitlisted)
		}
	})
}

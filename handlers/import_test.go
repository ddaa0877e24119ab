package handlers_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"envoybot/store"
	"envoybot/store/storetest"
)

// TestImportStaysInTheCommunity imports a 接龙 with mobiles into an
// activity of 古槐社区: mobiles match only its volunteers, and the reply
// names people as the envoy typed them, never by a stored name.
func TestImportStaysInTheCommunity(t *testing.T) {
	storetest.Backends(t, func(t *testing.T, s store.Store) {
		ctx := context.Background()
		r := newRouter(s)
		if _, err := s.CreateInvite(ctx, store.NewInvite{Code: "ENVOY1", Role: store.RoleEnvoy, Name: "李使者", EnvoyKind: "和谐使者", ExpiresAt: now.Add(time.Hour)}, now); err != nil {
			t.Fatal(err)
		}
		say(t, r, text("o-envoy", "绑定 ENVOY1"))
		say(t, r, text("o-envoy", "联系点 古槐社区"))
		act := code.FindString(say(t, r, text("o-envoy", "发布活动 敬老院包饺子 12月5日 14:00-16:00 古槐社区敬老院 关爱困难群体 名额2")))
		if a, err := s.FindActivityByCode(ctx, act); err != nil || a.Community != "古槐社区" {
			t.Fatalf("activity %q = %+v, %v; want one in 古槐社区", act, a, err)
		}
		for _, reg := range []struct{ openID, msg string }{
			{"o-li", "注册 李秀英 13812345678 古槐社区"},
			{"o-wang", "注册 王建国 13800000002 运河社区"}, // another community
			{"o-zhang1", "注册 张三 13800000003 古槐社区"},
			{"o-zhang2", "注册 张三 13800000004 古槐社区"},
			{"o-zhao", "注册 赵六 13800000005 古槐社区"},
			{"o-qian", "注册 钱七 13800000006 古槐社区"},
		} {
			if got := say(t, r, text(reg.openID, reg.msg)); !strings.Contains(got, "注册成功") {
				t.Fatalf("%s: %q", reg.msg, got)
			}
		}
		list := "导入 " + act + "\n#接龙\n12月5日敬老院包饺子\n例 张三 138xxxx\n" +
			"1. 李阿姨 138 1234 5678\n" + // 李秀英's mobile, typed with another name
			"2. 王建国 13800000002\n" + // a volunteer of 运河社区
			"3. 张三\n" + // two of that name here
			"4. 13800000005\n" + // 赵六's mobile alone
			"5、钱七 +86 138-0000-0006（带家属）\n" + // seated beyond the quota
			"6. 王建国\n" + // that name only in 运河社区
			"7. 孙丽 13900000000" // nobody's mobile
		reply := say(t, r, text("o-envoy", list))
		t.Logf("reply:\n%s", reply)
		for _, want := range []string{
			"共7人",
			"报名成功：李阿姨（手机号已匹配）、138****0005",
			"候补：钱七",
			"未找到（请先在本社区注册）：王建国、王建国、孙丽",
			"重名需确认，请在名字后补充手机号：张三",
		} {
			if !strings.Contains(reply, want) {
				t.Errorf("reply lacks %q", want)
			}
		}
		for _, secret := range []string{"李秀英", "赵六", "13812345678", "13800000005", "运河"} {
			if strings.Contains(reply, secret) {
				t.Errorf("reply reveals %q, which the envoy did not type", secret)
			}
		}
		signups, err := s.ListActivitySignups(ctx, act)
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]string{}
		for _, su := range signups {
			got[su.OpenID] = su.Status
		}
		want := map[string]string{"o-li": store.SignupSeated, "o-zhao": store.SignupSeated, "o-qian": store.SignupWaitlisted}
		if len(got) != len(want) {
			t.Errorf("sign-ups = %v, want %v", got, want)
		}
		for openID, status := range want {
			if got[openID] != status {
				t.Errorf("sign-up of %s = %q, want %q (all: %v)", openID, got[openID], status, got)
			}
		}

		t.Run("the same list again names everyone as already listed", func(t *testing.T) {
			again := say(t, r, text("o-envoy", list))
			if !strings.Contains(again, "已在名单中：李阿姨（手机号已匹配）、138****0005、钱七") || strings.Contains(again, "李秀英") {
				t.Errorf("reply %q", again)
			}
		})
		t.Run("a name typed as stored gets no note", func(t *testing.T) {
			act2 := code.FindString(say(t, r, text("o-envoy", "发布活动 读书会 12月12日 9:00-11:00 古槐社区图书室 时代新风")))
			got := say(t, r, text("o-envoy", "导入 "+act2+"\n#接龙\n1. 李秀英 13812345678\n2. 张三 13800000004"))
			if !strings.Contains(got, "报名成功：李秀英、张三") || strings.Contains(got, "手机号已匹配") {
				t.Errorf("reply %q", got)
			}
		})
	})
}

package handlers_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"envoybot/store"
	"envoybot/store/storetest"
)

// TestCommunitiesAreAKnownList covers what volunteers, residents and envoys
// type as a community: matched tolerantly against the campaign's
// communities, an unknown one answered with suggestions and never created.
func TestCommunitiesAreAKnownList(t *testing.T) {
	storetest.Backends(t, func(t *testing.T, s store.Store) {
		ctx := context.Background()
		r := newRouter(s)
		configured := len(campaign().Communities)
		if _, err := s.CreateInvite(ctx, store.NewInvite{Code: "ENVOY234", Role: store.RoleEnvoy, Name: "李明", EnvoyKind: "和谐使者", ExpiresAt: now.Add(time.Hour)}, now); err != nil {
			t.Fatal(err)
		}
		say(t, r, text("o-envoy", "绑定 ENVOY234"))

		for _, tc := range []struct {
			name, who, msg string
			want           []string
		}{
			{"subscribing with the name without 社区", "o-res", "订阅讲座 古槐", []string{"已订阅古槐社区的讲座提醒"}},
			{"the residents' committee is the community", "o-res", "订阅讲座 古槐社区居委会", []string{"您已订阅过古槐社区的讲座提醒"}},
			{"a typo one character off", "o-res", "订阅讲座 古淮社区", []string{"您已订阅过古槐社区"}},
			{"an unknown community gets suggestions and the corrected command", "o-res", "订阅讲座 古怪小区",
				[]string{"没有找到“古怪小区”社区，您是指：古槐社区", "请回复“订阅讲座 古槐社区”"}},
			{"a community like none lists the known ones", "o-res", "订阅讲座 太白湖",
				[]string{"没有找到“太白湖”社区", "目前开通的社区有：", "古槐社区", "订阅讲座 "}},
			{"lectures of a tolerantly matched community", "o-res", "讲座 古槐", []string{"（古槐社区）"}},
			{"lectures of an unknown community", "o-res", "讲座 古怪小区", []string{"您是指：古槐社区", "请回复“讲座 古槐社区”"}},
			{"activities of a typo", "o-res", "活动 古淮社区", []string{"暂时没有可报名的活动"}},
			{"activities of an unknown community", "o-res", "活动 古怪小区", []string{"请回复“活动 古槐社区”"}},
			{"unsubscribing with the short name", "o-res", "退订讲座 古槐", []string{"已退订讲座提醒（1个社区）"}},
			{"unsubscribing from an unknown community", "o-res", "退订讲座 古怪小区", []string{"请回复“退订讲座 古槐社区”"}},
			{"registering with the committee's name", "o-zhang", "注册 张三 13812345678 古槐社区居委会", []string{"注册成功", "社区：古槐社区"}},
			{"registering in an unknown community", "o-li", "注册 李四 13812345670 古怪小区",
				[]string{"没有找到“古怪小区”社区，您是指：古槐社区", "请回复“注册 姓名 手机号 古槐社区”"}},
			{"a contact point with the short name is the known community", "o-envoy", "联系点 古槐", []string{"已登记社区联系点：古槐社区。"}},
			{"a contact point like a known one is only suggested", "o-envoy", "联系点 古淮",
				[]string{"您是指：古槐社区", "请回复“联系点 古槐社区”", "如是新的社区，请写全称，例如：联系点 古淮社区"}},
			{"a team in an unknown community", "o-envoy", "建队 古槐银发志愿队 古怪小区", []string{"请回复“建队 古槐银发志愿队 古槐社区”"}},
		} {
			t.Run(tc.name, func(t *testing.T) {
				got := say(t, r, text(tc.who, tc.msg))
				for _, w := range tc.want {
					if !strings.Contains(got, w) {
						t.Errorf("%s: reply %q lacks %q", tc.msg, got, w)
					}
				}
			})
		}
		t.Run("what volunteers and residents typed created no community", func(t *testing.T) {
			assertCommunityCount(t, s, configured)
			if u, _ := s.FindUserByOpenID(ctx, "o-li"); u.Registered() {
				t.Errorf("registered in an unknown community: %+v", u)
			}
			if u, _ := s.FindUserByOpenID(ctx, "o-zhang"); u.Community != "古槐社区" {
				t.Errorf("o-zhang lives in %q, want 古槐社区", u.Community)
			}
		})
		t.Run("an envoy's contact point written in full adds the community", func(t *testing.T) {
			got := say(t, r, text("o-envoy", "联系点 新兴社区居委会"))
			if !strings.Contains(got, "已登记社区联系点：新兴社区") || !strings.Contains(got, "已新增") {
				t.Errorf("reply %q", got)
			}
			assertCommunityCount(t, s, configured+1)
			cs, _ := s.ListCommunities(ctx)
			if !slices.ContainsFunc(cs, func(c *store.Community) bool { return c.Name == "新兴社区" }) {
				t.Errorf("the new community is not stored as 新兴社区")
			}
			if got := say(t, r, text("o-res", "订阅讲座 新兴")); !strings.Contains(got, "已订阅新兴社区") {
				t.Errorf("subscribing to the new community: %q", got)
			}
		})
		t.Run("a first-time sign-up in an unknown community is not registered", func(t *testing.T) {
			act := code.FindString(say(t, r, text("o-envoy", "发布活动 义诊 12月6日 9:00-11:00 运河社区广场 医疗保健")))
			a, err := s.FindActivityByCode(ctx, act)
			if err != nil || a.Community != "运河社区" {
				t.Fatalf("activity %q at 运河社区广场: %+v, %v; want it in 运河社区, the community of its place", act, a, err)
			}
			got := say(t, r, text("o-wang", "报名 "+act+" 王五 13812345671 古怪小区"))
			if !strings.Contains(got, "请回复“报名 "+act+" 姓名 手机号 古槐社区”") {
				t.Errorf("reply %q", got)
			}
			got = say(t, r, text("o-wang", "报名 "+act+" 王五 13812345671 运河"))
			if u, _ := s.FindUserByOpenID(ctx, "o-wang"); !strings.Contains(got, "报名成功") || u.Community != "运河社区" {
				t.Errorf("reply %q, user %+v", got, u)
			}
		})
	})
}

func assertCommunityCount(t *testing.T, s store.Store, want int) {
	t.Helper()
	cs, err := s.ListCommunities(context.Background())
	if err != nil || len(cs) != want {
		names := []string{}
		for _, c := range cs {
			names = append(names, c.Name)
		}
		t.Errorf("communities = %v, %v; want %d", names, err, want)
	}
}

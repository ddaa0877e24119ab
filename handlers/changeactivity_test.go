package handlers_test

import (
	"context"
	"fmt"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"

	"envoybot/handlers"
	"envoybot/store"
	"envoybot/store/storetest"
)

// TestChangeCatalogueIsComplete guards against a text declared but never
// written, as TestCatalogueIsComplete does for Text.
func TestChangeCatalogueIsComplete(t *testing.T) {
	v := reflect.ValueOf(handlers.ChangeText)
	for i := 0; i < v.NumField(); i++ {
		if strings.TrimSpace(v.Field(i).String()) == "" {
			t.Errorf("ChangeText.%s is empty", v.Type().Field(i).Name)
		}
	}
}

// noticesTo returns the texts of the outbox notices of kind, by recipient.
func noticesTo(t *testing.T, s store.Store, kind string) map[string][]string {
	t.Helper()
	ns, err := s.ListNotices(context.Background(), kind, 100)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]string{}
	for _, n := range ns {
		out[n.OpenID] = append(out[n.OpenID], n.Text)
	}
	return out
}

func TestEnvoysChangeTheirMind(t *testing.T) {
	storetest.Backends(t, func(t *testing.T, s store.Store) {
		ctx := context.Background()
		r := newRouter(s)
		for i, id := range []string{"o-envoy1", "o-envoy2"} {
			inv := fmt.Sprintf("ENVOY%d", i+1)
			if _, err := s.CreateInvite(ctx, store.NewInvite{Code: inv, Role: store.RoleEnvoy, Name: id, EnvoyKind: "和谐使者", ExpiresAt: now.Add(time.Hour)}, now); err != nil {
				t.Fatal(err)
			}
			say(t, r, text(id, "绑定 "+inv))
		}
		say(t, r, text("o-envoy1", "联系点 古槐社区"))
		act := code.FindString(say(t, r, text("o-envoy1", "发布活动 敬老院包饺子 12月5日 14:00-16:00 古槐社区敬老院 关爱困难群体 名额1")))
		for i, id := range []string{"o-v1", "o-v2", "o-v3"} {
			name := []string{"张三", "李四", "王五"}[i]
			if got := say(t, r, text(id, fmt.Sprintf("报名 %s %s 1380000000%d", act, name, i+1))); !strings.Contains(got, "报名成功") && !strings.Contains(got, "候补") {
				t.Fatalf("sign-up of %s: %q", id, got)
			}
		}
		step := func(who, msg string, want ...string) string {
			t.Helper()
			got := say(t, r, text(who, msg))
			for _, w := range want {
				if !strings.Contains(got, w) {
					t.Errorf("%s> %s\nreply %q lacks %q", who, msg, got, w)
				}
			}
			return got
		}

		t.Run("another envoy can neither cancel nor modify", func(t *testing.T) {
			step("o-envoy2", "取消活动 "+act+" 下雨", "只有发布活动")
			step("o-envoy2", "修改活动 "+act+" 名额改成5", "只有发布活动")
		})
		t.Run("a volunteer's 取消活动 cancels their own sign-up", func(t *testing.T) {
			step("o-v3", "取消活动 "+act, "已取消报名")
			step("o-v3", "修改活动 "+act+" 名额改成5", "和谐使者的功能")
		})
		t.Run("a missing code or change is asked for with an example", func(t *testing.T) {
			step("o-envoy1", "取消活动", "活动编号", "取消活动 A13")
			step("o-envoy1", "修改活动 "+act, "请写上要改成什么", "名额改成25")
			step("o-envoy1", "修改活动 "+act+" 11月30日 14:00-16:00", "已经过去")
		})
		t.Run("a move tells the seated and the wait-listed, old and new", func(t *testing.T) {
			step("o-envoy1", "修改活动 "+act+" 12月6日 15:00-17:00",
				"时间：12月5日(周六) 14:00-16:00 → 12月6日(周日) 15:00-17:00", "已通知报名的1人和候补1人")
			got := noticesTo(t, s, "activity_changed")
			if len(got["o-v1"]) != 1 || !strings.Contains(got["o-v1"][0], "→ 12月6日(周日) 15:00-17:00") || !strings.Contains(got["o-v1"][0], "名额保留") {
				t.Errorf("o-v1 change notices = %q", got["o-v1"])
			}
			if len(got["o-v2"]) != 1 || !strings.Contains(got["o-v2"][0], "候补第1位") {
				t.Errorf("o-v2 change notices = %q", got["o-v2"])
			}
			if len(got["o-v3"]) != 0 {
				t.Errorf("o-v3 cancelled the sign-up and got %q", got["o-v3"])
			}
		})
		t.Run("a day alone keeps the clock times", func(t *testing.T) {
			step("o-envoy1", "修改活动 "+act+" 12月7日", "→ 12月7日(周一) 15:00-17:00")
		})
		t.Run("a larger quota seats the wait-listed and tells them", func(t *testing.T) {
			step("o-envoy1", "修改活动 "+act+" 名额改成2", "名额：1人 → 2人", "李四已递补")
			if got := noticesTo(t, s, "promotion"); len(got["o-v2"]) != 1 || !strings.Contains(got["o-v2"][0], "递补成功") {
				t.Errorf("o-v2 promotions = %q", got["o-v2"])
			}
			step("o-envoy1", "修改活动 "+act+" 名额改成2", "没有变化")
		})
		t.Run("a smaller quota keeps everyone seated and says so", func(t *testing.T) {
			step("o-envoy1", "修改活动 "+act+" 名额改成1", "名额：2人 → 1人", "比新名额多1人")
			assertSeated(t, s, act, 2)
		})
		t.Run("a place change is told", func(t *testing.T) {
			step("o-envoy1", "修改活动 "+act+" 地点改为古槐社区文化站", "地点：古槐社区敬老院 → 古槐社区文化站", "已通知报名的2人和候补0人")
			if got := noticesTo(t, s, "activity_changed"); len(got["o-v1"]) != 3 {
				t.Errorf("o-v1 change notices = %q; want the move, the day and the place", got["o-v1"])
			}
		})
		t.Run("cancelled once, told once, then refused everywhere", func(t *testing.T) {
			step("o-envoy1", "取消活动 "+act+"，原因：暴雪预警", "已取消活动 "+act, "敬老院包饺子", "已通知报名的2人和候补0人", "原因：暴雪预警")
			step("o-envoy1", "取消活动 "+act, "取消过了")
			got := noticesTo(t, s, "activity_cancelled")
			for _, id := range []string{"o-v1", "o-v2"} {
				if len(got[id]) != 1 || !strings.Contains(got[id][0], "原因：暴雪预警") || !strings.Contains(got[id][0], "古槐社区文化站") {
					t.Errorf("%s cancellations = %q", id, got[id])
				}
			}
			step("o-v3", "报名 "+act, "已取消，不能报名")
			step("o-v1", "活动", "暂时没有可报名的活动")
			step("o-v1", "我的报名", "还没有报名")
			step("o-envoy1", "修改活动 "+act+" 名额改成5", "已取消，不能修改")
			assertSeated(t, s, act, 2)
		})
		t.Run("an ended activity cannot be cancelled", func(t *testing.T) {
			old := code.FindString(step("o-envoy1", "发布活动 读书会 12月2日 9:00-11:00 古槐社区图书室 时代新风"))
			after := newRouterAt(s, time.Date(2026, 12, 2, 12, 0, 0, 0, now.Location()))
			if got := say(t, after, text("o-envoy1", "取消活动 "+old)); !strings.Contains(got, "已结束") {
				t.Errorf("cancel after the end: %q", got)
			}
			if got := say(t, after, text("o-envoy1", "修改活动 "+old+" 名额改成5")); !strings.Contains(got, "已开始") {
				t.Errorf("modify after the start: %q", got)
			}
		})
		t.Run("one lecture session", func(t *testing.T) {
			lecture := regexpL.FindString(step("o-envoy1", "发布讲座 法律知识讲座 每周六 9:30 古槐社区活动室"))
			step("o-envoy2", "取消讲座 "+lecture+" 12月12日", "只有发布活动 "+lecture)
			step("o-envoy1", "取消讲座 "+lecture+" 12月12日", "已取消讲座 "+lecture, "12月12日(周六) 09:30", "其他场次照常")
			step("o-envoy1", "取消讲座 "+lecture+" 12月12日", "已取消过了")
			step("o-envoy1", "取消讲座 "+lecture+" 12月8日", "没有场次")
			list := step("o-v1", "讲座", "12月5日", "12月19日")
			if strings.Contains(list, "12月12日") {
				t.Errorf("the cancelled session is still listed: %q", list)
			}
			step("o-envoy1", "取消讲座 "+lecture, "已取消讲座")
			step("o-envoy1", "取消讲座 "+lecture+" 12月19日", "已整体取消")
		})
	})
}

var regexpL = regexp.MustCompile(`L\d+`)

func assertSeated(t *testing.T, s store.Store, act string, want int) {
	t.Helper()
	a, err := s.FindActivityByCode(context.Background(), act)
	if err != nil || a.Seated != want {
		t.Errorf("%s seated = %v, %v; want %d", act, a, err, want)
	}
}

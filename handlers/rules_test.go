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

// TestOneRulePerAction drives issue 11's "one rule per action" and limits
// through the chat handlers on both engines: hours as on the dashboard, a
// brand kept by its holder, unmet targets explained, capped fields, the
// daily publishing cap.
func TestOneRulePerAction(t *testing.T) {
	storetest.Backends(t, func(t *testing.T, s store.Store) {
		ctx := context.Background()
		r := newRouter(s)
		for i, p := range []struct {
			openID, name string
			role         store.Role
		}{
			{"o-envoy1", "李明", store.RoleEnvoy}, {"o-envoy2", "王芳", store.RoleEnvoy}, {"o-admin", "王科长", store.RoleAdmin},
		} {
			say(t, r, text(p.openID, fmt.Sprintf("注册 %s 1390000001%d 古槐社区", p.name, i)))
			inv := fmt.Sprintf("RULES%d", i+2)
			if _, err := s.CreateInvite(ctx, store.NewInvite{Code: inv, Role: p.role, Name: p.name, EnvoyKind: "和谐使者", ExpiresAt: now.Add(time.Hour)}, now); err != nil {
				t.Fatal(err)
			}
			say(t, r, text(p.openID, "绑定 "+inv))
			say(t, r, text(p.openID, "联系点 古槐社区"))
		}
		user := func(openID string) *store.User {
			t.Helper()
			u, err := s.FindUserByOpenID(ctx, openID)
			if err != nil {
				t.Fatal(err)
			}
			return u
		}

		t.Run("hours follow the dashboard's rules", func(t *testing.T) {
			act := code.FindString(say(t, r, text("o-envoy1", "发布活动 敬老院包饺子 12月5日 14:00-16:00 古槐社区敬老院 关爱困难群体 名额20")))
			say(t, r, text("o-v1", "注册 张三 13800000001 古槐社区"))
			start := time.Date(2026, 12, 5, 14, 0, 0, 0, now.Location())
			v1 := user("o-v1").ID
			if _, _, err := s.CheckIn(ctx, act, v1, start, nil, false); err != nil {
				t.Fatal(err)
			}
			att, err := s.CheckOut(ctx, act, v1, start.Add(2*time.Hour), nil, false, 120)
			if err != nil {
				t.Fatal(err)
			}
			confirmed := func() *store.Attendance {
				list, err := s.ListAttendance(ctx, act)
				if err != nil || len(list) != 1 {
					t.Fatalf("ListAttendance = %v, %v", list, err)
				}
				return list[0]
			}
			before := say(t, newRouterAt(s, start.Add(90*time.Minute)), text("o-envoy1", "确认时长 "+act))
			if !strings.Contains(before, "还没有结束") || confirmed().ConfirmedMinutes != -1 {
				t.Fatalf("确认时长 before the end = %q, confirmed %d; want refused", before, confirmed().ConfirmedMinutes)
			}
			after := say(t, newRouterAt(s, start.Add(3*time.Hour)), text("o-envoy1", "确认时长 "+act))
			if !strings.Contains(after, "张三 2小时") || confirmed().ConfirmedMinutes != 120 {
				t.Fatalf("确认时长 after the end = %q, confirmed %d; want 120", after, confirmed().ConfirmedMinutes)
			}
			// The dashboard's save (web/admin confirmHours) is this call.
			if _, err := s.ConfirmHours(ctx, act, user("o-admin").ID, []store.HoursChange{{AttendanceID: att.ID, Minutes: 90, Correction: true}},
				"管理后台 王科长：早退半小时", start.Add(4*time.Hour)); err != nil {
				t.Fatal(err)
			}
			again := say(t, newRouterAt(s, start.Add(5*time.Hour)), text("o-envoy1", "确认时长 "+act))
			got := confirmed()
			if !strings.Contains(again, "后台更正") || !strings.Contains(again, "张三 1.5小时") || got.ConfirmedMinutes != 90 || !got.Corrected {
				t.Fatalf("确认时长 after a correction = %q, confirmed %d; want the correction kept and said", again, got.ConfirmedMinutes)
			}
			t.Logf("before the end: refused; after: 120 min; dashboard correction 90 min; chat again: %d min kept, reply %q", got.ConfirmedMinutes, again)
		})

		t.Run("a brand belongs to the envoy who registered it", func(t *testing.T) {
			if got := say(t, r, text("o-envoy1", "品牌 银发守护 为空巢老人提供上门陪伴")); !strings.Contains(got, "银发守护") {
				t.Fatalf("品牌 of the first envoy = %q", got)
			}
			got := say(t, r, text("o-envoy2", "品牌 古槐暖心 邻里互助"))
			if !strings.Contains(got, "由李明登记") || !strings.Contains(got, "联系管理员") {
				t.Fatalf("品牌 of another envoy = %q; want refused naming 李明", got)
			}
			b, err := s.FindBrand(ctx, "古槐社区")
			if err != nil || b.Name != "银发守护" || b.EnvoyID != user("o-envoy1").ID {
				t.Fatalf("brand = %+v, %v; want 银发守护 of 李明", b, err)
			}
			if p := say(t, r, text("o-envoy1", "进度")); !strings.Contains(p, "品牌：银发守护") {
				t.Fatalf("进度 of the holder = %q; want the brand still hers", p)
			}
			got = say(t, r, text("o-admin", "品牌 古槐暖心 邻里互助"))
			if !strings.Contains(got, "原由李明登记") || !strings.Contains(got, "转到你名下") {
				t.Fatalf("品牌 of an admin = %q; want reassigned from 李明", got)
			}
			if b, err := s.FindBrand(ctx, "古槐社区"); err != nil || b.Name != "古槐暖心" || b.EnvoyID != user("o-admin").ID {
				t.Fatalf("brand = %+v, %v; want 古槐暖心 of the admin", b, err)
			}
		})

		t.Run("progress says why a target is not met", func(t *testing.T) {
			team := regexp.MustCompile(`T\d+`).FindString(say(t, r, text("o-envoy2", "建队 北关青年队")))
			p := say(t, r, text("o-envoy2", "进度"))
			if !strings.Contains(p, "还没有队员，有队员才算") || !strings.Contains(p, "还没有品牌") {
				t.Fatalf("进度 with an empty team = %q; want the reasons", p)
			}
			say(t, r, text("o-v2", "注册 李四 13800000002 古槐社区"))
			if got := say(t, r, text("o-v2", "入队 "+team)); !strings.Contains(got, "加入") {
				t.Fatalf("入队 %s = %q", team, got)
			}
			if p := say(t, r, text("o-envoy2", "进度")); strings.Contains(p, "还没有队员") || !strings.Contains(p, "还没有品牌") {
				t.Fatalf("进度 with a member = %q; want the team met, the brand not", p)
			}
		})

		t.Run("fields are capped where they enter", func(t *testing.T) {
			long := func(n int) string { return strings.Repeat("长", n) }
			for _, tc := range []struct{ name, who, msg, want string }{
				{"a title of 41 characters", "o-envoy1", "发布活动 " + long(41) + " 12月6日 14:00-16:00 古槐社区敬老院 关爱困难群体", "标题最多40个字"},
				{"a place of 61 characters", "o-envoy1", "发布活动 包饺子 12月6日 14:00-16:00 地点：" + long(61) + " 关爱困难群体", "地点最多60个字"},
				{"a lecture title of 41 characters", "o-envoy1", "发布讲座 " + long(41) + "讲座 12月6日 9:30 古槐社区活动室", "标题最多40个字"},
				{"a brand description of 201 characters", "o-envoy1", "品牌 银发守护 " + long(201), "品牌介绍最多200个字"},
				{"a team name of 21 characters", "o-envoy1", "建队 " + long(19) + "志愿队", "队名最多20个字"},
				{"a name of 21 characters", "o-v3", "注册 姓名：" + long(21) + " 手机：13800000003 社区：古槐社区", "姓名最多20个字"},
			} {
				t.Run(tc.name, func(t *testing.T) {
					if got := say(t, r, text(tc.who, tc.msg)); !strings.Contains(got, tc.want) {
						t.Errorf("reply %q lacks %q", got, tc.want)
					}
				})
			}
		})

		t.Run("publishing is capped per envoy per day", func(t *testing.T) {
			cap := rules().PublishPerDay
			day := time.Date(2026, 12, 2, 8, 0, 0, 0, now.Location())
			rd := newRouterAt(s, day)
			published := 0
			for i := 0; i < cap+5; i++ {
				got := say(t, rd, text("o-envoy2", fmt.Sprintf("发布活动 读书会%d 12月%d日 9:00-10:00 古槐社区图书室 时代新风", i, 10+i%15)))
				if code.MatchString(got) && strings.Contains(got, "读书会") {
					published++
				} else if !strings.Contains(got, fmt.Sprintf("每天最多发布%d场", cap)) {
					t.Fatalf("publish %d = %q", i+1, got)
				}
			}
			lecture := say(t, rd, text("o-envoy2", "发布讲座 防诈骗讲座 12月20日 9:30 古槐社区活动室"))
			n, err := s.CountPublishedSince(ctx, user("o-envoy2").ID, time.Date(2026, 12, 2, 0, 0, 0, 0, now.Location()))
			if err != nil || published != cap || n != cap || !strings.Contains(lecture, "每天最多发布") {
				t.Fatalf("published %d, %d in the store, %v; lecture %q; want %d and the lecture refused", published, n, err, lecture, cap)
			}
			next := say(t, newRouterAt(s, day.Add(24*time.Hour)), text("o-envoy2", "发布讲座 防诈骗讲座 12月20日 9:30 古槐社区活动室"))
			if !strings.Contains(next, "防诈骗讲座") || strings.Contains(next, "每天最多") {
				t.Fatalf("publish the next day = %q; want published", next)
			}
			t.Logf("%d publishes tried in one day: %d published, %d refused with the cap %d; the next day's publish went through", cap+6, published, cap+6-published, cap)
		})
	})
}

// TestRulesCatalogueIsComplete guards against a text declared but never
// written, and a capped field without a name for people.
func TestRulesCatalogueIsComplete(t *testing.T) {
	v := reflect.ValueOf(handlers.RulesText)
	for i := 0; i < v.NumField(); i++ {
		if f := v.Field(i); f.Kind() == reflect.String && strings.TrimSpace(f.String()) == "" {
			t.Errorf("RulesText.%s is empty", v.Type().Field(i).Name)
		}
	}
	for _, f := range []store.Field{store.FieldName, store.FieldTeamName, store.FieldBrandName, store.FieldTitle, store.FieldPlace, store.FieldDescription} {
		if handlers.RulesText.FieldLabels[f.Key] == "" {
			t.Errorf("field %q has no label", f.Key)
		}
	}
}

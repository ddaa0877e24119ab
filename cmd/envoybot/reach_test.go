package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"envoybot/bot/wechattest"
	"envoybot/store"
)

// popupXML is what WeChat posts when a user answers the subscription
// pop-up for one template.
func popupXML(r *running, openID, templateID, status string, at time.Time) string {
	return r.signer.EventXML(openID, "subscribe_msg_popup_event", "", at.Unix(),
		`<SubscribeMsgPopupEvent><List><TemplateId><![CDATA[`+templateID+`]]></TemplateId>`+
			`<SubscribeStatusString><![CDATA[`+status+`]]></SubscribeStatusString><PopupScene>2</PopupScene></List></SubscribeMsgPopupEvent>`)
}

// TestReachAcceptance is issue 13's acceptance scenario on both engines with
// the fake WeChat API, which refuses what breaks WeChat's current rules
// (first/remark, values over their limit, line breaks, bizsend without
// acceptance): inside the window a customer-service message; at the budget
// a subscription notice for who accepted it and a current-format template
// for who did not; nothing usable is undeliverable with the reason; a late
// sign-up gets one reminder.
func TestReachAcceptance(t *testing.T) {
	for _, d := range deployments {
		t.Run(d.name, func(t *testing.T) {
			env := d.env(t)
			cfgFile := filepath.Join(t.TempDir(), "envoybot.yaml")
			if err := os.WriteFile(cfgFile, []byte(`notices:
  customer_budget: 1
  subscriptions:
    activity_reminder:
      id: SUB_ACTIVITY
      fields: {thing1: title, time2: time, thing3: place}
      page: https://example.org/a
  templates:
    activity_reminder:
      id: TPL_ACTIVITY
      fields: {thing1: title, time2: time, thing3: place}
      url: https://example.org/a
`), 0o600); err != nil {
				t.Fatal(err)
			}
			env["ENVOYBOT_CONFIG"] = cfgFile
			api := wechattest.NewFakeAPI(t)
			clk := &clock{t: time.Date(2026, 12, 1, 9, 0, 0, 0, cst)}
			r := startAt(t, env, api, clk.Now)
			tr := transcript{t: t, r: r}
			tr.say("使者", "o-envoy", "绑定 "+invite(t, env, "--role", "envoy", "--name", "李使者"), "成功")
			act := codePattern.FindString(tr.say("使者", "o-envoy",
				"发布活动 老旧小区楼道清理与垃圾分类宣传志愿服务活动 12月6日 9:00-11:00 古槐社区卫生室 环境整治 古槐社区", "报名"))
			tr.say("订阅者", "o-sub", "报名 "+act+" 张三 13800000001", "报名成功")
			tr.say("模板", "o-tpl", "报名 "+act+" 李四 13800000002", "报名成功")
			tr.say("久未联系", "o-silent", "订阅讲座 古槐社区", "已订阅")
			api.AcceptSubscription("o-sub", "SUB_ACTIVITY")
			if reply := r.post(t, popupXML(r, "o-sub", "SUB_ACTIVITY", "accept", clk.Now()), true); reply != "" {
				t.Errorf("the pop-up event got a reply %q, want none", reply)
			}

			// Both wrote within 48 h of the 24-h reminder: customer-service.
			clk.Set(time.Date(2026, 12, 5, 8, 0, 0, 0, cst))
			tr.say("订阅者", "o-sub", "我的报名", act)
			tr.say("模板", "o-tpl", "我的报名", act)
			jobsRun(t, env, "activity-reminders", time.Date(2026, 12, 5, 9, 0, 0, 0, cst))
			for _, id := range []string{"o-sub", "o-tpl"} {
				if n := countContaining(textsTo(api)[id], "【活动提醒】"); n != 1 {
					t.Errorf("%s: %d customer-service reminders, want 1", id, n)
				}
			}

			// A late sign-up, 2 h 10 min before: one reminder, at 2 h.
			clk.Set(time.Date(2026, 12, 6, 6, 50, 0, 0, cst))
			tr.say("晚报名", "o-late", "报名 "+act+" 王五 13800000003", "报名成功")
			jobsRun(t, env, "activity-reminders", clk.Now())
			jobsRun(t, env, "activity-reminders", time.Date(2026, 12, 6, 7, 0, 0, 0, cst))
			if n := countContaining(textsTo(api)["o-late"], "【活动提醒】"); n != 1 {
				t.Errorf("late sign-up: %d reminders, want 1: %q", n, textsTo(api)["o-late"])
			}

			// The 2-h reminder: the budget of one is used.
			subs := api.SubscribeMessages()
			if len(subs) != 1 || subs[0].ToUser != "o-sub" || subs[0].TemplateID != "SUB_ACTIVITY" || subs[0].Page != "https://example.org/a" {
				t.Errorf("subscription notices = %+v, want one SUB_ACTIVITY to o-sub", subs)
			}
			tpls := api.TemplateMessages()
			if len(tpls) != 1 || tpls[0].ToUser != "o-tpl" || tpls[0].TemplateID != "TPL_ACTIVITY" {
				t.Fatalf("template messages = %+v, want one TPL_ACTIVITY to o-tpl", tpls)
			}
			if got := tpls[0].Data; got["thing1"] != "老旧小区楼道清理与垃圾分类宣传志愿服务…" || got["thing3"] != "古槐社区卫生室" || len(got) != 3 {
				t.Errorf("template data = %q, want keyword fields cut to 20 characters", got)
			}
			if n := len(api.Calls("/cgi-bin/message/template/send")) + len(api.Calls("/cgi-bin/message/subscribe/bizsend")); n != 2 {
				t.Errorf("%d template and subscription calls, want 2 (none refused)", n)
			}
			reminders, err := r.app.store.ListNotices(context.Background(), "activity_reminder", 20)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, n := range reminders {
				if strings.HasSuffix(n.Key, "2h0m0s") {
					got = append(got, n.OpenID+":"+n.Channel+":"+n.LastError)
				}
			}
			want := map[string]bool{"o-sub:subscribe:budget_used": true, "o-tpl:template:budget_used,not_subscribed": true, "o-late:customer:in_window": true}
			if len(got) != 3 {
				t.Errorf("2-h reminders = %q, want 3", got)
			}
			for _, g := range got {
				if !want[g] {
					t.Errorf("2-h reminder %q, want one of %v", g, want)
				}
			}

			// A lecture notice to a resident silent for days, with no
			// subscription notice or template for lectures: undeliverable.
			tr.say("使者", "o-envoy", "发布讲座 健康讲座 12月8日 15:00 古槐社区活动室", "L")
			jobsRun(t, env, "lecture-notices", time.Date(2026, 12, 7, 15, 0, 0, 0, cst))
			ns, err := r.app.store.ListNotices(context.Background(), "lecture_notice", 10)
			if err != nil {
				t.Fatal(err)
			}
			var silent *store.Notice
			for _, n := range ns {
				if n.OpenID == "o-silent" {
					silent = n
				}
			}
			if silent == nil || silent.Status != store.NoticeUndeliverable || silent.LastError != "outside_48h,no_subscription,no_template" {
				t.Errorf("lecture notice to o-silent = %+v, want undeliverable outside_48h,no_subscription,no_template", silent)
			}
		})
	}
}

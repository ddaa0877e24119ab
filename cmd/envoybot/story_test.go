package main

import (
	"bytes"
	"context"
	"fmt"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"envoybot/bot/wechattest"
	"envoybot/bot/wxsign"
	"envoybot/store"
)

// clock is a settable test clock shared by envoybot and the signer.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time  { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Set(t time.Time) { c.mu.Lock(); defer c.mu.Unlock(); c.t = t }

var cst = time.FixedZone("CST", 8*3600)

// transcript runs chat turns through /wechat in safe mode and logs them.
type transcript struct {
	t *testing.T
	r *running
}

func (tr transcript) say(who, openID, text string, want ...string) string {
	tr.t.Helper()
	reply := tr.r.say(tr.t, openID, text, true)
	tr.t.Logf("%s> %s\nbot> %s\n", who, text, reply)
	for _, w := range want {
		if !strings.Contains(reply, w) {
			tr.t.Errorf("%s said %q: reply %q lacks %q", who, text, reply, w)
		}
	}
	return reply
}

func (tr transcript) event(who, openID, event, key, extra string, want ...string) string {
	tr.t.Helper()
	reply := tr.r.post(tr.t, tr.r.signer.EventXML(openID, event, key, tr.r.signer.Now().Unix(), extra), true)
	tr.t.Logf("%s> [%s %s]\nbot> %s\n", who, event, key, reply)
	for _, w := range want {
		if !strings.Contains(reply, w) {
			tr.t.Errorf("%s event %s %s: reply %q lacks %q", who, event, key, reply, w)
		}
	}
	return reply
}

func (tr transcript) location(who, openID string, lat, lng float64, want ...string) string {
	tr.t.Helper()
	reply := tr.r.post(tr.t, tr.r.signer.LocationXML(openID, lat, lng, "古槐社区敬老院", wxsign.NextMsgID()), true)
	tr.t.Logf("%s> [位置 %.4f,%.4f]\nbot> %s\n", who, lat, lng, reply)
	for _, w := range want {
		if !strings.Contains(reply, w) {
			tr.t.Errorf("%s location: reply %q lacks %q", who, reply, w)
		}
	}
	return reply
}

// invite issues a code with the CLI, as an operator would.
func invite(t *testing.T, env map[string]string, args ...string) string {
	t.Helper()
	var stdout, stderr bytes.Buffer
	if code := run(context.Background(), append([]string{"invite"}, args...), func(k string) string { return env[k] }, nil, &stdout, &stderr); code != 0 {
		t.Fatalf("envoybot invite %v: exit %d: %s", args, code, stderr.String())
	}
	return strings.TrimSpace(stdout.String())
}

var codePattern = regexp.MustCompile(`[ATL]\d+`)

func TestStory(t *testing.T) {
	for _, d := range deployments {
		t.Run(d.name, func(t *testing.T) {
			env := d.env(t)
			api := wechattest.NewFakeAPI(t)
			clk := &clock{t: time.Date(2026, 12, 1, 9, 0, 0, 0, cst)}
			r := startAt(t, env, api, clk.Now)
			tr := transcript{t: t, r: r}
			ctx := context.Background()

			adminCode := invite(t, env, "--role", "admin", "--name", "王科长")
			tr.say("管理员", "o-admin", "绑定 "+adminCode, "管理员")
			envoyCode := invite(t, env, "--role", "envoy", "--name", "李使者", "--level", "市")
			tr.say("使者", "o-envoy", "你好，绑定 "+strings.ToLower(envoyCode), "市级和谐使者")
			tr.say("使者", "o-envoy", "绑定 "+envoyCode, "已被使用")
			tr.say("使者", "o-envoy", "注册 李明 13700000000 古槐社区", "李明")
			tr.say("使者", "o-envoy", "联系点 古槐社区", "古槐社区")
			team := codePattern.FindString(tr.say("使者", "o-envoy", "建队 古槐银发志愿队", "T"))
			act := codePattern.FindString(tr.say("使者", "o-envoy", "发布活动 敬老院包饺子 12月5日 14:00-16:00 古槐社区敬老院 关爱困难群体 名额2", "报名", testPublicURL+"/qr/A"))
			if team == "" || act == "" {
				t.Fatalf("team %q activity %q", team, act)
			}
			tr.location("使者", "o-envoy", 35.4100, 116.5900, "签到位置")
			lecture := codePattern.FindString(tr.say("使者", "o-envoy", "发布讲座 法律知识讲座 每月第一个周六 9:30 古槐社区活动室", "L"))

			vols := []struct{ who, id, reg string }{
				{"志愿者1", "o-v1", "注册 张三 13800000001 古槐社区"},
				{"志愿者2", "o-v2", "注册 李四 13800000002 古槐社区"},
				{"志愿者3", "o-v3", "注册：王五，13800000003，古槐社区"},
			}
			for _, v := range vols {
				tr.say(v.who, v.id, v.reg, "注册成功")
			}
			tr.say("志愿者1", "o-v1", "报名 "+act, "报名成功")
			tr.say("志愿者2", "o-v2", "我要报名"+strings.ToLower(act)+"，谢谢", "报名成功")
			tr.say("志愿者3", "o-v3", "报名 "+act, "候补第1位")
			tr.say("志愿者1", "o-v1", "入队 "+team, "已加入")
			tr.say("志愿者2", "o-v2", "取消报名 "+act, "已取消")
			texts := api.WaitCustomerTexts(t, 1, 5*time.Second)
			if texts[0].ToUser != "o-v3" || !strings.Contains(texts[0].Content, "递补") {
				t.Errorf("promotion notice = %+v", texts[0])
			}
			t.Logf("fake WeChat API> customer-service message to %s: %s", texts[0].ToUser, texts[0].Content)
			tr.say("志愿者3", "o-v3", "我的报名", act, "已报名")

			clk.Set(time.Date(2026, 12, 5, 13, 40, 0, 0, cst))
			tr.say("志愿者1", "o-v1", "签到 "+act, "签到成功")
			tr.location("志愿者3", "o-v3", 35.4101, 116.5901, "签到成功")
			clk.Set(time.Date(2026, 12, 5, 16, 5, 0, 0, cst))
			tr.say("志愿者1", "o-v1", "签退 "+act, "2 小时")
			tr.say("志愿者3", "o-v3", "签退", "2 小时")
			tr.say("志愿者1", "o-v1", "确认时长 "+act, "使者")
			tr.say("使者", "o-envoy", "确认时长 "+act, "张三 2小时", "王五 2小时")
			tr.say("志愿者1", "o-v1", "我的时长", "关爱困难群体：2小时（1次）")
			tr.say("居民", "o-resident", "订阅讲座 古槐社区", "已订阅")
			tr.say("居民", "o-resident", "讲座 古槐社区", lecture, "法律知识讲座")

			act2 := codePattern.FindString(tr.say("使者", "o-envoy", "发布活动 读书会 12月12日 9:00-11:00 古槐社区图书室 时代新风 名额1"))
			tr.say("使者", "o-envoy", "导入 "+act2+"\n#接龙\n周六读书会报名\n1. 张三\n2. 李四 13800000002\n3. 赵六", "报名成功：张三", "候补：李四", "未找到")
			tr.say("使者", "o-envoy", "进度", "✓", "古槐社区")
			tr.say("志愿者1", "o-v1", "发布活动 偷偷发 12月9日 9:00-10:00 某地 文明有礼", "和谐使者")

			seated, waitlisted := countSignups(t, r.app.store, act)
			if seated != 2 || waitlisted != 0 {
				t.Errorf("%s: %d seated, %d wait-listed; want 2 and 0", act, seated, waitlisted)
			}
			v3, err := r.app.store.FindUserByOpenID(ctx, "o-v3")
			if err != nil {
				t.Fatalf("FindUserByOpenID(o-v3): %v", err)
			}
			hours, err := r.app.store.UserHours(ctx, v3.ID)
			if err != nil || len(hours) != 1 || hours[0].Minutes != 120 {
				t.Errorf("o-v3 hours = %+v, %v", hours, err)
			}
		})
	}
}

func countSignups(t *testing.T, st store.Store, code string) (seated, waitlisted int) {
	t.Helper()
	ss, err := st.ListActivitySignups(context.Background(), code)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range ss {
		switch s.Status {
		case store.SignupSeated:
			seated++
		case store.SignupWaitlisted:
			waitlisted++
		}
	}
	return seated, waitlisted
}

func TestConcurrentSignupsAndRetries(t *testing.T) {
	for _, d := range deployments {
		t.Run(d.name, func(t *testing.T) {
			env := d.env(t)
			api := wechattest.NewFakeAPI(t)
			clk := &clock{t: time.Date(2026, 12, 1, 9, 0, 0, 0, cst)}
			r := startAt(t, env, api, clk.Now)
			tr := transcript{t: t, r: r}
			code := invite(t, env, "--role", "envoy", "--name", "李使者")
			tr.say("使者", "o-envoy", "绑定 "+code, "成功")
			act := codePattern.FindString(tr.say("使者", "o-envoy", "发布活动 义诊 12月6日 9:00-11:00 古槐社区卫生室 医疗保健 名额20 古槐社区", "报名"))

			const n = 50
			msgs := make([]string, n)
			for i := range msgs {
				msgs[i] = r.signer.TextXML(fmt.Sprintf("o-c%02d", i), fmt.Sprintf("报名 %s 志愿者%s 139%08d", act, string(rune('甲'+i)), i), wxsign.NextMsgID())
			}
			send := func() []string {
				replies := make([]string, n)
				var wg sync.WaitGroup
				for i := range msgs {
					wg.Add(1)
					go func() { defer wg.Done(); replies[i] = r.post(t, msgs[i], i%2 == 0) }()
				}
				wg.Wait()
				return replies
			}
			first := send()
			// A reply past the deadline was answered "success" and its
			// handler goes on (its text follows as a customer-service
			// message): count once every handler is done.
			seated, waitlisted := countSignups(t, r.app.store, act)
			for deadline := time.Now().Add(30 * time.Second); seated+waitlisted < n && time.Now().Before(deadline); {
				time.Sleep(100 * time.Millisecond)
				seated, waitlisted = countSignups(t, r.app.store, act)
			}
			if seated != 20 || waitlisted != 30 {
				kinds := map[string]int{}
				for _, reply := range first {
					kinds[strings.SplitN(reply, "\n", 2)[0]]++
				}
				t.Errorf("after 50 sign-ups: %d seated, %d wait-listed; want 20 and 30; first lines of the replies: %v", seated, waitlisted, kinds)
			}
			again := send()
			for i := range first {
				if first[i] != again[i] {
					t.Errorf("retry %d got %q, first %q", i, again[i], first[i])
				}
			}
			ss, _ := r.app.store.ListActivitySignups(context.Background(), act)
			if len(ss) != n {
				t.Errorf("after the retries: %d sign-ups, want %d", len(ss), n)
			}
		})
	}
}

// TestCommunitiesStory: communities are a known list, through /wechat in
// safe mode. The campaign's communities are there from the start; what
// residents and volunteers type is matched tolerantly, an unknown
// community is answered with suggestions and never created, and an
// envoy's contact point is matched before it adds one.
func TestCommunitiesStory(t *testing.T) {
	for _, d := range deployments[:2] {
		t.Run(d.name, func(t *testing.T) {
			env := d.env(t)
			api := wechattest.NewFakeAPI(t)
			clk := &clock{t: time.Date(2026, 12, 1, 9, 0, 0, 0, cst)}
			r := startAt(t, env, api, clk.Now)
			tr := transcript{t: t, r: r}
			ctx := context.Background()
			known := func() []string {
				t.Helper()
				cs, err := r.app.store.ListCommunities(ctx)
				if err != nil {
					t.Fatal(err)
				}
				names := []string{}
				for _, c := range cs {
					names = append(names, c.Name)
				}
				return names
			}
			configured := len(r.cfg.Campaign.Communities)
			if got := known(); len(got) != configured {
				t.Fatalf("communities at start = %v, want the %d configured", got, configured)
			}

			tr.say("居民", "o-resident", "订阅讲座 古槐", "已订阅古槐社区的讲座提醒")
			tr.say("居民", "o-resident", "订阅讲座 古怪小区", "没有找到“古怪小区”社区，您是指：古槐社区", "请回复“订阅讲座 古槐社区”")
			tr.say("居民", "o-resident", "讲座 古淮社区", "古槐社区")
			tr.say("志愿者", "o-v1", "注册 张三 13800000001 古槐社区居委会", "注册成功", "社区：古槐社区")
			tr.say("志愿者", "o-v2", "注册 李四 13800000002 古怪小区", "请回复“注册 姓名 手机号 古槐社区”")

			envoyCode := invite(t, env, "--role", "envoy", "--name", "李使者")
			tr.say("使者", "o-envoy", "绑定 "+envoyCode, "成功")
			tr.say("使者", "o-envoy", "联系点 古槐", "已登记社区联系点：古槐社区。")
			tr.say("使者", "o-envoy", "联系点 新兴社区", "已登记社区联系点：新兴社区", "已新增到社区名单")
			tr.say("居民", "o-resident", "订阅讲座 新兴", "已订阅新兴社区的讲座提醒")

			got := known()
			if len(got) != configured+1 {
				t.Errorf("communities = %v: want the %d configured and 新兴社区, none from residents or volunteers", got, configured)
			}
			u, err := r.app.store.FindUserByOpenID(ctx, "o-resident")
			if err != nil {
				t.Fatal(err)
			}
			subs, err := r.app.store.ListSubscriptions(ctx, u.ID)
			if err != nil || strings.Join(subs, ",") != "古槐社区,新兴社区" && strings.Join(subs, ",") != "新兴社区,古槐社区" {
				t.Errorf("subscriptions = %v, %v; want 古槐社区 and 新兴社区", subs, err)
			}
		})
	}
}

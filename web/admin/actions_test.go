package admin

import (
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"envoybot/store"
	"envoybot/store/storetest"
)

// invitePattern finds the issued code on the invites page.
var invitePattern = regexp.MustCompile(`id="invite-code">([A-Z0-9]+)<`)

func TestActions(t *testing.T) {
	storetest.Backends(t, func(t *testing.T, s store.Store) {
		sd := seedCampaign(t, s)
		e := newEnv(t, s)
		b := e.browser("10.0.0.1").login()
		ctx := t.Context()

		t.Run("issuing an invite shows a code that CreateInvite stored", func(t *testing.T) {
			r := b.post("/admin/invites", "/admin/invites", url.Values{
				"role": {"envoy"}, "name": {"钱七"}, "level": {"省"}, "kind": {"敬老使者"}, "hours": {"48"}})
			m := invitePattern.FindStringSubmatch(r.Body)
			if r.Code != http.StatusOK || m == nil {
				t.Fatalf("POST /admin/invites = %d, no code:\n%s", r.Code, r.Body)
			}
			if !strings.Contains(r.Body, "绑定 "+m[1]) {
				t.Errorf("page does not tell what to send")
			}
			qian, err := s.TouchUser(ctx, "o-qian", testNow)
			if err != nil {
				t.Fatal(err)
			}
			u, inv, err := s.RedeemInvite(ctx, qian.ID, m[1], testNow.Add(time.Hour), 5, time.Hour)
			if err != nil {
				t.Fatalf("RedeemInvite(%s): %v", m[1], err)
			}
			if u.Role != store.RoleEnvoy || u.EnvoyLevel != "省" || u.EnvoyKind != "敬老使者" || inv.Name != "钱七" ||
				!inv.ExpiresAt.Equal(testNow.Add(48*time.Hour)) {
				t.Fatalf("redeemed %+v with invite %+v", u, inv)
			}
		})

		t.Run("an invite without a name is refused with a message", func(t *testing.T) {
			r := b.post("/admin/invites", "/admin/invites", url.Values{"role": {"envoy"}, "name": {" "}, "kind": {"和谐使者"}, "hours": {"48"}})
			if r.Code != http.StatusBadRequest || invitePattern.MatchString(r.Body) || !strings.Contains(r.Body, "请填写受邀人姓名") {
				t.Fatalf("POST without a name = %d:\n%s", r.Code, r.Body)
			}
		})

		attendance := func(openID string) *store.Attendance {
			t.Helper()
			as, err := s.ListAttendance(ctx, sd.Activity.Code)
			if err != nil {
				t.Fatal(err)
			}
			for _, a := range as {
				if a.OpenID == openID {
					return a
				}
			}
			t.Fatalf("no attendance of %s", openID)
			return nil
		}

		t.Run("confirming hours needs a reason", func(t *testing.T) {
			a := attendance("o-v1")
			r := b.post("/admin/hours?activity="+sd.Activity.Code, "/admin/hours", url.Values{
				"activity": {sd.Activity.Code}, "attendance": {strconv.FormatInt(a.ID, 10)}, "minutes": {"90"}, "reason": {"  "}})
			if r.Code != http.StatusBadRequest || !strings.Contains(r.Body, "请填写确认或更正的原因") {
				t.Fatalf("POST without a reason = %d:\n%s", r.Code, r.Body)
			}
			if got := attendance("o-v1").ConfirmedMinutes; got != -1 {
				t.Fatalf("confirmed minutes = %d after a refused change, want -1", got)
			}
		})

		t.Run("confirming hours with a reason writes them through ConfirmHours", func(t *testing.T) {
			a := attendance("o-v1")
			r := b.post("/admin/hours?activity="+sd.Activity.Code, "/admin/hours", url.Values{
				"activity": {strings.ToLower(sd.Activity.Code)}, "attendance": {strconv.FormatInt(a.ID, 10)}, "minutes": {"90"}, "reason": {"提前半小时离开"}})
			if r.Code != http.StatusSeeOther || !strings.Contains(r.Header.Get("Location"), "changed=1") {
				t.Fatalf("POST /admin/hours = %d %q:\n%s", r.Code, r.Header.Get("Location"), r.Body)
			}
			got := attendance("o-v1")
			if got.ConfirmedMinutes != 90 || !got.ConfirmedAt.Equal(testNow) || !got.Corrected {
				t.Fatalf("attendance after confirming = %+v; want 90 minutes, corrected", got)
			}
			// 确认时长 in chat later (computed minutes, no correction) leaves it.
			if n, err := s.ConfirmHours(ctx, sd.Activity.Code, got.UserID, []store.HoursChange{{AttendanceID: got.ID, Minutes: 120}},
				"确认时长（聊天）", testNow.Add(time.Hour)); err != nil || n != 0 || attendance("o-v1").ConfirmedMinutes != 90 {
				t.Fatalf("chat confirmation after the dashboard = %d, %v, %d minutes; want the correction kept", n, err, attendance("o-v1").ConfirmedMinutes)
			}
			recs, err := s.ActivityRecords(ctx, sd.Activity.Code)
			if err != nil {
				t.Fatal(err)
			}
			if len(recs) == 0 || recs[0].VolunteerName != "张三" || recs[0].ConfirmedMinutes != 90 || !recs[0].ConfirmedAt.Equal(testNow) {
				t.Fatalf("service records = %+v", recs)
			}
			page := b.do("GET", r.Header.Get("Location"), nil)
			if !strings.Contains(page.Body, "已保存，更改了 1 条记录") || !strings.Contains(page.Body, "异地") {
				t.Fatalf("hours page after saving:\n%s", page.Body)
			}
		})

		t.Run("attendance of another activity is refused", func(t *testing.T) {
			a := attendance("o-v2")
			for code, want := range map[string]string{"A404": "没有找到活动 A404", "A1": "未能保存"} {
				r := b.post("/admin/hours", "/admin/hours", url.Values{
					"activity": {code}, "attendance": {strconv.FormatInt(a.ID+1000, 10)}, "minutes": {"60"}, "reason": {"测试"}})
				if r.Code != http.StatusBadRequest || !strings.Contains(r.Body, want) {
					t.Fatalf("POST for %s = %d, want %q:\n%s", code, r.Code, want, r.Body)
				}
			}
			if got := attendance("o-v2").ConfirmedMinutes; got != -1 {
				t.Fatalf("confirmed minutes = %d after refused changes", got)
			}
		})

		t.Run("a broadcast enqueues one notice per subscriber, once", func(t *testing.T) {
			form := func() url.Values {
				page := b.do("GET", "/admin/broadcast", nil)
				m := regexp.MustCompile(`name="broadcast" value="([^"]+)"`).FindStringSubmatch(page.Body)
				if m == nil {
					t.Fatalf("no broadcast id on the form:\n%s", page.Body)
				}
				return url.Values{"broadcast": {m[1]}, "community": {"古槐社区"}, "audience": {"subscribers"}, "text": {"本周六上午社区义诊，欢迎参加。"}}
			}
			f := form()
			r := b.post("/admin/broadcast", "/admin/broadcast", f)
			if r.Code != http.StatusOK || !strings.Contains(r.Body, "已加入发件箱：3 条") {
				t.Fatalf("POST /admin/broadcast = %d:\n%s", r.Code, r.Body)
			}
			if r := b.post("/admin/broadcast", "/admin/broadcast", f); !strings.Contains(r.Body, "没有重复发送") {
				t.Fatalf("second POST of the same form:\n%s", r.Body)
			}
			ns, err := s.ListNotices(ctx, broadcastKind, 100)
			if err != nil {
				t.Fatal(err)
			}
			to := map[string]bool{}
			for _, n := range ns {
				to[n.OpenID] = true
				if n.Status != store.NoticePending || !strings.Contains(n.Text, "社区义诊") || n.Subject != f.Get("broadcast") {
					t.Errorf("notice %+v", n)
				}
			}
			if len(ns) != 3 || !to["o-v1"] || !to["o-v2"] || !to["o-v3"] {
				t.Fatalf("broadcast notices to %v, want the three 古槐社区 subscribers", to)
			}
			if r := b.post("/admin/broadcast", "/admin/broadcast", form()); !strings.Contains(r.Body, "已加入发件箱：3 条") {
				t.Fatalf("a new broadcast is sent again:\n%s", r.Body)
			}
			t.Run("to the community's volunteers: the preview counts exactly who is sent", func(t *testing.T) {
				before, err := s.ListNotices(ctx, broadcastKind, 100)
				if err != nil {
					t.Fatal(err)
				}
				f := form()
				f.Set("audience", "volunteers")
				f.Set("action", "preview")
				r := b.post("/admin/broadcast", "/admin/broadcast", f)
				m := regexp.MustCompile(`将送达 <b>(\d+)</b> 人：客服消息 (\d+) 人`).FindStringSubmatch(r.Body)
				if m == nil {
					t.Fatalf("no preview:\n%s", r.Body)
				}
				want, err := s.ListCommunityVolunteers(ctx, "古槐社区")
				if err != nil {
					t.Fatal(err)
				}
				if m[1] != strconv.Itoa(len(want)) || len(want) == 0 {
					t.Fatalf("preview %s recipients, want the %d volunteers of 古槐社区", m[1], len(want))
				}
				if ns, _ := s.ListNotices(ctx, broadcastKind, 100); len(ns) != len(before) {
					t.Fatalf("a preview enqueued notices: %d in the outbox, want the %d of before", len(ns), len(before))
				}
				f.Set("action", "send")
				r = b.post("/admin/broadcast", "/admin/broadcast", f)
				if !strings.Contains(r.Body, "已加入发件箱："+m[1]+" 条（注册志愿者 "+m[1]+" 人）") {
					t.Fatalf("send after the preview:\n%s", r.Body)
				}
				ns, err := s.ListNotices(ctx, broadcastKind, 100)
				if err != nil {
					t.Fatal(err)
				}
				sent := map[string]bool{}
				for _, n := range ns {
					if n.Subject == f.Get("broadcast") {
						sent[n.OpenID] = true
					}
				}
				for _, u := range want {
					if !sent[u.OpenID] {
						t.Errorf("volunteer %s of 古槐社区 not sent the broadcast", u.OpenID)
					}
				}
				if len(sent) != len(want) {
					t.Errorf("broadcast sent to %d, preview said %d", len(sent), len(want))
				}
			})
			t.Run("to a team, to an activity line's volunteers", func(t *testing.T) {
				if _, _, err := s.JoinTeam(ctx, "T1", mustUserID(t, s, "o-v1"), testNow); err != nil {
					t.Fatal(err)
				}
				for _, tc := range []struct {
					set  map[string]string
					want string
				}{
					{map[string]string{"audience": "team", "team": "t1", "community": ""}, "将送达 <b>1</b> 人"},
					{map[string]string{"audience": "line", "line": "关爱困难群体"}, "将送达 <b>3</b> 人"},
					{map[string]string{"audience": "team", "team": ""}, "请填写队伍编号"},
					{map[string]string{"audience": "line", "line": ""}, "请选择活动线"},
				} {
					f := form()
					f.Set("action", "preview")
					for k, v := range tc.set {
						f.Set(k, v)
					}
					if r := b.post("/admin/broadcast", "/admin/broadcast", f); !strings.Contains(r.Body, tc.want) {
						t.Errorf("preview %v lacks %q:\n%.1500s", tc.set, tc.want, r.Body)
					}
				}
			})
			page := b.do("GET", "/admin/outbox", nil).Body
			if !strings.Contains(page, "<td>群发通知</td>") || !strings.Contains(page, ">待发送</td>") || strings.Contains(page, ">broadcast<") {
				t.Errorf("the outbox page does not name kinds and statuses in Chinese:\n%.2000s", page)
			}
		})
	})
}

func TestPages(t *testing.T) {
	storetest.Backends(t, func(t *testing.T, s store.Store) {
		sd := seedCampaign(t, s)
		b := newEnv(t, s).browser("10.0.0.1").login()

		t.Run("volunteer phones are masked", func(t *testing.T) {
			r := b.do("GET", "/admin/volunteers", nil)
			if r.Code != http.StatusOK || !strings.Contains(r.Body, "138****5678") || !strings.Contains(r.Body, "张三") {
				t.Fatalf("volunteers page = %d:\n%s", r.Code, r.Body)
			}
			if full := regexp.MustCompile(`1[3-9]\d{9}`).FindString(r.Body); full != "" {
				t.Fatalf("volunteers page shows a full mobile %s", full)
			}
			if r := b.do("GET", "/admin/volunteers?q=王", nil); strings.Contains(r.Body, "张三") || !strings.Contains(r.Body, "王五") {
				t.Fatalf("name filter:\n%s", r.Body)
			}
		})

		t.Run("the activity list shows attendance and flagged check-ins", func(t *testing.T) {
			r := b.do("GET", "/admin/activities?flagged=1&category="+url.QueryEscape("关爱困难群体"), nil)
			if r.Code != http.StatusOK || !strings.Contains(r.Body, sd.Activity.Code) || !strings.Contains(r.Body, `class="num bad">1<`) {
				t.Fatalf("activities page = %d:\n%s", r.Code, r.Body)
			}
			if r := b.do("GET", "/admin/activities?category="+url.QueryEscape("文明有礼"), nil); strings.Contains(r.Body, "敬老院包饺子") {
				t.Fatalf("category filter lets other lines through")
			}
		})

		t.Run("every chart is an svg with a title and numbers", func(t *testing.T) {
			r := b.do("GET", "/admin/charts", nil)
			if r.Code != http.StatusOK || strings.Count(r.Body, "<svg") != 4 || strings.Count(r.Body, "<title id=") != 4 {
				t.Fatalf("charts page = %d:\n%s", r.Code, r.Body)
			}
			for _, want := range []string{"每月活动数", "各社区已确认服务时长", "爽约率 33.3%", "通知送达情况", "关爱困难群体", "2019-06", "月份", "人次"} {
				if !strings.Contains(r.Body, want) {
					t.Errorf("charts page lacks %q", want)
				}
			}
		})

		t.Run("lectures and the outbox list", func(t *testing.T) {
			for _, path := range []string{"/admin/lectures", "/admin/outbox?status=pending", "/admin/hours", "/admin/invites", "/admin/broadcast"} {
				if r := b.do("GET", path, nil); r.Code != http.StatusOK {
					t.Errorf("GET %s = %d:\n%s", path, r.Code, r.Body)
				}
			}
		})

		t.Run("no page or asset refers to another host", func(t *testing.T) {
			external := regexp.MustCompile(`(?i)(https?:)?//[a-z0-9.-]+\.[a-z]{2,}`)
			paths := []string{"/admin/login", "/admin/", "/admin/charts", "/admin/activities", "/admin/lectures", "/admin/volunteers",
				"/admin/outbox", "/admin/invites", "/admin/hours?activity=" + sd.Activity.Code, "/admin/broadcast", "/admin/static/admin.css"}
			for _, p := range paths {
				client := b
				if p == "/admin/login" {
					client = b.e.browser("10.0.0.9")
				}
				r := client.do("GET", p, nil)
				if r.Code != http.StatusOK {
					t.Errorf("GET %s = %d", p, r.Code)
				}
				if m := external.FindString(r.Body); m != "" {
					t.Errorf("GET %s refers to %s", p, m)
				}
				if csp := r.Header.Get("Content-Security-Policy"); p != "/admin/static/admin.css" && !strings.Contains(csp, "default-src 'none'") {
					t.Errorf("GET %s: Content-Security-Policy %q", p, csp)
				}
			}
		})
	})
}

// mustUserID is the id of the user with openID.
func mustUserID(t *testing.T, s store.Store, openID string) int64 {
	t.Helper()
	u, err := s.FindUserByOpenID(t.Context(), openID)
	if err != nil {
		t.Fatal(err)
	}
	return u.ID
}

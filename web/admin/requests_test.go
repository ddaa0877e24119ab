package admin

import (
	"bytes"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"envoybot/configs"
	"envoybot/store"
	"envoybot/store/storetest"
)

// TestRequestsPage is issue 15 on the dashboard, on both engines: the
// requests per community by status with the median time to take, the
// list with its filters, the leaderboard naming only those who opted in,
// and the 居民求助 sheet of the progress export.
func TestRequestsPage(t *testing.T) {
	storetest.Backends(t, func(t *testing.T, s store.Store) {
		ctx := t.Context()
		at := testNow.Add(-48 * time.Hour)
		if _, err := s.AddCommunities(ctx, []string{"古槐社区", "运河社区"}, at); err != nil {
			t.Fatal(err)
		}
		reg := func(openID, name, phone, community string) *store.User {
			u, _, err := s.RegisterVolunteer(ctx, store.Registration{OpenID: openID, Name: name, Phone: phone, Community: community}, at)
			if err != nil {
				t.Fatal(err)
			}
			return u
		}
		envoy := reg("o-envoy", "李使者", "13900000001", "古槐社区")
		zhang := reg("o-zhang", "张三", "13800000001", "古槐社区")
		li := reg("o-li", "李四", "13800000002", "古槐社区")
		resident, err := s.TouchUser(ctx, "o-res", at)
		if err != nil {
			t.Fatal(err)
		}
		file := func(need, community string, filedBy int64, name string) *store.HelpRequest {
			n := store.NewHelpRequest{Need: need, Community: community, Wished: "尽快", FiledBy: filedBy, Category: "关爱困难群体"}
			if name == "" {
				n.ResidentID = filedBy
			} else {
				n.ResidentName, n.ResidentContact = name, "13912345678"
			}
			r, err := s.CreateHelpRequest(ctx, n, at)
			if err != nil {
				t.Fatal(err)
			}
			return r
		}
		serve := func(r *store.HelpRequest, who *store.User, take time.Duration, rating int) {
			if _, _, err := s.TakeHelpRequest(ctx, r.Code, who.ID, 0, at.Add(take)); err != nil {
				t.Fatal(err)
			}
			s.CheckInHelpRequest(ctx, r.Code, who.ID, at.Add(take))
			s.CheckOutHelpRequest(ctx, r.Code, who.ID, 120, at.Add(take+2*time.Hour))
			if _, err := s.ConfirmHelpRequestHours(ctx, r.Code, envoy.ID, 120, at.Add(take+3*time.Hour)); err != nil {
				t.Fatal(err)
			}
			if rating > 0 {
				if _, err := s.RateHelpRequest(ctx, r.Code, r.FiledBy, rating, "很满意", at.Add(take+4*time.Hour)); err != nil {
					t.Fatal(err)
				}
			}
		}
		serve(file("理发", "古槐社区", resident.ID, ""), zhang, time.Hour, 5)
		serve(file("买药", "古槐社区", envoy.ID, "王奶奶"), li, 3*time.Hour, 0)
		file("陪聊", "古槐社区", resident.ID, "")
		file("修水管", "运河社区", resident.ID, "")
		if err := s.SetLeaderboardPublic(ctx, zhang.ID, true, at); err != nil {
			t.Fatal(err)
		}

		e := newEnv(t, s)
		b := e.browser("10.0.0.1").login()
		r := b.do("GET", "/admin/requests", nil)
		if r.Code != http.StatusOK {
			t.Fatalf("GET /admin/requests = %d:\n%s", r.Code, r.Body)
		}
		for _, want := range []string{
			`id="requests-by-status"`, `id="requests-time-to-take"`, "各社区居民求助（按状态）", "接单用时中位数",
			"<td>古槐社区</td><td class=\"num\">3</td>", "2小时", // the median of 1 h and 3 h
			"5.0分（1条）", "王奶奶 139****5678", "李使者代办", "R1", "R4",
			"志愿者积分榜", "<td>张三</td>", "匿名志愿者",
		} {
			if !strings.Contains(r.Body, want) {
				t.Errorf("the page lacks %q", want)
			}
		}
		board := r.Body[strings.Index(r.Body, "志愿者积分榜"):]
		if strings.Contains(board, "李四") || strings.Contains(r.Body, "13912345678") {
			t.Errorf("the leaderboard names a volunteer who did not opt in, or the page a full contact")
		}
		open := b.do("GET", "/admin/requests?status=open&community=古槐社区", nil)
		if !strings.Contains(open.Body, `data-code="R3"`) || strings.Contains(open.Body, `data-code="R1"`) || strings.Contains(open.Body, `data-code="R4"`) {
			t.Errorf("filtered by open in 古槐社区: want R3 only")
		}
		if bad := b.do("GET", "/admin/requests?status=nope&from=2026/1/1", nil); bad.Code != http.StatusBadRequest || !strings.Contains(bad.Body, "状态只能是") || !strings.Contains(bad.Body, "开始日期应写成") {
			t.Errorf("bad filters = %d", bad.Code)
		}
		x := b.do("GET", "/admin/export/progress.xlsx", nil)
		if x.Code != http.StatusOK {
			t.Fatalf("progress export = %d", x.Code)
		}
		f, err := excelize.OpenReader(bytes.NewReader([]byte(x.Body)))
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		rows, err := f.GetRows("居民求助")
		if err != nil || len(rows) < 5 || rows[3][1] != "古槐社区" || rows[3][2] != "3" || rows[4][1] != "运河社区" {
			t.Errorf("居民求助 sheet = %q, %v", rows, err)
		}
	})
}

// TestStarOnDashboardConfirmation: hours confirmed on the dashboard
// announce the star level they reach, once, as in chat.
func TestStarOnDashboardConfirmation(t *testing.T) {
	storetest.Backends(t, func(t *testing.T, s store.Store) {
		sd := seedCampaign(t, s)
		cfg := testConfig(t)
		cfg.Requests.Points.Stars = []configs.Star{{Name: "一星志愿者", Hours: 1}, {Name: "二星志愿者", Hours: 10}}
		e := newEnvWith(t, s, cfg)
		b := e.browser("10.0.0.1").login()
		as, err := s.ListAttendance(t.Context(), sd.Activity.Code)
		if err != nil {
			t.Fatal(err)
		}
		var id int64
		for _, a := range as {
			if a.OpenID == "o-v1" {
				id = a.ID
			}
		}
		for _, minutes := range []string{"90", "100"} {
			r := b.post("/admin/hours?activity="+sd.Activity.Code, "/admin/hours", url.Values{
				"activity": {sd.Activity.Code}, "attendance": {strconv.FormatInt(id, 10)}, "minutes": {minutes}, "reason": {"按实际时间"}})
			if r.Code != http.StatusSeeOther {
				t.Fatalf("POST /admin/hours = %d:\n%s", r.Code, r.Body)
			}
		}
		ns, err := s.ListNotices(t.Context(), "star_level", 10)
		if err != nil || len(ns) != 1 || ns[0].OpenID != "o-v1" || !strings.Contains(ns[0].Text, "一星志愿者") {
			t.Fatalf("star notices = %+v, %v; want one 一星 for 张三", ns, err)
		}
	})
}

package main

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
	"github.com/xuri/excelize/v2"

	"envoybot/configs"
	"envoybot/store"
	"envoybot/web/xlsx"
)

// chromiumEnv names the Chromium binary the browser tests drive; .ci/run
// installs Debian's chromium and sets it.
const chromiumEnv = "ENVOYBOT_TEST_CHROMIUM"

// TestBrowser drives the dashboard and the chat simulator in headless
// Chromium, as an admin and a newcomer would.
func TestBrowser(t *testing.T) {
	chrome := os.Getenv(chromiumEnv)
	if chrome == "" {
		t.Skipf("browser tests skipped: set %s to the Chromium binary (e.g. /usr/bin/chromium) to run them", chromiumEnv)
	}
	if _, err := os.Stat(chrome); err != nil {
		t.Fatalf("%s is set but unusable: %v", chromiumEnv, err)
	}
	shots := os.Getenv("ENVOYBOT_SCREENSHOT_DIR")
	if shots == "" {
		shots = t.TempDir()
	}
	if err := os.MkdirAll(shots, 0o755); err != nil {
		t.Fatal(err)
	}

	// envoybot with no configuration: development token, dashboard account
	// admin / envoybotdev, the simulator on.
	clk := &clock{t: time.Date(2026, 12, 1, 9, 0, 0, 0, cst)}
	cfg := loadConfig(t, map[string]string{"ENVOYBOT_DATA_DIR": t.TempDir(), "ENVOYBOT_CONFIG": campaignNow(t)})
	r := serveDev(t, cfg, clk.Now)
	seedStory(t, r, clk)

	ctx, do := headlessChromium(t, chrome, 1280, 120*time.Second)
	if _, err := chromedp.Call(ctx, network.Enable, network.EnableParams{}); err != nil {
		t.Fatalf("start Chromium (%s): %v", chrome, err)
	}
	var mu sync.Mutex
	var requested []string
	requests := chromedp.Events(ctx, network.RequestWillBeSent)
	go func() {
		for ev, err := range requests {
			if err != nil {
				return
			}
			mu.Lock()
			requested = append(requested, ev.Request.URL)
			mu.Unlock()
		}
	}()
	shot := func(name string) {
		t.Helper()
		png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
		if err != nil {
			t.Fatalf("screenshot %s: %v", name, err)
		}
		path := filepath.Join(shots, name)
		if err := os.WriteFile(path, png, 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("screenshot %s (%d bytes)", path, len(png))
	}
	t.Run("refused without a session", func(t *testing.T) {
		do("open /admin/", chromedp.Navigate(r.url+"/admin/"))
		at, err := chromedp.Run(ctx, chromedp.Location())
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(at, "/admin/login") {
			t.Errorf("without a session /admin/ shows %s, want the login page", at)
		}
	})
	t.Run("log in and see progress with a chart", func(t *testing.T) {
		do("log in",
			chromedp.SendKeys(chromedp.CSS(`input[name="name"]`), configs.DevAdminName),
			chromedp.SendKeys(chromedp.CSS(`input[name="password"]`), configs.DevAdminPassword),
			chromedp.Click(chromedp.CSS(`button[type="submit"]`)),
			chromedp.WaitVisible(chromedp.CSS(`nav`)))
		body, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`body`)))
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(body, "李明") || !strings.Contains(body, "古槐社区") {
			t.Errorf("the progress page does not show the envoy and the contact point:\n%.600s", body)
		}
		svgs, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll("svg").length`))
		if err != nil || svgs == 0 {
			t.Error("the progress page has no chart")
		}
		shot("progress.png")
	})
	t.Run("charts render with data", func(t *testing.T) {
		do("charts", chromedp.Navigate(r.url+"/admin/charts"), chromedp.WaitVisible(chromedp.CSS(`svg`)))
		bars, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll("svg rect").length`))
		if err != nil || bars < 4 {
			t.Errorf("%d bars on the charts page", bars)
		}
		shot("charts.png")
	})

	// The browser's session, for the download and the forged POST.
	got, err := chromedp.Call(ctx, network.GetCookies, network.GetCookiesParams{URLs: []string{r.url + "/admin/"}})
	if err != nil {
		t.Fatal(err)
	}
	jar, _ := cookiejar.New(nil)
	base, _ := url.Parse(r.url + "/admin/")
	for _, c := range got.Cookies {
		jar.SetCookies(base, []*http.Cookie{{Name: c.Name, Value: c.Value, Path: c.Path}})
	}
	client := &http.Client{Jar: jar, Timeout: 10 * time.Second}

	t.Run("download the service records and open them", func(t *testing.T) {
		resp, err := client.Get(r.url + "/admin/export/records.xlsx?from=2026-12-01&to=2026-12-31")
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		data, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != xlsxContentType {
			t.Fatalf("export = %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
		}
		f, err := excelize.OpenReader(bytes.NewReader(data))
		if err != nil {
			t.Fatal(err)
		}
		rows, err := f.GetRows(f.GetSheetName(0))
		if err != nil {
			t.Fatal(err)
		}
		if len(rows) < xlsx.FirstDataRow+1 {
			t.Fatalf("%d rows", len(rows))
		}
		found := map[string]bool{}
		for _, row := range rows[xlsx.FirstDataRow-1:] {
			found[strings.Join(row, "|")] = true
			line := strings.Join(row, "|")
			if strings.Contains(line, "张三") && (!strings.Contains(line, "13800000001") || !strings.Contains(line, "A1") || !strings.Contains(line, "|2.0|")) {
				t.Errorf("张三's record = %q, want A1, the full mobile and 2 hours", line)
			}
		}
		if len(rows) != xlsx.FirstDataRow-1+2 {
			t.Errorf("service records rows = %q, want the 2 confirmed volunteers", rows)
		}
		if !strings.Contains(strings.Join(rows[0], ""), cfg.Campaign.Name) {
			t.Errorf("title row = %q", rows[0])
		}
	})
	t.Run("confirm hours with the CSRF token; without it 403", func(t *testing.T) {
		do("correct hours",
			chromedp.Navigate(r.url+"/admin/hours?activity=A1"),
			chromedp.WaitVisible(chromedp.CSS(`input[name="reason"]`)),
			chromedp.SetValue(chromedp.CSS(`input[name="minutes"]`), "90"),
			chromedp.SendKeys(chromedp.CSS(`input[name="reason"]`), "提前离开，按实际时间更正"),
			chromedp.Submit(chromedp.CSS(`input[name="reason"]`)),
			chromedp.WaitVisible(chromedp.CSS(`.flash`)))
		flash, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`.flash`)))
		if err != nil || !strings.Contains(flash, "已保存") {
			t.Errorf("flash = %q", flash)
		}
		resp, err := client.PostForm(r.url+"/admin/hours", url.Values{"activity": {"A1"}, "attendance": {"1"}, "minutes": {"600"}, "reason": {"伪造"}})
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusForbidden {
			t.Errorf("POST without CSRF = %d, want 403", resp.StatusCode)
		}
	})
	t.Run("issue 14: the volunteers page shows the ID masked", func(t *testing.T) {
		do("volunteers", chromedp.Navigate(r.url+"/admin/volunteers"), chromedp.WaitVisible(chromedp.CSS(`table`)))
		body, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`body`)))
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(body, "3708**********123X") || strings.Contains(body, browserID) || !strings.Contains(body, "未实名") {
			t.Errorf("the volunteers page shows:\n%.1500s\nwant 张三's ID masked, never whole", body)
		}
		shot("volunteers.png")
	})
	t.Run("issue 14: a make-up request approved on the dashboard shows in the hours audit", func(t *testing.T) {
		do("open 补录申请 from the menu",
			chromedp.Navigate(r.url+"/admin/"),
			chromedp.WaitVisible(chromedp.CSS(`nav`)),
			chromedp.Click(chromedp.Search(`//nav/a[.="补录申请"]`)),
			chromedp.WaitVisible(chromedp.CSS(`#makeups tr[data-code="B1"]`)))
		row, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`#makeups tr[data-code="B1"]`)))
		if err != nil || !strings.Contains(row, "王五") || !strings.Contains(row, "忘记签到") || !strings.Contains(row, "待审核") {
			t.Fatalf("the request's row = %q, %v", row, err)
		}
		shot("makeups.png")
		do("approve it",
			chromedp.Click(chromedp.CSS(`#makeups tr[data-code="B1"] button[value="approve"]`)),
			chromedp.WaitVisible(chromedp.CSS(`.flash`)))
		flash, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`.flash`)))
		if err != nil || !strings.Contains(flash, "已同意补录") {
			t.Errorf("flash = %q, %v", flash, err)
		}
		wang, err := r.app.store.FindUserByOpenID(context.Background(), "o-v3")
		if err != nil {
			t.Fatal(err)
		}
		if hours, err := r.app.store.UserHours(context.Background(), wang.ID); err != nil || len(hours) != 1 || hours[0].Minutes != 120 {
			t.Errorf("王五's hours after the approval = %+v, %v", hours, err)
		}
		do("open 时长审计 from the menu",
			chromedp.Click(chromedp.Search(`//nav/a[.="时长审计"]`)),
			chromedp.WaitVisible(chromedp.CSS(`#audit`)))
		table, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`#audit tbody`)))
		if err != nil {
			t.Fatal(err)
		}
		for _, want := range []string{"补录 B1：忘记签到", "王五", "提前离开，按实际时间更正", "确认时长（聊天）", "张三"} {
			if !strings.Contains(table, want) {
				t.Errorf("the hours audit lacks %q:\n%s", want, table)
			}
		}
		lines := strings.Split(strings.TrimSpace(table), "\n")
		if len(lines) == 0 || !strings.Contains(lines[0], "补录 B1") {
			t.Errorf("the newest audit row is not the approval: %q", lines)
		}
		shot("audit.png")
		do("filter by activity", chromedp.Navigate(r.url+"/admin/audit?activity=A2"), chromedp.WaitVisible(chromedp.CSS(`#audit`)))
		if none, _ := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`#audit tbody`))); !strings.Contains(none, "没有符合条件的记录") {
			t.Errorf("A2's audit = %q, want none", none)
		}
	})
	t.Run("issue 14: a certificate issued and revoked on the dashboard, verified in the browser", func(t *testing.T) {
		do("issue",
			chromedp.Navigate(r.url+"/admin/certificates"),
			chromedp.WaitVisible(chromedp.CSS(`input[name="phone"]`)),
			chromedp.SendKeys(chromedp.CSS(`input[name="phone"]`), "13800000001"),
			chromedp.Submit(chromedp.CSS(`input[name="phone"]`)),
			chromedp.WaitVisible(chromedp.CSS(`.flash`)))
		flash, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`.flash`)))
		number := regexp.MustCompile(`ZM\d{4}-[0-9A-Z]{8}`).FindString(flash)
		if err != nil || number == "" {
			t.Fatalf("flash = %q, %v", flash, err)
		}
		row, _ := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`#certificates tr[data-number="`+number+`"]`)))
		if !strings.Contains(row, "张三") || !strings.Contains(row, "3708**********123X") || !strings.Contains(row, "有效") || !strings.Contains(row, "管理后台 admin") {
			t.Errorf("the certificate's row = %q", row)
		}
		shot("certificates.png")
		resp, err := client.Get(r.url + "/admin/certificates/" + number + ".pdf")
		if err != nil {
			t.Fatal(err)
		}
		pdf, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK || !bytes.HasPrefix(pdf, []byte("%PDF")) {
			t.Errorf("the dashboard's PDF = %d, %.20q", resp.StatusCode, pdf)
		}
		do("verify", chromedp.Navigate(r.url+"/verify/"+number), chromedp.WaitVisible(chromedp.CSS(`.verdict`)))
		page, _ := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`body`)))
		if !strings.Contains(page, "本证明真实有效") || !strings.Contains(page, "张*") || strings.Contains(page, "3708") {
			t.Errorf("/verify shows:\n%s", page)
		}
		shot("verify.png")
		do("revoke",
			chromedp.Navigate(r.url+"/admin/certificates"),
			chromedp.WaitVisible(chromedp.CSS(`#certificates tr[data-number="`+number+`"] input[name="reason"]`)),
			chromedp.SendKeys(chromedp.CSS(`#certificates tr[data-number="`+number+`"] input[name="reason"]`), "时长有误，已作废重开"),
			chromedp.Submit(chromedp.CSS(`#certificates tr[data-number="`+number+`"] input[name="reason"]`)),
			chromedp.WaitVisible(chromedp.CSS(`.flash`)))
		do("verify again", chromedp.Navigate(r.url+"/verify/"+number), chromedp.WaitVisible(chromedp.CSS(`.verdict`)))
		page, _ = chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`body`)))
		if !strings.Contains(page, "本证明已作废") || !strings.Contains(page, "时长有误，已作废重开") {
			t.Errorf("/verify of the revoked certificate shows:\n%s", page)
		}
		shot("verify-revoked.png")
	})
	t.Run("issue 14: the national system's batch file has the ID whole", func(t *testing.T) {
		resp, err := client.Get(r.url + "/admin/export/national.xlsx?from=2026-12-01&to=2026-12-31")
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		data, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != 200 {
			t.Fatalf("national export = %d: %s", resp.StatusCode, data)
		}
		f, err := excelize.OpenReader(bytes.NewReader(data))
		if err != nil {
			t.Fatal(err)
		}
		rows, _ := f.GetRows(xlsx.NationalSheet)
		if len(rows) != 2 || rows[1][0] != "张三" || rows[1][2] != browserID || rows[1][4] != "1990-01-01" {
			t.Errorf("batch rows = %q, want 张三 with the ID whole", rows)
		}
		left, _ := f.GetRows(xlsx.NationalMissingSheet)
		names := ""
		for _, r := range left[1:] {
			names += r[0] + " "
		}
		if !strings.Contains(names, "李四") || !strings.Contains(names, "王五") {
			t.Errorf("left out for want of a real name: %q", names)
		}
	})
	t.Run("register and sign up in the chat simulator", func(t *testing.T) {
		do("chat",
			chromedp.Navigate(r.url+"/dev/chat"),
			chromedp.WaitVisible(chromedp.ID("new-name")),
			chromedp.SendKeys(chromedp.ID("new-name"), "小刘"),
			chromedp.SendKeys(chromedp.ID("new-phone"), "13900001234"),
			chromedp.Click(chromedp.CSS(`#new-user button[type="submit"]`)),
			chromedp.WaitVisible(chromedp.Search(`//div[contains(@class,"bubble")][contains(., "注册成功")]`)),
			chromedp.SendKeys(chromedp.ID("text"), "报名 A2\r"),
			chromedp.WaitVisible(chromedp.Search(`//div[contains(@class,"bubble")][contains(., "报名成功")]`)))
		log, err := chromedp.Run(ctx, chromedp.Text(chromedp.ID("log")))
		if err != nil || !strings.Contains(log, "读书会") {
			t.Errorf("the chat log lacks the sign-up reply:\n%s", log)
		}
		shot("devchat.png")
	})
	t.Run("an unrecognised chat message shows on 未识别消息, masked and without names", func(t *testing.T) {
		do("say something the bot does not understand",
			chromedp.SendKeys(chromedp.ID("text"), "谢谢张三帮忙 有事打我13900005678\r"),
			chromedp.WaitVisible(chromedp.Search(`//div[contains(@class,"bubble")][contains(., "没看懂")]`)))
		do("open 未识别消息 from the menu",
			chromedp.Navigate(r.url+"/admin/"),
			chromedp.WaitVisible(chromedp.CSS(`nav`)),
			chromedp.Click(chromedp.Search(`//nav/a[.="未识别消息"]`)),
			chromedp.WaitVisible(chromedp.CSS(`#unrecognised`)))
		table, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`#unrecognised tbody`)))
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(table, "谢谢某某帮忙 有事打我139****5678") || strings.Contains(table, "张三") || strings.Contains(table, "13900005678") {
			t.Errorf("the page shows:\n%s\nwant the message with the name removed and the mobile masked", table)
		}
		if !strings.Contains(table, "志愿者") {
			t.Errorf("the page does not show the sender's role:\n%s", table)
		}
		shot("unrecognised.png")
	})
	t.Run("no request left 127.0.0.1", func(t *testing.T) {
		mu.Lock()
		defer mu.Unlock()
		if len(requested) == 0 {
			t.Fatal("no requests were recorded")
		}
		for _, u := range requested {
			if !strings.HasPrefix(u, r.url) && !strings.HasPrefix(u, "data:") && !strings.HasPrefix(u, "about:") {
				t.Errorf("the browser requested %s", u)
			}
		}
		t.Logf("%d requests, all to %s", len(requested), r.url)
	})
}

// xlsxContentType is what the export answers.
const xlsxContentType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

// seedStory fills the store through chat, as in TestStory: an envoy with a
// contact point, team and two activities; volunteers who attended A1 and
// whose hours are confirmed.
func seedStory(t *testing.T, r *running, clk *clock) {
	tr := transcript{t: t, r: r}
	code, err := createInvite(context.Background(), r.app.store, store.NewInvite{Role: store.RoleEnvoy, Name: "李明", EnvoyKind: "和谐使者", ExpiresAt: clk.Now().Add(time.Hour)}, clk.Now())
	if err != nil {
		t.Fatal(err)
	}
	tr.say("使者", "o-envoy", "绑定 "+code, "成功")
	tr.say("使者", "o-envoy", "注册 李明 13700000000 古槐社区", "李明")
	tr.say("使者", "o-envoy", "联系点 古槐社区", "古槐社区")
	tr.say("使者", "o-envoy", "建队 古槐银发志愿队", "T1")
	tr.say("使者", "o-envoy", "发布活动 敬老院包饺子 12月5日 14:00-16:00 古槐社区敬老院 关爱困难群体 名额20", "A1")
	tr.say("使者", "o-envoy", "发布活动 读书会 12月20日 9:00-11:00 古槐社区图书室 时代新风 名额10", "A2")
	for _, v := range []struct{ id, reg string }{{"o-v1", "注册 张三 13800000001 古槐社区"}, {"o-v2", "注册 李四 13800000002 古槐社区"}} {
		tr.say("志愿者", v.id, v.reg, "注册成功")
		tr.say("志愿者", v.id, "报名 A1", "报名成功")
		tr.say("志愿者", v.id, "入队 T1", "加入")
	}
	clk.Set(time.Date(2026, 12, 5, 13, 50, 0, 0, cst))
	tr.say("志愿者", "o-v1", "签到 A1", "签到成功")
	tr.say("志愿者", "o-v2", "签到 A1", "签到成功")
	clk.Set(time.Date(2026, 12, 5, 16, 5, 0, 0, cst))
	tr.say("志愿者", "o-v1", "签退 A1", "签退成功")
	tr.say("志愿者", "o-v2", "签退 A1", "签退成功")
	tr.say("使者", "o-envoy", "确认时长 A1", "张三 2小时")
	// Issue 14: 张三 gives his ID; 王五 served at A1 without checking in
	// and asks for his hours.
	tr.say("志愿者", "o-v1", "同意实名", "同意")
	tr.say("志愿者", "o-v1", "实名 身份证 "+browserID, "3708**********123X")
	tr.say("志愿者", "o-v3", "注册 王五 13800000003 古槐社区", "注册成功")
	clk.Set(time.Date(2026, 12, 6, 10, 0, 0, 0, cst))
	tr.say("志愿者", "o-v3", "补录 A1 14:00-16:00 忘记签到", "补录申请 B1 已提交")
}

// browserID is 张三's ID number in the browser test.
const browserID = "37080219900101123X"

// campaignNow writes a configuration whose campaign is the shipped one moved
// seven years on (2026-03 … 2028-12), so that the test's dates fall inside
// it and the progress page shows phases and deadlines still to come.
func campaignNow(t *testing.T) string {
	t.Helper()
	data, err := os.ReadFile("../../configs/campaign.yaml")
	if err != nil {
		t.Fatal(err)
	}
	moved := strings.NewReplacer("2019-", "2026-", "2020-", "2027-", "2021-", "2028-").Replace(string(data))
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "campaign.yaml"), []byte(moved), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg := filepath.Join(dir, "envoybot.yaml")
	if err := os.WriteFile(cfg, []byte("campaign_file: campaign.yaml\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	return cfg
}

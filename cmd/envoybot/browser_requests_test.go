package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"envoybot/configs"
	"envoybot/store"
)

// TestBrowserRequests drives the dashboard's 居民求助 page in headless
// Chromium after issue 15's story in chat: requests in two communities,
// taken, served, rated, one filed with 代办 and one left untaken, and a
// volunteer named on the leaderboard. The screenshot is
// docs/screenshots/requests.png when ENVOYBOT_SCREENSHOT_DIR is docs/screenshots.
func TestBrowserRequests(t *testing.T) {
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
	clk := &clock{t: time.Date(2026, 12, 1, 9, 0, 0, 0, cst)}
	cfg := loadConfig(t, map[string]string{"ENVOYBOT_DATA_DIR": t.TempDir(), "ENVOYBOT_CONFIG": campaignNow(t)})
	r := serveDev(t, cfg, clk.Now)
	seedRequests(t, r, clk)

	ctx, do := headlessChromium(t, chrome, 1280, 120*time.Second)
	do("log in",
		chromedp.Navigate(r.url+"/admin/login"),
		chromedp.SendKeys(chromedp.CSS(`input[name="name"]`), configs.DevAdminName),
		chromedp.SendKeys(chromedp.CSS(`input[name="password"]`), configs.DevAdminPassword),
		chromedp.Click(chromedp.CSS(`button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.CSS(`nav`)))
	do("open 居民求助 from the menu",
		chromedp.Click(chromedp.Search(`//nav/a[.="居民求助"]`)),
		chromedp.WaitVisible(chromedp.CSS(`#requests-by-status svg`)))
	bars, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll("#requests-by-status svg rect, #requests-time-to-take svg rect").length`))
	if err != nil || bars < 4 {
		t.Errorf("%d bars on the requests charts, %v", bars, err)
	}
	stats, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`#request-stats`)))
	if err != nil || !strings.Contains(stats, "古槐社区") || !strings.Contains(stats, "运河社区") || !strings.Contains(stats, "1小时") {
		t.Errorf("the summary = %q, %v; want both communities and 古槐社区's median time to take", stats, err)
	}
	body, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`body`)))
	if err != nil || !strings.Contains(body, "志愿者积分榜") || !strings.Contains(body, "张三") || !strings.Contains(body, "匿名志愿者") {
		t.Errorf("the leaderboard shows:\n%.1500s", body)
	}
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatalf("screenshot: %v", err)
	}
	path := filepath.Join(shots, "requests.png")
	if err := os.WriteFile(path, png, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot %s (%d bytes)", path, len(png))
	do("filter: untaken in 运河社区",
		chromedp.Navigate(r.url+"/admin/requests?status=open&community=运河社区"),
		chromedp.WaitVisible(chromedp.CSS(`#requests`)))
	rows, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll("#requests tr[data-code]").length`))
	if err != nil || rows != 1 {
		t.Errorf("%d rows for the untaken request of 运河社区, want 1", rows)
	}
}

// seedRequests plays issue 15's story in chat on the app.
func seedRequests(t *testing.T, r *running, clk *clock) {
	tr := transcript{t: t, r: r}
	for _, e := range []struct{ openID, name, phone, community string }{
		{"o-envoy", "李明", "13700000000", "古槐社区"}, {"o-envoy2", "赵敏", "13700000009", "运河社区"},
	} {
		code, err := createInvite(context.Background(), r.app.store, store.NewInvite{Role: store.RoleEnvoy, Name: e.name, EnvoyKind: "和谐使者", ExpiresAt: clk.Now().Add(time.Hour)}, clk.Now())
		if err != nil {
			t.Fatal(err)
		}
		tr.say("使者", e.openID, "绑定 "+code, "成功")
		tr.say("使者", e.openID, "注册 "+e.name+" "+e.phone+" "+e.community, e.name)
		tr.say("使者", e.openID, "联系点 "+e.community, e.community)
	}
	tr.say("使者", "o-envoy", "建队 古槐银发志愿队", "T1")
	for _, v := range []struct{ id, reg string }{{"o-v1", "注册 张三 13800000001 古槐社区"}, {"o-v2", "注册 李四 13800000002 古槐社区"}} {
		tr.say("志愿者", v.id, v.reg, "注册成功")
		tr.say("志愿者", v.id, "入队 T1", "加入")
	}
	tr.say("志愿者", "o-v1", "积分榜显示姓名", "显示您的姓名")
	tr.say("居民", "o-r1", "求助 家里老人想理发 古槐社区 周六上午", "R1")
	tr.say("居民", "o-r2", "求助 帮忙买药 古槐社区 越快越好", "R2")
	tr.say("志愿者", "o-v2", "代办 求助 王奶奶 13912345678 陪老人聊天 古槐社区 周日下午", "R3")
	tr.say("居民", "o-r3", "求助 修水管 运河社区 明天上午", "R4")
	tr.say("居民", "o-r4", "求助 换灯泡 运河社区 尽快", "R5")
	clk.Set(clk.Now().Add(time.Hour))
	tr.say("志愿者", "o-v1", "接单 R1", "接单成功")
	clk.Set(clk.Now().Add(30 * time.Minute))
	tr.say("志愿者", "o-v2", "接单 R2", "接单成功")
	tr.say("使者", "o-envoy", "派单 R3 张三", "已把求助 R3 派给张三")
	tr.say("使者", "o-envoy2", "接单 R4", "接单成功")
	for _, s := range []struct{ who, code, rating string }{{"o-v1", "R1", "评价 R1 5 很满意"}, {"o-v2", "R2", "评价 R2 4 不错"}, {"o-envoy2", "R4", ""}} {
		tr.say("志愿者", s.who, "签到 "+s.code, "已签到")
		clk.Set(clk.Now().Add(2 * time.Hour))
		tr.say("志愿者", s.who, "签退 "+s.code, "已签退")
	}
	tr.say("使者", "o-envoy", "确认时长 R1", "已确认")
	tr.say("使者", "o-envoy", "确认时长 R2", "已确认")
	tr.say("使者", "o-envoy2", "确认时长 R4", "已确认")
	tr.say("居民", "o-r1", "评价 R1 5 很满意", "谢谢")
	tr.say("居民", "o-r2", "评价 R2 4 不错", "谢谢")
}

package main

import (
	"bytes"
	"context"
	"log/slog"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"envoybot/configs"
	"envoybot/store"
	"envoybot/store/sqlstore"
)

// runDemoCommand runs `envoybot demo` on env and returns its exit code and
// output.
func runDemoCommand(t *testing.T, env map[string]string) (int, string, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), []string{"demo"}, func(k string) string { return env[k] }, nil, &stdout, &stderr)
	return code, stdout.String(), stderr.String()
}

// TestDemoRefusesDataAndPostgres: the demo loads only into an empty
// embedded database, never twice, never into PostgreSQL.
func TestDemoRefusesDataAndPostgres(t *testing.T) {
	t.Run("a database with data", func(t *testing.T) {
		dir := t.TempDir()
		env := map[string]string{"ENVOYBOT_DATA_DIR": dir}
		st, err := sqlstore.OpenSQLite(context.Background(), filepath.Join(dir, "envoybot.db"))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := st.AddCommunities(context.Background(), []string{"古槐社区"}, time.Now()); err != nil {
			t.Fatal(err)
		}
		reg := store.Registration{OpenID: "o-1", Name: "张三", Phone: "13812345678", Community: "古槐社区"}
		if _, _, err := st.RegisterVolunteer(context.Background(), reg, time.Now()); err != nil {
			t.Fatal(err)
		}
		_ = st.Close()
		code, _, stderr := runDemoCommand(t, env)
		if code != 1 || !strings.Contains(stderr, "already has data (1 users)") || !strings.Contains(stderr, filepath.Join(dir, "envoybot.db")) {
			t.Errorf("demo on a database with data: %d %q", code, stderr)
		}
		if _, err := os.Stat(filepath.Join(dir, configs.DemoCampaignFile)); !os.IsNotExist(err) {
			t.Errorf("the refused demo wrote its campaign (%v)", err)
		}
	})
	t.Run("twice", func(t *testing.T) {
		env := map[string]string{"ENVOYBOT_DATA_DIR": t.TempDir()}
		if code, _, stderr := runDemoCommand(t, env); code != 0 {
			t.Fatalf("demo: %d %s", code, stderr)
		}
		if code, _, stderr := runDemoCommand(t, env); code != 1 || !strings.Contains(stderr, "already holds a demo") {
			t.Errorf("second demo: %d %q", code, stderr)
		}
	})
	t.Run("PostgreSQL", func(t *testing.T) {
		code, _, stderr := runDemoCommand(t, map[string]string{"ENVOYBOT_DATABASE_URL": "postgres://nobody@127.0.0.1:1/x"})
		if code != 1 || !strings.Contains(stderr, "only into the embedded database") {
			t.Errorf("demo on PostgreSQL: %d %q", code, stderr)
		}
	})
}

// TestDemoInBrowser: `envoybot demo` then the server as `envoybot serve`
// opens it: the progress page shows green, amber and red envoys in
// 实施推进 and the charts are drawn from data; the chat answers in the
// campaign's phase. Screenshots: demo-progress.png, demo-charts.png.
func TestDemoInBrowser(t *testing.T) {
	chrome := os.Getenv(chromiumEnv)
	if chrome == "" {
		t.Skipf("browser tests skipped: set %s to the Chromium binary (e.g. /usr/bin/chromium) to run them", chromiumEnv)
	}
	shots := os.Getenv("ENVOYBOT_SCREENSHOT_DIR")
	if shots == "" {
		shots = t.TempDir()
	}
	env := map[string]string{"ENVOYBOT_DATA_DIR": t.TempDir()}
	code, stdout, stderr := runDemoCommand(t, env)
	t.Logf("envoybot demo:\n%s%s", stdout, stderr)
	if code != 0 {
		t.Fatalf("demo: exit %d", code)
	}
	cfg := loadConfig(t, env)
	if used, err := cfg.UseDemoCampaign(); !used || err != nil {
		t.Fatalf("UseDemoCampaign = %v, %v", used, err)
	}
	a, err := openApp(context.Background(), cfg, slog.New(slog.DiscardHandler), time.Now)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(a.handler)
	r := &running{app: a, url: srv.URL, cfg: cfg}
	t.Cleanup(func() { srv.Close(); r.stop(t) })

	ctx, do := headlessChromium(t, chrome, 1400, 120*time.Second)
	count := func(selector string) int {
		t.Helper()
		n, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll(`+"`"+selector+"`"+`).length`))
		if err != nil {
			t.Fatalf("count %s: %v", selector, err)
		}
		return n
	}
	shot := func(name string) {
		t.Helper()
		png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
		if err != nil {
			t.Fatalf("screenshot %s: %v", name, err)
		}
		if err := os.WriteFile(filepath.Join(shots, name), png, 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("screenshot %s (%d bytes)", filepath.Join(shots, name), len(png))
	}

	do("log in",
		chromedp.Navigate(srv.URL+"/admin/login"),
		chromedp.SendKeys(chromedp.CSS(`input[name="name"]`), configs.DevAdminName),
		chromedp.SendKeys(chromedp.CSS(`input[name="password"]`), configs.DevAdminPassword),
		chromedp.Click(chromedp.CSS(`button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.CSS(`table.progress`)))
	body, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`body`)))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(body, "实施推进阶段") {
		t.Errorf("the progress page is not in 实施推进:\n%.400s", body)
	}
	green, amber, red := count(`table.progress td.ok`), count(`table.progress td.warn`), count(`table.progress td.bad`)
	rows := count(`table.progress tbody tr`)
	t.Logf("progress page: %d envoys; target cells green %d, amber %d, red %d; %d charts", rows, green, amber, red, count(`svg`))
	if rows != demoGreen+demoAmber+demoRed || green == 0 || amber == 0 || red == 0 {
		t.Errorf("%d envoy rows, cells green %d amber %d red %d: want %d rows and every colour",
			rows, green, amber, red, demoGreen+demoAmber+demoRed)
	}
	if count(`svg rect`) < 3 {
		t.Errorf("the progress chart has no bars")
	}
	shot("demo-progress.png")

	do("charts", chromedp.Navigate(srv.URL+"/admin/charts"), chromedp.WaitVisible(chromedp.CSS(`svg`)))
	charts, bars := count(`svg`), count(`svg rect, svg path, svg circle`)
	t.Logf("charts page: %d charts, %d marks", charts, bars)
	if charts < 4 || bars < 40 {
		t.Errorf("charts page: %d charts with %d marks, want every chart drawn from the demo's data", charts, bars)
	}
	text, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`body`)))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(text, "暂无数据") {
		t.Errorf("a chart says it has no data:\n%.600s", text)
	}
	shot("demo-charts.png")
}

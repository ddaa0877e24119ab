package main

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/jpeg"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"golang.org/x/crypto/bcrypt"

	"envoybot/bot/wechattest"
	"envoybot/bot/wxsign"
	"envoybot/store"
)

// TestEvidencePhotos: three photos after 活动签到 are kept and downloaded
// through the media API into the data directory; a failed download is
// retried at the next run, not dropped.
func TestEvidencePhotos(t *testing.T) {
	for _, d := range deployments {
		t.Run(d.name, func(t *testing.T) {
			env := d.env(t)
			dataDir := env["ENVOYBOT_DATA_DIR"]
			if dataDir == "" {
				dataDir = t.TempDir()
				env["ENVOYBOT_DATA_DIR"] = dataDir
			}
			api := wechattest.NewFakeAPI(t)
			clk := &clock{t: time.Date(2026, 12, 1, 9, 0, 0, 0, cst)}
			r := startAt(t, env, api, clk.Now)
			tr := transcript{t: t, r: r}
			tr.say("使者", "o-envoy", "绑定 "+invite(t, env, "--role", "envoy", "--name", "李使者"), "成功")
			act := codePattern.FindString(tr.say("使者", "o-envoy", "发布活动 义诊 12月5日 9:00-11:00 古槐社区卫生室 医疗保健 古槐社区", "报名"))
			clk.Set(time.Date(2026, 12, 5, 9, 5, 0, 0, cst))
			tr.say("使者", "o-envoy", "活动签到 "+act, "可多张")
			photos := map[string][]byte{"MEDIA_1": []byte("jpeg-1"), "MEDIA_2": []byte("jpeg-2"), "MEDIA_3": []byte("jpeg-3")}
			for i, m := range []string{"MEDIA_1", "MEDIA_2", "MEDIA_3"} {
				api.AddMedia(m, photos[m])
				reply := r.post(t, r.signer.ImageXML("o-envoy", m, wxsign.NextMsgID()), true)
				if want := "共 " + string(rune('1'+i)) + " 张"; !strings.Contains(reply, want) {
					t.Errorf("photo %d: reply %q lacks %q", i+1, reply, want)
				}
			}
			api.FailNextStatus("/cgi-bin/media/get", http.StatusBadGateway)
			jobsRun(t, env, "photo-downloads", clk.Now().Add(time.Minute))
			ps, err := r.app.store.ListActivityPhotos(context.Background(), act)
			if err != nil || len(ps) != 3 {
				t.Fatalf("photos = %+v, %v; want 3", ps, err)
			}
			if ps[0].Status != store.PhotoPending || ps[0].Attempts != 1 || !strings.Contains(ps[0].LastError, "502") {
				t.Errorf("the photo whose download failed = %+v, want pending with the error, to retry", *ps[0])
			}
			jobsRun(t, env, "photo-downloads", clk.Now().Add(10*time.Minute))
			ps, _ = r.app.store.ListActivityPhotos(context.Background(), act)
			for _, p := range ps {
				if p.Status != store.PhotoStored {
					t.Errorf("photo %s: %s %q, want stored", p.MediaID, p.Status, p.LastError)
					continue
				}
				got, err := os.ReadFile(filepath.Join(dataDir, filepath.FromSlash(p.Path)))
				if err != nil || !bytes.Equal(got, photos[p.MediaID]) {
					t.Errorf("photo %s at %s: %q, %v", p.MediaID, p.Path, got, err)
				}
			}
		})
	}
}

// jpegOf is a small real JPEG of one colour, so that the browser can show it.
func jpegOf(t *testing.T, c color.RGBA) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 32, 24))
	for x := range 32 {
		for y := range 24 {
			img.Set(x, y, c)
		}
	}
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, nil); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// TestPhotoAlbumInBrowser: three photos after 活动签到, one download failing
// first and retried, are shown as an album on the activity's dashboard page
// in headless Chromium.
func TestPhotoAlbumInBrowser(t *testing.T) {
	chrome := os.Getenv(chromiumEnv)
	if chrome == "" {
		t.Skipf("browser tests skipped: set %s to the Chromium binary to run them", chromiumEnv)
	}
	hash, err := bcrypt.GenerateFromPassword([]byte("album-test-pw"), bcrypt.MinCost)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	cfgFile := filepath.Join(dir, "envoybot.yaml")
	if err := os.WriteFile(cfgFile, []byte("admin:\n  secure_cookies: false\n  accounts:\n    - name: wangke\n      password_hash: \""+string(hash)+"\"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"ENVOYBOT_DATA_DIR": filepath.Join(dir, "data"), "ENVOYBOT_CONFIG": cfgFile}
	api := wechattest.NewFakeAPI(t)
	clk := &clock{t: time.Date(2026, 12, 1, 9, 0, 0, 0, cst)}
	r := startAt(t, env, api, clk.Now)
	tr := transcript{t: t, r: r}
	tr.say("使者", "o-envoy", "绑定 "+invite(t, env, "--role", "envoy", "--name", "李使者"), "成功")
	act := codePattern.FindString(tr.say("使者", "o-envoy", "发布活动 义诊 12月5日 9:00-11:00 古槐社区卫生室 医疗保健 古槐社区", "报名"))
	clk.Set(time.Date(2026, 12, 5, 9, 5, 0, 0, cst))
	tr.say("使者", "o-envoy", "活动签到 "+act, "可多张")
	for i, c := range []color.RGBA{{200, 30, 30, 255}, {30, 200, 30, 255}, {30, 30, 200, 255}} {
		m := "ALBUM_" + string(rune('1'+i))
		api.AddMedia(m, jpegOf(t, c))
		r.post(t, r.signer.ImageXML("o-envoy", m, wxsign.NextMsgID()), true)
	}
	api.FailNextStatus("/cgi-bin/media/get", http.StatusBadGateway)
	jobsRun(t, env, "photo-downloads", clk.Now().Add(time.Minute))
	jobsRun(t, env, "photo-downloads", clk.Now().Add(10*time.Minute))

	ctx, _ := headlessChromium(t, chrome, 1280, 90*time.Second)
	if err := chromedp.Do(ctx,
		chromedp.Navigate(r.url+"/admin/login"),
		chromedp.SendKeys(chromedp.CSS(`input[name="name"]`), "wangke"),
		chromedp.SendKeys(chromedp.CSS(`input[name="password"]`), "album-test-pw"),
		chromedp.Click(chromedp.CSS(`button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.CSS(`nav`)),
		chromedp.Navigate(r.url+"/admin/hours?activity="+act),
		chromedp.WaitVisible(chromedp.CSS(`#album`)),
	); err != nil {
		t.Fatalf("open the activity's page: %v", err)
	}
	var shown int
	for range 50 { // the images load after the page
		n, err := chromedp.Run(ctx, chromedp.Evaluate[int](`[...document.querySelectorAll("#album img")].filter(i => i.complete && i.naturalWidth === 32).length`))
		if err != nil {
			t.Fatal(err)
		}
		if shown = n; shown == 3 {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if shown != 3 {
		body, _ := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`#album`)))
		t.Errorf("%d photos shown in the album, want 3:\n%s", shown, body)
	}
}

package main

import (
	"bytes"
	"context"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

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

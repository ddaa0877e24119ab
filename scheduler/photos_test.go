package scheduler

import (
	"context"
	"log/slog"
	"testing"
	"time"

	"envoybot/bot/wechattest"
	"envoybot/store"
	"envoybot/store/storetest"
)

// TestPhotoGivenUp: a MediaId WeChat no longer has (40007) is not retried:
// the photo is marked failed with the error and the run reports it.
func TestPhotoGivenUp(t *testing.T) {
	ctx := context.Background()
	s := storetest.OpenSQLite(t)
	if _, err := s.AddCommunities(ctx, []string{"古槐社区"}, t0); err != nil {
		t.Fatal(err)
	}
	u, _, err := s.RegisterVolunteer(ctx, store.Registration{OpenID: "o-e", Name: "李使者", Phone: "13900000001", Community: "古槐社区"}, t0)
	if err != nil {
		t.Fatal(err)
	}
	a, err := s.CreateActivity(ctx, store.NewActivity{EnvoyID: u.ID, Title: "义诊", Category: "关爱困难群体", ServiceType: "文体活动",
		StartsAt: t0, EndsAt: t0.Add(time.Hour), Place: "卫生室", Community: "古槐社区"}, t0)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.AddActivityPhoto(ctx, a.Code, "GONE", t0); err != nil {
		t.Fatal(err)
	}
	api := wechattest.NewFakeAPI(t)
	cache := storetest.OpenMemoryCache(t)
	j := &Jobs{Store: s, Log: slog.New(slog.DiscardHandler), Media: newClient(api, cache), DataDir: t.TempDir()}
	if err := j.DownloadPhotos(ctx, t0.Add(time.Minute)); err == nil {
		t.Error("a photo given up was not reported")
	}
	ps, err := s.ListActivityPhotos(ctx, a.Code)
	if err != nil || len(ps) != 1 || ps[0].Status != store.PhotoFailed || ps[0].Attempts != 1 {
		t.Fatalf("photos = %+v, %v; want one failed after one attempt", ps, err)
	}
}

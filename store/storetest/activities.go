package storetest

import (
	"testing"
	"time"

	"envoybot/store"
)

func runActivityConformance(t *testing.T, open func(t *testing.T) store.Store) {
	t.Run("created with the next short code and found in any case", func(t *testing.T) {
		s := open(t)
		envoy := mustEnvoy(t, s, "o-envoy")
		na := newActivity(envoy.ID, later, 20)
		na.Community = "北关社区"
		a := mustActivity(t, s, na)
		if a.ID == 0 || a.Code != "A1" || a.Title != na.Title || a.Category != na.Category || a.ServiceType != na.ServiceType ||
			a.Place != na.Place || a.Community != "北关社区" || a.EnvoyID != envoy.ID || a.EnvoyOpenID != "o-envoy" ||
			a.EnvoyName != "李使者" || a.Quota != 20 || a.Status != store.ActivityOpen || a.HasVenue ||
			a.Seated != 0 || a.Waitlisted != 0 || !a.HeldAt.IsZero() {
			t.Fatalf("CreateActivity = %+v", a)
		}
		assertTime(t, "StartsAt", a.StartsAt, later)
		assertTime(t, "EndsAt", a.EndsAt, later.Add(2*time.Hour))
		assertTime(t, "CreatedAt", a.CreatedAt, base)
		if b := mustActivity(t, s, newActivity(envoy.ID, later, 0)); b.Code != "A2" {
			t.Fatalf("second activity code = %s, want A2", b.Code)
		}
		for _, code := range []string{"A1", "a1", " A1 ", "\ta1\n"} {
			found, err := s.FindActivityByCode(t.Context(), code)
			if err != nil || found.ID != a.ID {
				t.Fatalf("FindActivityByCode(%q) = %v, %v; want A1", code, found, err)
			}
		}
		assertKnownCommunities(t, s) // an activity in a known community adds none
	})

	t.Run("unknown code is not found", func(t *testing.T) {
		_, err := open(t).FindActivityByCode(t.Context(), "A404")
		assertCode(t, "FindActivityByCode", err, store.ENOTFOUND, "")
	})

	t.Run("invalid activities are rejected", func(t *testing.T) {
		s, envoy := withEnvoy(t, open)
		cases := map[string]func(na *store.NewActivity){
			"no title":       func(na *store.NewActivity) { na.Title = " " },
			"no category":    func(na *store.NewActivity) { na.Category = "" },
			"no community":   func(na *store.NewActivity) { na.Community = "" },
			"no start":       func(na *store.NewActivity) { na.StartsAt = time.Time{} },
			"ends before":    func(na *store.NewActivity) { na.EndsAt = na.StartsAt.Add(-time.Minute) },
			"negative quota": func(na *store.NewActivity) { na.Quota = -1 },
			"unknown envoy":  func(na *store.NewActivity) { na.EnvoyID = unknownUser },
			"empty envoy":    func(na *store.NewActivity) { na.EnvoyID = 0 },
		}
		for name, mutate := range cases {
			na := newActivity(envoy, later, 5)
			mutate(&na)
			_, err := s.CreateActivity(t.Context(), na, base)
			want := store.EINVALID
			if name == "unknown envoy" || name == "empty envoy" {
				want = store.ENOTFOUND
			}
			assertCode(t, "CreateActivity with "+name, err, want, "")
		}
		if a := mustActivity(t, s, newActivity(envoy, later, 5)); a.Code != "A1" {
			t.Fatalf("code after failed creations = %s, want A1", a.Code)
		}
	})

	t.Run("open activities are listed soonest first with filters", func(t *testing.T) {
		s, envoy := withEnvoy(t, open)
		third := newActivity(envoy, later.Add(48*time.Hour), 0)
		first := newActivity(envoy, later, 0)
		second := newActivity(envoy, later.Add(24*time.Hour), 0)
		second.Category, second.Community = "文明有礼", "北关社区"
		past := newActivity(envoy, base.Add(-time.Hour), 0)
		held := newActivity(envoy, later.Add(time.Hour), 0)
		codes := map[string]string{}
		for name, na := range map[string]store.NewActivity{"third": third, "first": first, "second": second, "past": past, "held": held} {
			codes[name] = mustActivity(t, s, na).Code
		}
		if _, err := s.MarkActivityHeld(t.Context(), codes["held"], base, ""); err != nil {
			t.Fatalf("MarkActivityHeld: %v", err)
		}
		tests := []struct {
			name                string
			category, community string
			limit               int
			want                []string
		}{
			{"all", "", "", 0, []string{"first", "second", "third"}},
			{"limited", "", "", 2, []string{"first", "second"}},
			{"by line", "关爱困难群体", "", 10, []string{"first", "third"}},
			{"by community", "", "北关社区", 0, []string{"second"}},
			{"by both", "关爱困难群体", "北关社区", 0, nil},
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				list, err := s.ListOpenActivities(t.Context(), base, tc.category, tc.community, tc.limit)
				if err != nil || list == nil {
					t.Fatalf("ListOpenActivities = %v, %v", list, err)
				}
				got := []string{}
				for _, a := range list {
					got = append(got, a.Code)
				}
				want := []string{}
				for _, name := range tc.want {
					want = append(want, codes[name])
				}
				if len(got) != len(want) {
					t.Fatalf("ListOpenActivities = %v, want %v", got, want)
				}
				for i := range got {
					if got[i] != want[i] {
						t.Fatalf("ListOpenActivities = %v, want %v", got, want)
					}
				}
			})
		}
	})

	t.Run("venue and QR code are kept", func(t *testing.T) {
		s, envoy := withEnvoy(t, open)
		a := mustActivity(t, s, newActivity(envoy, later, 0))
		if err := s.SetActivityVenue(t.Context(), "a1", 36.6512, 117.1201, 200); err != nil {
			t.Fatalf("SetActivityVenue: %v", err)
		}
		if err := s.SetActivityQR(t.Context(), "A1", "https://mp.weixin.qq.com/cgi-bin/showqrcode?ticket=x"); err != nil {
			t.Fatalf("SetActivityQR: %v", err)
		}
		got, err := s.FindActivityByCode(t.Context(), a.Code)
		if err != nil || !got.HasVenue || got.VenueLat != 36.6512 || got.VenueLng != 117.1201 || got.RadiusM != 200 ||
			got.QRURL != "https://mp.weixin.qq.com/cgi-bin/showqrcode?ticket=x" {
			t.Fatalf("activity = %+v, %v; want venue and QR set", got, err)
		}
		assertCode(t, "SetActivityVenue with radius 0", s.SetActivityVenue(t.Context(), "A1", 1, 1, 0), store.EINVALID, "")
		assertCode(t, "SetActivityVenue of an unknown code", s.SetActivityVenue(t.Context(), "A9", 1, 1, 100), store.ENOTFOUND, "")
		assertCode(t, "SetActivityQR of an unknown code", s.SetActivityQR(t.Context(), "A9", "x"), store.ENOTFOUND, "")
	})

	t.Run("held keeps the first time and the latest photo", func(t *testing.T) {
		s := withActivity(t, open, 0)
		at := later.Add(time.Hour)
		a, err := s.MarkActivityHeld(t.Context(), "a1", at, "media-1")
		if err != nil || a.Status != store.ActivityHeld || a.HeldPhotoMediaID != "media-1" {
			t.Fatalf("MarkActivityHeld = %+v, %v", a, err)
		}
		assertTime(t, "HeldAt", a.HeldAt, at)
		a, err = s.MarkActivityHeld(t.Context(), "A1", at.Add(time.Minute), "")
		if err != nil || a.HeldPhotoMediaID != "media-1" {
			t.Fatalf("MarkActivityHeld without a photo = %+v, %v; want the photo kept", a, err)
		}
		assertTime(t, "HeldAt", a.HeldAt, at)
		a, err = s.MarkActivityHeld(t.Context(), "A1", at.Add(2*time.Minute), "media-2")
		if err != nil || a.HeldPhotoMediaID != "media-2" {
			t.Fatalf("MarkActivityHeld with a new photo = %+v, %v; want it replaced", a, err)
		}
		assertTime(t, "HeldAt", a.HeldAt, at)
		_, err = s.MarkActivityHeld(t.Context(), "A9", at, "")
		assertCode(t, "MarkActivityHeld of an unknown code", err, store.ENOTFOUND, "")
	})
}

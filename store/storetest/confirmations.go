package storetest

import (
	"testing"
	"time"

	"envoybot/store"
)

func runConfirmationConformance(t *testing.T, open func(t *testing.T) store.Store) {
	t.Run("seated volunteers confirm once; others cannot", func(t *testing.T) {
		s := open(t)
		ctx := t.Context()
		envoy := mustEnvoy(t, s, "o-envoy")
		a := mustActivity(t, s, newActivity(envoy.ID, base.Add(48*time.Hour), 2))
		ids := map[string]int64{}
		for i, id := range []string{"o-1", "o-2", "o-3"} {
			ids[id] = mustUser(t, s, id)
			if _, _, err := s.SignUp(ctx, a.Code, ids[id], store.SourceChat, base.Add(time.Duration(i)*time.Minute)); err != nil {
				t.Fatalf("SignUp: %v", err)
			}
		}
		count := func(wantConfirmed, wantSeated int) {
			t.Helper()
			c, n, err := s.CountConfirmedSignups(ctx, a.Code)
			if err != nil || c != wantConfirmed || n != wantSeated {
				t.Fatalf("CountConfirmedSignups = %d/%d, %v; want %d/%d", c, n, err, wantConfirmed, wantSeated)
			}
		}
		count(0, 2)
		if first, err := s.ConfirmSignup(ctx, a.Code, ids["o-1"], base.Add(30*time.Hour)); err != nil || !first {
			t.Fatalf("ConfirmSignup = %v, %v; want first", first, err)
		}
		if first, err := s.ConfirmSignup(ctx, a.Code, ids["o-1"], base.Add(31*time.Hour)); err != nil || first {
			t.Fatalf("ConfirmSignup again = %v, %v; want not first", first, err)
		}
		// o-3 is on the wait-list: no seat to confirm.
		if _, err := s.ConfirmSignup(ctx, a.Code, ids["o-3"], base.Add(30*time.Hour)); store.ErrorCode(err) != store.ENOTFOUND {
			t.Fatalf("ConfirmSignup from the wait-list: %v, want %s", err, store.ENOTFOUND)
		}
		count(1, 2)
	})
}

func runBroadcastQueryConformance(t *testing.T, open func(t *testing.T) store.Store) {
	t.Run("a community's volunteers: registered, following, there", func(t *testing.T) {
		s := open(t)
		ctx := t.Context()
		for _, r := range []struct{ openID, community string }{
			{"o-a1", "古槐社区"}, {"o-a2", "古槐社区"}, {"o-gone", "古槐社区"}, {"o-b1", "北关社区"},
		} {
			if _, _, err := s.RegisterVolunteer(ctx, registration(r.openID, r.community), base); err != nil {
				t.Fatalf("RegisterVolunteer: %v", err)
			}
		}
		mustTouch(t, s, "o-resident", base)
		if err := s.SetFollowing(ctx, "o-gone", false, base); err != nil {
			t.Fatal(err)
		}
		us, err := s.ListCommunityVolunteers(ctx, "古槐社区")
		if err != nil {
			t.Fatalf("ListCommunityVolunteers: %v", err)
		}
		var got []string
		for _, u := range us {
			got = append(got, u.OpenID)
		}
		if len(got) != 2 || got[0] != "o-a1" || got[1] != "o-a2" {
			t.Errorf("volunteers of 古槐社区 = %v, want [o-a1 o-a2]", got)
		}
	})
	t.Run("a team's members who follow", func(t *testing.T) {
		s := open(t)
		ctx := t.Context()
		envoy := mustEnvoy(t, s, "o-envoy")
		team, err := s.CreateTeam(ctx, envoy.ID, "银发服务队", "古槐社区", base)
		if err != nil {
			t.Fatalf("CreateTeam: %v", err)
		}
		for _, id := range []string{"o-m1", "o-m2"} {
			if _, _, err := s.JoinTeam(ctx, team.Code, mustUser(t, s, id), base); err != nil {
				t.Fatalf("JoinTeam: %v", err)
			}
		}
		mustUser(t, s, "o-outside")
		if err := s.SetFollowing(ctx, "o-m2", false, base); err != nil {
			t.Fatal(err)
		}
		us, err := s.ListTeamMembers(ctx, team.Code)
		if err != nil {
			t.Fatalf("ListTeamMembers: %v", err)
		}
		if len(us) != 1 || us[0].OpenID != "o-m1" {
			t.Errorf("team members = %+v, want o-m1 (o-m2 unfollowed)", us)
		}
	})
	t.Run("an activity line's volunteers: ever seated on one of its activities", func(t *testing.T) {
		s := open(t)
		ctx := t.Context()
		envoy := mustEnvoy(t, s, "o-envoy")
		na := newActivity(envoy.ID, base.Add(48*time.Hour), 1)
		a := mustActivity(t, s, na)
		na.Category = "医疗保健"
		other := mustActivity(t, s, na)
		for _, id := range []string{"o-line", "o-wait", "o-other"} {
			u, _, err := s.RegisterVolunteer(ctx, registration(id, "古槐社区"), base)
			if err != nil {
				t.Fatal(err)
			}
			code := a.Code
			if id == "o-other" {
				code = other.Code
			}
			if _, _, err := s.SignUp(ctx, code, u.ID, store.SourceChat, base); err != nil {
				t.Fatal(err)
			}
		}
		us, err := s.ListLineVolunteers(ctx, "古槐社区", a.Category)
		if err != nil {
			t.Fatalf("ListLineVolunteers: %v", err)
		}
		if len(us) != 1 || us[0].OpenID != "o-line" {
			t.Errorf("line volunteers = %+v, want o-line only (o-wait is wait-listed, o-other on another line)", us)
		}
	})
}

func runFreeVolunteerConformance(t *testing.T, open func(t *testing.T) store.Store) {
	t.Run("free volunteers: not signed up, not busy at that time", func(t *testing.T) {
		s := open(t)
		ctx := t.Context()
		envoy := mustEnvoy(t, s, "o-envoy")
		start := base.Add(48 * time.Hour)
		a := mustActivity(t, s, newActivity(envoy.ID, start, 5))
		clash := mustActivity(t, s, newActivity(envoy.ID, start.Add(time.Hour), 5))
		later := mustActivity(t, s, newActivity(envoy.ID, start.Add(3*time.Hour), 5))
		ids := map[string]int64{}
		for _, id := range []string{"o-free", "o-in", "o-busy", "o-later"} {
			u, _, err := s.RegisterVolunteer(ctx, registration(id, "古槐社区"), base)
			if err != nil {
				t.Fatal(err)
			}
			ids[id] = u.ID
		}
		if _, _, err := s.RegisterVolunteer(ctx, registration("o-north", "北关社区"), base); err != nil {
			t.Fatal(err)
		}
		for _, su := range []struct {
			code string
			id   string
		}{{a.Code, "o-in"}, {clash.Code, "o-busy"}, {later.Code, "o-later"}} {
			if _, _, err := s.SignUp(ctx, su.code, ids[su.id], store.SourceChat, base); err != nil {
				t.Fatal(err)
			}
		}
		us, err := s.ListFreeVolunteers(ctx, a.Code)
		if err != nil {
			t.Fatalf("ListFreeVolunteers: %v", err)
		}
		got := map[string]bool{}
		for _, u := range us {
			got[u.OpenID] = true
		}
		// o-envoy is a registered envoy of 古槐社区 with nothing at that time.
		if len(got) != 3 || !got["o-free"] || !got["o-later"] || !got["o-envoy"] {
			t.Errorf("free volunteers = %v, want o-envoy, o-free and o-later", got)
		}
	})
}

func runPhotoConformance(t *testing.T, open func(t *testing.T) store.Store) {
	t.Run("photos: kept once each, downloaded, retried, given up", func(t *testing.T) {
		s := open(t)
		ctx := t.Context()
		envoy := mustEnvoy(t, s, "o-envoy")
		a := mustActivity(t, s, newActivity(envoy.ID, base, 5))
		for i, m := range []string{"m1", "m2", "m1", "m3"} {
			_, added, err := s.AddActivityPhoto(ctx, a.Code, m, base.Add(time.Duration(i)*time.Second))
			if err != nil || added != (i != 2) {
				t.Fatalf("AddActivityPhoto(%s) = %v, %v", m, added, err)
			}
		}
		due, err := s.DuePhotos(ctx, base.Add(time.Minute), 10)
		if err != nil || len(due) != 3 || due[0].MediaID != "m1" || due[0].ActivityCode != a.Code || due[0].Status != store.PhotoPending {
			t.Fatalf("DuePhotos = %+v, %v", due, err)
		}
		at := base.Add(time.Minute)
		if err := s.PhotoStored(ctx, due[0].ID, "photos/"+a.Code+"/1.jpg", at); err != nil {
			t.Fatalf("PhotoStored: %v", err)
		}
		if err := s.PhotoAttemptFailed(ctx, due[1].ID, "http 502", at.Add(time.Minute), at); err != nil {
			t.Fatalf("PhotoAttemptFailed: %v", err)
		}
		if err := s.PhotoAttemptFailed(ctx, due[2].ID, "errcode 40007", time.Time{}, at); err != nil {
			t.Fatalf("PhotoAttemptFailed (give up): %v", err)
		}
		if due, _ := s.DuePhotos(ctx, at, 10); len(due) != 0 {
			t.Errorf("due before the retry: %+v", due)
		}
		if due, _ := s.DuePhotos(ctx, at.Add(time.Minute), 10); len(due) != 1 || due[0].MediaID != "m2" || due[0].Attempts != 1 || due[0].LastError != "http 502" {
			t.Errorf("due at the retry: %+v", due)
		}
		ps, err := s.ListActivityPhotos(ctx, a.Code)
		if err != nil || len(ps) != 3 {
			t.Fatalf("ListActivityPhotos = %+v, %v", ps, err)
		}
		if ps[0].Status != store.PhotoStored || ps[0].Path != "photos/"+a.Code+"/1.jpg" || ps[0].StoredAt.IsZero() ||
			ps[2].Status != store.PhotoFailed || ps[2].LastError != "errcode 40007" {
			t.Errorf("photos = %+v %+v %+v", *ps[0], *ps[1], *ps[2])
		}
		if err := s.PhotoStored(ctx, 9999, "x", at); store.ErrorCode(err) != store.ENOTFOUND {
			t.Errorf("PhotoStored of an unknown photo: %v, want %s", err, store.ENOTFOUND)
		}
	})
}

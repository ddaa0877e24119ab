package storetest

import (
	"testing"
	"time"

	"envoybot/store"
)

// buildStanding gives the envoy with id envoy what the progress queries
// count: a contact point in 古槐社区, the store's first team (T1,
// 古槐银发志愿队) there with o-1 in it, and the brand 银发守护 there with
// description.
func buildStanding(t *testing.T, s store.Store, envoy int64, description string) {
	t.Helper()
	ctx := t.Context()
	if _, _, err := s.AddContactPoint(ctx, envoy, "古槐社区", base); err != nil {
		t.Fatalf("AddContactPoint: %v", err)
	}
	if _, err := s.CreateTeam(ctx, envoy, "古槐银发志愿队", "古槐社区", base); err != nil {
		t.Fatalf("CreateTeam: %v", err)
	}
	if _, _, err := s.JoinTeam(ctx, "T1", mustUser(t, s, "o-1"), base); err != nil {
		t.Fatalf("JoinTeam: %v", err)
	}
	if _, _, err := s.SetBrand(ctx, envoy, "古槐社区", "银发守护", description, base); err != nil {
		t.Fatalf("SetBrand: %v", err)
	}
}

func runEnvoyConformance(t *testing.T, open func(t *testing.T) store.Store) {
	t.Run("contact point is added once per community", func(t *testing.T) {
		s := open(t)
		envoy := mustEnvoy(t, s, "o-envoy")
		cp, created, err := s.AddContactPoint(t.Context(), envoy.ID, " 北关社区 ", base)
		if err != nil || !created {
			t.Fatalf("AddContactPoint = %+v, %v, %v; want created", cp, created, err)
		}
		if cp.ID == 0 || cp.EnvoyID != envoy.ID || cp.Community != "北关社区" {
			t.Fatalf("contact point = %+v", cp)
		}
		assertTime(t, "CreatedAt", cp.CreatedAt, base)
		again, created, err := s.AddContactPoint(t.Context(), envoy.ID, "北关社区", base.Add(time.Hour))
		if err != nil || created || again.ID != cp.ID {
			t.Fatalf("AddContactPoint again = %+v, %v, %v; want the same, not created", again, created, err)
		}
		assertTime(t, "CreatedAt again", again.CreatedAt, base)
		// An envoy serves the community of a contact point: one not yet
		// known is added.
		if _, _, err := s.AddContactPoint(t.Context(), envoy.ID, "太白湖社区", base.Add(time.Minute)); err != nil {
			t.Fatalf("AddContactPoint: %v", err)
		}
		list, err := s.ListContactPoints(t.Context(), envoy.ID)
		if err != nil || len(list) != 2 || list[0].Community != "北关社区" || list[1].Community != "太白湖社区" {
			t.Fatalf("ListContactPoints = %v, %v; want 北关社区 then 太白湖社区", list, err)
		}
		assertKnownCommunities(t, s, "太白湖社区")
	})

	t.Run("contact point errors", func(t *testing.T) {
		s, envoy := withEnvoy(t, open)
		_, _, err := s.AddContactPoint(t.Context(), unknownUser, "北关社区", base)
		assertCode(t, "AddContactPoint by an unknown envoy", err, store.ENOTFOUND, "")
		_, _, err = s.AddContactPoint(t.Context(), envoy, " ", base)
		assertCode(t, "AddContactPoint without a community", err, store.EINVALID, "")
		_, err = s.ListContactPoints(t.Context(), unknownUser)
		assertCode(t, "ListContactPoints of an unknown envoy", err, store.ENOTFOUND, "")
		assertEmptyList(t, "ListContactPoints", s.ListContactPoints, envoy)
	})

	t.Run("teams get short codes and members", func(t *testing.T) {
		s := open(t)
		envoy := mustEnvoy(t, s, "o-envoy")
		t1, err := s.CreateTeam(t.Context(), envoy.ID, "古槐银发志愿队", "古槐社区", base)
		if err != nil {
			t.Fatalf("CreateTeam: %v", err)
		}
		if t1.Code != "T1" || t1.Name != "古槐银发志愿队" || t1.EnvoyID != envoy.ID || t1.Community != "古槐社区" || t1.Members != 0 {
			t.Fatalf("CreateTeam = %+v, want T1 with no members", t1)
		}
		t2, err := s.CreateTeam(t.Context(), envoy.ID, "北关青年队", "北关社区", base.Add(time.Minute))
		if err != nil || t2.Code != "T2" {
			t.Fatalf("second CreateTeam = %+v, %v; want T2", t2, err)
		}
		for _, openID := range []string{"o-1", "o-2"} {
			team, joined, err := s.JoinTeam(t.Context(), " t1", mustUser(t, s, openID), base)
			if err != nil || !joined {
				t.Fatalf("JoinTeam(%s) = %v, %v, %v; want joined", openID, team, joined, err)
			}
		}
		team, joined, err := s.JoinTeam(t.Context(), "T1", mustUser(t, s, "o-1"), base)
		if err != nil || joined || team.Members != 2 {
			t.Fatalf("JoinTeam again = %+v, %v, %v; want 2 members, not joined", team, joined, err)
		}
		found, err := s.FindTeamByCode(t.Context(), "t1 ")
		if err != nil || found.ID != t1.ID || found.Members != 2 {
			t.Fatalf("FindTeamByCode = %+v, %v; want T1 with 2 members", found, err)
		}
		assertTime(t, "CreatedAt", found.CreatedAt, base)
		teams, err := s.ListTeamsByEnvoy(t.Context(), envoy.ID)
		if err != nil || len(teams) != 2 || teams[0].Code != "T1" || teams[0].Members != 2 || teams[1].Code != "T2" || teams[1].Members != 0 {
			t.Fatalf("ListTeamsByEnvoy = %v, %v; want T1 (2) and T2 (0)", teams, err)
		}
		_, _, err = s.JoinTeam(t.Context(), "T1", unknownUser, base)
		assertCode(t, "JoinTeam by an unknown user", err, store.ENOTFOUND, "")
		if found, err := s.FindTeamByCode(t.Context(), "T1"); err != nil || found.Members != 2 {
			t.Fatalf("FindTeamByCode after an unknown user joined = %+v, %v; want 2 members", found, err)
		}
	})

	t.Run("team errors", func(t *testing.T) {
		s, envoy := withEnvoy(t, open)
		_, err := s.FindTeamByCode(t.Context(), "T9")
		assertCode(t, "FindTeamByCode of an unknown code", err, store.ENOTFOUND, "")
		_, _, err = s.JoinTeam(t.Context(), "T9", mustUser(t, s, "o-1"), base)
		assertCode(t, "JoinTeam of an unknown team", err, store.ENOTFOUND, "")
		_, err = s.CreateTeam(t.Context(), envoy, " ", "古槐社区", base)
		assertCode(t, "CreateTeam without a name", err, store.EINVALID, "")
		_, err = s.CreateTeam(t.Context(), unknownUser, "队", "古槐社区", base)
		assertCode(t, "CreateTeam by an unknown envoy", err, store.ENOTFOUND, "")
		// A failed creation hands out no code.
		team, err := s.CreateTeam(t.Context(), envoy, "队", "古槐社区", base)
		if err != nil || team.Code != "T1" {
			t.Fatalf("CreateTeam = %+v, %v; want T1", team, err)
		}
	})

	t.Run("one brand per community, reassigned to a later envoy only by ReassignBrand", func(t *testing.T) {
		s := open(t)
		first := mustEnvoy(t, s, "o-envoy")
		second := mustEnvoy(t, s, "o-envoy2")
		b, created, err := s.SetBrand(t.Context(), first.ID, "古槐社区", "银发守护", "为空巢老人提供上门陪伴", base)
		if err != nil || !created {
			t.Fatalf("SetBrand = %+v, %v, %v; want created", b, created, err)
		}
		if b.ID == 0 || b.Community != "古槐社区" || b.Name != "银发守护" || b.Description != "为空巢老人提供上门陪伴" || b.EnvoyID != first.ID {
			t.Fatalf("brand = %+v", b)
		}
		_, _, err = s.SetBrand(t.Context(), second.ID, "古槐社区", "古槐暖心", "", base.Add(time.Hour))
		assertCode(t, "SetBrand of another envoy's brand", err, store.ECONFLICT, store.MsgBrandHeld)
		replaced, previous, err := s.ReassignBrand(t.Context(), second.ID, "古槐社区", "古槐暖心", "", base.Add(time.Hour))
		if err != nil || previous != first.ID || replaced.ID != b.ID || replaced.Name != "古槐暖心" || replaced.Description != "" || replaced.EnvoyID != second.ID {
			t.Fatalf("ReassignBrand = %+v, %v, %v; want the same brand replaced", replaced, previous, err)
		}
		assertTime(t, "CreatedAt", replaced.CreatedAt, base)
		assertTime(t, "UpdatedAt", replaced.UpdatedAt, base.Add(time.Hour))
		mine, err := s.ListBrandsByEnvoy(t.Context(), first.ID)
		if err != nil || len(mine) != 0 {
			t.Fatalf("ListBrandsByEnvoy(first) = %v, %v; want none", mine, err)
		}
		theirs, err := s.ListBrandsByEnvoy(t.Context(), second.ID)
		if err != nil || len(theirs) != 1 || theirs[0].Name != "古槐暖心" || theirs[0].Community != "古槐社区" {
			t.Fatalf("ListBrandsByEnvoy(second) = %v, %v; want 古槐暖心", theirs, err)
		}
		_, _, err = s.SetBrand(t.Context(), first.ID, "古槐社区", "", "x", base)
		assertCode(t, "SetBrand without a name", err, store.EINVALID, "")
	})
}

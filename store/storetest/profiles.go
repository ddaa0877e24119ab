package storetest

import (
	"testing"
	"time"

	"envoybot/store"
)

func runProfileConformance(t *testing.T, open func(t *testing.T) store.Store) {
	t.Run("anonymising blanks the profile and keeps the records", func(t *testing.T) {
		s := withActivity(t, open, 0)
		registered, _, err := s.RegisterVolunteer(t.Context(), registration("o-1", "古槐社区"), base)
		if err != nil {
			t.Fatalf("RegisterVolunteer: %v", err)
		}
		mustSignUp(t, s, "A1", "o-1", base)
		att, _, err := s.CheckIn(t.Context(), "A1", registered.ID, later, nil, false)
		if err != nil {
			t.Fatalf("CheckIn: %v", err)
		}
		if _, err := s.ConfirmHours(t.Context(), "A1", mustFind(t, s, "o-envoy").ID, []store.HoursChange{{AttendanceID: att.ID, Minutes: 90}}, "确认时长", later.Add(2*time.Hour)); err != nil { // at the end
			t.Fatalf("ConfirmHours: %v", err)
		}
		for _, c := range []string{"古槐社区", "北关社区"} {
			if _, err := s.Subscribe(t.Context(), registered.ID, c, base); err != nil {
				t.Fatalf("Subscribe: %v", err)
			}
		}
		at := base.Add(time.Hour)
		u, err := s.AnonymiseUser(t.Context(), registered.ID, at)
		if err != nil {
			t.Fatalf("AnonymiseUser: %v", err)
		}
		if u.ID != registered.ID || u.Name != "" || u.Phone != "" || u.Following || u.Registered() ||
			u.Role != store.RoleVolunteer || u.Community != "古槐社区" {
			t.Fatalf("AnonymiseUser = %+v, want the volunteer blanked and not following", u)
		}
		assertTime(t, "AnonymisedAt", u.AnonymisedAt, at)
		assertUser(t, mustFind(t, s, "o-1"), u)
		assertSubscriptions(t, s, u.ID)
		signups, err := s.ListActivitySignups(t.Context(), "A1")
		if err != nil || len(signups) != 1 || signups[0].UserID != u.ID || signups[0].Name != "" || signups[0].Phone != "" {
			t.Fatalf("ListActivitySignups = %v, %v; want the anonymous sign-up kept", signups, err)
		}
		hours, err := s.UserHours(t.Context(), u.ID)
		if err != nil || len(hours) != 1 || hours[0].Minutes != 90 {
			t.Fatalf("UserHours = %v, %v; want the 90 minutes kept", hours, err)
		}
		again, err := s.AnonymiseUser(t.Context(), u.ID, at.Add(time.Hour))
		if err != nil {
			t.Fatalf("AnonymiseUser again: %v", err)
		}
		assertTime(t, "AnonymisedAt after anonymising again", again.AnonymisedAt, at)
		_, err = s.AnonymiseUser(t.Context(), unknownUser, at)
		assertCode(t, "AnonymiseUser of a stranger", err, store.ENOTFOUND, "")
	})

	t.Run("registering after anonymising fills a new profile", func(t *testing.T) {
		s := open(t)
		registered, _, err := s.RegisterVolunteer(t.Context(), registration("o-1", "古槐社区"), base)
		if err != nil {
			t.Fatalf("RegisterVolunteer: %v", err)
		}
		if _, err := s.AnonymiseUser(t.Context(), registered.ID, base.Add(time.Hour)); err != nil {
			t.Fatalf("AnonymiseUser: %v", err)
		}
		reg := store.Registration{OpenID: "o-1", Name: "张三", Phone: "13700000000", Community: "北关社区"}
		u, created, err := s.RegisterVolunteer(t.Context(), reg, base.Add(2*time.Hour))
		if err != nil || !created {
			t.Fatalf("RegisterVolunteer again = %+v, %v, %v; want created", u, created, err)
		}
		if !u.AnonymisedAt.IsZero() || !u.Registered() || u.Phone != "13700000000" {
			t.Fatalf("user = %+v, want a registered, not anonymised profile", u)
		}
		if found, err := s.FindUserByPhone(t.Context(), "13700000000"); err != nil || found.ID != u.ID {
			t.Fatalf("FindUserByPhone = %v, %v; want the new profile", found, err)
		}
	})

	t.Run("volunteers are found by exact name", func(t *testing.T) {
		s := open(t)
		profiles := []store.Registration{
			{OpenID: "o-1", Name: "张三", Phone: "13800000001", Community: "古槐社区"},
			{OpenID: "o-2", Name: "张三", Phone: "13800000002", Community: "北关社区"},
			{OpenID: "o-3", Name: "张三丰", Phone: "13800000003", Community: "古槐社区"},
			{OpenID: "o-4", Name: "张三", Phone: "13800000004", Community: "古槐社区"}, // anonymised below
		}
		for _, reg := range profiles {
			if _, _, err := s.RegisterVolunteer(t.Context(), reg, base); err != nil {
				t.Fatalf("RegisterVolunteer: %v", err)
			}
		}
		if _, err := s.AnonymiseUser(t.Context(), mustFind(t, s, "o-4").ID, base); err != nil {
			t.Fatalf("AnonymiseUser: %v", err)
		}
		// An envoy named by an invite has a name but no mobile.
		mustInvite(t, s, store.NewInvite{Code: "Z1", Role: store.RoleEnvoy, Name: "张三", ExpiresAt: later})
		if _, _, err := s.RedeemInvite(t.Context(), mustUser(t, s, "o-5"), "Z1", base, 3, time.Hour); err != nil {
			t.Fatalf("RedeemInvite: %v", err)
		}
		tests := []struct {
			name, who, community string
			want                 []string
		}{
			{"any community", "张三", "", []string{"o-1", "o-2"}},
			{"one community", " 张三 ", "古槐社区", []string{"o-1"}},
			{"no one of that name", "张", "", []string{}},
			{"empty name", "", "", []string{}},
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				users, err := s.FindVolunteersByName(t.Context(), tc.who, tc.community)
				if err != nil || users == nil {
					t.Fatalf("FindVolunteersByName = %v, %v", users, err)
				}
				got := []string{}
				for _, u := range users {
					got = append(got, u.OpenID)
				}
				if len(got) != len(tc.want) {
					t.Fatalf("FindVolunteersByName = %v, want %v", got, tc.want)
				}
				for i := range got {
					if got[i] != tc.want[i] {
						t.Fatalf("FindVolunteersByName = %v, want %v", got, tc.want)
					}
				}
			})
		}
	})

	t.Run("users are found by mobile", func(t *testing.T) {
		s := open(t)
		u, _, err := s.RegisterVolunteer(t.Context(), registration("o-1", "古槐社区"), base)
		if err != nil {
			t.Fatalf("RegisterVolunteer: %v", err)
		}
		found, err := s.FindUserByPhone(t.Context(), " 13812345678 ")
		if err != nil {
			t.Fatalf("FindUserByPhone: %v", err)
		}
		assertUser(t, found, u)
		for _, phone := range []string{"13800000000", ""} {
			_, err := s.FindUserByPhone(t.Context(), phone)
			assertCode(t, "FindUserByPhone("+phone+")", err, store.ENOTFOUND, "")
		}
		if _, err := s.AnonymiseUser(t.Context(), u.ID, base); err != nil {
			t.Fatalf("AnonymiseUser: %v", err)
		}
		_, err = s.FindUserByPhone(t.Context(), "13812345678")
		assertCode(t, "FindUserByPhone after anonymising", err, store.ENOTFOUND, "")
	})

	t.Run("envoy progress gathers the standing", func(t *testing.T) {
		s, envoy := withEnvoy(t, open)
		other := mustEnvoy(t, s, "o-other")
		ctx := t.Context()
		buildStanding(t, s, envoy, "")
		care := mustActivity(t, s, newActivity(envoy, later, 0)) // A1 held
		civility := newActivity(envoy, later, 0)
		civility.Category = "文明有礼"
		mustActivity(t, s, civility)                        // A2 open
		mustActivity(t, s, newActivity(envoy, later, 0))    // A3 open
		mustActivity(t, s, newActivity(other.ID, later, 0)) // A4 someone else's
		for _, openID := range []string{"o-1", "o-2"} {
			att, _, err := s.CheckIn(ctx, "A1", mustUser(t, s, openID), later, nil, false)
			if err != nil {
				t.Fatalf("CheckIn: %v", err)
			}
			if _, err := s.ConfirmHours(ctx, "A1", envoy, []store.HoursChange{{AttendanceID: att.ID, Minutes: 60}}, "", later.Add(2*time.Hour)); err != nil { // at the end
				t.Fatalf("ConfirmHours: %v", err)
			}
		}
		if _, _, err := s.CheckIn(ctx, "A2", mustUser(t, s, "o-1"), later, nil, false); err != nil {
			t.Fatalf("CheckIn: %v", err)
		}
		if _, _, err := s.CheckIn(ctx, "A4", mustUser(t, s, "o-3"), later, nil, false); err != nil {
			t.Fatalf("CheckIn: %v", err)
		}
		if _, err := s.MarkActivityHeld(ctx, care.Code, later, "media"); err != nil {
			t.Fatalf("MarkActivityHeld: %v", err)
		}
		p, err := s.EnvoyProgress(ctx, envoy)
		if err != nil {
			t.Fatalf("EnvoyProgress: %v", err)
		}
		if len(p.ContactPoints) != 1 || p.ContactPoints[0].Community != "古槐社区" {
			t.Errorf("ContactPoints = %v", p.ContactPoints)
		}
		if len(p.Teams) != 1 || p.Teams[0].Code != "T1" || p.Teams[0].Members != 1 {
			t.Errorf("Teams = %v, want T1 with 1 member", p.Teams)
		}
		if len(p.Brands) != 1 || p.Brands[0].Name != "银发守护" {
			t.Errorf("Brands = %v", p.Brands)
		}
		if len(p.ActivitiesByLine) != 2 || p.ActivitiesByLine["关爱困难群体"] != 2 || p.ActivitiesByLine["文明有礼"] != 1 {
			t.Errorf("ActivitiesByLine = %v, want 关爱困难群体 2, 文明有礼 1", p.ActivitiesByLine)
		}
		if p.HeldActivities != 1 || p.ConfirmedMinutes != 120 || p.Volunteers != 2 {
			t.Errorf("held %d, minutes %d, volunteers %d; want 1, 120, 2", p.HeldActivities, p.ConfirmedMinutes, p.Volunteers)
		}

		empty, err := s.EnvoyProgress(ctx, unknownUser)
		assertCode(t, "EnvoyProgress of a stranger", err, store.ENOTFOUND, "")
		if empty != nil {
			t.Errorf("EnvoyProgress returned %v with an error", empty)
		}
		fresh, err := s.EnvoyProgress(ctx, mustEnvoy(t, s, "o-fresh").ID)
		if err != nil || fresh.ContactPoints == nil || fresh.Teams == nil || fresh.Brands == nil ||
			fresh.ActivitiesByLine == nil || len(fresh.ActivitiesByLine) != 0 || fresh.ConfirmedMinutes != 0 {
			t.Fatalf("EnvoyProgress of a fresh envoy = %+v, %v; want empty, non-nil parts", fresh, err)
		}
	})
}

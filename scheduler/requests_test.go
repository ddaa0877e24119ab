package scheduler

import (
	"log/slog"
	"strings"
	"testing"
	"time"

	"envoybot/configs"
	"envoybot/store"
	"envoybot/store/storetest"
)

// TestRequestEscalation: a request nobody took goes to the community's
// envoy after escalate_after, to the admins after admins_after, each once
// however often the job runs; a request taken in time goes nowhere.
func TestRequestEscalation(t *testing.T) {
	storetest.Backends(t, func(t *testing.T, s store.Store) {
		ctx := t.Context()
		filed := time.Date(2026, 12, 1, 9, 0, 0, 0, shanghai)
		if _, err := s.AddCommunities(ctx, []string{"古槐社区"}, filed); err != nil {
			t.Fatal(err)
		}
		envoy, _, err := s.RegisterVolunteer(ctx, store.Registration{OpenID: "o-envoy", Name: "李明", Phone: "13900000001", Community: "古槐社区"}, filed)
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := s.AddContactPoint(ctx, envoy.ID, "古槐社区", filed); err != nil {
			t.Fatal(err)
		}
		admin, err := s.TouchUser(ctx, "o-admin", filed)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.CreateInvite(ctx, store.NewInvite{Code: "ADMIN234", Role: store.RoleAdmin, Name: "管理员", ExpiresAt: filed.Add(time.Hour)}, filed); err != nil {
			t.Fatal(err)
		}
		if _, _, err := s.RedeemInvite(ctx, admin.ID, "ADMIN234", filed, 5, time.Hour); err != nil {
			t.Fatal(err)
		}
		resident, err := s.TouchUser(ctx, "o-res", filed)
		if err != nil {
			t.Fatal(err)
		}
		for i := 0; i < 2; i++ {
			if _, err := s.CreateHelpRequest(ctx, store.NewHelpRequest{Need: "理发", Community: "古槐社区", ResidentID: resident.ID,
				FiledBy: resident.ID, Category: "关爱困难群体"}, filed); err != nil {
				t.Fatal(err)
			}
		}
		if _, _, err := s.TakeHelpRequest(ctx, "R2", envoy.ID, 0, filed.Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
		j := &Jobs{Store: s, Loc: shanghai, Log: slog.New(slog.DiscardHandler),
			Requests: configs.Requests{EscalateAfter: 2 * time.Hour, AdminsAfter: 6 * time.Hour, EscalationSchedule: "*/5 * * * *"}}
		var job Job
		for _, x := range j.All() {
			if x.Name == JobRequestEscalation {
				job = x
			}
		}
		if job.Run == nil || job.Spec != "*/5 * * * *" {
			t.Fatalf("%s is not among the jobs", JobRequestEscalation)
		}
		told := func(openID string) []string {
			list, err := s.ListNotices(ctx, KindRequestOverdue, 100)
			if err != nil {
				t.Fatal(err)
			}
			var out []string
			for _, n := range list {
				if n.OpenID == openID {
					out = append(out, n.Text)
				}
			}
			return out
		}
		for _, step := range []struct {
			at            time.Duration
			envoy, admins int
		}{
			{time.Hour, 0, 0},
			{2 * time.Hour, 1, 0},
			{3 * time.Hour, 1, 0},
			{6 * time.Hour, 1, 1},
			{7 * time.Hour, 1, 1},
		} {
			if err := job.Run(ctx, filed.Add(step.at)); err != nil {
				t.Fatalf("run at +%s: %v", step.at, err)
			}
			e, a := told("o-envoy"), told("o-admin")
			if len(e) != step.envoy || len(a) != step.admins {
				t.Fatalf("at +%s: envoy told %q, admins %q; want %d and %d", step.at, e, a, step.envoy, step.admins)
			}
		}
		if e := told("o-envoy"); !strings.Contains(e[0], "求助 R1 已等待2小时") || !strings.Contains(e[0], "派单 R1") {
			t.Errorf("envoy's notice = %q", e[0])
		}
		if r, _ := s.FindHelpRequest(ctx, "R1"); r.Escalation != store.EscalationAdmins {
			t.Errorf("R1 escalation = %d, want %d", r.Escalation, store.EscalationAdmins)
		}
	})
}

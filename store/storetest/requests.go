package storetest

import (
	"context"
	"testing"
	"time"

	"envoybot/store"
)

// newRequest is a valid request of the resident with id resident, filed
// by them.
func newRequest(resident int64) store.NewHelpRequest {
	return store.NewHelpRequest{Need: "老人想理发", Community: "古槐社区", Wished: "12月5日(周六)上午",
		WishedAt: later, ResidentID: resident, FiledBy: resident, Category: "关爱困难群体", ServiceType: "家政服务"}
}

// runRequestConformance checks help requests (issue 15): filed with a
// code, taken once, checked in and out by their volunteer, hours
// confirmed once, rated once by the resident or the filer, escalated.
func runRequestConformance(t *testing.T, open func(t *testing.T) store.Store) {
	ctx := context.Background()

	t.Run("filed, taken once, served, confirmed and rated once", func(t *testing.T) {
		s, envoy := withEnvoy(t, open)
		resident := mustUser(t, s, "o-resident")
		r, err := s.CreateHelpRequest(ctx, newRequest(resident), base)
		if err != nil || r.Code != "R1" || r.Status != store.RequestOpen || r.ResidentOpenID != "o-resident" ||
			r.FiledByOpenID != "o-resident" || r.Community != "古槐社区" || !r.WishedAt.Equal(later) || r.ComputedMinutes != -1 || r.OnBehalf() {
			t.Fatalf("CreateHelpRequest = %+v, %v", r, err)
		}
		volunteer := mustEnvoy(t, s, "o-vol").ID
		other := mustEnvoy(t, s, "o-other").ID
		taken, ok, err := s.TakeHelpRequest(ctx, "r1", volunteer, 0, base.Add(time.Minute))
		if err != nil || !ok || taken.Status != store.RequestTaken || taken.TakerOpenID != "o-vol" || !taken.TakenAt.Equal(base.Add(time.Minute)) {
			t.Fatalf("TakeHelpRequest = %+v, %v, %v", taken, ok, err)
		}
		if again, ok, err := s.TakeHelpRequest(ctx, "R1", volunteer, 0, base.Add(2*time.Minute)); err != nil || ok || !again.TakenAt.Equal(taken.TakenAt) {
			t.Fatalf("taking again = %+v, %v, %v; want unchanged", again, ok, err)
		}
		_, _, err = s.TakeHelpRequest(ctx, "R1", other, envoy, base.Add(2*time.Minute))
		assertCode(t, "another volunteer taking", err, store.ECONFLICT, store.MsgRequestTaken)
		_, err = s.CheckInHelpRequest(ctx, "R1", other, base)
		assertCode(t, "another volunteer checking in", err, store.EINVALID, store.MsgRequestNotTaker)
		_, err = s.CheckOutHelpRequest(ctx, "R1", volunteer, 60, base)
		assertCode(t, "checking out before in", err, store.EINVALID, store.MsgRequestNotIn)
		_, err = s.RateHelpRequest(ctx, "R1", resident, 5, "", base)
		assertCode(t, "rating before done", err, store.EINVALID, store.MsgRequestNotDone)
		in := later
		if r, err = s.CheckInHelpRequest(ctx, "R1", volunteer, in); err != nil || !r.CheckInAt.Equal(in) {
			t.Fatalf("CheckInHelpRequest = %+v, %v", r, err)
		}
		if r, err = s.CheckOutHelpRequest(ctx, "R1", volunteer, 90, in.Add(95*time.Minute)); err != nil || r.Status != store.RequestDone || r.ComputedMinutes != 90 {
			t.Fatalf("CheckOutHelpRequest = %+v, %v", r, err)
		}
		if r, err = s.ConfirmHelpRequestHours(ctx, "R1", envoy, 90, in.Add(3*time.Hour)); err != nil || r.ConfirmedMinutes != 90 || r.ConfirmedBy != envoy {
			t.Fatalf("ConfirmHelpRequestHours = %+v, %v", r, err)
		}
		_, err = s.ConfirmHelpRequestHours(ctx, "R1", envoy, 120, in.Add(3*time.Hour))
		assertCode(t, "confirming twice", err, store.ECONFLICT, store.MsgRequestConfirmed)
		_, err = s.RateHelpRequest(ctx, "R1", volunteer, 5, "", base)
		assertCode(t, "the volunteer rating", err, store.EFORBIDDEN, store.MsgRequestNotRater)
		if r, err = s.RateHelpRequest(ctx, "R1", resident, 5, "很满意", in.Add(4*time.Hour)); err != nil || r.Rating != 5 || r.RatingComment != "很满意" {
			t.Fatalf("RateHelpRequest = %+v, %v", r, err)
		}
		_, err = s.RateHelpRequest(ctx, "R1", resident, 1, "", in.Add(5*time.Hour))
		assertCode(t, "rating twice", err, store.ECONFLICT, store.MsgRequestRated)
		if r, _ = s.FindHelpRequest(ctx, "R1"); r.Rating != 5 || r.ConfirmedMinutes != 90 {
			t.Fatalf("after = %+v", r)
		}
	})

	t.Run("filed for a resident without a phone, rated by the filer", func(t *testing.T) {
		s, envoy := withEnvoy(t, open)
		n := newRequest(0)
		n.FiledBy, n.ResidentName, n.ResidentContact = envoy, "王奶奶", "13812345678"
		r, err := s.CreateHelpRequest(ctx, n, base)
		if err != nil || r.ResidentID != 0 || r.ResidentName != "王奶奶" || r.ResidentContact != "13812345678" || r.FiledBy != envoy || !r.OnBehalf() {
			t.Fatalf("CreateHelpRequest = %+v, %v", r, err)
		}
		n.ResidentName = ""
		_, err = s.CreateHelpRequest(ctx, n, base)
		assertCode(t, "for nobody", err, store.EINVALID, "")
		vol := mustEnvoy(t, s, "o-vol").ID
		if _, ok, err := s.TakeHelpRequest(ctx, r.Code, vol, envoy, base); err != nil || !ok {
			t.Fatalf("assign: %v", err)
		}
		if r, _ = s.FindHelpRequest(ctx, r.Code); r.AssignedBy != envoy {
			t.Fatalf("assigned by %d, want %d", r.AssignedBy, envoy)
		}
		s.CheckInHelpRequest(ctx, r.Code, vol, base)
		s.CheckOutHelpRequest(ctx, r.Code, vol, 30, base.Add(30*time.Minute))
		if r, err = s.RateHelpRequest(ctx, r.Code, envoy, 4, "", base.Add(time.Hour)); err != nil || r.Rating != 4 {
			t.Fatalf("the filer rating = %+v, %v", r, err)
		}
	})

	t.Run("an unknown community or code", func(t *testing.T) {
		s := open(t)
		n := newRequest(mustUser(t, s, "o-r"))
		n.Community = "不存在社区"
		_, err := s.CreateHelpRequest(ctx, n, base)
		assertCode(t, "unknown community", err, store.ENOTFOUND, store.MsgUnknownCommunity)
		_, err = s.FindHelpRequest(ctx, "R99")
		assertCode(t, "unknown code", err, store.ENOTFOUND, "")
	})

	t.Run("escalation lists untaken requests once per level", func(t *testing.T) {
		s := open(t)
		resident := mustUser(t, s, "o-r")
		old := mustCreate(t, "CreateHelpRequest", s.CreateHelpRequest, newRequest(resident))
		if n, err := s.CountOpenHelpRequests(ctx, resident); err != nil || n != 1 {
			t.Fatalf("CountOpenHelpRequests = %d, %v", n, err)
		}
		due, err := s.ListHelpRequestsToEscalate(ctx, store.EscalationEnvoy, base.Add(time.Hour))
		if err != nil || len(due) != 1 || due[0].Code != old.Code {
			t.Fatalf("to escalate = %+v, %v", due, err)
		}
		if due, _ = s.ListHelpRequestsToEscalate(ctx, store.EscalationEnvoy, base.Add(-time.Hour)); len(due) != 0 {
			t.Fatalf("filed after before: %+v", due)
		}
		if err := s.MarkHelpRequestEscalated(ctx, old.ID, store.EscalationEnvoy, base); err != nil {
			t.Fatal(err)
		}
		if due, _ = s.ListHelpRequestsToEscalate(ctx, store.EscalationEnvoy, base.Add(time.Hour)); len(due) != 0 {
			t.Fatalf("escalated twice: %+v", due)
		}
		if due, _ = s.ListHelpRequestsToEscalate(ctx, store.EscalationAdmins, base.Add(time.Hour)); len(due) != 1 || due[0].Escalation != 1 {
			t.Fatalf("admins level: %+v", due)
		}
		list, err := s.ListHelpRequests(ctx, store.HelpRequestFilter{Community: "古槐社区", Status: store.RequestOpen})
		if err != nil || len(list) != 1 {
			t.Fatalf("ListHelpRequests = %+v, %v", list, err)
		}
		if list, _ = s.ListHelpRequests(ctx, store.HelpRequestFilter{Status: store.RequestDone}); len(list) != 0 {
			t.Fatalf("done: %+v", list)
		}
	})

	t.Run("responders are the community's envoys and team members", func(t *testing.T) {
		s, envoy := withEnvoy(t, open)
		if _, _, err := s.AddContactPoint(ctx, envoy, "古槐社区", base); err != nil {
			t.Fatal(err)
		}
		team, err := s.CreateTeam(ctx, envoy, "古槐银发志愿队", "古槐社区", base)
		if err != nil {
			t.Fatal(err)
		}
		member := mustEnvoy(t, s, "o-member")
		if _, _, err := s.JoinTeam(ctx, team.Code, member.ID, base); err != nil {
			t.Fatal(err)
		}
		envoys, members, err := s.CommunityResponders(ctx, "古槐社区")
		if err != nil || len(envoys) != 1 || envoys[0].OpenID != "o-envoy" || len(members) != 1 || members[0].OpenID != "o-member" {
			t.Fatalf("CommunityResponders = %+v, %+v, %v", envoys, members, err)
		}
	})
}

// runPointsConformance checks standings: confirmed minutes of activities
// and requests together, requests rated 5, the leaderboard opt-in.
func runPointsConformance(t *testing.T, open func(t *testing.T) store.Store) {
	ctx := context.Background()
	t.Run("standing counts confirmed activity and request minutes and ratings of 5", func(t *testing.T) {
		s, envoy := withEnvoy(t, open)
		vol := mustEnvoy(t, s, "o-vol").ID
		resident := mustUser(t, s, "o-res")
		if st, err := s.VolunteerStanding(ctx, vol); err != nil || st.Minutes != 0 || st.Rated5 != 0 || st.Public {
			t.Fatalf("standing before = %+v, %v", st, err)
		}
		for i, rating := range []int{5, 4} {
			r := mustCreate(t, "CreateHelpRequest", s.CreateHelpRequest, newRequest(resident))
			s.TakeHelpRequest(ctx, r.Code, vol, 0, base)
			s.CheckInHelpRequest(ctx, r.Code, vol, base)
			s.CheckOutHelpRequest(ctx, r.Code, vol, 60, base.Add(time.Hour))
			if _, err := s.ConfirmHelpRequestHours(ctx, r.Code, envoy, 60*(i+1), base.Add(time.Hour)); err != nil {
				t.Fatal(err)
			}
			if _, err := s.RateHelpRequest(ctx, r.Code, resident, rating, "", base.Add(time.Hour)); err != nil {
				t.Fatal(err)
			}
		}
		st, err := s.VolunteerStanding(ctx, vol)
		if err != nil || st.Minutes != 180 || st.Rated5 != 1 || st.Community != "古槐社区" {
			t.Fatalf("standing = %+v, %v; want 180 minutes, one rated 5", st, err)
		}
		hours, err := s.UserHours(ctx, vol)
		if err != nil || len(hours) != 1 || hours[0].Category != "关爱困难群体" || hours[0].Minutes != 180 || hours[0].Activities != 2 {
			t.Fatalf("UserHours = %+v, %v; want the requests' 180 minutes under their line", hours, err)
		}
		list, err := s.CommunityStandings(ctx, "古槐社区")
		if err != nil || len(list) != 1 || list[0].UserID != vol {
			t.Fatalf("CommunityStandings = %+v, %v; want the one volunteer with hours", list, err)
		}
		if err := s.SetLeaderboardPublic(ctx, vol, true, base); err != nil {
			t.Fatal(err)
		}
		if st, _ = s.VolunteerStanding(ctx, vol); !st.Public {
			t.Fatalf("opted in: %+v", st)
		}
		if list, _ = s.CommunityStandings(ctx, "运河社区"); len(list) != 0 {
			t.Fatalf("another community: %+v", list)
		}
		err = s.SetLeaderboardPublic(ctx, unknownUser, true, base)
		if err == nil {
			t.Fatal("SetLeaderboardPublic of an unknown user succeeded")
		}
	})
}

// runRequestRecordsConformance checks that confirmed hours of requests
// served are service records and count on certificates, as activities do.
func runRequestRecordsConformance(t *testing.T, open func(t *testing.T) store.Store) {
	ctx := context.Background()
	t.Run("requests served are service records and count on certificates", func(t *testing.T) {
		s := open(t)
		at := time.Date(2026, 12, 10, 10, 0, 0, 0, shanghai)
		h := RecordsFixture(t, s, "v1:k:x", "3708**********123X", at)
		resident := mustTouch(t, s, "o-resident", at).ID
		n := newRequest(resident)
		n.WishedAt = time.Time{}
		r, err := s.CreateHelpRequest(ctx, n, at)
		if err != nil {
			t.Fatal(err)
		}
		in := at.Add(time.Hour)
		s.TakeHelpRequest(ctx, r.Code, h.User.ID, 0, at)
		s.CheckInHelpRequest(ctx, r.Code, h.User.ID, in)
		s.CheckOutHelpRequest(ctx, r.Code, h.User.ID, 60, in.Add(time.Hour))
		if _, err := s.ConfirmHelpRequestHours(ctx, r.Code, h.Envoy.ID, 60, in.Add(2*time.Hour)); err != nil {
			t.Fatal(err)
		}
		records, err := s.ServiceRecords(ctx, time.Time{}, time.Time{})
		if err != nil || len(records) != 2 || records[0].ActivityCode != h.Activity.Code {
			t.Fatalf("ServiceRecords = %+v, %v; want the activity, then the request", records, err)
		}
		got := records[1]
		if got.ActivityCode != r.Code || got.ActivityTitle != "老人想理发" || got.Category != "关爱困难群体" || got.ConfirmedMinutes != 60 ||
			got.VolunteerName != "张三" || !got.CheckInAt.Equal(in) || got.Community != "古槐社区" || got.Recorder != "李使者" {
			t.Fatalf("the request's record = %+v", got)
		}
		if list, _ := s.ServiceRecords(ctx, in.Add(time.Minute), time.Time{}); len(list) != 0 {
			t.Fatalf("records after the request = %+v", list)
		}
		c, err := s.IssueCertificate(ctx, store.NewCertificate{Number: "ZM2026-REQ00001", UserID: h.User.ID, Issuer: "站", VolunteerNumber: "HX000001",
			IssuedVia: store.IssuedViaChat, DownloadHash: "abc"}, at.Add(5*time.Hour))
		if err != nil || c.Minutes != 180 || c.Activities != 2 || len(c.Lines) != 1 || c.Lines[0].Minutes != 180 {
			t.Fatalf("IssueCertificate = %+v, %v; want the activity's 120 and the request's 60 minutes", c, err)
		}
	})
}

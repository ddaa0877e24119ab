package storetest

import (
	"context"
	"strings"
	"testing"
	"time"

	"envoybot/store"
)

// Holder is what RecordsFixture made: a volunteer with a real-name profile
// and confirmed service, the envoy, and the activity.
type Holder struct {
	User     *store.User
	Envoy    *store.User
	Activity *store.Activity
	// Sealed is what the fixture stored as the sealed number (the text
	// passed in, unchanged).
	Sealed string
}

// RecordsFixture makes, in a store that knows Communities (or any store:
// it adds them), the volunteer 张三 (13800138000, 古槐社区) with the
// real-name profile sealed and masked as given, who served 2 hours
// (confirmed by the envoy 李使者) at an activity from 14:00 to 16:00 the
// day before at, of the line 关爱困难群体.
func RecordsFixture(t testing.TB, s store.Store, sealed, masked string, at time.Time) Holder {
	t.Helper()
	ctx := context.Background()
	if _, err := s.AddCommunities(ctx, Communities, at); err != nil {
		t.Fatalf("AddCommunities: %v", err)
	}
	must := func(what string, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}
	envoy, _, err := s.RegisterVolunteer(ctx, store.Registration{OpenID: "o-fixture-envoy", Name: "李使者", Phone: "13900139000", Community: "古槐社区"}, at)
	must("register envoy", err)
	u, _, err := s.RegisterVolunteer(ctx, store.Registration{OpenID: "o-fixture-holder", Name: "张三", Phone: "13800138000", Community: "古槐社区"}, at)
	must("register holder", err)
	_, err = s.ConsentRealName(ctx, u.ID, at)
	must("consent", err)
	u, err = s.SetRealName(ctx, u.ID, store.RealName{IDType: store.IDTypeResident, Sealed: sealed, Masked: masked, Gender: "男", BirthYear: 1990}, at)
	must("set real name", err)
	day := at.AddDate(0, 0, -1)
	start := time.Date(day.Year(), day.Month(), day.Day(), 14, 0, 0, 0, at.Location())
	a, err := s.CreateActivity(ctx, store.NewActivity{EnvoyID: envoy.ID, Title: "敬老院包饺子", Category: "关爱困难群体", ServiceType: "文体活动",
		StartsAt: start, EndsAt: start.Add(2 * time.Hour), Place: "古槐社区敬老院", Community: "古槐社区"}, start.Add(-48*time.Hour))
	must("create activity", err)
	_, _, err = s.CheckIn(ctx, a.Code, u.ID, start.Add(-5*time.Minute), nil, false)
	must("check in", err)
	att, err := s.CheckOut(ctx, a.Code, u.ID, start.Add(125*time.Minute), nil, false, 120)
	must("check out", err)
	_, err = s.ConfirmHours(ctx, a.Code, envoy.ID, []store.HoursChange{{AttendanceID: att.ID, Minutes: 120}}, "确认时长（聊天）", start.Add(3*time.Hour))
	must("confirm hours", err)
	return Holder{User: u, Envoy: envoy, Activity: a, Sealed: sealed}
}

// runRecordsConformance is issue 14's store behaviour: real-name profiles,
// volunteer records, make-up requests, the hours audit list,
// certificates, and 注销 of all of it.
func runRecordsConformance(t *testing.T, open func(t *testing.T) store.Store) {
	at := base.Add(48 * time.Hour)
	t.Run("no real name without consent, then sealed and masked", func(t *testing.T) {
		s := open(t)
		u := mustEnvoy(t, s, "o-real")
		_, err := s.SetRealName(t.Context(), u.ID, store.RealName{IDType: store.IDTypeResident, Sealed: "v1:k:x", Masked: "3708**********123X"}, at)
		assertCode(t, "SetRealName without consent", err, store.EFORBIDDEN, store.MsgNoConsent)
		if _, err := s.ConsentRealName(t.Context(), u.ID, at); err != nil {
			t.Fatal(err)
		}
		_, err = s.SetRealName(t.Context(), u.ID, store.RealName{IDType: store.IDTypeResident, Sealed: "v1:k:x", Masked: "370802199001011234"}, at)
		assertCode(t, "SetRealName of an unmasked number", err, store.EINVALID, "")
		got, err := s.SetRealName(t.Context(), u.ID, store.RealName{IDType: store.IDTypeResident, Sealed: "v1:k:x", Masked: "3708**********123X", Gender: "男", BirthYear: 1990}, at)
		if err != nil || got.IDMasked != "3708**********123X" || got.Gender != "男" || got.BirthYear != 1990 || got.RealNameAt.IsZero() || got.IDConsentAt.IsZero() {
			t.Fatalf("SetRealName = %+v, %v", got, err)
		}
		sealed, err := s.SealedIDs(t.Context(), nil)
		if err != nil || len(sealed) != 1 || sealed[0].Sealed != "v1:k:x" || sealed[0].UserID != u.ID {
			t.Fatalf("SealedIDs = %+v, %v", sealed, err)
		}
		n, err := s.ResealIDs(t.Context(), func(sid store.SealedID) (string, error) { return "v1:k2:" + sid.Sealed[5:], nil })
		if err != nil || n != 1 {
			t.Fatalf("ResealIDs = %d, %v", n, err)
		}
		if sealed, _ := s.SealedIDs(t.Context(), []int64{u.ID}); len(sealed) != 1 || sealed[0].Sealed != "v1:k2:x" {
			t.Fatalf("after reseal: %+v", sealed)
		}
	})
	t.Run("volunteer records; make-up requests: one pending, approved once, audited", func(t *testing.T) {
		s := open(t)
		h := RecordsFixture(t, s, "v1:k:x", "3708**********123X", at)
		day := time.Date(2026, 12, 3, 0, 0, 0, 0, shanghai)
		for _, r := range []store.VolunteerRecord{
			{UserID: h.User.ID, Kind: store.RecordTraining, Title: "急救知识培训", Detail: "市红十字会", On: day, Minutes: 180, RecordedBy: h.Envoy.ID},
			{UserID: h.User.ID, Kind: store.RecordEvaluation, Title: "优秀", Detail: "服务认真", On: day.AddDate(0, 0, 1), RecordedBy: h.Envoy.ID},
		} {
			if _, err := s.AddVolunteerRecord(t.Context(), r, at); err != nil {
				t.Fatal(err)
			}
		}
		_, err := s.AddVolunteerRecord(t.Context(), store.VolunteerRecord{UserID: h.User.ID, Kind: store.RecordEvaluation, Title: "很好", On: day}, at)
		assertCode(t, "an unknown grade", err, store.EINVALID, "")
		_, err = s.AddVolunteerRecord(t.Context(), store.VolunteerRecord{UserID: unknownUser, Kind: store.RecordAward, Title: "优秀志愿者", On: day}, at)
		assertCode(t, "an unknown volunteer", err, store.ENOTFOUND, "")
		list, err := s.ListVolunteerRecords(t.Context(), h.User.ID, day, day.AddDate(0, 0, 1))
		if err != nil || len(list) != 1 || list[0].Title != "急救知识培训" || list[0].RecorderName != "李使者" || list[0].VolunteerName != "张三" || !list[0].On.Equal(day) {
			t.Fatalf("records of the 3rd = %+v, %v", list, err)
		}
		v := mustEnvoy(t, s, "o-late")
		in, out := h.Activity.StartsAt, h.Activity.EndsAt
		req := store.NewMakeup{ActivityCode: h.Activity.Code, UserID: v.ID, CheckInAt: in, CheckOutAt: out, Minutes: 120, Reason: "忘记签到"}
		_, _, err = s.RequestMakeup(t.Context(), req, h.Activity.EndsAt.Add(-time.Minute))
		assertCode(t, "a request before the end", err, store.EINVALID, store.MsgMakeupNotEnded)
		m, created, err := s.RequestMakeup(t.Context(), req, at)
		if err != nil || !created || !strings.HasPrefix(m.Code, "B") || m.Status != store.MakeupPending || m.EnvoyID != h.Envoy.ID {
			t.Fatalf("RequestMakeup = %+v, %v, %v", m, created, err)
		}
		again, created, err := s.RequestMakeup(t.Context(), req, at)
		if err != nil || created || again.Code != m.Code {
			t.Fatalf("second RequestMakeup = %+v, %v, %v", again, created, err)
		}
		_, _, err = s.RequestMakeup(t.Context(), store.NewMakeup{ActivityCode: h.Activity.Code, UserID: h.User.ID, CheckInAt: in, CheckOutAt: out, Minutes: 120}, at)
		assertCode(t, "a request of confirmed hours", err, store.ECONFLICT, store.MsgMakeupConfirmed)
		decided, err := s.DecideMakeup(t.Context(), m.Code, h.Envoy.ID, true, "", at)
		if err != nil || decided.Status != store.MakeupApproved || decided.DeciderName != "李使者" {
			t.Fatalf("DecideMakeup = %+v, %v", decided, err)
		}
		_, err = s.DecideMakeup(t.Context(), m.Code, h.Envoy.ID, false, "", at)
		assertCode(t, "deciding twice", err, store.ECONFLICT, store.MsgMakeupDecided)
		hours, err := s.UserHours(t.Context(), v.ID)
		if err != nil || len(hours) != 1 || hours[0].Minutes != 120 {
			t.Fatalf("hours after approval = %+v, %v", hours, err)
		}
		audit, err := s.ListHoursAudit(t.Context(), store.HoursAuditFilter{ActivityCode: h.Activity.Code})
		if err != nil || len(audit) != 2 || !strings.HasPrefix(audit[0].Reason, "补录 "+m.Code) || audit[0].NewMinutes != 120 || audit[0].OldMinutes != -1 {
			t.Fatalf("audit = %+v, %v", audit, err)
		}
		if none, _ := s.ListHoursAudit(t.Context(), store.HoursAuditFilter{From: at.Add(time.Hour)}); len(none) != 0 {
			t.Fatalf("audit after the approval = %+v", none)
		}
		pending, err := s.ListMakeups(t.Context(), store.MakeupFilter{Status: store.MakeupPending})
		if err != nil || len(pending) != 0 {
			t.Fatalf("pending = %+v, %v", pending, err)
		}
	})
	t.Run("certificates: issued with the service, found, revoked once; 注销 revokes them", func(t *testing.T) {
		s := open(t)
		h := RecordsFixture(t, s, "v1:k:x", "3708**********123X", at)
		n := store.NewCertificate{Number: "ZM2026-TEST0001", UserID: h.User.ID, Issuer: "古槐社区志愿服务站", VolunteerNumber: "HX000001",
			IssuedVia: store.IssuedViaChat, DownloadHash: "abc"}
		c, err := s.IssueCertificate(t.Context(), n, at)
		if err != nil || c.Minutes != 120 || c.Activities != 1 || c.HolderName != "张三" || c.IDMasked != "3708**********123X" ||
			len(c.Lines) != 1 || c.Lines[0].Category != "关爱困难群体" || c.FirstAt.IsZero() {
			t.Fatalf("IssueCertificate = %+v, %v", c, err)
		}
		_, err = s.IssueCertificate(t.Context(), n, at)
		assertCode(t, "a number twice", err, store.ECONFLICT, "")
		empty := n
		empty.Number, empty.From, empty.To = "ZM2026-TEST0002", at.AddDate(-1, 0, 0), at.AddDate(-1, 1, 0)
		_, err = s.IssueCertificate(t.Context(), empty, at)
		assertCode(t, "a period without service", err, store.EINVALID, store.MsgCertificateNoHours)
		noID := n
		noID.Number, noID.UserID = "ZM2026-TEST0003", h.Envoy.ID
		_, err = s.IssueCertificate(t.Context(), noID, at)
		assertCode(t, "a holder without real name", err, store.EINVALID, store.MsgCertificateNoID)
		if _, err := s.CertificateDownload(t.Context(), n.Number, "abd"); store.ErrorCode(err) != store.ENOTFOUND {
			t.Fatalf("download with a wrong token = %v", err)
		}
		if got, err := s.CertificateDownload(t.Context(), n.Number, "abc"); err != nil || got.Number != n.Number {
			t.Fatalf("download = %+v, %v", got, err)
		}
		r, err := s.RevokeCertificate(t.Context(), n.Number, "admin", "重复开具", at)
		if err != nil || !r.Revoked() || r.RevokeReason != "重复开具" {
			t.Fatalf("RevokeCertificate = %+v, %v", r, err)
		}
		r, _ = s.RevokeCertificate(t.Context(), n.Number, "other", "again", at.Add(time.Hour))
		if r.RevokeReason != "重复开具" || !r.RevokedAt.Equal(at) {
			t.Fatalf("a second revoke changed the first: %+v", r)
		}
		list, err := s.ListCertificates(t.Context(), h.User.ID, 10)
		if err != nil || len(list) != 1 {
			t.Fatalf("ListCertificates = %+v, %v", list, err)
		}
		_, err = s.FindCertificate(t.Context(), "ZM2026-NOPE")
		assertCode(t, "an unknown number", err, store.ENOTFOUND, "")

		if _, err := s.IssueCertificate(t.Context(), store.NewCertificate{Number: "ZM2026-FORGET01", UserID: h.User.ID, Issuer: "站",
			VolunteerNumber: "HX000001", IssuedVia: store.IssuedViaChat}, at); err != nil {
			t.Fatal(err)
		}
		if _, err := s.ForgetUser(t.Context(), h.User.ID, at); err != nil {
			t.Fatal(err)
		}
		u, _ := s.FindUserByOpenID(t.Context(), h.User.OpenID)
		if u.HasRealName() || u.IDType != "" || u.Gender != "" || u.BirthYear != 0 || !u.IDConsentAt.IsZero() {
			t.Fatalf("profile after 注销 = %+v", u)
		}
		if sealed, _ := s.SealedIDs(t.Context(), nil); len(sealed) != 0 {
			t.Fatalf("sealed IDs after 注销 = %+v", sealed)
		}
		c, err = s.FindCertificate(t.Context(), "ZM2026-FORGET01")
		if err != nil || !c.Revoked() || c.HolderName != "" || c.IDMasked != "" || c.VolunteerNumber != "" || c.Minutes != 120 {
			t.Fatalf("certificate after 注销 = %+v, %v", c, err)
		}
	})
}

package admin

import (
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"envoybot/handlers"
	"envoybot/store"
	"envoybot/web/certificate"
)

// Issue 14 on the dashboard: the hours audit log, make-up requests to
// decide, and certificates to issue, download and revoke.

// auditView is the hours audit log and its filter.
type auditView struct {
	Activity, From, To string
	Rows               []store.HoursAuditEntry
	LocalTime          func(time.Time) string
}

// auditPage lists the hours audit, newest first: every confirmation,
// correction and approved make-up, with its actor and reason.
func (s *server) auditPage(w http.ResponseWriter, r *http.Request, ss *session) {
	q := r.URL.Query()
	v := auditView{Activity: strings.ToUpper(strings.TrimSpace(q.Get("activity"))), From: q.Get("from"), To: q.Get("to"), LocalTime: s.localTime}
	f := store.HoursAuditFilter{ActivityCode: v.Activity, Limit: listLimit}
	var bad []string
	f.From, bad = s.parseDay(v.From, "开始日期", bad)
	if f.To, bad = s.parseDay(v.To, "结束日期", bad); !f.To.IsZero() {
		f.To = f.To.AddDate(0, 0, 1)
	}
	var err error
	if v.Rows, err = s.st.ListHoursAudit(r.Context(), f); err != nil {
		s.fail(w, r, err)
		return
	}
	s.renderAuthed(w, r, ss, "audit", page{Title: "时长审计记录", Nav: "audit", Data: v, Error: strings.Join(bad, "；")})
}

// makeupsView is the list of make-up requests.
type makeupsView struct {
	Status     string
	Rows       []*store.MakeupRequest
	LocalTime  func(time.Time) string
	StatusText map[string]string
}

var makeupStatusText = map[string]string{store.MakeupPending: "待审核", store.MakeupApproved: "已同意", store.MakeupRejected: "已驳回"}

// makeupsPage lists make-up requests, pending ones by default.
func (s *server) makeupsPage(w http.ResponseWriter, r *http.Request, ss *session) {
	s.showMakeups(w, r, ss, page{Title: "补录申请", Nav: "makeups"})
}

func (s *server) showMakeups(w http.ResponseWriter, r *http.Request, ss *session, p page) {
	status := r.URL.Query().Get("status")
	if status == "" {
		status = store.MakeupPending
	}
	if status == "all" {
		status = ""
	}
	v := makeupsView{Status: r.URL.Query().Get("status"), LocalTime: s.localTime, StatusText: makeupStatusText}
	var err error
	if v.Rows, err = s.st.ListMakeups(r.Context(), store.MakeupFilter{Status: status, Limit: listLimit}); err != nil {
		s.fail(w, r, err)
		return
	}
	switch r.URL.Query().Get("done") {
	case "approved":
		p.Flash = "已同意补录，时长已计入并写入审计记录，已通知志愿者。"
	case "rejected":
		p.Flash = "已驳回补录，已通知志愿者。"
	}
	p.Data = v
	s.renderAuthed(w, r, ss, "makeups", p)
}

// decideMakeup approves or rejects a request as the logged-in admin (an
// admin may decide any activity's, as in chat).
func (s *server) decideMakeup(w http.ResponseWriter, r *http.Request, ss *session) {
	code := strings.ToUpper(strings.TrimSpace(r.PostFormValue("code")))
	decision := r.PostFormValue("decision")
	note := strings.TrimSpace(r.PostFormValue("note"))
	p := page{Title: "补录申请", Nav: "makeups"}
	switch {
	case code == "":
		p.Error = "请从列表中选择一条补录申请。"
	case decision != "approve" && decision != "reject":
		p.Error = "请选择同意或驳回。"
	case decision == "reject" && note == "":
		p.Error = "驳回请填写原因，它会告诉志愿者。"
	case len([]rune(note)) > 100:
		p.Error = "原因请控制在 100 字以内。"
	}
	if p.Error != "" {
		s.showMakeups(w, r, ss, p)
		return
	}
	actor, err := s.st.FindUserByOpenID(r.Context(), ss.Actor)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if note == "" {
		note = "管理后台 " + ss.Name
	} else {
		note = "管理后台 " + ss.Name + "：" + note
	}
	m, err := handlers.DecideMakeup(r.Context(), s.st, s.st, code, actor.ID, decision == "approve", note, s.now())
	switch {
	case store.ErrorCode(err) == store.ENOTFOUND && m == nil:
		p.Error = "没有找到补录申请 " + code + "。"
	case store.ErrorMessage(err) == store.MsgMakeupDecided:
		p.Error = "补录申请 " + code + " 已经处理过了。"
	case m == nil && err != nil:
		s.fail(w, r, err)
		return
	case err != nil:
		s.log.Error("makeup decided, volunteer not told", slog.String("makeup", m.Code), slog.Any("error", err))
	}
	if p.Error != "" {
		s.showMakeups(w, r, ss, p)
		return
	}
	if m.Status == store.MakeupApproved {
		s.announceStar(r.Context(), m.UserID)
	}
	s.log.Info("admin decided makeup", slog.String("admin", ss.Name), slog.String("makeup", m.Code), slog.String("status", m.Status))
	http.Redirect(w, r, "/admin/makeups?status=all&done="+url.QueryEscape(m.Status), http.StatusSeeOther)
}

// certificatesView is the certificate list with the issue form.
type certificatesView struct {
	Rows      []*store.Certificate
	LocalTime func(time.Time) string
	Period    func(*store.Certificate) string
	Hours     func(int) string
	Phone     string
	From, To  string
}

// certificatesPage lists issued certificates, newest first.
func (s *server) certificatesPage(w http.ResponseWriter, r *http.Request, ss *session) {
	p := page{Title: "志愿服务记录证明", Nav: "certificates"}
	switch q := r.URL.Query(); {
	case q.Get("issued") != "":
		p.Flash = "已开具证明 " + q.Get("issued") + "。"
	case q.Get("revoked") != "":
		p.Flash = "已作废证明 " + q.Get("revoked") + "，核验页面会显示已作废。"
	}
	s.showCertificates(w, r, ss, certificatesView{}, p)
}

func (s *server) showCertificates(w http.ResponseWriter, r *http.Request, ss *session, v certificatesView, p page) {
	var err error
	if v.Rows, err = s.st.ListCertificates(r.Context(), 0, listLimit); err != nil {
		s.fail(w, r, err)
		return
	}
	v.LocalTime, v.Hours = s.localTime, certificate.Hours
	v.Period = func(c *store.Certificate) string {
		f, t := certificate.Period(c, s.loc)
		return f + " 至 " + t
	}
	p.Data = v
	s.renderAuthed(w, r, ss, "certificates", p)
}

// issueCertificate issues a certificate to the volunteer with the mobile,
// for the period (all service when no dates are given).
func (s *server) issueCertificate(w http.ResponseWriter, r *http.Request, ss *session) {
	v := certificatesView{Phone: strings.TrimSpace(r.PostFormValue("phone")), From: r.PostFormValue("from"), To: r.PostFormValue("to")}
	p := page{Title: "志愿服务记录证明", Nav: "certificates"}
	var bad []string
	from, bad := s.parseDay(v.From, "开始日期", bad)
	to, bad := s.parseDay(v.To, "结束日期", bad)
	if !to.IsZero() {
		to = to.AddDate(0, 0, 1)
	}
	if !from.IsZero() && !to.IsZero() && !to.After(from) {
		bad = append(bad, "结束日期不能早于开始日期")
	}
	if v.Phone == "" {
		bad = append(bad, "请填写志愿者的手机号")
	}
	if len(bad) > 0 {
		p.Error = strings.Join(bad, "；")
		s.showCertificates(w, r, ss, v, p)
		return
	}
	u, err := s.st.FindUserByPhone(r.Context(), v.Phone)
	if store.ErrorCode(err) == store.ENOTFOUND {
		p.Error = "没有找到手机号为 " + store.MaskPhone(v.Phone) + " 的志愿者。"
		s.showCertificates(w, r, ss, v, p)
		return
	} else if err != nil {
		s.fail(w, r, err)
		return
	}
	c, err := handlers.IssueCertificate(r.Context(), s.st, store.NewCertificate{
		UserID: u.ID, From: from, To: to, Issuer: s.cfg.CertificateIssuer(),
		VolunteerNumber: store.VolunteerNumber(s.cfg.Records.VolunteerNumberPrefix, u.ID),
		IssuedVia:       store.IssuedViaAdmin, IssuedBy: ss.Name,
	}, s.now())
	switch store.ErrorMessage(err) {
	case "":
	case store.MsgCertificateNoID:
		p.Error = "这位志愿者还没有实名登记（证明须载明证件类型和号码）：请其在公众号回复“实名”登记。"
	case store.MsgCertificateNoHours:
		p.Error = "这位志愿者在所选期间没有已确认的服务时长。"
	default:
		s.fail(w, r, err)
		return
	}
	if p.Error != "" {
		s.showCertificates(w, r, ss, v, p)
		return
	}
	s.log.Info("certificate issued", slog.String("number", c.Number), slog.Int64("user", u.ID), slog.String("admin", ss.Name))
	http.Redirect(w, r, "/admin/certificates?issued="+url.QueryEscape(c.Number), http.StatusSeeOther)
}

// revokeCertificate revokes a certificate with a reason.
func (s *server) revokeCertificate(w http.ResponseWriter, r *http.Request, ss *session) {
	number := strings.TrimSpace(r.PostFormValue("number"))
	reason := strings.TrimSpace(r.PostFormValue("reason"))
	p := page{Title: "志愿服务记录证明", Nav: "certificates"}
	switch {
	case number == "":
		p.Error = "请从列表中选择一份证明。"
	case reason == "":
		p.Error = "请填写作废原因，核验页面会显示它。"
	case len([]rune(reason)) > 200:
		p.Error = "原因请控制在 200 字以内。"
	}
	if p.Error == "" {
		_, err := s.st.RevokeCertificate(r.Context(), number, ss.Name, reason, s.now())
		switch {
		case store.ErrorCode(err) == store.ENOTFOUND:
			p.Error = "没有找到证明 " + number + "。"
		case err != nil:
			s.fail(w, r, err)
			return
		}
	}
	if p.Error != "" {
		s.showCertificates(w, r, ss, certificatesView{}, p)
		return
	}
	s.log.Info("certificate revoked", slog.String("number", number), slog.String("admin", ss.Name))
	http.Redirect(w, r, "/admin/certificates?revoked="+url.QueryEscape(number), http.StatusSeeOther)
}

// certificatePDF serves a certificate's PDF to an admin.
func (s *server) certificatePDF(w http.ResponseWriter, r *http.Request, _ *session) {
	number, ok := strings.CutSuffix(r.PathValue("file"), ".pdf")
	if !ok {
		http.NotFound(w, r)
		return
	}
	c, err := s.st.FindCertificate(r.Context(), number)
	switch {
	case store.ErrorCode(err) == store.ENOTFOUND:
		http.Error(w, "404 没有证明 "+number, http.StatusNotFound)
		return
	case err != nil:
		s.fail(w, r, err)
		return
	case c.Revoked():
		http.Error(w, "410 证明 "+number+" 已作废："+c.RevokeReason, http.StatusGone)
		return
	}
	certificate.ServePDF(w, r, s.certs, c, s.log)
}

// parsePeriod reads from/to (YYYY-MM-DD, inclusive) of an export: [from,
// to) with to the day after, defaults the campaign's start and now.
func (s *server) parsePeriod(r *http.Request) (from, end time.Time, bad []string) {
	fromDay, toDay := r.URL.Query().Get("from"), r.URL.Query().Get("to")
	from, end, bad = s.parseDays(&fromDay, &toDay, nil)
	if from.IsZero() {
		from = s.cfg.Campaign.Start.In(s.loc)
	}
	if end.IsZero() {
		end = s.now()
	}
	if len(bad) == 0 && !end.After(from) {
		bad = append(bad, "结束日期不能早于开始日期")
	}
	return from, end, bad
}

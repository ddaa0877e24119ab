package handlers

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"envoybot/bot"
	"envoybot/store"
)

// Issue 14: records people can use.

// ConsentRealName answers `同意实名`: the consent is recorded, and the
// reply says how to send the number.
func (h *Handlers) ConsentRealName(ctx context.Context, req *Request) (bot.Reply, error) {
	if h.ids == nil {
		return bot.Reply{Text: RecordsText.RealNameOff}, nil
	}
	if !req.User.IDConsentAt.IsZero() {
		return bot.Reply{Text: RecordsText.ConsentAgain}, nil
	}
	if _, err := h.identity.ConsentRealName(ctx, req.User.ID, req.Now); err != nil {
		return bot.Reply{}, fmt.Errorf("consent real name: %w", err)
	}
	return bot.Reply{Text: RecordsText.ConsentDone}, nil
}

// RealName answers `实名 身份证 370802…`: without consent it explains what
// the number is for and asks for it, keeping nothing; with consent it
// checks the number (a 居民身份证's check digit and birth date), seals it
// and keeps it, and shows it masked. The number is never logged, and no
// reply holds it whole.
func (h *Handlers) RealName(ctx context.Context, req *Request) (bot.Reply, error) {
	p, u := req.Parse, req.User
	switch {
	case h.ids == nil:
		return bot.Reply{Text: RecordsText.RealNameOff}, nil
	case u.IDConsentAt.IsZero():
		text := RecordsText.ConsentAsk
		if p.IDNumber != "" {
			text += RecordsText.ConsentNotKept
		}
		return bot.Reply{Text: text}, nil
	case p.IDNumber == "" && u.HasRealName():
		return bot.Reply{Text: fmt.Sprintf(RecordsText.RealNameCurrent, u.IDType, u.IDMasked, birthText(u.Gender, u.BirthYear))}, nil
	case p.IDNumber == "":
		return bot.Reply{Text: RecordsText.RealNameForm}, nil
	case p.IDType == "":
		return bot.Reply{Text: RecordsText.IDType}, nil
	}
	id, err := store.ParseIDNumber(p.IDType, p.IDNumber, req.Now)
	if err != nil {
		return bot.Reply{Text: idProblem(err)}, nil
	}
	if id.Gender == "" {
		id.Gender = p.Gender
	}
	if id.BirthYear == 0 {
		id.BirthYear = p.BirthYear
	}
	sealed, err := h.ids.Seal(id.Number, store.IDSealContext(u.ID))
	if err != nil {
		return bot.Reply{}, fmt.Errorf("seal id: %w", err)
	}
	saved, err := h.identity.SetRealName(ctx, u.ID, store.RealName{
		IDType: id.Type, Sealed: sealed, Masked: store.MaskIDNumber(id.Number), Gender: id.Gender, BirthYear: id.BirthYear,
	}, req.Now)
	if store.ErrorMessage(err) == store.MsgNoConsent {
		return bot.Reply{Text: RecordsText.ConsentAsk + RecordsText.ConsentNotKept}, nil
	} else if err != nil {
		return bot.Reply{}, fmt.Errorf("set real name: %w", err)
	}
	h.log.InfoContext(ctx, "real name saved", slog.Int64("user", u.ID), slog.String("id_type", saved.IDType), slog.String("key", h.ids.Current()))
	return bot.Reply{Text: fmt.Sprintf(RecordsText.RealNameSaved, saved.IDType, saved.IDMasked, birthText(saved.Gender, saved.BirthYear))}, nil
}

// birthText is "，男，1990年出生" when known.
func birthText(gender string, year int) string {
	switch {
	case gender != "" && year != 0:
		return fmt.Sprintf(RecordsText.RealNameBirth, gender, year)
	case gender != "":
		return "，" + gender
	case year != 0:
		return fmt.Sprintf("，%d年出生", year)
	}
	return ""
}

// idProblem says what is wrong with a number.
func idProblem(err error) string {
	switch store.ErrorMessage(err) {
	case store.MsgIDChecksum:
		return RecordsText.IDChecksum
	case store.MsgIDBirthDate:
		return RecordsText.IDBirthDate
	case store.MsgIDOld15:
		return RecordsText.IDOld15
	case store.MsgIDType:
		return RecordsText.IDType
	}
	return RecordsText.IDFormat
}

// MyCertificate answers `我的证明 [period]`: a 志愿服务记录证明 of the
// confirmed service in the period (all of it when none) is issued and
// recorded, and the reply links its PDF and its public verification page.
func (h *Handlers) MyCertificate(ctx context.Context, req *Request) (bot.Reply, error) {
	p, u := req.Parse, req.User
	if !u.HasRealName() {
		return bot.Reply{Text: RecordsText.CertNeedsID}, nil
	}
	from, to, ok := h.period(p.From, p.To)
	if !ok || p.Problem != "" {
		return bot.Reply{Text: RecordsText.CertBadPeriod}, nil
	}
	period := RecordsText.CertPeriodAll
	if p.From != "" {
		period = fmt.Sprintf(RecordsText.CertPeriod, p.From, p.To)
	}
	token := randomToken()
	sum := sha256.Sum256([]byte(token))
	c, err := IssueCertificate(ctx, h.certs, store.NewCertificate{
		UserID: u.ID, From: from, To: to, Issuer: h.issuer,
		VolunteerNumber: store.VolunteerNumber(h.volunteerPrefix, u.ID), IssuedVia: store.IssuedViaChat,
		DownloadHash: hex.EncodeToString(sum[:]),
	}, req.Now)
	switch store.ErrorMessage(err) {
	case "":
	case store.MsgCertificateNoHours:
		return bot.Reply{Text: fmt.Sprintf(RecordsText.CertNoHours, period)}, nil
	case store.MsgCertificateNoID:
		return bot.Reply{Text: RecordsText.CertNeedsID}, nil
	default:
		return bot.Reply{}, fmt.Errorf("issue certificate: %w", err)
	}
	h.log.InfoContext(ctx, "certificate issued", slog.String("number", c.Number), slog.Int64("user", u.ID), slog.String("via", "chat"))
	pdf := store.CertificatePDFPath(c.Number) + "?t=" + token
	verify := store.VerifyPath(c.Number)
	if h.adminURL == "" {
		return bot.Reply{Text: fmt.Sprintf(RecordsText.CertIssuedPath, c.Number, period, store.FormatHours(c.Minutes), c.Activities, c.Issuer, pdf, verify)}, nil
	}
	return bot.Reply{Text: fmt.Sprintf(RecordsText.CertIssued, c.Number, period, store.FormatHours(c.Minutes), c.Activities, c.Issuer, h.adminURL+pdf, h.adminURL+verify)}, nil
}

// period turns from and to dates (YYYY-MM-DD, both included) into
// [from, to) instants in the campaign's zone; zero for an open end.
func (h *Handlers) period(fromDay, toDay string) (from, to time.Time, ok bool) {
	if fromDay == "" && toDay == "" {
		return time.Time{}, time.Time{}, true
	}
	f, err1 := time.ParseInLocation(time.DateOnly, fromDay, h.loc)
	t, err2 := time.ParseInLocation(time.DateOnly, toDay, h.loc)
	if err1 != nil || err2 != nil || t.Before(f) {
		return time.Time{}, time.Time{}, false
	}
	return f, t.AddDate(0, 0, 1), true
}

// IssueCertificate issues n with a fresh number (ZM2026-7K3QX9PD: the year
// and eight random characters, so that numbers cannot be guessed), drawing
// again in the unlikely case the number is taken. The dashboard issues
// through it too.
func IssueCertificate(ctx context.Context, certs store.CertificateService, n store.NewCertificate, at time.Time) (*store.Certificate, error) {
	for try := 0; ; try++ {
		n.Number = fmt.Sprintf("ZM%d-%s", at.Year(), randomCode(8))
		c, err := certs.IssueCertificate(ctx, n, at)
		if store.ErrorCode(err) == store.ECONFLICT && try < 3 {
			continue
		}
		return c, err
	}
}

// codeAlphabet leaves out 0/O and 1/I/L, which people misread.
const codeAlphabet = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"

// randomCode is n characters of codeAlphabet from crypto/rand.
func randomCode(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	for i := range b {
		b[i] = codeAlphabet[int(b[i])%len(codeAlphabet)]
	}
	return string(b)
}

// randomToken is a 128-bit token for a download link.
func randomToken() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// RecordTraining answers `培训 张三 急救知识培训 11月5日 3小时`.
func (h *Handlers) RecordTraining(ctx context.Context, req *Request) (bot.Reply, error) {
	return h.personRecord(ctx, req, store.RecordTraining)
}

// RecordAward answers `表彰 张三 优秀志愿者 11月5日 市文明办`.
func (h *Handlers) RecordAward(ctx context.Context, req *Request) (bot.Reply, error) {
	return h.personRecord(ctx, req, store.RecordAward)
}

// RecordEvaluation answers `评价 张三 优秀 服务认真负责`.
func (h *Handlers) RecordEvaluation(ctx context.Context, req *Request) (bot.Reply, error) {
	return h.personRecord(ctx, req, store.RecordEvaluation)
}

// personRecord records a training, award or evaluation of the volunteer
// named by mobile or by a name only one volunteer has.
func (h *Handlers) personRecord(ctx context.Context, req *Request, kind string) (bot.Reply, error) {
	p := req.Parse
	form := RecordsText.RecordKinds[kind]
	if p.Name == "" && p.Phone == "" {
		return bot.Reply{Text: fmt.Sprintf(RecordsText.RecordWho, form)}, nil
	}
	if p.Title == "" {
		return bot.Reply{Text: fmt.Sprintf(RecordsText.RecordTitle, form)}, nil
	}
	v, reply, err := h.findVolunteer(ctx, p.Name, p.Phone, form)
	if v == nil {
		return reply, err
	}
	day := req.Now.In(h.loc)
	on := time.Date(day.Year(), day.Month(), day.Day(), 0, 0, 0, 0, h.loc)
	if p.Date != "" {
		if d, err := time.ParseInLocation(time.DateOnly, p.Date, h.loc); err == nil {
			on = d
		}
	}
	rec := store.VolunteerRecord{UserID: v.ID, Kind: kind, Title: p.Title, Detail: p.Description, On: on, Minutes: p.Minutes, RecordedBy: req.User.ID}
	if err := rec.Validate(); err != nil {
		if kind == store.RecordEvaluation && strings.Contains(store.ErrorMessage(err), "grade") {
			return bot.Reply{Text: RecordsText.RecordGrade}, nil
		}
		if f, long := store.FirstTooLong(store.FieldValue{Field: store.FieldRecordTitle, Value: rec.Title}, store.FieldValue{Field: store.FieldRecordDetail, Value: rec.Detail}); long {
			return bot.Reply{Text: fmt.Sprintf(RecordsText.RecordTooLong[f.Key], f.Max)}, nil
		}
		return bot.Reply{Text: fmt.Sprintf(RecordsText.RecordTitle, form)}, nil
	}
	saved, err := h.records.AddVolunteerRecord(ctx, rec, req.Now)
	if err != nil {
		return bot.Reply{}, fmt.Errorf("add volunteer record: %w", err)
	}
	extra := ""
	if saved.Minutes > 0 {
		extra = "，" + store.FormatHours(saved.Minutes) + "小时"
	}
	if saved.Detail != "" {
		extra += "，" + saved.Detail
	}
	return bot.Reply{Text: fmt.Sprintf(RecordsText.RecordSaved[kind], v.Name, saved.Title, saved.On.In(h.loc).Format("2006年1月2日"), extra)}, nil
}

// findVolunteer finds the registered volunteer with the mobile, or the one
// with the name; otherwise the reply says why not.
func (h *Handlers) findVolunteer(ctx context.Context, name, phone, form string) (*store.User, bot.Reply, error) {
	if phone != "" {
		u, err := h.profiles.FindUserByPhone(ctx, phone)
		if store.ErrorCode(err) == store.ENOTFOUND {
			return nil, bot.Reply{Text: fmt.Sprintf(RecordsText.RecordNotFound, store.MaskPhone(phone))}, nil
		} else if err != nil {
			return nil, bot.Reply{}, fmt.Errorf("find volunteer: %w", err)
		}
		return u, bot.Reply{}, nil
	}
	list, err := h.profiles.FindVolunteersByName(ctx, name, "")
	switch {
	case err != nil:
		return nil, bot.Reply{}, fmt.Errorf("find volunteer: %w", err)
	case len(list) == 0:
		return nil, bot.Reply{Text: fmt.Sprintf(RecordsText.RecordNotFound, name)}, nil
	case len(list) > 1:
		return nil, bot.Reply{Text: fmt.Sprintf(RecordsText.RecordAmbiguous, len(list), name, strings.Replace(form, "张三", "13812345678", 1))}, nil
	}
	return list[0], bot.Reply{}, nil
}

// Makeup answers `补录 A12 14:00-16:00 忘记签到`: a volunteer asks for the
// hours of an activity they served at without checking in; the
// activity's envoy is told and decides. From an envoy or admin without a
// code it lists the requests waiting for them.
func (h *Handlers) Makeup(ctx context.Context, req *Request) (bot.Reply, error) {
	p, u := req.Parse, req.User
	if p.Activity == "" {
		if u.Role == store.RoleEnvoy || u.Role == store.RoleAdmin {
			return h.pendingMakeups(ctx, req)
		}
		return bot.Reply{Text: RecordsText.MakeupForm}, nil
	}
	a, err := h.activities.FindActivityByCode(ctx, p.Activity)
	if store.ErrorCode(err) == store.ENOTFOUND {
		return bot.Reply{Text: fmt.Sprintf(Text.ActivityNotFound, p.Activity)}, nil
	} else if err != nil {
		return bot.Reply{}, fmt.Errorf("find activity: %w", err)
	}
	in, out := a.StartsAt, a.EndsAt
	if p.Clock != "" {
		var h1, m1, h2, m2 int
		if _, err := fmt.Sscanf(p.Clock, "%d:%d-%d:%d", &h1, &m1, &h2, &m2); err != nil || p.Problem != "" {
			return bot.Reply{Text: RecordsText.MakeupForm}, nil
		}
		d := a.StartsAt.In(h.loc)
		in = time.Date(d.Year(), d.Month(), d.Day(), h1, m1, 0, 0, h.loc)
		out = time.Date(d.Year(), d.Month(), d.Day(), h2, m2, 0, 0, h.loc)
	}
	minutes := store.ServiceMinutes(in, out, a.StartsAt, a.EndsAt, h.hoursRule())
	if minutes <= 0 {
		return bot.Reply{Text: fmt.Sprintf(RecordsText.MakeupNoLap, p.Clock, a.Code, when(a.StartsAt, a.EndsAt, h.loc))}, nil
	}
	reason := p.Reason
	if reason == "" {
		reason = "未签到"
	}
	if f, long := store.FirstTooLong(store.FieldValue{Field: store.FieldMakeupReason, Value: reason}); long {
		return bot.Reply{Text: fmt.Sprintf(RulesText.FieldTooLongPlain, "原因", f.Max)}, nil
	}
	m, created, err := h.records.RequestMakeup(ctx, store.NewMakeup{ActivityCode: a.Code, UserID: u.ID, CheckInAt: in, CheckOutAt: out, Minutes: minutes, Reason: reason}, req.Now)
	switch store.ErrorMessage(err) {
	case "":
	case store.MsgMakeupNotEnded:
		return bot.Reply{Text: fmt.Sprintf(RecordsText.MakeupNotEnded, a.Code, dayWithWeekday(a.EndsAt, req.Now, h.loc)+clock(a.EndsAt, h.loc), a.Code)}, nil
	case store.MsgMakeupCancelled:
		return bot.Reply{Text: fmt.Sprintf(RecordsText.MakeupCancelled, a.Code)}, nil
	case store.MsgMakeupConfirmed:
		return bot.Reply{Text: fmt.Sprintf(RecordsText.MakeupConfirmed, a.Code)}, nil
	default:
		return bot.Reply{}, fmt.Errorf("request makeup: %w", err)
	}
	if !created {
		return bot.Reply{Text: fmt.Sprintf(RecordsText.MakeupAlready, a.Code, m.Code)}, nil
	}
	span := clock(m.CheckInAt, h.loc) + "-" + clock(m.CheckOutAt, h.loc)
	name := u.Name
	if name == "" {
		name = "志愿者"
	}
	h.notify(ctx, req.Now, store.NewNotice{
		Key:     "makeup_request|" + m.Code,
		Kind:    "makeup_request",
		Subject: m.Code,
		OpenID:  m.EnvoyOpenID,
		Text: fmt.Sprintf(RecordsText.MakeupNotice, m.Code, name, a.Code, a.Title, span,
			store.FormatHours(m.Minutes), m.Reason, m.Code, m.Code),
		Fields: map[string]string{"title": a.Title, "code": m.Code, "time": span},
	})
	return bot.Reply{Text: fmt.Sprintf(RecordsText.MakeupSent, m.Code, a.Code, a.Title, span, store.FormatHours(m.Minutes))}, nil
}

// pendingMakeups lists the requests an envoy (their activities) or an
// admin (all) has to decide.
func (h *Handlers) pendingMakeups(ctx context.Context, req *Request) (bot.Reply, error) {
	f := store.MakeupFilter{Status: store.MakeupPending, Limit: 50}
	if req.User.Role != store.RoleAdmin {
		f.EnvoyID = req.User.ID
	}
	list, err := h.records.ListMakeups(ctx, f)
	if err != nil {
		return bot.Reply{}, fmt.Errorf("list makeups: %w", err)
	}
	if len(list) == 0 {
		return bot.Reply{Text: RecordsText.MakeupNonePending}, nil
	}
	lines := make([]string, 0, len(list))
	for _, m := range list {
		lines = append(lines, fmt.Sprintf("%s %s：%s %s %s-%s（%s小时）%s", m.Code, orAnonymous(m.Name), m.ActivityCode, m.ActivityTitle,
			clock(m.CheckInAt, h.loc), clock(m.CheckOutAt, h.loc), store.FormatHours(m.Minutes), m.Reason))
	}
	return bot.Reply{Text: h.page(ctx, req.Msg.OpenID, RecordsText.MakeupPending, lines)}, nil
}

func orAnonymous(name string) string {
	if name == "" {
		return "匿名志愿者"
	}
	return name
}

// ApproveMakeup answers `同意补录 B3`.
func (h *Handlers) ApproveMakeup(ctx context.Context, req *Request) (bot.Reply, error) {
	return h.decideMakeup(ctx, req, true)
}

// RejectMakeup answers `驳回补录 B3 原因`.
func (h *Handlers) RejectMakeup(ctx context.Context, req *Request) (bot.Reply, error) {
	return h.decideMakeup(ctx, req, false)
}

// decideMakeup lets the activity's envoy (or an admin) decide a request;
// an approval confirms the hours with an audit row, and the volunteer is
// told either way.
func (h *Handlers) decideMakeup(ctx context.Context, req *Request, approve bool) (bot.Reply, error) {
	code := req.Parse.Code
	if code == "" {
		return bot.Reply{Text: RecordsText.MakeupDecideForm}, nil
	}
	m, err := h.records.FindMakeup(ctx, code)
	switch {
	case store.ErrorCode(err) == store.ENOTFOUND:
		return bot.Reply{Text: fmt.Sprintf(RecordsText.MakeupNotFound, code)}, nil
	case err != nil:
		return bot.Reply{}, fmt.Errorf("find makeup: %w", err)
	case req.User.Role != store.RoleAdmin && m.EnvoyID != req.User.ID:
		return bot.Reply{Text: fmt.Sprintf(Text.ForAdminsOrOwner, m.ActivityCode)}, nil
	}
	decided, err := DecideMakeup(ctx, h.records, h.outbox, m.Code, req.User.ID, approve, req.Parse.Reason, req.Now)
	switch {
	case store.ErrorMessage(err) == store.MsgMakeupDecided:
		return bot.Reply{Text: fmt.Sprintf(RecordsText.MakeupDecided, m.Code, dayWithWeekday(m.DecidedAt, req.Now, h.loc), RecordsText.MakeupStatus[m.Status])}, nil
	case decided == nil:
		return bot.Reply{}, fmt.Errorf("decide makeup: %w", err)
	case err != nil:
		h.log.ErrorContext(ctx, "makeup decided, volunteer not told", slog.String("makeup", decided.Code), slog.Any("error", err))
	}
	if approve {
		h.afterConfirmed(ctx, req.Now, decided.UserID) // a star level reached is announced
		return bot.Reply{Text: fmt.Sprintf(RecordsText.MakeupApproved, decided.Code, orAnonymous(decided.Name), decided.ActivityCode, store.FormatHours(decided.Minutes))}, nil
	}
	return bot.Reply{Text: fmt.Sprintf(RecordsText.MakeupRejected, decided.Code, orAnonymous(decided.Name), decided.ActivityCode)}, nil
}

// DecideMakeup decides a request and tells the volunteer through the
// outbox; the dashboard decides through it too. The notice is written
// after the decision committed: when writing it fails, the decided request
// is returned with the error, for the caller to log (the decision stays).
func DecideMakeup(ctx context.Context, records store.RecordService, outbox store.OutboxService, code string, actorID int64, approve bool, note string, now time.Time) (*store.MakeupRequest, error) {
	m, err := records.DecideMakeup(ctx, code, actorID, approve, note, now)
	if err != nil {
		return nil, err
	}
	text := fmt.Sprintf(RecordsText.MakeupNoticeOK, m.ActivityCode, m.ActivityTitle, m.Code, store.FormatHours(m.Minutes))
	if !approve {
		why := ""
		if m.Note != "" {
			why = "原因：" + m.Note + "。"
		}
		text = fmt.Sprintf(RecordsText.MakeupNoticeNo, m.ActivityCode, m.ActivityTitle, m.Code, why)
	}
	if _, err := outbox.EnqueueNotices(ctx, []store.NewNotice{{
		Key: "makeup_decided|" + m.Code, Kind: "makeup_decided", Subject: m.Code, OpenID: m.OpenID, Text: text,
		Fields: map[string]string{"title": m.ActivityTitle, "code": m.Code, "status": RecordsText.MakeupStatus[m.Status]},
	}}, now); err != nil {
		return m, fmt.Errorf("makeup %s decided, notice not written: %w", m.Code, err)
	}
	return m, nil
}

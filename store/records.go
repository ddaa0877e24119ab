package store

import (
	"context"
	"strings"
	"time"
	"unicode/utf8"
)

// Issue 14: the service record beyond hours (training, awards,
// evaluations), make-up hours (补录), the hours audit as a list, and the
// certificates (志愿服务记录证明) issued from it.

// Kinds of a volunteer record beside service hours.
const (
	RecordTraining   = "training"   // 培训
	RecordAward      = "award"      // 表彰
	RecordEvaluation = "evaluation" // 评价
)

// Evaluation grades (评价等级).
var EvaluationGrades = []string{"优秀", "良好", "合格", "不合格"}

// Caps of the text of a volunteer record and a make-up reason.
var (
	FieldRecordTitle  = Field{"record title", 40}
	FieldRecordDetail = Field{"record detail", 200}
	FieldMakeupReason = Field{"makeup reason", 100}
)

// VolunteerRecord is one training, award or evaluation of a volunteer, as
// an envoy or admin recorded it.
type VolunteerRecord struct {
	ID     int64
	UserID int64
	Kind   string
	// Title is the training's subject, the award's name or the
	// evaluation's grade.
	Title string
	// Detail is the organiser of a training, the awarding body of an
	// award, the comment of an evaluation; may be empty.
	Detail string
	// On is the day (midnight in the campaign's zone).
	On time.Time
	// Minutes is a training's length; 0 when not given.
	Minutes    int
	RecordedBy int64
	// RecorderName is the recorder's name, VolunteerName the volunteer's
	// ("" once anonymised), read with the record.
	RecorderName  string
	VolunteerName string
	CreatedAt     time.Time
}

// Validate trims the record and checks kind, title, grade and lengths.
func (r *VolunteerRecord) Validate() error {
	r.Title, r.Detail = strings.TrimSpace(r.Title), strings.TrimSpace(r.Detail)
	switch r.Kind {
	case RecordTraining, RecordAward, RecordEvaluation:
	default:
		return Errorf(EINVALID, "unknown record kind %q", r.Kind)
	}
	switch {
	case r.UserID == 0:
		return Errorf(EINVALID, "a record needs a volunteer")
	case r.Title == "":
		return Errorf(EINVALID, "a record needs a title")
	case r.On.IsZero():
		return Errorf(EINVALID, "a record needs a day")
	case r.Minutes < 0 || r.Minutes > 24*60*30:
		return Errorf(EINVALID, "training minutes out of range")
	}
	if r.Kind == RecordEvaluation {
		ok := false
		for _, g := range EvaluationGrades {
			ok = ok || g == r.Title
		}
		if !ok {
			return Errorf(EINVALID, "evaluation grade must be one of %s", strings.Join(EvaluationGrades, "、"))
		}
	}
	return checkFields(FieldValue{FieldRecordTitle, r.Title}, FieldValue{FieldRecordDetail, r.Detail})
}

// Make-up request statuses.
const (
	MakeupPending  = "pending"
	MakeupApproved = "approved"
	MakeupRejected = "rejected"
)

// Messages of make-up errors the chat tells apart.
const (
	MsgMakeupNotEnded     = "activity not ended"
	MsgMakeupConfirmed    = "hours already confirmed"
	MsgMakeupDecided      = "makeup already decided"
	MsgMakeupCancelled    = "activity cancelled"
	MsgCertificateNoHours = "no confirmed service in the period"
	MsgCertificateNoID    = "no real name"
)

// MakeupRequest is a volunteer's request for hours of an activity they
// served at without checking in (补录), which the activity's envoy (or an
// admin) approves or rejects.
type MakeupRequest struct {
	ID            int64
	Code          string // B3
	ActivityID    int64
	ActivityCode  string
	ActivityTitle string
	EnvoyID       int64
	EnvoyOpenID   string
	UserID        int64
	OpenID        string
	Name          string // the volunteer's name, "" once anonymised
	CheckInAt     time.Time
	CheckOutAt    time.Time
	Minutes       int
	Reason        string
	Status        string
	DecidedBy     int64
	DeciderName   string
	DecidedAt     time.Time
	Note          string
	CreatedAt     time.Time
}

// NewMakeup is what `补录` supplies.
type NewMakeup struct {
	ActivityCode string
	UserID       int64
	CheckInAt    time.Time
	CheckOutAt   time.Time
	Minutes      int
	Reason       string
}

// Validate trims the request and checks its times and reason.
func (m *NewMakeup) Validate() error {
	m.ActivityCode, m.Reason = NormaliseCode(m.ActivityCode), strings.TrimSpace(m.Reason)
	switch {
	case m.ActivityCode == "" || m.UserID == 0:
		return Errorf(EINVALID, "a make-up request needs an activity and a volunteer")
	case m.CheckInAt.IsZero() || m.CheckOutAt.IsZero() || !m.CheckOutAt.After(m.CheckInAt):
		return Errorf(EINVALID, "a make-up request needs a start before its end")
	case m.Minutes < 0:
		return Errorf(EINVALID, "minutes must not be negative")
	}
	return checkFields(FieldValue{FieldMakeupReason, m.Reason})
}

// MakeupFilter narrows the list of make-up requests.
type MakeupFilter struct {
	Status  string // one status, or all when empty
	EnvoyID int64  // the activity's envoy, or all when 0
	UserID  int64
	Limit   int
}

// HoursAuditEntry is one row of the append-only hours audit, with what it
// refers to.
type HoursAuditEntry struct {
	ID            int64
	At            time.Time
	AttendanceID  int64
	ActivityCode  string
	ActivityTitle string
	VolunteerID   int64
	VolunteerName string // "" once anonymised
	ActorName     string // "" for the CLI or the system
	OldMinutes    int    // -1 when there were none
	NewMinutes    int
	Reason        string
}

// HoursAuditFilter narrows the hours audit list; zero fields do not.
type HoursAuditFilter struct {
	ActivityCode string
	From, To     time.Time // At in [From, To)
	Limit        int
}

// RecordService keeps what a service record holds beyond attendance.
type RecordService interface {
	// AddVolunteerRecord stores a training, award or evaluation of a
	// volunteer (ENOTFOUND for an unknown user).
	AddVolunteerRecord(ctx context.Context, r VolunteerRecord, at time.Time) (*VolunteerRecord, error)
	// ListVolunteerRecords returns the records of one user (all users when
	// userID is 0) with On in [from, to) (open ends when zero), oldest
	// first.
	ListVolunteerRecords(ctx context.Context, userID int64, from, to time.Time) ([]*VolunteerRecord, error)
	// RequestMakeup stores a pending request with the next code (B1, ...).
	// One pending request per volunteer and activity: a second returns the
	// first with created false. An activity not ended is EINVALID
	// MsgMakeupNotEnded, a cancelled one EINVALID MsgMakeupCancelled;
	// confirmed hours are ECONFLICT MsgMakeupConfirmed.
	RequestMakeup(ctx context.Context, m NewMakeup, at time.Time) (r *MakeupRequest, created bool, err error)
	// FindMakeup returns ENOTFOUND for an unknown code.
	FindMakeup(ctx context.Context, code string) (*MakeupRequest, error)
	// DecideMakeup approves or rejects a pending request, in one
	// transaction: an approval records the attendance (its check-in and
	// check-out as requested, unless the volunteer has them) and confirms
	// its minutes with an hours_audit row naming the request. A request
	// already decided is ECONFLICT MsgMakeupDecided.
	DecideMakeup(ctx context.Context, code string, actorID int64, approve bool, note string, at time.Time) (*MakeupRequest, error)
	// ListMakeups returns requests, newest first.
	ListMakeups(ctx context.Context, f MakeupFilter) ([]*MakeupRequest, error)
	// ListHoursAudit returns audit rows, newest first.
	ListHoursAudit(ctx context.Context, f HoursAuditFilter) ([]HoursAuditEntry, error)
}

// CertificateLine is the service of one activity line in a certificate.
type CertificateLine struct {
	Category   string `json:"category"`
	Activities int    `json:"activities"`
	Minutes    int    `json:"minutes"`
}

// Certificate is an issued 志愿服务记录证明: what it certified when it was
// issued, kept as issued so that the same document can be shown again and
// verified.
type Certificate struct {
	ID     int64
	Number string
	UserID int64
	// The holder as issued: blanked at 注销, which also revokes it.
	HolderName      string
	IDType          string
	IDMasked        string
	VolunteerNumber string
	// From and To bound the service counted (activity start in
	// [From, To)); a zero From is since the first record.
	From, To   time.Time
	Minutes    int
	Activities int
	Lines      []CertificateLine
	FirstAt    time.Time // the first and last service counted
	LastAt     time.Time
	Issuer     string
	IssuedAt   time.Time
	IssuedVia  string // chat or admin
	IssuedBy   string // the admin's name on the dashboard; "" from chat
	RevokedAt  time.Time
	RevokedBy  string
	// RevokeReason says why, as typed (or 注销).
	RevokeReason string
}

// Ways a certificate is issued.
const (
	IssuedViaChat  = "chat"
	IssuedViaAdmin = "admin"
)

// Revoked reports whether the certificate was revoked.
func (c *Certificate) Revoked() bool { return !c.RevokedAt.IsZero() }

// NewCertificate is what issuing a certificate needs; the store adds what
// the records say (hours, activities, the holder).
type NewCertificate struct {
	Number          string
	UserID          int64
	From, To        time.Time
	Issuer          string
	VolunteerNumber string
	IssuedVia       string
	IssuedBy        string
	// DownloadHash is the SHA-256 (hex) of the token of the chat's link
	// to the PDF; empty when issued on the dashboard.
	DownloadHash string
}

// Validate checks the number, the holder, the period and the issuer.
func (n *NewCertificate) Validate() error {
	n.Number, n.Issuer = strings.TrimSpace(n.Number), strings.TrimSpace(n.Issuer)
	switch {
	case n.Number == "" || utf8.RuneCountInString(n.Number) > 40:
		return Errorf(EINVALID, "a certificate needs a number")
	case n.UserID == 0:
		return Errorf(EINVALID, "a certificate needs a holder")
	case n.Issuer == "":
		return Errorf(EINVALID, "a certificate needs an issuer")
	case !n.From.IsZero() && !n.To.IsZero() && !n.To.After(n.From):
		return Errorf(EINVALID, "a certificate's period ends before it starts")
	case n.IssuedVia != IssuedViaChat && n.IssuedVia != IssuedViaAdmin:
		return Errorf(EINVALID, "unknown issuing way %q", n.IssuedVia)
	}
	return nil
}

// CertificateService issues, finds and revokes certificates.
type CertificateService interface {
	// IssueCertificate records a certificate of the user's confirmed
	// service in the period. A user without a real-name profile is
	// EINVALID MsgCertificateNoID, without confirmed service there
	// MsgCertificateNoHours; a number in use is ECONFLICT (draw another).
	IssueCertificate(ctx context.Context, n NewCertificate, at time.Time) (*Certificate, error)
	// FindCertificate returns ENOTFOUND for an unknown number.
	FindCertificate(ctx context.Context, number string) (*Certificate, error)
	// CertificateDownload reports whether token's SHA-256 is the one the
	// certificate was issued with.
	CertificateDownload(ctx context.Context, number, tokenHash string) (*Certificate, error)
	// RevokeCertificate marks it revoked (a second revoke keeps the first).
	RevokeCertificate(ctx context.Context, number, by, reason string, at time.Time) (*Certificate, error)
	// ListCertificates returns certificates newest first (of one user when
	// userID is set).
	ListCertificates(ctx context.Context, userID int64, limit int) ([]*Certificate, error)
}

// VerifyPath is the public page that confirms a certificate.
func VerifyPath(number string) string { return "/verify/" + number }

// CertificatePDFPath is the PDF of a certificate behind the link sent in
// chat (?t=TOKEN).
func CertificatePDFPath(number string) string { return "/certificates/" + number + ".pdf" }

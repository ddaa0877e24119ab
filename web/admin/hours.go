package admin

import (
	"context"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"envoybot/handlers"
	"envoybot/store"
)

// maxReason caps the audit reason.
const maxReason = 200

// hoursView is one activity's attendance with a confirm form per row.
type hoursView struct {
	Code       string
	Activity   *store.Activity
	Attendance []*store.Attendance
	LocalTime  func(time.Time) string
	Reason     string
	// Photos are the evidence photos sent after 活动签到 (the album).
	Photos []*store.ActivityPhoto
}

// hoursForm shows an activity's attendance for confirming hours.
func (s *server) hoursForm(w http.ResponseWriter, r *http.Request, ss *session) {
	code := strings.ToUpper(strings.TrimSpace(r.URL.Query().Get("activity")))
	p := page{Title: "确认时长", Nav: "activities"}
	if n, err := strconv.Atoi(r.URL.Query().Get("changed")); err == nil && n >= 0 {
		p.Flash = "已保存，更改了 " + strconv.Itoa(n) + " 条记录（已写入审计日志）。"
	}
	s.showHours(w, r, ss, code, "", p)
}

// showHours renders the hours page for code, with p's messages.
func (s *server) showHours(w http.ResponseWriter, r *http.Request, ss *session, code, reason string, p page) {
	v := hoursView{Code: code, LocalTime: s.localTime, Reason: reason}
	if code != "" {
		a, err := s.st.FindActivityByCode(r.Context(), code)
		switch {
		case store.ErrorCode(err) == store.ENOTFOUND:
			if p.Error == "" {
				p.Error = "没有找到活动 " + code + "。"
			}
		case err != nil:
			s.fail(w, r, err)
			return
		default:
			v.Activity = a
			if v.Attendance, err = s.st.ListAttendance(r.Context(), a.Code); err != nil {
				s.fail(w, r, err)
				return
			}
			if v.Photos, err = s.st.ListActivityPhotos(r.Context(), a.Code); err != nil {
				s.fail(w, r, err)
				return
			}
		}
	}
	p.Data = v
	s.renderAuthed(w, r, ss, "hours", p)
}

// confirmHours confirms or corrects one attendance's minutes through
// ConfirmHours, which writes the audit row with the reason. It is a
// correction: a later 确认时长 in chat leaves it as it is.
func (s *server) confirmHours(w http.ResponseWriter, r *http.Request, ss *session) {
	code := strings.ToUpper(strings.TrimSpace(r.PostFormValue("activity")))
	reason := strings.TrimSpace(r.PostFormValue("reason"))
	id, idErr := strconv.ParseInt(r.PostFormValue("attendance"), 10, 64)
	minutes, minErr := strconv.Atoi(strings.TrimSpace(r.PostFormValue("minutes")))
	p := page{Title: "确认时长", Nav: "activities"}
	switch {
	case code == "" || idErr != nil:
		p.Error = "请从活动的签到名单中选择一条记录。"
	case minErr != nil || minutes < 0 || minutes > 24*60:
		p.Error = "时长请填写 0 到 1440 之间的分钟数。"
	case reason == "":
		p.Error = "请填写确认或更正的原因，它会写入审计日志。"
	case len([]rune(reason)) > maxReason:
		p.Error = "原因请控制在 200 字以内。"
	}
	if p.Error == "" {
		// Hours are service given: only once the activity has ended (the
		// rule 确认时长 in chat follows too), and never more than its
		// length.
		switch a, err := s.st.FindActivityByCode(r.Context(), code); {
		case store.ErrorCode(err) == store.ENOTFOUND:
			p.Error = "未能保存：没有找到活动 " + code + "。"
		case err != nil:
			s.fail(w, r, err)
			return
		case store.CheckHoursConfirmable(a.EndsAt, s.now()) != nil:
			p.Error = "活动 " + a.Code + " 还没有结束，结束后才能确认时长。"
		case minutes > int(a.EndsAt.Sub(a.StartsAt).Minutes()):
			p.Error = "时长不能超过活动本身的 " + strconv.Itoa(int(a.EndsAt.Sub(a.StartsAt).Minutes())) + " 分钟。"
		}
	}
	if p.Error != "" {
		s.showHours(w, r, ss, code, reason, p)
		return
	}
	audited := "管理后台 " + ss.Name + "：" + reason
	actor, err := s.st.FindUserByOpenID(r.Context(), ss.Actor)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	n, err := s.st.ConfirmHours(r.Context(), code, actor.ID, []store.HoursChange{{AttendanceID: id, Minutes: minutes, Correction: true}}, audited, s.now())
	switch store.ErrorCode(err) {
	case "":
	case store.ENOTFOUND:
		p.Error = "未能保存：没有找到活动 " + code + " 或这条签到记录。"
		s.showHours(w, r, ss, code, reason, p)
		return
	case store.EINVALID:
		p.Error = "未能保存：这条签到记录不属于活动 " + code + "，或时长无效。"
		s.showHours(w, r, ss, code, reason, p)
		return
	default:
		s.fail(w, r, err)
		return
	}
	if n > 0 {
		s.announceStar(r.Context(), s.attendanceUser(r.Context(), code, id))
	}
	s.log.Info("admin confirmed hours", slog.String("admin", ss.Name), slog.String("activity", code),
		slog.Int64("attendance", id), slog.Int("minutes", minutes), slog.Int("changed", n))
	http.Redirect(w, r, "/admin/hours?activity="+url.QueryEscape(code)+"&changed="+strconv.Itoa(n), http.StatusSeeOther)
}

// attendanceUser is the volunteer of the activity's attendance id, 0 when
// it cannot be read (the announcement then waits for the next
// confirmation).
func (s *server) attendanceUser(ctx context.Context, code string, id int64) int64 {
	all, err := s.st.ListAttendance(ctx, code)
	if err != nil {
		s.log.Error("attendance not read for the star level", slog.String("activity", code), slog.Any("error", err))
		return 0
	}
	for _, a := range all {
		if a.ID == id {
			return a.UserID
		}
	}
	return 0
}

// announceStar announces the star level the volunteer's confirmed hours
// reached (issue 15), once per level; a failure is logged.
func (s *server) announceStar(ctx context.Context, userID int64) {
	if userID == 0 {
		return
	}
	if err := handlers.AnnounceStarLevel(ctx, s.st, s.st, s.cfg.Requests.Points, userID, s.now()); err != nil {
		s.log.Error("star level not announced", slog.Int64("user", userID), slog.Any("error", err))
	}
}

package admin

import (
	"net/http"
	"strings"
	"time"

	"envoybot/store"
)

// listLimit caps every list page.
const listLimit = 200

// activitiesView is the activity list and its filter.
type activitiesView struct {
	Lines, Communities  []string
	Category, Community string
	From, To            string
	Flagged             bool
	Rows                []store.ActivityRow
	LocalTime           func(time.Time) string
	StatusText          map[string]string
}

// activityStatusText names activity statuses in Chinese.
var activityStatusText = map[string]string{
	store.ActivityOpen: "报名中", store.ActivityHeld: "已举办", store.ActivityCancelled: "已取消",
}

// activitiesPage lists activities with attendance and flagged check-ins.
func (s *server) activitiesPage(w http.ResponseWriter, r *http.Request, ss *session) {
	q := r.URL.Query()
	v := activitiesView{Category: q.Get("category"), Community: q.Get("community"), From: q.Get("from"), To: q.Get("to"),
		Flagged: q.Get("flagged") != "", LocalTime: s.localTime, StatusText: activityStatusText}
	f := store.ActivityFilter{Category: v.Category, Community: v.Community, Flagged: v.Flagged, Limit: listLimit}
	var bad []string
	f.From, f.To, bad = s.parseDays(&v.From, &v.To, bad)
	ctx := r.Context()
	var err error
	if v.Communities, err = s.communityNames(ctx); err != nil {
		s.fail(w, r, err)
		return
	}
	for _, l := range s.cfg.Campaign.Lines {
		v.Lines = append(v.Lines, l.Name)
	}
	if v.Rows, err = s.st.ListActivities(ctx, f); err != nil {
		s.fail(w, r, err)
		return
	}
	s.renderAuthed(w, r, ss, "activities", page{Title: "活动", Data: v, Error: strings.Join(bad, "；")})
}

// parseDay reads a YYYY-MM-DD filter in the campaign zone; a bad one is
// named in bad and ignored.
func (s *server) parseDay(v, what string, bad []string) (time.Time, []string) {
	if v == "" {
		return time.Time{}, bad
	}
	t, err := time.ParseInLocation("2006-01-02", strings.TrimSpace(v), s.loc)
	if err != nil {
		return time.Time{}, append(bad, what+"应写成 2026-12-05")
	}
	return t, bad
}

// parseDays reads a from..to filter of days, the end day included: it
// returns the bounds to query (end is the day after the end day) and
// writes each good day back as YYYY-MM-DD; a bad one is named in bad and
// ignored.
func (s *server) parseDays(from, to *string, bad []string) (start, end time.Time, _ []string) {
	if start, bad = s.parseDay(*from, "开始日期", bad); !start.IsZero() {
		*from = start.Format("2006-01-02")
	}
	if end, bad = s.parseDay(*to, "结束日期", bad); !end.IsZero() {
		*to = end.Format("2006-01-02")
		end = end.AddDate(0, 0, 1)
	}
	return start, end, bad
}

// lectureView is a lecture with its sessions.
type lectureView struct {
	Lecture  *store.Lecture
	Sessions []sessionView
	More     int
}

// sessionView is one session of a lecture.
type sessionView struct {
	At        string
	Cancelled bool
	Past      bool
}

// lecturesView is the lecture list.
type lecturesView struct {
	Communities []string
	Community   string
	Lectures    []lectureView
	LocalTime   func(time.Time) string
}

// sessionsShown caps the sessions listed per lecture.
const sessionsShown = 12

// lecturesPage lists lectures, newest first, with their sessions.
func (s *server) lecturesPage(w http.ResponseWriter, r *http.Request, ss *session) {
	ctx := r.Context()
	v := lecturesView{Community: r.URL.Query().Get("community"), LocalTime: s.localTime}
	var err error
	if v.Communities, err = s.communityNames(ctx); err != nil {
		s.fail(w, r, err)
		return
	}
	ls, err := s.st.ListLectures(ctx, listLimit)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	now := s.now()
	for _, l := range ls {
		if v.Community != "" && l.Community != v.Community {
			continue
		}
		os, err := s.st.ListLectureSessions(ctx, l.Code)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		lv := lectureView{Lecture: l}
		for i, o := range os {
			if i == sessionsShown {
				lv.More = len(os) - i
				break
			}
			lv.Sessions = append(lv.Sessions, sessionView{At: s.localTime(o.StartsAt),
				Cancelled: o.Lecture != nil && !o.Lecture.CancelledAt.IsZero(), Past: o.StartsAt.Before(now)})
		}
		v.Lectures = append(v.Lectures, lv)
	}
	s.renderAuthed(w, r, ss, "lectures", page{Title: "讲座", Data: v})
}

// volunteersView is the volunteer list; phones are masked in the template.
type volunteersView struct {
	Communities  []string
	Community, Q string
	Rows         []store.VolunteerRow
	LocalTime    func(time.Time) string
	RoleText     map[store.Role]string
}

// roleText names roles in Chinese.
var roleText = map[store.Role]string{
	store.RoleResident: "居民", store.RoleVolunteer: "志愿者", store.RoleEnvoy: "使者", store.RoleAdmin: "管理员",
}

// volunteersPage lists registered volunteers with masked phones.
func (s *server) volunteersPage(w http.ResponseWriter, r *http.Request, ss *session) {
	ctx := r.Context()
	q := r.URL.Query()
	v := volunteersView{Community: q.Get("community"), Q: strings.TrimSpace(q.Get("q")), LocalTime: s.localTime, RoleText: roleText}
	var err error
	if v.Communities, err = s.communityNames(ctx); err != nil {
		s.fail(w, r, err)
		return
	}
	if v.Rows, err = s.st.ListVolunteers(ctx, store.VolunteerFilter{Community: v.Community, Query: v.Q, Limit: listLimit}); err != nil {
		s.fail(w, r, err)
		return
	}
	s.renderAuthed(w, r, ss, "volunteers", page{Title: "志愿者", Data: v})
}

// outboxView is the outbox list with the counts by status.
type outboxView struct {
	Kind, Status string
	Kinds        []string
	Statuses     []statusOption
	Counts       map[string]int
	Notices      []*store.Notice
	LocalTime    func(time.Time) string
}

// statusOption is an outbox status and its Chinese name.
type statusOption struct{ Key, Label string }

// noticeKinds are the kinds the outbox filter offers.
var noticeKinds = []string{"lecture_notice", "lecture_cancelled", "activity_reminder", "checkout_reminder",
	"unconfirmed_attendance", "deadline_reminder", "deadline_summary", "phase_change", "weekly_report", broadcastKind,
	"activity_cancelled", "activity_changed", "lecture_session_cancelled"}

// outboxPage lists notices, newest first.
func (s *server) outboxPage(w http.ResponseWriter, r *http.Request, ss *session) {
	ctx := r.Context()
	q := r.URL.Query()
	v := outboxView{Kind: q.Get("kind"), Status: q.Get("status"), Kinds: noticeKinds, LocalTime: s.localTime}
	for _, st := range noticeStatuses {
		v.Statuses = append(v.Statuses, statusOption{st.key, st.label})
	}
	var err error
	if v.Counts, err = s.st.NoticeCounts(ctx); err != nil {
		s.fail(w, r, err)
		return
	}
	limit := listLimit
	if v.Status != "" {
		limit = 5 * listLimit // filtered below: read more to fill the page
	}
	ns, err := s.st.ListNotices(ctx, v.Kind, limit)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	for _, n := range ns {
		if (v.Status == "" || n.Status == v.Status) && len(v.Notices) < listLimit {
			v.Notices = append(v.Notices, n)
		}
	}
	s.renderAuthed(w, r, ss, "outbox", page{Title: "发件箱", Data: v})
}

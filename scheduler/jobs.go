package scheduler

import (
	"context"
	"fmt"
	"log/slog"
	"sort"
	"strings"
	"time"

	"envoybot/configs"
	"envoybot/store"
)

// Notice kinds the jobs write.
const (
	KindLectureNotice    = "lecture_notice"
	KindLectureCancelled = "lecture_cancelled"
	KindActivityReminder = "activity_reminder"
	KindCheckoutReminder = "checkout_reminder"
	KindUnconfirmed      = "unconfirmed_attendance"
	KindDeadlineReminder = "deadline_reminder"
	KindDeadlineSummary  = "deadline_summary"
	KindPhaseChange      = "phase_change"
	KindWeeklyReport     = "weekly_report"
)

// Job names, as `envoybot jobs run NAME` takes them.
const (
	JobPhaseDeadlines    = "phase-deadlines"
	JobLectureNotices    = "lecture-notices"
	JobActivityReminders = "activity-reminders"
	JobWeeklyReport      = "weekly-report"
)

// lookback bounds how late an after-the-end reminder may still be sent.
const lookback = 24 * time.Hour

// Jobs are the scheduled jobs over the store and configuration. Each is
// idempotent: it writes notices to the outbox under keys that make a second
// run at the same instant (or a replica's retry) a no-op.
type Jobs struct {
	Store    store.Store
	Campaign configs.Campaign
	Rules    configs.Rules
	Sched    configs.Schedules
	Requests configs.Requests // help requests' escalation (issue 15)
	Loc      *time.Location
	Log      *slog.Logger
	// Media downloads evidence photos into DataDir (photo-downloads); nil
	// leaves them pending.
	Media   MediaDownloader
	DataDir string
}

// All returns the jobs with their schedules.
func (j *Jobs) All() []Job {
	return []Job{
		{Name: JobPhaseDeadlines, Spec: j.Sched.PhaseDeadlines, Run: j.PhaseDeadlines,
			Doc: "reminds envoys of unmet campaign targets before each deadline, sums up for admins, announces phase changes"},
		{Name: JobLectureNotices, Spec: j.Sched.LectureNotices, Run: j.LectureNotices,
			Doc: "expands recurring lectures and tells subscribers before each session"},
		{Name: JobActivityReminders, Spec: j.Sched.ActivityReminders, Run: j.ActivityReminders,
			Doc: "reminds signed-up volunteers before activities, and after them those not checked out and the envoy"},
		{Name: JobWeeklyReport, Spec: j.Sched.WeeklyReport, Run: j.WeeklyReport,
			Doc: "sends admins last week's activities, hours and envoy progress"},
		{Name: JobRequestEscalation, Spec: j.Requests.EscalationSchedule, Run: j.RequestEscalation,
			Doc: "sends help requests nobody took in time to the community's envoys, then to the admins"},
		{Name: JobPhotoDownloads, Spec: photoDownloadsSpec, Run: j.DownloadPhotos,
			Doc: "downloads evidence photos sent after 活动签到 into the data directory, retrying failures"},
		{Name: JobPruneUnrecognised, Spec: pruneUnrecognisedSpec, Run: j.PruneUnrecognised,
			Doc: "forgets unrecognised messages not seen for 90 days"},
		{Name: JobPruneReplies, Spec: pruneRepliesSpec, Run: j.PruneReplies,
			Doc: "forgets stored chat replies after 5 minutes (WeChat's retries are over) and processed-message records after 7 days"},
	}
}

// enqueue writes notices and logs how many were new.
func (j *Jobs) enqueue(ctx context.Context, job string, ns []store.NewNotice, now time.Time) error {
	if len(ns) == 0 {
		return nil
	}
	n, err := j.Store.EnqueueNotices(ctx, ns, now)
	if err != nil {
		return fmt.Errorf("scheduler: %s: enqueue: %w", job, err)
	}
	level := slog.LevelDebug
	if n > 0 {
		level = slog.LevelInfo
	}
	j.Log.Log(ctx, level, "notices enqueued", slog.String("job", job), slog.Int("new", n), slog.Int("considered", len(ns)))
	return nil
}

// dueOffset is the most recent reminder threshold start-offset that now
// has passed, while start is still ahead; ok is false when none is due. A
// missed run sends the latest reminder only, never a stale earlier one.
func dueOffset(start, now time.Time, offsets []time.Duration) (time.Duration, bool) {
	if !now.Before(start) {
		return 0, false
	}
	best, ok := time.Duration(0), false
	for _, o := range offsets {
		if !now.Before(start.Add(-o)) && (!ok || o < best) {
			best, ok = o, true
		}
	}
	return best, ok
}

// nextDueWithin reports whether a reminder later than offset (a smaller
// offset) comes due within window of now: the reminder at offset is then
// left to it, so that one person does not get two alike minutes apart.
func nextDueWithin(start, now time.Time, offset time.Duration, offsets []time.Duration, window time.Duration) bool {
	if window <= 0 {
		return false
	}
	for _, o := range offsets {
		if o < offset && start.Add(-o).Sub(now) <= window {
			return true
		}
	}
	return false
}

func maxOffset(offsets []time.Duration) time.Duration {
	m := time.Duration(0)
	for _, o := range offsets {
		if o > m {
			m = o
		}
	}
	return m
}

var weekdays = [...]string{"周日", "周一", "周二", "周三", "周四", "周五", "周六"}

func (j *Jobs) when(t time.Time) string {
	t = t.In(j.Loc)
	return fmt.Sprintf("%d月%d日(%s) %s", t.Month(), t.Day(), weekdays[t.Weekday()], t.Format("15:04"))
}

// LectureNotices keeps recurring lectures' sessions ahead of now and writes
// a notice to every subscriber of the lecture's community at each offset
// before each session.
func (j *Jobs) LectureNotices(ctx context.Context, now time.Time) error {
	if err := j.expandLectures(ctx, now); err != nil {
		return err
	}
	occ, err := j.Store.ListOccurrencesBetween(ctx, now, now.Add(maxOffset(j.Sched.LectureOffsets)+time.Minute))
	if err != nil {
		return fmt.Errorf("scheduler: lecture notices: %w", err)
	}
	subscribers := map[string][]string{}
	var ns []store.NewNotice
	for _, o := range occ {
		offset, ok := dueOffset(o.StartsAt, now, j.Sched.LectureOffsets)
		if !ok {
			continue
		}
		l := o.Lecture
		subs, seen := subscribers[l.Community]
		if !seen {
			if subs, err = j.Store.ListSubscriberOpenIDs(ctx, l.Community); err != nil {
				return fmt.Errorf("scheduler: lecture notices: %w", err)
			}
			subscribers[l.Community] = subs
		}
		at := j.when(o.StartsAt)
		// What every subscriber's notice shares is made once.
		var (
			keyPrefix = fmt.Sprintf("%s|%s|%s|", KindLectureNotice, l.Code, o.StartsAt.UTC().Format(time.RFC3339))
			keySuffix = "|" + offset.String()
			subject   = store.LectureSessionSubject(l.Code, o.StartsAt)
			text      = fmt.Sprintf(notice.Lecture, l.Title, at, l.Place, l.Community)
			fields    = map[string]string{"title": l.Title, "time": at, "place": l.Place, "community": l.Community, "code": l.Code,
				FieldNotAfter: o.StartsAt.Format(time.RFC3339)}
		)
		for _, openID := range subs {
			ns = append(ns, store.NewNotice{Key: keyPrefix + openID + keySuffix, Kind: KindLectureNotice, Subject: subject,
				OpenID: openID, Text: text, Fields: fields})
		}
	}
	return j.enqueue(ctx, JobLectureNotices, ns, now)
}

// expandLectures adds the sessions of recurring lectures up to the horizon.
func (j *Jobs) expandLectures(ctx context.Context, now time.Time) error {
	ls, err := j.Store.ListRecurringLectures(ctx)
	if err != nil {
		return fmt.Errorf("scheduler: expand lectures: %w", err)
	}
	for _, l := range ls {
		starts := l.Recurrence.Occurrences(now, now.Add(j.Sched.LectureHorizon), j.Loc, 0)
		if len(starts) == 0 {
			continue
		}
		if _, err := j.Store.AddLectureOccurrences(ctx, l.Code, starts); err != nil && store.ErrorCode(err) != store.EINVALID {
			return fmt.Errorf("scheduler: expand lecture %s: %w", l.Code, err)
		}
	}
	return nil
}

// ActivityReminders reminds seated volunteers before activities; after an
// activity it reminds those checked in but not out, and sends the envoy
// the attendance still to confirm.
func (j *Jobs) ActivityReminders(ctx context.Context, now time.Time) error {
	var ns []store.NewNotice
	upcoming, err := j.Store.ListActivitiesStartingBetween(ctx, now, now.Add(maxOffset(j.Sched.ActivityOffsets)+time.Minute))
	if err != nil {
		return fmt.Errorf("scheduler: activity reminders: %w", err)
	}
	for _, a := range upcoming {
		offset, ok := dueOffset(a.StartsAt, now, j.Sched.ActivityOffsets)
		if !ok || nextDueWithin(a.StartsAt, now, offset, j.Sched.ActivityOffsets, j.Sched.ReminderMergeWindow) {
			continue
		}
		signups, err := j.Store.ListActivitySignups(ctx, a.Code)
		if err != nil {
			return fmt.Errorf("scheduler: activity reminders: %w", err)
		}
		at := j.when(a.StartsAt)
		for _, s := range signups {
			if s.Status != store.SignupSeated {
				continue
			}
			ns = append(ns, store.NewNotice{
				Key:     activityReminderKey(a, s.OpenID, offset),
				Kind:    KindActivityReminder,
				Subject: a.Code,
				OpenID:  s.OpenID,
				Text: fmt.Sprintf(notice.ActivityReminder, a.Code, a.Title, at, a.Place,
					a.Code, a.Code, int(j.Rules.CheckinOpensBefore.Minutes()), a.Code),
				Fields: map[string]string{"title": a.Title, "time": at, "place": a.Place, "code": a.Code,
					FieldNotAfter: a.StartsAt.Format(time.RFC3339)},
			})
		}
	}
	after := j.Sched.CheckoutReminderAfter
	ended, err := j.Store.ListActivitiesEndingBetween(ctx, now.Add(-after-lookback), now.Add(-after).Add(time.Second))
	if err != nil {
		return fmt.Errorf("scheduler: activity reminders: %w", err)
	}
	for _, a := range ended {
		more, err := j.afterActivity(ctx, a)
		if err != nil {
			return err
		}
		ns = append(ns, more...)
	}
	return j.enqueue(ctx, JobActivityReminders, ns, now)
}

// activityReminderKey is the outbox key of one reminder before an
// activity, with the start it was written for: an activity moved by
// 修改活动 is reminded again at its new time, and never twice at one
// time (migration 4 gave the keys written before the start they were
// for).
func activityReminderKey(a *store.Activity, openID string, offset time.Duration) string {
	return fmt.Sprintf("%s|%s|%s|%s|%s", KindActivityReminder, a.Code, a.StartsAt.UTC().Format(time.RFC3339), openID, offset)
}

// afterActivity makes the check-out reminders and the envoy's list.
func (j *Jobs) afterActivity(ctx context.Context, a *store.Activity) ([]store.NewNotice, error) {
	all, err := j.Store.ListAttendance(ctx, a.Code)
	if err != nil {
		return nil, fmt.Errorf("scheduler: attendance of %s: %w", a.Code, err)
	}
	var ns []store.NewNotice
	var notOut []string
	toConfirm := 0
	for _, at := range all {
		if at.CheckInAt.IsZero() {
			continue
		}
		if at.CheckOutAt.IsZero() {
			notOut = append(notOut, displayName(at.Name))
			ns = append(ns, store.NewNotice{
				Key:     fmt.Sprintf("%s|%s|%s", KindCheckoutReminder, a.Code, at.OpenID),
				Kind:    KindCheckoutReminder,
				Subject: a.Code,
				OpenID:  at.OpenID,
				Text:    fmt.Sprintf(notice.CheckoutReminder, a.Code, a.Title, a.Code),
				Fields:  map[string]string{"title": a.Title, "code": a.Code},
			})
		} else if at.ConfirmedMinutes < 0 {
			toConfirm++
		}
	}
	if (toConfirm > 0 || len(notOut) > 0) && a.EnvoyOpenID != "" {
		text := fmt.Sprintf(notice.Unconfirmed, a.Code, a.Title, toConfirm, a.Code)
		if len(notOut) > 0 {
			text += fmt.Sprintf(notice.UnconfirmedPending, store.MaskPhone(strings.Join(notOut, "、")))
		}
		ns = append(ns, store.NewNotice{
			Key:     fmt.Sprintf("%s|%s|%s", KindUnconfirmed, a.Code, a.EnvoyOpenID),
			Kind:    KindUnconfirmed,
			Subject: a.Code,
			OpenID:  a.EnvoyOpenID,
			Text:    text,
			Fields:  map[string]string{"title": a.Title, "code": a.Code, "count": fmt.Sprint(toConfirm)},
		})
	}
	return ns, nil
}

func displayName(name string) string {
	if name == "" {
		return "匿名志愿者"
	}
	return name
}

// PhaseDeadlines reminds every envoy who has not met a target at the
// configured days before its deadline (one message naming all that is
// missing for that deadline), sends each admin one summary, and announces
// a phase to envoys on its first day.
func (j *Jobs) PhaseDeadlines(ctx context.Context, now time.Time) error {
	envoys, err := j.Store.ListUsersByRole(ctx, store.RoleEnvoy)
	if err != nil {
		return fmt.Errorf("scheduler: phase deadlines: %w", err)
	}
	admins, err := j.Store.ListUsersByRole(ctx, store.RoleAdmin)
	if err != nil {
		return fmt.Errorf("scheduler: phase deadlines: %w", err)
	}
	progress := map[string]*store.Progress{}
	for _, e := range envoys {
		if progress[e.OpenID], err = j.Store.EnvoyProgress(ctx, e.ID); err != nil {
			return fmt.Errorf("scheduler: progress of %s: %w", e.OpenID, err)
		}
	}
	today := dateIn(now, j.Loc)
	var ns []store.NewNotice
	for _, g := range j.dueDeadlines(today) {
		deadline := g.deadline.String()
		type row struct {
			name    string
			done    int
			missing []string
		}
		rows := make([]row, len(g.targets))
		for i, t := range g.targets {
			rows[i].name = t.Name
		}
		for _, e := range envoys {
			var missing []string
			for i, t := range g.targets {
				met, known := progress[e.OpenID].Met(t.Key)
				switch {
				case !known:
				case met:
					rows[i].done++
				default:
					missing = append(missing, t.Name)
					rows[i].missing = append(rows[i].missing, envoyName(e))
				}
			}
			if len(missing) == 0 {
				continue
			}
			ns = append(ns, store.NewNotice{
				Key:     fmt.Sprintf("%s|%s|%s|%d", KindDeadlineReminder, deadline, e.OpenID, g.offset),
				Kind:    KindDeadlineReminder,
				Subject: deadline,
				OpenID:  e.OpenID,
				Text:    fmt.Sprintf(notice.DeadlineReminder, deadline, g.daysLeft, strings.Join(missing, "、")),
				Fields:  map[string]string{"deadline": deadline, "days_left": fmt.Sprint(g.daysLeft), "missing": strings.Join(missing, "、")},
			})
		}
		summary := fmt.Sprintf(notice.DeadlineSummary, deadline, g.daysLeft)
		for _, r := range rows {
			if len(r.missing) == 0 {
				summary += fmt.Sprintf(notice.SummaryAllDone, r.name, r.done, len(envoys))
			} else {
				summary += fmt.Sprintf(notice.SummaryTarget, r.name, r.done, len(envoys), strings.Join(r.missing, "、"))
			}
		}
		for _, a := range admins {
			ns = append(ns, store.NewNotice{
				Key:     fmt.Sprintf("%s|%s|%s|%d", KindDeadlineSummary, deadline, a.OpenID, g.offset),
				Kind:    KindDeadlineSummary,
				Subject: deadline,
				OpenID:  a.OpenID,
				Text:    summary,
				Fields:  map[string]string{"deadline": deadline, "days_left": fmt.Sprint(g.daysLeft), "text": summary},
			})
		}
	}
	for _, p := range j.Campaign.Phases {
		if p.Start != today {
			continue
		}
		for _, e := range envoys {
			ns = append(ns, store.NewNotice{
				Key:     fmt.Sprintf("%s|%s|%s", KindPhaseChange, p.Key, e.OpenID),
				Kind:    KindPhaseChange,
				Subject: p.Key,
				OpenID:  e.OpenID,
				Text:    fmt.Sprintf(notice.PhaseChange, p.Name, p.Start, p.End),
				Fields:  map[string]string{"phase": p.Name, "start": p.Start.String(), "end": p.End.String()},
			})
		}
	}
	return j.enqueue(ctx, JobPhaseDeadlines, ns, now)
}

// deadlineGroup is the targets sharing a deadline whose reminder (offset
// days before) is due today.
type deadlineGroup struct {
	deadline configs.Date
	offset   int
	daysLeft int
	targets  []configs.Target
}

// dueDeadlines groups the targets by deadline and keeps the groups whose
// most recent reminder day has come (and the deadline has not passed).
func (j *Jobs) dueDeadlines(today configs.Date) []deadlineGroup {
	byDate := map[configs.Date]*deadlineGroup{}
	var order []configs.Date
	for _, t := range j.Campaign.Targets {
		daysLeft := daysBetween(today, t.Deadline)
		if daysLeft < 0 {
			continue
		}
		offset, ok := 0, false
		for _, d := range t.RemindDaysBefore {
			if d >= daysLeft && (!ok || d < offset) {
				offset, ok = d, true
			}
		}
		if !ok {
			continue
		}
		g := byDate[t.Deadline]
		if g == nil {
			g = &deadlineGroup{deadline: t.Deadline, offset: offset, daysLeft: daysLeft}
			byDate[t.Deadline] = g
			order = append(order, t.Deadline)
		}
		if offset < g.offset {
			g.offset = offset
		}
		g.targets = append(g.targets, t)
	}
	sort.Slice(order, func(a, b int) bool { return order[a].Before(order[b]) })
	out := make([]deadlineGroup, 0, len(order))
	for _, d := range order {
		out = append(out, *byDate[d])
	}
	return out
}

// WeeklyReport sends each admin last week's (Monday to Sunday) summary.
func (j *Jobs) WeeklyReport(ctx context.Context, now time.Time) error {
	local := now.In(j.Loc)
	monday := time.Date(local.Year(), local.Month(), local.Day(), 0, 0, 0, 0, j.Loc).
		AddDate(0, 0, -((int(local.Weekday()) + 6) % 7))
	from, to := monday.AddDate(0, 0, -7), monday
	sum, err := j.Store.SummaryBetween(ctx, from, to)
	if err != nil {
		return fmt.Errorf("scheduler: weekly report: %w", err)
	}
	envoys, err := j.Store.ListUsersByRole(ctx, store.RoleEnvoy)
	if err != nil {
		return fmt.Errorf("scheduler: weekly report: %w", err)
	}
	var cp, team, brand int
	for _, e := range envoys {
		p, err := j.Store.EnvoyProgress(ctx, e.ID)
		if err != nil {
			return fmt.Errorf("scheduler: weekly report: %w", err)
		}
		for key, n := range map[string]*int{"contact_point": &cp, "team": &team, "brand": &brand} {
			if met, _ := p.Met(key); met {
				*n++
			}
		}
	}
	var lines []string
	for _, l := range j.Campaign.Lines {
		lines = append(lines, fmt.Sprintf(notice.WeeklyLine, l.Name, sum.ActivitiesByLine[l.Name]))
	}
	week := from.Format("2006-01-02")
	text := fmt.Sprintf(notice.Weekly, week, to.AddDate(0, 0, -1).Format("2006-01-02"), sum.Activities, strings.Join(lines, "，"),
		sum.HeldActivities, sum.Signups, sum.Attended, store.FormatHours(sum.ConfirmedMinutes), sum.NewVolunteers,
		cp, len(envoys), team, len(envoys), brand, len(envoys))
	admins, err := j.Store.ListUsersByRole(ctx, store.RoleAdmin)
	if err != nil {
		return fmt.Errorf("scheduler: weekly report: %w", err)
	}
	var ns []store.NewNotice
	for _, a := range admins {
		ns = append(ns, store.NewNotice{
			Key:     fmt.Sprintf("%s|%s|%s", KindWeeklyReport, week, a.OpenID),
			Kind:    KindWeeklyReport,
			Subject: week,
			OpenID:  a.OpenID,
			Text:    text,
			Fields:  map[string]string{"week": week, "text": text},
		})
	}
	return j.enqueue(ctx, JobWeeklyReport, ns, now)
}

func envoyName(u *store.User) string {
	if u.Name != "" {
		return u.Name
	}
	return "使者" + u.OpenID
}

// dateIn is t's calendar date in loc.
func dateIn(t time.Time, loc *time.Location) configs.Date {
	l := t.In(loc)
	return configs.Date{Year: l.Year(), Month: l.Month(), Day: l.Day()}
}

// daysBetween counts calendar days from a to b.
func daysBetween(a, b configs.Date) int {
	return int(b.In(time.UTC).Sub(a.In(time.UTC)).Hours() / 24)
}

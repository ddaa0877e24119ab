package handlers

import (
	"context"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"envoybot/bot"
	"envoybot/store"
)

// Notice kinds of envoys changing their mind; notices.templates in
// configs/envoybot.yaml may give each a template message.
const (
	kindActivityCancelled       = "activity_cancelled"
	kindActivityChanged         = "activity_changed"
	kindLectureSessionCancelled = "lecture_session_cancelled"
	kindPromotion               = "promotion"
	kindActivityReminder        = "activity_reminder"
	kindLectureNotice           = "lecture_notice"
)

// fieldNotAfter is the notice field after which the dispatcher no longer
// sends a notice (scheduler.FieldNotAfter, which handlers do not import).
const fieldNotAfter = "not_after"

// CancelActivity answers `取消活动 A13 原因`: the activity's envoy or an
// admin calls it off, and every seated and wait-listed volunteer is told
// through the outbox. From anyone else `取消活动 A12` means their own
// sign-up: it is `取消报名 A12`.
func (h *Handlers) CancelActivity(ctx context.Context, req *Request) (bot.Reply, error) {
	if !hasRole(req.User, []store.Role{store.RoleEnvoy, store.RoleAdmin}) {
		return h.Cancel(ctx, req)
	}
	code := req.Parse.Activity
	if code == "" {
		return bot.Reply{Text: missing([]string{"activity"}, ChangeText.CancelActivityForm)}, nil
	}
	a, reply, err := h.ownedActivity(ctx, req, code)
	if a == nil {
		return reply, err
	}
	reason := strings.TrimSpace(req.Parse.Reason)
	if utf8.RuneCountInString(reason) > store.MaxCancelReasonRunes {
		reason = string([]rune(reason)[:store.MaxCancelReasonRunes-1]) + "…"
	}
	a, fresh, err := h.changes.CancelActivity(ctx, a.Code, req.User.ID, reason, req.Now)
	switch {
	case store.ErrorMessage(err) == store.MsgActivityEnded:
		return bot.Reply{Text: fmt.Sprintf(ChangeText.ActivityEnded, code)}, nil
	case err != nil:
		return bot.Reply{}, fmt.Errorf("cancel activity: %w", err)
	}
	signups, err := h.signups.ListActivitySignups(ctx, a.Code)
	if err != nil {
		return bot.Reply{}, fmt.Errorf("list signups: %w", err)
	}
	// Reminders not yet sent are dropped; the notices are written again on
	// a repeated cancellation, under the same keys, so that a crash between
	// the cancellation and the outbox loses nobody.
	for _, kind := range []string{kindActivityReminder, kindPromotion} {
		if _, err := h.outbox.DropPendingNotices(ctx, kind, a.Code, "activity_cancelled", req.Now); err != nil {
			return bot.Reply{}, fmt.Errorf("drop %s notices: %w", kind, err)
		}
	}
	span := when(a.StartsAt, a.EndsAt, h.loc)
	why := ""
	if a.CancelReason != "" {
		why = fmt.Sprintf(ChangeText.NoticeReason, a.CancelReason)
	}
	ns := make([]store.NewNotice, 0, len(signups))
	for _, s := range signups {
		ns = append(ns, store.NewNotice{
			Key:     fmt.Sprintf("%s|%s|%s", kindActivityCancelled, a.Code, s.OpenID),
			Kind:    kindActivityCancelled,
			Subject: a.Code,
			OpenID:  s.OpenID,
			Text:    fmt.Sprintf(ChangeText.ActivityCancelledNotice, a.Code, a.Title, span, a.Place, why),
			Fields: map[string]string{"title": a.Title, "time": span, "place": a.Place, "code": a.Code,
				"reason": a.CancelReason, fieldNotAfter: a.EndsAt.Format(time.RFC3339)},
		})
	}
	if len(ns) > 0 {
		h.notify(ctx, req.Now, ns...)
	}
	if !fresh {
		return bot.Reply{Text: fmt.Sprintf(ChangeText.ActivityAlreadyCancelled, a.Code, a.Title, when(a.CancelledAt, time.Time{}, h.loc))}, nil
	}
	h.log.InfoContext(ctx, "activity cancelled", slog.String("activity", a.Code), slog.String("by", req.Msg.OpenID), slog.Int("told", len(ns)))
	seated, waiting := countByStatus(signups)
	note := ""
	if a.CancelReason != "" {
		note = fmt.Sprintf(ChangeText.CancelReason, a.CancelReason)
	}
	return bot.Reply{Text: fmt.Sprintf(ChangeText.ActivityCancelled, a.Code, a.Title, span, seated, waiting, note)}, nil
}

// ModifyActivity answers `修改活动 A13 12月7日 14:00-16:00` (or a day, a
// place, a quota): the activity's envoy or an admin changes it, the
// wait-list moves up into new seats, and every seated and wait-listed
// volunteer is told what changed, old → new.
func (h *Handlers) ModifyActivity(ctx context.Context, req *Request) (bot.Reply, error) {
	p := req.Parse
	if p.Activity == "" {
		return bot.Reply{Text: missing([]string{"activity"}, ChangeText.ModifyActivityForm)}, nil
	}
	a, reply, err := h.ownedActivity(ctx, req, p.Activity)
	if a == nil {
		return reply, err
	}
	if p.Problem == "bad_time" {
		if start := parseTime(p.Start); !start.IsZero() && start.Before(req.Now) {
			return bot.Reply{Text: fmt.Sprintf(Text.PastTime, ChangeText.ModifyActivityForm)}, nil
		}
		return bot.Reply{Text: fmt.Sprintf(Text.BadTime, ChangeText.ModifyActivityForm)}, nil
	}
	change, ok := h.activityChange(a, p.Start, p.End, p.Date, p.Place, p.Quota)
	if !ok {
		return bot.Reply{Text: fmt.Sprintf(ChangeText.ModifyWhat, ChangeText.ModifyActivityForm)}, nil
	}
	m, err := h.changes.ModifyActivity(ctx, a.Code, change, req.Now)
	if store.ErrorCode(err) == store.EINVALID {
		return bot.Reply{Text: modifyRefusal(a.Code, store.ErrorMessage(err))}, nil
	} else if err != nil {
		return bot.Reply{}, fmt.Errorf("modify activity: %w", err)
	}
	if !m.Changed {
		return bot.Reply{Text: fmt.Sprintf(ChangeText.ModifyNoChange, a.Code, summary(m.After, h.loc, req.Now))}, nil
	}
	before, after := m.Before, m.After
	moved := !before.StartsAt.Equal(after.StartsAt) || !before.EndsAt.Equal(after.EndsAt)
	if moved {
		// Reminders written for the old time and not yet sent would say it.
		if _, err := h.outbox.DropPendingNotices(ctx, kindActivityReminder, a.Code, "activity_changed", req.Now); err != nil {
			return bot.Reply{}, fmt.Errorf("drop reminders: %w", err)
		}
	}
	diff := h.activityDiff(before, after, req.Now)
	ns := h.changeNotices(m, diff, moved || before.Place != after.Place, req.Now)
	if len(ns) > 0 {
		h.notify(ctx, req.Now, ns...)
	}
	h.log.InfoContext(ctx, "activity modified", slog.String("activity", a.Code), slog.String("by", req.Msg.OpenID),
		slog.Int("revision", after.Revision), slog.Int("promoted", len(m.Promoted)))
	seated, waiting := countByStatus(m.Signups)
	note := ""
	if len(m.Promoted) > 0 {
		names := make([]string, 0, len(m.Promoted))
		for _, s := range m.Promoted {
			names = append(names, displayName(s.Name))
		}
		note += fmt.Sprintf(ChangeText.ModifyPromoted, nameList(names, 10))
	}
	if m.OverQuota > 0 {
		note += fmt.Sprintf(ChangeText.ModifyOverQuota, after.Seated, m.OverQuota)
	}
	return bot.Reply{Text: fmt.Sprintf(ChangeText.ActivityModified, a.Code, a.Title, strings.Join(diff, "\n"), seated, waiting, note)}, nil
}

// activityChange turns the parsed fields into a change; false when none
// is given. A day without a time keeps the activity's clock times.
func (h *Handlers) activityChange(a *store.Activity, start, end, date, place string, quota int) (store.ActivityChange, bool) {
	var c store.ActivityChange
	if t := parseTime(start); !t.IsZero() {
		c.Start = &t
	}
	if t := parseTime(end); !t.IsZero() {
		c.End = &t
	}
	if d, err := time.ParseInLocation(time.DateOnly, date, h.loc); err == nil && c.Start == nil {
		old := a.StartsAt.In(h.loc)
		t := time.Date(d.Year(), d.Month(), d.Day(), old.Hour(), old.Minute(), old.Second(), 0, h.loc)
		c.Start = &t
	}
	if place = strings.TrimSpace(place); place != "" {
		c.Place = &place
	}
	if quota > 0 {
		c.Quota = &quota
	}
	return c, c.Start != nil || c.End != nil || c.Place != nil || c.Quota != nil
}

// modifyRefusal is the reply to a change the store refused.
func modifyRefusal(code, reason string) string {
	switch reason {
	case store.MsgActivityCancelled:
		return fmt.Sprintf(ChangeText.ModifyCancelled, code)
	case store.MsgActivityStarted:
		return fmt.Sprintf(ChangeText.ModifyStarted, code)
	case store.MsgStartPast:
		return fmt.Sprintf(Text.PastTime, ChangeText.ModifyActivityForm)
	case store.MsgEndBeforeStart:
		return fmt.Sprintf(Text.BadTime, ChangeText.ModifyActivityForm)
	case store.MsgPlaceTooLong:
		return fmt.Sprintf(ChangeText.PlaceTooLong, store.MaxPlaceRunes)
	}
	return fmt.Sprintf(ChangeText.ModifyWhat, ChangeText.ModifyActivityForm)
}

// activityDiff says what changed, one line per field: old → new.
func (h *Handlers) activityDiff(before, after *store.Activity, now time.Time) []string {
	var lines []string
	if !before.StartsAt.Equal(after.StartsAt) || !before.EndsAt.Equal(after.EndsAt) {
		lines = append(lines, fmt.Sprintf(ChangeText.ChangeTime,
			whenFrom(now, before.StartsAt, before.EndsAt, h.loc), whenFrom(now, after.StartsAt, after.EndsAt, h.loc)))
	}
	if before.Place != after.Place {
		lines = append(lines, fmt.Sprintf(ChangeText.ChangePlace, before.Place, after.Place))
	}
	if before.Quota != after.Quota {
		lines = append(lines, fmt.Sprintf(ChangeText.ChangeQuota, quotaText(before.Quota), quotaText(after.Quota)))
	}
	return lines
}

// quotaText writes a quota for people.
func quotaText(q int) string {
	if q == 0 {
		return ChangeText.NoLimit
	}
	return fmt.Sprintf(ChangeText.Persons, q)
}

// changeNotices are the notices of one change: the promoted are told they
// have a seat (with the new details); when the time or place changed,
// everyone else seated or waiting is told what changed; a quota alone
// concerns only those still waiting. Keys carry the activity's revision,
// so each person gets each change once.
func (h *Handlers) changeNotices(m *store.ActivityModification, diff []string, everyone bool, now time.Time) []store.NewNotice {
	a := m.After
	rev := strconv.Itoa(a.Revision)
	span := when(a.StartsAt, a.EndsAt, h.loc)
	fields := func(extra ...string) map[string]string {
		f := map[string]string{"title": a.Title, "time": span, "place": a.Place, "code": a.Code,
			fieldNotAfter: a.StartsAt.Format(time.RFC3339)}
		for i := 0; i+1 < len(extra); i += 2 {
			f[extra[i]] = extra[i+1]
		}
		return f
	}
	promoted := map[int64]bool{}
	var ns []store.NewNotice
	for _, s := range m.Promoted {
		promoted[s.ID] = true
		ns = append(ns, store.NewNotice{
			Key:     fmt.Sprintf("%s|%s|%s|r%s", kindPromotion, a.Code, s.OpenID, rev),
			Kind:    kindPromotion,
			Subject: a.Code,
			OpenID:  s.OpenID,
			Text:    fmt.Sprintf(Text.Promoted, summary(a, h.loc, now), int(h.rules.CheckinOpensBefore.Minutes()), a.Code),
			Fields:  fields(),
		})
	}
	change := strings.Join(diff, "\n")
	for _, s := range m.Signups {
		if promoted[s.ID] || (!everyone && s.Status != store.SignupWaitlisted) {
			continue
		}
		status := ChangeText.ChangedSeated
		if s.Status == store.SignupWaitlisted {
			status = fmt.Sprintf(ChangeText.ChangedWaitlisted, s.Position)
		}
		ns = append(ns, store.NewNotice{
			Key:     fmt.Sprintf("%s|%s|r%s|%s", kindActivityChanged, a.Code, rev, s.OpenID),
			Kind:    kindActivityChanged,
			Subject: a.Code,
			OpenID:  s.OpenID,
			Text:    fmt.Sprintf(ChangeText.ActivityChangedNotice, a.Code, a.Title, change, status, a.Code),
			Fields:  fields("change", change),
		})
	}
	return ns
}

// countByStatus counts the seated and the wait-listed.
func countByStatus(signups []*store.Signup) (seated, waiting int) {
	for _, s := range signups {
		switch s.Status {
		case store.SignupSeated:
			seated++
		case store.SignupWaitlisted:
			waiting++
		}
	}
	return seated, waiting
}

// displayName is a volunteer's name, or a word for one who deleted it.
func displayName(name string) string {
	if name == "" {
		return "匿名志愿者"
	}
	return name
}

// cancelLectureSession answers `取消讲座 L3 12月5日`: one session of the
// lecture is cancelled, the others stay; those told of that session get a
// cancellation.
func (h *Handlers) cancelLectureSession(ctx context.Context, req *Request, l *store.Lecture) (bot.Reply, error) {
	day, ok := h.sessionDay(req.Parse.Date, req.Parse.Start)
	if !ok {
		return bot.Reply{Text: missing([]string{"start"}, "取消讲座 "+l.Code+" 12月5日")}, nil
	}
	label := fmt.Sprintf("%d月%d日(%s)", day.Month(), day.Day(), weekdays[day.Weekday()])
	sc, err := h.changes.CancelLectureSession(ctx, l.Code, day, req.Now)
	switch msg := store.ErrorMessage(err); {
	case err == nil:
	case msg == store.MsgNoSession:
		return bot.Reply{Text: fmt.Sprintf(ChangeText.NoSession, l.Code, label)}, nil
	case msg == store.MsgSessionPast:
		return bot.Reply{Text: fmt.Sprintf(ChangeText.SessionPast, l.Code, label)}, nil
	case msg == store.MsgLectureCancelled:
		return bot.Reply{Text: fmt.Sprintf(ChangeText.LectureIsCancelled, l.Code)}, nil
	default:
		return bot.Reply{}, fmt.Errorf("cancel lecture session: %w", err)
	}
	var ns []store.NewNotice
	for _, start := range sc.Starts {
		subject := store.LectureSessionSubject(l.Code, start)
		if _, err := h.outbox.DropPendingNotices(ctx, kindLectureNotice, subject, "lecture_session_cancelled", req.Now); err != nil {
			return bot.Reply{}, fmt.Errorf("drop lecture notices: %w", err)
		}
		recipients, err := h.outbox.NoticeRecipients(ctx, kindLectureNotice, subject)
		if err != nil {
			return bot.Reply{}, fmt.Errorf("lecture notice recipients: %w", err)
		}
		at := when(start, time.Time{}, h.loc)
		for _, openID := range recipients {
			ns = append(ns, store.NewNotice{
				Key:     fmt.Sprintf("%s|%s|%s|%s", kindLectureSessionCancelled, l.Code, start.UTC().Format(time.RFC3339), openID),
				Kind:    kindLectureSessionCancelled,
				Subject: subject,
				OpenID:  openID,
				Text:    fmt.Sprintf(ChangeText.SessionCancelledNotice, l.Title, at, l.Place),
				Fields:  map[string]string{"title": l.Title, "time": at, "place": l.Place, "code": l.Code, fieldNotAfter: start.Format(time.RFC3339)},
			})
		}
	}
	if len(ns) > 0 {
		h.notify(ctx, req.Now, ns...)
	}
	if !sc.Cancelled {
		return bot.Reply{Text: fmt.Sprintf(ChangeText.SessionAlreadyCancelled, l.Code, label)}, nil
	}
	h.log.InfoContext(ctx, "lecture session cancelled", slog.String("lecture", l.Code), slog.String("day", day.Format(time.DateOnly)), slog.Int("told", len(ns)))
	at := label + " " + clock(sc.Starts[0], h.loc)
	return bot.Reply{Text: fmt.Sprintf(ChangeText.SessionCancelled, l.Code, l.Title, at, len(ns))}, nil
}

// sessionDay is the day of `取消讲座 L3 12月5日` (date) or `… 12月5日
// 9:30` (start), a midnight in the campaign's time zone.
func (h *Handlers) sessionDay(date, start string) (time.Time, bool) {
	if d, err := time.ParseInLocation(time.DateOnly, date, h.loc); err == nil {
		return d, true
	}
	if t := parseTime(start); !t.IsZero() {
		t = t.In(h.loc)
		return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, h.loc), true
	}
	return time.Time{}, false
}

package handlers

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"envoybot/bot"
	"envoybot/store"
)

const lectureForm = "发布讲座 法律知识讲座 每月第一个周六 9:30 古槐社区活动室"

// Lectures answers `讲座` / `讲座 古槐社区` with upcoming sessions.
func (h *Handlers) Lectures(ctx context.Context, req *Request) (bot.Reply, error) {
	community := req.Parse.Community
	if community != "" {
		name, unknown, err := h.userCommunity(ctx, community, "讲座 %s")
		if name == "" {
			return unknown, err
		}
		community = name
	}
	occ, err := h.lectures.ListUpcomingLectures(ctx, community, req.Now, 30)
	if err != nil {
		return bot.Reply{}, fmt.Errorf("list lectures: %w", err)
	}
	label := ""
	if community != "" {
		label = "（" + community + "）"
	}
	if len(occ) == 0 {
		return bot.Reply{Text: fmt.Sprintf(Text.LecturesNone, label)}, nil
	}
	lines := make([]string, 0, len(occ))
	for _, o := range occ {
		lines = append(lines, fmt.Sprintf(Text.LectureLine, o.Lecture.Code, o.Lecture.Title, when(o.StartsAt, time.Time{}, h.loc), o.Lecture.Place))
	}
	return bot.Reply{Text: h.page(ctx, req.Msg.OpenID, fmt.Sprintf(Text.LecturesHeader, label), lines)}, nil
}

// Subscribe answers `订阅讲座 古槐社区` (the sender's own community when
// none is named); the community named is matched against the known list.
func (h *Handlers) Subscribe(ctx context.Context, req *Request) (bot.Reply, error) {
	community := req.Parse.Community
	if community != "" {
		name, unknown, err := h.userCommunity(ctx, community, "订阅讲座 %s")
		if name == "" {
			return unknown, err
		}
		community = name
	} else {
		community = req.User.Community
	}
	if community == "" {
		return bot.Reply{Text: Text.SubscribeWhich}, nil
	}
	created, err := h.lectures.Subscribe(ctx, req.User.ID, community, req.Now)
	if isUnknownCommunity(err) {
		return bot.Reply{Text: CommunityText.Gone}, nil
	} else if err != nil {
		return bot.Reply{}, fmt.Errorf("subscribe: %w", err)
	}
	if !created {
		return bot.Reply{Text: fmt.Sprintf(Text.AlreadySubscribed, community)}, nil
	}
	return bot.Reply{Text: fmt.Sprintf(Text.Subscribed, community)}, nil
}

// Unsubscribe answers `退订讲座` (all communities) or `退订讲座 古槐社区`.
// Lecture notices already written for the sender and not yet sent are
// dropped once no subscription is left.
func (h *Handlers) Unsubscribe(ctx context.Context, req *Request) (bot.Reply, error) {
	community := req.Parse.Community
	if community != "" {
		name, unknown, err := h.userCommunity(ctx, community, "退订讲座 %s")
		if name == "" {
			return unknown, err
		}
		community = name
	}
	n, err := h.lectures.Unsubscribe(ctx, req.User.ID, community, req.Now)
	if err != nil {
		return bot.Reply{}, fmt.Errorf("unsubscribe: %w", err)
	}
	left, err := h.lectures.ListSubscriptions(ctx, req.User.ID)
	if err != nil {
		return bot.Reply{}, fmt.Errorf("list subscriptions: %w", err)
	}
	if len(left) == 0 {
		if _, err := h.outbox.DropPendingNoticesTo(ctx, "lecture_notice", req.Msg.OpenID, "unsubscribed", req.Now); err != nil {
			return bot.Reply{}, fmt.Errorf("drop lecture notices: %w", err)
		}
	}
	if n == 0 {
		return bot.Reply{Text: Text.UnsubscribedNone}, nil
	}
	return bot.Reply{Text: fmt.Sprintf(Text.Unsubscribed, n)}, nil
}

// PublishLecture answers `发布讲座 …`, one-off or recurring. What is
// missing or cannot be is asked for and the draft kept (drafts.go).
func (h *Handlers) PublishLecture(ctx context.Context, req *Request) (bot.Reply, error) {
	if reply, asked, err := h.unfinished(ctx, req); asked || err != nil {
		return reply, err
	}
	p := req.Parse
	if reply, over := tooLong(store.FieldValue{Field: store.FieldTitle, Value: strings.TrimSpace(p.Title)},
		store.FieldValue{Field: store.FieldPlace, Value: strings.TrimSpace(p.Place)}); over {
		h.dropDraft(ctx, req)
		return reply, nil
	}
	var occurrences []time.Time
	for _, s := range p.Occurrences {
		if t := parseTime(s); !t.IsZero() {
			occurrences = append(occurrences, t)
		}
	}
	if len(occurrences) == 0 {
		occurrences = append(occurrences, parseTime(p.Start))
	}
	community, err := h.publishCommunity(ctx, req, p.Community, p.Place)
	if err != nil {
		return bot.Reply{}, err
	}
	if community == "" {
		return bot.Reply{Text: Text.PublishNoCommunity}, nil
	}
	l, err := h.lectures.CreateLecture(ctx, store.NewLecture{
		EnvoyID: req.User.ID, Title: p.Title, Community: community, Place: p.Place,
		Recurrence: recurrence(p.Recurrence), Occurrences: occurrences,
		Publish: h.publication(ctx, req),
	}, req.Now)
	if reply, capped := h.publishCapRefused(ctx, req, err); capped {
		return reply, nil
	} else if reply, over := tooLongError(err); over {
		return reply, nil
	} else if err != nil {
		return bot.Reply{}, fmt.Errorf("create lecture: %w", err)
	}
	h.draftPublished(ctx, req)
	h.log.InfoContext(ctx, "lecture published", slog.String("lecture", l.Code), slog.String("envoy", req.Msg.OpenID))
	rule := "单次讲座"
	if !l.Recurrence.IsZero() {
		rule = "周期：" + l.Recurrence.String()
	}
	sessions := make([]string, 0, len(occurrences))
	for _, t := range occurrences {
		sessions = append(sessions, "· "+dayWithWeekday(t, req.Now, h.loc)+clock(t, h.loc))
	}
	return bot.Reply{Text: fmt.Sprintf(Text.LecturePublished, l.Code, l.Title, l.Place, rule, strings.Join(sessions, "\n"), community)}, nil
}

// CancelLecture answers `取消讲座 L3`: the lecture's envoy or an admin
// cancels the series; with a day (`取消讲座 L3 12月5日`), only that
// session.
func (h *Handlers) CancelLecture(ctx context.Context, req *Request) (bot.Reply, error) {
	code := req.Parse.Code
	if code == "" {
		return bot.Reply{Text: missing([]string{"code"}, "取消讲座 L3")}, nil
	}
	l, err := h.lectures.FindLectureByCode(ctx, code)
	switch {
	case store.ErrorCode(err) == store.ENOTFOUND:
		return bot.Reply{Text: fmt.Sprintf(Text.LectureNotFound, code)}, nil
	case err != nil:
		return bot.Reply{}, fmt.Errorf("find lecture: %w", err)
	case req.User.Role != store.RoleAdmin && l.EnvoyID != req.User.ID:
		return bot.Reply{Text: fmt.Sprintf(Text.ForAdminsOrOwner, l.Code)}, nil
	case req.Parse.Date != "" || req.Parse.Start != "":
		return h.cancelLectureSession(ctx, req, l)
	}
	// The sessions still to come, read before they are cancelled: their
	// notices not yet sent are dropped, and whoever was told of one (or is
	// being told right now) gets a cancellation.
	sessions, err := h.schedule.ListOccurrencesBetween(ctx, req.Now, req.Now.AddDate(2, 0, 0))
	if err != nil {
		return bot.Reply{}, fmt.Errorf("lecture sessions: %w", err)
	}
	if _, err := h.lectures.CancelLecture(ctx, l.Code, req.Now); err != nil {
		return bot.Reply{}, fmt.Errorf("cancel lecture: %w", err)
	}
	told := map[string]bool{}
	for _, o := range sessions {
		if o.Lecture.Code != l.Code {
			continue
		}
		subject := store.LectureSessionSubject(l.Code, o.StartsAt)
		if _, err := h.outbox.DropPendingNotices(ctx, "lecture_notice", subject, "lecture_cancelled", req.Now); err != nil {
			return bot.Reply{}, fmt.Errorf("drop lecture notices: %w", err)
		}
		recipients, err := h.outbox.NoticeRecipients(ctx, "lecture_notice", subject)
		if err != nil {
			return bot.Reply{}, fmt.Errorf("lecture notice recipients: %w", err)
		}
		for _, openID := range recipients {
			told[openID] = true
		}
	}
	ns := make([]store.NewNotice, 0, len(told))
	for openID := range told {
		ns = append(ns, store.NewNotice{
			Key:     fmt.Sprintf("lecture_cancelled|%s|%s", l.Code, openID),
			Kind:    "lecture_cancelled",
			Subject: l.Code,
			OpenID:  openID,
			Text:    fmt.Sprintf(Text.LectureCancelledNotice, l.Title, l.Place),
			Fields:  map[string]string{"title": l.Title, "place": l.Place, "code": l.Code},
		})
	}
	if len(ns) > 0 {
		h.notify(ctx, req.Now, ns...)
	}
	return bot.Reply{Text: fmt.Sprintf(Text.LectureCancelled, l.Code, l.Title, len(ns))}, nil
}

// recurrence is the parsed rule, none for a one-off lecture.
func recurrence(r *store.Recurrence) store.Recurrence {
	if r == nil {
		return store.Recurrence{}
	}
	return *r
}

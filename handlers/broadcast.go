package handlers

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"time"
	"unicode/utf8"

	"envoybot/bot"
	"envoybot/store"
)

// Outbox kinds of chat broadcasts and urgent recruitment.
const (
	kindBroadcast     = "broadcast"
	kindUrgentRecruit = "urgent_recruit"
)

// maxChatBroadcast caps a broadcast's text, as the dashboard's does.
const maxChatBroadcast = 500

// broadcastWindow is how long a previewed broadcast waits for 确认群发.
const broadcastWindow = 10 * time.Minute

// pendingBroadcastKey holds openID's previewed broadcast: its id, the
// community and the text, one per line.
func pendingBroadcastKey(openID string) string { return "broadcast:pending:" + openID }

// Broadcast answers `群发 [社区] 内容` from an envoy (to their own
// community's volunteers only) or an admin (any community): it previews
// how many it would reach, and how, and keeps it for 确认群发.
func (h *Handlers) Broadcast(ctx context.Context, req *Request) (bot.Reply, error) {
	text := broadcastText(req.Msg.Text, req.Parse.Community)
	if text == "" {
		return bot.Reply{Text: ReachText.BroadcastHow}, nil
	}
	if n := utf8.RuneCountInString(text); n > maxChatBroadcast {
		return bot.Reply{Text: fmt.Sprintf(ReachText.BroadcastTooLong, maxChatBroadcast, n)}, nil
	}
	community := req.Parse.Community
	switch {
	case req.User.Role == store.RoleAdmin && community == "":
		if community = req.User.Community; community == "" {
			return bot.Reply{Text: ReachText.BroadcastNoCommunity}, nil
		}
	case req.User.Role != store.RoleAdmin && req.User.Community == "":
		return bot.Reply{Text: ReachText.BroadcastNoOwn}, nil
	case req.User.Role != store.RoleAdmin && community != "" && community != req.User.Community:
		return bot.Reply{Text: fmt.Sprintf(ReachText.BroadcastOwnOnly, req.User.Community)}, nil
	case req.User.Role != store.RoleAdmin:
		community = req.User.Community
	}
	us, err := h.broadcasts.ListCommunityVolunteers(ctx, community)
	if err != nil {
		return bot.Reply{}, fmt.Errorf("list community volunteers: %w", err)
	}
	us = others(us, req.User.ID)
	if len(us) == 0 {
		return bot.Reply{Text: fmt.Sprintf(ReachText.BroadcastNobody, community)}, nil
	}
	if h.cache == nil {
		return bot.Reply{Text: ReachText.BroadcastUnavailable}, nil
	}
	inWindow := 0
	for _, u := range us {
		if !u.LastInteractionAt.IsZero() && req.Now.Sub(u.LastInteractionAt) < 48*time.Hour {
			inWindow++
		}
	}
	pending := newBroadcastID(req) + "\n" + community + "\n" + text
	if err := h.cache.Set(ctx, pendingBroadcastKey(req.Msg.OpenID), pending, broadcastWindow); err != nil {
		return bot.Reply{}, fmt.Errorf("keep broadcast: %w", err)
	}
	return bot.Reply{Text: fmt.Sprintf(ReachText.BroadcastPreview, community, len(us), inWindow, len(us)-inWindow, text)}, nil
}

// ConfirmBroadcast answers 确认群发: the previewed broadcast is written to
// the outbox, one notice per volunteer of the community as they are now.
// A second 确认群发 finds nothing pending; a retry of the same message
// writes nothing twice (the keys carry the broadcast's id).
func (h *Handlers) ConfirmBroadcast(ctx context.Context, req *Request) (bot.Reply, error) {
	if h.cache == nil {
		return bot.Reply{Text: ReachText.BroadcastUnavailable}, nil
	}
	pending, ok, err := h.cache.Get(ctx, pendingBroadcastKey(req.Msg.OpenID))
	if err != nil {
		return bot.Reply{}, fmt.Errorf("read broadcast: %w", err)
	}
	parts := strings.SplitN(pending, "\n", 3)
	if !ok || len(parts) != 3 {
		return bot.Reply{Text: ReachText.BroadcastNothing}, nil
	}
	id, community, text := parts[0], parts[1], parts[2]
	us, err := h.broadcasts.ListCommunityVolunteers(ctx, community)
	if err != nil {
		return bot.Reply{}, fmt.Errorf("list community volunteers: %w", err)
	}
	us = others(us, req.User.ID)
	body := fmt.Sprintf(ReachText.BroadcastHeader, community) + text
	ns := make([]store.NewNotice, 0, len(us))
	for _, u := range us {
		ns = append(ns, store.NewNotice{
			Key: kindBroadcast + "|" + id + "|" + u.OpenID, Kind: kindBroadcast, Subject: id, OpenID: u.OpenID, Text: body,
			Fields: map[string]string{"text": body, "title": community + "通知", "community": community, "time": when(req.Now, time.Time{}, h.loc)},
		})
	}
	n, err := h.outbox.EnqueueNotices(ctx, ns, req.Now)
	if err != nil {
		return bot.Reply{}, fmt.Errorf("enqueue broadcast: %w", err)
	}
	if err := h.cache.Delete(ctx, pendingBroadcastKey(req.Msg.OpenID)); err != nil {
		h.log.Warn("forget sent broadcast", slog.Any("error", err))
	}
	h.log.Info("chat broadcast", slog.Int64("sender", req.User.ID), slog.String("community", community),
		slog.Int("recipients", len(us)), slog.Int("new", n))
	return bot.Reply{Text: fmt.Sprintf(ReachText.BroadcastSent, n, community, len(us))}, nil
}

// UrgentRecruit answers `紧急招募 A12` from the activity's envoy (or an
// admin): the volunteers of its community free at its time and not signed
// up are asked to sign up, with the code to reply in the text.
func (h *Handlers) UrgentRecruit(ctx context.Context, req *Request) (bot.Reply, error) {
	code := req.Parse.Activity
	if code == "" {
		return bot.Reply{Text: ReachText.RecruitWhich}, nil
	}
	a, reply, err := h.ownedActivity(ctx, req, code)
	if a == nil {
		return reply, err
	}
	if a.Status == store.ActivityCancelled || !req.Now.Before(a.StartsAt) {
		return bot.Reply{Text: fmt.Sprintf(ReachText.RecruitOver, a.Code)}, nil
	}
	_, seated, err := h.confirmations.CountConfirmedSignups(ctx, a.Code)
	if err != nil {
		return bot.Reply{}, fmt.Errorf("count seats: %w", err)
	}
	short := a.Quota - seated
	if a.Quota > 0 && short <= 0 {
		return bot.Reply{Text: fmt.Sprintf(ReachText.RecruitFull, a.Code, seated, a.Quota)}, nil
	}
	us, err := h.broadcasts.ListFreeVolunteers(ctx, a.Code)
	if err != nil {
		return bot.Reply{}, fmt.Errorf("list free volunteers: %w", err)
	}
	us = others(others(us, req.User.ID), a.EnvoyID)
	if len(us) == 0 {
		return bot.Reply{Text: fmt.Sprintf(ReachText.RecruitNobody, a.Community)}, nil
	}
	if a.Quota == 0 {
		short = len(us) // no cap: everyone free is welcome
	}
	at := when(a.StartsAt, a.EndsAt, h.loc)
	text := fmt.Sprintf(ReachText.RecruitText, a.Code, a.Title, at, a.Place, short, a.Code)
	id := a.Code + "@" + req.Now.UTC().Format(time.RFC3339)
	ns := make([]store.NewNotice, 0, len(us))
	for _, u := range us {
		ns = append(ns, store.NewNotice{
			Key: kindUrgentRecruit + "|" + id + "|" + u.OpenID, Kind: kindUrgentRecruit, Subject: a.Code, OpenID: u.OpenID, Text: text,
			Fields: map[string]string{"title": a.Title, "time": at, "place": a.Place, "code": a.Code,
				"short": fmt.Sprint(short), "not_after": a.StartsAt.Format(time.RFC3339)},
		})
	}
	if _, err := h.outbox.EnqueueNotices(ctx, ns, req.Now); err != nil {
		return bot.Reply{}, fmt.Errorf("enqueue urgent recruitment: %w", err)
	}
	return bot.Reply{Text: fmt.Sprintf(ReachText.RecruitSent, a.Community, len(us), short)}, nil
}

// broadcastText is the text of `群发 [社区] 内容` as typed (the parser's
// copy is normalised: full-width punctuation becomes ASCII).
func broadcastText(typed, community string) string {
	t := strings.TrimSpace(typed)
	for _, k := range []string{"群发通知", "群发"} {
		if rest, ok := strings.CutPrefix(t, k); ok {
			t = strings.TrimSpace(rest)
			break
		}
	}
	if community != "" {
		if rest, ok := strings.CutPrefix(t, community); ok {
			t = strings.TrimSpace(rest)
		}
	}
	return t
}

// newBroadcastID names a chat broadcast in its outbox keys: the sender and
// the message, so that WeChat's retry of 确认群发 cannot send it twice.
func newBroadcastID(req *Request) string {
	return fmt.Sprintf("chat-%d-%d", req.User.ID, req.Now.UnixNano())
}

// others is us without the user with id (the sender: they know).
func others(us []*store.User, id int64) []*store.User {
	out := us[:0:0]
	for _, u := range us {
		if u.ID != id {
			out = append(out, u)
		}
	}
	return out
}

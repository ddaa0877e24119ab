package handlers

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"envoybot/bot"
	"envoybot/store"
)

// Cancel answers `取消报名 A12`: the seat is freed and the first
// wait-listed volunteer is seated and told by customer-service message.
func (h *Handlers) Cancel(ctx context.Context, req *Request) (bot.Reply, error) {
	code := req.Parse.Activity
	if code == "" {
		return bot.Reply{Text: missing([]string{"activity"}, "取消报名 A12")}, nil
	}
	a, reply, err := h.openActivity(ctx, code)
	if a == nil {
		return reply, err
	}
	if !req.Now.Before(a.StartsAt) {
		return bot.Reply{Text: fmt.Sprintf(Text.CancelTooLate, a.Code)}, nil
	}
	_, promoted, err := h.signups.CancelSignup(ctx, a.Code, req.User.ID, req.Now)
	if store.ErrorCode(err) == store.ENOTFOUND {
		return bot.Reply{Text: fmt.Sprintf(Text.CancelNotSignedUp, a.Code)}, nil
	} else if err != nil {
		return bot.Reply{}, fmt.Errorf("cancel sign-up: %w", err)
	}
	for _, p := range promoted {
		h.notify(ctx, req.Now, h.promotionNotice(a, p, req.Now))
	}
	return bot.Reply{Text: fmt.Sprintf(Text.CancelDone, a.Code, a.Title)}, nil
}

// promotionNotice tells a wait-listed volunteer seated by a cancellation
// (取消报名, 注销) that the seat is theirs.
func (h *Handlers) promotionNotice(a *store.Activity, promoted *store.Signup, now time.Time) store.NewNotice {
	return store.NewNotice{
		Key:     fmt.Sprintf("promotion|%s|%s|%d", a.Code, promoted.OpenID, now.UnixNano()),
		Kind:    "promotion",
		Subject: a.Code,
		OpenID:  promoted.OpenID,
		Text:    fmt.Sprintf(Text.Promoted, summary(a, h.loc, now), int(h.rules.CheckinOpensBefore.Minutes()), a.Code),
		Fields:  map[string]string{"title": a.Title, "time": when(a.StartsAt, a.EndsAt, h.loc), "place": a.Place, "code": a.Code},
	}
}

// notify writes notices to the outbox, from which the dispatcher sends
// them; a failure is logged, not returned: the change they report is
// already stored, and the reply tells the sender.
func (h *Handlers) notify(ctx context.Context, at time.Time, ns ...store.NewNotice) {
	if _, err := h.outbox.EnqueueNotices(ctx, ns, at); err != nil {
		h.log.ErrorContext(ctx, "notices not written", slog.Int("count", len(ns)), slog.Any("error", err))
	}
}

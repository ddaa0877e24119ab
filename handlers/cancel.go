package handlers

import (
	"context"
	"fmt"
	"log/slog"

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
	_, promoted, err := h.signups.CancelSignup(ctx, a.Code, req.Msg.OpenID, req.Now)
	if store.ErrorCode(err) == store.ENOTFOUND {
		return bot.Reply{Text: fmt.Sprintf(Text.CancelNotSignedUp, a.Code)}, nil
	} else if err != nil {
		return bot.Reply{}, fmt.Errorf("cancel sign-up: %w", err)
	}
	if promoted != nil {
		h.notify(ctx, promoted.OpenID, fmt.Sprintf(Text.Promoted, summary(a, h.loc), int(h.rules.CheckinOpensBefore.Minutes()), a.Code))
	}
	return bot.Reply{Text: fmt.Sprintf(Text.CancelDone, a.Code, a.Title)}, nil
}

// notify sends a customer-service message; a failure is logged, not
// returned: the change it reports is already stored.
func (h *Handlers) notify(ctx context.Context, openID, text string) {
	if h.sender == nil {
		h.log.Warn("notice not sent: no WeChat API client", slog.String("openid", openID))
		return
	}
	if err := h.sender.SendText(ctx, openID, text); err != nil {
		h.log.Error("notice not sent", slog.String("openid", openID), slog.Any("error", err))
	}
}

package handlers

import (
	"context"
	"fmt"
	"time"

	"envoybot/bot"
	"envoybot/store"
)

// confirmOpensBefore is how long before the start a seated volunteer can
// confirm (the 24-h reminder asks them to).
const confirmOpensBefore = 24 * time.Hour

// ConfirmAttendance answers `确认参加 A12`: a seated volunteer confirms
// they will come, from 24 h before the start; the activity's envoy (or an
// admin) sending it gets how many confirmed.
func (h *Handlers) ConfirmAttendance(ctx context.Context, req *Request) (bot.Reply, error) {
	code := req.Parse.Activity
	if code == "" {
		return bot.Reply{Text: ReachText.ConfirmWhich}, nil
	}
	a, reply, err := h.openActivity(ctx, code)
	if a == nil {
		return reply, err
	}
	if req.User.Role == store.RoleAdmin || (req.User.Role == store.RoleEnvoy && a.EnvoyID == req.User.ID) {
		confirmed, seated, err := h.confirmations.CountConfirmedSignups(ctx, a.Code)
		if err != nil {
			return bot.Reply{}, fmt.Errorf("count confirmations: %w", err)
		}
		return bot.Reply{Text: fmt.Sprintf(ReachText.ConfirmCount, a.Code, a.Title, seated, confirmed, seated-confirmed)}, nil
	}
	opens := a.StartsAt.Add(-confirmOpensBefore)
	switch {
	case !req.Now.Before(a.StartsAt):
		return bot.Reply{Text: fmt.Sprintf(ReachText.ConfirmStarted, a.Code, a.Code)}, nil
	case req.Now.Before(opens):
		return bot.Reply{Text: fmt.Sprintf(ReachText.ConfirmTooEarly, a.Code, when(opens, time.Time{}, h.loc))}, nil
	}
	first, err := h.confirmations.ConfirmSignup(ctx, a.Code, req.User.ID, req.Now)
	switch {
	case store.ErrorCode(err) == store.ENOTFOUND:
		return bot.Reply{Text: fmt.Sprintf(ReachText.ConfirmNotSeated, a.Code, a.Code)}, nil
	case err != nil:
		return bot.Reply{}, fmt.Errorf("confirm signup: %w", err)
	case !first:
		return bot.Reply{Text: fmt.Sprintf(ReachText.ConfirmedAgain, a.Code)}, nil
	}
	return bot.Reply{Text: fmt.Sprintf(ReachText.Confirmed, a.Code, a.Title, when(a.StartsAt, a.EndsAt, h.loc),
		int(h.rules.CheckinOpensBefore.Minutes()), a.Code, a.Code)}, nil
}

package handlers

import (
	"context"
	"fmt"

	"envoybot/bot"
	"envoybot/store"
)

// MySignups answers `我的报名` with upcoming seats and wait-list places.
func (h *Handlers) MySignups(ctx context.Context, req *Request) (bot.Reply, error) {
	ss, err := h.signups.ListUserSignups(ctx, req.User.ID, req.Now)
	if err != nil {
		return bot.Reply{}, fmt.Errorf("list sign-ups: %w", err)
	}
	if len(ss) == 0 {
		return bot.Reply{Text: Text.MySignupsNone}, nil
	}
	lines := make([]string, 0, len(ss))
	for _, s := range ss {
		head := fmt.Sprintf("%s %s %s", s.Activity.Code, s.Activity.Title, when(s.Activity.StartsAt, s.Activity.EndsAt, h.loc))
		if s.Status == store.SignupWaitlisted {
			lines = append(lines, fmt.Sprintf(Text.MySignupWaitlisted, head, s.Position))
		} else {
			lines = append(lines, fmt.Sprintf(Text.MySignupSeated, head))
		}
	}
	return bot.Reply{Text: h.page(ctx, req.Msg.OpenID, Text.MySignupsHeader, lines)}, nil
}

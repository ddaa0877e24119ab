package handlers

import (
	"context"
	"fmt"
	"log/slog"
	"strings"

	"envoybot/bot"
	"envoybot/bot/intent"
	"envoybot/store"
)

// Signup answers `报名 A12`: a seat while seats are left, else the
// wait-list; `报名 A12 张三 138…` registers first.
func (h *Handlers) Signup(ctx context.Context, req *Request) (bot.Reply, error) {
	p := req.Parse
	if p.Activity == "" {
		return bot.Reply{Text: missing([]string{"activity"}, "报名 A12")}, nil
	}
	if p.Companions > store.MaxCompanions {
		return bot.Reply{Text: fmt.Sprintf(Text.SignupTooManyCompanions, store.MaxCompanions)}, nil
	}
	a, reply, err := h.openActivity(ctx, p.Activity)
	if a == nil {
		return reply, err
	}
	if !req.Now.Before(a.StartsAt) {
		return bot.Reply{Text: fmt.Sprintf(Text.SignupClosed, a.Code)}, nil
	}
	prefix := ""
	if !req.User.Registered() {
		if p.Problem == intent.ProblemBadPhone {
			return bot.Reply{Text: fmt.Sprintf(Text.SignupBadPhone, a.Code)}, nil
		}
		if p.Name == "" || p.Phone == "" {
			return bot.Reply{Text: Text.NeedRegister}, nil
		}
		community := a.Community
		if p.Community != "" {
			name, unknown, err := h.userCommunity(ctx, p.Community, "报名 "+a.Code+" 姓名 手机号 %s")
			if name == "" {
				return unknown, err
			}
			community = name
		}
		u, _, err := h.register(ctx, req, p.Name, p.Phone, community)
		if err == errPhoneTaken {
			return bot.Reply{Text: Text.PhoneTaken}, nil
		} else if isUnknownCommunity(err) {
			return bot.Reply{Text: CommunityText.Gone}, nil
		} else if err != nil {
			return bot.Reply{}, err
		}
		prefix = fmt.Sprintf(Text.SignupRegisteredFirst, u.Name, store.MaskPhone(u.Phone))
	}
	s, created, err := h.signups.SignUpGroup(ctx, a.Code, req.User.ID, p.Companions, store.SourceChat, req.Now)
	if err != nil {
		if store.ErrorCode(err) == store.EINVALID {
			return bot.Reply{Text: fmt.Sprintf(Text.ActivityNotOpen, a.Code)}, nil
		}
		return bot.Reply{}, fmt.Errorf("sign up: %w", err)
	}
	h.log.InfoContext(ctx, "sign-up", slog.String("activity", a.Code), slog.String("openid", req.Msg.OpenID),
		slog.String("status", s.Status), slog.Bool("created", created))
	text := ""
	switch {
	case !created && s.Status == store.SignupWaitlisted:
		text = fmt.Sprintf(Text.SignupAlreadyWaitlisted, a.Code, s.Position)
	case !created:
		text = fmt.Sprintf(Text.SignupAlreadySeated, a.Code, summary(a, h.loc, req.Now))
	case s.Status == store.SignupWaitlisted:
		text = fmt.Sprintf(Text.SignupWaitlisted, s.Position, summary(a, h.loc, req.Now))
	default:
		text = fmt.Sprintf(Text.SignupSeated, summary(a, h.loc, req.Now), int(h.rules.CheckinOpensBefore.Minutes()), a.Code)
	}
	if s.Companions > 0 {
		text = strings.Replace(text, "\n", fmt.Sprintf(Text.SignupCompanions, s.Companions, 1+s.Companions)+"\n", 1)
	}
	return bot.Reply{Text: prefix + text}, nil
}

// openActivity finds an activity for a volunteer: nil and the reply to
// send when it is unknown or no longer open.
func (h *Handlers) openActivity(ctx context.Context, code string) (*store.Activity, bot.Reply, error) {
	a, err := h.activities.FindActivityByCode(ctx, code)
	switch {
	case store.ErrorCode(err) == store.ENOTFOUND:
		return nil, bot.Reply{Text: fmt.Sprintf(Text.ActivityNotFound, code)}, nil
	case err != nil:
		return nil, bot.Reply{}, fmt.Errorf("find activity: %w", err)
	case a.Status == store.ActivityCancelled:
		return nil, bot.Reply{Text: fmt.Sprintf(ChangeText.ActivityIsCancelled, a.Code, a.Title)}, nil
	}
	return a, bot.Reply{}, nil
}

package handlers

import (
	"context"
	"fmt"
	"log/slog"

	"envoybot/bot"
	"envoybot/store"
)

// Bind answers `绑定 8H3K2Q`: a one-time invite code makes the sender an
// envoy or an admin. Wrong codes are counted; past the limit the sender is
// refused for the window.
func (h *Handlers) Bind(ctx context.Context, req *Request) (bot.Reply, error) {
	code := req.Parse.Code
	if code == "" {
		return bot.Reply{Text: missing([]string{"code"}, "绑定 8H3K2Q")}, nil
	}
	u, inv, err := h.invites.RedeemInvite(ctx, req.User.ID, code, req.Now, h.rules.InviteMaxFailures, h.rules.InviteFailureWindow)
	if err != nil {
		h.log.WarnContext(ctx, "invite refused", slog.String("openid", req.Msg.OpenID), slog.String("reason", store.ErrorMessage(err)))
		switch store.ErrorMessage(err) {
		case store.MsgTooManyAttempts:
			return bot.Reply{Text: Text.BindTooMany}, nil
		case store.MsgInviteUsed:
			return bot.Reply{Text: Text.BindUsed}, nil
		case store.MsgInviteExpired:
			return bot.Reply{Text: Text.BindExpired}, nil
		case store.MsgInviteUnknown:
			return bot.Reply{Text: fmt.Sprintf(Text.BindUnknown, h.rules.InviteMaxFailures)}, nil
		}
		return bot.Reply{}, fmt.Errorf("redeem invite: %w", err)
	}
	h.log.InfoContext(ctx, "invite redeemed", slog.String("openid", u.OpenID), slog.String("role", string(u.Role)))
	if inv.Role == store.RoleAdmin {
		return bot.Reply{Text: Text.BindDoneAdmin}, nil
	}
	return bot.Reply{Text: fmt.Sprintf(Text.BindDoneEnvoy, envoyTitle(u))}, nil
}

// envoyTitle is 市级和谐使者 and the like.
func envoyTitle(u *store.User) string {
	kind := u.EnvoyKind
	if kind == "" {
		kind = "和谐使者"
	}
	if u.EnvoyLevel != "" {
		return u.EnvoyLevel + "级" + kind
	}
	return kind
}

package handlers

import (
	"context"
	"fmt"
	"log/slog"

	"envoybot/bot"
)

// DeleteAccount answers `注销`: name and mobile are removed for good and no
// more notices are sent; service records stay under an anonymous id.
func (h *Handlers) DeleteAccount(ctx context.Context, req *Request) (bot.Reply, error) {
	if req.User.Name == "" && req.User.Phone == "" {
		return bot.Reply{Text: Text.NothingToDelete}, nil
	}
	if _, err := h.profiles.AnonymiseUser(ctx, req.User.ID, req.Now); err != nil {
		return bot.Reply{}, fmt.Errorf("anonymise: %w", err)
	}
	h.log.Info("user anonymised", slog.String("openid", req.Msg.OpenID))
	return bot.Reply{Text: Text.Deleted}, nil
}

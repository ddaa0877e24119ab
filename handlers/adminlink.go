package handlers

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"log/slog"
	"time"

	"envoybot/bot"
	"envoybot/store"
)

// adminLinkTTL is how long a dashboard login link works (once).
const adminLinkTTL = 10 * time.Minute

// AdminLink answers 登录后台 from an admin bound in chat with a one-time
// dashboard login link.
func (h *Handlers) AdminLink(ctx context.Context, req *Request) (bot.Reply, error) {
	if req.User.Role != store.RoleAdmin {
		return bot.Reply{Text: Text.AdminOnly}, nil
	}
	if h.cache == nil {
		return bot.Reply{Text: Text.Busy}, nil
	}
	b := make([]byte, 24)
	if _, err := rand.Read(b); err != nil {
		return bot.Reply{}, fmt.Errorf("admin link: %w", err)
	}
	token := base64.RawURLEncoding.EncodeToString(b)
	if err := h.cache.Set(ctx, store.AdminLinkKey(token), req.Msg.OpenID, adminLinkTTL); err != nil {
		return bot.Reply{}, fmt.Errorf("admin link: %w", err)
	}
	h.log.Info("admin login link issued", slog.String("openid", req.Msg.OpenID))
	link := h.adminURL + store.AdminLinkPath + "?t=" + token
	if h.adminURL == "" {
		return bot.Reply{Text: fmt.Sprintf(Text.AdminLinkPath, link, int(adminLinkTTL.Minutes()))}, nil
	}
	return bot.Reply{Text: fmt.Sprintf(Text.AdminLink, link, int(adminLinkTTL.Minutes()))}, nil
}

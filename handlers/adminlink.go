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
// dashboard login link. The reply is marked secret (Redacted), so that the
// dedup record never keeps the token.
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
	format := Text.AdminLink
	if h.adminURL == "" {
		format = Text.AdminLinkPath
	}
	// The token is sent once and kept nowhere: the cache holds its hash,
	// the dedup record the redacted text.
	return bot.Reply{Text: fmt.Sprintf(format, link, int(adminLinkTTL.Minutes())), Redacted: SecretText.AdminLinkRedacted}, nil
}

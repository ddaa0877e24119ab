package handlers

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"log/slog"
	"strings"
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
	// The link is listed under the admin first, so that none is issued
	// that 注销 could not find.
	if err := h.trackAdminLink(ctx, req.Msg.OpenID, store.AdminLinkKey(token)); err != nil {
		return bot.Reply{}, fmt.Errorf("admin link: %w", err)
	}
	if err := h.cache.Set(ctx, store.AdminLinkKey(token), req.Msg.OpenID, adminLinkTTL); err != nil {
		return bot.Reply{}, fmt.Errorf("admin link: %w", err)
	}
	h.log.InfoContext(ctx, "admin login link issued", slog.String("openid", req.Msg.OpenID))
	link := h.adminURL + store.AdminLinkPath + "?t=" + token
	format := Text.AdminLink
	if h.adminURL == "" {
		format = Text.AdminLinkPath
	}
	// The token is sent once and kept nowhere: the cache holds its hash,
	// the dedup record the redacted text.
	return bot.Reply{Text: fmt.Sprintf(format, link, int(adminLinkTTL.Minutes())), Redacted: SecretText.AdminLinkRedacted}, nil
}

// maxListedLinks bounds the admin's list of links: more in ten minutes is
// no one logging in, and every link still needs its admin to be one.
const maxListedLinks = 10

// trackAdminLink adds linkKey (an AdminLinkKey) to the admin's list of
// links (store.AdminLinksKey), which lives as long as the newest link.
func (h *Handlers) trackAdminLink(ctx context.Context, openID, linkKey string) error {
	listKey := store.AdminLinksKey(openID)
	raw, _, err := h.cache.Get(ctx, listKey)
	if err != nil {
		return fmt.Errorf("read the admin's links: %w", err)
	}
	links := append(strings.Fields(raw), linkKey)
	if len(links) > maxListedLinks {
		links = links[len(links)-maxListedLinks:]
	}
	if err := h.cache.Set(ctx, listKey, strings.Join(links, " "), adminLinkTTL); err != nil {
		return fmt.Errorf("list the admin's link: %w", err)
	}
	return nil
}

// adminLinkKeys are the cache keys of the login links sent to openID and
// not expired, used or not, and the key of their list: what 注销 deletes.
func (h *Handlers) adminLinkKeys(ctx context.Context, openID string) []string {
	listKey := store.AdminLinksKey(openID)
	raw, _, err := h.cache.Get(ctx, listKey)
	if err != nil {
		h.log.WarnContext(ctx, "login links not read at 注销", slog.Any("error", err))
	}
	return append(strings.Fields(raw), listKey)
}

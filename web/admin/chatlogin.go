package admin

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"envoybot/store"
)

// loginLink turns a one-time token sent in chat into a session for the
// admin it names. The token works once, for a short time.
func (s *server) loginLink(w http.ResponseWriter, r *http.Request) {
	token := r.URL.Query().Get("t")
	refuse := func() {
		s.renderLogin(w, r, http.StatusUnauthorized, loginView{Error: "登录链接无效或已过期，请在公众号里重新发送“登录后台”。"})
	}
	if token == "" || len(token) > 100 {
		refuse()
		return
	}
	ctx := r.Context()
	key := store.AdminLinkKey(token)
	openID, ok, err := s.cache.Get(ctx, key)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if !ok {
		refuse()
		return
	}
	if used, err := s.cache.DeleteIfEquals(ctx, key, openID); err != nil {
		s.fail(w, r, err)
		return
	} else if !used { // someone used it a moment ago
		refuse()
		return
	}
	u, err := s.st.FindUserByOpenID(ctx, openID)
	if err != nil || u.Role != store.RoleAdmin || !u.AnonymisedAt.IsZero() {
		refuse()
		return
	}
	// The name is not kept in the session (the shared cache): it is read
	// from the store on every request (stillAdmin), so that 注销 leaves no
	// copy of it behind.
	if err := s.createSession(ctx, w, r, "", openID, false); err != nil {
		s.fail(w, r, err)
		return
	}
	s.log.Info("admin logged in by chat link", slog.String("openid", openID))
	http.Redirect(w, r, "/admin/", http.StatusSeeOther)
}

// accountUser is the user a password account acts as in the store, so
// that hours it confirms name it as recorder: "admin:<name>", an admin
// that follows nothing (it never receives notices).
func (s *server) accountUser(ctx context.Context, name string) (string, error) {
	openID := "admin:" + name
	if u, err := s.st.FindUserByOpenID(ctx, openID); err == nil && u.Role == store.RoleAdmin {
		return openID, nil
	}
	now := s.now()
	inv, err := store.IssueInvite(ctx, s.st, store.NewInvite{Role: store.RoleAdmin, Name: name, ExpiresAt: now.Add(time.Minute)}, now)
	if err != nil {
		return "", fmt.Errorf("admin: account user: %w", err)
	}
	// Created not following, so that it never receives notices.
	if err := s.st.SetFollowing(ctx, openID, false, now); err != nil {
		return "", fmt.Errorf("admin: account user: %w", err)
	}
	u, err := s.st.FindUserByOpenID(ctx, openID)
	if err != nil {
		return "", fmt.Errorf("admin: account user: %w", err)
	}
	if _, _, err := s.st.RedeemInvite(ctx, u.ID, inv.Code, now, 1<<30, time.Minute); err != nil {
		return "", fmt.Errorf("admin: account user: %w", err)
	}
	return openID, nil
}

package handlers

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"envoybot/bot"
	"envoybot/store"
)

// DeleteAccount answers `注销`: the user's future sign-ups are cancelled
// (the next wait-listed seated and told), then name, mobile and position
// are removed for good with every copy the database keeps, any envoy or
// admin role is dropped and no more notices are sent; the cached copies
// (drafts, pages for 更多, follow-ups, stored replies) and the dashboard
// login links not used yet are deleted.
// Service records stay under an anonymous id. A user with nothing left to
// delete is told so.
func (h *Handlers) DeleteAccount(ctx context.Context, req *Request) (bot.Reply, error) {
	u := req.User
	if u.Name == "" && u.Phone == "" && u.LastLocationAt.IsZero() &&
		u.Role != store.RoleEnvoy && u.Role != store.RoleAdmin {
		if !u.AnonymisedAt.IsZero() {
			return bot.Reply{Text: ForgetText.AlreadyDeleted}, nil
		}
		return bot.Reply{Text: Text.NothingToDelete}, nil
	}
	cancelled, err := h.cancelFutureSignups(ctx, u.ID, req.Now)
	if err != nil {
		return bot.Reply{}, fmt.Errorf("anonymise: %w", err)
	}
	f, err := h.profiles.ForgetUser(ctx, u.ID, req.Now)
	if err != nil {
		return bot.Reply{}, fmt.Errorf("anonymise: %w", err)
	}
	h.forgetCached(ctx, u, f)
	h.log.InfoContext(ctx, "user anonymised", slog.String("openid", req.Msg.OpenID),
		slog.Int("signups_cancelled", cancelled), slog.Int("replies_blanked", len(f.DedupKeys)))
	return bot.Reply{Text: Text.Deleted}, nil
}

// cancelFutureSignups cancels the user's sign-ups for activities not yet
// started, through the same path as 取消报名, so that each freed seat goes
// to the next wait-listed volunteer, who is told. It counts them.
func (h *Handlers) cancelFutureSignups(ctx context.Context, userID int64, now time.Time) (int, error) {
	signups, err := h.signups.ListUserSignups(ctx, userID, now)
	if err != nil {
		return 0, fmt.Errorf("list sign-ups: %w", err)
	}
	n := 0
	for _, s := range signups {
		a := s.Activity
		if a == nil || !now.Before(a.StartsAt) {
			continue // under way: attendance is a record, not a plan
		}
		_, promoted, err := h.signups.CancelSignup(ctx, a.Code, userID, now)
		if store.ErrorCode(err) == store.ENOTFOUND {
			continue
		} else if err != nil {
			return n, fmt.Errorf("cancel sign-up %s: %w", a.Code, err)
		}
		n++
		for _, p := range promoted {
			h.notify(ctx, now, h.promotionNotice(a, p, now))
		}
	}
	return n, nil
}

// forgetCached deletes what the cache may still hold of the user: the
// draft, the rest of a long list, follow-ups, the dashboard login links
// sent in chat and not used yet, the dedup copies of the replies
// ForgetUser blanked, and the pages kept for senders whose replies named
// the user. A cache failure is logged: every one of these expires on its
// own within minutes.
func (h *Handlers) forgetCached(ctx context.Context, u *store.User, f *store.Forgotten) {
	if h.cache == nil {
		return
	}
	keys := []string{draftKey(u.ID), "more:" + u.OpenID,
		followUpKey("venue", u.OpenID), followUpKey("photo", u.OpenID)}
	keys = append(keys, h.adminLinkKeys(ctx, u.OpenID)...)
	for _, k := range f.DedupKeys {
		keys = append(keys, bot.DedupCacheKey(k))
	}
	for _, o := range f.ReplyOpenIDs {
		keys = append(keys, "more:"+o)
	}
	for _, k := range keys {
		if err := h.cache.Delete(ctx, k); err != nil {
			h.log.WarnContext(ctx, "cached copy not deleted at 注销", slog.Any("error", err))
			return
		}
	}
}

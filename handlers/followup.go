package handlers

import (
	"context"
	"log/slog"
)

// A follow-up is a short-lived note that the sender's next message of
// another kind belongs to an earlier command: a location after 发布活动
// sets the venue, a photo after 活动签到 is its evidence.

func followUpKey(kind, openID string) string { return "followup:" + kind + ":" + openID }

// expectFollowUp notes that a follow-up of kind for activity code may come.
func (h *Handlers) expectFollowUp(ctx context.Context, kind, openID, code string) {
	if h.cache == nil {
		return
	}
	if err := h.cache.Set(ctx, followUpKey(kind, openID), code, h.rules.FollowUpWindow); err != nil {
		h.log.WarnContext(ctx, "follow-up not noted", slog.String("kind", kind), slog.Any("error", err))
	}
}

// followUp returns the activity code a follow-up of kind belongs to, or "".
func (h *Handlers) followUp(ctx context.Context, kind, openID string) string {
	if h.cache == nil {
		return ""
	}
	code, ok, err := h.cache.Get(ctx, followUpKey(kind, openID))
	if err != nil {
		h.log.WarnContext(ctx, "follow-up lookup failed", slog.String("kind", kind), slog.Any("error", err))
		return ""
	}
	if !ok {
		return ""
	}
	return code
}

func (h *Handlers) clearFollowUp(ctx context.Context, kind, openID string) {
	if h.cache != nil {
		_ = h.cache.Delete(ctx, followUpKey(kind, openID))
	}
}

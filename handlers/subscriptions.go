package handlers

import (
	"context"

	"envoybot/bot"
	"envoybot/store"
)

// SubscriptionChoices records what a user chose for subscription notice
// templates (订阅通知), in the pop-up or later in the settings: the
// dispatcher sends a kind's subscription notice only to those who
// accepted it. It wants no reply.
func (h *Handlers) SubscriptionChoices(ctx context.Context, req *Request) (bot.Reply, error) {
	if len(req.Msg.Subscriptions) == 0 {
		return bot.Reply{}, nil
	}
	choices := make([]store.SubscriptionChoice, len(req.Msg.Subscriptions))
	for i, c := range req.Msg.Subscriptions {
		choices[i] = store.SubscriptionChoice{TemplateID: c.TemplateID, Accepted: c.Accepted}
	}
	at := req.Msg.CreateTime
	if at.IsZero() || at.Unix() <= 0 {
		at = req.Now
	}
	return bot.Reply{}, h.subscriptions.RecordSubscriptionChoices(ctx, req.Msg.OpenID, choices, at)
}

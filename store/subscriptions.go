package store

import (
	"context"
	"time"
)

// SubscriptionChoice is a user's choice for one subscription notice
// template (订阅通知), from a subscribe_msg_popup_event (the pop-up) or a
// subscribe_msg_change_event (the settings).
type SubscriptionChoice struct {
	TemplateID string
	Accepted   bool
}

// SubscriptionService records who accepted which subscription template;
// the dispatcher sends a subscription notice only to them.
type SubscriptionService interface {
	// RecordSubscriptionChoices records openID's choices as of at (WeChat's
	// CreateTime): a later choice for a template replaces an earlier one,
	// an earlier one arriving late changes nothing.
	RecordSubscriptionChoices(ctx context.Context, openID string, choices []SubscriptionChoice, at time.Time) error
	// SubscriptionAccepted reports whether openID's latest choice for
	// templateID is accept.
	SubscriptionAccepted(ctx context.Context, openID, templateID string) (bool, error)
}

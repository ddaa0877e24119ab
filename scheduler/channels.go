package scheduler

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"
	"unicode/utf8"

	"envoybot/configs"
	"envoybot/store"
)

// Why a channel was passed over, or chosen: a notice's outcome keeps the
// reasons of the channels it passed over, comma-separated, as its error
// (an undeliverable notice's reason, a sent one's why-this-channel), so
// that the outbox page shows both the channel and the reason.
const (
	// WhyInWindow: sent by customer-service message, the user wrote
	// within notices.customer_window and the budget is not used up.
	WhyInWindow = "in_window"
	// WhyOutsideWindow: the user has not written within the window.
	WhyOutsideWindow = "outside_48h"
	// WhyWindowClosed: WeChat answered 45015 (window closed).
	WhyWindowClosed = "window_closed_45015"
	// WhyBudgetUsed: notices.customer_budget customer-service messages
	// went to the user since their last message.
	WhyBudgetUsed = "budget_used"
	// WhyCustomerLimit: WeChat answered 45047 (too many customer-service
	// messages).
	WhyCustomerLimit = "customer_limit_45047"
	// WhyNoSubscription: the kind has no subscription notice configured.
	WhyNoSubscription = "no_subscription"
	// WhyNotSubscribed: the user has not accepted the kind's subscription
	// template (or turned it off).
	WhyNotSubscribed = "not_subscribed"
	// WhySubscriptionRefused: WeChat answered 43101 (not accepted).
	WhySubscriptionRefused = "subscription_refused_43101"
	// WhyNoTemplate: the kind has no template message configured.
	WhyNoTemplate = "no_template"
	// WhyMerged: sent as part of another notice's customer-service
	// message to the same person (see mergeTexts).
	WhyMerged = store.NoticeMerged
)

// WeChat errcodes of the newer channels.
const (
	errSubscriptionRefused = 43101 // the user did not accept (or refused) the template
)

// deliver sends n, with text as its customer-service text, by the first of
// its kind's channels that can carry it (configs Notices.ChannelsFor), and
// returns the outcome. ok is false when the notice must be left alone (its
// lease is nearly over).
func (d *Dispatcher) deliver(ctx context.Context, n *store.Notice, text string, claimedAt time.Time) (o store.NoticeOutcome, ok bool) {
	now := d.now()
	var passed []string // why each channel before was passed over
	last := ""          // the last channel tried
	for _, ch := range d.cfg.ChannelsFor(n.Kind) {
		var (
			err   error
			tried bool
		)
		switch ch {
		case configs.ChannelCustomer:
			if n.LastInteractionAt.IsZero() || now.Sub(n.LastInteractionAt) >= d.cfg.CustomerWindow {
				passed = append(passed, WhyOutsideWindow)
				continue
			}
			if !d.withinBudget(n) {
				passed = append(passed, WhyBudgetUsed)
				continue
			}
			tried, err = true, d.send(ctx, n, claimedAt, func(ctx context.Context) error { return d.api.SendText(ctx, n.OpenID, text) })
			switch errCode(err) {
			case errWindowClosed:
				passed, last = append(passed, WhyWindowClosed), store.ChannelCustomer
				continue
			case errCustomerLimit:
				passed, last = append(passed, WhyCustomerLimit), store.ChannelCustomer
				continue
			}
		case configs.ChannelSubscribe:
			sub, has := d.cfg.Subscription(n.Kind)
			if !has {
				passed = append(passed, WhyNoSubscription)
				continue
			}
			accepted, aerr := d.accepted(ctx, n.OpenID, sub.ID)
			if aerr != nil {
				return d.failure(ctx, n, store.ChannelSubscribe, aerr), true
			}
			if !accepted {
				passed = append(passed, WhyNotSubscribed)
				continue
			}
			data := fieldValues(sub.Fields, n)
			tried, err = true, d.send(ctx, n, claimedAt, func(ctx context.Context) error {
				return d.api.SendSubscribe(ctx, n.OpenID, sub.ID, sub.Page, data)
			})
			if errCode(err) == errSubscriptionRefused {
				passed, last = append(passed, WhySubscriptionRefused), store.ChannelSubscribe
				continue
			}
		case configs.ChannelTemplate:
			tpl, has := d.cfg.Template(n.Kind)
			if !has {
				passed = append(passed, WhyNoTemplate)
				continue
			}
			data := fieldValues(tpl.Fields, n)
			tried, err = true, d.send(ctx, n, claimedAt, func(ctx context.Context) error {
				return d.api.SendTemplate(ctx, n.OpenID, tpl.ID, tpl.URL, data)
			})
		}
		if !tried {
			continue
		}
		switch {
		case errors.Is(err, errLeaseEnding):
			return o, false
		case err == nil:
			why := WhyInWindow
			if len(passed) > 0 {
				why = strings.Join(passed, ",")
			}
			return store.NoticeOutcome{Status: store.NoticeSent, Channel: ch, Error: why}, true
		}
		return d.failure(ctx, n, ch, err), true
	}
	if len(passed) > 0 {
		d.log.Info("no channel can carry the notice", slog.Int64("notice", n.ID), slog.String("why", strings.Join(passed, ",")))
	}
	return undeliverable(last, strings.Join(passed, ",")), true
}

// withinBudget reports whether one more customer-service message to n's
// recipient stays within notices.customer_budget (always, with no budget).
// The count is the outbox's as of the claim (Notice.CustomerSent, counted
// when outcomes are recorded): notices to one person in one claim go as one
// message (see work), but a message whose outcome is not recorded yet is
// not counted, so a burst over several batches may pass the budget by one
// or two; WeChat's own limit (45047) still falls back to the next channel.
func (d *Dispatcher) withinBudget(n *store.Notice) bool {
	return d.cfg.CustomerBudget <= 0 || n.CustomerSent < d.cfg.CustomerBudget
}

// accepted reports whether openID accepted the subscription template.
func (d *Dispatcher) accepted(ctx context.Context, openID, templateID string) (bool, error) {
	if d.subs == nil {
		return false, nil
	}
	ok, err := d.subs.SubscriptionAccepted(ctx, openID, templateID)
	if err != nil {
		return false, fmt.Errorf("scheduler: subscription accepted: %w", err)
	}
	return ok, nil
}

// fieldValues fills a template's or subscription's keys from the notice:
// each key takes the notice field it is mapped to, where "text" is the
// notice's text unless a field of that name exists. WeChat's current rules
// apply: line breaks become spaces, and each value is cut to its key's
// limit (FieldLimit), ending in … when cut. Unknown fields are empty.
func fieldValues(fields map[string]string, n *store.Notice) map[string]string {
	data := make(map[string]string, len(fields))
	for key, field := range fields {
		v, ok := n.Fields[field]
		if !ok && field == "text" {
			v = n.Text
		}
		data[key] = cutValue(v, FieldLimit(key))
	}
	return data
}

// FieldLimit is the longest value, in characters, WeChat takes for a
// template or subscription key: its type is the key without its number
// (thing1 → thing: 20). Keyword keys of other names take 20.
func FieldLimit(key string) int {
	switch strings.TrimRight(key, "0123456789") {
	case "phrase", "symbol":
		return 5
	case "name":
		return 10
	case "character_string", "number", "letter", "car_number":
		return 32
	default:
		return 20
	}
}

// cutValue puts v on one line and cuts it to limit characters.
func cutValue(v string, limit int) string {
	v = strings.Join(strings.Fields(v), " ")
	if utf8.RuneCountInString(v) <= limit {
		return v
	}
	r := []rune(v)
	return string(r[:limit-1]) + "…"
}

// mergeTexts is the customer-service text of notices merged into one
// message: each distinct text once, in order, a blank line between.
func mergeTexts(ns []*store.Notice) string {
	seen := make(map[string]bool, len(ns))
	var parts []string
	for _, n := range ns {
		if t := strings.TrimSpace(n.Text); t != "" && !seen[t] {
			seen[t] = true
			parts = append(parts, t)
		}
	}
	return strings.Join(parts, "\n\n")
}

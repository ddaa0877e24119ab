package handlers

import (
	"context"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"envoybot/bot"
	"envoybot/store"
)

// Issue 11 (part rules): the replies of capped fields and of the daily
// publishing cap. The caps themselves are the store's (store/limits.go,
// configs rules.publish_per_day); the handlers only name them.

// tooLong returns the reply naming the first field over its cap, and
// false when every field fits.
func tooLong(values ...store.FieldValue) (bot.Reply, bool) {
	f, over := store.FirstTooLong(values...)
	if !over {
		return bot.Reply{}, false
	}
	n := 0
	for _, v := range values {
		if v.Field == f {
			n = utf8.RuneCountInString(v.Value)
			break
		}
	}
	label := RulesText.FieldLabels[f.Key]
	if label == "" {
		label = f.Key
	}
	return bot.Reply{Text: fmt.Sprintf(RulesText.FieldTooLong, label, f.Max, n)}, true
}

// tooLongError is the reply to a store error naming a field over its cap
// (a race with the handlers' own check, or a field they did not check).
func tooLongError(err error) (bot.Reply, bool) {
	if store.ErrorCode(err) != store.EINVALID {
		return bot.Reply{}, false
	}
	msg := store.ErrorMessage(err)
	for _, f := range []store.Field{store.FieldName, store.FieldTeamName, store.FieldBrandName,
		store.FieldTitle, store.FieldPlace, store.FieldDescription} {
		if msg == store.MsgFieldTooLong+f.Key {
			return bot.Reply{Text: fmt.Sprintf(RulesText.FieldTooLongPlain, RulesText.FieldLabels[f.Key], f.Max)}, true
		}
	}
	return bot.Reply{}, false
}

// publication is what a publish by req's sender carries to the store: the
// message it comes from, so that a retry of the message returns what the
// first attempt made, and the day's cap (in the campaign's time zone),
// which the store counts in the creating transaction.
func (h *Handlers) publication(ctx context.Context, req *Request) store.Publish {
	return store.Publish{
		OriginKey: bot.MessageKey(ctx),
		CapPerDay: max(h.rules.PublishPerDay, 0),
		DayStart:  startOfDay(req.Now, h.loc),
	}
}

// publishCapReached tells whether the envoy already published the day's
// cap of activities and lectures (in the campaign's time zone); when so
// the reply names the cap and the open draft is dropped. It is asked
// before questions about an unfinished publish, so that nobody is asked
// for what cannot be published today; the store's create is what enforces
// the cap (publishCapRefused).
func (h *Handlers) publishCapReached(ctx context.Context, req *Request) (bot.Reply, bool, error) {
	limit := h.rules.PublishPerDay
	if limit <= 0 || h.published == nil {
		return bot.Reply{}, false, nil
	}
	n, err := h.published.CountPublishedSince(ctx, req.User.ID, startOfDay(req.Now, h.loc))
	if err != nil {
		return bot.Reply{}, false, fmt.Errorf("count published: %w", err)
	}
	if n < limit {
		return bot.Reply{}, false, nil
	}
	return h.publishCapReply(ctx, req, n), true, nil
}

// publishCapRefused is the reply to a create the store refused because
// the envoy reached the day's cap (also when a publish racing this one
// took the last place), and false for any other error.
func (h *Handlers) publishCapRefused(ctx context.Context, req *Request, err error) (bot.Reply, bool) {
	if store.ErrorCode(err) != store.EFORBIDDEN || store.ErrorMessage(err) != store.MsgPublishCap {
		return bot.Reply{}, false
	}
	n := h.rules.PublishPerDay
	if h.published != nil {
		if counted, err := h.published.CountPublishedSince(ctx, req.User.ID, startOfDay(req.Now, h.loc)); err == nil {
			n = counted
		}
	}
	return h.publishCapReply(ctx, req, n), true
}

// publishCapReply names the cap after n publishes today and drops the
// open draft.
func (h *Handlers) publishCapReply(ctx context.Context, req *Request, n int) bot.Reply {
	h.dropDraft(ctx, req)
	return bot.Reply{Text: fmt.Sprintf(RulesText.PublishCap, n, h.rules.PublishPerDay)}
}

// startOfDay is midnight of t's day in loc.
func startOfDay(t time.Time, loc *time.Location) time.Time {
	y, m, d := t.In(loc).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, loc)
}

// unmetReason says why the target with key is not met, "" when there is
// nothing to add: a team counts once it has a member.
func unmetReason(p *store.Progress, key string) string {
	switch key {
	case "contact_point":
		return RulesText.WhyNoContactPoint
	case "team":
		if len(p.Teams) == 0 {
			return RulesText.WhyNoTeam
		}
		codes := make([]string, 0, len(p.Teams))
		for _, t := range p.Teams {
			codes = append(codes, t.Code)
		}
		return fmt.Sprintf(RulesText.WhyTeamEmpty, strings.Join(codes, "、"), p.Teams[0].Code)
	case "brand":
		return RulesText.WhyNoBrand
	}
	return ""
}

package storetest

import (
	"context"
	"testing"
	"time"

	"envoybot/store"
)

func runSubscriptionConformance(t *testing.T, open func(t *testing.T) store.Store) {
	accepted := func(t *testing.T, s store.Store, openID, tpl string) bool {
		t.Helper()
		ok, err := s.SubscriptionAccepted(t.Context(), openID, tpl)
		if err != nil {
			t.Fatalf("SubscriptionAccepted: %v", err)
		}
		return ok
	}
	t.Run("nobody accepted anything at first", func(t *testing.T) {
		s := open(t)
		if accepted(t, s, "o-1", "SUB-A") {
			t.Error("accepted with no choice recorded")
		}
	})
	t.Run("the latest choice per template counts", func(t *testing.T) {
		s := open(t)
		ctx := t.Context()
		if err := s.RecordSubscriptionChoices(ctx, "o-1", []store.SubscriptionChoice{
			{TemplateID: "SUB-A", Accepted: true}, {TemplateID: "SUB-B", Accepted: false},
		}, base); err != nil {
			t.Fatalf("RecordSubscriptionChoices: %v", err)
		}
		if !accepted(t, s, "o-1", "SUB-A") || accepted(t, s, "o-1", "SUB-B") || accepted(t, s, "o-2", "SUB-A") {
			t.Fatal("choices not as recorded")
		}
		// Turned off in the settings later.
		if err := s.RecordSubscriptionChoices(ctx, "o-1", []store.SubscriptionChoice{{TemplateID: "SUB-A"}}, base.Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
		if accepted(t, s, "o-1", "SUB-A") {
			t.Error("still accepted after a later reject")
		}
		// An earlier accept delivered late changes nothing.
		if err := s.RecordSubscriptionChoices(ctx, "o-1", []store.SubscriptionChoice{{TemplateID: "SUB-A", Accepted: true}}, base.Add(time.Minute)); err != nil {
			t.Fatal(err)
		}
		if accepted(t, s, "o-1", "SUB-A") {
			t.Error("an older accept replaced a newer reject")
		}
	})
	t.Run("no openid is invalid", func(t *testing.T) {
		s := open(t)
		err := s.RecordSubscriptionChoices(t.Context(), "", []store.SubscriptionChoice{{TemplateID: "SUB-A", Accepted: true}}, base)
		if store.ErrorCode(err) != store.EINVALID {
			t.Errorf("err = %v, want %s", err, store.EINVALID)
		}
	})
}

// runBudgetConformance: the customer-service messages recorded as sent to
// a user since their last interaction come back with the next claim.
func runBudgetConformance(t *testing.T, open func(t *testing.T) store.Store) {
	ctx := func(t *testing.T) context.Context { return t.Context() }
	claimFor := func(t *testing.T, s store.Store, at time.Time, openID string) []*store.Notice {
		t.Helper()
		ns, err := s.ClaimNotices(ctx(t), "r1", at, 100, time.Minute)
		if err != nil {
			t.Fatalf("ClaimNotices: %v", err)
		}
		var out []*store.Notice
		for _, n := range ns {
			if n.OpenID == openID {
				out = append(out, n)
			}
		}
		return out
	}
	sentBy := func(channel, why string) store.NoticeOutcome {
		return store.NoticeOutcome{Status: store.NoticeSent, Channel: channel, Error: why}
	}
	t.Run("customer-service sends count until the user writes again", func(t *testing.T) {
		s := open(t)
		mustTouch(t, s, "o-1", base)
		mustEnqueue(t, s, base, 4, notice("L1", "o-1", 24), notice("L2", "o-1", 24), notice("L3", "o-1", 24), notice("L4", "o-1", 24))
		ns := claimFor(t, s, base, "o-1")
		if len(ns) != 4 || ns[0].CustomerSent != 0 {
			t.Fatalf("claimed %d, CustomerSent %d; want 4 and 0", len(ns), ns[0].CustomerSent)
		}
		// Two sent in a batch, one merged into another's message, one by
		// template: two count.
		lost, err := s.CompleteNotices(ctx(t), "r1", []store.NoticeOutcomeFor{
			{ID: ns[0].ID, Outcome: sentBy(store.ChannelCustomer, "in_window")},
			{ID: ns[1].ID, Outcome: sentBy(store.ChannelCustomer, store.NoticeMerged)},
			{ID: ns[2].ID, Outcome: sentBy(store.ChannelTemplate, "budget_used")},
		}, base)
		if err != nil || len(lost) != 0 {
			t.Fatalf("CompleteNotices: %v %v", lost, err)
		}
		if err := s.CompleteNotice(ctx(t), ns[3].ID, "r1", sentBy(store.ChannelCustomer, "in_window"), base); err != nil {
			t.Fatalf("CompleteNotice: %v", err)
		}
		mustEnqueue(t, s, base, 1, notice("L5", "o-1", 24))
		if ns := claimFor(t, s, base, "o-1"); len(ns) != 1 || ns[0].CustomerSent != 2 {
			t.Fatalf("after two customer-service sends: %+v, want CustomerSent 2", ns)
		}
		mustTouch(t, s, "o-1", base.Add(time.Hour))
		mustEnqueue(t, s, base, 1, notice("L6", "o-1", 24))
		ns = claimFor(t, s, base.Add(time.Hour), "o-1") // L6, and L5 whose lease ran out
		if len(ns) != 2 {
			t.Fatalf("claimed %d notices, want 2", len(ns))
		}
		for _, n := range ns {
			if n.CustomerSent != 0 {
				t.Errorf("after the user wrote again: %s has CustomerSent %d, want 0", n.Key, n.CustomerSent)
			}
		}
	})
}

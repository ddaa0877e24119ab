package storetest

import (
	"database/sql"
	"fmt"
	"maps"
	"slices"
	"sync"
	"testing"
	"time"

	"envoybot/store"
)

// lease is how long the suite's dispatchers hold a claim.
const lease = time.Minute

// notice is a lecture notice for openID about subject, keyed by both and n.
func notice(subject, openID string, n int) store.NewNotice {
	return store.NewNotice{
		Key:     fmt.Sprintf("lecture_notice|%s|%s|%d", subject, openID, n),
		Kind:    "lecture_notice",
		Subject: subject,
		OpenID:  openID,
		Text:    "明天上午9:30 法律知识讲座，古槐社区活动室",
		Fields:  map[string]string{"thing1": "法律知识讲座", "time2": "12月6日 09:30"},
	}
}

// mustEnqueue enqueues ns at at and checks how many were new.
func mustEnqueue(t *testing.T, s store.Store, at time.Time, want int, ns ...store.NewNotice) {
	t.Helper()
	n, err := s.EnqueueNotices(t.Context(), ns, at)
	if err != nil || n != want {
		t.Fatalf("EnqueueNotices = %d, %v; want %d new", n, err, want)
	}
}

// mustClaim claims for replica at at and returns the claimed notices.
func mustClaim(t *testing.T, s store.Store, replica string, at time.Time, limit int) []*store.Notice {
	t.Helper()
	claimed, err := s.ClaimNotices(t.Context(), replica, at, limit, lease)
	if err != nil {
		t.Fatalf("ClaimNotices(%s): %v", replica, err)
	}
	if claimed == nil {
		t.Fatalf("ClaimNotices(%s) = nil, want a slice", replica)
	}
	return claimed
}

// withClaim opens a fresh store with one notice (L3 for o-1) enqueued at
// base and claimed there by replica r1; it returns the notice's id.
func withClaim(t *testing.T, open func(t *testing.T) store.Store) (store.Store, int64) {
	t.Helper()
	s := open(t)
	mustEnqueue(t, s, base, 1, notice("L3", "o-1", 1))
	return s, mustClaim(t, s, "r1", base, 10)[0].ID
}

// mustComplete completes notice id for replica.
func mustComplete(t *testing.T, s store.Store, id int64, replica string, o store.NoticeOutcome, at time.Time) {
	t.Helper()
	if err := s.CompleteNotice(t.Context(), id, replica, o, at); err != nil {
		t.Fatalf("CompleteNotice(%d, %s, %+v): %v", id, replica, o, err)
	}
}

// sent is a successful customer-service attempt.
var sent = store.NoticeOutcome{Status: store.NoticeSent, Channel: store.ChannelCustomer}

// noticeIDs are the ids of the notices, in order.
func noticeIDs(ns []*store.Notice) []int64 {
	ids := make([]int64, len(ns))
	for i, n := range ns {
		ids[i] = n.ID
	}
	return ids
}

// mustListNotices lists every notice of kind, newest first.
func mustListNotices(t *testing.T, s store.Store, kind string) []*store.Notice {
	t.Helper()
	list, err := s.ListNotices(t.Context(), kind, 0)
	if err != nil {
		t.Fatalf("ListNotices(%q): %v", kind, err)
	}
	return list
}

// assertCounts checks NoticeCounts.
func assertCounts(t *testing.T, s store.Store, want map[string]int) {
	t.Helper()
	got, err := s.NoticeCounts(t.Context())
	if err != nil {
		t.Fatalf("NoticeCounts: %v", err)
	}
	if !maps.Equal(got, want) {
		t.Fatalf("NoticeCounts = %v, want %v", got, want)
	}
}

func runOutboxConformance(t *testing.T, open func(t *testing.T) store.Store) {
	t.Run("enqueue writes each key once", func(t *testing.T) {
		s := open(t)
		a, b := notice("L3", "o-1", 24), notice("L3", "o-2", 24)
		mustEnqueue(t, s, base, 2, a, b, a)
		mustEnqueue(t, s, later, 1, b, notice("L3", "o-1", 1), a)
		list := mustListNotices(t, s, "")
		if len(list) != 3 {
			t.Fatalf("ListNotices = %d notices, want 3", len(list))
		}
		got := list[2]
		if got.ID == 0 || got.Key != a.Key || got.Kind != a.Kind || got.Subject != "L3" || got.OpenID != "o-1" ||
			got.Text != a.Text || !maps.Equal(got.Fields, a.Fields) || got.Status != store.NoticePending ||
			got.Attempts != 0 || got.Channel != "" || got.LastError != "" {
			t.Fatalf("first notice = %+v, want %+v pending", got, a)
		}
		assertTime(t, "NextAttemptAt", got.NextAttemptAt, base)
		assertTime(t, "CreatedAt", got.CreatedAt, base)
		assertTime(t, "SentAt", got.SentAt, time.Time{})
		assertTime(t, "CreatedAt of the later notice", list[0].CreatedAt, later)
	})

	t.Run("a notice without fields reads back with none", func(t *testing.T) {
		s := open(t)
		n := store.NewNotice{Key: "k", Kind: "deadline_reminder", Subject: "contact_point", OpenID: "o-1", Text: "请尽快联系社区"}
		mustEnqueue(t, s, base, 1, n)
		got := mustListNotices(t, s, "")[0]
		if got.Fields == nil || len(got.Fields) != 0 || got.Text != n.Text {
			t.Fatalf("notice = %+v, want the text and empty non-nil fields", got)
		}
	})

	t.Run("not before in the future delays the first attempt", func(t *testing.T) {
		s := open(t)
		delayed, past := notice("L3", "o-1", 1), notice("L3", "o-2", 1)
		delayed.NotBefore = base.Add(time.Hour)
		past.NotBefore = base.Add(-time.Hour)
		mustEnqueue(t, s, base, 2, delayed, past)
		list := mustListNotices(t, s, "")
		assertTime(t, "NextAttemptAt of a delayed notice", list[1].NextAttemptAt, base.Add(time.Hour))
		assertTime(t, "NextAttemptAt of a notice not before the past", list[0].NextAttemptAt, base)
		if got := mustClaim(t, s, "r1", base.Add(59*time.Minute), 10); len(got) != 1 || got[0].OpenID != "o-2" {
			t.Fatalf("claim before NotBefore = %+v, want only o-2's notice", got)
		}
		if got := mustClaim(t, s, "r1", base.Add(time.Hour), 10); len(got) != 1 || got[0].OpenID != "o-1" {
			t.Fatalf("claim at NotBefore = %+v, want o-1's notice", got)
		}
	})

	t.Run("enqueue rejects a notice without key kind or recipient and writes nothing", func(t *testing.T) {
		for name, broken := range map[string]func(n *store.NewNotice){
			"no key":       func(n *store.NewNotice) { n.Key = " " },
			"no kind":      func(n *store.NewNotice) { n.Kind = "" },
			"no recipient": func(n *store.NewNotice) { n.OpenID = "" },
		} {
			t.Run(name, func(t *testing.T) {
				s := open(t)
				bad := notice("L3", "o-2", 1)
				broken(&bad)
				_, err := s.EnqueueNotices(t.Context(), []store.NewNotice{notice("L3", "o-1", 1), bad}, base)
				assertCode(t, "EnqueueNotices", err, store.EINVALID, "")
				if list := mustListNotices(t, s, ""); len(list) != 0 {
					t.Fatalf("ListNotices = %d notices after a rejected batch, want none", len(list))
				}
			})
		}
	})

	t.Run("enqueue of nothing adds nothing", func(t *testing.T) {
		mustEnqueue(t, open(t), base, 0)
	})

	t.Run("claim leases due notices oldest first up to the limit", func(t *testing.T) {
		s := open(t)
		for i := range 5 {
			mustEnqueue(t, s, base, 1, notice("L3", fmt.Sprintf("o-%d", i+1), 1))
		}
		first := mustClaim(t, s, "r1", base, 3)
		if ids := noticeIDs(first); len(ids) != 3 || !slices.IsSorted(ids) {
			t.Fatalf("first claim ids = %v, want 3 ascending", ids)
		}
		if first[0].OpenID != "o-1" || first[2].OpenID != "o-3" {
			t.Fatalf("first claim = %s … %s, want o-1 … o-3", first[0].OpenID, first[2].OpenID)
		}
		for _, n := range first {
			if n.Status != store.NoticeSending || n.Attempts != 1 {
				t.Fatalf("claimed notice = %+v, want sending on attempt 1", n)
			}
		}
		second := mustClaim(t, s, "r2", base, 10)
		if len(second) != 2 || second[0].OpenID != "o-4" || second[1].OpenID != "o-5" {
			t.Fatalf("second claim = %v, want o-4 and o-5", noticeIDs(second))
		}
		if third := mustClaim(t, s, "r3", base.Add(lease-time.Second), 10); len(third) != 0 {
			t.Fatalf("third claim = %v while the leases live, want none", noticeIDs(third))
		}
		assertCounts(t, s, map[string]int{store.NoticeSending: 5})
	})

	t.Run("a claim after an id leases only the due notices above it", func(t *testing.T) {
		s := open(t)
		for i := range 6 {
			mustEnqueue(t, s, base, 1, notice("L3", fmt.Sprintf("o-%d", i+1), 1))
		}
		all, err := s.ListNotices(t.Context(), "", 0)
		if err != nil || len(all) != 6 {
			t.Fatalf("ListNotices = %d, %v", len(all), err)
		}
		ids := noticeIDs(all)
		slices.Sort(ids)
		claimAfter := func(replica string, after int64, at time.Time, limit int) []int64 {
			t.Helper()
			got, err := s.ClaimNoticesAfter(t.Context(), replica, after, at, limit, lease)
			if err != nil {
				t.Fatalf("ClaimNoticesAfter(%s, %d): %v", replica, after, err)
			}
			for _, n := range got {
				if n.Status != store.NoticeSending || n.Attempts < 1 || n.Text == "" {
					t.Fatalf("claimed notice = %+v, want sending with its text", n)
				}
			}
			return noticeIDs(got)
		}
		if got := claimAfter("r1", ids[2], base, 2); !slices.Equal(got, ids[3:5]) {
			t.Fatalf("claim after %d = %v, want %v", ids[2], got, ids[3:5])
		}
		// From the start, past r1's live leases.
		if got, want := claimAfter("r2", 0, base, 10), []int64{ids[0], ids[1], ids[2], ids[5]}; !slices.Equal(got, want) {
			t.Fatalf("claim from the start = %v, want %v", got, want)
		}
		if got := claimAfter("r3", ids[5], base, 10); len(got) != 0 {
			t.Fatalf("claim after the last notice = %v, want none", got)
		}
		// Once the leases ran out, a claim after an id takes over only
		// those above it.
		if got := claimAfter("r3", ids[3], base.Add(lease+time.Second), 10); !slices.Equal(got, ids[4:]) {
			t.Fatalf("claim after %d past the leases = %v, want %v", ids[3], got, ids[4:])
		}
		if _, err := s.ClaimNoticesAfter(t.Context(), "", 0, base, 10, lease); store.ErrorCode(err) != store.EINVALID {
			t.Fatalf("ClaimNoticesAfter without a replica = %v, want EINVALID", err)
		}
	})

	t.Run("claim carries the recipient's following, anonymisation and last interaction", func(t *testing.T) {
		s := open(t)
		mustTouch(t, s, "o-follower", base.Add(-time.Hour))
		mustTouch(t, s, "o-gone", base.Add(-2*time.Hour))
		if err := s.SetFollowing(t.Context(), "o-gone", false, base); err != nil {
			t.Fatalf("SetFollowing: %v", err)
		}
		deleted := mustTouch(t, s, "o-deleted", base.Add(-3*time.Hour))
		if _, err := s.AnonymiseUser(t.Context(), deleted.ID, base); err != nil {
			t.Fatalf("AnonymiseUser: %v", err)
		}
		mustEnqueue(t, s, base, 4, notice("L3", "o-follower", 1), notice("L3", "o-gone", 1),
			notice("L3", "o-deleted", 1), notice("L3", "o-stranger", 1))
		claimed := mustClaim(t, s, "r1", base, 10)
		if len(claimed) != 4 {
			t.Fatalf("claimed %d, want 4", len(claimed))
		}
		want := []struct {
			openID      string
			following   bool
			anonymised  bool
			interaction time.Time
		}{
			{"o-follower", true, false, base.Add(-time.Hour)},
			{"o-gone", false, false, base.Add(-2 * time.Hour)},
			{"o-deleted", false, true, base.Add(-3 * time.Hour)},
			{"o-stranger", false, false, time.Time{}},
		}
		for i, w := range want {
			n := claimed[i]
			if n.OpenID != w.openID || n.Following != w.following || n.Anonymised != w.anonymised {
				t.Errorf("claimed[%d] = %s following %v anonymised %v; want %s %v %v",
					i, n.OpenID, n.Following, n.Anonymised, w.openID, w.following, w.anonymised)
			}
			assertTime(t, "LastInteractionAt of "+w.openID, n.LastInteractionAt, w.interaction)
		}
	})

	t.Run("an expired lease is claimed again by another replica", func(t *testing.T) {
		s, id := withClaim(t, open)
		if got := mustClaim(t, s, "r2", base.Add(lease), 10); len(got) != 0 {
			t.Fatalf("claim at the lease's end = %v, want none", noticeIDs(got))
		}
		again := mustClaim(t, s, "r2", base.Add(lease+time.Second), 10)
		if len(again) != 1 || again[0].ID != id || again[0].Attempts != 2 || again[0].Status != store.NoticeSending {
			t.Fatalf("claim after the lease = %+v, want notice %d on attempt 2", again, id)
		}
		err := s.CompleteNotice(t.Context(), id, "r1", sent, base.Add(2*lease))
		assertCode(t, "CompleteNotice by the replica that lost the lease", err, store.ECONFLICT, "")
		mustComplete(t, s, id, "r2", sent, base.Add(2*lease))
		assertCounts(t, s, map[string]int{store.NoticeSent: 1})
	})

	t.Run("the holder of an expired lease nobody took over may still complete", func(t *testing.T) {
		s, id := withClaim(t, open)
		mustComplete(t, s, id, "r1", sent, base.Add(2*lease))
		assertCounts(t, s, map[string]int{store.NoticeSent: 1})
	})

	t.Run("sent by the lease holder is recorded and never claimed again", func(t *testing.T) {
		s, id := withClaim(t, open)
		mustComplete(t, s, id, "r1", sent, base.Add(time.Second))
		got := mustListNotices(t, s, "")[0]
		if got.Status != store.NoticeSent || got.Channel != store.ChannelCustomer || got.LastError != "" || got.Attempts != 1 {
			t.Fatalf("sent notice = %+v", got)
		}
		assertTime(t, "SentAt", got.SentAt, base.Add(time.Second))
		if again := mustClaim(t, s, "r2", base.Add(time.Hour), 10); len(again) != 0 {
			t.Fatalf("claim after sending = %v, want none", noticeIDs(again))
		}
		attempts := noticeAttempts(t, s, id)
		if len(attempts) != 1 || !attempts[0].OK || attempts[0].Status != store.NoticeSent ||
			attempts[0].Channel != store.ChannelCustomer || attempts[0].Error != "" {
			t.Fatalf("attempts = %+v, want one successful customer-service attempt", attempts)
		}
		assertTime(t, "attempt At", attempts[0].At, base.Add(time.Second))
	})

	t.Run("pending outcome retries at the next attempt time and keeps the error", func(t *testing.T) {
		s, id := withClaim(t, open)
		retry := store.NoticeOutcome{Status: store.NoticePending, Channel: store.ChannelTemplate,
			Error: "http 502", NextAttemptAt: base.Add(5 * time.Minute)}
		mustComplete(t, s, id, "r1", retry, base.Add(time.Second))
		got := mustListNotices(t, s, "")[0]
		if got.Status != store.NoticePending || got.LastError != "http 502" || got.Channel != store.ChannelTemplate {
			t.Fatalf("notice to retry = %+v", got)
		}
		assertTime(t, "NextAttemptAt", got.NextAttemptAt, base.Add(5*time.Minute))
		if early := mustClaim(t, s, "r1", base.Add(5*time.Minute-time.Second), 10); len(early) != 0 {
			t.Fatalf("claim before the retry time = %v, want none", noticeIDs(early))
		}
		again := mustClaim(t, s, "r2", base.Add(5*time.Minute), 10)
		if len(again) != 1 || again[0].Attempts != 2 || again[0].LastError != "http 502" {
			t.Fatalf("claim at the retry time = %+v, want the notice on attempt 2", again)
		}
		mustComplete(t, s, id, "r2", sent, base.Add(6*time.Minute))
		attempts := noticeAttempts(t, s, id)
		if len(attempts) != 2 || attempts[0].OK || attempts[0].Status != store.NoticePending ||
			attempts[0].Error != "http 502" || !attempts[1].OK {
			t.Fatalf("attempts = %+v, want a failed one then a sent one", attempts)
		}
	})

	t.Run("pending outcome without a time is due at once", func(t *testing.T) {
		s, id := withClaim(t, open)
		mustComplete(t, s, id, "r1", store.NoticeOutcome{Status: store.NoticePending, Error: "token refreshed"}, base.Add(time.Second))
		if again := mustClaim(t, s, "r1", base.Add(time.Second), 10); len(again) != 1 {
			t.Fatalf("claim = %v, want the notice again", noticeIDs(again))
		}
	})

	t.Run("failed and undeliverable outcomes are final and counted", func(t *testing.T) {
		s := open(t)
		mustEnqueue(t, s, base, 4, notice("L3", "o-1", 1), notice("L3", "o-2", 1), notice("L3", "o-3", 1), notice("L3", "o-4", 1))
		claimed := mustClaim(t, s, "r1", base, 10)
		mustComplete(t, s, claimed[0].ID, "r1", store.NoticeOutcome{Status: store.NoticeFailed, Channel: store.ChannelCustomer, Error: "gave up after 8 attempts"}, base)
		mustComplete(t, s, claimed[1].ID, "r1", store.NoticeOutcome{Status: store.NoticeUndeliverable, Error: "no template for kind"}, base)
		mustComplete(t, s, claimed[2].ID, "r1", store.NoticeOutcome{Status: store.NoticeUndeliverable, Error: "no template for kind"}, base)
		mustComplete(t, s, claimed[3].ID, "r1", store.NoticeOutcome{Status: store.NoticeUndeliverable, Error: "unfollowed"}, base)
		if again := mustClaim(t, s, "r1", base.Add(24*time.Hour), 10); len(again) != 0 {
			t.Fatalf("claim = %v, want none of the final notices", noticeIDs(again))
		}
		assertCounts(t, s, map[string]int{
			store.NoticeFailed: 1, store.NoticeUndeliverable: 3,
			"undeliverable:no template for kind": 2, "undeliverable:unfollowed": 1,
		})
		failed := mustListNotices(t, s, "")[3]
		if failed.Status != store.NoticeFailed || failed.LastError != "gave up after 8 attempts" || !failed.SentAt.IsZero() {
			t.Fatalf("failed notice = %+v", failed)
		}
	})

	t.Run("complete is refused to anyone but the lease holder", func(t *testing.T) {
		s := open(t)
		mustEnqueue(t, s, base, 2, notice("L3", "o-1", 1), notice("L3", "o-2", 1))
		claimed := mustClaim(t, s, "r1", base, 1)
		id := claimed[0].ID
		err := s.CompleteNotice(t.Context(), id, "r2", sent, base)
		assertCode(t, "CompleteNotice by another replica", err, store.ECONFLICT, "")
		pendingID := mustListNotices(t, s, "")[0].ID
		err = s.CompleteNotice(t.Context(), pendingID, "r1", sent, base)
		assertCode(t, "CompleteNotice of an unclaimed notice", err, store.ECONFLICT, "")
		err = s.CompleteNotice(t.Context(), id, "r1", store.NoticeOutcome{Status: store.NoticeSending}, base)
		assertCode(t, "CompleteNotice as sending", err, store.EINVALID, "")
		err = s.CompleteNotice(t.Context(), 999999, "r1", sent, base)
		assertCode(t, "CompleteNotice of an unknown notice", err, store.ENOTFOUND, "")
		assertCounts(t, s, map[string]int{store.NoticeSending: 1, store.NoticePending: 1})
		if got := noticeAttempts(t, s, id); len(got) != 0 {
			t.Fatalf("attempts after refused completions = %+v, want none", got)
		}
		mustComplete(t, s, id, "r1", sent, base)
		err = s.CompleteNotice(t.Context(), id, "r1", sent, base)
		assertCode(t, "CompleteNotice twice", err, store.ECONFLICT, "")
		if got := noticeAttempts(t, s, id); len(got) != 1 {
			t.Fatalf("attempts = %+v, want one", got)
		}
	})

	t.Run("a batch of outcomes completes each exactly as one completion does", func(t *testing.T) {
		s := open(t)
		// Times finer than a microsecond: both ways must store them alike.
		at := base.Add(time.Second + 789)
		outcomes := []store.NoticeOutcome{
			sent,
			{Status: store.NoticeSent, Channel: store.ChannelTemplate},
			{Status: store.NoticePending, Channel: store.ChannelTemplate, Error: "http 502", NextAttemptAt: base.Add(5*time.Minute + 999)},
			{Status: store.NoticePending, Error: "released: dispatcher stopped"},
			{Status: store.NoticeFailed, Channel: store.ChannelCustomer, Error: "gave up after 24h0m0s: http 502"},
			{Status: store.NoticeUndeliverable, Error: "unfollowed"},
			{Status: store.NoticeUndeliverable, Channel: store.ChannelCustomer, Error: "no_template_outside_48h"},
		}
		// Two sets of the same notices: one completed one at a time, the
		// other in one batch.
		for _, set := range []string{"single", "batch"} {
			var ns []store.NewNotice
			for i := range outcomes {
				ns = append(ns, notice("L3", fmt.Sprintf("o-%s-%d", set, i), 1))
			}
			mustEnqueue(t, s, base, len(ns), ns...)
		}
		claimed := mustClaim(t, s, "r1", base, 100)
		if len(claimed) != 2*len(outcomes) {
			t.Fatalf("claimed %d, want %d", len(claimed), 2*len(outcomes))
		}
		single, batched := claimed[:len(outcomes)], claimed[len(outcomes):]
		var batch []store.NoticeOutcomeFor
		for i, o := range outcomes {
			mustComplete(t, s, single[i].ID, "r1", o, at)
			batch = append(batch, store.NoticeOutcomeFor{ID: batched[i].ID, Outcome: o})
		}
		notHeld, err := s.CompleteNotices(t.Context(), "r1", batch, at)
		if err != nil || len(notHeld) != 0 {
			t.Fatalf("CompleteNotices = %v, %v; want every notice recorded", notHeld, err)
		}
		for i, o := range outcomes {
			want, got := outboxRow(t, s, single[i].ID), outboxRow(t, s, batched[i].ID)
			if got != want {
				t.Errorf("outcome %+v: batch left %+v, one completion %+v", o, got, want)
			}
			wantAttempts, gotAttempts := noticeAttempts(t, s, single[i].ID), noticeAttempts(t, s, batched[i].ID)
			if !slices.Equal(gotAttempts, wantAttempts) || len(gotAttempts) != 1 {
				t.Errorf("outcome %+v: batch recorded attempts %+v, one completion %+v", o, gotAttempts, wantAttempts)
			}
		}
		// Spot checks that both are what CompleteNotice is specified to do.
		if got := outboxRow(t, s, batched[0].ID); got.Status != store.NoticeSent || got.ClaimedBy != "" ||
			!got.ClaimedUntil.IsZero() || !got.SentAt.Equal(at.Truncate(time.Microsecond)) || got.Attempts != 1 {
			t.Errorf("sent in a batch: %+v", got)
		}
		if got := outboxRow(t, s, batched[3].ID); got.Status != store.NoticePending || !got.NextAttemptAt.Equal(at.Truncate(time.Microsecond)) {
			t.Errorf("pending without a time in a batch: %+v, want due at %s", got, at)
		}
		assertCounts(t, s, map[string]int{store.NoticeSent: 4, store.NoticePending: 4, store.NoticeFailed: 2,
			store.NoticeUndeliverable: 4, "undeliverable:unfollowed": 2, "undeliverable:no_template_outside_48h": 2})
	})

	t.Run("a batch leaves alone and reports the notices its replica no longer holds", func(t *testing.T) {
		s := open(t)
		for i := range 5 {
			mustEnqueue(t, s, base, 1, notice("L3", fmt.Sprintf("o-%d", i+1), 1))
		}
		ids := noticeIDs(mustClaim(t, s, "r1", base, 10))
		// r1's lease runs out; r2 takes the first two over and completes
		// one of them; r1 itself completed the third already.
		mustComplete(t, s, ids[2], "r1", sent, base.Add(time.Second))
		taken := noticeIDs(mustClaim(t, s, "r2", base.Add(lease+time.Second), 2))
		if !slices.Equal(taken, ids[:2]) {
			t.Fatalf("r2 took over %v, want %v", taken, ids[:2])
		}
		retry := store.NoticeOutcome{Status: store.NoticePending, Channel: store.ChannelCustomer, Error: "http 503", NextAttemptAt: base.Add(time.Hour)}
		if lost, err := s.CompleteNotices(t.Context(), "r2", []store.NoticeOutcomeFor{{ID: ids[1], Outcome: retry}}, base.Add(lease+2*time.Second)); err != nil || len(lost) != 0 {
			t.Fatalf("r2's CompleteNotices = %v, %v; want recorded", lost, err)
		}
		r2Holds := outboxRow(t, s, ids[0])
		r2Retry := outboxRow(t, s, ids[1])

		const unknown = 999999
		var batch []store.NoticeOutcomeFor
		for _, id := range append(slices.Clone(ids), unknown) {
			batch = append(batch, store.NoticeOutcomeFor{ID: id, Outcome: sent})
		}
		lost, err := s.CompleteNotices(t.Context(), "r1", batch, base.Add(2*lease))
		if err != nil {
			t.Fatalf("r1's CompleteNotices: %v", err)
		}
		if want := []int64{ids[0], ids[1], ids[2], unknown}; !slices.Equal(lost, want) {
			t.Fatalf("r1's CompleteNotices reported %v not held, want %v", lost, want)
		}
		if got := outboxRow(t, s, ids[0]); got != r2Holds || got.ClaimedBy != "r2" || got.Status != store.NoticeSending {
			t.Errorf("the notice r2 holds became %+v, want it untouched: %+v", got, r2Holds)
		}
		if got := outboxRow(t, s, ids[1]); got != r2Retry || got.Status != store.NoticePending {
			t.Errorf("the notice r2 completed became %+v, want it untouched: %+v", got, r2Retry)
		}
		for _, id := range ids[:3] {
			if n := len(noticeAttempts(t, s, id)); (id == ids[0] && n != 0) || (id != ids[0] && n != 1) {
				t.Errorf("notice %d has %d attempts recorded; r1's batch must add none", id, n)
			}
		}
		for _, id := range ids[3:] {
			if got := outboxRow(t, s, id); got.Status != store.NoticeSent || got.ClaimedBy != "" {
				t.Errorf("notice %d r1 still held: %+v, want sent", id, got)
			}
		}
		assertCounts(t, s, map[string]int{store.NoticeSent: 3, store.NoticeSending: 1, store.NoticePending: 1})
	})

	t.Run("a batch with an invalid outcome or a notice twice writes nothing", func(t *testing.T) {
		s := open(t)
		mustEnqueue(t, s, base, 2, notice("L3", "o-1", 1), notice("L3", "o-2", 1))
		ids := noticeIDs(mustClaim(t, s, "r1", base, 10))
		for name, batch := range map[string][]store.NoticeOutcomeFor{
			"sending":   {{ID: ids[0], Outcome: sent}, {ID: ids[1], Outcome: store.NoticeOutcome{Status: store.NoticeSending}}},
			"no status": {{ID: ids[0], Outcome: sent}, {ID: ids[1]}},
			"twice":     {{ID: ids[0], Outcome: sent}, {ID: ids[1], Outcome: sent}, {ID: ids[0], Outcome: sent}},
		} {
			lost, err := s.CompleteNotices(t.Context(), "r1", batch, base)
			assertCode(t, "CompleteNotices "+name, err, store.EINVALID, "")
			if lost != nil {
				t.Errorf("CompleteNotices %s reported %v", name, lost)
			}
		}
		assertCounts(t, s, map[string]int{store.NoticeSending: 2})
		if lost, err := s.CompleteNotices(t.Context(), "r1", nil, base); err != nil || lost != nil {
			t.Fatalf("CompleteNotices of nothing = %v, %v", lost, err)
		}
		assertCounts(t, s, map[string]int{store.NoticeSending: 2})
	})

	t.Run("batches racing a takeover: each notice is completed by its holder only", func(t *testing.T) {
		s := open(t)
		const total, chunk = 400, 20
		ns := make([]store.NewNotice, total)
		for i := range ns {
			ns[i] = notice("L3", fmt.Sprintf("o-%d", i), 1)
		}
		mustEnqueue(t, s, base, total, ns...)
		ids := noticeIDs(mustClaim(t, s, "r1", base, total))
		// r1 completes its (expired) claims in batches while r2 takes
		// them over in batches: every notice must end up either completed
		// by r1 or held by r2, never both, and r1 must be told which.
		after := base.Add(lease + time.Second)
		var (
			wg             sync.WaitGroup
			lost, takenOvr []int64
			errs           = make(chan error, 2)
		)
		wg.Go(func() {
			// From the last notice back, while r2 claims from the first:
			// they meet somewhere in the middle, whichever is faster.
			backward := slices.Clone(ids)
			slices.Reverse(backward)
			for c := range slices.Chunk(backward, chunk) {
				batch := make([]store.NoticeOutcomeFor, len(c))
				for i, id := range c {
					batch[i] = store.NoticeOutcomeFor{ID: id, Outcome: sent}
				}
				l, err := s.CompleteNotices(t.Context(), "r1", batch, after)
				if err != nil {
					errs <- err
					return
				}
				lost = append(lost, l...)
			}
		})
		wg.Go(func() {
			for {
				claimed, err := s.ClaimNotices(t.Context(), "r2", after, chunk, lease)
				if err != nil {
					errs <- err
					return
				}
				if len(claimed) == 0 {
					return
				}
				takenOvr = append(takenOvr, noticeIDs(claimed)...)
			}
		})
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Fatal(err)
		}
		slices.Sort(lost)
		slices.Sort(takenOvr)
		if !slices.Equal(lost, takenOvr) {
			t.Fatalf("r1 was told %d notices were not its own; r2 took over %d; want the same notices", len(lost), len(takenOvr))
		}
		counts := map[string]int{store.NoticeSent: total - len(takenOvr), store.NoticeSending: len(takenOvr)}
		maps.DeleteFunc(counts, func(_ string, n int) bool { return n == 0 })
		assertCounts(t, s, counts)
		scanInt := func(rows *sql.Rows) (n int64, err error) { return n, rows.Scan(&n) }
		if held := rawQuery(t, s, scanInt, `SELECT id FROM outbox WHERE claimed_by = 'r2' ORDER BY id`); !slices.Equal(held, takenOvr) {
			t.Fatalf("r2 holds %d notices, want the %d it took over", len(held), len(takenOvr))
		}
		attempts := rawQuery(t, s, scanInt, `SELECT COUNT(*) FROM outbox_attempts a JOIN outbox o ON o.id = a.outbox_id
			WHERE o.status = 'sent' UNION ALL SELECT COUNT(*) FROM outbox_attempts a JOIN outbox o ON o.id = a.outbox_id
			WHERE o.status <> 'sent'`)
		if want := []int64{int64(total - len(takenOvr)), 0}; !slices.Equal(attempts, want) {
			t.Fatalf("attempts recorded (of sent notices, of the others) = %v, want %v", attempts, want)
		}
		t.Logf("r2 took over %d of %d while r1 completed the rest", len(takenOvr), total)
	})

	t.Run("claim rejects a nameless replica or a non-positive limit or lease", func(t *testing.T) {
		s := open(t)
		_, err := s.ClaimNotices(t.Context(), " ", base, 10, lease)
		assertCode(t, "ClaimNotices without a replica", err, store.EINVALID, "")
		_, err = s.ClaimNotices(t.Context(), "r1", base, 0, lease)
		assertCode(t, "ClaimNotices with limit 0", err, store.EINVALID, "")
		_, err = s.ClaimNotices(t.Context(), "r1", base, 10, 0)
		assertCode(t, "ClaimNotices with lease 0", err, store.EINVALID, "")
	})

	t.Run("drop pending leaves claimed, sent and other subjects alone", func(t *testing.T) {
		s := open(t)
		mustEnqueue(t, s, base, 3, notice("L3", "o-1", 1), notice("L3", "o-2", 1), notice("L3", "o-3", 1))
		claimed := mustClaim(t, s, "r1", base, 2)
		mustComplete(t, s, claimed[0].ID, "r1", sent, base)
		other := notice("L4", "o-1", 1)
		cancellation := notice("L3", "o-1", 1)
		cancellation.Key, cancellation.Kind = "lecture_cancelled|L3|o-1", "lecture_cancelled"
		mustEnqueue(t, s, base, 2, other, cancellation)
		n, err := s.DropPendingNotices(t.Context(), "lecture_notice", "L3", "lecture cancelled", base.Add(time.Minute))
		if err != nil || n != 1 {
			t.Fatalf("DropPendingNotices = %d, %v; want 1", n, err)
		}
		assertCounts(t, s, map[string]int{
			store.NoticeSent: 1, store.NoticeSending: 1, store.NoticePending: 2, store.NoticeUndeliverable: 1,
			"undeliverable:lecture cancelled": 1,
		})
		mustComplete(t, s, claimed[1].ID, "r1", sent, base.Add(time.Minute))
		if n, err := s.DropPendingNotices(t.Context(), "lecture_notice", "L3", "lecture cancelled", base.Add(time.Hour)); err != nil || n != 0 {
			t.Fatalf("DropPendingNotices again = %d, %v; want 0", n, err)
		}
	})

	t.Run("recipients are the distinct openids sent or being sent a notice of kind and subject", func(t *testing.T) {
		s := open(t)
		mustEnqueue(t, s, base, 5, notice("L3", "o-2", 24), notice("L3", "o-2", 1), notice("L3", "o-1", 24),
			notice("L3", "o-3", 24), notice("L4", "o-4", 24))
		for _, n := range mustClaim(t, s, "r1", base, 10) {
			if n.OpenID != "o-3" { // o-3's send is under way
				mustComplete(t, s, n.ID, "r1", sent, base)
			}
		}
		mustEnqueue(t, s, base, 1, notice("L3", "o-5", 24)) // not yet claimed: never reached them
		got, err := s.NoticeRecipients(t.Context(), "lecture_notice", "L3")
		if err != nil || !slices.Equal(got, []string{"o-1", "o-2", "o-3"}) {
			t.Fatalf("NoticeRecipients = %q, %v; want o-1, o-2, o-3", got, err)
		}
		none, err := s.NoticeRecipients(t.Context(), "lecture_cancelled", "L3")
		if err != nil || none == nil || len(none) != 0 {
			t.Fatalf("NoticeRecipients of another kind = %#v, %v; want an empty slice", none, err)
		}
	})

	t.Run("pending notices to one recipient can be dropped", func(t *testing.T) {
		s := open(t)
		mustEnqueue(t, s, base, 3, notice("L3", "o-1", 24), notice("L4", "o-1", 24), notice("L3", "o-2", 24))
		n, err := s.DropPendingNoticesTo(t.Context(), "lecture_notice", "o-1", "unsubscribed", base)
		if err != nil || n != 2 {
			t.Fatalf("DropPendingNoticesTo = %d, %v; want 2", n, err)
		}
		assertCounts(t, s, map[string]int{store.NoticePending: 1, store.NoticeUndeliverable: 2, "undeliverable:unsubscribed": 2})
	})

	t.Run("counts of an empty outbox are empty", func(t *testing.T) {
		assertCounts(t, open(t), map[string]int{})
	})

	t.Run("list is newest first, filtered by kind and limited", func(t *testing.T) {
		s := open(t)
		reminder := store.NewNotice{Key: "activity_reminder|A1|o-1|2h", Kind: "activity_reminder", Subject: "A1", OpenID: "o-1"}
		mustEnqueue(t, s, base, 2, notice("L3", "o-1", 1), notice("L3", "o-2", 1))
		mustEnqueue(t, s, later, 2, reminder, notice("L3", "o-3", 1))
		all := mustListNotices(t, s, "")
		if len(all) != 4 || all[0].OpenID != "o-3" || all[1].Kind != "activity_reminder" || all[3].OpenID != "o-1" {
			t.Fatalf("ListNotices = %v, want 4 newest first", noticeIDs(all))
		}
		lectures, err := s.ListNotices(t.Context(), "lecture_notice", 2)
		if err != nil || len(lectures) != 2 || lectures[0].OpenID != "o-3" || lectures[1].OpenID != "o-2" {
			t.Fatalf("ListNotices(lecture_notice, 2) = %v, %v; want o-3 then o-2", noticeIDs(lectures), err)
		}
		none, err := s.ListNotices(t.Context(), "weekly_report", 10)
		if err != nil || none == nil || len(none) != 0 {
			t.Fatalf("ListNotices of an absent kind = %#v, %v; want an empty slice", none, err)
		}
	})

	t.Run("concurrent claimers never share a notice and together take all", func(t *testing.T) {
		s := open(t)
		const total, claimers = 1000, 4
		batch := make([]store.NewNotice, total)
		for i := range batch {
			batch[i] = notice("L3", fmt.Sprintf("o-%d", i), 1)
		}
		mustEnqueue(t, s, base, total, batch...)
		var (
			wg   sync.WaitGroup
			mu   sync.Mutex
			seen = map[int64]string{}
			errs = make(chan error, claimers)
		)
		for c := range claimers {
			replica := fmt.Sprintf("r%d", c)
			wg.Go(func() {
				for {
					claimed, err := s.ClaimNotices(t.Context(), replica, base, 25, lease)
					if err != nil {
						errs <- err
						return
					}
					if len(claimed) == 0 {
						return
					}
					mu.Lock()
					for _, n := range claimed {
						if other, dup := seen[n.ID]; dup {
							mu.Unlock()
							errs <- fmt.Errorf("notice %d claimed by %s and %s", n.ID, other, replica)
							return
						}
						seen[n.ID] = replica
					}
					mu.Unlock()
				}
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Fatal(err)
		}
		if len(seen) != total {
			t.Fatalf("claimed %d distinct notices, want %d", len(seen), total)
		}
		assertCounts(t, s, map[string]int{store.NoticeSending: total})
	})
}

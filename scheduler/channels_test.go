package scheduler

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"envoybot/configs"
	"envoybot/store"
)

// withSubscription configures lecture_notice's subscription notice and a
// customer-service budget of 2.
func withSubscription(c *configs.Notices) {
	c.CustomerBudget = 2
	c.Subscriptions = map[string]configs.Subscription{
		"lecture_notice": {ID: "SUB-LECTURE", Page: "https://example.org/l",
			Fields: map[string]string{"thing1": "title", "time2": "time", "phrase3": "text"}},
	}
}

func TestChannelsInOrder(t *testing.T) {
	t.Run("budget used: the subscription notice for who accepted it, the template for who did not", func(t *testing.T) {
		h := newHarness(t, withSubscription)
		for _, id := range []string{"o-sub", "o-tpl"} {
			h.outbox.setUser(id, fakeUser{following: true, lastSeen: t0.Add(-time.Hour)})
		}
		h.outbox.accept("o-sub", "SUB-LECTURE")
		h.api.AcceptSubscription("o-sub", "SUB-LECTURE")
		for i := range 3 {
			for _, id := range []string{"o-sub", "o-tpl"} {
				h.enqueueText("lecture_notice", id, fmt.Sprintf("n%d", i), fmt.Sprintf("第%d条", i))
			}
			// One notice at a time, as they would come hours apart.
			h.drain(h.dispatcher("r1"))
		}
		for _, id := range []string{"o-sub", "o-tpl"} {
			var channels []string
			for _, n := range h.outbox.all() {
				if n.OpenID == id {
					channels = append(channels, n.Channel+"/"+n.LastError)
				}
			}
			want := []string{"customer/" + WhyInWindow, "customer/" + WhyInWindow}
			if id == "o-sub" {
				want = append(want, "subscribe/"+WhyBudgetUsed)
			} else {
				want = append(want, "template/"+WhyBudgetUsed+","+WhyNotSubscribed)
			}
			if strings.Join(channels, " ") != strings.Join(want, " ") {
				t.Errorf("%s: channels %v, want %v", id, channels, want)
			}
		}
		subs := h.api.SubscribeMessages()
		if len(subs) != 1 || subs[0].ToUser != "o-sub" || subs[0].Page != "https://example.org/l" ||
			subs[0].Data["thing1"] != "法律知识讲座" || subs[0].Data["phrase3"] != "第2条" {
			t.Errorf("subscription notices = %+v", subs)
		}
		if tm := h.api.TemplateMessages(); len(tm) != 1 || tm[0].ToUser != "o-tpl" {
			t.Errorf("template messages = %+v", tm)
		}
	})
	t.Run("a new message from the user renews the budget", func(t *testing.T) {
		h := newHarness(t, withSubscription)
		h.outbox.setUser("o-1", fakeUser{following: true, lastSeen: t0.Add(-time.Hour)})
		for i := range 2 {
			h.enqueueText("lecture_notice", "o-1", fmt.Sprintf("a%d", i), "x")
			h.drain(h.dispatcher("r1"))
		}
		h.clock.set(t0.Add(time.Hour))
		h.outbox.setUser("o-1", fakeUser{following: true, lastSeen: t0.Add(30 * time.Minute)})
		h.enqueueText("lecture_notice", "o-1", "b", "y")
		h.drain(h.dispatcher("r1"))
		if got := len(h.api.CustomerTexts()); got != 3 {
			t.Errorf("%d customer-service texts, want 3", got)
		}
	})
	t.Run("43101 falls through to the template", func(t *testing.T) {
		h := newHarness(t, withSubscription)
		h.outbox.setUser("o-1", fakeUser{following: true}) // never wrote
		h.outbox.accept("o-1", "SUB-LECTURE")              // we think so; WeChat does not
		h.enqueue("lecture_notice", "o-1")
		h.drain(h.dispatcher("r1"))
		n := h.notice("o-1")
		if n.Status != store.NoticeSent || n.Channel != store.ChannelTemplate ||
			n.LastError != WhyOutsideWindow+","+WhySubscriptionRefused {
			t.Errorf("notice = %s/%s %q", n.Status, n.Channel, n.LastError)
		}
	})
	t.Run("nothing usable is undeliverable with every reason", func(t *testing.T) {
		h := newHarness(t, func(c *configs.Notices) {
			withSubscription(c)
			c.Templates = nil
		})
		h.outbox.setUser("o-1", fakeUser{following: true, lastSeen: t0.Add(-72 * time.Hour)})
		h.enqueue("lecture_notice", "o-1")
		h.drain(h.dispatcher("r1"))
		n := h.notice("o-1")
		if want := WhyOutsideWindow + "," + WhyNotSubscribed + "," + WhyNoTemplate; n.Status != store.NoticeUndeliverable || n.LastError != want {
			t.Errorf("notice = %s %q, want undeliverable %q", n.Status, n.LastError, want)
		}
	})
	t.Run("channels_by_kind: template only", func(t *testing.T) {
		h := newHarness(t, func(c *configs.Notices) { c.ChannelsByKind = map[string][]string{"lecture_notice": {"template"}} })
		h.outbox.setUser("o-1", fakeUser{following: true, lastSeen: t0.Add(-time.Hour)})
		h.enqueue("lecture_notice", "o-1")
		h.drain(h.dispatcher("r1"))
		if n := h.notice("o-1"); n.Channel != store.ChannelTemplate || len(h.api.CustomerTexts()) != 0 {
			t.Errorf("notice went by %s, want template only", n.Channel)
		}
	})
	t.Run("template values are cut to 20 characters on one line", func(t *testing.T) {
		h := newHarness(t, nil)
		h.outbox.setUser("o-1", fakeUser{following: true})
		n := store.NewNotice{Key: "k", Kind: "lecture_notice", Subject: "L3", OpenID: "o-1", Text: "x",
			Fields: map[string]string{"title": "社区法律知识讲座：\n老年人防诈骗与遗嘱继承实务问答专场", "time": "12月5日 09:30"}}
		if _, err := h.outbox.EnqueueNotices(context.Background(), []store.NewNotice{n}, t0); err != nil {
			t.Fatal(err)
		}
		h.drain(h.dispatcher("r1"))
		tm := h.api.TemplateMessages()
		if len(tm) != 1 {
			t.Fatalf("template messages = %+v (the fake API refuses what breaks the rules)", h.api.Calls(templatePath))
		}
		if got := tm[0].Data["thing1"]; got != "社区法律知识讲座： 老年人防诈骗与遗嘱…" {
			t.Errorf("thing1 = %q", got)
		}
	})
}

func TestMergedNotices(t *testing.T) {
	h := newHarness(t, nil)
	h.outbox.setUser("o-1", fakeUser{following: true, lastSeen: t0.Add(-time.Hour)})
	h.outbox.setUser("o-2", fakeUser{following: true, lastSeen: t0.Add(-time.Hour)})
	h.enqueueText("activity_reminder", "o-1", "24h", "【活动提醒】A12 义诊")
	h.enqueueText("activity_reminder", "o-1", "2h", "【活动提醒】A12 义诊")
	h.enqueueText("activity_changed", "o-1", "chg", "【活动变更】A12 改到 10:00")
	h.enqueueText("activity_reminder", "o-2", "24h", "【活动提醒】A12 义诊")
	stats := h.drain(h.dispatcher("r1"))
	texts := h.api.CustomerTexts()
	if len(texts) != 2 {
		t.Fatalf("customer texts = %+v, want one per person", texts)
	}
	for _, m := range texts {
		if m.ToUser == "o-1" && m.Content != "【活动提醒】A12 义诊\n\n【活动变更】A12 改到 10:00" {
			t.Errorf("merged text = %q", m.Content)
		}
	}
	if stats.Sent != 4 {
		t.Errorf("stats = %+v, want 4 sent", stats)
	}
	merged := 0
	for _, n := range h.outbox.all() {
		if n.Status != store.NoticeSent || n.Channel != store.ChannelCustomer {
			t.Errorf("notice %s: %s/%s", n.Key, n.Status, n.Channel)
		}
		if n.LastError == WhyMerged {
			merged++
		}
	}
	if merged != 2 {
		t.Errorf("%d notices marked merged, want 2", merged)
	}
}

// enqueueText enqueues a notice of kind to openID with its own key suffix
// and text.
func (h *harness) enqueueText(kind, openID, suffix, text string) {
	h.t.Helper()
	n := store.NewNotice{
		Key: kind + "|L3|" + openID + "|" + suffix, Kind: kind, Subject: "L3", OpenID: openID, Text: text,
		Fields: map[string]string{"title": "法律知识讲座", "time": "12月5日 09:30"},
	}
	if _, err := h.outbox.EnqueueNotices(context.Background(), []store.NewNotice{n}, h.clock.Now()); err != nil {
		h.t.Fatal(err)
	}
}

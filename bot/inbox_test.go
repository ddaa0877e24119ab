package bot_test

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"envoybot/bot"
	"envoybot/bot/wechattest"
	"envoybot/bot/wxapi"
	"envoybot/bot/wxsign"
	"envoybot/store"
	"envoybot/store/storetest"
)

// inboxFixture is a callback with a 1 s reply deadline on a real store
// (record and inbox) and cache, whose late replies go to a fake WeChat.
func inboxFixture(t *testing.T, st store.Store, inbox store.MessageInbox, reply func(m *bot.Message) (bot.Reply, error)) (*fixture, *wechattest.FakeAPI) {
	t.Helper()
	api := wechattest.NewFakeAPI(t)
	cache := storetest.OpenMemoryCache(t)
	client := wxapi.New(wxapi.Config{AppID: testAppID, Secret: "s3cret", APIBase: api.URL(), Timeout: 5 * time.Second}, cache, slog.New(slog.DiscardHandler))
	f := newFixture(t, fixtureOpts{
		cache: cache, record: st, inbox: inbox, sender: client, reply: reply,
		cfg: func(c *bot.Config) { c.ReplyDeadline = time.Second; c.HandlerTimeout = 5 * time.Second },
	})
	return f, api
}

// peekInbox takes every kept message as an outside replica would an hour
// from now (leasing them to "peek"), to see what is kept.
func peekInbox(t *testing.T, st store.Store) []store.InboxMessage {
	t.Helper()
	later := time.Now().Add(time.Hour)
	ms, err := st.TakeInbox(t.Context(), "peek", later, later.Add(time.Minute), 100, 100)
	if err != nil {
		t.Fatalf("TakeInbox: %v", err)
	}
	return ms
}

// TestSlowMessageIsKeptBeforeSuccess: a message still running at the reply
// deadline is answered "success" only once it is in the inbox; its reply
// follows by customer service and its record takes it out of the inbox.
func TestSlowMessageIsKeptBeforeSuccess(t *testing.T) {
	storetest.Backends(t, func(t *testing.T, st store.Store) {
		release := make(chan struct{})
		f, api := inboxFixture(t, st, st, func(m *bot.Message) (bot.Reply, error) {
			<-release
			return bot.Reply{Text: "报名成功：" + m.Text}, nil
		})
		fast := f.roundTrip(t, f.signer.TextXML("user-fast", "我的时长", wxsign.NextMsgID()), false)
		if fast != "" {
			// The handler waits for release: nothing is fast here.
			t.Fatalf("answer %q before release", fast)
		}
		kept := peekInbox(t, st)
		close(release)
		if len(kept) != 1 || kept[0].OpenID != "user-fast" || !strings.Contains(kept[0].Body, "我的时长") {
			t.Fatalf("kept at the deadline = %+v; want the message", kept)
		}
		var m bot.Message
		if err := json.Unmarshal([]byte(kept[0].Body), &m); err != nil || m.Text != "我的时长" || m.OpenID != "user-fast" {
			t.Fatalf("kept body = %q (%v); want the message", kept[0].Body, err)
		}
		texts := api.WaitCustomerTexts(t, 1, 5*time.Second)
		if texts[0].Content != "报名成功：我的时长" {
			t.Errorf("late reply = %+v", texts[0])
		}
		if err := f.cb.Wait(t.Context()); err != nil {
			t.Fatal(err)
		}
		if left := peekInbox(t, st); len(left) != 0 {
			t.Errorf("still kept after the reply was recorded: %+v", left)
		}
		t.Logf("kept at the deadline: %s; late reply sent; inbox empty after the record", kept[0].DedupKey)
	})
}

// stalledInbox is the real inbox behind a write that stalls (a database
// that stops answering): what the callback sees is a write that does not
// finish in time.
type stalledInbox struct {
	store.MessageInbox
	stall time.Duration
}

func (s stalledInbox) KeepInbox(ctx context.Context, m store.InboxMessage) error {
	select {
	case <-time.After(s.stall):
	case <-ctx.Done():
		return ctx.Err()
	}
	return s.MessageInbox.KeepInbox(ctx, m)
}

// TestUnkeptMessageGetsNoAnswer: when the message cannot be kept by the
// deadline, WeChat gets no answer at all (not "success"), so it delivers
// the message again; the retry gets the reply, and the handler ran once.
func TestUnkeptMessageGetsNoAnswer(t *testing.T) {
	storetest.Backends(t, func(t *testing.T, st store.Store) {
		f, api := inboxFixture(t, st, stalledInbox{st, 3 * time.Second}, func(m *bot.Message) (bot.Reply, error) {
			time.Sleep(1500 * time.Millisecond)
			return bot.Reply{Text: "报名成功：" + m.Text}, nil
		})
		body := f.signer.TextXML("user-stalled", "报名 A1", wxsign.NextMsgID())
		wechat := &http.Client{Timeout: 2 * time.Second} // WeChat's 5 s, scaled as the deadline is
		start := time.Now()
		resp, err := wechat.Do(f.signer.Post(f.url, body, true))
		if err == nil {
			got, rerr := f.signer.ReadReply(resp, true)
			t.Fatalf("first delivery answered %q (%v) after %s; want no answer", got, rerr, time.Since(start))
		}
		t.Logf("first delivery: no answer (%v)", errors.Unwrap(err))
		retry := f.roundTrip(t, body, false)
		if retry != "报名成功：报名 A1" || f.calls.Load() != 1 {
			t.Errorf("retry = %q, handler ran %d times; want the reply, once", retry, f.calls.Load())
		}
		if n := len(api.CustomerTexts()); n != 0 {
			t.Errorf("%d customer-service messages; want none (the retry carried the reply)", n)
		}
	})
}

// TestDeadReplicasMessageIsTakenOver: a message kept by a replica that
// died is run by another once its lease ran out, its reply sent by
// customer service, once; one already processed is dropped unrun.
func TestDeadReplicasMessageIsTakenOver(t *testing.T) {
	storetest.Backends(t, func(t *testing.T, st store.Store) {
		f, api := inboxFixture(t, st, st, func(m *bot.Message) (bot.Reply, error) {
			return bot.Reply{Text: "报名成功：" + m.Text}, nil
		})
		now := time.Now()
		keep := func(key, openID, text string) {
			body, err := json.Marshal(bot.Message{OpenID: openID, Kind: bot.KindText, RawType: "text", Text: text, MsgID: 7})
			if err != nil {
				t.Fatal(err)
			}
			if err := st.KeepInbox(t.Context(), store.InboxMessage{DedupKey: key, OpenID: openID, Body: string(body),
				Owner: "dead-replica/3", ReceivedAt: now.Add(-time.Minute), LeaseUntil: now.Add(-time.Second)}); err != nil {
				t.Fatal(err)
			}
		}
		keep("msg:orphan", "user-orphan", "报名 A1 张三")
		keep("msg:done", "user-done", "报名 A2")
		if err := st.RecordProcessed(t.Context(), store.ProcessedMessage{DedupKey: "msg:done", OpenID: "user-done", Reply: "late", At: now}); err != nil {
			t.Fatal(err)
		}
		keep("msg:done", "user-done", "报名 A2") // not kept: it was processed
		keep("msg:fresh", "user-fresh", "报名 A3")
		if err := st.KeepInbox(t.Context(), store.InboxMessage{DedupKey: "msg:alive", OpenID: "user-alive", Body: "{}",
			Owner: "live-replica/1", ReceivedAt: now, LeaseUntil: now.Add(time.Hour)}); err != nil {
			t.Fatal(err)
		}
		if err := st.DropInbox(t.Context(), "msg:fresh"); err != nil {
			t.Fatal(err)
		}

		if n := f.cb.TakeOverInbox(t.Context()); n != 1 {
			t.Errorf("TakeOverInbox started %d, want 1 (the orphan)", n)
		}
		texts := api.WaitCustomerTexts(t, 1, 5*time.Second)
		if err := f.cb.Wait(t.Context()); err != nil {
			t.Fatal(err)
		}
		if texts[0].ToUser != "user-orphan" || texts[0].Content != "报名成功：报名 A1 张三" || f.calls.Load() != 1 {
			t.Errorf("takeover: sent %+v, handler ran %d times", texts, f.calls.Load())
		}
		if n := f.cb.TakeOverInbox(t.Context()); n != 0 || f.calls.Load() != 1 {
			t.Errorf("second TakeOverInbox started %d (handler ran %d times); want nothing", n, f.calls.Load())
		}
		p, err := st.FindProcessed(t.Context(), "msg:orphan")
		if err != nil || p.Reply != "late" {
			t.Errorf("record of the orphan = %+v, %v; want it processed, its reply gone by customer service", p, err)
		}
		// The retry WeChat never sends would now be answered from the record.
		left := peekInbox(t, st)
		if len(left) != 1 || left[0].DedupKey != "msg:alive" {
			t.Errorf("kept after the takeover = %+v; want only the live replica's message", left)
		}
	})
}

// TestReadOnlyAnswersWriteNoRecord: a reply marked ReadOnly (a query) is
// kept in the cache for WeChat's retries but costs no database write; one
// that outlived the deadline (so went through the inbox) is recorded as
// any other.
func TestReadOnlyAnswersWriteNoRecord(t *testing.T) {
	storetest.Backends(t, func(t *testing.T, st store.Store) {
		f, api := inboxFixture(t, st, st, func(m *bot.Message) (bot.Reply, error) {
			if m.Text == "慢查询" {
				time.Sleep(1500 * time.Millisecond)
			}
			return bot.Reply{Text: "您的志愿服务时长：" + m.Text, ReadOnly: true}, nil
		})
		id := wxsign.NextMsgID()
		body := f.signer.TextXML("user-query", "我的时长", id)
		first := f.roundTrip(t, body, false)
		if err := f.cb.Wait(t.Context()); err != nil {
			t.Fatal(err)
		}
		if _, err := st.FindProcessed(t.Context(), msgKey(id)); store.ErrorCode(err) != store.ENOTFOUND {
			t.Errorf("a read-only answer was recorded (%v)", err)
		}
		if again := f.roundTrip(t, body, true); again != first || f.calls.Load() != 1 {
			t.Errorf("retry = %q after %q, handler ran %d times; want the cached reply, once", again, first, f.calls.Load())
		}

		slow := wxsign.NextMsgID()
		if got := f.roundTrip(t, f.signer.TextXML("user-query", "慢查询", slow), false); got != "" {
			t.Fatalf("slow query answered %q, want success at the deadline", got)
		}
		api.WaitCustomerTexts(t, 1, 5*time.Second)
		if err := f.cb.Wait(t.Context()); err != nil {
			t.Fatal(err)
		}
		if p, err := st.FindProcessed(t.Context(), msgKey(slow)); err != nil || p.Reply != "late" {
			t.Errorf("a late read-only answer's record = %+v, %v; want it recorded late", p, err)
		}
		if left := peekInbox(t, st); len(left) != 0 {
			t.Errorf("left in the inbox: %+v", left)
		}
	})
}

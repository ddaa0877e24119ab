package bot_test

import (
	"context"
	"fmt"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"envoybot/bot"
	"envoybot/bot/wxsign"
	"envoybot/store"
	"envoybot/store/storetest"
)

// memoryLog is a store.MessageLog in memory: the durable record as far as
// the callback can tell, shared by "replicas" and outliving "restarts".
type memoryLog struct {
	mu   sync.Mutex
	msgs map[string]store.ProcessedMessage
}

func newMemoryLog() *memoryLog { return &memoryLog{msgs: map[string]store.ProcessedMessage{}} }

func (l *memoryLog) RecordProcessed(_ context.Context, m store.ProcessedMessage) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if _, ok := l.msgs[m.DedupKey]; ok {
		return store.Errorf(store.ECONFLICT, "already processed")
	}
	l.msgs[m.DedupKey] = m
	return nil
}

func (l *memoryLog) FindProcessed(_ context.Context, key string) (*store.ProcessedMessage, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	m, ok := l.msgs[key]
	if !ok {
		return nil, store.Errorf(store.ENOTFOUND, "not processed")
	}
	return &m, nil
}

// msgKey is the dedup key of a text message with msgID.
func msgKey(msgID int64) string { return "msg:" + strconv.FormatInt(msgID, 10) }

func TestDeadHolderIsTakenOverByTheRetry(t *testing.T) {
	storetest.Caches(t, func(t *testing.T, cache store.Cache) {
		f := newFixture(t, fixtureOpts{cache: cache, record: newMemoryLog()})
		id := wxsign.NextMsgID()
		// A replica claimed the message, then was killed: its entry stays
		// until its lease runs out, and nobody renews it.
		if err := cache.Set(t.Context(), "dedup:"+msgKey(id), "pending:dead-replica/1", 2*time.Second); err != nil {
			t.Fatal(err)
		}
		start := time.Now()
		got := f.roundTrip(t, f.signer.TextXML("user-orphan", "报名 A1", id), false)
		if got != "收到：报名 A1" || f.calls.Load() != 1 {
			t.Errorf("retry of a dead replica's message: reply %q, handler ran %d times; want it run once and answered", got, f.calls.Load())
		}
		t.Logf("taken over and answered after %s", time.Since(start).Round(time.Millisecond))
		if again := f.roundTrip(t, f.signer.TextXML("user-orphan", "报名 A1", id), true); again != got || f.calls.Load() != 1 {
			t.Errorf("a further retry: reply %q, handler ran %d times", again, f.calls.Load())
		}
	})
}

func TestLiveHolderKeepsTheMessage(t *testing.T) {
	storetest.Caches(t, func(t *testing.T, cache store.Cache) {
		// Two replicas on one cache; the handler outlives the lease many
		// times over, so only renewals keep the second replica off it.
		var effects atomic.Int64
		opts := fixtureOpts{cache: cache, record: newMemoryLog(),
			cfg: func(c *bot.Config) { c.DedupLease = time.Second },
			reply: func(m *bot.Message) (bot.Reply, error) {
				n := effects.Add(1)
				time.Sleep(3 * time.Second)
				return bot.Reply{Text: fmt.Sprintf("第%d次处理", n)}, nil
			}}
		a, b := newFixture(t, opts), newFixture(t, opts)
		msg := a.signer.TextXML("user-slowpg", "报名 A1", wxsign.NextMsgID())
		first := make(chan string)
		go func() { first <- a.roundTrip(t, msg, false) }()
		time.Sleep(200 * time.Millisecond)
		retry := b.roundTrip(t, msg, true)
		if got := <-first; got != "第1次处理" || retry != "第1次处理" {
			t.Errorf("first %q, retry on the other replica %q; want both 第1次处理", got, retry)
		}
		if n := effects.Load(); n != 1 {
			t.Errorf("handler ran %d times while its replica was alive, want 1", n)
		}
	})
}

func TestFreshClaimConsultsTheDurableRecord(t *testing.T) {
	// A restart (or a second process) has an empty in-process cache: only
	// the durable record knows the message ran.
	log := newMemoryLog()
	before := newFixture(t, fixtureOpts{record: log})
	after := newFixture(t, fixtureOpts{record: log})
	msg := before.signer.TextXML("user-restart", "发布活动 义诊", wxsign.NextMsgID())
	first := before.roundTrip(t, msg, false)
	again := after.roundTrip(t, msg, true)
	if before.calls.Load()+after.calls.Load() != 1 {
		t.Errorf("handler ran %d times before and %d after the restart, want once in all", before.calls.Load(), after.calls.Load())
	}
	if again != first {
		t.Errorf("retry after the restart got %q, first %q", again, first)
	}
}

func TestFailedHandlerRunsAgainOnRetry(t *testing.T) {
	var tries atomic.Int64
	log := newMemoryLog()
	f := newFixture(t, fixtureOpts{record: log, reply: func(m *bot.Message) (bot.Reply, error) {
		if tries.Add(1) == 1 {
			return bot.Reply{}, fmt.Errorf("database down")
		}
		return bot.Reply{Text: "报名成功"}, nil
	}})
	id := wxsign.NextMsgID()
	msg := f.signer.TextXML("user-retry", "报名 A1", id)
	if got := f.roundTrip(t, msg, false); got != "系统繁忙，请稍后再试。" {
		t.Fatalf("first attempt: %q, want the busy reply", got)
	}
	if _, err := log.FindProcessed(t.Context(), msgKey(id)); store.ErrorCode(err) != store.ENOTFOUND {
		t.Errorf("a failed message was recorded as processed: %v", err)
	}
	if got := f.roundTrip(t, msg, false); got != "报名成功" {
		t.Errorf("retry after the failure: %q, want it run again", got)
	}
	if got := f.roundTrip(t, msg, false); got != "报名成功" || tries.Load() != 2 {
		t.Errorf("retry after the success: %q, handler ran %d times; want 报名成功 and 2", got, tries.Load())
	}
}

// BeginMessage gives the message a unit that stands for a handler with
// effects: it records the message at Commit (wrote), and finds another
// attempt's record as a real store's first write would.
func (l *memoryLog) BeginMessage(ctx context.Context, m store.ProcessedMessage) (context.Context, store.MessageUnit) {
	return ctx, &memoryUnit{log: l, msg: m}
}

type memoryUnit struct {
	log   *memoryLog
	msg   store.ProcessedMessage
	found *store.ProcessedMessage
	ended bool
}

func (u *memoryUnit) Commit(_ context.Context, reply string, _ bool) (bool, error) {
	if u.ended {
		return false, nil
	}
	u.ended = true
	m := u.msg
	m.Reply = reply
	if err := u.log.RecordProcessed(context.Background(), m); err != nil {
		return false, err
	}
	return true, nil
}

func (u *memoryUnit) Rollback() { u.ended = true }

func (u *memoryUnit) Found() *store.ProcessedMessage {
	if u.found == nil {
		u.found, _ = u.log.FindProcessed(context.Background(), u.msg.DedupKey)
	}
	return u.found
}

package storetest

import (
	"database/sql"
	"testing"
	"time"

	"envoybot/store"
)

// runUnitConformance: a chat message's writes commit once, with its
// record, in one transaction; a second attempt at the message writes
// nothing and finds the first one's reply.
func runUnitConformance(t *testing.T, open func(t *testing.T) store.Store) {
	msg := func(key, openID string) store.ProcessedMessage {
		return store.ProcessedMessage{DedupKey: key, OpenID: openID, At: base}
	}
	signups := func(t *testing.T, s store.Store, openID string) int {
		t.Helper()
		list, err := s.ListUserSignups(t.Context(), mustUser(t, s, openID), base.Add(-24*time.Hour))
		if err != nil {
			t.Fatalf("ListUserSignups: %v", err)
		}
		return len(list)
	}

	t.Run("writes commit with the record and its reply; a second attempt writes nothing", func(t *testing.T) {
		s := withActivity(t, open, 10)
		uid := mustUser(t, s, "o-unit")
		ctx, u := s.BeginMessage(t.Context(), msg("msg:u1", "o-unit"))
		if _, _, err := s.SignUp(ctx, "A1", uid, store.SourceChat, base); err != nil {
			t.Fatalf("SignUp in the unit: %v", err)
		}
		// The message's own read sees its write before the commit.
		if list, err := s.ListUserSignups(ctx, uid, base.Add(-24*time.Hour)); err != nil || len(list) != 1 {
			t.Fatalf("ListUserSignups inside the unit = %d, %v; want 1", len(list), err)
		}
		if _, err := s.FindProcessed(t.Context(), "msg:u1"); store.ErrorCode(err) != store.ENOTFOUND {
			t.Fatalf("record visible before the commit: %v", err)
		}
		wrote, err := u.Commit(t.Context(), "done:报名成功", false)
		if err != nil || !wrote {
			t.Fatalf("Commit = %v, %v; want wrote", wrote, err)
		}
		p, err := s.FindProcessed(t.Context(), "msg:u1")
		if err != nil || p.Reply != "done:报名成功" || p.OpenID != "o-unit" {
			t.Fatalf("record = %+v, %v; want the reply", p, err)
		}

		ctx2, u2 := s.BeginMessage(t.Context(), msg("msg:u1", "o-unit"))
		// (A repeat sign-up is answered from a read: a cancellation writes.)
		_, _, err = s.CancelSignup(ctx2, "A1", uid, base)
		assertCode(t, "second attempt's write", err, store.EPROCESSED, "")
		if f := u2.Found(); f == nil || f.Reply != "done:报名成功" {
			t.Fatalf("Found = %+v; want the first attempt's record", f)
		}
		if wrote, err := u2.Commit(t.Context(), "done:again", false); wrote || err != nil {
			t.Fatalf("second Commit = %v, %v; want nothing written", wrote, err)
		}
		if n := signups(t, s, "o-unit"); n != 1 {
			t.Fatalf("signups = %d, want 1", n)
		}
	})

	t.Run("a message that writes nothing commits nothing", func(t *testing.T) {
		s := withActivity(t, open, 10)
		ctx, u := s.BeginMessage(t.Context(), msg("msg:u2", "o-reader"))
		if _, err := s.FindActivityByCode(ctx, "A1"); err != nil {
			t.Fatalf("FindActivityByCode: %v", err)
		}
		if wrote, err := u.Commit(t.Context(), "done:活动", false); wrote || err != nil {
			t.Fatalf("Commit = %v, %v; want nothing to commit", wrote, err)
		}
		if _, err := s.FindProcessed(t.Context(), "msg:u2"); store.ErrorCode(err) != store.ENOTFOUND {
			t.Fatalf("a message without writes was recorded: %v", err)
		}
	})

	t.Run("a known user's read-only message puts the interaction time off, then writes it", func(t *testing.T) {
		s := open(t)
		if _, err := s.TouchUser(t.Context(), "o-later", base); err != nil {
			t.Fatal(err)
		}
		stored := func() time.Time {
			var at time.Time
			rawQuery(t, s, func(rows *sql.Rows) (struct{}, error) {
				return struct{}{}, rows.Scan(rawTime{&at})
			}, `SELECT last_interaction_at FROM users WHERE openid = 'o-later'`)
			return at
		}
		later := base.Add(30 * time.Minute)
		ctx, u := s.BeginMessage(t.Context(), msg("msg:touch", "o-later"))
		got, err := s.TouchUser(ctx, "o-later", later)
		if err != nil || !got.LastInteractionAt.Equal(later) {
			t.Fatalf("TouchUser in a unit = %+v, %v; want the new time", got, err)
		}
		if wrote, err := u.Commit(t.Context(), "done:帮助", false); wrote || err != nil {
			t.Fatalf("Commit = %v, %v; want nothing to commit", wrote, err)
		}
		// A new user is written at once (a row to create), a known user's
		// time within a second or so.
		ctxNew, uNew := s.BeginMessage(t.Context(), msg("msg:new", "o-new"))
		if _, err := s.TouchUser(ctxNew, "o-new", later); err != nil {
			t.Fatal(err)
		}
		if _, err := uNew.Commit(t.Context(), "done:欢迎", false); err != nil {
			t.Fatal(err)
		}
		if _, err := s.FindUserByOpenID(t.Context(), "o-new"); err != nil {
			t.Fatalf("a new user's first message: %v", err)
		}
		deadline := time.Now().Add(5 * time.Second)
		for !stored().Equal(later) {
			if time.Now().After(deadline) {
				t.Fatalf("last_interaction_at = %v 5 s later, want %v", stored(), later)
			}
			time.Sleep(50 * time.Millisecond)
		}
		// A user back after more than an hour is written at once: the
		// notices the reopened 48-hour window lets through must see it.
		back := later.Add(2 * time.Hour)
		ctx, u = s.BeginMessage(t.Context(), msg("msg:back", "o-later"))
		if _, err := s.TouchUser(ctx, "o-later", back); err != nil {
			t.Fatal(err)
		}
		if got := stored(); !got.Equal(back) {
			t.Fatalf("last_interaction_at = %v right after a touch two hours on, want %v", got, back)
		}
		if _, err := u.Commit(t.Context(), "done:帮助", false); err != nil {
			t.Fatal(err)
		}
		later = back
		// It never moves back: an older time put off changes nothing.
		ctx, u = s.BeginMessage(t.Context(), msg("msg:touch2", "o-later"))
		if _, err := s.TouchUser(ctx, "o-later", later.Add(-time.Hour)); err != nil {
			t.Fatal(err)
		}
		if _, err := u.Commit(t.Context(), "done:帮助", false); err != nil {
			t.Fatal(err)
		}
		time.Sleep(2 * time.Second)
		if got := stored(); !got.Equal(later) {
			t.Fatalf("last_interaction_at = %v after an older touch, want %v", got, later)
		}
	})

	t.Run("rollback undoes the writes and the record", func(t *testing.T) {
		s := withActivity(t, open, 10)
		uid := mustUser(t, s, "o-rb")
		ctx, u := s.BeginMessage(t.Context(), msg("msg:u3", "o-rb"))
		if _, _, err := s.SignUp(ctx, "A1", uid, store.SourceChat, base); err != nil {
			t.Fatalf("SignUp: %v", err)
		}
		u.Rollback()
		if n := signups(t, s, "o-rb"); n != 0 {
			t.Fatalf("signups after rollback = %d, want 0", n)
		}
		if _, err := s.FindProcessed(t.Context(), "msg:u3"); store.ErrorCode(err) != store.ENOTFOUND {
			t.Fatalf("record after rollback: %v", err)
		}
		// The context's writes are on their own again.
		if _, _, err := s.SignUp(ctx, "A1", uid, store.SourceChat, base); err != nil {
			t.Fatalf("SignUp after the unit ended: %v", err)
		}
		if n := signups(t, s, "o-rb"); n != 1 {
			t.Fatalf("signups = %d, want 1", n)
		}
	})

	t.Run("a failed write undoes only itself", func(t *testing.T) {
		s := withActivity(t, open, 10)
		if _, _, err := s.RegisterVolunteer(t.Context(), registration("o-holder", "古槐社区"), base); err != nil {
			t.Fatal(err)
		}
		uid := mustUser(t, s, "o-late")
		ctx, u := s.BeginMessage(t.Context(), msg("msg:u4", "o-late"))
		if _, _, err := s.SignUp(ctx, "A1", uid, store.SourceChat, base); err != nil {
			t.Fatalf("SignUp: %v", err)
		}
		reg := registration("o-late", "古槐社区")
		reg.Phone = registration("o-holder", "古槐社区").Phone
		_, _, err := s.RegisterVolunteer(ctx, reg, base)
		assertCode(t, "registering a taken mobile", err, store.ECONFLICT, store.MsgPhoneTaken)
		if wrote, err := u.Commit(t.Context(), "done:手机号已被使用", false); !wrote || err != nil {
			t.Fatalf("Commit = %v, %v; want the sign-up committed", wrote, err)
		}
		if n := signups(t, s, "o-late"); n != 1 {
			t.Fatalf("signups = %d, want the one before the failed write", n)
		}
		if got := mustFind(t, s, "o-late"); got.Registered() {
			t.Fatalf("the failed registration was written: %+v", got)
		}
	})

	t.Run("a committed role change is read at once", func(t *testing.T) {
		s := open(t)
		before := mustTouch(t, s, "o-role", base)
		if before.Role != store.RoleResident {
			t.Fatalf("role = %s, want resident", before.Role)
		}
		ctx, u := s.BeginMessage(t.Context(), msg("msg:u5", "o-role"))
		if _, _, err := s.RegisterVolunteer(ctx, registration("o-role", "古槐社区"), base.Add(time.Second)); err != nil {
			t.Fatal(err)
		}
		if _, err := u.Commit(t.Context(), "done:注册成功", false); err != nil {
			t.Fatal(err)
		}
		for _, got := range []*store.User{mustTouch(t, s, "o-role", base.Add(2*time.Second)), mustFind(t, s, "o-role")} {
			if got.Role != store.RoleVolunteer || got.Name != "张三" {
				t.Fatalf("user after the commit = %+v, want the volunteer", got)
			}
		}
	})

	t.Run("a kept message leaves the inbox with the commit", func(t *testing.T) {
		s := withActivity(t, open, 10)
		uid := mustUser(t, s, "o-kept")
		if err := s.KeepInbox(t.Context(), store.InboxMessage{DedupKey: "msg:u6", OpenID: "o-kept", Body: "{}",
			Owner: "r/1", ReceivedAt: base, LeaseUntil: base.Add(time.Minute)}); err != nil {
			t.Fatal(err)
		}
		ctx, u := s.BeginMessage(t.Context(), msg("msg:u6", "o-kept"))
		if _, _, err := s.SignUp(ctx, "A1", uid, store.SourceChat, base); err != nil {
			t.Fatal(err)
		}
		if _, err := u.Commit(t.Context(), "done:报名成功", true); err != nil {
			t.Fatal(err)
		}
		if got, err := s.TakeInbox(t.Context(), "r/2", base.Add(2*time.Minute), base.Add(3*time.Minute), 10, 5); err != nil || len(got) != 0 {
			t.Fatalf("inbox after the commit = %+v, %v; want empty", got, err)
		}
	})
}

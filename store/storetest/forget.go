package storetest

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"envoybot/store"
)

// forgottenName and forgottenPhone are the person 注销 must leave no trace
// of; forgottenMasked is the mobile as rosters show it.
const (
	forgottenName   = "赵小满"
	forgottenPhone  = "13712345678"
	forgottenMasked = "137****5678"
)

func runForgetConformance(t *testing.T, open func(t *testing.T) store.Store) {
	t.Run("forgetting removes every copy of name, mobile and position", func(t *testing.T) {
		s := withActivity(t, open, 1)
		ctx := t.Context()
		inv, err := s.CreateInvite(ctx, store.NewInvite{Code: "ZXM12345", Role: store.RoleEnvoy, Name: forgottenName,
			EnvoyLevel: "市", EnvoyKind: "和谐使者", ExpiresAt: later}, base)
		if err != nil {
			t.Fatalf("CreateInvite: %v", err)
		}
		zhao := mustUser(t, s, "o-zhao")
		if _, _, err := s.RedeemInvite(ctx, zhao, inv.Code, base, 5, time.Hour); err != nil {
			t.Fatalf("RedeemInvite: %v", err)
		}
		reg := store.Registration{OpenID: "o-zhao", Name: forgottenName, Phone: forgottenPhone, Community: "古槐社区"}
		if _, _, err := s.RegisterVolunteer(ctx, reg, base); err != nil {
			t.Fatalf("RegisterVolunteer: %v", err)
		}
		if err := s.SetLastLocation(ctx, "o-zhao", 35.4123, 116.5871, base); err != nil {
			t.Fatalf("SetLastLocation: %v", err)
		}
		mustSignUp(t, s, "A1", "o-zhao", base)
		att, _, err := s.CheckIn(ctx, "A1", zhao, later, &store.Position{Lat: 35.4123, Lng: 116.5871}, false)
		if err != nil {
			t.Fatalf("CheckIn: %v", err)
		}
		if _, err := s.ConfirmHours(ctx, "A1", mustFind(t, s, "o-envoy").ID,
			[]store.HoursChange{{AttendanceID: att.ID, Minutes: 60}}, "管理后台 赵小满：13712345678 迟到一小时", later.Add(3*time.Hour)); err != nil {
			t.Fatalf("ConfirmHours: %v", err)
		}
		for _, m := range []store.ProcessedMessage{
			{DedupKey: "m-own", OpenID: "o-zhao", Reply: "done:赵小满您好，已登记 13712345678", At: base},
			{DedupKey: "m-own-blank", OpenID: "o-zhao", Reply: "", At: base},
			{DedupKey: "m-roster", OpenID: "o-envoy", Reply: "done:已导入：1. 137****5678", At: base},
			{DedupKey: "m-named", OpenID: "o-envoy", Reply: "done:A1 报名名单：赵小满", At: base},
			{DedupKey: "m-other", OpenID: "o-other", Reply: "done:欢迎", At: base},
		} {
			if err := s.RecordProcessed(ctx, m); err != nil {
				t.Fatalf("RecordProcessed(%s): %v", m.DedupKey, err)
			}
		}
		for _, text := range []string{"我是赵小满想问问", "137****5678 能报名吗", "什么时候发证书"} {
			if err := s.RecordUnrecognised(ctx, text, store.RoleVolunteer, base); err != nil {
				t.Fatalf("RecordUnrecognised: %v", err)
			}
		}
		if _, err := s.EnqueueNotices(ctx, []store.NewNotice{
			{Key: "k-to", Kind: "activity_reminder", Subject: "A1", OpenID: "o-zhao", Text: "赵小满，明天见", NotBefore: later},
			{Key: "k-about", Kind: "attendance_unconfirmed", Subject: "A1", OpenID: "o-envoy",
				Text: "待确认：赵小满（13712345678）", Fields: map[string]string{"names": "赵小满"}},
		}, base); err != nil {
			t.Fatalf("EnqueueNotices: %v", err)
		}

		at := base.Add(time.Hour)
		f, err := s.ForgetUser(ctx, zhao, at)
		if err != nil {
			t.Fatalf("ForgetUser: %v", err)
		}
		if want := []string{"m-named", "m-own", "m-roster"}; !slices.Equal(f.DedupKeys, want) {
			t.Errorf("DedupKeys = %v, want %v", f.DedupKeys, want)
		}
		if want := []string{"o-envoy"}; !slices.Equal(f.ReplyOpenIDs, want) {
			t.Errorf("ReplyOpenIDs = %v, want %v", f.ReplyOpenIDs, want)
		}
		u := f.User
		if u.Name != "" || u.Phone != "" || u.Role != store.RoleResident || u.EnvoyLevel != "" || u.EnvoyKind != "" ||
			!u.LastLocationAt.IsZero() || u.LastLat != 0 || u.Following {
			t.Fatalf("forgotten user = %+v, want no name, mobile, role or position", u)
		}
		assertTime(t, "AnonymisedAt", u.AnonymisedAt, at)
		assertForgotten(t, s)
		if n := rawCount(t, s, `SELECT COUNT(*) FROM attendances WHERE check_in_lat IS NOT NULL OR check_out_lat IS NOT NULL`); n != 0 {
			t.Errorf("%d attendances keep a position, want 0", n)
		}
		if n := rawCount(t, s, `SELECT COUNT(*) FROM attendances WHERE user_id = $1 AND check_in_at IS NOT NULL`, zhao); n != 1 {
			t.Errorf("%d check-ins kept, want the anonymous one", n)
		}
		if n := rawCount(t, s, `SELECT COUNT(*) FROM outbox WHERE recipient_openid = 'o-zhao' AND status = 'pending'`); n != 0 {
			t.Errorf("%d notices to the forgotten user still pending, want 0", n)
		}
		if n := rawCount(t, s, `SELECT COUNT(*) FROM outbox WHERE recipient_openid = 'o-envoy' AND status = 'pending'`); n != 1 {
			t.Errorf("%d notices to the envoy pending, want the one, with the name replaced", n)
		}
		if audit := hoursAudit(t, s, att.ID); len(audit) != 1 || !strings.Contains(fmt.Sprint(audit[0]), "某某") {
			t.Errorf("hours audit = %+v, want the one entry kept with the name replaced", audit)
		}
		err = withRawDB(t, s, func(ctx context.Context, db *sql.DB) error {
			_, err := db.ExecContext(ctx, `UPDATE hours_audit SET new_minutes = 1`)
			return err
		})
		if err == nil {
			t.Errorf("hours_audit took an update of its minutes after forgetting, want it append-only")
		}
		if got := rawCount(t, s, `SELECT COUNT(*) FROM processed_messages`); got != 5 {
			t.Errorf("%d processed messages, want all 5 kept as processed", got)
		}
		if p, err := s.FindProcessed(ctx, "m-other"); err != nil || p.Reply != "done:欢迎" {
			t.Errorf("FindProcessed(m-other) = %+v, %v; want the unrelated reply kept", p, err)
		}
		list, err := s.ListUnrecognised(ctx, store.UnrecognisedFilter{})
		if err != nil || len(list) != 1 || list[0].Text != "什么时候发证书" {
			t.Errorf("ListUnrecognised = %v, %v; want only the message naming nobody", list, err)
		}

		again, err := s.ForgetUser(ctx, zhao, at.Add(time.Hour))
		if err != nil {
			t.Fatalf("ForgetUser again: %v", err)
		}
		if len(again.DedupKeys) != 0 || len(again.ReplyOpenIDs) != 0 {
			t.Errorf("ForgetUser again = %+v, want nothing more forgotten", again)
		}
		assertTime(t, "AnonymisedAt after forgetting again", again.User.AnonymisedAt, at)
		_, err = s.ForgetUser(ctx, unknownUser, at)
		assertCode(t, "ForgetUser of a stranger", err, store.ENOTFOUND, "")
	})
}

// assertForgotten dumps every row of every table and fails when one holds
// the forgotten name or mobile, full or masked.
func assertForgotten(t *testing.T, s store.Store) {
	t.Helper()
	tables, rows, hits := 0, 0, []string{}
	err := withRawDB(t, s, func(ctx context.Context, db *sql.DB) error {
		var err error
		tables, rows, hits, err = dumpAndFind(ctx, db, forgottenName, forgottenPhone, forgottenMasked)
		return err
	})
	if err != nil {
		t.Fatalf("dump: %v", err)
	}
	if len(hits) > 0 {
		t.Fatalf("after forgetting, the dump still holds the person:\n%s", strings.Join(hits, "\n"))
	}
	t.Logf("dumped %d rows of %d tables: none holds %s, %s or %s", rows, tables, forgottenName, forgottenPhone, forgottenMasked)
}

// dumpAndFind reads every row of every table of the database (the current
// schema on PostgreSQL) as text and returns the rows holding a needle.
func dumpAndFind(ctx context.Context, db *sql.DB, needles ...string) (tables, rows int, hits []string, err error) {
	var names []string
	q := `SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'`
	if _, err := db.ExecContext(ctx, `SELECT current_schema()`); err != nil {
		q = `SELECT name FROM sqlite_master WHERE type = 'table'`
	}
	r, err := db.QueryContext(ctx, q)
	if err != nil {
		return 0, 0, nil, err
	}
	for r.Next() {
		var n string
		if err := r.Scan(&n); err != nil {
			r.Close()
			return 0, 0, nil, err
		}
		names = append(names, n)
	}
	r.Close()
	for _, table := range names {
		tables++
		r, err := db.QueryContext(ctx, `SELECT * FROM `+table)
		if err != nil {
			return 0, 0, nil, fmt.Errorf("%s: %w", table, err)
		}
		cols, _ := r.Columns()
		for r.Next() {
			rows++
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := r.Scan(ptrs...); err != nil {
				r.Close()
				return 0, 0, nil, err
			}
			line := table + ":"
			for _, v := range vals {
				if b, ok := v.([]byte); ok {
					v = string(b)
				}
				line += fmt.Sprintf(" %v", v)
			}
			for _, n := range needles {
				if strings.Contains(line, n) {
					hits = append(hits, line)
					break
				}
			}
		}
		r.Close()
	}
	return tables, rows, hits, nil
}

// rawCount runs a COUNT query on s's database.
func rawCount(t *testing.T, s store.Store, query string, args ...any) int {
	t.Helper()
	n := rawQuery(t, s, func(r *sql.Rows) (int, error) {
		var n int
		return n, r.Scan(&n)
	}, query, args...)
	if len(n) != 1 {
		t.Fatalf("%s: %d rows", query, len(n))
	}
	return n[0]
}

package sqlstore

import (
	"context"
	"database/sql"
	"path/filepath"
	"testing"
	"time"

	"envoybot/store"
)

// TestRecurrenceRulesMigration undoes migration 3 on a fresh store, writes
// lectures as they were stored before it (rules in words only), and runs it
// again: a canonical rule is kept structurally, words that are no rule keep
// none.
func TestRecurrenceRulesMigration(t *testing.T) {
	ctx := t.Context()
	db, err := OpenSQLite(ctx, filepath.Join(t.TempDir(), "envoybot.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	at := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	envoy, err := db.TouchUser(ctx, "o-envoy", at)
	if err != nil {
		t.Fatal(err)
	}
	for _, nl := range []store.NewLecture{
		{EnvoyID: envoy.ID, Title: "法律讲座", Community: "古槐社区", Occurrences: []time.Time{at.Add(time.Hour)},
			Recurrence: store.Recurrence{Every: store.RecurMonthly, Nth: 1, Weekday: time.Saturday, Hour: 9, Minute: 30}},
		{EnvoyID: envoy.ID, Title: "读书会", Community: "古槐社区", Occurrences: []time.Time{at.Add(time.Hour)}},
	} {
		if _, err := db.CreateLecture(ctx, nl, at); err != nil {
			t.Fatal(err)
		}
	}
	inTx := func(fn func(context.Context, *sql.Tx) error) {
		t.Helper()
		tx, err := db.write.BeginTx(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		defer tx.Rollback()
		if err := fn(ctx, tx); err != nil {
			t.Fatal(err)
		}
		if err := tx.Commit(); err != nil {
			t.Fatal(err)
		}
	}
	inTx(dropRecurrenceRules)
	// L2 as an older parser could have left it: words that are no rule.
	if _, err := db.write.ExecContext(ctx, `UPDATE lectures SET recurrence = '每逢佳节' WHERE code = 'L2'`); err != nil {
		t.Fatal(err)
	}
	inTx(addRecurrenceRules)
	l1, err := db.FindLectureByCode(ctx, "L1")
	if err != nil {
		t.Fatal(err)
	}
	if l1.Recurrence.String() != "每月第一个周六 09:30" {
		t.Errorf("L1 rule after the migration = %+v, want 每月第一个周六 09:30", l1.Recurrence)
	}
	l2, err := db.FindLectureByCode(ctx, "L2")
	if err != nil {
		t.Fatal(err)
	}
	if !l2.Recurrence.IsZero() {
		t.Errorf("L2 (words that are no rule) got the rule %+v, want none", l2.Recurrence)
	}
	recurring, err := db.ListRecurringLectures(ctx)
	if err != nil || len(recurring) != 1 || recurring[0].Code != "L1" {
		t.Errorf("ListRecurringLectures = %v, %v; want L1 only", recurring, err)
	}
}

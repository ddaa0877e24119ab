package scheduler

import (
	"log/slog"
	"testing"
	"time"

	"envoybot/store"
	"envoybot/store/storetest"
)

func TestPruneUnrecognised(t *testing.T) {
	storetest.Backends(t, func(t *testing.T, s store.Store) {
		ctx := t.Context()
		now := time.Date(2026, 12, 5, 3, 30, 0, 0, shanghai)
		for _, m := range []struct {
			text string
			at   time.Time
		}{
			{"九十一天没见", now.Add(-91 * 24 * time.Hour)},
			{"八十九天前", now.Add(-89 * 24 * time.Hour)},
			{"昨天", now.Add(-24 * time.Hour)},
		} {
			if err := s.RecordUnrecognised(ctx, m.text, store.RoleResident, m.at); err != nil {
				t.Fatal(err)
			}
		}
		j := &Jobs{Store: s, Loc: shanghai, Log: slog.New(slog.DiscardHandler)}
		var job Job
		for _, x := range j.All() {
			if x.Name == JobPruneUnrecognised {
				job = x
			}
		}
		if job.Run == nil || job.Spec == "" {
			t.Fatalf("%s is not among the jobs", JobPruneUnrecognised)
		}
		if err := job.Run(ctx, now); err != nil {
			t.Fatalf("%s: %v", job.Name, err)
		}
		rows, err := s.ListUnrecognised(ctx, store.UnrecognisedFilter{})
		if err != nil {
			t.Fatal(err)
		}
		if len(rows) != 2 {
			t.Fatalf("%d rows left, want the 2 seen within 90 days", len(rows))
		}
		for _, r := range rows {
			if r.Text == "九十一天没见" {
				t.Errorf("a message last seen 91 days ago was kept")
			}
		}
	})
}

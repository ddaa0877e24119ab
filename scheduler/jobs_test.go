package scheduler

import (
	"testing"
	"time"

	"envoybot/configs"
)

func TestDueOffset(t *testing.T) {
	start := time.Date(2026, 12, 5, 9, 30, 0, 0, time.UTC)
	offsets := []time.Duration{24 * time.Hour, time.Hour}
	for _, tc := range []struct {
		name string
		now  time.Time
		want time.Duration
		ok   bool
	}{
		{"nothing due two days before", start.Add(-48 * time.Hour), 0, false},
		{"the day-before notice at T-24h", start.Add(-24 * time.Hour), 24 * time.Hour, true},
		{"still the day-before notice in between", start.Add(-5 * time.Hour), 24 * time.Hour, true},
		{"the hour-before notice at T-1h", start.Add(-time.Hour), time.Hour, true},
		{"a missed day-before notice is not sent late", start.Add(-30 * time.Minute), time.Hour, true},
		{"nothing once started", start, 0, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := dueOffset(start, tc.now, offsets)
			if got != tc.want || ok != tc.ok {
				t.Errorf("dueOffset = %s, %v; want %s, %v", got, ok, tc.want, tc.ok)
			}
		})
	}
}

func TestDueDeadlines(t *testing.T) {
	d := func(y int, m time.Month, day int) configs.Date { return configs.Date{Year: y, Month: m, Day: day} }
	j := &Jobs{Campaign: configs.Campaign{Targets: []configs.Target{
		{Key: "contact_point", Name: "联系点", Deadline: d(2019, 12, 31), RemindDaysBefore: []int{7, 3, 1}},
		{Key: "team", Name: "团队", Deadline: d(2019, 12, 31), RemindDaysBefore: []int{7, 3, 1}},
		{Key: "brand", Name: "品牌", Deadline: d(2020, 12, 31), RemindDaysBefore: []int{7, 3, 1}},
	}}}
	for _, tc := range []struct {
		name     string
		today    configs.Date
		groups   int
		offset   int
		daysLeft int
		targets  int
	}{
		{"eight days before: nothing", d(2019, 12, 23), 0, 0, 0, 0},
		{"seven days before: both year-one targets together", d(2019, 12, 24), 1, 7, 7, 2},
		{"five days before: still the 7-day reminder (sent once by its key)", d(2019, 12, 26), 1, 7, 5, 2},
		{"three days before", d(2019, 12, 28), 1, 3, 3, 2},
		{"on the deadline day", d(2019, 12, 31), 1, 1, 0, 2},
		{"after it", d(2020, 1, 1), 0, 0, 0, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			gs := j.dueDeadlines(tc.today)
			if len(gs) != tc.groups {
				t.Fatalf("%d groups, want %d: %+v", len(gs), tc.groups, gs)
			}
			if tc.groups == 1 && (gs[0].offset != tc.offset || gs[0].daysLeft != tc.daysLeft || len(gs[0].targets) != tc.targets) {
				t.Errorf("group = offset %d, %d days left, %d targets; want %d, %d, %d",
					gs[0].offset, gs[0].daysLeft, len(gs[0].targets), tc.offset, tc.daysLeft, tc.targets)
			}
		})
	}
}

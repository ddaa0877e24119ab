package store

import (
	"testing"
	"time"
)

func TestServiceMinutes(t *testing.T) {
	day := time.Date(2026, 12, 5, 0, 0, 0, 0, time.UTC)
	at := func(h, m int) time.Time { return day.Add(time.Duration(h)*time.Hour + time.Duration(m)*time.Minute) }
	start, end := at(14, 0), at(16, 0)
	half := HoursRule{Unit: 30 * time.Minute, Threshold: 15 * time.Minute}
	for _, tc := range []struct {
		name    string
		in, out time.Time
		rule    HoursRule
		want    int
	}{
		{"whole activity", at(13, 40), at(16, 20), half, 120},
		{"early check-in counts from the start", at(13, 0), at(15, 0), half, 60},
		{"remainder of 15 minutes rounds up", at(14, 0), at(15, 15), half, 90},
		{"remainder under 15 minutes is dropped", at(14, 0), at(15, 14), half, 60},
		{"under 15 minutes is nothing", at(14, 0), at(14, 10), half, 0},
		{"no check-out is unknown", at(14, 0), time.Time{}, half, -1},
		{"no overlap is nothing", at(16, 30), at(17, 0), half, 0},
		{"below the minimum share is nothing", at(14, 0), at(14, 50), HoursRule{Unit: 30 * time.Minute, Threshold: 15 * time.Minute, MinShare: 0.5}, 0},
		{"at the minimum share counts", at(14, 0), at(15, 0), HoursRule{Unit: 30 * time.Minute, Threshold: 15 * time.Minute, MinShare: 0.5}, 60},
		{"no unit counts minutes", at(14, 0), at(14, 47), HoursRule{}, 47},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := ServiceMinutes(tc.in, tc.out, start, end, tc.rule); got != tc.want {
				t.Errorf("ServiceMinutes = %d, want %d", got, tc.want)
			}
		})
	}
}

func TestFormatHours(t *testing.T) {
	for minutes, want := range map[int]string{0: "0", 60: "1", 90: "1.5", 150: "2.5", 45: "0.75", 600: "10"} {
		if got := FormatHours(minutes); got != want {
			t.Errorf("FormatHours(%d) = %q, want %q", minutes, got, want)
		}
	}
}

package handlers

import (
	"testing"
	"time"

	"envoybot/configs"
)

// TestDaysLeftAsTheDashboard: chat's 进度 counts days to a deadline as the
// dashboard does, in calendar days of the campaign's time zone.
func TestDaysLeftAsTheDashboard(t *testing.T) {
	cst := time.FixedZone("CST", 8*3600)
	deadline := configs.Date{Year: 2026, Month: time.December, Day: 5}
	for _, tc := range []struct {
		now  time.Time
		want string
	}{
		{time.Date(2026, 12, 1, 9, 0, 0, 0, cst), "剩4天"},
		{time.Date(2026, 12, 1, 0, 30, 0, 0, cst), "剩4天"}, // 30 Nov in UTC, 1 Dec here
		{time.Date(2026, 12, 4, 23, 59, 0, 0, cst), "剩1天"},
		{time.Date(2026, 12, 5, 8, 0, 0, 0, cst), "今天截止"},
		{time.Date(2026, 12, 6, 8, 0, 0, 0, cst), "已过截止日"},
	} {
		if got := daysLeftText(tc.now, deadline); got != tc.want {
			t.Errorf("daysLeftText(%s) = %q, want %q", tc.now, got, tc.want)
		}
	}
}

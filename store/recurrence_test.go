package store

import (
	"testing"
	"time"
)

func TestRecurrence(t *testing.T) {
	sh := time.FixedZone("Asia/Shanghai", 8*3600)
	after := time.Date(2026, 11, 29, 10, 0, 0, 0, sh)
	until := after.AddDate(0, 3, 0)
	for _, tc := range []struct {
		text  string
		first []string
	}{
		{"每月第一个周六 09:30", []string{"2026-12-05T09:30:00+08:00", "2027-01-02T09:30:00+08:00", "2027-02-06T09:30:00+08:00"}},
		{"每月最后一个周五 19:00", []string{"2026-12-25T19:00:00+08:00", "2027-01-29T19:00:00+08:00"}},
		{"每周六 09:30", []string{"2026-12-05T09:30:00+08:00", "2026-12-12T09:30:00+08:00"}},
		{"每月1日 14:00", []string{"2026-12-01T14:00:00+08:00", "2027-01-01T14:00:00+08:00"}},
		{"每天 08:00", []string{"2026-11-30T08:00:00+08:00", "2026-12-01T08:00:00+08:00"}},
	} {
		t.Run(tc.text, func(t *testing.T) {
			r, err := ParseRecurrenceText(tc.text)
			if err != nil {
				t.Fatal(err)
			}
			if r.String() != tc.text {
				t.Errorf("String() = %q, want %q", r.String(), tc.text)
			}
			back, err := UnmarshalRecurrence(MarshalRecurrence(r))
			if err != nil || back != r {
				t.Errorf("stored form %q reads back as %+v, %v", MarshalRecurrence(r), back, err)
			}
			got := r.Occurrences(after, until, sh, 0)
			for i, want := range tc.first {
				if i >= len(got) || got[i].Format(time.RFC3339) != want {
					t.Fatalf("occurrences = %v, want to start %v", got, tc.first)
				}
			}
			if two := r.Occurrences(after, until, sh, 2); len(two) != 2 {
				t.Errorf("limit 2 gave %d", len(two))
			}
		})
	}
	for _, bad := range []string{"每逢佳节", "每周八 09:00", "每月第五个周一 09:00"} {
		if _, err := ParseRecurrenceText(bad); ErrorCode(err) != EINVALID {
			t.Errorf("ParseRecurrenceText(%q) = %v, want invalid", bad, err)
		}
	}
	if _, err := UnmarshalRecurrence(`{"every":"monthly","month_day":40}`); ErrorCode(err) != EINVALID {
		t.Errorf("day 40 of the month accepted: %v", err)
	}
}

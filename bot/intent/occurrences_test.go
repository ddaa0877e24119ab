package intent

import (
	"testing"
	"time"
)

func TestOccurrences(t *testing.T) {
	sh := loadShanghai()
	after := time.Date(2026, 11, 29, 10, 0, 0, 0, sh)
	until := after.AddDate(0, 3, 0)
	for _, tc := range []struct {
		rule  string
		first []string
	}{
		{"每月第一个周六 09:30", []string{"2026-12-05T09:30:00+08:00", "2027-01-02T09:30:00+08:00", "2027-02-06T09:30:00+08:00"}},
		{"每周六 09:30", []string{"2026-12-05T09:30:00+08:00", "2026-12-12T09:30:00+08:00"}},
		{"每月1日 14:00", []string{"2026-12-01T14:00:00+08:00", "2027-01-01T14:00:00+08:00"}},
	} {
		t.Run(tc.rule, func(t *testing.T) {
			got, err := Occurrences(tc.rule, after, until)
			if err != nil {
				t.Fatal(err)
			}
			for i, want := range tc.first {
				if i >= len(got) || got[i].Format(time.RFC3339) != want {
					t.Fatalf("occurrences = %v, want to start %v", got, tc.first)
				}
			}
			// It agrees with what Parse shows the envoy.
			p := Parse("发布讲座 法律讲座 "+tc.rule+" 古槐社区活动室", after)
			for i, s := range p.Occurrences {
				if got[i].Format(time.RFC3339) != s {
					t.Errorf("session %d: Occurrences %s, Parse %s", i, got[i].Format(time.RFC3339), s)
				}
			}
		})
	}
	if _, err := Occurrences("每逢佳节", after, until); err == nil {
		t.Error("a non-rule expanded without error")
	}
}

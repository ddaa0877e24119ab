package intent

import (
	"fmt"
	"time"
)

// Occurrences expands a recurrence as Parse normalises it into a lecture's
// description ("每月第一个周六 09:30", "每周六 09:30", "每月1日 14:00") into
// its sessions after after and up to until, in Asia/Shanghai. Scheduled
// jobs use it to keep recurring lectures' sessions ahead of time.
func Occurrences(rule string, after, until time.Time) ([]time.Time, error) {
	var w when
	match, rest := extractRule(Normalize(rule), &w)
	if match == nil || w.problem != "" {
		return nil, fmt.Errorf("intent: %q is not a recurrence", rule)
	}
	h, m, _, _, hasClock, _, _ := extractClock(rest, &w)
	if !hasClock || w.problem != "" {
		return nil, fmt.Errorf("intent: recurrence %q has no time of day", rule)
	}
	a := after.In(shanghai)
	var out []time.Time
	for d := time.Date(a.Year(), a.Month(), a.Day(), 0, 0, 0, 0, shanghai); !d.After(until); d = d.AddDate(0, 0, 1) {
		if t := atClock(d, h, m); match(d) && t.After(after) && !t.After(until) {
			out = append(out, t)
		}
	}
	return out, nil
}

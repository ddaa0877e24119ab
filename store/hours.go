package store

import (
	"strconv"
	"time"
)

// HoursRule says how attendance becomes service time.
type HoursRule struct {
	Unit      time.Duration // rounding unit, e.g. 30m
	Threshold time.Duration // a remainder this long counts as one more unit
	MinShare  float64       // credited only when overlap/duration reaches it
}

// ServiceMinutes is the service time of one attendance: the overlap of
// [in, out] with the activity's [start, end], rounded by rule. A missing
// check-out (zero out) gives -1: the time is not known.
func ServiceMinutes(in, out, start, end time.Time, rule HoursRule) int {
	if in.IsZero() || out.IsZero() {
		return -1
	}
	from, to := in, out
	if start.After(from) {
		from = start
	}
	if end.Before(to) {
		to = end
	}
	overlap := to.Sub(from)
	if overlap <= 0 {
		return 0
	}
	if d := end.Sub(start); d > 0 && float64(overlap) < rule.MinShare*float64(d) {
		return 0
	}
	if rule.Unit <= 0 {
		return int(overlap / time.Minute)
	}
	units := overlap / rule.Unit
	if rem := overlap % rule.Unit; rem > 0 && rem >= rule.Threshold && rule.Threshold > 0 {
		units++
	}
	return int(units * rule.Unit / time.Minute)
}

// FormatHours writes minutes as hours for people: 90 → "1.5".
func FormatHours(minutes int) string {
	return strconv.FormatFloat(float64(minutes)/60, 'f', -1, 64)
}

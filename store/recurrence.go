package store

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strconv"
	"time"
)

// Recurrence is the rule of a recurring lecture: every day, every week on
// a weekday, every month on a day of the month or on its nth (or last)
// weekday, at a time of day in the campaign's time zone. It is stored as
// its JSON (lectures.recurrence_rule) and expanded here, so nothing after
// the chat parser reads the Chinese text of the rule again.
type Recurrence struct {
	// Every is RecurDaily, RecurWeekly or RecurMonthly; "" for a one-off.
	Every   string       `json:"every,omitempty"`
	Weekday time.Weekday `json:"weekday,omitempty"` // weekly; monthly with Nth
	// Nth is the week of the month of a monthly weekday rule: 1 to 4, or
	// -1 for the last; 0 when the rule is a day of the month.
	Nth      int `json:"nth,omitempty"`
	MonthDay int `json:"month_day,omitempty"` // monthly without Nth: 1 to 31
	Hour     int `json:"hour"`
	Minute   int `json:"minute"`
}

// Recurrence frequencies.
const (
	RecurDaily   = "daily"
	RecurWeekly  = "weekly"
	RecurMonthly = "monthly"
)

// IsZero reports whether r is no rule at all (a one-off lecture).
func (r Recurrence) IsZero() bool { return r.Every == "" }

// Validate checks that the rule can produce sessions.
func (r Recurrence) Validate() error {
	bad := r.Hour < 0 || r.Hour > 23 || r.Minute < 0 || r.Minute > 59 || r.Weekday < time.Sunday || r.Weekday > time.Saturday
	switch r.Every {
	case "", RecurDaily, RecurWeekly:
	case RecurMonthly:
		bad = bad || (r.Nth == 0 && (r.MonthDay < 1 || r.MonthDay > 31)) || r.Nth < -1 || r.Nth > 4
	default:
		bad = true
	}
	if bad {
		return Errorf(EINVALID, "bad recurrence %+v", r)
	}
	return nil
}

var weekdayNames = [7]string{"日", "一", "二", "三", "四", "五", "六"}

// String is the rule in Chinese as the bot shows it: 每月第一个周六 09:30.
func (r Recurrence) String() string {
	if r.IsZero() {
		return ""
	}
	return fmt.Sprintf("%s %02d:%02d", r.Days(), r.Hour, r.Minute)
}

// Days is the rule without its time of day: 每月第一个周六.
func (r Recurrence) Days() string {
	switch {
	case r.Every == RecurDaily:
		return "每天"
	case r.Every == RecurWeekly:
		return "每周" + weekdayNames[r.Weekday]
	case r.Every == RecurMonthly && r.Nth == -1:
		return "每月最后一个周" + weekdayNames[r.Weekday]
	case r.Every == RecurMonthly && r.Nth > 0 && r.Nth <= 4:
		return "每月第" + []string{"", "一", "二", "三", "四"}[r.Nth] + "个周" + weekdayNames[r.Weekday]
	case r.Every == RecurMonthly:
		return fmt.Sprintf("每月%d日", r.MonthDay)
	}
	return ""
}

// Matches reports whether day d (its date in its own location) is a day
// of the rule.
func (r Recurrence) Matches(d time.Time) bool {
	switch r.Every {
	case RecurDaily:
		return true
	case RecurWeekly:
		return d.Weekday() == r.Weekday
	case RecurMonthly:
		switch {
		case r.Nth == -1:
			return d.Weekday() == r.Weekday && d.AddDate(0, 0, 7).Month() != d.Month()
		case r.Nth > 0:
			return d.Weekday() == r.Weekday && (d.Day()-1)/7+1 == r.Nth
		}
		return d.Day() == r.MonthDay
	}
	return false
}

// Occurrences returns the sessions after after and up to until, in loc
// (the campaign's time zone), at most limit of them when limit > 0.
func (r Recurrence) Occurrences(after, until time.Time, loc *time.Location, limit int) []time.Time {
	if r.IsZero() {
		return nil
	}
	a := after.In(loc)
	var out []time.Time
	for d := time.Date(a.Year(), a.Month(), a.Day(), 0, 0, 0, 0, loc); !d.After(until); d = d.AddDate(0, 0, 1) {
		t := time.Date(d.Year(), d.Month(), d.Day(), r.Hour, r.Minute, 0, 0, loc)
		if r.Matches(d) && t.After(after) && !t.After(until) {
			out = append(out, t)
			if limit > 0 && len(out) == limit {
				break
			}
		}
	}
	return out
}

// MarshalRecurrence is the stored form of r: its JSON, "" for none.
func MarshalRecurrence(r Recurrence) string {
	if r.IsZero() {
		return ""
	}
	b, _ := json.Marshal(r) // a struct of ints and strings always encodes
	return string(b)
}

// UnmarshalRecurrence reads the stored form; "" is no rule.
func UnmarshalRecurrence(s string) (Recurrence, error) {
	var r Recurrence
	if s == "" {
		return r, nil
	}
	if err := json.Unmarshal([]byte(s), &r); err != nil {
		return r, fmt.Errorf("recurrence %q: %w", s, err)
	}
	return r, r.Validate()
}

// reRecurrenceText reads the rule as String writes it, the form lectures
// stored before rules were kept structurally.
var reRecurrenceText = regexp.MustCompile(`^每(天|周([日一二三四五六])|月(?:(\d{1,2})日|第([一二三四])个周([日一二三四五六])|最后一个周([日一二三四五六])))\s*(\d{1,2}):(\d{2})$`)

// ParseRecurrenceText reads a rule in the form String writes (每月第一个周六
// 09:30); it is for stored rules only, not for what people type.
func ParseRecurrenceText(s string) (Recurrence, error) {
	m := reRecurrenceText.FindStringSubmatch(s)
	if m == nil {
		return Recurrence{}, Errorf(EINVALID, "not a stored recurrence: %q", s)
	}
	weekday := func(c string) time.Weekday {
		for i, n := range weekdayNames {
			if n == c {
				return time.Weekday(i)
			}
		}
		return time.Sunday
	}
	var r Recurrence
	r.Hour, _ = strconv.Atoi(m[7])
	r.Minute, _ = strconv.Atoi(m[8])
	switch {
	case m[1] == "天":
		r.Every = RecurDaily
	case m[2] != "":
		r.Every, r.Weekday = RecurWeekly, weekday(m[2])
	case m[3] != "":
		r.Every = RecurMonthly
		r.MonthDay, _ = strconv.Atoi(m[3])
	case m[4] != "":
		r.Every, r.Weekday = RecurMonthly, weekday(m[5])
		r.Nth = map[string]int{"一": 1, "二": 2, "三": 3, "四": 4}[m[4]]
	default:
		r.Every, r.Weekday, r.Nth = RecurMonthly, weekday(m[6]), -1
	}
	return r, r.Validate()
}

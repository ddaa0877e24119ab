package handlers

import (
	"fmt"
	"strings"
	"time"

	"envoybot/store"
)

// maxReplyBytes keeps replies under WeChat's 2,048-byte text limit with
// room for the paging hint.
const maxReplyBytes = 1900

var weekdays = [...]string{"周日", "周一", "周二", "周三", "周四", "周五", "周六"}

// when writes a time span for people: 12月5日(周六) 14:00-16:00.
func when(start, end time.Time, loc *time.Location) string {
	s, e := start.In(loc), end.In(loc)
	out := fmt.Sprintf("%d月%d日(%s) %s", s.Month(), s.Day(), weekdays[s.Weekday()], s.Format("15:04"))
	if end.IsZero() {
		return out
	}
	if e.YearDay() != s.YearDay() || e.Year() != s.Year() {
		return out + fmt.Sprintf(" 至 %d月%d日 %s", e.Month(), e.Day(), e.Format("15:04"))
	}
	return out + "-" + e.Format("15:04")
}

// clock writes a time of day.
func clock(t time.Time, loc *time.Location) string { return t.In(loc).Format("15:04") }

// summary is an activity as replies show it.
func summary(a *store.Activity, loc *time.Location) string {
	return fmt.Sprintf("活动：%s %s\n时间：%s\n地点：%s", a.Code, a.Title, when(a.StartsAt, a.EndsAt, loc), a.Place)
}

// missing says what a half-understood command lacks and the form to send.
func missing(fields []string, form string) string {
	names := make([]string, 0, len(fields))
	for _, f := range fields {
		if n, ok := Text.FieldNames[f]; ok {
			names = append(names, n)
		} else {
			names = append(names, f)
		}
	}
	return fmt.Sprintf(Text.MissingForm, strings.Join(names, "、"), form)
}

// list joins a header and lines, cutting the list to fit one reply and
// saying how many were left out and, when narrow is set, the command that
// narrows the list.
func list(header string, lines []string, narrow string) string {
	var b strings.Builder
	b.WriteString(header)
	for i, l := range lines {
		hint := fmt.Sprintf(Text.MoreLeft, len(lines)-i)
		if narrow != "" {
			hint = fmt.Sprintf(Text.MoreHint, len(lines)-i, narrow)
		}
		if b.Len()+1+len(l)+1+len(hint) > maxReplyBytes {
			b.WriteString("\n" + hint)
			break
		}
		b.WriteString("\n" + l)
	}
	return b.String()
}

// parseTime reads a parser time (RFC3339); zero when empty or bad.
func parseTime(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return time.Time{}
	}
	return t
}

// maskedNames lists people by name with masked mobiles.
func maskedNames(names []string) string {
	return store.MaskPhone(strings.Join(names, "、"))
}

package handlers

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"envoybot/bot"
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

// whenFrom is when, with the year shown when it is not now's year, so
// that a date read as next year never surprises.
func whenFrom(now, start, end time.Time, loc *time.Location) string {
	out := when(start, end, loc)
	if y := start.In(loc).Year(); y != now.In(loc).Year() {
		out = fmt.Sprintf("%d年", y) + out
	}
	return out
}

// summary is an activity as replies show it, seen at now.
func summary(a *store.Activity, loc *time.Location, now time.Time) string {
	return fmt.Sprintf("活动：%s %s\n时间：%s\n地点：%s", a.Code, a.Title, whenFrom(now, a.StartsAt, a.EndsAt, loc), a.Place)
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

// pageTTL is how long the rest of a long list waits for 更多.
const pageTTL = 30 * time.Minute

// page joins a header and lines into one reply that fits WeChat's limit.
// Lines that do not fit are kept for the sender, who gets them by
// replying 更多; without a cache they are counted instead.
func (h *Handlers) page(ctx context.Context, openID, header string, lines []string) string {
	text, rest := fit(header, lines)
	key := "more:" + openID
	if len(rest) == 0 {
		if h.cache != nil {
			_ = h.cache.Delete(ctx, key)
		}
		return text
	}
	if h.cache != nil {
		if raw, err := json.Marshal(rest); err == nil && h.cache.Set(ctx, key, string(raw), pageTTL) == nil {
			return text + "\n" + fmt.Sprintf(Text.MoreHint, len(rest))
		}
	}
	return text + "\n" + fmt.Sprintf(Text.MoreLeft, len(rest))
}

// fit takes as many lines as fit one reply, leaving room for the hint.
func fit(header string, lines []string) (string, []string) {
	var b strings.Builder
	b.WriteString(header)
	for i, l := range lines {
		if b.Len()+1+len(l) > maxReplyBytes-80 {
			if i == 0 { // one line alone too long: cut it
				b.WriteString("\n" + truncate(l, maxReplyBytes-80-b.Len()))
				return b.String(), lines[1:]
			}
			return b.String(), lines[i:]
		}
		b.WriteString("\n" + l)
	}
	return b.String(), nil
}

// More answers 更多 with the next part of the sender's last long list.
func (h *Handlers) More(ctx context.Context, req *Request) (bot.Reply, error) {
	if h.cache == nil {
		return bot.Reply{Text: Text.NoMore}, nil
	}
	raw, ok, err := h.cache.Get(ctx, "more:"+req.Msg.OpenID)
	if err != nil {
		return bot.Reply{}, fmt.Errorf("more: %w", err)
	}
	var rest []string
	if !ok || json.Unmarshal([]byte(raw), &rest) != nil || len(rest) == 0 {
		return bot.Reply{Text: Text.NoMore}, nil
	}
	return bot.Reply{Text: h.page(ctx, req.Msg.OpenID, Text.MoreHeader, rest)}, nil
}

// nameList writes up to max names (mobiles masked), then how many more.
func nameList(names []string, max int) string {
	if len(names) <= max {
		return maskedNames(names)
	}
	return maskedNames(names[:max]) + fmt.Sprintf(Text.AndMore, len(names))
}

// truncate cuts s to at most n bytes on a rune boundary.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
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

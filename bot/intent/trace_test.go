package intent

import (
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestFieldsTraceable: over every corpus, every field the parser fills is
// traceable to words of the message — a title, place, name or reason is
// text of the message; a start has a day and a time of day written in it;
// a quota, mobile or code has its number there. The parser never fills a
// field from a default.
func TestFieldsTraceable(t *testing.T) {
	for _, path := range []string{"testdata/heldout/messages.jsonl", "testdata/heldout2/messages.jsonl", "testdata/heldout3/messages.jsonl", "testdata/heldout4/messages.jsonl"} {
		for _, c := range readHeldout(t, path, 150) {
			now, err := time.Parse(time.RFC3339, c.Now)
			if err != nil {
				t.Fatal(err)
			}
			r := Parse(c.Text, now)
			if why := untraceable(c.Text, r); why != "" {
				t.Errorf("%s %q: %s (parse %+v)", c.ID, c.Text, why, r)
			}
		}
	}
}

var (
	reDayWords   = regexp.MustCompile(`[0-9０-９]+\s*[月/.\-]|[日号]|周|星期|礼拜|今|明|后天|昨|前天|元旦|月底|最后一天|每`)
	reClockWords = regexp.MustCompile(`[点时:：]`)
)

func untraceable(text string, r Result) string {
	flat := compact(fold(Normalize(text)))
	digits := func(s string) string {
		return strings.Map(func(r rune) rune {
			if r >= '0' && r <= '9' {
				return r
			}
			return -1
		}, s)
	}
	for name, v := range map[string]string{
		"title": r.Title, "place": r.Place, "name": r.Name, "reason": r.Reason, "community": r.Community, "team": r.Team,
	} {
		if v != "" && !strings.Contains(flat, compact(v)) {
			return name + " " + strconv.Quote(v) + " is not in the message"
		}
	}
	if r.Start != "" || r.End != "" {
		if !reDayWords.MatchString(flat) || !reClockWords.MatchString(flat) {
			return "a start without a day and a time of day written in the message"
		}
	}
	if r.Date != "" && !reDayWords.MatchString(flat) {
		return "a date without a day written in the message"
	}
	if r.Phone != "" && !strings.Contains(digits(Normalize(text)), r.Phone) {
		return "the mobile is not in the message"
	}
	if r.Activity != "" && !strings.Contains(digits(Normalize(text)), r.Activity[1:]) {
		return "the activity code's number is not in the message"
	}
	if r.Quota > 0 && !strings.Contains(digits(Normalize(text)), strconv.Itoa(r.Quota)) && !strings.ContainsAny(flat, "一二两三四五六七八九十百") {
		return "the quota is not in the message"
	}
	return ""
}

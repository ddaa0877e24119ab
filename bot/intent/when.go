package intent

import (
	"fmt"
	"regexp"
	"strings"
	"time"

	"envoybot/store"
)

// formatTime writes a time the way Result carries it: RFC3339 in the
// campaign's time zone (+08:00). Every date people type is read in the
// location of the now Parse is given, which the caller takes from the
// configuration (time_zone).
func formatTime(t time.Time) string {
	return t.Format(time.RFC3339)
}

// Building blocks of the date and time expressions. N is a small number in
// digits or Chinese numerals; WD a weekday after 周/星期/礼拜.
const (
	reN      = cnNumberClass + `{1,3}`
	reWD     = `(?:周|星期|礼拜)\s*([一二三四五六日天1-7])`
	rePeriod = `(凌晨|早上|早晨|清晨|上午|中午|午后|下午|傍晚|晚上|夜里|夜间|晚间|早|晚)`
	reClock  = rePeriod + `?\s*(?:([0-9]{1,2})\s*:\s*([0-9]{2})|(` + reN + `)\s*[点时]\s*(半|一刻|三刻|[0-9]{1,2}分?|[零一二三四五六七八九十]{1,3}分?)?)`
)

var (
	reMonthNth = regexp.MustCompile(`每\s*个?\s*月\s*的?\s*(?:第\s*([一二三四1-4])\s*个?|(最后)\s*一?\s*个?)\s*` + reWD)
	reMonthDay = regexp.MustCompile(`每\s*个?\s*月\s*的?\s*(` + reN + `)\s*[日号]`)
	reWeekly   = regexp.MustCompile(`每\s*个?\s*` + reWD)
	reDaily    = regexp.MustCompile(`每天|每日`)

	reYMD     = regexp.MustCompile(`([0-9]{4})\s*[年\-/.]\s*([0-9]{1,2})\s*[月\-/.]\s*([0-9]{1,2})\s*[日号]?`)
	reMD      = regexp.MustCompile(`(` + reN + `)\s*月\s*(` + reN + `)\s*[日号]?`)
	reMDShort = regexp.MustCompile(`([0-9]{1,2})[/.]([0-9]{1,2})`)
	reRelDay  = regexp.MustCompile(`大后天|后天|明天|明日|今天|今日`)
	reWeekday = regexp.MustCompile(`(下下个?|下个?|这个?|本)?\s*` + reWD)

	reClockAt    = regexp.MustCompile(reClock)
	reClockAfter = regexp.MustCompile(`^\s*(?:-|~|～|到|至|—|–|－|−|_)+\s*` + reClock)
)

// when is what the date and time expressions of a message say.
type when struct {
	found       bool // a date, time or rule was seen at all
	start, end  time.Time
	hasStart    bool
	hasEnd      bool
	day         time.Time // a date read without a time of day
	hasDay      bool
	problem     string // ProblemNoTime or ProblemBadTime
	rule        string // a recurrence normalised, without its time: 每周六
	recurrence  store.Recurrence
	clock       string      // the time of day, 09:30
	occurrences []time.Time // for a recurrence: the next three
}

// extractWhen finds the date, time (or time range) and, when recurring is
// allowed, the recurrence rule in text, resolves them against now in
// Asia/Shanghai, and returns text with them blanked out.
func extractWhen(text string, now time.Time, recurring bool) (when, string) {
	loc := now.Location()
	today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, loc)
	text = strings.NewReplacer("今晚", "今天晚上", "明晚", "明天晚上").Replace(text)
	var w when

	var rule store.Recurrence
	if recurring {
		rule, text = extractRule(text, &w)
	}
	var day func(clock time.Duration, hasClock bool) (time.Time, bool)
	if rule.IsZero() {
		day, text = extractDate(text, today, now, &w)
	}
	h, m, eh, em, hasClock, hasEnd, text := extractClock(text, &w)

	switch {
	case w.problem != "":
	case !rule.IsZero():
		if !hasClock {
			w.problem = ProblemNoTime
			break
		}
		w.clock = fmt.Sprintf("%02d:%02d", h, m)
		rule.Hour, rule.Minute = h, m
		w.recurrence = rule
		w.occurrences = rule.Occurrences(now, today.AddDate(3, 0, 0), loc, 3)
		if len(w.occurrences) == 0 {
			w.problem = ProblemBadTime
			break
		}
		w.start, w.hasStart = w.occurrences[0], true
	case day != nil && !hasClock:
		w.problem = ProblemNoTime
		w.day, w.hasDay = day(0, false)
	case hasClock:
		offset := time.Duration(h)*time.Hour + time.Duration(m)*time.Minute
		d, ok := today, true
		if day != nil {
			d, ok = day(offset, true)
		} else if !today.Add(offset).After(now) {
			d = today.AddDate(0, 0, 1)
		}
		if !ok {
			w.problem = ProblemBadTime
			break
		}
		w.start, w.hasStart = atClock(d, h, m), true
		if !w.start.After(now) {
			w.problem = ProblemBadTime
		}
		if hasEnd {
			w.end, w.hasEnd = atClock(d, eh, em), true
			if !w.end.After(w.start) {
				w.problem = ProblemBadTime
			}
		}
	}
	return w, text
}

// atClock is day d at h:m in Shanghai.
func atClock(d time.Time, h, m int) time.Time {
	return time.Date(d.Year(), d.Month(), d.Day(), h, m, 0, 0, d.Location())
}

// blank replaces text[loc[0]:loc[1]] by a space, so words on either side
// stay apart.
func blank(text string, loc []int) string {
	return text[:loc[0]] + " " + text[loc[1]:]
}

// weekdayOf reads the weekday after 周/星期/礼拜.
func weekdayOf(s string) time.Weekday {
	switch s {
	case "日", "天", "7":
		return time.Sunday
	}
	if n, ok := parseNumber(s); ok && n >= 1 && n <= 6 {
		return time.Weekday(n)
	}
	return time.Sunday
}

// extractRule finds a recurrence: 每周六, 每月1日, 每月第一个周六,
// 每月最后一个周五, 每天. Its time of day is read later.
func extractRule(text string, w *when) (store.Recurrence, string) {
	var r store.Recurrence
	if m := reMonthNth.FindStringSubmatchIndex(text); m != nil {
		r.Every, r.Weekday, r.Nth = store.RecurMonthly, weekdayOf(text[m[6]:m[7]]), -1
		if m[4] < 0 {
			r.Nth, _ = parseNumber(text[m[2]:m[3]])
		}
		text = blank(text, m)
	} else if m := reMonthDay.FindStringSubmatchIndex(text); m != nil {
		n, ok := parseNumber(text[m[2]:m[3]])
		w.found = true
		if !ok || n < 1 || n > 31 {
			w.problem = ProblemBadTime
			return r, blank(text, m)
		}
		r.Every, r.MonthDay, text = store.RecurMonthly, n, blank(text, m)
	} else if m := reWeekly.FindStringSubmatchIndex(text); m != nil {
		r.Every, r.Weekday, text = store.RecurWeekly, weekdayOf(text[m[2]:m[3]]), blank(text, m)
	} else if m := reDaily.FindStringIndex(text); m != nil {
		r.Every, text = store.RecurDaily, blank(text, m)
	}
	if !r.IsZero() {
		w.found = true
		w.rule = r.Days()
	}
	return r, text
}

// dateMatch is one candidate date expression: where it stands and how to
// resolve it once the time of day is known (a weekday that is today counts
// only while its time is still ahead).
type dateMatch struct {
	loc     []int
	resolve func(clock time.Duration, hasClock bool) (time.Time, bool)
}

// extractDate finds the earliest date expression in text.
func extractDate(text string, today, now time.Time, w *when) (func(time.Duration, bool) (time.Time, bool), string) {
	var found []dateMatch
	if m := reYMD.FindStringSubmatchIndex(text); m != nil {
		y, _ := parseNumber(text[m[2]:m[3]])
		mo, _ := parseNumber(text[m[4]:m[5]])
		d, _ := parseNumber(text[m[6]:m[7]])
		found = append(found, dateMatch{m[:2], func(time.Duration, bool) (time.Time, bool) {
			return civilDate(today.Location(), y, mo, d)
		}})
	}
	monthDay := func(mo, d int) func(time.Duration, bool) (time.Time, bool) {
		return func(time.Duration, bool) (time.Time, bool) {
			// A date without a year is the next one to come, unless it
			// passed within the last two months: then it is that past
			// day, to be refused, not silently moved a year on.
			t, ok := civilDate(today.Location(), today.Year(), mo, d)
			if ok && t.Before(today.AddDate(0, -2, 0)) {
				t, ok = civilDate(today.Location(), today.Year()+1, mo, d)
			}
			return t, ok
		}
	}
	if m := reMD.FindStringSubmatchIndex(text); m != nil {
		mo, ok1 := parseNumber(text[m[2]:m[3]])
		d, ok2 := parseNumber(text[m[4]:m[5]])
		if ok1 && ok2 {
			found = append(found, dateMatch{m[:2], monthDay(mo, d)})
		}
	}
	for _, m := range reMDShort.FindAllStringSubmatchIndex(text, -1) {
		if !standsAlone(text, m[0], m[1]) {
			continue
		}
		mo, _ := parseNumber(text[m[2]:m[3]])
		d, _ := parseNumber(text[m[4]:m[5]])
		if mo >= 1 && mo <= 12 && d >= 1 && d <= 31 {
			found = append(found, dateMatch{m[:2], monthDay(mo, d)})
			break
		}
	}
	if m := reRelDay.FindStringIndex(text); m != nil {
		days := map[string]int{"今天": 0, "今日": 0, "明天": 1, "明日": 1, "后天": 2, "大后天": 3}[text[m[0]:m[1]]]
		found = append(found, dateMatch{m, func(time.Duration, bool) (time.Time, bool) {
			return today.AddDate(0, 0, days), true
		}})
	}
	if m := reWeekdayMatch(text); m != nil {
		prefix := ""
		if m[2] >= 0 {
			prefix = strings.TrimSuffix(text[m[2]:m[3]], "个")
		}
		wd := weekdayOf(text[m[4]:m[5]])
		found = append(found, dateMatch{m[:2], func(clock time.Duration, hasClock bool) (time.Time, bool) {
			monday := today.AddDate(0, 0, -((int(today.Weekday()) + 6) % 7))
			inWeek := (int(wd) + 6) % 7
			switch prefix {
			case "下":
				return monday.AddDate(0, 0, 7+inWeek), true
			case "下下":
				return monday.AddDate(0, 0, 14+inWeek), true
			case "这", "本":
				return monday.AddDate(0, 0, inWeek), true
			}
			delta := (int(wd) - int(today.Weekday()) + 7) % 7
			if delta == 0 && hasClock && !today.Add(clock).After(now) {
				delta = 7
			}
			return today.AddDate(0, 0, delta), true
		}})
	}
	if len(found) == 0 {
		return nil, text
	}
	// The earliest date wins, except that a calendar date beats a weekday:
	// a weekday beside a date only annotates it ("12月5日(周六)",
	// "下周六(12.5)") and is blanked too, so it is not taken for a place.
	better := func(f, than dateMatch) bool {
		fw, tw := isWeekdayOnly(text[f.loc[0]:f.loc[1]]), isWeekdayOnly(text[than.loc[0]:than.loc[1]])
		if fw != tw {
			return !fw
		}
		return f.loc[0] < than.loc[0]
	}
	first := found[0]
	for _, f := range found[1:] {
		if better(f, first) {
			first = f
		}
	}
	w.found = true
	for _, f := range found {
		if f.loc[0] != first.loc[0] && (f.loc[1] <= first.loc[0] || f.loc[0] >= first.loc[1]) && isWeekdayOnly(text[f.loc[0]:f.loc[1]]) {
			text = blankKeep(text, f.loc)
		}
	}
	return first.resolve, blankKeep(text, first.loc)
}

// isWeekdayOnly reports a date expression that is just a weekday.
func isWeekdayOnly(s string) bool {
	m := reWeekday.FindStringIndex(s)
	return m != nil && m[0] == 0 && m[1] == len(s)
}

// blankKeep replaces text[loc[0]:loc[1]] by spaces of the same length, so
// other matches' offsets stay valid.
func blankKeep(text string, loc []int) string {
	return text[:loc[0]] + strings.Repeat(" ", loc[1]-loc[0]) + text[loc[1]:]
}

// reWeekdayMatch finds a weekday that is not part of a recurrence
// ("每周六" is not "周六" in a one-off).
func reWeekdayMatch(text string) []int {
	for _, m := range reWeekday.FindAllStringSubmatchIndex(text, -1) {
		if !strings.HasSuffix(strings.TrimRight(text[:m[0]], " "), "每") {
			return m
		}
	}
	return nil
}

// standsAlone reports a short date like 12.5 that is not part of a longer
// number, a decimal or a time.
func standsAlone(text string, from, to int) bool {
	if from > 0 && strings.ContainsRune("0123456789.:/-", rune(text[from-1])) {
		return false
	}
	if to < len(text) && strings.ContainsRune("0123456789.:/-", rune(text[to])) {
		return false
	}
	after := text[to:]
	return !strings.HasPrefix(after, "点") && !strings.HasPrefix(after, "时") && !strings.HasPrefix(after, "小时")
}

// civilDate is y-m-d at midnight in loc, refusing dates that do not exist
// (2月30日).
func civilDate(loc *time.Location, y, m, d int) (time.Time, bool) {
	if m < 1 || m > 12 || d < 1 || d > 31 {
		return time.Time{}, false
	}
	t := time.Date(y, time.Month(m), d, 0, 0, 0, 0, loc)
	return t, t.Day() == d
}

// extractClock finds the time of day and an optional end ("下午3点到5点",
// "14:00-16:00"). An end without its own period takes the start's.
func extractClock(text string, w *when) (h, m, eh, em int, hasClock, hasEnd bool, rest string) {
	loc := reClockAt.FindStringSubmatchIndex(text)
	if loc == nil {
		return 0, 0, 0, 0, false, false, text
	}
	// The match may start with the blanks before the clock; what must not
	// touch it is a digit right before its first character ("13:00" read
	// as "3:00"), not one a space away ("读书会3 9:00").
	start := loc[0]
	for start < loc[1] && text[start] == ' ' {
		start++
	}
	if start > 0 && start == loc[0] && isDigit(text[start-1]) {
		return 0, 0, 0, 0, false, false, text
	}
	w.found = true
	period := group(text, loc, 1)
	h, m, ok := clockOf(text, loc, period)
	end := loc[1]
	if after := reClockAfter.FindStringSubmatchIndex(text[end:]); after != nil {
		sub := text[end:]
		p := group(sub, after, 1)
		if p == "" {
			p = period
		}
		var ok2 bool
		eh, em, ok2 = clockOf(sub, after, p)
		hasEnd, ok = true, ok && ok2
		end += after[1]
	}
	if !ok {
		w.problem = ProblemBadTime
	}
	return h, m, eh, em, ok, hasEnd && ok, text[:loc[0]] + " " + text[end:]
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// group is submatch i of a match, or "".
func group(text string, loc []int, i int) string {
	if 2*i+1 >= len(loc) || loc[2*i] < 0 {
		return ""
	}
	return text[loc[2*i]:loc[2*i+1]]
}

// clockOf reads hour and minute from a reClock match, applying the period:
// 下午3点 is 15:00, and a bare 1–6 o'clock is afternoon too, since nobody
// holds a community activity at 3 a.m.
func clockOf(text string, loc []int, period string) (h, m int, ok bool) {
	if hh := group(text, loc, 2); hh != "" {
		h, _ = parseNumber(hh)
		m, _ = parseNumber(group(text, loc, 3))
	} else {
		var okH bool
		h, okH = parseNumber(group(text, loc, 4))
		if !okH {
			return 0, 0, false
		}
		switch mm := strings.TrimSuffix(group(text, loc, 5), "分"); mm {
		case "":
		case "半":
			m = 30
		case "一刻":
			m = 15
		case "三刻":
			m = 45
		default:
			var okM bool
			if m, okM = parseNumber(mm); !okM {
				return 0, 0, false
			}
		}
	}
	switch period {
	case "下午", "午后", "傍晚", "晚上", "夜里", "夜间", "晚间", "晚":
		if h < 12 {
			h += 12
		}
	case "中午":
		if h < 6 {
			h += 12
		}
	case "":
		if h >= 1 && h <= 6 {
			h += 12
		}
	}
	return h, m, h >= 0 && h <= 23 && m >= 0 && m <= 59
}

package intent

import (
	"fmt"
	"regexp"
	"strings"
	"time"
	"unicode"

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
	reRelDay  = regexp.MustCompile(`大后天|后天|明天|明日|今天|今日|昨天|昨日|前天`)
	// reMonthRel is a day of this or next month: 这个月最后一天, 月底,
	// 下月初三号, 下个月5号, 本月15日.
	reMonthRel = regexp.MustCompile(`(这个?月|本月|下下个?月|下个?月)?\s*的?\s*(?:(最后一天|月底|底)|初?\s*(` + reN + `)\s*[日号])`)
	// reHoliday names a day by its holiday.
	reHoliday = regexp.MustCompile(`元旦`)
	// reClockRange is a range whose start has no 点 of its own: 下午2-4点.
	reClockRange = regexp.MustCompile(rePeriod + `?\s*([0-9]{1,2}|[一二三四五六七八九十两]{1,3})\s*(?:-|~|～|到|至|—)\s*([0-9]{1,2}|[一二三四五六七八九十两]{1,3})\s*[点时]`)
	// reDuration is how long it lasts, after the start: 三个钟头, 两个小时,
	// 一个半小时.
	reDuration = regexp.MustCompile(`^\s*(?:开始)?\s*,?\s*(?:共|持续|大约|约|大概|讲|进行|历时|用时|时长)?\s*(` + reN + `)\s*个?\s*(半)?\s*(?:小时|钟头|个钟)`)
	// reLonePeriod is a part of the day left alone once its date is read
	// ("下周六上午"): it says no time.
	reLonePeriod = regexp.MustCompile(`(?:^|\s)(凌晨|早上|早晨|上午|中午|下午|傍晚|晚上|白天|全天)(?:\s|$)`)
	reWeekday    = regexp.MustCompile(`(下下个?|下个?|这个?|本)?\s*` + reWD)

	reClockAt    = regexp.MustCompile(reClock)
	reClockAfter = regexp.MustCompile(`^\s*(?:-|~|～|到|至|—|–|－|−|_)+\s*` + reClock)
)

// dayShorthands spell out a day and its part in one word: 今晚, 明早.
var dayShorthands = strings.NewReplacer("今晚", "今天晚上", "明晚", "明天晚上", "今早", "今天早上", "明早", "明天早上", "明儿", "明天")

// when is what the date and time expressions of a message say.
type when struct {
	found       bool // a date, time or rule was seen at all
	start, end  time.Time
	hasStart    bool
	hasEnd      bool
	clockEnd    int       // where the time of day ended in the text it was cut from
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
	text = dayShorthands.Replace(text)
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
	if hasClock && !hasEnd {
		if d := reDuration.FindStringSubmatchIndex(text[w.clockEnd:]); d != nil {
			n, _ := parseNumber(text[w.clockEnd+d[2] : w.clockEnd+d[3]])
			length := time.Duration(n) * time.Hour
			if d[4] >= 0 {
				length += 30 * time.Minute
			}
			if n > 0 && n < 24 {
				end := time.Duration(h)*time.Hour + time.Duration(m)*time.Minute + length
				eh, em, hasEnd = int(end/time.Hour), int(end%time.Hour/time.Minute), true
				text = text[:w.clockEnd] + " " + text[w.clockEnd+d[1]:]
			}
		}
	}
	if hasClock {
		if rest, ok := strings.CutPrefix(text[w.clockEnd:], "开始"); ok {
			text = text[:w.clockEnd] + " " + rest
		}
	}
	if !hasClock && day != nil {
		text = reLonePeriod.ReplaceAllString(text, " ")
	}

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
		if day == nil {
			// A time without a day: the day is not guessed.
			break
		}
		offset := time.Duration(h)*time.Hour + time.Duration(m)*time.Minute
		d, ok := day(offset, true)
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
	if m := reMonthRel.FindStringSubmatchIndex(text); m != nil && (m[2] >= 0 || m[4] >= 0 && text[m[4]:m[5]] != "底") && !strings.HasSuffix(strings.TrimRight(text[:m[0]], " "), "每") && !preceded(text, m[0], "月") {
		months := 0
		if m[2] >= 0 {
			switch rel := strings.TrimSuffix(strings.TrimSuffix(text[m[2]:m[3]], "月"), "个"); rel {
			case "下":
				months = 1
			case "下下":
				months = 2
			}
		}
		first := time.Date(today.Year(), today.Month()+time.Month(months), 1, 0, 0, 0, 0, today.Location())
		var d int
		if m[4] < 0 {
			d, _ = parseNumber(text[m[6]:m[7]])
		}
		found = append(found, dateMatch{m[:2], func(time.Duration, bool) (time.Time, bool) {
			if d == 0 {
				return first.AddDate(0, 1, -1), true // the month's last day
			}
			return civilDate(today.Location(), first.Year(), int(first.Month()), d)
		}})
	}
	for _, m := range reHoliday.FindAllStringIndex(text, -1) {
		if gluedToWord(text[m[1]:]) {
			continue
		}
		found = append(found, dateMatch{m, func(time.Duration, bool) (time.Time, bool) {
			t := time.Date(today.Year(), 1, 1, 0, 0, 0, 0, today.Location())
			if t.Before(today.AddDate(0, -2, 0)) {
				t = t.AddDate(1, 0, 0)
			}
			return t, true
		}})
		break
	}
	if m := reRelDay.FindStringIndex(text); m != nil {
		days := map[string]int{"今天": 0, "今日": 0, "明天": 1, "明日": 1, "后天": 2, "大后天": 3, "昨天": -1, "昨日": -1, "前天": -2}[text[m[0]:m[1]]]
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

// gluedToWord reports a date word that begins a longer word ("元旦写春联"
// is a title): Han characters follow that are no part of the day or time.
func gluedToWord(after string) bool {
	r := firstRune(after)
	if after == "" || !unicode.Is(unicode.Han, r) {
		return false
	}
	return reClockAt.FindStringIndex(after) == nil || reClockAt.FindStringIndex(after)[0] != 0
}

// preceded reports whether the text before offset i ends with word: "12月
// 5号" is a month-day, which reMD reads, not a day of this month.
func preceded(text string, i int, word string) bool {
	return strings.HasSuffix(strings.TrimRight(text[:i], " 0123456789一二三四五六七八九十"), word)
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
	if r := reClockRange.FindStringSubmatchIndex(text); r != nil && (r[0] == 0 || !isDigit(text[r[0]-1])) {
		// "下午2-4点": the start borrows the end's 点 and both the period.
		period := group(text, r, 1)
		sh, ok1 := parseNumber(group(text, r, 2))
		eh, ok2 := parseNumber(group(text, r, 3))
		if ok1 && ok2 {
			w.found = true
			sh, eh = withPeriod(sh, period), withPeriod(eh, period)
			w.clockEnd = r[0] + 1
			if sh > 23 || eh > 23 {
				w.problem = ProblemBadTime
				return 0, 0, 0, 0, false, false, text[:r[0]] + " " + text[r[1]:]
			}
			return sh, 0, eh, 0, true, true, text[:r[0]] + " " + text[r[1]:]
		}
	}
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
	w.clockEnd = loc[0] + 1
	return h, m, eh, em, ok, hasEnd && ok, text[:loc[0]] + " " + text[end:]
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// withPeriod applies the part of the day to an hour: 下午3点 is 15:00, and
// a bare 1–6 o'clock is afternoon too, since nobody holds a community
// activity at 3 a.m.
func withPeriod(h int, period string) int {
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
	return h
}

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
	// A zero-padded hour ("03:17", "06:30") is a 24-hour clock, as a
	// phone or a computer writes it: no afternoon is guessed for it.
	if hh := group(text, loc, 2); !(period == "" && len(hh) == 2 && hh[0] == '0') {
		h = withPeriod(h, period)
	}
	return h, m, h >= 0 && h <= 23 && m >= 0 && m <= 59
}

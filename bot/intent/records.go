package intent

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"envoybot/store"
)

// Issue 14: records people can use. A volunteer gives an ID (实名, after
// 同意实名), asks for a certificate (我的证明, optionally for a period)
// and for hours of an activity they served at without checking in (补录);
// envoys and admins record trainings (培训), awards (表彰) and
// evaluations (评价), and approve or reject make-up requests.

// Keywords of the records commands.
var (
	realNameKeywords = []string{"实名", "实名登记", "实名认证", "实名信息", "登记身份证", "补充身份证", "填写身份证", "身份证登记"}
	consentKeywords  = []string{"同意实名", "我同意实名", "同意实名登记", "同意实名认证", "同意登记身份证"}
	certificateKeys  = []string{"我的证明", "开证明", "开具证明", "出具证明", "志愿证明", "服务证明", "志愿服务证明", "志愿服务记录证明", "时长证明", "我要证明", "申请证明", "打印证明", "开个证明"}
	trainingKeywords = []string{"培训", "记录培训", "登记培训", "培训记录"}
	awardKeywords    = []string{"表彰", "记录表彰", "登记表彰", "表彰记录", "奖励", "表扬"}
	evalKeywords     = []string{"评价", "记录评价", "登记评价", "评价记录"}
	makeupKeywords   = []string{"补录", "补录时长", "申请补录", "补签", "补签到", "补打卡", "补时长", "时长补录"}
	approveKeywords  = []string{"同意补录", "批准补录", "通过补录", "补录同意", "补录通过", "确认补录"}
	rejectKeywords   = []string{"驳回补录", "拒绝补录", "不同意补录", "补录驳回", "退回补录"}
)

// reIDNumber is an ID card number typed with spaces or dashes anywhere
// (18 characters, the last may be X), or another document's number (5 to
// 20 letters and digits with at least 5 digits).
var (
	reResidentID = regexp.MustCompile(`(?i)\b[0-9](?:[ -]?[0-9]){16}[ -]?[0-9x]\b|\b[0-9]{15}\b`)
	reOtherID    = regexp.MustCompile(`(?i)\b[A-Z0-9]{5,20}\b`)
	reBirthYear  = regexp.MustCompile(`\b(19[0-9]{2}|20[0-9]{2})\s*年?(?:出生|生)?`)
)

// idTypeWords are the words that name an ID type, longest first.
var idTypeWords = []string{
	"港澳台居民居住证", "外国人永久居留身份证", "港澳居民来往内地通行证", "台湾居民来往大陆通行证",
	"居民身份证", "二代身份证", "身份证号码", "身份证号", "身份证", "永久居留证", "永居证", "回乡证", "台胞证",
	"港澳通行证", "居住证", "护照",
}

// parseRealName reads "实名 身份证 370802…", "实名 护照 E12345678 男 1990":
// the type (a bare 18-character number is a 居民身份证), the number, and
// for documents that do not say them, gender and birth year.
func parseRealName(rest string, _ time.Time) (Result, bool) {
	r := Result{Intent: RealName}
	text := " " + rest + " "
	for _, w := range idTypeWords {
		if i := strings.Index(text, w); i >= 0 {
			r.IDType = store.NormaliseIDType(w)
			text = text[:i] + " " + text[i+len(w):]
			break
		}
	}
	if m := reResidentID.FindStringIndex(text); m != nil && (r.IDType == "" || r.IDType == store.IDTypeResident || r.IDType == store.IDTypeResidence) {
		r.IDNumber = strings.ToUpper(strings.NewReplacer(" ", "", "-", "").Replace(text[m[0]:m[1]]))
		text = text[:m[0]] + " " + text[m[1]:]
		if r.IDType == "" {
			r.IDType = store.IDTypeResident
		}
	} else if r.IDType != "" {
		for _, m := range reOtherID.FindAllStringIndex(text, -1) {
			cand := text[m[0]:m[1]]
			if strings.Count(strings.Map(keepDigit, cand), "")-1 >= 5 {
				r.IDNumber = strings.ToUpper(cand)
				text = text[:m[0]] + " " + text[m[1]:]
				break
			}
		}
	}
	for _, g := range []string{store.GenderMale, store.GenderFemale} {
		if strings.Contains(text, g+"性") || strings.Contains(text, " "+g+" ") {
			r.Gender = g
		}
	}
	if m := reBirthYear.FindStringSubmatch(text); m != nil && r.IDType != store.IDTypeResident {
		r.BirthYear, _ = strconv.Atoi(m[1])
	}
	if r.IDType == store.IDTypeResident {
		r.Gender = "" // the number says it
	}
	if r.IDNumber == "" {
		if t := cutFillers(trimGaps(text), []string{"我要", "我想", "一下", "信息", "登记", "认证", "怎么", "怎么弄", "吗", "了", "的"}); t != "" && r.IDType == "" {
			return Result{}, false // "实名制…": about it, not a profile
		}
		r.Missing = []string{FieldIDNumber}
	}
	return r, true
}

func keepDigit(r rune) rune {
	if r >= '0' && r <= '9' {
		return r
	}
	return -1
}

// parseConsent reads "同意实名" alone.
func parseConsent(rest string, _ time.Time) (Result, bool) {
	if cutFillers(trimGaps(rest), []string{"登记", "认证", "了", "的", "授权", "我同意", "同意"}) != "" {
		return Result{}, false
	}
	return Result{Intent: ConsentRealName}, true
}

// parseCertificate reads "我的证明", "我的证明 2026年1月1日-2026年6月30日",
// "开证明 2026年", "我的证明 今年": the period, when one is given, as from
// and to dates (both included).
func parseCertificate(rest string, now time.Time) (Result, bool) {
	r := Result{Intent: MyCertificate}
	from, to, text, ok := extractPeriod(rest, now)
	if !ok {
		r.Problem = ProblemBadTime
	}
	r.From, r.To = from, to
	if cutFillers(trimGaps(text), []string{"志愿服务记录", "志愿服务", "记录", "的", "期间", "从", "时长", "开", "一下", "下载", "打印", "pdf", "PDF", "要", "给我", "我要", "了", "吧", "吗", "谢谢"}) != "" {
		return Result{}, false
	}
	return r, true
}

// Periods as people write them.
var (
	reFullDate  = `(?:(\d{4})\s*[年./-]\s*)?(\d{1,2})\s*[月./-]\s*(\d{1,2})\s*[日号]?`
	rePeriodTwo = regexp.MustCompile(reFullDate + `\s*(?:-|~|～|到|至|—|－)+\s*` + reFullDate)
	reYearMonth = regexp.MustCompile(`(\d{4})\s*年\s*(\d{1,2})\s*月份?`)
	reYearOnly  = regexp.MustCompile(`(\d{4})\s*年(?:度|全年)?`)
	reOneDate   = regexp.MustCompile(reFullDate)
)

// extractPeriod finds a period in text: two dates, a month, a year, 今年,
// 去年. It returns the dates (YYYY-MM-DD, "" when none), text without them,
// and false when a date cannot be (2月30日) or the end is before the start.
func extractPeriod(text string, now time.Time) (from, to, rest string, ok bool) {
	day := func(y, m, d string, defYear int) (time.Time, bool) {
		year := defYear
		if y != "" {
			year, _ = strconv.Atoi(y)
		}
		mo, _ := strconv.Atoi(m)
		dd, _ := strconv.Atoi(d)
		t := time.Date(year, time.Month(mo), dd, 0, 0, 0, 0, now.Location())
		return t, t.Month() == time.Month(mo) && t.Day() == dd && mo >= 1 && mo <= 12
	}
	out := func(f, t time.Time) (string, string, bool) {
		return f.Format(time.DateOnly), t.Format(time.DateOnly), !t.Before(f)
	}
	switch {
	case strings.Contains(text, "今年"):
		f := time.Date(now.Year(), 1, 1, 0, 0, 0, 0, now.Location())
		from, to, ok = out(f, f.AddDate(1, 0, -1))
		return from, to, strings.Replace(text, "今年", " ", 1), ok
	case strings.Contains(text, "去年"):
		f := time.Date(now.Year()-1, 1, 1, 0, 0, 0, 0, now.Location())
		from, to, ok = out(f, f.AddDate(1, 0, -1))
		return from, to, strings.Replace(text, "去年", " ", 1), ok
	}
	if m := rePeriodTwo.FindStringSubmatchIndex(text); m != nil {
		g := func(i int) string {
			if m[2*i] < 0 {
				return ""
			}
			return text[m[2*i]:m[2*i+1]]
		}
		f, ok1 := day(g(1), g(2), g(3), now.Year())
		t, ok2 := day(g(4), g(5), g(6), f.Year())
		from, to, ok = out(f, t)
		return from, to, blank(text, m[:2]), ok && ok1 && ok2
	}
	if m := reYearMonth.FindStringSubmatchIndex(text); m != nil {
		y, _ := strconv.Atoi(text[m[2]:m[3]])
		mo, _ := strconv.Atoi(text[m[4]:m[5]])
		f := time.Date(y, time.Month(mo), 1, 0, 0, 0, 0, now.Location())
		from, to, ok = out(f, f.AddDate(0, 1, -1))
		return from, to, blank(text, m[:2]), ok && mo >= 1 && mo <= 12
	}
	if m := reYearOnly.FindStringSubmatchIndex(text); m != nil {
		y, _ := strconv.Atoi(text[m[2]:m[3]])
		f := time.Date(y, 1, 1, 0, 0, 0, 0, now.Location())
		from, to, ok = out(f, f.AddDate(1, 0, -1))
		return from, to, blank(text, m[:2]), ok
	}
	return "", "", text, true
}

// extractDay finds one day in text (2026年12月5日, 12月5日, 12.5, 今天,
// 昨天, 前天), past or not; "" when none.
func extractDay(text string, now time.Time) (string, string, bool) {
	for w, back := range map[string]int{"今天": 0, "昨天": 1, "前天": 2} {
		if strings.Contains(text, w) {
			return now.AddDate(0, 0, -back).Format(time.DateOnly), strings.Replace(text, w, " ", 1), true
		}
	}
	m := reOneDate.FindStringSubmatchIndex(text)
	if m == nil {
		return "", text, true
	}
	year := now.Year()
	if m[2] >= 0 {
		year, _ = strconv.Atoi(text[m[2]:m[3]])
	}
	mo, _ := strconv.Atoi(text[m[4]:m[5]])
	d, _ := strconv.Atoi(text[m[6]:m[7]])
	t := time.Date(year, time.Month(mo), d, 0, 0, 0, 0, now.Location())
	if m[2] < 0 && t.After(now) {
		t = t.AddDate(-1, 0, 0) // a record is of a day gone by: 12月5日 sent in January
	}
	ok := t.Day() == d && mo >= 1 && mo <= 12
	return t.Format(time.DateOnly), blank(text, m[:2]), ok
}

// reHoursLen is the length of a training: 3小时, 2.5小时, 半天, 90分钟.
var reHoursLen = regexp.MustCompile(`(\d+(?:\.\d+)?)\s*(?:个)?(小时|钟头|h|H|分钟)|(半天|一天|全天)`)

// parsePersonRecord makes the parser of 培训, 表彰 and 评价: "培训 张三
// 急救知识培训 12月5日 3小时", "表彰 13812345678 优秀志愿者", "评价 张三 优秀
// 服务认真": the volunteer (a mobile, or a name), then the subject, award
// or grade, a day (today when none), a training's length, and for an
// evaluation a comment.
func parsePersonRecord(intent string) func(string, time.Time) (Result, bool) {
	return func(rest string, now time.Time) (Result, bool) {
		r := Result{Intent: intent}
		phone, bad, text := extractPhone(rest)
		if bad {
			r.Problem = ProblemBadPhone
		}
		r.Phone = phone
		date, text, ok := extractDay(text, now)
		if !ok {
			r.Problem = ProblemBadTime
		}
		r.Date = date
		if intent == RecordTraining {
			if m := reHoursLen.FindStringSubmatchIndex(text); m != nil {
				switch {
				case m[6] >= 0 && text[m[6]:m[7]] == "半天":
					r.Minutes = 4 * 60
				case m[6] >= 0:
					r.Minutes = 8 * 60
				default:
					n, _ := strconv.ParseFloat(text[m[2]:m[3]], 64)
					if text[m[4]:m[5]] == "分钟" {
						r.Minutes = int(n)
					} else {
						r.Minutes = int(n * 60)
					}
				}
				text = blank(text, m[:2])
			}
		}
		fields := strings.Fields(strings.NewReplacer(",", " ", "，", " ", ":", " ", "：", " ").Replace(text))
		if r.Phone == "" && len(fields) > 0 && looksLikeName(fields[0]) {
			r.Name, fields = fields[0], fields[1:]
		}
		if len(fields) > 0 {
			r.Title, fields = fields[0], fields[1:]
		}
		r.Description = strings.Join(fields, " ")
		if intent == RecordEvaluation && r.Title != "" {
			grade := ""
			for _, g := range store.EvaluationGrades {
				if strings.HasPrefix(r.Title, g) && (grade == "" || len(g) > len(grade)) {
					grade = g
				}
			}
			if grade != "" && r.Title != grade {
				r.Description = strings.TrimSpace(strings.TrimPrefix(r.Title, grade) + " " + r.Description)
				r.Title = grade
			}
		}
		if r.Name == "" && r.Phone == "" {
			if r.Title == "" && len(fields) == 0 && !bad && rest != "" && r.Date == "" {
				return Result{}, false
			}
			r.Missing = append(r.Missing, FieldName)
		}
		if r.Title == "" {
			r.Missing = append(r.Missing, FieldTitle)
		}
		return r, true
	}
}

// reMakeupClock is a time-of-day range without a day: 14:00-16:00, 下午2点到4点.
var reMakeupClock = regexp.MustCompile(`(上午|下午|晚上|早上|中午)?\s*(\d{1,2})\s*(?:[:：点时]\s*(\d{2}|半)?)?\s*(?:-|~|～|到|至|—|－)+\s*(上午|下午|晚上|中午)?\s*(\d{1,2})\s*(?:[:：点时]\s*(\d{2}|半)?)?`)

// parseMakeup reads "补录 A12 14:00-16:00 忘记签到了": the activity, the
// time of day served (the activity's own hours when none is given) as
// clock "14:00-16:00", and the reason.
func parseMakeup(rest string, _ time.Time) (Result, bool) {
	r := Result{Intent: Makeup}
	code, text := findCode(rest, activityLetter)
	r.Activity = code
	if m := reMakeupClock.FindStringSubmatchIndex(text); m != nil {
		g := func(i int) string {
			if m[2*i] < 0 {
				return ""
			}
			return text[m[2*i]:m[2*i+1]]
		}
		h1, m1 := makeupClock(g(1), g(2), g(3))
		part := g(4)
		if part == "" {
			part = g(1)
		}
		h2, m2 := makeupClock(part, g(5), g(6))
		if h1 >= 0 && h2 >= 0 {
			r.Clock = fmt.Sprintf("%02d:%02d-%02d:%02d", h1, m1, h2, m2)
			if h2*60+m2 <= h1*60+m1 {
				r.Problem = ProblemBadTime
			}
			text = blank(text, m[:2])
		}
	}
	r.Reason = cutFillers(trimGaps(text), []string{"原因", "因为", "理由"})
	r.Reason = trimGaps(strings.TrimPrefix(r.Reason, "："))
	if code == "" {
		r.Missing = []string{FieldActivity}
	}
	return r, true
}

// makeupClock reads a time of day: a part of the day, the hour, the minutes
// (or 半); -1 when it cannot be.
func makeupClock(part, hour, minute string) (int, int) {
	h, err := strconv.Atoi(hour)
	if err != nil || h > 23 {
		return -1, 0
	}
	m := 0
	switch minute {
	case "":
	case "半":
		m = 30
	default:
		m, _ = strconv.Atoi(minute)
	}
	if (part == "下午" || part == "晚上") && h < 12 {
		h += 12
	}
	if part == "中午" && h < 6 {
		h += 12
	}
	if m > 59 {
		return -1, 0
	}
	return h, m
}

// parseDecideMakeup makes the parser of 同意补录 B3 / 驳回补录 B3 原因.
func parseDecideMakeup(intent string) func(string, time.Time) (Result, bool) {
	return func(rest string, _ time.Time) (Result, bool) {
		r := Result{Intent: intent}
		r.Code, rest = findCode(rest, makeupLetter)
		r.Reason = trimGaps(cutFillers(trimGaps(rest), []string{"原因", "理由", "因为"}))
		r.Reason = trimGaps(strings.TrimPrefix(r.Reason, "："))
		if r.Code == "" {
			r.Missing = []string{FieldCode}
		}
		return r, true
	}
}

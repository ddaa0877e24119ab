package intent

import (
	"regexp"
	"strconv"
	"strings"
	"time"
)

// Issue 15: residents ask, volunteers answer (点单—派单—评单). A request
// has the code R12.
const requestLetter = 'R'

// Keywords of the request commands.
var (
	requestKeywords = []string{"求助", "我要求助", "我想求助", "申请帮助", "申请求助", "点单", "我要点单", "求帮忙"}
	// 代办: an envoy or volunteer files for a resident without a phone.
	requestForKeywords = []string{"代办求助", "代办 求助", "代为求助", "帮人求助", "代老人求助", "代办点单", "代办"}
	takeKeywords       = []string{"接单", "我接单", "我来接单", "接受求助", "我接", "我来接"}
	assignKeywords     = []string{"派单", "指派", "分派"}
	myPointsKeywords   = []string{"我的积分", "积分", "查积分", "查询积分", "我的星级", "星级", "我的等级"}
)

// Field names of a request's parse.
const (
	FieldNeed   = "need"
	FieldWished = "wished"
)

// asSoonAs are the words of a wished time that is no time: any time will
// do, the sooner the better.
var asSoonAs = []string{"越快越好", "越早越好", "尽快", "尽早", "随时", "都行", "都可以", "时间不限", "什么时候都行", "马上", "急"}

// periodStart is where a part of the day begins, for a wished day said with
// a part ("周六上午") and no clock: the start of the window.
var periodStart = map[string]int{
	"早上": 8, "早晨": 8, "清晨": 7, "上午": 9, "中午": 12, "午后": 13, "下午": 14, "傍晚": 17, "晚上": 19, "白天": 9, "全天": 9,
}

var rePeriodWord = regexp.MustCompile(`(早上|早晨|清晨|上午|中午|午后|下午|傍晚|晚上|白天|全天)`)

// requestFiller is what a request says around its need: "家里", "想",
// "需要", "帮忙".
var requestFiller = []string{"我", "家里", "需要", "想要", "想", "请", "帮忙", "麻烦", "一下", "的", "在", "时间", "地点", "社区", "电话", "手机", "联系电话", "手机号"}

// parseRequest reads "求助 家里老人想理发 古槐社区 周六上午": the need, the
// community and the wished time. What lacks is in Missing; a time that
// cannot be is a Problem.
func parseRequest(rest string, now time.Time) (Result, bool) {
	r := Result{Intent: RequestHelp}
	// A contact the resident adds ("电话13812345678") is theirs; a bad one
	// is a Problem, never part of the need.
	phone, bad, text := extractPhone(rest)
	r.Phone = phone
	readRequest(&r, text, now)
	if bad && r.Problem == "" {
		r.Problem = ProblemBadPhone
	}
	return r, true
}

// parseRequestFor reads "代办 求助 王奶奶 13812345678 想理发 古槐社区 周六上午":
// a request filed for a resident, whose name and contact come with it.
func parseRequestFor(rest string, now time.Time) (Result, bool) {
	r := Result{Intent: RequestFor}
	rest = trimGaps(rest)
	for _, k := range requestKeywords {
		if after, ok := strings.CutPrefix(rest, k); ok {
			rest = after
			break
		}
	}
	phone, bad, text := extractPhone(rest)
	r.Phone = phone
	if bad {
		r.Problem = ProblemBadPhone
	}
	// The resident's name: the first short Han word that looks like one,
	// or how neighbours name an old person inside a longer phrase ("帮隔壁
	// 王大爷", "我替楼下的刘大娘"), whose framing goes with it.
	for _, t := range tokens(text) {
		whole := t
		if field, v := cutLabel(t); field == FieldName {
			t = v // 姓名王奶奶
		}
		t = strings.TrimPrefix(t, "居民")
		if (looksLikeName(t) || isElderName(t)) && !looksLikeCommunity(t) && !strings.HasSuffix(t, "社区") && !startsWithWant(t) && !reTimeWord.MatchString(t) {
			r.Name = t
			text = strings.Replace(text, t, " ", 1)
			break
		}
		if m := reElderInside.FindString(whole); m != "" {
			r.Name = m
			if rest := strings.Replace(whole, m, "", 1); runeCount(rest) <= 6 {
				text = strings.Replace(text, whole, " ", 1) // "我替楼下的": framing
			} else {
				text = strings.Replace(text, m, " ", 1)
			}
			break
		}
	}
	// Others mentioning the resident again ("王大爷没手机") are no need.
	if r.Name != "" {
		text = strings.ReplaceAll(text, r.Name, " ")
	}
	readRequest(&r, text, now)
	if r.Name == "" {
		r.Missing = append(r.Missing, FieldName)
	}
	if r.Phone == "" && r.Problem != ProblemBadPhone {
		r.Missing = append(r.Missing, FieldPhone)
	}
	return r, true
}

// reElderInside is an old neighbour's name inside a phrase: a surname and
// how one calls them (刘大娘, 王大爷, 老孙头).
var reElderInside = regexp.MustCompile(`[赵钱孙李周吴郑王冯陈卫蒋沈韩杨朱秦许何吕张孔曹严华金魏陶姜谢邹苏潘葛范彭鲁马方任袁柳唐罗薛雷贺倪汤殷郝邬安常乐于傅齐康伍余顾孟黄穆萧尹姚邵汪祁毛狄米贝明臧计成戴宋庞熊纪舒屈项祝董梁杜阮蓝闵席季贾路江童颜郭梅盛林钟徐邱骆高夏蔡田胡凌霍万柯卢莫房缪解应宗丁宣邓洪包左石崔吉龚程邢裴陆荣翁荀甄曲家封储靳焦牧山谷车侯全班仰秋仲伊宫宁仇甘厉戎祖武符刘景詹龙叶司黎白蒲邰从鄂索咸赖卓蔺屠池乔闻党翟谭姬申冉雍桑桂牛寿通边燕冀浦尚农温别庄晏柴瞿阎慕连习艾鱼容向古易慎廖庾终居衡步都耿满弘匡国文寇广禄东欧沃利蔚越隆师巩聂晁勾敖融冷辛阚简饶空曾沙养鞠须丰巢关蒯相查荆红游竺权盖益桓公岳帅缑亢况后有琴商牟佘佴伯赏墨哈谯笪年爱阳佟言福](?:奶奶|爷爷|大爷|大妈|阿姨|叔叔|婆婆|姥姥|姥爷|大娘|老太太|老太|大伯|伯伯|老汉)|老[\p{Han}]头`)

// reTimeWord is a word of a date or time, never a name: 明天上午.
var reTimeWord = regexp.MustCompile(`[今明后昨前]天|周[一二三四五六日天末]|星期|礼拜|上午|下午|晚上|早上|中午|[0-9一二三四五六七八九十]+[点号日]`)

// startsWithWant reports a word that is a need, not a name: 想理发.
func startsWithWant(t string) bool {
	for _, w := range []string{"想", "要", "需", "帮", "请", "找", "陪", "买", "修", "送"} {
		if strings.HasPrefix(t, w) {
			return true
		}
	}
	return false
}

// isElderName reports how neighbours name an old resident: 王奶奶, 李大爷,
// 张阿姨, 老刘.
func isElderName(t string) bool {
	if runeCount(t) < 2 || runeCount(t) > 4 || !allHan(t) {
		return false
	}
	for _, s := range []string{"奶奶", "爷爷", "大爷", "大妈", "阿姨", "叔叔", "婆婆", "姥姥", "姥爷", "大娘", "老太", "大伯"} {
		if strings.HasSuffix(t, s) && runeCount(t) > runeCount(s) {
			return true
		}
	}
	return strings.HasPrefix(t, "老") && runeCount(t) == 2
}

// readRequest fills the need, community and wished time of r from text.
func readRequest(r *Result, text string, now time.Time) {
	text = reSpokenEvening.ReplaceAllStringFunc(text, func(w string) string { return spokenEvening[w] })
	// Who the resident is and where they live, around the community, is
	// no part of the need: "我们是古槐社区的", "我家在越河这边".
	text = reWhereILive.ReplaceAllStringFunc(text, func(w string) string {
		if c := communityIn(w); c != "" && r.Community == "" {
			r.Community = c
		}
		return " "
	})
	if c := communityIn(text); c != "" {
		r.Community = c
		text = strings.Replace(text, c, " ", 1)
		if short := strings.TrimSuffix(c, "社区"); short != c {
			text = replaceWord(text, short)
		}
	}
	soon := ""
	for _, w := range asSoonAs {
		if strings.Contains(text, w) {
			soon, text = w, strings.Replace(text, w, " ", 1)
			break
		}
	}
	vague := ""
	for _, w := range vagueTimes {
		if strings.Contains(text, w) {
			vague, text = w, strings.Replace(text, w, " ", 1)
			break
		}
	}
	period := rePeriodWord.FindString(text)
	w, left := extractWhen(text, now, false)
	switch {
	case w.hasStart:
		// A clock: the wished time is that clock, past or not (a past one
		// is quoted back with the problem).
		r.Start = formatTime(w.start)
		if w.hasEnd && w.problem == "" {
			r.End = formatTime(w.end)
		}
		r.Wished = wishedDay(w.start, now) + w.start.Format("15:04")
		if w.problem != "" {
			r.Problem = ProblemBadTime
		}
	case w.problem == ProblemNoTime && w.hasDay && period == "":
		// A day alone ("下周一"): the day is the wish, no window start.
		r.Wished = wishedDay(w.day, now)
		if day := atClock(w.day, 23, 59); day.Before(now) {
			r.Problem = ProblemBadTime
		}
	case w.problem == ProblemNoTime && w.hasDay:
		start := atClock(w.day, periodStart[period], 0)
		r.Start = formatTime(start)
		r.Wished = wishedDay(start, now) + period
		if end := atClock(w.day, periodEnd(period), 0); !end.After(now) {
			r.Problem = ProblemBadTime // 3月25日上午, said on the 29th
		} else if start.Before(now) {
			r.Start = formatTime(now.Truncate(time.Minute)) // 今天上午, said in the morning: from now
		}
	case w.problem == ProblemBadTime:
		r.Problem = ProblemBadTime
	case vague != "":
		r.Wished = vague
	case soon != "":
		r.Wished = "尽快"
	}
	if soon != "" && r.Wished == "" && r.Problem == "" {
		r.Wished = "尽快"
	}
	left = rePeriodWord.ReplaceAllString(left, " ")
	left = reRequestChatter.ReplaceAllString(left, " ")
	r.Description = requestNeed(left)
	if r.Description == "" {
		r.Missing = append(r.Missing, FieldNeed)
	}
	if r.Community == "" {
		r.Missing = append(r.Missing, FieldCommunity)
	}
	if r.Wished == "" && r.Problem == "" {
		r.Missing = append(r.Missing, FieldWished)
	}
}

// periodEnd is the hour a part of the day is over.
func periodEnd(period string) int {
	switch period {
	case "早上", "早晨", "清晨", "上午":
		return 12
	case "中午", "午后":
		return 14
	case "下午", "傍晚":
		return 18
	}
	return 23
}

// replaceWord removes the first w from text.
func replaceWord(text, w string) string {
	return strings.Replace(text, w, " ", 1)
}

var (
	// spokenEvening are the one-character parts of a day: 今晚, 明早.
	spokenEvening   = map[string]string{"今晚": "今天晚上", "明晚": "明天晚上", "今早": "今天早上", "明早": "明天早上", "后晚": "后天晚上"}
	reSpokenEvening = regexp.MustCompile(`今晚|明晚|今早|明早`)
	// reWhereILive is the resident saying who or where they are.
	reWhereILive = regexp.MustCompile(`(?:那个)?(?:我们|我|咱们|咱)(?:家)?(?:是|在|住在|住)\s*[\p{Han}]{2,6}?(?:社区|小区)?(?:这边|那边|这块|那块|这里|的)`)
	// reRequestChatter is what a request says besides its need: "看…行不行",
	// "就行", "可以吗", a question how the command works.
	reRequestChatter = regexp.MustCompile(`(?:看\s*)?(?:行不行|行吗|可以吗|可不可以|好不好|好吗|成吗|中不中|就行|就可以)|^\s*(?:是)?(?:怎么|如何)\S*$`)
	// vagueTimes are wished times kept as the resident said them.
	vagueTimes = []string{"这两天", "这几天", "近两天", "近几天", "最近几天", "这周内", "本周内"}
)

// requestNeed is what is left of a request once its time and community
// are out: the words joined, fillers at the ends trimmed.
func requestNeed(text string) string {
	words := tokens(text)
	var kept []string
	for _, w := range words {
		if c := cutFillers(w, requestFiller); c == "" {
			continue
		}
		if strings.Contains(w, "手机") || strings.Contains(w, "电话") {
			continue // "没有手机", "电话留她儿子的": about the contact, not the need
		}
		kept = append(kept, strings.TrimPrefix(w, "一下"))
	}
	need := strings.Join(kept, " ")
	if runeCount(need) > 60 {
		need = string([]rune(need)[:60])
	}
	return need
}

// wishedWords says a wished time as a resident would: 12月5日(周六)上午.
func wishedWords(t time.Time, period string, now time.Time) string {
	s := wishedDay(t, now)
	if period != "" {
		return s + period
	}
	return s + " " + t.Format("15:04")
}

func wishedDay(t time.Time, now time.Time) string {
	return strconv.Itoa(int(t.Month())) + "月" + strconv.Itoa(t.Day()) + "日(" + weekdayNames[t.Weekday()] + ")"
}

var weekdayNames = [...]string{"周日", "周一", "周二", "周三", "周四", "周五", "周六"}

func sameDate(a, b time.Time) bool {
	return a.Year() == b.Year() && a.YearDay() == b.YearDay()
}

// parseTake reads "接单 R12".
func parseTake(rest string, _ time.Time) (Result, bool) {
	code, text := findCode(rest, requestLetter)
	if code == "" && cutFillers(text, activityChatter) != "" {
		return Result{}, false
	}
	r := Result{Intent: TakeRequest, Request: code}
	if code == "" {
		r.Missing = []string{FieldRequest}
	}
	return r, true
}

// parseAssign reads "派单 R12 张三" or "派单 R12 13812345678".
func parseAssign(rest string, _ time.Time) (Result, bool) {
	code, text := findCode(rest, requestLetter)
	r := Result{Intent: AssignRequest, Request: code}
	phone, bad, text := extractPhone(text)
	r.Phone = phone
	if bad {
		r.Problem = ProblemBadPhone
	}
	for _, t := range tokens(text) {
		t = cutFillers(t, []string{"给", "志愿者", "派给", "交给"})
		if t != "" && allHan(t) && runeCount(t) <= 6 {
			r.Name = t
			break
		}
	}
	if code == "" {
		r.Missing = append(r.Missing, FieldRequest)
	}
	if r.Name == "" && r.Phone == "" && r.Problem == "" {
		r.Missing = append(r.Missing, FieldName)
	}
	return r, true
}

// reRating is a score of 1–5, as a digit, a Chinese numeral or stars.
var reRating = regexp.MustCompile(`^\s*(?:([1-5])|([一二三四五]))\s*(?:分|星)?`)

// parseRateOrEvaluate reads 评价: "评价 R12 5 很满意" rates a request;
// anything else is an envoy's evaluation of a volunteer (issue 14).
func parseRateOrEvaluate(rest string, now time.Time) (Result, bool) {
	code, text := findCode(rest, requestLetter)
	if code == "" {
		return parsePersonRecord(RecordEvaluation)(rest, now)
	}
	r := Result{Intent: RateRequest, Request: code}
	text = trimGaps(text)
	if m := reRating.FindStringSubmatchIndex(text); m != nil {
		if m[2] >= 0 {
			r.Rating, _ = strconv.Atoi(text[m[2]:m[3]])
		} else {
			r.Rating, _ = parseNumber(text[m[4]:m[5]])
		}
		text = text[m[1]:]
	} else if strings.Contains(text, "满意") && !strings.Contains(text, "不满意") {
		r.Rating = 5 // "很满意" alone
	}
	r.Reason = trimGaps(text)
	if r.Rating == 0 {
		r.Missing = []string{FieldRating}
	}
	return r, true
}

// withRequestOr reads a command about an activity ("签到 A12") that may
// name a request instead ("签到 R12").
func withRequestOr(intent string) func(string, time.Time) (Result, bool) {
	activity := withActivity(intent)
	return func(rest string, now time.Time) (Result, bool) {
		if a, _ := findCode(rest, activityLetter); a == "" {
			if code, text := findCode(rest, requestLetter); code != "" && cutFillers(text, activityChatter) == "" {
				return Result{Intent: intent, Request: code}, true
			}
		}
		return activity(rest, now)
	}
}

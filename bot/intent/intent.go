// Package intent turns one chat message into an intent with its fields.
//
// Users type on phones, sloppily: full-width characters, Chinese punctuation,
// politeness around the command, fields in any order. Parse tolerates all of
// that and never fails; what it cannot understand becomes Unknown, and what it
// half understands carries Missing or Problem so that the reply can show the
// closest valid form.
package intent

import (
	"regexp"
	"sort"
	"strings"
	"time"

	"envoybot/store"
)

// Intent names. They are the "intent" values of a Result and the keys the
// router dispatches on, so they are part of the JSON contract.
const (
	Help            = "help"
	Register        = "register"
	Signup          = "signup"
	Cancel          = "cancel"
	MySignups       = "my_signups"
	Checkin         = "checkin"
	Checkout        = "checkout"
	MyHours         = "my_hours"
	Lectures        = "lectures"
	Subscribe       = "subscribe"
	Unsubscribe     = "unsubscribe"
	Activities      = "activities"
	Bind            = "bind"
	ContactPoint    = "contact_point"
	TeamCreate      = "team_create"
	TeamJoin        = "team_join"
	PublishActivity = "publish_activity"
	PublishLecture  = "publish_lecture"
	ActivityCheckin = "activity_checkin"
	ConfirmHours    = "confirm_hours"
	Brand           = "brand"
	Import          = "import"
	Progress        = "progress"
	CancelLecture   = "cancel_lecture"
	DeleteAccount   = "delete_account"
	CancelActivity  = "cancel_activity" // an envoy calls an activity off
	ModifyActivity  = "modify_activity" // an envoy moves an activity or changes its place or quota
	More            = "more"            // the rest of a long list
	AdminLogin      = "admin_login"     // a one-time dashboard login link
	// Issue 14: records people can use.
	RealName         = "real_name"         // 实名 身份证 …: the ID for records and certificates
	ConsentRealName  = "consent_real_name" // 同意实名: agreeing to give it
	MyCertificate    = "my_certificate"    // 我的证明 [period]: a 志愿服务记录证明 PDF
	RecordTraining   = "record_training"   // 培训 张三 急救培训 12月5日 3小时
	RecordAward      = "record_award"      // 表彰 张三 优秀志愿者
	RecordEvaluation = "record_evaluation" // 评价 张三 优秀 服务认真
	Makeup           = "makeup"            // 补录 A12 14:00-16:00 忘记签到
	ApproveMakeup    = "approve_makeup"    // 同意补录 B3
	RejectMakeup     = "reject_makeup"     // 驳回补录 B3 原因
	// Issue 15: residents ask, volunteers answer.
	RequestHelp   = "request_help"   // 求助 家里老人想理发 古槐社区 周六上午
	RequestFor    = "request_for"    // 代办 求助 王奶奶 138… 想理发 古槐社区 周六上午
	TakeRequest   = "take_request"   // 接单 R12
	AssignRequest = "assign_request" // 派单 R12 张三
	RateRequest   = "rate_request"   // 评价 R12 5 很满意
	MyPoints      = "my_points"      // 我的积分
	// 积分榜显示姓名 / 积分榜匿名: named on the community's leaderboard or not.
	LeaderboardPublic  = "leaderboard_public"
	LeaderboardPrivate = "leaderboard_private"
	// Issue 13: a seated volunteer confirms they will come (确认参加 A12).
	ConfirmAttendance = "confirm_attendance"
	Broadcast         = "broadcast"         // 群发 [社区] 内容: an envoy or admin notifies a community's volunteers
	ConfirmBroadcast  = "confirm_broadcast" // 确认群发: sends the broadcast previewed
	UrgentRecruit     = "urgent_recruit"    // 紧急招募 A12: free volunteers asked to sign up
	Unknown           = "unknown"
)

// All lists every intent name, so that callers (router, tests, fuzzing) can
// check that each one is handled. Treat it as read-only.
var All = []string{
	Help, Register, Signup, Cancel, MySignups, Checkin, Checkout, MyHours,
	Lectures, Subscribe, Unsubscribe, Activities, Bind, ContactPoint,
	TeamCreate, TeamJoin, PublishActivity, PublishLecture, ActivityCheckin,
	ConfirmHours, Brand, Import, Progress, CancelLecture, DeleteAccount,
	CancelActivity, ModifyActivity, More, AdminLogin, RealName, ConsentRealName,
	MyCertificate, RecordTraining, RecordAward, RecordEvaluation, Makeup,
	ApproveMakeup, RejectMakeup, RequestHelp, RequestFor, TakeRequest,
	AssignRequest, RateRequest, MyPoints, LeaderboardPublic, LeaderboardPrivate,
	ConfirmAttendance, Broadcast, ConfirmBroadcast, UrgentRecruit, Unknown,
}

// wholeMessages are intents that only a whole message (less politeness
// and punctuation) means: "更多" inside a sentence is no request for the
// next page.
var wholeMessages = map[string]string{
	"更多": More, "下一页": More, "还有": More, "还有吗": More, "还有没有": More, "后面呢": More, "继续": More, "查看更多": More, "more": More, "More": More, "MORE": More,
	"同意实名": ConsentRealName, "我同意实名": ConsentRealName, "同意实名登记": ConsentRealName,
	"登录后台": AdminLogin, "管理后台": AdminLogin, "后台": AdminLogin, "后台登录": AdminLogin, "登录管理后台": AdminLogin,
}

// Field names used in Result.Missing; they equal the JSON names of the fields.
const (
	FieldName      = "name"
	FieldPhone     = "phone"
	FieldCommunity = "community"
	FieldActivity  = "activity"
	FieldCode      = "code"
	FieldTeam      = "team"
	FieldTitle     = "title"
	FieldStart     = "start"
	FieldPlace     = "place"
	FieldNames     = "names"
	FieldIDNumber  = "id_number"
	FieldRequest   = "request"
	FieldRating    = "rating"
)

// Problems: machine-readable reasons for a field that is present but wrong,
// so the reply can say what to fix rather than only what is missing.
const (
	// ProblemBadPhone marks a mobile number that is present but not a valid
	// mainland mobile (11 digits starting 1[3-9]); the raw value is not kept.
	ProblemBadPhone = "bad_phone"
	// ProblemBadTime marks a time that cannot be: an end before the start,
	// 2月30日, 25:00.
	ProblemBadTime = "bad_time"
	// ProblemNoTime marks a date without a time of day where one is needed
	// (publishing an activity or lecture).
	ProblemNoTime = "no_time"
	// ProblemBadCode marks an invite code that is not 4–12 letters and digits.
	ProblemBadCode = "bad_code"
)

// Result is the parse of one message. The JSON shape is fixed:
// {"intent": "...", ...flat fields}, empty fields omitted. (It cannot be
// named Parse, which is the function.)
type Result struct {
	Intent      string   `json:"intent"`
	Activity    string   `json:"activity,omitempty"`
	Name        string   `json:"name,omitempty"`
	Phone       string   `json:"phone,omitempty"`
	Community   string   `json:"community,omitempty"`
	Code        string   `json:"code,omitempty"`
	Team        string   `json:"team,omitempty"`
	Title       string   `json:"title,omitempty"`
	Start       string   `json:"start,omitempty"` // RFC3339 in Asia/Shanghai
	End         string   `json:"end,omitempty"`
	Place       string   `json:"place,omitempty"`
	Category    string   `json:"category,omitempty"`
	Quota       int      `json:"quota,omitempty"`
	Occurrences []string `json:"occurrences,omitempty"`
	Description string   `json:"description,omitempty"`
	// Reason is why an envoy cancels an activity, as typed.
	Reason string `json:"reason,omitempty"`
	// Date is a day without a time of day, YYYY-MM-DD: the session of a
	// recurring lecture to cancel ("取消讲座 L3 12月5日").
	Date string `json:"date,omitempty"`
	// Recurrence is a recurring lecture's rule, structurally (the
	// description says it in words).
	Recurrence *store.Recurrence `json:"recurrence,omitempty"`
	Names      []string          `json:"names,omitempty"`
	// Issue 14. IDType is a name of store.IDTypes and IDNumber the number
	// as typed, upper case, without spaces (实名); Gender and BirthYear
	// only when typed for a document that does not say them.
	IDType    string `json:"id_type,omitempty"`
	IDNumber  string `json:"id_number,omitempty"`
	Gender    string `json:"gender,omitempty"`
	BirthYear int    `json:"birth_year,omitempty"`
	// From and To bound a certificate's period, YYYY-MM-DD, both included.
	From string `json:"from,omitempty"`
	To   string `json:"to,omitempty"`
	// Minutes is a training's length; Clock the time of day a make-up
	// request says it served, 14:00-16:00.
	Minutes int    `json:"minutes,omitempty"`
	Clock   string `json:"clock,omitempty"`
	// Companions is how many people a sign-up brings along (报名 A12
	// 带2人), as typed; the store caps it.
	Companions int `json:"companions,omitempty"`
	// Issue 15. Request is a help request's code (R12); Wished the time a
	// request wishes for as the reply shows it (12月5日(周六)上午, 尽快),
	// with Start the beginning of that window when it has one; Rating a
	// request's score 1–5 (the comment in Reason); Description the need.
	Request string   `json:"request,omitempty"`
	Wished  string   `json:"wished,omitempty"`
	Rating  int      `json:"rating,omitempty"`
	Missing []string `json:"missing,omitempty"` // field names a half-understood command lacks, e.g. ["phone"]
	Problem string   `json:"problem,omitempty"` // machine-readable reason when a field is present but wrong, e.g. "bad_phone"
}

// command is one row of the keyword table: the words that start the command
// and the parser for what follows them. A parser returns false to decline
// (the keyword was a coincidence), and matching goes on. suffixes are words
// that may end the message instead ("A12不去了"); they are tried only when no
// keyword at the start matched, and the parser gets the text before them.
type command struct {
	keywords []string
	suffixes []string
	// anywhere lets the keywords stand mid-sentence when an activity code is
	// also there: "我已到达，签到A12".
	anywhere bool
	parse    func(rest string, now time.Time) (Result, bool)
	// suffixParse, when set, reads the words before a suffix instead of
	// parse: "法律讲座" names a topic where "讲座 古槐" names a community.
	suffixParse func(before string, now time.Time) (Result, bool)
}

// commands is the keyword table. Adding an intent means adding a row.
var commands = []command{
	{keywords: helpKeywords, parse: parseHelp},
	{keywords: registerKeywords, parse: parseRegisterCommand},
	{anywhere: true, keywords: signupKeywords, suffixes: signupSuffixes, parse: parseSignup},
	{keywords: looseSignupKeywords, suffixes: []string{"参加"}, parse: parseLooseSignup},
	{keywords: plusOneKeywords, suffixes: []string{"+1", "报名+1", "报一个"}, parse: parsePlusOne},
	{anywhere: true, keywords: cancelKeywords, suffixes: cancelSuffixes, parse: parseCancel},
	{keywords: mySignupsKeywords, suffixes: mySignupsKeywords, parse: bare(MySignups)},
	{keywords: myHoursKeywords, parse: bare(MyHours)},
	{anywhere: true, keywords: []string{"签到", "我要签到", "扫码签到"}, suffixes: []string{"签到"}, parse: withRequestOr(Checkin)},
	{keywords: arrivedKeywords, suffixes: arrivedSuffixes, parse: parseArrived},
	{anywhere: true, keywords: []string{"签退", "我要签退", "扫码签退"}, suffixes: []string{"签退"}, parse: withRequestOr(Checkout)},
	{
		keywords: lecturesKeywords, parse: withCommunity(Lectures, false, true, wTellMe, wStop, wNotice),
		suffixes: []string{"讲座", "的讲座", "讲座列表", "有什么讲座", "有哪些讲座"}, suffixParse: withCommunity(Lectures, false, false, wTellMe, wStop, wNotice),
	},
	{keywords: subscribeKeywords, parse: withCommunity(Subscribe, true, true)},
	{keywords: unsubscribeKeywords, parse: withCommunity(Unsubscribe, false, true)},
	{keywords: activitiesKeywords, suffixes: activitiesSuffixes, parse: parseActivities},
	{keywords: bindKeywords, parse: parseBind},
	{keywords: contactPointKeywords, parse: withCommunity(ContactPoint, true, true)},
	{keywords: teamCreateKeywords, parse: parseTeamCreate},
	{keywords: teamJoinKeywords, parse: parseTeamJoin(true)},
	{keywords: []string{"加入"}, parse: parseTeamJoin(false)},
	{keywords: publishActivityKeywords, parse: parsePublishActivity},
	{keywords: publishLectureKeywords, parse: parsePublishLecture},
	{anywhere: true, keywords: []string{"活动签到", "活动开始", "开始活动", "活动已开始"}, suffixes: []string{"活动签到", "活动开始"}, parse: withActivity(ActivityCheckin)},
	{anywhere: true, keywords: []string{"确认时长", "确认工时", "时长确认", "工时确认", "确认服务时长"}, suffixes: []string{"确认时长", "确认工时"}, parse: withRequestOr(ConfirmHours)},
	{anywhere: true, keywords: []string{"确认参加", "确定参加", "确认出席", "确认能来"}, suffixes: []string{"确认参加"}, parse: withActivity(ConfirmAttendance)},
	{keywords: []string{"确认群发", "确定群发"}, parse: bare(ConfirmBroadcast)},
	{keywords: []string{"群发", "群发通知"}, parse: parseBroadcast},
	{anywhere: true, keywords: []string{"紧急招募", "急招", "紧急招人"}, suffixes: []string{"紧急招募"}, parse: withActivity(UrgentRecruit)},
	{keywords: []string{"确认"}, parse: parseConfirmSplit},
	{keywords: brandKeywords, parse: parseBrand},
	{keywords: importKeywords, parse: parseImport},
	{keywords: progressKeywords, parse: bare(Progress)},
	{keywords: []string{"取消讲座", "讲座取消", "撤销讲座", "撤回讲座", "删除讲座"}, suffixes: []string{"取消讲座", "讲座取消", "讲座取消了"}, parse: parseCancelLecture},
	{anywhere: true, keywords: cancelActivityKeywords, suffixes: cancelActivitySuffixes, parse: parseCancelActivity},
	{anywhere: true, keywords: modifyActivityKeywords, parse: parseModifyActivity},
	{keywords: []string{"地点改到", "地点改为", "地点改成", "地点换到", "地点换成", "地点变更为"}, parse: relabel("地点", parseLooseModify)},
	{keywords: []string{"时间改到", "时间改为", "时间改成", "时间调到", "改时间到", "时间推迟到", "时间提前到"}, parse: relabel("时间", parseLooseModify)},
	{keywords: []string{"名额改成", "名额改为", "名额改到", "名额加到", "名额增加到", "名额减到", "名额调到"}, parse: relabel("名额", parseLooseModify)},
	{keywords: []string{"改一下", "改时间", "改期", "改地点", "改名额", "推迟", "延期", "改到", "改成", "改为"}, parse: parseLooseModify},
	{keywords: deleteAccountKeywords, parse: bare(DeleteAccount)},
	{keywords: realNameKeywords, parse: parseRealName},
	{keywords: consentKeywords, parse: parseConsent},
	{keywords: certificateKeys, suffixes: []string{"证明", "的证明"}, parse: parseCertificate},
	{keywords: trainingKeywords, parse: parsePersonRecord(RecordTraining)},
	{keywords: awardKeywords, parse: parsePersonRecord(RecordAward)},
	{keywords: evalKeywords, parse: parseRateOrEvaluate},
	{anywhere: true, keywords: makeupKeywords, suffixes: []string{"补录", "补签", "补录时长"}, parse: parseMakeup},
	{keywords: approveKeywords, parse: parseDecideMakeup(ApproveMakeup)},
	{keywords: rejectKeywords, parse: parseDecideMakeup(RejectMakeup)},
	{keywords: requestKeywords, parse: parseRequest},
	{keywords: requestForKeywords, parse: parseRequestFor},
	{keywords: takeKeywords, suffixes: []string{"我来", "我接了", "我来接"}, parse: parseTake},
	{keywords: assignKeywords, parse: parseAssign},
	{keywords: myPointsKeywords, parse: bare(MyPoints)},
	{keywords: []string{"积分榜显示姓名", "积分榜显示我的名字", "排行榜显示姓名", "积分榜实名", "公开积分", "积分榜公开"}, parse: bare(LeaderboardPublic)},
	{keywords: []string{"积分榜匿名", "积分榜不显示姓名", "排行榜匿名", "隐藏积分", "积分榜隐藏姓名"}, parse: bare(LeaderboardPrivate)},
}

// keywordEntry pairs one keyword with its command; entries are kept longest
// first so that "取消报名" wins over a later "取消".
type keywordEntry struct {
	keyword string
	cmd     *command
}

var (
	keywordIndex = buildKeywordIndex(commands, func(c *command) []string { return c.keywords })
	suffixIndex  = buildKeywordIndex(commands, func(c *command) []string { return c.suffixes })
)

func buildKeywordIndex(cmds []command, words func(*command) []string) []keywordEntry {
	var idx []keywordEntry
	for i := range cmds {
		for _, k := range words(&cmds[i]) {
			idx = append(idx, keywordEntry{keyword: k, cmd: &cmds[i]})
		}
	}
	sort.SliceStable(idx, func(a, b int) bool { return len(idx[a].keyword) > len(idx[b].keyword) })
	return idx
}

// Parse turns one chat message into a Result. It never panics and always
// returns one of All as Intent. now anchors relative dates ("明天下午3点"),
// and its location (the campaign's time zone, from configuration) is where
// every date is read.
//
// Reading goes from the most explicit to the least: a command keyword at
// the start (or a code before it, or a keyword at the end), then the
// lexicon's frames — the words a sentence contains, in any order — and, when
// nothing reads the whole message, the message less a clause at either end
// ("我是古槐社区的老李，…", "…，顺便问一下").
func Parse(text string, now time.Time) Result {
	body := fold(Normalize(text))
	if rest, ok := strings.CutPrefix(body, "+1"); ok && (rest == "" || !isDigit(rest[0])) {
		body = "报名 " + rest // "+1 A12": the group-chat way to join, whose "+" politeness would trim
	}
	if isQuestionMarks(body) {
		return Result{Intent: Help}
	}
	if reStarQuestion.MatchString(body) && !strings.ContainsAny(body, "RrAaLl") {
		return Result{Intent: MyPoints} // "我还差多少小时升到二星": the level, not the hours
	}
	if r := parseBody(body, now); r.Intent != Unknown {
		return withCompanions(r, body)
	}
	if r := parseClauses(body, now); r.Intent != Unknown {
		return withCompanions(withCommunityFrom(r, body), body)
	}
	if r := parseRequestFrames(body, now); r.Intent != Unknown {
		return r
	}
	if fixed, ok := unslip(body); ok {
		if r := parseBody(fixed, now); r.Intent != Unknown {
			return r
		}
	}
	return Result{Intent: Unknown}
}

// unslip rewrites a keyword typed with a sound-alike character at the start
// of the message, or after a leading code ("签褪A23", "A23签褪").
func unslip(body string) (string, bool) {
	at := 0
	if m := reLeadingCode.FindStringIndex(body); m != nil {
		at = m[1]
		for at < len(body) && body[at] == ' ' {
			at++
		}
	}
	s := body[at:]
	if s, greeted := stripPoliteness(s); greeted || s != "" {
		if n, k, ok := slipped(s); ok {
			return body[:at] + k + s[n:], true
		}
	}
	if n, k, ok := slipped(s); ok {
		return body[:at] + k + s[n:], true
	}
	return "", false
}

// slipped finds the longest keyword, whole message or frame word that s
// starts with, typed with one sound-alike character.
func slipped(s string) (n int, keyword string, ok bool) {
	try := func(k string) {
		if len(k) <= len(keyword) {
			return
		}
		if m, ok2 := soundsLike(s, k); ok2 {
			n, keyword, ok = m, k, true
		}
	}
	for _, e := range keywordIndex {
		try(e.keyword)
	}
	for k := range wholeMessages {
		try(k)
	}
	return n, keyword, ok
}

// fold applies the lexicon's spelling folds: input-method slips and
// traditional characters, measure words between a verb and its object.
func fold(body string) string {
	body = slips.Replace(body)
	if strings.ContainsAny(body, "个支场次") {
		body = reMeasure.ReplaceAllString(body, "$1$3")
	}
	return body
}

// parseBody reads one message, or one part of it, as a whole.
func parseBody(body string, now time.Time) Result {
	if in, ok := wholeMessage(body); ok {
		return Result{Intent: in}
	}
	whole := body
	body, greeted := stripPoliteness(body)
	if in, ok := wholeMessage(body); ok {
		return Result{Intent: in}
	}
	if body == "" {
		if greeted {
			return Result{Intent: Help}
		}
		return Result{Intent: Unknown}
	}
	if negatesCommand(body) {
		return Result{Intent: Unknown} // "千万别注销", "不要取消报名": asks for nothing to be done
	}
	if r, ok := parseCommand(body, now); ok {
		return r
	}
	if r, ok := matchFrame(whole, now); ok {
		return r
	}
	if c := compact(body); c != body && !strings.ContainsAny(c, "0123456789") {
		// "进 度", "注 销": a bare command typed with spaces between its characters.
		if r, ok := parseCommand(c, now); ok && len(r.Missing) == 0 && r.Problem == "" {
			return r
		}
	}
	return Result{Intent: Unknown}
}

// reNegated is a negation right before a command that deletes or cancels.
var reNegated = regexp.MustCompile(`(?:别|不要|不想|千万别|千万不要|不用|不必|并不想|没想)\s*(?:给我)?\s*(?:注销|删除|删掉|删了|取消|退出|退掉)`)

// negatesCommand reports a message that says not to delete or cancel.
func negatesCommand(body string) bool {
	return reNegated.MatchString(body)
}

// wholeMessage reads the messages whose whole text is the intent: "更多",
// a greeting alone.
func wholeMessage(body string) (string, bool) {
	t := compact(strings.Trim(body, " ,.!?。！？~"))
	if in, ok := wholeMessages[t]; ok {
		return in, true
	}
	for _, g := range greetingsOnly {
		if t == g {
			return Help, true
		}
	}
	return "", false
}

// parseCommand reads a message by the keyword table.
func parseCommand(body string, now time.Time) (Result, bool) {
	for _, e := range keywordIndex {
		rest, ok := cutKeyword(body, e.keyword)
		if !ok {
			continue
		}
		if r, ok := e.cmd.parse(rest, now); ok {
			return r, true
		}
	}
	for _, v := range commandVerbs {
		// "设置联系点 …": a verb before an object keyword the table lists
		// bare or with another verb.
		if rest, ok := cutKeyword(body, v); ok && rest != "" && !isGap(firstRune(rest)) {
			for _, e := range keywordIndex {
				if after, ok := cutKeyword(rest, e.keyword); ok {
					if r, ok := e.cmd.parse(after, now); ok {
						return r, true
					}
				}
			}
		}
	}
	if m := reLeadingNoun.FindStringSubmatchIndex(body); m != nil {
		// "活动A18取消": the noun before the code reads as after it
		// ("A18活动取消"), or as filler ("活动A9改一下" → "A9改一下").
		for _, moved := range []string{body[m[4]:m[5]] + body[m[2]:m[3]] + body[m[5]:], body[m[4]:m[5]] + body[m[5]:]} {
			if r, ok := parseCodeFirst(moved, now); ok {
				return r, true
			}
		}
	}
	if r, ok := parseCodeFirst(body, now); ok {
		return r, true
	}
	for _, e := range suffixIndex {
		before, ok := cutSuffix(body, e.keyword)
		if !ok {
			continue
		}
		parse := e.cmd.parse
		if e.cmd.suffixParse != nil {
			parse = e.cmd.suffixParse
		}
		if r, ok := parse(before, now); ok {
			return r, true
		}
	}
	if code, _ := findCode(body, activityLetter); code != "" {
		for _, e := range keywordIndex {
			if i := strings.Index(body, e.keyword); e.cmd.anywhere && i > 0 {
				if r, ok := e.cmd.parse(body[:i]+" "+body[i+len(e.keyword):], now); ok {
					return r, true
				}
			}
		}
	}
	if code, rest := findCode(body, activityLetter); code != "" && reLeadingCode.MatchString(body) {
		// "A12 李秀英 139…": a code and a mobile, the sign-up keyword forgotten.
		if phone, _, _ := extractPhone(rest); phone != "" {
			r, _ := parseSignup(body, now)
			return r, true
		}
	}
	return parseRegisterAnywhere(body, now)
}

// relabel puts back the label a keyword ate ("名额改成25" → "名额 25"),
// since the value alone does not say what it is.
func relabel(label string, parse func(string, time.Time) (Result, bool)) func(string, time.Time) (Result, bool) {
	return func(rest string, now time.Time) (Result, bool) {
		return parse(label+" "+rest, now)
	}
}

// reLeadingNoun is 活动 or 讲座 typed before the code: "活动A18取消".
var reLeadingNoun = regexp.MustCompile(`^(活动|讲座)\s*((?i:[AL])[ \-#]?[0-9]{1,6})`)

// parseClauses reads a message that is not understood as a whole by its
// parts: without up to three clauses in front (a self-introduction, a
// greeting) or two behind (an afterthought).
func parseClauses(body string, now time.Time) Result {
	// A part that is only a greeting ("老师好，…") is no reading of the
	// whole when what was dropped is more than greetings: the question
	// after it was not understood.
	reads := func(part, dropped string) (Result, bool) {
		r := parseBody(trimGaps(part), now)
		if r.Intent == Unknown || r.Intent == Help && greetingOnly(part) && !greetingOnly(dropped) {
			return r, false
		}
		return r, true
	}
	cuts := clauseCuts(body)
	for i := 0; i < len(cuts) && i < 3; i++ {
		if r, ok := reads(body[cuts[i]:], body[:cuts[i]]); ok {
			return r
		}
	}
	for i := len(cuts) - 1; i >= 0 && i >= len(cuts)-2; i-- {
		if r, ok := reads(body[:cuts[i]], body[cuts[i]:]); ok {
			if after := trimGaps(body[cuts[i]:]); r.Community == "" && takesCommunity[r.Intent] && looksLikeCommunity(after) {
				r.Community = after // "文明创城活动 阜桥社区": the community as an afterthought
				r.Missing = without(r.Missing, FieldCommunity)
			}
			return r
		}
	}
	return Result{Intent: Unknown}
}

// takesCommunity are the intents whose community may come last, apart.
var takesCommunity = map[string]bool{Lectures: true, Activities: true, Subscribe: true, Unsubscribe: true, ContactPoint: true}

// without is list less one value.
func without(list []string, v string) []string {
	var out []string
	for _, x := range list {
		if x != v {
			out = append(out, x)
		}
	}
	return out
}

// greetingOnly reports a part of a message that says hello and nothing
// else.
func greetingOnly(part string) bool {
	part = trimGaps(part)
	if in, ok := wholeMessage(part); ok && in == Help {
		return true
	}
	rest, greeted := stripPoliteness(part)
	return rest == "" && (greeted || part != "")
}

// clauseCuts are the offsets where a clause ends: after a separator or a
// space.
func clauseCuts(body string) []int {
	var cuts []int
	for i := 0; i < len(body); i++ {
		switch body[i] {
		case ',', ' ', '\n', '.', '!', '?', ':', '~':
			if i > 0 && i+1 < len(body) {
				cuts = append(cuts, i+1)
			}
		}
	}
	return cuts
}

// registerAnywhere are the words that make a message a registration even
// when they stand at its end: "我叫张三，手机138…，古槐社区的，想注册志愿者".
var registerAnywhere = []string{"注册志愿者", "志愿者注册", "当志愿者", "成为志愿者", "做志愿者", "注册", "登记"}

// parseRegisterAnywhere reads a registration whose keyword is not at the
// start; a valid mobile and a name must be there too.
func parseRegisterAnywhere(body string, now time.Time) (Result, bool) {
	for _, k := range registerAnywhere {
		i := strings.Index(body, k)
		if i < 0 {
			continue
		}
		if phone, _, _ := extractPhone(body); phone == "" {
			return Result{}, false
		}
		// The details after the keyword are the registrant's; words before
		// it are mostly about the sender ("我是新来的，注册 孔令华 …").
		if r, _ := parseRegister(body[i+len(k):], now); r.Name != "" && r.Phone != "" {
			return r, true
		}
		r, _ := parseRegister(body[:i]+" "+body[i+len(k):], now)
		return r, r.Name != ""
	}
	return Result{}, false
}

// reLeadingCode is a code typed before the command: "A12，报名，张三…",
// "A12活动开始了".
var reLeadingCode = regexp.MustCompile(`^(?i:[ALT])[ \-#]?[0-9]{1,6}\b`)

// parseCodeFirst moves a leading code after the command keyword that follows
// it and parses that.
func parseCodeFirst(body string, now time.Time) (Result, bool) {
	loc := reLeadingCode.FindStringIndex(body)
	if loc == nil {
		return Result{}, false
	}
	code, after := body[:loc[1]], cutFillers(trimGaps(body[loc[1]:]), []string{"这个", "那个", "的"})
	for _, e := range keywordIndex {
		if rest, ok := cutKeyword(after, e.keyword); ok {
			if r, ok := e.cmd.parse(code+" "+rest, now); ok {
				return r, true
			}
		}
	}
	return Result{}, false
}

// cutSuffix cuts keyword off the end of s ("A12不去了" → "A12").
func cutSuffix(s, keyword string) (string, bool) {
	if len(s) <= len(keyword) || !strings.EqualFold(s[len(s)-len(keyword):], keyword) {
		return s, false
	}
	return trimGaps(s[:len(s)-len(keyword)]), true
}

// isQuestionMarks reports a message made only of question marks: the
// universal "what can I do here?".
func isQuestionMarks(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if r != '?' && r != ' ' {
			return false
		}
	}
	return true
}

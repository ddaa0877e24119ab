package intent

import (
	"regexp"
	"strings"
	"time"
)

// Keywords of the volunteer commands. Politeness ("我想", "请") is cut before
// matching, so only the command words themselves are listed.
var (
	signupKeywords = []string{
		"报名", "我要报名", "报个名", "我报名", "报名参加", "我要报个名", "我也报名", "帮我报名",
	}
	signupSuffixes = []string{"报名", "报个名", "我报名", "我要报名"}
	// looseSignupKeywords also start everyday sentences ("参加过的活动"), so
	// they need an activity code or nothing else after them.
	looseSignupKeywords = []string{"参加", "我参加", "我要参加", "我也参加", "我也想参加", "也想参加", "我也要参加", "也参加", "我想参加"}
	// plusOneKeywords are the group-chat way to join: "A12 +1", "+1 A12";
	// like "报A12" they need the activity code right there.
	plusOneKeywords = []string{"+1", "报", "我报", "我也报", "报个", "报一个", "我报个", "我也报个"}
	cancelKeywords  = []string{
		"取消报名", "报名取消", "取消", "不去了", "我不去了", "去不了了", "来不了了", "退出", "退报名",
		"退出报名", "撤销报名", "撤回报名", "取消活动报名", "不参加了", "我不参加了", "不参加", "我不参加",
		"我不去", "不去",
	}
	cancelSuffixes = []string{
		"取消报名", "取消", "不去了", "去不了了", "去不了", "来不了了", "来不了", "不参加了", "退出", "退报名",
	}
	mySignupsKeywords = []string{
		"我的报名", "我报了哪些", "报名记录", "我报名的活动", "我的报名记录", "查报名", "查询报名",
		"查看报名", "我报了什么", "我报了哪些活动", "已报名", "我的活动", "我报名了哪些", "我报名了什么",
		"我报名了哪些活动", "我报了啥", "我都报了啥", "我都报了哪些", "我报名了吗", "我报上了吗",
	}
	myHoursKeywords = []string{
		"我的时长", "时长", "服务时长", "我的服务时长", "志愿时长", "我的志愿时长", "查时长",
		"查询时长", "我的工时", "工时", "查询服务时长", "我有多少时长", "我有多少小时", "我的小时数",
		"我服务了多少小时", "我的志愿服务时长", "志愿服务时长",
	}
	progressKeywords = []string{
		"进度", "我的进度", "完成情况", "任务进度", "查看进度", "查询进度", "目标进度", "工作进度",
	}
	deleteAccountKeywords = []string{
		"注销", "删除我的数据", "注销账号", "注销账户", "注销帐号", "删除账号", "删除帐号",
		"删除我的信息", "删除数据", "删除我的资料",
	}
)

// bareFillers may follow a command that takes no fields ("我的时长是多少").
var bareFillers = []string{
	"是多少", "有多少", "多少", "有哪些", "哪些", "有几个", "查询", "查一下", "查看", "看看",
	"看一下", "情况", "记录", "怎么样", "如何", "一共", "总共", "了", "呢", "的", "我的",
	"账号", "帐号", "账户", "数据", "信息", "资料", "个人信息", "小时", "是", "吧", "目前",
	"现在", "吗",
}

// bare makes the parser of a command without fields: it accepts the keyword
// alone or followed by fillers, and declines anything else.
func bare(intent string) func(string, time.Time) (Result, bool) {
	return func(rest string, _ time.Time) (Result, bool) {
		if cutFillers(rest, bareFillers) != "" {
			return Result{}, false
		}
		return Result{Intent: intent}, true
	}
}

// withActivity makes the parser of a command about one activity
// ("签到 A12"); without a code it still answers, with Missing ["activity"],
// and the handler may fall back on the location or the only current activity.
func withActivity(intent string) func(string, time.Time) (Result, bool) {
	return func(rest string, _ time.Time) (Result, bool) {
		r := Result{Intent: intent}
		var text string
		r.Activity, text = findCode(rest, activityLetter)
		if r.Activity == "" {
			if cutFillers(text, activityChatter) != "" {
				// "签到的时候人太多了": about the command, not the command.
				return Result{}, false
			}
			r.Missing = []string{FieldActivity}
		}
		return r, true
	}
}

// activityChatter may follow a command about one activity without a code
// ("签到一下", "确认时长吧").
var activityChatter = []string{"一下", "了", "啦", "吧", "活动", "的", "我", "这个活动", "今天的", "今天", "现在", "好"}

// parseSignup reads the activity code and, for a first-time volunteer, the
// registration details that may follow it ("报名 A12 张三 13812345678").
// Details are taken only when a mobile (valid or not) is there: a lone word
// after the code is more often chatter than a name.
func parseSignup(rest string, now time.Time) (Result, bool) {
	r := Result{Intent: Signup}
	code, text := findCode(rest, activityLetter)
	r.Activity = code
	if code == "" {
		r.Missing = append(r.Missing, FieldActivity)
	}
	r.Companions, text = companionCount(text, false)
	phone, bad, _ := extractPhone(text)
	if phone == "" && !bad {
		if code == "" && cutFillers(text, signupChatter) != "" && (isQuestion(text) || containsAny(text, wNot) || strings.Contains(text, "取消") || strings.HasPrefix(trimGaps(text), "的") || strings.HasSuffix(trimGaps(text), "的") || containsAny(text, []string{"成功", "了没", "几个", "上了"})) {
			// "我报名的", "报名成功了吗": about sign-ups, not one.
			return Result{}, false
		}
		return r, true
	}
	reg, _ := parseRegister(text, now)
	r.Name, r.Phone, r.Community, r.Problem = reg.Name, reg.Phone, reg.Community, reg.Problem
	if r.Name == "" {
		r.Missing = append(r.Missing, FieldName)
	}
	return r, true
}

// signupChatter may follow a loose keyword without making it something else.
var signupChatter = []string{"活动", "志愿活动", "志愿服务", "这个活动", "一下", "报名", "了"}

// parsePlusOne reads "+1 A12" and "报A12": a sign-up only when an activity
// code is all there is besides chatter.
func parsePlusOne(rest string, now time.Time) (Result, bool) {
	code, text := findCode(rest, activityLetter)
	if code == "" {
		return Result{}, false
	}
	if cutFillers(text, signupChatter) != "" {
		if phone, _, _ := extractPhone(text); phone == "" {
			return Result{}, false
		}
	}
	return parseSignup(rest, now)
}

// parseLooseSignup reads "参加 A12"; "参加" with other words and no code is
// not a sign-up.
func parseLooseSignup(rest string, now time.Time) (Result, bool) {
	if code, _ := findCode(rest, activityLetter); code == "" && cutFillers(rest, signupChatter) != "" {
		return Result{}, false
	}
	return parseSignup(rest, now)
}

// cancelChatter may stand beside a cancel keyword without changing it.
var cancelChatter = []string{
	"报名", "活动", "我的报名", "这个活动", "了", "我", "的", "吧", "这次", "那个", "一下",
	"我报的", "我报名的", "好", "不好意思", "抱歉",
}

// parseCancel reads "取消报名 A12". "取消"/"退出" followed by other words and
// no code ("退出登录") is not a cancellation; a lecture code ("取消 L3") is a
// lecture cancellation.
func parseCancel(rest string, now time.Time) (Result, bool) {
	code, text := findCode(rest, activityLetter)
	if code != "" {
		return Result{Intent: Cancel, Activity: code}, true
	}
	if lecture, _ := findCode(rest, lectureLetter); lecture != "" {
		return parseCancelLecture(rest, now)
	}
	if cutFillers(text, cancelChatter) != "" {
		return Result{}, false
	}
	return Result{Intent: Cancel, Missing: []string{FieldActivity}}, true
}

// arrivedKeywords say "I am here" — a check-in when an activity code is
// there or nothing else is: "A12到了", "我到了", "签个到A12".
var (
	arrivedKeywords = []string{"签个到", "我到了", "我已到", "我已到达", "已到达", "已到", "到了", "我来了", "人到了"}
	arrivedSuffixes = []string{"签个到", "到了", "已到", "已到达", "我到了", "来了"}
	arrivedChatter  = []string{"了", "啦", "现场", "活动", "已经", "我", "签到", "一下"}
)

func parseArrived(rest string, now time.Time) (Result, bool) {
	if code, text := findCode(rest, activityLetter); code == "" && cutFillers(text, arrivedChatter) != "" {
		return Result{}, false
	} else if code != "" && cutFillers(text, arrivedChatter) != "" {
		return Result{}, false
	}
	return withActivity(Checkin)(rest, now)
}

// parseConfirmSplit reads "确认A12时长": the two words of 确认时长 around
// the code. Without a code it declines.
func parseConfirmSplit(rest string, now time.Time) (Result, bool) {
	code, text := findCode(rest, activityLetter)
	if code == "" || cutFillers(text, []string{"时长", "工时", "服务时长", "的", "一下", "志愿时长"}) != "" {
		return Result{}, false
	}
	return withActivity(ConfirmHours)(rest, now)
}

// Keywords of the commands that take a community.
var (
	lecturesKeywords = []string{
		"讲座", "讲座列表", "最近讲座", "最近的讲座", "有什么讲座", "有哪些讲座", "查讲座", "查看讲座",
		"讲座安排", "讲座信息", "近期讲座", "最近有什么讲座", "最近有哪些讲座", "有讲座", "最近有讲座",
		"有没有讲座", "最近有没有讲座", "近期有讲座", "近期有什么讲座",
	}
	subscribeKeywords = []string{
		"订阅讲座", "订阅", "订阅讲座通知", "订阅通知", "讲座订阅", "关注讲座", "接收讲座通知", "开启讲座通知",
		"订阅讲座提醒", "讲座提醒",
	}
	unsubscribeKeywords = []string{
		"退订讲座", "退订", "取消订阅", "取消订阅讲座", "取消讲座订阅", "不再订阅", "关闭讲座通知",
		"取消讲座通知", "取消讲座提醒", "不要讲座通知", "退订讲座通知", "不想收讲座通知", "不要再发讲座通知",
		"别发讲座通知", "不再接收讲座通知", "关闭讲座提醒",
	}
	contactPointKeywords = []string{
		"联系点", "社区联系点", "建立联系点", "建立社区联系点", "设立联系点", "添加联系点",
		"登记联系点", "新建联系点", "我的联系点", "联系社区",
	}
)

// communityChatter surrounds a community without being one
// ("订阅 古槐社区的讲座通知").
var communityChatter = []string{
	"讲座", "通知", "提醒", "列表", "信息", "安排", "最近", "近期", "有哪些", "有什么", "哪些",
	"的", "是", "为", "在", "我的", "我们", "一下", "了", "所在社区", "社区名称", "社区:",
	"联系点", "社区联系点", "本周", "这周", "下周", "本月", "全部", "所有", "吧", "订阅", "居民",
}

// timeWords are spans of time that stand where a community could ("讲座
// 这个月").
var timeWords = map[string]bool{
	"周末": true, "这周末": true, "本周末": true, "这周": true, "本周": true, "下周": true, "下下周": true, "这个月": true,
	"本月": true, "下个月": true, "下月": true, "最近": true, "近期": true, "今年": true, "明年": true, "过几天": true,
}

// notCommunity are characters that make a word chatter rather than a
// place: "太多了", "别发", "的话".
var notCommunity = []string{"吧", "了", "太多", "太少", "吗", "呢", "不", "没有", "别", "的话", "什么", "怎么", "多少", "一下", "我"}

// communityOf finds the community named in text. A word ending in 社区 (or
// 居委会, 小区) is one wherever it stands; a bare word ("古槐") only when
// bare is set — right after the command, where nothing else can stand — and
// it is no line, time or chatter. other reports words that are neither
// chatter nor a community ("订阅号").
func communityOf(text string, bare bool) (community string, other bool) {
	if m := reCommunityWord.FindStringSubmatchIndex(text); m != nil {
		community = knownCommunityIn(text[m[2]:m[3]])
		if community == "" {
			community = trimLexiconPrefix(text[m[2]:m[3]])
		}
		text = text[:m[0]] + " " + text[m[1]:]
	}
	for _, t := range tokens(text) {
		t = trimChatter(t, communityChatter)
		switch {
		case t == "" || t == "社区":
		case strings.HasPrefix(t, "每") || isDateWord(t) || timeWords[t]:
			// a date ("讲座 每周六") is not a community; the list is by date anyway
		case community == "" && bare && runeCount(t) >= 2 && allHan(t) && !containsAny(t, notCommunity) && !isLineWord(t):
			community = t
		default:
			other = true
		}
	}
	return community, other
}

// withCommunity makes the parser of a command whose one field is a
// community. When required (a contact point, a subscription) its absence is
// Missing, and the handler may fill it with the sender's own. Words of
// another intent beside the keyword ("讲座通知别发了", "有讲座的话通知我")
// make it decline, for the lexicon's frames to read.
func withCommunity(intent string, required bool, bare bool, veto ...[]string) func(string, time.Time) (Result, bool) {
	return func(rest string, _ time.Time) (Result, bool) {
		if code, _ := findCode(rest, activityLetter); code != "" {
			return Result{}, false
		}
		if code, _ := findCode(rest, lectureLetter); code != "" {
			return Result{}, false
		}
		for _, v := range veto {
			if containsAny(rest, v) {
				return Result{}, false
			}
		}
		community, other := communityOf(rest, bare && (rest == "" || isGap(firstRune(rest))))
		if other {
			return Result{}, false
		}
		r := Result{Intent: intent, Community: community}
		if r.Community == "" && required && !containsAny(rest, []string{"全部", "所有"}) {
			r.Missing = []string{FieldCommunity}
		}
		return r, true
	}
}

// Keywords of the activity list. "活动" alone is a keyword, and also ends
// "心理疏导活动", "古槐社区有什么活动".
var (
	activitiesKeywords = []string{
		"活动", "活动列表", "有什么活动", "有哪些活动", "最近活动", "最近的活动", "最近有什么活动",
		"查活动", "查看活动", "活动安排", "近期活动", "可以报名的活动", "能报名的活动", "活动有哪些",
		"有啥活动", "最近有哪些活动",
	}
	activitiesSuffixes = []string{"活动", "的活动", "有什么活动", "有哪些活动", "活动列表", "有啥活动", "类活动"}
)

// activitiesChatter surrounds the filter word of an activity list.
var activitiesChatter = []string{
	"最近", "近期", "有什么", "有哪些", "有啥", "哪些", "列表", "安排", "可以报名的", "能报名的",
	"的", "类", "方面", "相关", "看看", "查看", "查询", "一下", "现在", "本周", "这周", "下周",
	"本月", "活动", "吗", "呢", "我想", "想", "所有", "全部", "有没有", "有", "周末", "这周末", "本周末",
}

// parseActivities reads "活动 心理疏导". The filter word is kept as typed for
// the handler to resolve; one that names a community goes to Community. A
// word glued to "活动" ("活动室在哪") is taken only when it is a known
// category, so sentences about an activity room stay unknown.
func parseActivities(rest string, _ time.Time) (Result, bool) {
	if code, _ := findCode(rest, activityLetter); code != "" {
		return Result{}, false
	}
	r := Result{Intent: Activities}
	for _, t := range tokens(rest) {
		t = trimChatter(t, activitiesChatter)
		if t == "" || isDateWord(t) {
			// the list is of what is open now, by date anyway: "周六有什么活动"
			continue
		}
		if !containsHan(t) || isQuestion(t) {
			return Result{}, false
		}
		switch {
		case looksLikeCommunity(t) && r.Community == "":
			r.Community = t
		case r.Category == "":
			if c, ok := categoryPrefix(t); ok {
				r.Category, _ = CategoryLine(c)
				if tail := trimChatter(t[len(c):], activitiesChatter); tail != "" {
					return Result{}, false
				}
			} else {
				r.Category = t
			}
		default:
			return Result{}, false
		}
	}
	if rest != "" && !isGap(firstRune(rest)) && r.Category != "" && !isDateWord(trimChatter(rest, activitiesChatter)) {
		if _, ok := categoryPrefix(trimChatter(rest, activitiesChatter)); !ok {
			return Result{}, false
		}
	}
	return r, true
}

// isDateWord reports a word that is only a day: 周六, 下周三, 明天.
func isDateWord(t string) bool {
	for _, re := range []*regexp.Regexp{reWeekday, reRelDay} {
		if m := re.FindStringIndex(t); m != nil && m[0] == 0 && m[1] == len(t) {
			return true
		}
	}
	return false
}

// trimChatter cuts chatter words from both ends of t.
func trimChatter(t string, chatter []string) string {
	t = cutFillers(t, chatter)
	for changed := true; changed; {
		changed = false
		for _, c := range chatter {
			if v, ok := strings.CutSuffix(t, c); ok {
				t, changed = trimGaps(v), true
			}
		}
	}
	return t
}

// bindKeywords start the binding of an invite code.
var bindKeywords = []string{
	"绑定", "邀请码", "绑定邀请码", "我的邀请码", "输入邀请码", "使用邀请码", "绑定使者", "绑定身份",
	"激活", "激活码",
}

// parseBind reads the invite code: every run of Latin letters and digits
// after the keyword, joined ("8h3 k2q" → "8H3K2Q"). 4–12 characters make a
// code; other lengths are a bad code.
func parseBind(rest string, _ time.Time) (Result, bool) {
	r := Result{Intent: Bind}
	var b strings.Builder
	for i := 0; i < len(rest); i++ {
		if isASCIIAlnum(rest[i]) {
			b.WriteByte(rest[i])
		}
	}
	code := strings.ToUpper(b.String())
	switch {
	case code == "":
		r.Missing = []string{FieldCode}
	case len(code) < 4 || len(code) > 12:
		r.Problem = ProblemBadCode
	default:
		r.Code = code
	}
	return r, true
}

// Team keywords: an envoy founds a team by name, a volunteer joins by code.
var (
	teamCreateKeywords = []string{
		"建队", "成立队伍", "创建队伍", "组建团队", "成立团队", "创建团队", "组建队伍", "建立队伍",
		"建立团队", "新建队伍", "新建团队", "成立志愿队", "建队伍", "建团队", "建志愿队", "组队", "拉个队", "拉队伍", "成立志愿者队伍", "组建志愿者队伍", "建立志愿者队伍", "成立志愿者团队", "组建志愿者团队", "创建志愿队",
	}
	teamJoinKeywords = []string{"入队", "加入队伍", "加入团队", "申请入队", "加入志愿队", "我要入队", "加队"}
)

// teamChatter labels the team name in "建队 队名：…" and is dropped.
var teamChatter = []string{"队名", "队伍名称", "团队名称", "名称", "名字", "叫", "是", "为", "队伍", "团队"}

// parseTeamCreate reads the team's name and, optionally, its community.
func parseTeamCreate(rest string, _ time.Time) (Result, bool) {
	r := Result{Intent: TeamCreate}
	for _, t := range tokens(rest) {
		t = cutFillers(t, teamChatter)
		if t == "" {
			continue
		}
		if c, ok := strings.CutPrefix(t, "社区"); ok && c != "" {
			t = c
		}
		switch {
		case looksLikeCommunity(t) && r.Community == "" && !strings.HasSuffix(t, "队"):
			r.Community = t
		case r.Team == "":
			r.Team = t
		}
	}
	if r.Team == "" {
		r.Missing = []string{FieldTeam}
	}
	return r, true
}

// parseTeamJoin reads a team code ("入队 T3"). With an explicit team keyword
// a name is kept as typed for the handler to look up; after the bare "加入"
// only a code or a word ending in 队 makes it a team.
func parseTeamJoin(explicit bool) func(string, time.Time) (Result, bool) {
	return func(rest string, _ time.Time) (Result, bool) {
		r := Result{Intent: TeamJoin}
		if code, _ := findCode(rest, teamLetter); code != "" {
			r.Code = code
			return r, true
		}
		name := cutFillers(rest, teamChatter)
		switch {
		case name != "" && (explicit || strings.HasSuffix(name, "队")) && containsHan(name):
			r.Team = firstToken(name)
		case name == "" && explicit:
			r.Missing = []string{FieldCode}
		default:
			return Result{}, false
		}
		return r, true
	}
}

func firstToken(s string) string {
	if ts := tokens(s); len(ts) > 0 {
		return ts[0]
	}
	return ""
}

// brandKeywords start the registration of a community's service brand.
var brandKeywords = []string{
	"品牌", "服务品牌", "登记品牌", "志愿服务品牌", "注册品牌", "申报品牌", "创建品牌", "我们的品牌",
	"品牌登记",
}

var (
	brandTitleLabels = []string{"品牌名称", "品牌名", "名称", "名字", "叫", "是"}
	brandDescLabels  = []string{"品牌简介", "简介", "介绍", "内容", "描述", "说明", "服务内容"}
)

// parseBrand reads "品牌 银发守护 为空巢老人提供上门陪伴": the first word is
// the brand, the rest of the message, as typed, its description.
func parseBrand(rest string, _ time.Time) (Result, bool) {
	r := Result{Intent: Brand}
	s := cutFillers(rest, brandTitleLabels)
	end := strings.IndexFunc(s, isGap)
	if end < 0 {
		end = len(s)
	}
	r.Title = s[:end]
	if containsAny(r.Title, []string{"我们", "这个", "那个", "什么", "还在", "怎么", "吗", "呢"}) {
		return Result{}, false // "品牌这个东西我们还在琢磨"
	}
	r.Description = cutFillers(s[end:], brandDescLabels)
	if r.Title == "" {
		r.Missing = []string{FieldTitle}
	}
	return r, true
}

package intent

import (
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// registerKeywords start a volunteer registration; "登记" is the word older
// volunteers use, and "怎么注册" is answered with the registration form.
var registerKeywords = []string{
	"注册", "登记", "实名注册", "注册志愿者", "志愿者注册", "登记注册", "注册登记",
	"怎么注册", "如何注册", "怎样注册", "咋注册", "当志愿者", "成为志愿者", "做志愿者", "报名志愿者",
	"志愿者报名", "申请志愿者",
}

// communitySuffixes end the name of a community, village or street, which is
// how a community is told from a person's name wherever it stands.
var communitySuffixes = []string{"社区居委会", "居委会", "村委会", "社区", "小区", "街道", "村"}

// Label words that may stand before a value ("姓名张三", "手机：138…").
// Each list is longest first so that "手机号码" is cut before "手机".
var (
	nameLabels      = []string{"真实姓名", "姓名是", "姓名", "名字是", "名字", "我叫", "我是", "本人", "她叫", "他叫", "名叫", "名字叫", "叫"}
	phoneLabels     = []string{"手机号码", "手机号是", "手机号", "手机是", "手机", "电话号码", "联系电话", "电话是", "电话", "联系方式", "号码", "mobile", "phone", "tel"}
	communityLabels = []string{"所在社区", "所属社区", "居住社区", "社区名称", "社区名", "社区是", "社区", "小区", "居住在", "我住在", "我住", "住在", "家住", "住址", "地址", "来自", "住"}
)

// inlineLabels are label words that cannot end a value, so a token is split
// before them: "姓名张三手机" → "姓名张三", "手机".
var inlineLabels = []string{"姓名", "名字", "手机", "电话", "联系方式", "我叫", "她叫", "他叫"}

// registerStopwords are words people add around their details that are not
// details: "注册志愿者 张三 …", "我的信息如下".
var registerStopwords = map[string]bool{
	"志愿者": true, "成为志愿者": true, "当志愿者": true, "做志愿者": true, "社区志愿者": true,
	"一下": true, "信息": true, "如下": true, "我的": true, "资料": true, "个人信息": true,
	"我的信息": true, "谢谢": true, "你好": true, "您好": true, "好的": true, "的": true,
	"是": true, "我": true, "用户": true, "新用户": true, "注册": true, "登记": true,
	"账号": true, "帐号": true, "实名": true, "那个": true, "这个": true, "的活动": true, "活动": true,
	"重新": true, "再": true, "的时候": true, "新来的": true, "新来": true, "刚来的": true, "新人": true,
}

// questionMarkers make a token a question about registering rather than a
// detail: "注册怎么弄".
var questionMarkers = []string{"怎么", "如何", "怎样", "什么", "咋", "吗", "呢", "哪", "啥"}

// parseRegisterCommand reads what follows a registration keyword. Words
// that are none of the details, with none of them there ("注册公司需要什么
// 材料"), are about something else.
func parseRegisterCommand(rest string, now time.Time) (Result, bool) {
	r, _ := parseRegister(rest, now)
	if r.Name == "" && r.Phone == "" && r.Community == "" && r.Problem == "" {
		left := rest
		for _, w := range []string{"志愿者", "成为", "成", "一下", "怎么弄", "怎么办", "怎么", "如何", "咋", "吗", "呢", "啊", "的", "我", "想", "要", "了", "信息", "账号"} {
			left = strings.ReplaceAll(left, w, "")
		}
		if runeCount(strings.Join(tokens(left), "")) >= 2 && !containsAny(rest, []string{"手机", "电话", "姓名", "名字", "社区", "信息", "资料"}) {
			return Result{}, false
		}
	}
	return r, true
}

// parseRegister reads name, mobile and community in any order. The mobile is
// found first by its digits, a community by its suffix, a name by its shape
// (2–4 Han characters, or longer with the · of minority names); labels
// ("姓名", "手机", "社区") settle what shape cannot.
func parseRegister(rest string, _ time.Time) (Result, bool) {
	r := Result{Intent: Register}
	phone, bad, text := extractPhone(rest)
	r.Phone = phone
	if phone == "" && bad {
		r.Problem = ProblemBadPhone
	}

	var unlabelled []string
	pending := ""
	for _, tok := range registerTokens(text) {
		if field, ok := bareLabel(tok); ok {
			pending = field
			continue
		}
		field, val := cutLabel(tok)
		if field == "" && pending != "" && pending != FieldPhone {
			// A bare phone label's digits were taken out already, so the
			// next word is not its value: "手机号 138… 古槐社区".
			field, val = pending, tok
		}
		pending = ""
		val = strings.TrimSuffix(val, "的")
		if v, ok := strings.CutPrefix(val, "是"); ok && looksLikeCommunity(v) {
			val = v // "是仙营社区的"
		}
		if val == "" || registerStopwords[val] || isQuestion(val) {
			continue
		}
		switch field {
		case FieldName:
			if looksLikeCommunity(val) {
				r.Community = firstNonEmpty(r.Community, val)
			} else {
				r.Name = firstNonEmpty(r.Name, normalizeName(val))
			}
		case FieldCommunity:
			r.Community = firstNonEmpty(r.Community, val)
		case FieldPhone:
			// The digits were taken out already; what is left ("手机 无") says nothing.
		default:
			unlabelled = append(unlabelled, val)
		}
	}
	classifyUnlabelled(&r, unlabelled)

	if r.Name == "" {
		r.Missing = append(r.Missing, FieldName)
	}
	if r.Phone == "" && r.Problem == "" {
		r.Missing = append(r.Missing, FieldPhone)
	}
	if r.Community == "" {
		r.Missing = append(r.Missing, FieldCommunity)
	}
	return r, true
}

// classifyUnlabelled fills name and community from tokens without labels:
// by suffix and shape first, then, when exactly one Chinese token is left and
// the community is still missing, by the order of the documented form
// (注册 姓名 手机 社区) — "注册 张三 138… 古槐" means community 古槐.
func classifyUnlabelled(r *Result, toks []string) {
	var extras []string
	// "张 三": a surname and a given name typed apart.
	for i := 0; i+1 < len(toks) && r.Name == ""; i++ {
		a, b := toks[i], toks[i+1]
		if runeCount(a) == 1 && allHan(a) && !strings.Contains(notSurnames, a) && allHan(b) && runeCount(b) <= 2 {
			toks = append(append(toks[:i:i], a+b), toks[i+2:]...)
			break
		}
	}
	for _, t := range toks {
		switch {
		case looksLikeCommunity(t) && r.Community == "":
			r.Community = t
		case looksLikeName(t) && r.Name == "":
			r.Name = normalizeName(t)
		case containsHan(t) && !looksLikeCommunity(t):
			extras = append(extras, t)
		}
	}
	if r.Community == "" && r.Name != "" && len(extras) == 1 && utf8.RuneCountInString(extras[0]) >= 2 {
		r.Community = extras[0]
	}
}

// notSurnames are single characters that stand alone in a registration
// without starting a name ("男 张三").
const notSurnames = "男女我是的叫住在和及与"

// registerTokens splits the text left after the mobile is taken out into
// words, also splitting before a label glued to the previous value.
func registerTokens(text string) []string {
	var out []string
	for _, f := range strings.FieldsFunc(text, isGap) {
		out = append(out, splitInlineLabels(f)...)
	}
	return out
}

func splitInlineLabels(tok string) []string {
	for i := 1; i < len(tok); i++ {
		if !utf8.RuneStart(tok[i]) {
			continue
		}
		tail := tok[i:]
		for _, l := range inlineLabels {
			if strings.HasPrefix(tail, l) {
				return append([]string{tok[:i]}, splitInlineLabels(tail)...)
			}
		}
		// "张三社区古槐社区": a second 社区 label followed by a community.
		if after, ok := strings.CutPrefix(tail, "社区"); ok && looksLikeCommunity(strings.TrimSuffix(after, "的")) {
			return append([]string{tok[:i]}, splitInlineLabels(tail)...)
		}
	}
	return []string{tok}
}

// bareLabel reports a token that is only a label, whose value is the next token.
func bareLabel(tok string) (string, bool) {
	for _, set := range []struct {
		field  string
		labels []string
	}{{FieldName, nameLabels}, {FieldPhone, phoneLabels}, {FieldCommunity, communityLabels}} {
		for _, l := range set.labels {
			if strings.EqualFold(tok, l) {
				return set.field, true
			}
		}
	}
	return "", false
}

// cutLabel cuts a label off the start of a token ("姓名张三" → name, "张三").
func cutLabel(tok string) (field, value string) {
	best, bestLen := "", 0
	for _, set := range []struct {
		field  string
		labels []string
	}{{FieldName, nameLabels}, {FieldPhone, phoneLabels}, {FieldCommunity, communityLabels}} {
		for _, l := range set.labels {
			if len(l) > bestLen && len(tok) > len(l) && strings.EqualFold(tok[:len(l)], l) {
				best, bestLen = set.field, len(l)
			}
		}
	}
	if best == "" {
		return "", tok
	}
	value = tok[bestLen:]
	for _, copula := range []string{"是", "为"} {
		if v, ok := strings.CutPrefix(value, copula); ok && v != "" {
			value = v
		}
	}
	return best, value
}

func looksLikeCommunity(t string) bool {
	for _, s := range communitySuffixes {
		if strings.HasSuffix(t, s) && len(t) > len(s) && containsHan(t[:len(t)-len(s)]) {
			return true
		}
	}
	return false
}

// looksLikeName accepts 2–4 Han characters, or Han parts joined by a middle
// dot up to 15 characters (买买提·艾力).
func looksLikeName(t string) bool {
	n := utf8.RuneCountInString(t)
	parts := strings.FieldsFunc(t, isNameDot)
	if len(parts) == 1 && !strings.ContainsFunc(t, isNameDot) {
		return n >= 2 && n <= 4 && allHan(t)
	}
	if n > 15 || len(parts) < 2 {
		return false
	}
	for _, p := range parts {
		if !allHan(p) {
			return false
		}
	}
	// FieldsFunc hides empty parts; a leading, trailing or doubled dot is not a name.
	return !isNameDot(firstRune(t)) && !isNameDot(lastRune(t)) && len(parts) == strings.Count(normalizeName(t), "·")+1
}

// normalizeName writes every middle-dot variant as "·".
func normalizeName(t string) string {
	return strings.Map(func(r rune) rune {
		if isNameDot(r) {
			return '·'
		}
		return r
	}, t)
}

func isNameDot(r rune) bool {
	switch r {
	case '·', '•', '・', '‧', '∙', '⋅', 0xFF65:
		return true
	}
	return false
}

func isQuestion(t string) bool {
	for _, q := range questionMarkers {
		if strings.Contains(t, q) {
			return true
		}
	}
	return false
}

func allHan(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if !unicode.Is(unicode.Han, r) {
			return false
		}
	}
	return true
}

func containsHan(s string) bool {
	return strings.ContainsFunc(s, func(r rune) bool { return unicode.Is(unicode.Han, r) })
}

func firstNonEmpty(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

func firstRune(s string) rune {
	r, _ := utf8.DecodeRuneInString(s)
	return r
}

func lastRune(s string) rune {
	r, _ := utf8.DecodeLastRuneInString(s)
	return r
}

package intent

import (
	"regexp"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"
)

// greetings open a message and mean nothing by themselves; a message that is
// only a greeting asks for help.
var greetings = []string{
	"你们好", "大家好", "各位", "大家", "你好", "您好", "哈喽", "哈啰", "嗨", "喂", "在吗", "在么",
	"hello", "hi", "hey", "哈罗",
}

// leadingFillers open a request politely ("请问", "我想") and are dropped
// before the command keyword.
var leadingFillers = []string{
	"麻烦问一下", "麻烦问下", "打扰一下", "打扰了", "请问一下", "请问", "麻烦你", "麻烦您", "麻烦",
	"不好意思", "抱歉", "对不起", "劳驾", "请帮我", "帮我", "帮忙", "给我", "请", "我想要", "我想", "我要", "我需要",
	"想要", "需要", "申请", "我来", "想", "要", "重新",
	"查一下", "查询一下", "查下", "查查", "帮忙查一下", "帮我查一下", "看一下", "看看", "我想看看", "我想查一下",
}

// trailingFillers close a message ("谢谢", "一下", "吗") and are dropped.
var trailingFillers = []string{
	"谢谢你们", "谢谢你", "谢谢您", "谢谢啦", "谢谢", "多谢", "感谢", "谢啦", "谢了",
	"thank you", "thanks", "thx",
	"辛苦了", "麻烦了", "麻烦你了", "麻烦您了", "一下", "好吗", "可以吗", "行吗", "好不好",
	"吗", "呢", "啊", "呀", "吧",
}

// The filler lists are tried longest first, so "请问" is cut before "请".
func init() {
	for _, list := range [][]string{greetings, leadingFillers, trailingFillers} {
		sort.SliceStable(list, func(a, b int) bool { return len(list[a]) > len(list[b]) })
	}
}

// reForSomeone opens a request made for a relative or neighbour ("帮我妈注册
// 一下 她叫…"): the details that follow are theirs, the words are filler.
var reForSomeone = regexp.MustCompile(`^(?:帮|给|替|为)我?(?:妈妈|爸爸|妈|爸|母亲|父亲|老伴|爷爷|奶奶|姥姥|姥爷|外婆|外公|婆婆|公公|家里老人|老人|孩子|儿子|女儿|闺女|邻居|朋友)`)

// stripPoliteness removes greetings and fillers around the command and
// reports whether a greeting was seen.
func stripPoliteness(s string) (body string, greeted bool) {
	s = trimGaps(s)
	for changed := true; changed; {
		changed = false
		for _, g := range greetings {
			if rest, ok := cutKeyword(s, g); ok {
				s, greeted, changed = trimGaps(rest), true, true
			}
		}
		if loc := reForSomeone.FindStringIndex(s); loc != nil {
			s, changed = trimGaps(s[loc[1]:]), true
		}
		for _, f := range leadingFillers {
			if rest, ok := cutKeyword(s, f); ok {
				s, changed = trimGaps(rest), true
			}
		}
	}
	for changed := true; changed; {
		changed = false
		for _, f := range trailingFillers {
			if len(s) >= len(f) && strings.EqualFold(s[len(s)-len(f):], f) && !endsMidWord(s[:len(s)-len(f)], f) {
				s, changed = trimGaps(s[:len(s)-len(f)]), true
			}
		}
	}
	return s, greeted
}

// endsMidWord stops "thanks" from being cut out of a Latin word that ends in it.
func endsMidWord(before, word string) bool {
	if before == "" || !isASCIILetter(rune(word[0])) {
		return false
	}
	r, _ := utf8.DecodeLastRuneInString(before)
	return isASCIILetter(r)
}

// cutKeyword cuts keyword off the start of s, ignoring ASCII case. A Latin
// keyword must end at a word boundary ("hi" does not start "history");
// a Chinese one need not ("注册张三").
func cutKeyword(s, keyword string) (string, bool) {
	if len(s) < len(keyword) || !strings.EqualFold(s[:len(keyword)], keyword) {
		return s, false
	}
	rest := s[len(keyword):]
	last, _ := utf8.DecodeLastRuneInString(keyword)
	first, _ := utf8.DecodeRuneInString(rest)
	if rest != "" && isASCIILetter(last) && isASCIILetter(first) {
		return s, false
	}
	return rest, true
}

func isASCIILetter(r rune) bool {
	return r < utf8.RuneSelf && unicode.IsLetter(r)
}

// isGap reports runes that separate words in a message: spaces, line breaks,
// punctuation and symbols (emoji included). The middle dot of minority names
// is not a gap.
func isGap(r rune) bool {
	if isNameDot(r) {
		return false
	}
	return unicode.IsSpace(r) || unicode.IsPunct(r) || unicode.IsSymbol(r)
}

// trimGaps trims separators, punctuation and emoji from both ends.
func trimGaps(s string) string {
	return strings.TrimFunc(s, isGap)
}

package intent

import (
	"regexp"
	"strings"
	"time"
)

// matchFrame reads a message that no keyword starts by the frames of the
// lexicon: the words it contains, in any order. The fields a frame's intent
// takes are read from the message too (a code, a community, a line).
func matchFrame(body string, now time.Time) (Result, bool) {
	activity, _ := findCode(body, activityLetter)
	for _, f := range frames {
		if f.maxRunes > 0 && runeCount(body) > f.maxRunes {
			continue
		}
		if !hasAllGroups(body, f.all) || containsAny(body, f.veto) {
			continue
		}
		if f.code == 0 && activity != "" {
			continue
		}
		r := Result{Intent: f.intent}
		switch f.intent {
		case Bind:
			code, ok := inviteCodeIn(body)
			if !ok {
				continue
			}
			r.Code = code
		case Subscribe, Unsubscribe, Lectures:
			r.Community = communityIn(body)
			if r.Intent == Subscribe && r.Community == "" {
				r.Missing = []string{FieldCommunity}
			}
		case Register:
			r.Missing = []string{FieldName, FieldPhone, FieldCommunity}
		case ContactPoint:
			if r.Community = communityIn(body); r.Community == "" {
				continue
			}
		case Brand:
			m := reBrandIs.FindStringSubmatch(body)
			if m == nil {
				continue
			}
			r.Title, r.Description = m[1], trimGaps(m[2])
		case Activities:
			r.Category = lineIn(body)
			r.Community = communityIn(body)
		}
		if f.code == teamLetter {
			code, _ := findCode(body, teamLetter)
			if code == "" {
				continue
			}
			r.Code = code
		}
		if f.code == activityLetter {
			r.Activity = activity
			if activity == "" {
				r.Missing = []string{FieldActivity}
			}
		}
		return r, true
	}
	return Result{}, false
}

func hasAllGroups(s string, groups [][]string) bool {
	for _, g := range groups {
		if !containsAny(s, g) {
			return false
		}
	}
	return true
}

func containsAny(s string, words []string) bool {
	for _, w := range words {
		if strings.Contains(s, w) {
			return true
		}
	}
	return false
}

// reInviteCode is an invite code standing in a sentence: 6–12 letters and
// digits with at least one digit and one letter.
var reInviteCode = regexp.MustCompile(`(?i)\b[a-z0-9]{4,12}\b`)

func inviteCodeIn(s string) (string, bool) {
	for _, m := range reInviteCode.FindAllString(s, -1) {
		if strings.ContainsAny(m, "0123456789") && strings.IndexFunc(m, isASCIILetterRune) >= 0 {
			return strings.ToUpper(m), true
		}
	}
	return "", false
}

func isASCIILetterRune(r rune) bool { return r < 128 && isASCIILetter(r) }

// reCommunityWord is a community named in a sentence: Han characters ending
// in 社区 (or 居委会, 小区), or a short name right before 的讲座/的活动.
var (
	reCommunityWord = regexp.MustCompile(`(\p{Han}{2,8}?(?:社区居委会|社区|居委会|小区))`)
	// reBrandIs is a brand named in a sentence: 我们社区的服务品牌叫“五老护苗”，…
	reBrandIs = regexp.MustCompile(`品牌(?:名称|名字)?(?:叫做|叫|是|名为|名叫)[“"「『]?([^”"」』,.!?\s]{2,12})[”"」』]?[,.!?\s]*(.*)$`)
)

// communityIn finds the community a sentence names, "" when none. Words of
// the lexicon before it ("有讲座的话通知我一下 仙营社区") are not part of it.
func communityIn(s string) string {
	if m := reCommunityWord.FindStringSubmatch(s); m != nil {
		if k := knownCommunityIn(m[1]); k != "" {
			return k
		}
		return trimLexiconPrefix(m[1])
	}
	// Without 社区, only a known community's name is one: "越河那边",
	// "古槐的讲座", "订个讲座通知 运河" — not "防诈骗的讲座".
	for _, t := range tokens(s) {
		for i := range t {
			if k := knownCommunityIn(t[:len(t)-i]); k != "" && runeCount(k) >= 2 {
				return k
			}
		}
	}
	return ""
}

// sentenceWords are words that end up glued before a community in a
// sentence ("帮我订一下古槐", "最近古槐社区"): the community starts after the
// last of them.
var sentenceWords = []string{
	"一下", "订阅", "订", "帮我", "把", "最近", "近期", "我们", "我", "是", "在", "的", "有", "请问", "问下", "想",
	"这周", "下周", "周末", "本周", "明天", "今天", "周六", "周日", "知道", "看看", "查查", "查",
}

func trimLexiconPrefix(w string) string {
	for changed := true; changed; {
		changed = false
		for _, p := range sentenceWords {
			if i := strings.LastIndex(w, p); i >= 0 && len(w)-i-len(p) >= 6 {
				w, changed = w[i+len(p):], true
			}
		}
	}
	return w
}

// isTimeWord reports words of time that stand where a community could:
// 这周的讲座, 明天的活动.
func isTimeWord(w string) bool {
	return isDateWord(w) || containsAny(w, []string{"周", "月", "天", "最近", "近期", "年", "今", "明", "下", "上"})
}

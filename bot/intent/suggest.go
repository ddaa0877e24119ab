package intent

import (
	"regexp"
	"strings"
	"time"
	"unicode"
)

// Suggest returns the command a message that was not understood most
// likely meant, written as the user should send it ("报名 A12"), or "" when
// nothing is close. It finds a command keyword typed with one character
// wrong, missing or extra, and a code typed without its letter
// ("报名12"). The suggestion is never acted on: the reply asks.
func Suggest(text string, now time.Time) string {
	body, _ := stripPoliteness(fold(Normalize(text)))
	if body == "" {
		return ""
	}
	if m := reBareNumber.FindStringSubmatch(body); m != nil {
		return m[1] + " A" + m[2]
	}
	best, bestRest := "", ""
	for _, e := range keywordIndex {
		k := e.keyword
		if runeCount(k) < 2 || len(k) <= len(best) {
			continue
		}
		if n, ok := nearPrefix(body, k); ok {
			best, bestRest = k, body[n:]
		}
	}
	if best == "" {
		return ""
	}
	s := strings.TrimSpace(best + " " + trimGaps(bestRest))
	if Parse(s, now).Intent == Unknown {
		return ""
	}
	return s
}

// reBareNumber is a command whose activity code lost its letter: 报名12.
var reBareNumber = regexp.MustCompile(`^(报名|签到|签退|取消报名|确认时长|活动签到)\s*#?([0-9]{1,6})$`)

// nearPrefix reports whether s starts with keyword typed with one edit (a
// character replaced, dropped or doubled), and the length of that prefix.
// Keywords are matched on whole characters.
func nearPrefix(s, keyword string) (int, bool) {
	k := []rune(keyword)
	for _, n := range []int{len(k), len(k) - 1, len(k) + 1} {
		if n < 2 {
			continue
		}
		var prefix []rune
		end := 0
		for _, r := range s {
			if len(prefix) == n {
				break
			}
			if !unicode.Is(unicode.Han, r) && !unicode.IsLetter(r) {
				break
			}
			prefix = append(prefix, r)
			end += len(string(r))
		}
		if len(prefix) == n && editDistance(prefix, k) == 1 {
			return end, true
		}
	}
	return 0, false
}

// editDistance is the Levenshtein distance of two short rune strings.
func editDistance(a, b []rune) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// IsChatter reports a message that asks for nothing: laughter, a sticker
// placeholder, an emoji, "好的", "收到". It deserves a short friendly
// answer, not the "not understood" help.
func IsChatter(text string) bool {
	body := strings.Trim(Normalize(text), " ,.!?。！？~")
	if body == "" {
		return true
	}
	if reSticker.MatchString(body) {
		return true
	}
	for _, w := range chatterWords {
		if body == w {
			return true
		}
	}
	for _, r := range body {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			return reLaughter.MatchString(body)
		}
	}
	return true // only symbols and emoji
}

var (
	// reSticker is what WeChat sends for a sticker or an emoticon typed as
	// its name: [微笑], [捂脸][捂脸], /::).
	reSticker  = regexp.MustCompile(`^(?:\[[^\[\]]{1,6}\]\s*)+$|^/:`)
	reLaughter = regexp.MustCompile(`^(?:哈|呵|嘿|嘻|hh|h|2333|666|6)+$`)
	// chatterWords acknowledge or thank and ask for nothing.
	chatterWords = []string{
		"好的", "好", "好滴", "收到", "知道了", "明白", "明白了", "嗯", "嗯嗯", "哦", "哦哦", "ok", "OK", "Ok", "行",
		"谢谢", "谢谢你", "谢谢您", "多谢", "感谢", "辛苦了", "赞", "点赞", "棒", "好棒", "厉害", "可以", "没问题",
	}
)

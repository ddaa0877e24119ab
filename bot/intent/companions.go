package intent

import (
	"regexp"
	"strings"
)

// Companions a sign-up brings (issue 15): "报名 A12 带2人", "带两位家属",
// and on a 接龙 line "张三 +1", "（家属2人）", "+家属1人". Only a number
// counts: "带老伴一起" says who, not how many, and is left to the envoy.
var (
	// reBringCount is a count after a word that brings people along.
	reBringCount = regexp.MustCompile(`(?:带|携|加|\+|家属|和)\s*(?:上|着)?\s*(?:家属|家人|孩子|朋友)?\s*([0-9]{1,2}|[一二两三四五六七八九十]{1,2})\s*(?:个人|个|人|位|名|口)(?:家属|家人|孩子|朋友|小孩)?`)
	// reFamilyCount is a count before the people brought: "带2个孩子".
	reFamilyCount = regexp.MustCompile(`(?:带|携)\s*([0-9]{1,2}|[一二两三四五六七八九十]{1,2})\s*(?:个|位|名)?\s*(?:家属|家人|孩子|朋友|小孩)`)
	// rePlusCount is a 接龙 "+1" after a name (not the "+86" of a mobile).
	rePlusCount = regexp.MustCompile(`\+\s*([1-9])(?:$|[^0-9])`)
	// spokenCounts are the spoken numbers "two of them", "three of them".
	spokenCounts = strings.NewReplacer("俩", "两个", "仨", "三个")
)

// companionCount reads how many people a text brings along and returns the
// text without the phrase; 0 and text unchanged when it names no count.
// plus lets a bare "+N" count (a 接龙 line, where "+1" after a name is a
// companion, not the sign-up itself).
func companionCount(text string, plus bool) (int, string) {
	text = spokenCounts.Replace(text) // 带俩孩子, 带仨人
	res := []*regexp.Regexp{reBringCount, reFamilyCount}
	if plus {
		res = append(res, rePlusCount)
	}
	for _, re := range res {
		m := re.FindStringSubmatchIndex(text)
		if m == nil {
			continue
		}
		n, ok := parseNumber(text[m[2]:m[3]])
		if !ok || n <= 0 {
			continue
		}
		return n, strings.TrimSpace(text[:m[0]] + " " + text[m[1]:])
	}
	return 0, text
}

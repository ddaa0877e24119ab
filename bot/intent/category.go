package intent

import (
	"sort"
	"strings"
	"sync/atomic"

	"envoybot/configs"
)

// Category is one activity line with the words people use for it: the
// line's name, its aliases and its service types.
type Category struct {
	Line  string   // the line as the notice names it, e.g. 关爱困难群体
	Words []string // every word that selects the line, longest first
}

// categories is the vocabulary of activity lines: one list, the campaign's
// (configs/campaign.yaml), read by the parser and the handlers alike.
var categories atomic.Pointer[[]Category]

func init() {
	c, err := configs.DefaultCampaign()
	if err != nil {
		panic("intent: the embedded campaign does not load: " + err.Error())
	}
	UseLines(c.Lines)
	UseCommunities(c.Communities)
}

// communities are the known communities' names, and the same without
// 社区 ("古槐"), which the parser uses to tell a community named inside a
// sentence ("听说越河那边…", "订个讲座通知 运河") from a topic ("防诈骗的
// 讲座"). A word ending in 社区 is a community whether known or not, so the
// handler can suggest the closest one.
var communities atomic.Pointer[[]string]

// UseCommunities makes the configured communities the ones the parser
// knows; the server calls it once the configuration is loaded.
func UseCommunities(names []string) {
	var words []string
	for _, n := range names {
		words = append(words, n)
		if short, ok := strings.CutSuffix(n, "社区"); ok && runeCount(short) >= 2 {
			words = append(words, short)
		}
	}
	sort.SliceStable(words, func(a, b int) bool { return len(words[a]) > len(words[b]) })
	communities.Store(&words)
}

// knownCommunityIn finds the longest known community word that ends w
// ("听说越河" → "越河", "以后古槐社区" → "古槐社区"), "" when none does.
func knownCommunityIn(w string) string {
	for _, k := range *communities.Load() {
		if strings.HasSuffix(w, k) {
			return k
		}
	}
	return ""
}

// isKnownCommunity reports a word that is a known community or its short
// name.
func isKnownCommunity(w string) bool {
	return knownCommunityIn(w) == w && w != ""
}

// UseLines makes the configured activity lines the parser's vocabulary; the
// server calls it once the configuration is loaded.
func UseLines(lines []configs.ActivityLine) {
	cs := make([]Category, 0, len(lines))
	for i := range lines {
		words := append([]string(nil), lines[i].Words()...)
		sort.SliceStable(words, func(a, b int) bool { return len(words[a]) > len(words[b]) })
		cs = append(cs, Category{Line: lines[i].Name, Words: words})
	}
	categories.Store(&cs)
}

// Categories returns the vocabulary in use.
func Categories() []Category { return *categories.Load() }

// CategoryLine returns the line a word selects ("敬老" → "关爱困难群体",
// "心理疏导" → "关爱困难群体").
func CategoryLine(word string) (string, bool) {
	for _, c := range Categories() {
		for _, w := range c.Words {
			if w == word {
				return c.Line, true
			}
		}
	}
	return "", false
}

// isCategoryWord reports a word of the vocabulary, as typed.
func isCategoryWord(word string) bool {
	_, ok := CategoryLine(word)
	return ok
}

// isLineWord is isCategoryWord for words that may carry a "的"/"类".
func isLineWord(word string) bool {
	return isCategoryWord(strings.TrimRight(word, "的类"))
}

// categoryPrefix finds the longest category word that starts s.
func categoryPrefix(s string) (string, bool) {
	best := ""
	for _, c := range Categories() {
		for _, w := range c.Words {
			if len(w) > len(best) && strings.HasPrefix(s, w) {
				best = w
			}
		}
	}
	return best, best != ""
}

// lineIn finds the line whose longest word stands in a sentence ("创城的活动
// 有吗", "有没有普法方面的活动"), "" when none does.
func lineIn(s string) string {
	best, line := "", ""
	for _, c := range Categories() {
		for _, w := range c.Words {
			if len(w) > len(best) && strings.Contains(s, w) {
				best, line = w, c.Line
			}
		}
	}
	return line
}

package intent

import "strings"

// Category is one activity line of the campaign notice with the words people
// use for it: the line's name, its short forms, and its service types.
type Category struct {
	Line  string   // the line as the notice names it, e.g. 关爱困难群体
	Words []string // every word that selects the line, the line name included
}

// Categories is the vocabulary of activity lines, the one table both the
// parser and the handlers read. It reproduces the notice; a deployment may
// replace it from configuration before the first Parse (it is not guarded
// for concurrent writes).
var Categories = []Category{
	{Line: "关爱困难群体", Words: []string{
		"关爱困难群体", "关爱", "敬老", "助残", "助老", "家政服务", "文体活动", "心理疏导", "医疗保健",
		"法律服务", "关爱老人", "关爱儿童",
	}},
	{Line: "文明有礼", Words: []string{
		"文明有礼", "做文明有礼济宁人", "文明礼仪", "环境卫生", "网络文明", "公共秩序", "文明劝导",
	}},
	{Line: "时代新风", Words: []string{
		"时代新风", "弘扬时代新风尚", "时代新风尚", "知识讲座", "巡回展览", "阅读推广", "移风易俗",
	}},
	{Line: "平安和谐", Words: []string{
		"平安和谐", "法律进社区", "普法", "五老", "法律知识讲座", "法律宣传",
	}},
}

// CategoryLine returns the line a category word selects ("心理疏导" →
// "关爱困难群体"), so a handler can resolve what the parser kept as typed.
func CategoryLine(word string) (string, bool) {
	for _, c := range Categories {
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

// categoryPrefix finds the longest category word that starts s.
func categoryPrefix(s string) (string, bool) {
	best := ""
	for _, c := range Categories {
		for _, w := range c.Words {
			if len(w) > len(best) && strings.HasPrefix(s, w) {
				best = w
			}
		}
	}
	return best, best != ""
}

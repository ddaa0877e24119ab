package intent

import (
	"regexp"
	"strings"
	"time"
)

// importKeywords start an import of a WeChat group 接龙 list. A pasted list
// alone ("#接龙" …) is also an import, still lacking its activity.
var importKeywords = []string{"导入", "导入接龙", "接龙导入", "导入名单", "名单导入", "接龙"}

var (
	// reEntry is a numbered line of a 接龙 list: "1. 张三", "2,李四" (Normalize
	// turns 、 into a comma), "3 王五", "4)赵六", "⑤ 钱七".
	reEntry = regexp.MustCompile(`^\s*(?:([0-9]{1,3})\s*([.,:)]?)|([\x{2460}-\x{2473}\x{2776}-\x{277F}]))\s*(.*)$`)
	// reRemark is a remark in brackets, closed or not: （带家属）, 【已交费.
	reRemark = regexp.MustCompile(`[(\[【〔<《][^)\]】〕>》]*[)\]】〕>》]?`)
	// reAddress is a building or flat number before or glued to a name:
	// "3号楼", "5-201", "7栋", "2单元301".
	reAddress = regexp.MustCompile(`^[0-9]+(?:[-#][0-9]+)*(?:号楼|栋|幢|单元|号|室|楼)?(?:[0-9]+(?:号楼|栋|幢|单元|号|室|楼)?)*`)
)

// companions are words after a name that bring someone along: "李四+家属",
// "王五带家属", "赵六夫妇". The entry is the name before them.
var companions = []string{
	"带家属", "及家属", "和家属", "加家属", "家属", "夫妇", "夫妻", "一家", "全家", "两口子", "老伴",
	"爱人", "带孩子", "和孩子", "带娃",
}

// parseImport reads "导入 A12" and the 接龙 list on the lines after it. The
// activity code is looked for on the command line only; entries are the
// numbered lines, each a name plus " " and the mobile when one is given.
func parseImport(rest string, _ time.Time) (Result, bool) {
	r := Result{Intent: Import}
	lines := strings.Split(rest, "\n")
	r.Activity, _ = findCode(lines[0], activityLetter)
	if len(lines) == 1 {
		lines = splitInlineList(lines[0])
	}
	for _, line := range lines[1:] {
		r.Names = append(r.Names, importEntries(line)...)
	}
	if r.Activity == "" {
		r.Missing = append(r.Missing, FieldActivity)
	}
	if len(r.Names) == 0 {
		r.Missing = append(r.Missing, FieldNames)
	}
	return r, true
}

// reInlineNumber is the number of an entry in a list pasted on one line
// ("导入 A12 #接龙 1. 张三 2. 李四").
var reInlineNumber = regexp.MustCompile(`(?:^|\s)(?:[0-9]{1,3}[.,:)]|[\x{2460}-\x{2473}])`)

// splitInlineList breaks a one-line list into the command part and one line
// per entry.
func splitInlineList(s string) []string {
	locs := reInlineNumber.FindAllStringIndex(s, -1)
	if len(locs) == 0 {
		return []string{s}
	}
	out := []string{s[:locs[0][0]]}
	for i, loc := range locs {
		end := len(s)
		if i+1 < len(locs) {
			end = locs[i+1][0]
		}
		out = append(out, s[loc[0]:end])
	}
	return out
}

// startsWithUnit reports text that makes the number before it a date, time
// or count ("12月5日敬老院包饺子" is a title line, not entry 12).
func startsWithUnit(s string) bool {
	for _, u := range []string{"月", "日", "号", "点", "时", "年", "个", "人", "位", "名", "/", "-", "~"} {
		if strings.HasPrefix(s, u) {
			return true
		}
	}
	return false
}

// importEntries turns one numbered line into its entries — usually one,
// several when names are listed together ("1. 张三、李四") — or none for a
// header, title, example or empty entry.
func importEntries(line string) []string {
	m := reEntry.FindStringSubmatch(line)
	if m == nil || m[3] == "" && m[2] == "" && startsWithUnit(m[4]) {
		return nil
	}
	// The mobile first: it may stand in brackets ("张三(138…)").
	phone, _, body := extractPhone(m[4])
	body = reRemark.ReplaceAllString(body, " ")
	var names []string
	for _, part := range strings.Split(body, ",") {
		if name := entryName(part); name != "" {
			names = append(names, name)
		}
	}
	if len(names) > 1 {
		for _, n := range names {
			if !looksLikeName(n) {
				names = names[:1] // "张三, 3号楼" is one person
				break
			}
		}
	}
	if len(names) == 0 {
		if phone == "" {
			return nil
		}
		return []string{phone}
	}
	if phone != "" {
		names[0] += " " + phone
	}
	return names
}

// entryName finds the person's name in one part of an entry: the first word
// that looks like a name once building numbers and companions are cut,
// else the first word with Chinese in it, else the first word.
func entryName(part string) string {
	var words []string
	for _, t := range tokens(part) {
		t = strings.TrimLeft(reAddress.ReplaceAllString(t, ""), "-#")
		t = cutCompanions(t)
		if t != "" {
			words = append(words, normalizeName(t))
		}
	}
	// "王 五": a surname and a given name typed apart.
	if len(words) >= 2 && runeCount(words[0]) == 1 && allHan(words[0]) && allHan(words[1]) && runeCount(words[1]) <= 2 {
		words = append([]string{words[0] + words[1]}, words[2:]...)
	}
	for _, w := range words {
		if looksLikeName(w) && !looksLikeCommunity(w) {
			return w
		}
	}
	for _, w := range words {
		if containsHan(w) && !strings.ContainsAny(w, "0123456789") && !looksLikeCommunity(w) {
			return w
		}
	}
	if len(words) > 0 {
		return words[0]
	}
	return ""
}

// cutCompanions cuts a companion word, and anything after it, off a name.
func cutCompanions(t string) string {
	for _, c := range companions {
		if i := strings.Index(t, c); i > 0 {
			return trimGaps(t[:i])
		} else if i == 0 {
			return ""
		}
	}
	return t
}

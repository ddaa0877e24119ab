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

// ImportEntry is one person of a pasted 接龙 list as the envoy typed them:
// the name, empty when the line gives only a mobile, and the mobile as 11
// digits, empty when the line gives none. The two are never mixed: a name
// holds no digits, notes or community words.
type ImportEntry struct {
	Name  string
	Phone string
	// Companions is how many the person brings ("张三 +1", "（家属2人）"),
	// for a line that names one person.
	Companions int
}

// String writes the entry as Result.Names has always held it: the name,
// then " " and the mobile when both are given.
func (e ImportEntry) String() string {
	return strings.TrimSpace(e.Name + " " + e.Phone)
}

// ImportEntries reads the people of a 接龙 list from a whole chat message
// (its raw text, "导入 A12" and the pasted list), one entry per person, in
// the order of the list. Header, title and example lines are no people.
// The import handler calls it on the message's text: Result.Names holds
// each person as one string, which a handler should not take apart.
func ImportEntries(text string) []ImportEntry {
	// Every line is read: the command line is no person line, and a list
	// sent alone (completing an earlier "导入 A12") starts with a person.
	body, _ := stripPoliteness(Normalize(text))
	return listEntries(importLines(body))
}

// parseImport reads "导入 A12" and the 接龙 list on the lines after it. The
// activity code is looked for on the command line, else on a command line
// pasted after the list ("#接龙 … 导入 A12"). Names keeps its documented
// form, one ImportEntry.String per person (the held-out corpus and the
// JSON contract read it so); handlers use ImportEntries.
func parseImport(rest string, _ time.Time) (Result, bool) {
	r := Result{Intent: Import}
	lines := importLines(rest)
	r.Activity, _ = findCode(lines[0], activityLetter)
	if r.Activity == "" {
		r.Activity = trailingImportCode(lines[1:])
	}
	entries := listEntries(lines[1:])
	for _, e := range entries {
		r.Names = append(r.Names, e.String())
	}
	if r.Activity == "" {
		r.Missing = append(r.Missing, FieldActivity)
	}
	if len(entries) == 0 {
		r.Missing = append(r.Missing, FieldNames)
	}
	return r, true
}

// importLines splits a message into its command line and the lines of the
// list; entries typed on the command line ("导入 A12 1. 张三 2. 李四") are
// broken off it at their numbers.
func importLines(s string) []string {
	lines := strings.Split(s, "\n")
	return append(splitInlineList(lines[0]), lines[1:]...)
}

// listEntries reads the people of the lines of a list.
func listEntries(lines []string) []ImportEntry {
	var entries []ImportEntry
	for _, line := range lines {
		entries = append(entries, lineEntries(line)...)
	}
	return entries
}

// trailingImportCode finds the activity code on a line that is no person
// but the command, sent below the list ("导入 A12", or the code alone).
func trailingImportCode(lines []string) string {
	for _, line := range lines {
		if lineEntries(line) != nil {
			continue
		}
		code, rest := findCode(line, activityLetter)
		if code == "" {
			continue
		}
		if rest = trimGaps(rest); rest == "" || strings.Contains(rest, "导入") {
			return code
		}
	}
	return ""
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

// lineEntries turns one numbered line into its people — usually one,
// several when names are listed together ("1. 张三、李四") — or none for a
// header, title, example or empty entry.
func lineEntries(line string) []ImportEntry {
	m := reEntry.FindStringSubmatch(line)
	if m == nil || m[3] == "" && m[2] == "" && startsWithUnit(m[4]) {
		return nil
	}
	brought, _ := companionCount(m[4], true)
	// A remark goes, but a mobile may stand in brackets ("张三(138…)").
	body := reRemark.ReplaceAllStringFunc(m[4], func(remark string) string {
		if phone, _, _ := extractPhone(remark); phone != "" {
			return " " + phone + " "
		}
		return " "
	})
	var entries []ImportEntry
	phone, several := "", true
	for _, part := range strings.Split(body, ",") {
		p, _, rest := extractPhone(part)
		name, clean := entryName(rest)
		switch {
		case name != "":
			entries = append(entries, ImportEntry{Name: name, Phone: p})
			several = several && clean
		case p == "":
			continue
		case len(entries) > 0 && entries[len(entries)-1].Phone == "":
			entries[len(entries)-1].Phone = p // "张三, 138…"
		default:
			entries = append(entries, ImportEntry{Phone: p})
		}
		if phone == "" {
			phone = p
		}
	}
	if len(entries) > 1 && !several {
		// "张三, 3号楼" is one person, with the line's mobile.
		entries = []ImportEntry{{Name: entries[0].Name, Phone: firstNonEmpty(entries[0].Phone, phone)}}
	}
	if len(entries) == 1 {
		entries[0].Companions = brought
	}
	return entries
}

// entryName finds the person's name in one part of an entry: the first word
// that looks like a name once building numbers, companions and notes are
// cut (clean), else the first word with Chinese and no digits in it, else
// the first word up to its digits. A community word is never a name.
func entryName(part string) (name string, clean bool) {
	var words []string
	for _, t := range tokens(part) {
		t = strings.TrimLeft(reAddress.ReplaceAllString(t, ""), "-#")
		t = cutCommunity(withoutLabel(cutCompanions(t)))
		if t != "" && !isNote(t) {
			words = append(words, normalizeName(t))
		}
	}
	// "王 五": a surname and a given name typed apart.
	if len(words) >= 2 && runeCount(words[0]) == 1 && allHan(words[0]) && allHan(words[1]) && runeCount(words[1]) <= 2 {
		words = append([]string{words[0] + words[1]}, words[2:]...)
	}
	for _, w := range words {
		if looksLikeName(w) && !looksLikeCommunity(w) {
			return w, true
		}
	}
	for _, w := range words {
		if containsHan(w) && !strings.ContainsAny(w, "0123456789") && !looksLikeCommunity(w) {
			return w, false
		}
	}
	for _, w := range words {
		if i := strings.IndexAny(w, "0123456789"); i >= 0 {
			w = trimGaps(w[:i]) // "张三2人"
		}
		if w != "" && !looksLikeCommunity(w) {
			return w, false
		}
	}
	return "", false
}

// cutCompanions cuts a companion word, and anything after it, off a name;
// a word that is only a companion ("带孙子") is no name at all.
func cutCompanions(t string) string {
	for _, c := range companions {
		if i := strings.Index(t, c); i > 0 {
			return trimGaps(t[:i])
		} else if i == 0 {
			return ""
		}
	}
	// "马玉梅带孙子": whoever is brought along, after a name.
	if i := strings.Index(t, "带"); i == 0 {
		return ""
	} else if i > 0 && looksLikeName(t[:i]) {
		return t[:i]
	}
	return t
}

// withoutLabel cuts a label off a word ("姓名张三" → "张三"); a label
// alone ("电话") is no name.
func withoutLabel(t string) string {
	if _, ok := bareLabel(t); ok {
		return ""
	}
	_, t = cutLabel(t)
	return t
}

// cutCommunity cuts a community glued before a name ("古槐社区孙丽" →
// "孙丽").
func cutCommunity(t string) string {
	for _, s := range communitySuffixes {
		if i := strings.Index(t, s); i > 0 && looksLikeName(t[i+len(s):]) {
			return t[i+len(s):]
		}
	}
	return t
}

// isNote reports the words a 接龙 adds after a name that say something
// about the sign-up, not who: "已报", "已交费", "已到".
func isNote(t string) bool {
	return strings.HasPrefix(t, "已")
}

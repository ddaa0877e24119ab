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
	// turns 、 into a comma), "3 王五", "4)赵六".
	reEntry = regexp.MustCompile(`^\s*([0-9]{1,3})\s*([.,:)]?)\s*(.*)$`)
	// reRemark is a remark in brackets, closed or not: （带家属）, 【已交费.
	reRemark = regexp.MustCompile(`[(\[【〔<《][^)\]】〕>》]*[)\]】〕>》]?`)
)

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
		if e := importEntry(line); e != "" {
			r.Names = append(r.Names, e)
		}
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
var reInlineNumber = regexp.MustCompile(`(?:^|\s)[0-9]{1,3}[.,:)]`)

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

// importEntry turns one numbered line into an entry, or "" for a header,
// title, example or empty entry.
func importEntry(line string) string {
	m := reEntry.FindStringSubmatch(line)
	if m == nil || m[2] == "" && startsWithUnit(m[3]) {
		return ""
	}
	body := reRemark.ReplaceAllString(m[3], " ")
	phone, _, body := extractPhone(body)
	name := ""
	if ts := tokens(body); len(ts) > 0 {
		name = normalizeName(ts[0])
	}
	switch {
	case name != "" && phone != "":
		return name + " " + phone
	case name != "":
		return name
	}
	return phone
}

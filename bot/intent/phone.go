package intent

import (
	"regexp"
	"strings"
)

// digitRun matches a number as people type it: digit groups joined by one
// space or dash (138 1234 5678, 138-1234-5678, +86 138…), dashes of any width.
var digitRun = regexp.MustCompile(`\+?[0-9]+(?:[ \-.‐‑‒–—―−~_][0-9]+)*`)

// extractPhone finds the mainland mobile in s wherever it stands and returns
// it as 11 digits, with s minus the number. A number that looks like an
// attempt at a phone (7+ digits, or a group of 5+) but is not a valid mobile
// sets bad and is also removed; shorter numbers ("3号楼") stay in the text.
func extractPhone(s string) (phone string, bad bool, rest string) {
	locs := digitRun.FindAllStringIndex(s, -1)
	var b strings.Builder
	prev := 0
	for _, loc := range locs {
		groups := strings.FieldsFunc(s[loc[0]:loc[1]], func(r rune) bool { return r < '0' || r > '9' })
		total, longest := 0, 0
		for _, g := range groups {
			total += len(g)
			longest = max(longest, len(g))
		}
		if total < 7 && longest < 5 {
			continue
		}
		b.WriteString(s[prev:loc[0]])
		b.WriteByte(' ')
		prev = loc[1]
		if phone != "" {
			continue
		}
		if p, ok := phoneInGroups(groups); ok {
			phone = p
		} else {
			bad = true
		}
	}
	b.WriteString(s[prev:])
	return phone, bad && phone == "", b.String()
}

// phoneInGroups looks for consecutive digit groups that spell a mobile,
// so "13812345678 12" still yields the mobile.
func phoneInGroups(groups []string) (string, bool) {
	for i := range groups {
		d := ""
		for j := i; j < len(groups) && len(d) <= 15; j++ {
			d += groups[j]
			if p, ok := mobile(d); ok {
				return p, true
			}
		}
	}
	return "", false
}

// mobile validates a mainland mobile, dropping a 86 or 0086 country prefix.
func mobile(d string) (string, bool) {
	switch {
	case len(d) == 13 && strings.HasPrefix(d, "86"):
		d = d[2:]
	case len(d) == 15 && strings.HasPrefix(d, "0086"):
		d = d[4:]
	}
	if len(d) != 11 || d[0] != '1' || d[1] < '3' || d[1] > '9' {
		return "", false
	}
	return d, true
}

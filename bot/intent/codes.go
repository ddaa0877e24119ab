package intent

import (
	"strings"
	"unicode/utf8"
)

// Short codes name things in chat: A12 an activity, L3 a lecture, T3 a team.
// People type them lower-case, full-width (Normalize folds that), or split
// ("a 12", "A-12", "A#12"); findCode accepts all of these.
const (
	activityLetter = 'A'
	lectureLetter  = 'L'
	teamLetter     = 'T'
	makeupLetter   = 'B' // a make-up hours request (补录, issue 14)
)

// findCode finds the first code made of letter (either case), an optional
// space, dash or '#', and 1–6 digits, standing apart from other Latin letters
// and digits. It returns the code upper-cased and joined ("A12") and s with
// the code replaced by a space.
func findCode(s string, letter byte) (code, rest string) {
	lower := letter | 0x20
	for i := 0; i < len(s); i++ {
		if s[i] != letter && s[i] != lower {
			continue
		}
		if i > 0 && isASCIIAlnum(s[i-1]) {
			continue
		}
		j := i + 1
		if j < len(s) && (s[j] == ' ' || s[j] == '-' || s[j] == '#') {
			j++
		}
		k := j
		for k < len(s) && s[k] >= '0' && s[k] <= '9' {
			k++
		}
		if k == j || k-j > 6 || (k < len(s) && isASCIIAlnum(s[k])) {
			continue
		}
		return string(letter) + s[j:k], s[:i] + " " + s[k:]
	}
	return "", s
}

func isASCIIAlnum(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

// cnDigit holds the value of each Chinese numeral character; 十 and 百 are
// handled as multipliers by parseNumber.
var cnDigit = map[rune]int{
	'零': 0, '〇': 0, '一': 1, '二': 2, '两': 2, '三': 3, '四': 4,
	'五': 5, '六': 6, '七': 7, '八': 8, '九': 9,
}

// parseNumber reads a small number written in ASCII digits or Chinese
// numerals: 20, 二十, 十五, 两, 一百, 二零二六.
func parseNumber(s string) (int, bool) {
	if s == "" {
		return 0, false
	}
	if s[0] >= '0' && s[0] <= '9' {
		n := 0
		for i := 0; i < len(s); i++ {
			if s[i] < '0' || s[i] > '9' || n > 1e6 {
				return 0, false
			}
			n = n*10 + int(s[i]-'0')
		}
		return n, true
	}
	if !strings.ContainsAny(s, "十百") {
		n := 0
		for _, r := range s {
			d, ok := cnDigit[r]
			if !ok || n > 1e6 {
				return 0, false
			}
			n = n*10 + d
		}
		return n, true
	}
	total, cur := 0, -1
	for _, r := range s {
		switch r {
		case '百':
			total += max(cur, 1) * 100
			cur = -1
		case '十':
			total += max(cur, 1) * 10
			cur = -1
		default:
			d, ok := cnDigit[r]
			if !ok || cur >= 0 && d != 0 {
				return 0, false
			}
			if d != 0 {
				cur = d
			}
		}
	}
	return total + max(cur, 0), true
}

// cnNumberClass is the regexp class of a number as parseNumber reads it.
const cnNumberClass = `[0-9零〇一二两三四五六七八九十百]`

// tokens splits text into words at every gap (space, punctuation, line break).
func tokens(text string) []string {
	return strings.FieldsFunc(text, isGap)
}

// cutFillers removes, from the start of s, the longest word of the list that
// matches, as long as one does, and reports what is left.
func cutFillers(s string, words []string) string {
	s = trimGaps(s)
	for s != "" {
		best := ""
		for _, w := range words {
			if len(w) > len(best) && strings.HasPrefix(s, w) {
				best = w
			}
		}
		if best == "" {
			break
		}
		s = trimGaps(s[len(best):])
	}
	return s
}

// runeCount is utf8.RuneCountInString, shorter to read in conditions.
func runeCount(s string) int { return utf8.RuneCountInString(s) }

package store

import (
	"context"
	"sort"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// UnrecognisedMessage is one distinct chat text the parser did not
// understand, kept so that staff see what people type and the lexicon can
// grow. Its text is already masked (MaskUnrecognised, registered names
// removed); no OpenID or user id is kept with it.
type UnrecognisedMessage struct {
	ID    int64
	Text  string
	Count int
	// Role is the sender's role at the last occurrence.
	Role        Role
	FirstSeenAt time.Time
	LastSeenAt  time.Time
}

// UnrecognisedFilter selects texts last seen in [From, To); a zero end is
// open. Limit 0 means no limit.
type UnrecognisedFilter struct {
	From, To time.Time
	Limit    int
}

// UnrecognisedService keeps the texts the bot did not understand.
type UnrecognisedService interface {
	// RecordUnrecognised counts one occurrence of text (already masked)
	// sent by someone of role at: a new text gets a row, a repeat adds one
	// to its count and moves its last sighting (and the role with it)
	// when at is later. One statement, for the chat path.
	RecordUnrecognised(ctx context.Context, text string, role Role, at time.Time) error
	// ListUnrecognised returns the texts most frequent first, then the
	// most recently seen.
	ListUnrecognised(ctx context.Context, f UnrecognisedFilter) ([]*UnrecognisedMessage, error)
	// DeleteUnrecognised removes one text (handled by staff); ENOTFOUND
	// when there is no such row.
	DeleteUnrecognised(ctx context.Context, id int64) error
	// PruneUnrecognised removes the texts last seen before cutoff and
	// returns how many went.
	PruneUnrecognised(ctx context.Context, cutoff time.Time) (int64, error)
	// RegisteredNames returns those of candidates that are the real name
	// of a registered user (an index lookup, however many users there are).
	RegisteredNames(ctx context.Context, candidates []string) ([]string, error)
}

// UnrecognisedMaxRunes caps a kept text: enough for any command, short of
// a pasted essay.
const UnrecognisedMaxRunes = 200

// UnrecognisedRetention is how long an unrecognised text is kept after it
// was last seen; the daily prune removes older ones.
const UnrecognisedRetention = 90 * 24 * time.Hour

// NameMasked stands in a kept text for a registered user's name.
const NameMasked = "某某"

// Name candidates are 2 to nameMaxRunes letters (and the · of minority
// names); longer names are not looked for.
const (
	nameMinRunes = 2
	nameMaxRunes = 12
)

// MaskDigits hides the numbers in a chat text that could identify someone:
// a mainland mobile (13812345678, also typed 138 1234 5678 or
// 138-1234-5678) becomes 138****5678, an ID card number (15 digits, or 17
// and a check digit or X) keeps its first 3 and last 4 characters, and any
// other run of 7 or more digits (a landline, a mistyped mobile) keeps only
// its first 3 and last 2 (its last 4 when longer than 11). Shorter numbers
// (A12, 12月5日, 14:00) stay. The text should be normalised first, so that
// full-width digits are ASCII.
func MaskDigits(s string) string {
	runs := digitRuns(s)
	if len(runs) == 0 {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	last := 0
	for i := 0; i < len(runs); {
		// A mobile or ID typed in groups: runs joined by one space or dash.
		j, end, ok := i, i, false
		digits := runs[i].digits
		for j+1 < len(runs) && runs[j+1].start == runs[j].end+1 && isGroupSeparator(s[runs[j].end]) && len(digits) < 18 {
			j++
			digits += runs[j].digits
			if identifying(digits) {
				end, ok = j, true
			}
		}
		if !ok {
			end = i
			if len(runs[i].digits) < 7 {
				i++
				continue
			}
		}
		digits = ""
		for k := i; k <= end; k++ {
			digits += runs[k].digits
		}
		b.WriteString(s[last:runs[i].start])
		b.WriteString(maskNumber(digits))
		last = runs[end].end
		i = end + 1
	}
	b.WriteString(s[last:])
	return b.String()
}

// digitRun is a maximal run of ASCII digits in a text (with a trailing X of
// an 18-character ID card number), as byte offsets.
type digitRun struct {
	start, end int
	digits     string
}

func digitRuns(s string) []digitRun {
	var runs []digitRun
	for i := 0; i < len(s); {
		if !isDigit(s[i]) {
			i++
			continue
		}
		j := i
		for j < len(s) && isDigit(s[j]) {
			j++
		}
		if j-i == 17 && j < len(s) && (s[j] == 'X' || s[j] == 'x') {
			j++
		}
		runs = append(runs, digitRun{start: i, end: j, digits: s[i:j]})
		i = j
	}
	return runs
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func isGroupSeparator(c byte) bool { return c == ' ' || c == '-' }

// identifying reports whether digits, typed in groups, form a mobile or an
// ID card number.
func identifying(digits string) bool {
	switch len(digits) {
	case 11:
		return digits[0] == '1'
	case 15, 18:
		return true
	}
	return false
}

// maskNumber masks one number, keeping its length.
func maskNumber(d string) string {
	keepHead, keepTail := 3, 2
	if len(d) >= 11 {
		keepTail = 4
	}
	return d[:keepHead] + strings.Repeat("*", len(d)-keepHead-keepTail) + d[len(d)-keepTail:]
}

// TruncateRunes cuts s to at most n runes.
func TruncateRunes(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	i := 0
	for k := 0; k < n; k++ {
		_, size := utf8.DecodeRuneInString(s[i:])
		i += size
	}
	return s[:i]
}

// NameCandidates lists every distinct stretch of 2 to 12 letters (Han
// characters, letters, the · of minority names) in text: the strings that
// could be someone's name, to look up in the store. Digits, spaces and
// punctuation end a stretch, so a text of n runes gives at most about 11n.
func NameCandidates(text string) []string {
	rs := []rune(text)
	seen := map[string]bool{}
	var out []string
	for i := range rs {
		for j := i; j < len(rs) && j-i < nameMaxRunes && nameRune(rs[j]); j++ {
			if j-i+1 < nameMinRunes {
				continue
			}
			c := string(rs[i : j+1])
			if !seen[c] {
				seen[c] = true
				out = append(out, c)
			}
		}
	}
	return out
}

func nameRune(r rune) bool { return unicode.IsLetter(r) || r == '·' || r == '•' }

// RemoveNames replaces every occurrence of the names in text by
// NameMasked, longer names first (张三丰 before 张三).
func RemoveNames(text string, names []string) string {
	if len(names) == 0 {
		return text
	}
	sorted := append([]string(nil), names...)
	sort.SliceStable(sorted, func(i, j int) bool { return utf8.RuneCountInString(sorted[i]) > utf8.RuneCountInString(sorted[j]) })
	pairs := make([]string, 0, 2*len(sorted))
	for _, n := range sorted {
		if utf8.RuneCountInString(n) >= nameMinRunes {
			pairs = append(pairs, n, NameMasked)
		}
	}
	return strings.NewReplacer(pairs...).Replace(text)
}

// MaskUnrecognised is the text kept of a message the bot did not
// understand (the caller normalises it first): numbers masked
// (MaskDigits), the names of registered users replaced by NameMasked, at
// most UnrecognisedMaxRunes runes. registeredNames says which candidates
// are names of registered users (UnrecognisedService.RegisteredNames); it
// sees the candidates of the text's first UnrecognisedMaxRunes+12 runes
// only, so its cost is bounded whatever was sent.
func MaskUnrecognised(text string, registeredNames func(candidates []string) ([]string, error)) (string, error) {
	text = MaskDigits(strings.TrimSpace(text))
	text = TruncateRunes(text, UnrecognisedMaxRunes+nameMaxRunes)
	names, err := registeredNames(NameCandidates(text))
	if err != nil {
		return "", err
	}
	return strings.TrimSpace(TruncateRunes(RemoveNames(text, names), UnrecognisedMaxRunes)), nil
}

package store

import (
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Communities are a known list (the campaign's linked communities, those
// envoys serve and those admins add); what users type is matched against
// it tolerantly, so that 古槐, 古槐社区居委会 and the typo 古淮社区 all
// mean 古槐社区, and an unknown name is answered with suggestions instead
// of becoming a community nobody serves.

// MaxCommunityName is the longest community name, in characters.
const MaxCommunityName = 30

// maxSuggestions is how many communities an unknown name is answered with.
const maxSuggestions = 3

// communitySuffix ends most community names; 古槐 means 古槐社区.
const communitySuffix = "社区"

// officeSuffixes are the offices users write after a community's name, and
// what is left of the name without them: 古槐社区居委会 is 古槐社区,
// 王庄村委会 is 王庄村.
var officeSuffixes = []struct{ suffix, keep string }{
	{"社区居民委员会", "社区"},
	{"社区服务中心", "社区"},
	{"村民委员会", "村"},
	{"居民委员会", ""},
	{"居委会", ""},
	{"村委会", "村"},
}

// CleanCommunityName is a name as it is stored: full-width letters and
// digits folded to half-width, spaces removed, quotes and punctuation
// around it dropped.
func CleanCommunityName(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r >= '！' && r <= '～':
			r -= 0xFEE0
		case unicode.IsSpace(r):
			continue
		}
		b.WriteRune(r)
	}
	return strings.TrimFunc(b.String(), func(r rune) bool { return unicode.IsPunct(r) || unicode.IsSymbol(r) })
}

// CommunityName is the community words name, as it is stored when an
// envoy adds it: cleaned, the office after the name (居委会, 社区服务中心,
// …) removed.
func CommunityName(words string) string {
	k := CleanCommunityName(words)
	for trimmed := true; trimmed; {
		trimmed = false
		for _, o := range officeSuffixes {
			if rest, ok := strings.CutSuffix(k, o.suffix); ok && rest != "" {
				k, trimmed = rest+o.keep, true
				break
			}
		}
	}
	return k
}

// CommunityKey is the form two names are compared in: CommunityName with
// letters in lower case. Two communities with one key are the same
// community.
func CommunityKey(s string) string {
	return strings.ToLower(CommunityName(s))
}

// communityStem is a key without the 社区 that ends it: 古槐 for 古槐社区.
func communityStem(key string) string {
	if rest, ok := strings.CutSuffix(key, communitySuffix); ok && rest != "" {
		return rest
	}
	return key
}

// ValidateCommunityName checks a community name an admin or envoy adds:
// present and at most MaxCommunityName characters once cleaned.
func ValidateCommunityName(name string) error {
	name = CleanCommunityName(name)
	switch {
	case name == "":
		return Errorf(EINVALID, "community name is required")
	case utf8.RuneCountInString(name) > MaxCommunityName:
		return Errorf(EINVALID, "community name is longer than %d characters", MaxCommunityName)
	}
	return nil
}

// CommunityMatch is what typed words were matched to.
type CommunityMatch struct {
	// Name is the known community the words mean, "" when none or when
	// two are equally likely.
	Name string
	// Exact is true when the words were the name (less spaces, width and
	// the office after it).
	Exact bool
	// Suggestions are up to three known communities the words may have
	// meant, closest first, when Name is "".
	Suggestions []string
	// Ambiguous is true when the words fit two communities equally well:
	// the Suggestions are those, not merely names alike.
	Ambiguous bool
}

// MatchCommunity matches words against the known community names, in
// order: the same key; the key without 社区 (古槐); a known name inside the
// words (任城区古槐社区), the longest winning; a known name starting with
// or containing the words (观音 → 观音阁社区); one character off
// (古淮社区). A step that finds two candidates stops with them as the
// suggestions: an ambiguous match is never a silent pick. Words matching
// nothing get the closest names by edit distance, then by shared
// characters.
func MatchCommunity(words string, known []string) CommunityMatch {
	key := CommunityKey(words)
	if key == "" || key == communitySuffix {
		return CommunityMatch{} // no name in the words
	}
	stem := communityStem(key)
	type candidate struct{ name, key, stem string }
	cands := make([]candidate, 0, len(known))
	for _, name := range known {
		k := CommunityKey(name)
		if k != "" {
			cands = append(cands, candidate{name, k, communityStem(k)})
		}
	}
	steps := []func(c candidate) bool{
		func(c candidate) bool { return c.key == key },
		func(c candidate) bool { return c.stem == stem },
		nil, // the longest known name inside the words, below
		func(c candidate) bool { return long(stem) && strings.HasPrefix(c.key, stem) },
		func(c candidate) bool { return long(stem) && strings.Contains(c.key, stem) },
		func(c candidate) bool {
			return utf8.RuneCountInString(key) >= 4 && editDistance(key, c.key) == 1 ||
				utf8.RuneCountInString(stem) >= 3 && utf8.RuneCountInString(c.stem) >= 3 && editDistance(stem, c.stem) == 1
		},
	}
	for i, step := range steps {
		var found []string
		if step == nil {
			found = longestInside(key, cands, func(c candidate) (string, string) { return c.name, c.key })
		} else {
			for _, c := range cands {
				if step(c) {
					found = append(found, c.name)
				}
			}
		}
		switch {
		case len(found) == 1:
			return CommunityMatch{Name: found[0], Exact: i == 0}
		case len(found) > 1:
			slices.Sort(found)
			return CommunityMatch{Suggestions: found[:min(len(found), maxSuggestions)], Ambiguous: true}
		}
	}
	type scored struct {
		name           string
		distance, with int
	}
	var near []scored
	for _, c := range cands {
		if shared := sharedRunes(stem, c.stem); shared > 0 {
			near = append(near, scored{c.name, editDistance(stem, c.stem), shared})
		}
	}
	slices.SortFunc(near, func(a, b scored) int {
		switch {
		case a.distance != b.distance:
			return a.distance - b.distance
		case a.with != b.with:
			return b.with - a.with
		}
		return strings.Compare(a.name, b.name)
	})
	m := CommunityMatch{}
	for _, s := range near[:min(len(near), maxSuggestions)] {
		m.Suggestions = append(m.Suggestions, s.name)
	}
	return m
}

// CommunityInPlace is the known community a place is in: the longest known
// name that the place starts with or contains (古槐社区敬老院 → 古槐社区),
// "" when none is.
func CommunityInPlace(place string, known []string) string {
	place = strings.ToLower(CleanCommunityName(place))
	found := longestInside(place, known, func(name string) (string, string) {
		return name, strings.ToLower(CleanCommunityName(name))
	})
	if len(found) != 1 {
		return ""
	}
	return found[0]
}

// longestInside returns the candidates whose form (of key) is inside s
// and longest of those inside; more than one when they tie.
func longestInside[C any](s string, cands []C, key func(C) (name, form string)) []string {
	var found []string
	best := 0
	for _, c := range cands {
		name, form := key(c)
		n := utf8.RuneCountInString(form)
		if n < 2 || n < best || !strings.Contains(s, form) {
			continue
		}
		if n > best {
			found, best = nil, n
		}
		found = append(found, name)
	}
	return found
}

// long reports whether typed words are long enough (two characters) to
// be looked for inside names: one character would pick at random.
func long(s string) bool { return utf8.RuneCountInString(s) >= 2 }

// editDistance is the Levenshtein distance of a and b, in characters.
func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}

// sharedRunes counts the distinct characters of a that b has.
func sharedRunes(a, b string) int {
	n := 0
	seen := map[rune]bool{}
	for _, r := range a {
		if !seen[r] && strings.ContainsRune(b, r) {
			n++
		}
		seen[r] = true
	}
	return n
}

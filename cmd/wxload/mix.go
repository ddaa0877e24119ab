package main

import (
	"fmt"
	"math/rand/v2"
	"sort"
	"strconv"
	"strings"
)

// Kinds of message in the mix, as users type them.
var kindTexts = map[string]func(activity string) string{
	"help":     func(string) string { return "帮助" },
	"signup":   func(a string) string { return "报名 " + a },
	"checkin":  func(a string) string { return "签到 " + a },
	"my_hours": func(string) string { return "我的时长" },
	"lectures": func(string) string { return "讲座" },
}

// needsActivity are the kinds that name an activity.
var needsActivity = map[string]bool{"signup": true, "checkin": true}

func kindList() string {
	names := make([]string, 0, len(kindTexts))
	for k := range kindTexts {
		names = append(names, k)
	}
	sort.Strings(names)
	return strings.Join(names, ", ")
}

// weight is one kind of message and its share of the mix.
type weight struct {
	Kind   string
	Weight int
}

// parseMix reads "help=2,signup=1": kinds and integer weights.
func parseMix(s string) ([]weight, error) {
	var ws []weight
	seen := map[string]bool{}
	for part := range strings.SplitSeq(s, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		kind, num, ok := strings.Cut(part, "=")
		w := 1
		if ok {
			n, err := strconv.Atoi(strings.TrimSpace(num))
			if err != nil || n < 0 {
				return nil, fmt.Errorf("weight of %q: want a whole number, got %q", kind, num)
			}
			w = n
		}
		kind = strings.TrimSpace(kind)
		if kindTexts[kind] == nil {
			return nil, fmt.Errorf("unknown kind %q (known: %s)", kind, kindList())
		}
		if seen[kind] {
			return nil, fmt.Errorf("kind %q twice", kind)
		}
		seen[kind] = true
		if w > 0 {
			ws = append(ws, weight{kind, w})
		}
	}
	if len(ws) == 0 {
		return nil, fmt.Errorf("no kind with a positive weight")
	}
	return ws, nil
}

// without drops the kinds that need an activity, returning what was dropped.
func without(ws []weight, drop map[string]bool) (kept []weight, dropped []string) {
	for _, w := range ws {
		if drop[w.Kind] {
			dropped = append(dropped, w.Kind)
			continue
		}
		kept = append(kept, w)
	}
	return kept, dropped
}

// picker draws kinds by weight.
type picker struct {
	ws    []weight
	total int
}

func newPicker(ws []weight) picker {
	p := picker{ws: ws}
	for _, w := range ws {
		p.total += w.Weight
	}
	return p
}

func (p picker) pick(r *rand.Rand) string {
	n := r.IntN(p.total)
	for _, w := range p.ws {
		if n < w.Weight {
			return w.Kind
		}
		n -= w.Weight
	}
	return p.ws[len(p.ws)-1].Kind
}

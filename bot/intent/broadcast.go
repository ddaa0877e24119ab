package intent

import (
	"strings"
	"time"
)

// parseBroadcast reads "群发 [社区] 内容": a first word ending in 社区 names
// the community, the rest is the text (Description).
func parseBroadcast(rest string, _ time.Time) (Result, bool) {
	r := Result{Intent: Broadcast}
	rest = strings.TrimSpace(rest)
	if first, after, ok := strings.Cut(rest, " "); ok && strings.HasSuffix(first, "社区") {
		r.Community, rest = first, strings.TrimSpace(after)
	}
	r.Description = rest
	if rest == "" {
		r.Missing = []string{"text"}
	}
	return r, true
}

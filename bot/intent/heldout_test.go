package intent

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"reflect"
	"sort"
	"strings"
	"testing"
	"time"
)

// heldoutFloor is the share of the first corpus the parser must read
// right, so that a change can raise it but never lower it. It read 303/525
// when the corpus landed, before any change for it; the lexicon was then
// built from its misses, so it is a regression check now, no longer held
// out.
const heldoutFloor = 0.99

// heldoutCase is one line of testdata/heldout/messages.jsonl, written
// before the parser ever ran on it (see the README there).
type heldoutCase struct {
	ID   string         `json:"id"`
	Now  string         `json:"now"`
	Text string         `json:"text"`
	Want map[string]any `json:"want"`
}

// derivedFields are what a parse may carry beyond the corpus's want: the
// sessions and the structural rule a recurring lecture's description
// implies.
var derivedFields = map[string]bool{"occurrences": true, "recurrence": true}

// TestHeldOutCorpus scores the parser on the held-out corpus: a message is
// right when its intent and every field equal the expectation and no other
// field was filled (a date, time or place the text does not contain is a
// wrong guess). It logs the accuracy per intent and the misses, and fails
// when the overall accuracy falls below heldoutFloor.
func TestHeldOutCorpus(t *testing.T) {
	scoreCorpus(t, "testdata/heldout/messages.jsonl", heldoutFloor, 400)
}

// TestHeldOutCorpus2 scores the second corpus, written after the parser
// was restructured for the first, by a writer who saw neither.
func TestHeldOutCorpus2(t *testing.T) {
	scoreCorpus(t, "testdata/heldout2/messages.jsonl", heldout2Floor, 200)
}

// TestHeldOutCorpus3 scores the third corpus, written from docs/CHAT.md
// once the parser was done, and run on it once before any change.
func TestHeldOutCorpus3(t *testing.T) {
	scoreCorpus(t, "testdata/heldout3/messages.jsonl", heldout3Floor, 200)
}

// TestHeldOutCorpus4 scores the fourth corpus, written from docs/CHAT.md
// to be hard for a keyword parser, and run on it once before any change.
func TestHeldOutCorpus4(t *testing.T) {
	scoreCorpus(t, "testdata/heldout4/messages.jsonl", heldout4Floor, 150)
}

// heldout4Floor is the floor for the fourth corpus. It read 159/180
// (88.3%) on its first run; its misses were then fixed by generalising
// (how-to questions as the command's form, known communities inside
// sentences, 取消活动 anywhere), 179/180.
const heldout4Floor = 0.99

// heldout3Floor is the floor for the third corpus. It read 188/200 (94.0%)
// on its first run; its misses were then fixed by generalising, 199/200.
const heldout3Floor = 0.99

// heldout2Floor is the floor for the second corpus. It read 232/260
// (89.2%) when it landed, before any change for it; misses were then fixed
// by generalising (sound-alike characters, frames, clauses), 259/260.
const heldout2Floor = 0.99

func scoreCorpus(t *testing.T, path string, floor float64, least int) {
	cases := readHeldout(t, path, least)
	type tally struct{ right, all int }
	byIntent := map[string]*tally{}
	var misses []string
	right := 0
	for _, c := range cases {
		now, err := time.Parse(time.RFC3339, c.Now)
		if err != nil {
			t.Fatalf("%s: now: %v", c.ID, err)
		}
		got := parseFields(t, Parse(c.Text, now))
		intent, _ := c.Want["intent"].(string)
		if byIntent[intent] == nil {
			byIntent[intent] = &tally{}
		}
		byIntent[intent].all++
		if diff := fieldDiff(c.Want, got); diff != "" {
			misses = append(misses, fmt.Sprintf("%s %q: %s", c.ID, c.Text, diff))
			continue
		}
		byIntent[intent].right++
		right++
	}
	names := make([]string, 0, len(byIntent))
	for name := range byIntent {
		names = append(names, name)
	}
	sort.Strings(names)
	var report strings.Builder
	for _, name := range names {
		n := byIntent[name]
		fmt.Fprintf(&report, "\n  %-17s %3d/%3d  %5.1f%%", name, n.right, n.all, 100*float64(n.right)/float64(n.all))
	}
	accuracy := float64(right) / float64(len(cases))
	t.Logf("held-out accuracy %d/%d = %.1f%%, by intent:%s", right, len(cases), 100*accuracy, report.String())
	if testing.Verbose() {
		t.Logf("misses:\n%s", strings.Join(misses, "\n"))
	}
	if accuracy < floor {
		t.Errorf("held-out accuracy %.1f%% fell below the floor %.1f%%", 100*accuracy, 100*floor)
	}
}

// readHeldout reads the corpus, one JSON object a line.
func readHeldout(t *testing.T, path string, least int) []heldoutCase {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var cases []heldoutCase
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		if strings.TrimSpace(sc.Text()) == "" {
			continue
		}
		var c heldoutCase
		if err := json.Unmarshal(sc.Bytes(), &c); err != nil {
			t.Fatalf("%s line %d: %v", path, len(cases)+1, err)
		}
		cases = append(cases, c)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if len(cases) < least {
		t.Fatalf("%s has %d messages, want at least %d", path, len(cases), least)
	}
	return cases
}

// parseFields is a parse as the corpus writes it: its JSON fields.
func parseFields(t *testing.T, r Result) map[string]any {
	t.Helper()
	b, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

// fieldDiff says how got differs from want, "" when it does not. Lists
// compare as sets of strings in order; numbers as numbers.
func fieldDiff(want, got map[string]any) string {
	var diffs []string
	for k, w := range want {
		if !reflect.DeepEqual(normaliseField(w), normaliseField(got[k])) {
			diffs = append(diffs, fmt.Sprintf("%s: want %v, got %v", k, w, got[k]))
		}
	}
	for k, g := range got {
		if _, ok := want[k]; !ok && !derivedFields[k] {
			diffs = append(diffs, fmt.Sprintf("%s: not in the text, got %v", k, g))
		}
	}
	sort.Strings(diffs)
	return strings.Join(diffs, "; ")
}

// normaliseField makes JSON values comparable: nil for absent or empty.
func normaliseField(v any) any {
	switch x := v.(type) {
	case []any:
		if len(x) == 0 {
			return nil
		}
	case string:
		if x == "" {
			return nil
		}
	}
	return v
}

// TestHeldOutCorpus5 scores the fifth corpus: help requests, 代办, 接单,
// ratings, companions and points, written from docs/CHAT.md by a session
// that had not read the parser, and run on it once before any change.
func TestHeldOutCorpus5(t *testing.T) {
	scoreCorpus(t, "testdata/heldout5/messages.jsonl", heldout5Floor, 80)
}

// heldout5Floor is the floor for the fifth corpus. It read 54/90 (60.0%)
// on its first run (at d992205); its misses were then fixed by
// generalising (requests said inside a sentence, who-I-am clauses around
// the community, a clock as the wished time, 今晚/明早, vague days kept as
// said, names of old neighbours inside phrases, take/rate with the code
// first, star-level questions, 俩/仨 as counts), 90/90.
const heldout5Floor = 0.95

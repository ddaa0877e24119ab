// Package intent turns one chat message into an intent with its fields.
//
// Users type on phones, sloppily: full-width characters, Chinese punctuation,
// politeness around the command, fields in any order. Parse tolerates all of
// that and never fails; what it cannot understand becomes Unknown, and what it
// half understands carries Missing or Problem so that the reply can show the
// closest valid form.
package intent

import (
	"sort"
	"time"
)

// Intent names. They are the "intent" values of a Result and the keys the
// router dispatches on, so they are part of the JSON contract.
const (
	Help            = "help"
	Register        = "register"
	Signup          = "signup"
	Cancel          = "cancel"
	MySignups       = "my_signups"
	Checkin         = "checkin"
	Checkout        = "checkout"
	MyHours         = "my_hours"
	Lectures        = "lectures"
	Subscribe       = "subscribe"
	Unsubscribe     = "unsubscribe"
	Activities      = "activities"
	Bind            = "bind"
	ContactPoint    = "contact_point"
	TeamCreate      = "team_create"
	TeamJoin        = "team_join"
	PublishActivity = "publish_activity"
	PublishLecture  = "publish_lecture"
	ActivityCheckin = "activity_checkin"
	ConfirmHours    = "confirm_hours"
	Brand           = "brand"
	Import          = "import"
	Progress        = "progress"
	CancelLecture   = "cancel_lecture"
	DeleteAccount   = "delete_account"
	Unknown         = "unknown"
)

// All lists every intent name, so that callers (router, tests, fuzzing) can
// check that each one is handled. Treat it as read-only.
var All = []string{
	Help, Register, Signup, Cancel, MySignups, Checkin, Checkout, MyHours,
	Lectures, Subscribe, Unsubscribe, Activities, Bind, ContactPoint,
	TeamCreate, TeamJoin, PublishActivity, PublishLecture, ActivityCheckin,
	ConfirmHours, Brand, Import, Progress, CancelLecture, DeleteAccount,
	Unknown,
}

// Field names used in Result.Missing; they equal the JSON names of the fields.
const (
	FieldName      = "name"
	FieldPhone     = "phone"
	FieldCommunity = "community"
)

// ProblemBadPhone marks a mobile number that is present but not a valid
// mainland mobile (11 digits starting 1[3-9]); the raw value is not kept.
const ProblemBadPhone = "bad_phone"

// Result is the parse of one message. The JSON shape is fixed:
// {"intent": "...", ...flat fields}, empty fields omitted. (It cannot be
// named Parse, which is the function.)
type Result struct {
	Intent      string   `json:"intent"`
	Activity    string   `json:"activity,omitempty"`
	Name        string   `json:"name,omitempty"`
	Phone       string   `json:"phone,omitempty"`
	Community   string   `json:"community,omitempty"`
	Code        string   `json:"code,omitempty"`
	Team        string   `json:"team,omitempty"`
	Title       string   `json:"title,omitempty"`
	Start       string   `json:"start,omitempty"` // RFC3339 in Asia/Shanghai
	End         string   `json:"end,omitempty"`
	Place       string   `json:"place,omitempty"`
	Category    string   `json:"category,omitempty"`
	Quota       int      `json:"quota,omitempty"`
	Occurrences []string `json:"occurrences,omitempty"`
	Description string   `json:"description,omitempty"`
	Names       []string `json:"names,omitempty"`
	Missing     []string `json:"missing,omitempty"` // field names a half-understood command lacks, e.g. ["phone"]
	Problem     string   `json:"problem,omitempty"` // machine-readable reason when a field is present but wrong, e.g. "bad_phone"
}

// command is one row of the keyword table: the words that start the command
// and the parser for what follows them. A parser returns false to decline
// (the keyword was a coincidence), and matching goes on.
type command struct {
	keywords []string
	parse    func(rest string, now time.Time) (Result, bool)
}

// commands is the keyword table. Adding an intent means adding a row.
var commands = []command{
	{keywords: helpKeywords, parse: parseHelp},
	{keywords: registerKeywords, parse: parseRegister},
}

// keywordEntry pairs one keyword with its command; entries are kept longest
// first so that "取消报名" wins over a later "取消".
type keywordEntry struct {
	keyword string
	cmd     *command
}

var keywordIndex = buildKeywordIndex(commands)

func buildKeywordIndex(cmds []command) []keywordEntry {
	var idx []keywordEntry
	for i := range cmds {
		for _, k := range cmds[i].keywords {
			idx = append(idx, keywordEntry{keyword: k, cmd: &cmds[i]})
		}
	}
	sort.SliceStable(idx, func(a, b int) bool { return len(idx[a].keyword) > len(idx[b].keyword) })
	return idx
}

// Parse turns one chat message into a Result. It never panics and always
// returns one of All as Intent. now anchors relative dates ("明天下午3点").
func Parse(text string, now time.Time) Result {
	body := Normalize(text)
	if isQuestionMarks(body) {
		return Result{Intent: Help}
	}
	body, greeted := stripPoliteness(body)
	if body == "" {
		if greeted {
			return Result{Intent: Help}
		}
		return Result{Intent: Unknown}
	}
	for _, e := range keywordIndex {
		rest, ok := cutKeyword(body, e.keyword)
		if !ok {
			continue
		}
		if r, ok := e.cmd.parse(rest, now); ok {
			return r
		}
	}
	return Result{Intent: Unknown}
}

// isQuestionMarks reports a message made only of question marks: the
// universal "what can I do here?".
func isQuestionMarks(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if r != '?' && r != ' ' {
			return false
		}
	}
	return true
}

package handlers

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"envoybot/bot"
	"envoybot/bot/intent"
	"envoybot/store"
)

// A draft is a 发布活动 or 发布讲座 that lacks a date, a time, a title or a
// place, or whose time cannot be: the bot asks for exactly that and keeps
// what was typed, so that the envoy's next message completes it instead of
// the bot guessing. Drafts live in the shared cache (every replica sees
// them) for draftTTL, one per envoy; volunteers never have one, so their
// messages are never read as a continuation.

// draftTTL is how long an unfinished publish waits for the rest.
const draftTTL = 10 * time.Minute

// maxDraftBytes bounds the text a draft accumulates.
const maxDraftBytes = 1200

// draftCancelKey is the route of 取消/算了/不发了 while a draft is open.
const draftCancelKey = "draft:cancel"

// draft is what the cache keeps for an envoy's unfinished publish.
type draft struct {
	Intent  string    `json:"intent"`
	Text    string    `json:"text"`              // everything typed so far, the command word first
	Missing []string  `json:"missing,omitempty"` // what the last question asked for
	Until   time.Time `json:"until"`             // the clock the handlers run on may not be the cache's
	// PublishedBy is the dedup key of the message that completed and
	// published the draft (draftPublished); such a draft is open to a
	// retry of that message only.
	PublishedBy string `json:"published_by,omitempty"`
}

func draftKey(userID int64) string { return "draft:" + strconv.FormatInt(userID, 10) }

// draftCancelWords are whole messages that drop an open draft.
var draftCancelWords = map[string]bool{
	"取消": true, "算了": true, "不发了": true, "取消发布": true, "不发布了": true, "不要了": true,
	"放弃": true, "作废": true, "撤销": true, "不用了": true, "先不发了": true, "那算了": true,
}

// isDraftCancel reports a message that only says "never mind".
func isDraftCancel(text string) bool {
	return draftCancelWords[strings.Trim(text, " \t\r\n,.!?~，。！？、…")]
}

// resumeDraft decides whether an envoy's text message continues an open
// draft. When it does, req.Parse becomes the parse of the whole draft with
// the message appended, and the returned route key is the draft's intent
// (or draftCancelKey for 取消); "" leaves the message to its own route.
// A message that is a command of its own (recognised, nothing missing) is
// that command and the draft waits; the exception is a list query such as
// "法律知识讲座" (read as 讲座 …) while the draft lacks its title.
func (h *Handlers) resumeDraft(ctx context.Context, req *Request) string {
	if h.cache == nil || req.User == nil {
		return ""
	}
	heard := req.Msg.Kind == bot.KindVoice && strings.TrimSpace(req.Msg.Text) != ""
	if req.Msg.Kind != bot.KindText && !heard {
		return ""
	}
	p := req.Parse
	if p.Intent == intent.PublishActivity || p.Intent == intent.PublishLecture || isRequestIntent(p.Intent) {
		return "" // a new publish or request replaces the draft
	}
	envoy := req.User.Role == store.RoleEnvoy
	if !envoy && p.Intent != intent.Unknown && len(p.Missing) == 0 {
		// Anyone may have a 求助 draft; a command of its own is that
		// command, so the draft is looked up only for what may answer it
		// (and 取消), sparing a cache round trip on every message.
		return ""
	}
	d := h.loadDraft(ctx, req.User.ID, req.Now)
	if d == nil || (!envoy && !isRequestIntent(d.Intent)) {
		return ""
	}
	if d.PublishedBy != "" {
		if d.PublishedBy != bot.MessageKey(ctx) {
			return "" // published: no draft is open
		}
		// A retry of the message that published the draft is that publish
		// again, read as it was; the store returns what it made.
		req.Parse = intent.Parse(d.Text, req.Now.In(h.loc))
		req.draft = d
		return d.Intent
	}
	if isDraftCancel(req.Msg.Text) {
		req.draft = d
		return draftCancelKey
	}
	if p.Intent != intent.Unknown && len(p.Missing) == 0 {
		listQuery := p.Intent == intent.Lectures || p.Intent == intent.Activities
		if !listQuery || !slices.Contains(d.Missing, intent.FieldTitle) {
			return ""
		}
	}
	text, whole := h.continued(d, strings.TrimSpace(req.Msg.Text), req.Now)
	if whole.Intent != d.Intent {
		return ""
	}
	req.Parse = whole
	req.draft = &draft{Intent: d.Intent, Text: text, Missing: d.Missing}
	return d.Intent
}

// continued is the draft with msg appended, and its parse. When msg gives
// a whole date and time by itself, it replaces whatever partial time the
// draft held ("14:00" then "12月6日 14:00-16:00"), so that the old time is
// neither read first nor left over as words.
func (h *Handlers) continued(d *draft, msg string, now time.Time) (string, intent.Result) {
	at := now.In(h.loc)
	if isRequestIntent(d.Intent) {
		text := d.Text + " " + msg
		return text, intent.Parse(text, at)
	}
	msg = labelAnswer(d, msg)
	text := d.Text + " " + msg
	whole := intent.Parse(text, at)
	if slices.Contains(d.Missing, intent.FieldStart) || whole.Problem != "" || whole.Description != "" {
		before := intent.Parse(d.Text, at)
		alt := withoutTime(before, kindOf(d.Intent)) + " " + msg
		if p := intent.Parse(alt, at); p.Intent == d.Intent && p.Start != "" && p.Problem == "" {
			return alt, p
		}
	}
	return text, whole
}

// Labels the parser reads before a title or a place, and what marks a
// message as carrying a date or time.
var (
	reAnswerSeparators = regexp.MustCompile(`[\s，,、；;]+`)
	reTimeLike         = regexp.MustCompile(`[0-9０-９]|[一二三四五六七八九十两]\s*[月日号点时]|今天|明天|后天|周[一二三四五六日天末]|星期|礼拜|每[天日周月]|上午|下午|中午|晚上|早上`)
)

// labelAnswer marks the answer to "还差名称" or "还差地点" as such, so that
// its word is not taken for whatever the parser reads first: the draft's
// place seen by its shape would otherwise become the title. A message that
// carries a date or time is left as it is.
func labelAnswer(d *draft, msg string) string {
	words := reAnswerSeparators.Split(strings.TrimSpace(msg), -1)
	if len(words) == 0 || words[0] == "" || reTimeLike.MatchString(words[0]) {
		return msg
	}
	switch {
	case slices.Contains(d.Missing, intent.FieldTitle):
		return "名称 " + msg
	case slices.Contains(d.Missing, intent.FieldPlace) && len(words) == 1:
		return "地点 " + msg
	}
	return msg
}

// loadDraft returns the user's open draft, nil when none is open at now.
func (h *Handlers) loadDraft(ctx context.Context, userID int64, now time.Time) *draft {
	raw, ok, err := h.cache.Get(ctx, draftKey(userID))
	if err != nil {
		h.log.WarnContext(ctx, "draft lookup failed", slog.Int64("user", userID), slog.Any("error", err))
		return nil
	}
	if !ok {
		return nil
	}
	var d draft
	if err := json.Unmarshal([]byte(raw), &d); err != nil || d.Intent == "" || !now.Before(d.Until) {
		return nil
	}
	return &d
}

// keepDraft stores the draft for draftTTL and reports whether it could.
func (h *Handlers) keepDraft(ctx context.Context, req *Request, d draft) bool {
	if h.cache == nil || len(d.Text) > maxDraftBytes {
		return false
	}
	d.Until = req.Now.Add(draftTTL)
	raw, err := json.Marshal(d)
	if err == nil {
		err = h.cache.Set(ctx, draftKey(req.User.ID), string(raw), draftTTL)
	}
	if err != nil {
		h.log.WarnContext(ctx, "draft not kept", slog.Int64("user", req.User.ID), slog.Any("error", err))
		return false
	}
	return true
}

// dropDraft forgets the user's draft, once published or cancelled.
func (h *Handlers) dropDraft(ctx context.Context, req *Request) {
	if h.cache == nil || req.User == nil {
		return
	}
	if err := h.cache.Delete(ctx, draftKey(req.User.ID)); err != nil {
		h.log.WarnContext(ctx, "draft not dropped", slog.Int64("user", req.User.ID), slog.Any("error", err))
	}
}

// publishedDraftTTL is how long a published draft answers a retry of the
// message that published it: as long as WeChat retries a message, with
// minutes to spare.
const publishedDraftTTL = store.ProcessedReplyRetention

// draftPublished ends the draft once its publish is made. A draft that
// the message completed stays, marked with the message's dedup key, for
// publishedDraftTTL: should the replica die before the message is
// recorded, WeChat's retry of the bare answer ("12月6日 14:00-16:00") is
// read as the same publish and gets the same reply, while any other
// message finds no draft.
func (h *Handlers) draftPublished(ctx context.Context, req *Request) {
	key := bot.MessageKey(ctx)
	if h.cache == nil || req.draft == nil || key == "" || len(req.draft.Text) > maxDraftBytes {
		h.dropDraft(ctx, req)
		return
	}
	d := draft{Intent: req.draft.Intent, Text: req.draft.Text, Until: req.Now.Add(publishedDraftTTL), PublishedBy: key}
	raw, err := json.Marshal(d)
	if err == nil {
		err = h.cache.Set(ctx, draftKey(req.User.ID), string(raw), publishedDraftTTL)
	}
	if err != nil {
		h.log.WarnContext(ctx, "published draft not marked", slog.Int64("user", req.User.ID), slog.Any("error", err))
		h.dropDraft(ctx, req)
	}
}

// CancelDraft answers 取消/算了/不发了 while a draft is open.
func (h *Handlers) CancelDraft(ctx context.Context, req *Request) (bot.Reply, error) {
	h.dropDraft(ctx, req)
	if req.draft != nil && isRequestIntent(req.draft.Intent) {
		return bot.Reply{Text: RequestText.Cancelled}, nil
	}
	what := "活动"
	if req.draft != nil && req.draft.Intent == intent.PublishLecture {
		what = "讲座"
	}
	return bot.Reply{Text: fmt.Sprintf(Text.DraftCancelled, what)}, nil
}

// publishKind is what differs between the two publishing commands in
// questions and examples.
type publishKind struct {
	word, command         string // 活动, 发布活动
	title, place, clockEx string // examples
	form                  string // the whole command, for when no draft can be kept
}

func kindOf(in string) publishKind {
	if in == intent.PublishLecture {
		return publishKind{word: "讲座", command: "发布讲座", title: "法律知识讲座", place: "古槐社区活动室", clockEx: "9:30", form: lectureForm}
	}
	return publishKind{word: "活动", command: "发布活动", title: "敬老院包饺子", place: "古槐社区敬老院", clockEx: "14:00-16:00", form: publishForm}
}

// exampleWhen is a date and time to show as an example: tomorrow's.
func (k publishKind) exampleWhen(now time.Time, loc *time.Location) string {
	d := now.In(loc).AddDate(0, 0, 1)
	return fmt.Sprintf("%d月%d日 %s", d.Month(), d.Day(), k.clockEx)
}

// unfinished checks a publish parse. When something is missing or its time
// cannot be, it keeps the draft and returns the question to ask (true),
// or, when the envoy reached the day's publishing cap, the refusal
// instead; otherwise the publish can go ahead (false) and the store
// decides on the cap.
func (h *Handlers) unfinished(ctx context.Context, req *Request) (bot.Reply, bool, error) {
	p := req.Parse
	k := kindOf(p.Intent)
	typed := strings.TrimSpace(req.Msg.Text)
	if req.draft != nil {
		typed = req.draft.Text
	}
	start, end := parseTime(p.Start), parseTime(p.End)
	hasTime := !start.IsZero() || len(p.Occurrences) > 0
	lacking := map[string]bool{
		intent.FieldTitle: p.Title == "",
		intent.FieldStart: !hasTime && p.Problem == "",
		intent.FieldPlace: p.Place == "",
	}
	for _, f := range p.Missing {
		lacking[f] = true
	}
	var missing []string
	for _, f := range []string{intent.FieldTitle, intent.FieldStart, intent.FieldPlace} {
		if lacking[f] {
			missing = append(missing, f)
		}
	}
	endBeforeStart := !start.IsZero() && !end.IsZero() && !end.After(start)
	past := !start.IsZero() && start.Before(req.Now) // refused even if the parser let it through

	var lines []string
	keep := typed
	switch {
	case p.Problem == intent.ProblemBadTime || endBeforeStart || past:
		lines = append(lines, h.timeRefusal(p, typed, req.Now, k))
		keep = withoutTime(p, k) // the next message brings a new time
	case p.Problem == intent.ProblemNoTime:
		lines = append(lines, fmt.Sprintf(Text.DraftAskClock, k.word, k.clockEx))
	}
	if len(missing) > 0 {
		lines = append(lines, h.question(missing, k, req.Now))
	}
	if len(lines) == 0 {
		return bot.Reply{}, false, nil
	}
	if reply, capped, err := h.publishCapReached(ctx, req); capped || err != nil {
		return reply, true, err
	}
	if h.keepDraft(ctx, req, draft{Intent: p.Intent, Text: keep, Missing: missing}) {
		lines = append(lines, Text.DraftKept)
	} else {
		h.dropDraft(ctx, req)
		lines = append(lines, fmt.Sprintf(Text.DraftNotKept, k.form))
	}
	return bot.Reply{Text: strings.Join(lines, "\n")}, true, nil
}

// question asks for the missing fields in one sentence with an example.
func (h *Handlers) question(missing []string, k publishKind, now time.Time) string {
	names := make([]string, 0, len(missing))
	examples := make([]string, 0, len(missing))
	for _, f := range missing {
		names = append(names, Text.DraftFieldNames[f])
		switch f {
		case intent.FieldTitle:
			examples = append(examples, k.title)
		case intent.FieldStart:
			examples = append(examples, k.exampleWhen(now, h.loc))
		case intent.FieldPlace:
			examples = append(examples, k.place)
		}
	}
	return fmt.Sprintf(Text.DraftAsk, k.word, strings.Join(names, "、"), strings.Join(examples, " "))
}

// timeRefusal says why the time cannot be, quoting what was read.
func (h *Handlers) timeRefusal(p intent.Result, typed string, now time.Time, k publishKind) string {
	example := k.exampleWhen(now, h.loc)
	start, end := parseTime(p.Start), parseTime(p.End)
	switch {
	case !start.IsZero() && start.Before(now):
		return fmt.Sprintf(Text.DraftPast, dayWithWeekday(start, now, h.loc)+clock(start, h.loc), example)
	case !start.IsZero() && !end.IsZero() && !end.After(start):
		return fmt.Sprintf(Text.DraftEndBeforeStart, clock(end, h.loc), clock(start, h.loc), example)
	}
	if what := impossibleWhen(typed, now.In(h.loc).Year()); what != "" {
		return fmt.Sprintf(Text.DraftNoSuchTime, what, example)
	}
	return fmt.Sprintf(Text.DraftBadTime, example)
}

var (
	reTypedDate  = regexp.MustCompile(`(?:(\d{4})\s*年\s*)?(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]`)
	reTypedClock = regexp.MustCompile(`(\d{1,2})\s*[:：]\s*(\d{2})`)
)

// impossibleWhen finds a date or clock time in text that does not exist
// (2月30日, 13月1日, 25:00) and returns it as typed, or "".
func impossibleWhen(text string, year int) string {
	for _, m := range reTypedDate.FindAllStringSubmatch(text, -1) {
		y, mo, d := year, atoi(m[2]), atoi(m[3])
		label := fmt.Sprintf("%d月%d日", mo, d)
		if m[1] != "" {
			y = atoi(m[1])
			label = fmt.Sprintf("%d年", y) + label
		}
		if mo < 1 || mo > 12 {
			return fmt.Sprintf("%d月", mo)
		}
		if t := time.Date(y, time.Month(mo), d, 0, 0, 0, 0, time.UTC); d < 1 || t.Day() != d {
			return label
		}
	}
	for _, m := range reTypedClock.FindAllStringSubmatch(text, -1) {
		if hh, mm := atoi(m[1]), atoi(m[2]); hh > 24 || mm > 59 || (hh == 24 && mm > 0) {
			return fmt.Sprintf("%d:%02d这个时间", hh, mm)
		}
	}
	return ""
}

func atoi(s string) int { n, _ := strconv.Atoi(s); return n }

// withoutTime writes a draft's command again without its time, so that a
// new time in the next message is the only one read. Title and place keep
// their order (the title first), a lone place its label.
func withoutTime(p intent.Result, k publishKind) string {
	parts := []string{k.command}
	switch {
	case p.Title != "":
		parts = append(parts, p.Title)
		if p.Place != "" {
			parts = append(parts, p.Place)
		}
	case p.Place != "":
		parts = append(parts, "地点 "+p.Place)
	}
	if p.Category != "" {
		parts = append(parts, p.Category)
	}
	if p.Quota > 0 {
		parts = append(parts, fmt.Sprintf("名额%d", p.Quota))
	}
	if p.Intent == intent.PublishActivity && p.Description != "" {
		parts = append(parts, p.Description)
	}
	return strings.Join(parts, " ")
}

// dayWithWeekday writes a date for an echo: 12月5日（周六）, with the year
// when it is not now's.
func dayWithWeekday(t, now time.Time, loc *time.Location) string {
	d := t.In(loc)
	out := fmt.Sprintf("%d月%d日（%s）", d.Month(), d.Day(), weekdays[d.Weekday()])
	if d.Year() != now.In(loc).Year() {
		out = fmt.Sprintf("%d年", d.Year()) + out
	}
	return out
}

// timeRange writes the clock times of a span: 14:00-16:00, or the end's
// date too when it ends another day.
func timeRange(start, end, now time.Time, loc *time.Location) string {
	s, e := start.In(loc), end.In(loc)
	if s.Year() != e.Year() || s.YearDay() != e.YearDay() {
		return clock(s, loc) + " 至 " + dayWithWeekday(e, now, loc) + clock(e, loc)
	}
	return clock(s, loc) + "-" + clock(e, loc)
}

package intent

import (
	"strings"
	"time"
)

// The envoy's commands that change what was published: cancel an activity,
// move it or change its place or quota, cancel a lecture or one session.
var (
	cancelActivityKeywords = []string{
		"取消活动", "活动取消", "撤销活动", "撤回活动", "删除活动", "活动不办了", "活动停办", "停办活动", "活动取消了",
	}
	cancelActivitySuffixes = []string{"活动取消", "活动取消了", "活动不办了", "活动停办"}
	modifyActivityKeywords = []string{
		"修改活动", "活动修改", "更改活动", "变更活动", "调整活动", "改活动", "活动改期", "活动调整",
		"活动变更", "活动时间修改", "修改活动时间", "修改活动地点", "修改活动名额", "活动改时间",
	}
	// changeVerbs say "change it to" before the new value; they are cut
	// before the fields are read.
	changeVerbs = []string{
		"往后推到", "往后推迟到", "推迟到", "推到", "提前到", "延期到", "改期到", "改期为", "调整为", "调整到",
		"变更为", "更改为", "修改为", "增加到", "减少到", "加到", "减到", "扩到", "调到", "改成", "改为", "改到", "换成", "换到", "挪到", "改一下", "改",
	}
	// reasonLabels introduce the reason of a cancellation.
	reasonLabels = []string{"取消原因", "原因是", "原因", "因为", "由于", "理由", "是因为"}
)

// parseCancelActivity reads "取消活动 A13 下雨": the code and, as typed, the
// reason. A lecture code is a lecture cancellation; "取消活动报名" is the
// volunteer's cancellation, matched by its longer keyword before this one.
func parseCancelActivity(rest string, now time.Time) (Result, bool) {
	code, text := findCode(rest, activityLetter)
	if code == "" {
		if lecture, _ := findCode(rest, lectureLetter); lecture != "" {
			return parseCancelLecture(rest, now)
		}
	}
	reason := cutFillers(trimGaps(text), reasonLabels)
	reason = trimGaps(strings.TrimSuffix(reason, "所以取消"))
	if reason == "报名" || reason == "我的报名" {
		return Result{}, false
	}
	if code == "" && (isQuestion(reason) || strings.HasPrefix(reason, "的")) {
		return Result{}, false // "取消活动的话会通知我吗": a question about it
	}
	r := Result{Intent: CancelActivity, Activity: code, Reason: reason}
	if code == "" {
		r.Missing = []string{FieldActivity}
	}
	return r, true
}

// parseModifyActivity reads "修改活动 A13 12月7日 14:00-16:00", "修改活动
// A16 地点改为运河社区广场", "修改活动 A17 名额改成二十五": the code and
// exactly the fields that change.
func parseModifyActivity(rest string, now time.Time) (Result, bool) {
	r := Result{Intent: ModifyActivity}
	code, text := findCode(rest, activityLetter)
	r.Activity = code
	if code == "" {
		r.Missing = []string{FieldActivity}
	}
	text = cutChangeVerbs(text)
	w, text := extractWhen(text, now, false)
	switch {
	case w.hasStart:
		r.Start = formatTime(w.start)
		if w.hasEnd {
			r.End = formatTime(w.end)
		}
		r.Problem = w.problem
	case w.hasDay:
		r.Date = w.day.Format(time.DateOnly)
	case w.problem == ProblemBadTime:
		r.Problem = w.problem
	}
	r.Quota, text = extractQuota(text)
	f := splitPublishFields(text)
	r.Place = f.labelled[FieldPlace]
	for _, t := range f.unlabelled {
		t = trimChatter(t, modifyChatter)
		if t != "" && r.Place == "" {
			r.Place = t
		}
	}
	return r, true
}

// modifyChatter surrounds the changed values without being one.
var modifyChatter = []string{"时间", "地点", "名额", "一下", "的", "了", "活动", "吧", "那个", "不变", "照旧", "不动", "一样", "还是", "其他"}

// cutChangeVerbs blanks the words that say "change to".
func cutChangeVerbs(text string) string {
	for _, v := range changeVerbs {
		text = strings.ReplaceAll(text, v, " ")
	}
	return text
}

// parseLooseModify reads a change stated after the code with no command
// keyword: "A18改一下时间 下周三上午9点半到11点". Without a code right there
// it declines, since "改一下" starts many sentences.
func parseLooseModify(rest string, now time.Time) (Result, bool) {
	if code, _ := findCode(rest, activityLetter); code == "" {
		return Result{}, false
	}
	r, _ := parseModifyActivity(rest, now)
	if r.Start == "" && r.Date == "" && r.Place == "" && r.Quota == 0 && r.Problem == "" {
		return Result{}, false
	}
	return r, true
}

// parseCancelLecture reads "取消讲座 L3" (the series) and "取消讲座 L3
// 12月5日" (one session: a time of day goes to start, a day alone to date).
func parseCancelLecture(rest string, now time.Time) (Result, bool) {
	r := Result{Intent: CancelLecture}
	code, text := findCode(rest, lectureLetter)
	r.Code = code
	if r.Code == "" {
		r.Missing = []string{FieldCode}
	}
	w, _ := extractWhen(text, now, false)
	switch {
	case w.hasStart:
		r.Start = formatTime(w.start)
		r.Problem = w.problem
	case w.hasDay:
		r.Date = w.day.Format(time.DateOnly)
	}
	return r, true
}

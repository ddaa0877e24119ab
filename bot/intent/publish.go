package intent

import (
	"regexp"
	"strings"
	"time"
)

// Keywords of the envoy's publishing commands.
var (
	publishActivityKeywords = []string{
		"发布活动", "发活动", "新建活动", "创建活动", "发起活动", "添加活动", "活动发布", "组织活动",
	}
	publishLectureKeywords = []string{
		"发布讲座", "发讲座", "新建讲座", "创建讲座", "添加讲座", "讲座发布", "举办讲座",
	}
)

// The labels an envoy may put before a field ("地点：古槐社区活动室"), longest
// first within each list. Words in publishIgnored label something extracted
// elsewhere (the time, the quota) and are dropped.
var (
	publishLabels = []struct {
		field  string
		labels []string
	}{
		{FieldTitle, []string{"活动名称", "活动主题", "活动标题", "讲座名称", "讲座主题", "讲座标题", "讲座题目", "名称", "标题", "主题", "题目"}},
		{FieldPlace, []string{"活动地点", "讲座地点", "集合地点", "地点", "地址", "场地", "位置"}},
		{"category", []string{"活动类别", "活动类型", "活动分类", "类别", "类型", "分类"}},
		{FieldCommunity, []string{"所属社区", "社区名称", "社区"}},
	}
	publishIgnored = map[string]bool{
		"时间": true, "活动时间": true, "讲座时间": true, "日期": true, "名额": true, "人数": true,
		"活动": true, "讲座": true, "在": true, "到": true, "至": true, "举办": true, "举行": true,
	}
)

// quotaPatterns are the ways a quota is written, most explicit first:
// 名额20, 名额：20, 名额二十, 限20人, 20个名额, 招募20人, 20人.
var quotaPatterns = []*regexp.Regexp{
	regexp.MustCompile(`名额\s*:?\s*(` + cnNumberClass + `{1,5})\s*(?:个人|人|名|个|位)?`),
	regexp.MustCompile(`限\s*(?:额|报)?\s*:?\s*(` + cnNumberClass + `{1,5})\s*(?:人|名|位)`),
	regexp.MustCompile(`(` + cnNumberClass + `{1,5})\s*个?\s*名额`),
	regexp.MustCompile(`人数\s*:?\s*(` + cnNumberClass + `{1,5})\s*(?:人|名)?`),
	regexp.MustCompile(`(?:招募|招|需要|需)\s*(?:志愿者)?\s*(` + cnNumberClass + `{1,5})\s*(?:个人|人|名|位)(?:志愿者)?`),
	regexp.MustCompile(`([0-9]{1,4})\s*(?:人|名|位)(?:志愿者)?`),
}

// extractQuota finds the quota and blanks it out of text.
func extractQuota(text string) (int, string) {
	for _, re := range quotaPatterns {
		m := re.FindStringSubmatchIndex(text)
		if m == nil {
			continue
		}
		if n, ok := parseNumber(text[m[2]:m[3]]); ok && n > 0 && n < 100000 {
			return n, blank(text, m)
		}
	}
	return 0, text
}

// publishFields are the words of a publishing command once time and quota
// are out: labelled ones by field, the others in order.
type publishFields struct {
	labelled   map[string]string
	unlabelled []string
}

func splitPublishFields(text string) publishFields {
	f := publishFields{labelled: map[string]string{}}
	pending := ""
	for _, t := range tokens(text) {
		if field, ok := publishLabel(t); ok {
			pending = field
			continue
		}
		if publishIgnored[t] {
			pending = ""
			continue
		}
		field, val := cutPublishLabel(t)
		if field == "" {
			field, val = pending, t
		}
		pending = ""
		if field != "" && f.labelled[field] == "" {
			f.labelled[field] = val
			continue
		}
		f.unlabelled = append(f.unlabelled, val)
	}
	return f
}

// publishLabel reports a word that is only a label.
func publishLabel(t string) (string, bool) {
	for _, set := range publishLabels {
		for _, l := range set.labels {
			if t == l {
				return set.field, true
			}
		}
	}
	return "", false
}

// cutPublishLabel cuts a place label glued to its value ("地点古槐社区"), a
// community label glued to a community, a category label glued to a category
// word; other labels need a separator, since "主题党日" is a title, not a label.
func cutPublishLabel(t string) (string, string) {
	for _, l := range []string{"活动地点", "讲座地点", "地点", "地址"} {
		if v, ok := strings.CutPrefix(t, l); ok && v != "" {
			return FieldPlace, strings.TrimPrefix(v, "在")
		}
	}
	if v, ok := strings.CutPrefix(t, "社区"); ok && looksLikeCommunity(v) {
		return FieldCommunity, v
	}
	for _, l := range []string{"活动类别", "活动类型", "类别", "类型", "分类"} {
		if v, ok := strings.CutPrefix(t, l); ok && isCategoryWord(v) {
			return "category", v
		}
	}
	return "", t
}

// placeEnds end the words that name a venue: a word ending so is a place
// wherever it stands ("发布活动 12月12日 14:00 古槐社区" has no title).
var placeEnds = []string{
	"社区", "小区", "广场", "活动室", "会议室", "敬老院", "养老院", "福利院", "中心", "书屋", "文化站", "卫生室",
	"卫生站", "服务站", "之家", "公园", "学校", "小学", "中学", "图书馆", "驿站", "大厅", "礼堂", "居委会",
	"村委会", "街道", "食堂", "院子", "门口",
}

func looksLikePlace(t string) bool {
	for _, e := range placeEnds {
		if strings.HasSuffix(t, e) && len(t) > len(e) {
			return true
		}
	}
	return false
}

// reRunOn reads a title and venue typed in one breath: "在古槐社区广场搞垃圾
// 分类宣传", "在运河社区活动室给老人量血压".
var reRunOn = regexp.MustCompile(`^(\p{Han}*?)在(\p{Han}+(?:` + strings.Join(placeEnds, "|") + `))(?:搞|举办|举行|开展|组织|进行|办|做)?(\p{Han}{2,})$`)

// splitRunOn splits such a token into title and place, and takes a line's
// word that ends the title ("…量血压敬老") as the line.
func splitRunOn(t string) (title, place, line string, ok bool) {
	m := reRunOn.FindStringSubmatch(t)
	if m == nil {
		return "", "", "", false
	}
	title, place = m[1]+m[3], m[2]
	for _, c := range Categories() {
		for _, w := range c.Words {
			if rest, cut := strings.CutSuffix(title, w); cut && runeCount(rest) >= 2 {
				return rest, place, c.Line, true
			}
		}
	}
	return title, place, "", true
}

// fillPublished sets title, place and community from the words, and lists
// what is missing. It returns the words left over.
func fillPublished(r *Result, f publishFields, w when) []string {
	r.Title = f.labelled[FieldTitle]
	r.Place = f.labelled[FieldPlace]
	var extras []string
	if len(f.unlabelled) == 1 && r.Title == "" && r.Place == "" && looksLikePlace(f.unlabelled[0]) {
		r.Place = f.unlabelled[0] // "发布活动 12月12日 14:00 古槐社区": a venue, no title
		f.unlabelled = nil
	}
	for i, t := range f.unlabelled {
		if v, ok := strings.CutPrefix(t, "在"); ok && looksLikePlace(v) {
			f.unlabelled[i] = v // "在古槐社区广场"
		}
	}
	for _, t := range f.unlabelled {
		if title, place, line, ok := splitRunOn(t); ok && r.Title == "" && r.Place == "" {
			r.Title, r.Place = title, place
			if r.Category == "" {
				r.Category = line
			}
			continue
		}
		switch {
		case r.Title == "":
			r.Title = t
		case r.Place == "":
			r.Place = t
		default:
			extras = append(extras, t)
		}
	}
	if w.hasStart && w.rule == "" {
		r.Start = formatTime(w.start)
	}
	r.Problem = w.problem
	if r.Title == "" {
		r.Missing = append(r.Missing, FieldTitle)
	}
	if !w.hasStart && (w.problem == "" || w.problem == ProblemNoTime) {
		r.Missing = append(r.Missing, FieldStart)
	}
	if r.Place == "" {
		r.Missing = append(r.Missing, FieldPlace)
	}
	return extras
}

// takeCategory takes the line: labelled, or a line's word standing as its
// own word after the title, or ending a venue ("在仙营社区文化书屋时代新风").
func takeCategory(f *publishFields) string {
	if line, ok := CategoryLine(f.labelled["category"]); ok {
		return line
	}
	for i, t := range f.unlabelled {
		if isCategoryWord(t) && (i > 0 || f.labelled[FieldTitle] != "") {
			line, _ := CategoryLine(t)
			f.unlabelled = append(f.unlabelled[:i:i], f.unlabelled[i+1:]...)
			return line
		}
	}
	for i, t := range f.unlabelled {
		venue := strings.TrimPrefix(t, "在")
		for _, c := range Categories() {
			for _, w := range c.Words {
				if v, ok := strings.CutSuffix(venue, w); ok && looksLikePlace(v) {
					f.unlabelled[i] = v
					return c.Line
				}
			}
		}
	}
	return ""
}

// parsePublishActivity reads "发布活动 敬老院包饺子 12月5日 14:00-16:00
// 古槐社区敬老院 关爱困难群体 名额20" with the fields in any order. The title
// is the first word left once time, quota and category are taken, the place
// the next; further words become the description.
func parsePublishActivity(rest string, now time.Time) (Result, bool) {
	r := Result{Intent: PublishActivity}
	w, text := extractWhen(rest, now, false)
	r.Quota, text = extractQuota(text)
	f := splitPublishFields(text)
	r.Category = takeCategory(&f)
	extras := fillPublished(&r, f, w)
	r.Description = strings.Join(extras, " ")
	if w.hasEnd {
		r.End = formatTime(w.end)
	}
	return r, true
}

// parsePublishLecture reads a one-off or recurring lecture: "发布讲座
// 法律知识讲座 每月第一个周六 9:30 古槐社区活动室". A recurrence yields its
// next three occurrences and its rule, normalised, as the description.
func parsePublishLecture(rest string, now time.Time) (Result, bool) {
	r := Result{Intent: PublishLecture}
	w, text := extractWhen(rest, now, true)
	f := splitPublishFields(text)
	r.Category = takeCategory(&f)
	fillPublished(&r, f, w)
	switch {
	case w.rule != "" && w.clock != "":
		r.Description = w.rule + " " + w.clock
	default:
		r.Description = w.rule
	}
	if w.hasEnd && w.rule == "" {
		r.End = formatTime(w.end)
	}
	for _, t := range w.occurrences {
		r.Occurrences = append(r.Occurrences, formatTime(t))
	}
	if w.rule == "" && w.hasStart {
		r.Occurrences = []string{r.Start}
	}
	if !w.recurrence.IsZero() {
		r.Recurrence = &w.recurrence
	}
	return r, true
}

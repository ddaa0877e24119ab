package intent

import (
	"reflect"
	"testing"
)

// Times in the expectations below are relative to fixedNow, Sunday
// 2026-11-29 10:00 in Shanghai: 周六 is 12-05, 下周三 12-02, 明天 11-30.
const (
	dec5at14   = "2026-12-05T14:00:00+08:00"
	dec5at16   = "2026-12-05T16:00:00+08:00"
	dec5at0930 = "2026-12-05T09:30:00+08:00"
)

func act(intent, code string) Result {
	r := Result{Intent: intent, Activity: code}
	if code == "" {
		r.Missing = []string{FieldActivity}
	}
	return r
}

// dumplings is the documented publish_activity example, fully understood.
var dumplings = Result{
	Intent: PublishActivity, Title: "敬老院包饺子", Start: dec5at14, End: dec5at16,
	Place: "古槐社区敬老院", Category: "关爱困难群体", Quota: 20,
}

// lawLecture is the documented publish_lecture example, fully understood.
var lawLecture = Result{
	Intent: PublishLecture, Title: "法律知识讲座", Place: "古槐社区活动室",
	Description: "每月第一个周六 09:30",
	Occurrences: []string{dec5at0930, "2027-01-02T09:30:00+08:00", "2027-02-06T09:30:00+08:00"},
}

// pub builds a publish_activity result for the short date and time cases;
// the community is the handler's to find from the place, not the parser's.
func pub(start, end, place, _ string) Result {
	return Result{Intent: PublishActivity, Title: "广场舞", Start: start, End: end, Place: place}
}

func TestParseCommands(t *testing.T) {
	a12 := act(Signup, "A12")
	c12 := act(Cancel, "A12")
	firstTime := Result{Intent: Signup, Activity: "A12", Name: "张三", Phone: "13812345678"}
	gh := "古槐社区"

	tests := []struct {
		name string
		text string
		want Result
	}{
		// signup
		{"signup glued", "报名A12", a12},
		{"signup i want", "我要报名A12", a12},
		{"signup lower-case code", "报名 a12", a12},
		{"signup split code", "报名 a 12", a12},
		{"signup full-width code", "报名 Ａ１２", a12},
		{"signup dashed code", "报名A-12", a12},
		{"signup with politeness and emoji", "您好！我想报名 A12 活动，谢谢🙏", a12},
		{"signup by 参加", "参加 A12", a12},
		{"signup by 我参加", "我参加A12", a12},
		{"signup wanting to take part in activity", "我想参加a12活动", a12},
		{"signup 报个名", "报个名 A12", a12},
		{"signup code first", "A12 报名", a12},
		{"signup full-width code first", "Ａ１２报名", a12},
		{"signup first of two codes", "报名 A12、A13", a12},
		{"signup first time", "报名 A12 张三 13812345678", firstTime},
		{"signup first time with community", "报名 A12 张三 13812345678 古槐社区",
			Result{Intent: Signup, Activity: "A12", Name: "张三", Phone: "13812345678", Community: gh}},
		{"signup first time on lines", "报名\nA12\n张三\n138 1234 5678", firstTime},
		{"signup first time with labels", "报名 A12 姓名张三 手机13812345678", firstTime},
		{"signup first time with semicolons", "报名：A12；张三；13812345678", firstTime},
		{"signup phone without name", "报名 A12 13812345678",
			Result{Intent: Signup, Activity: "A12", Phone: "13812345678", Missing: []string{FieldName}}},
		{"signup bad phone", "报名 A12 张三 1381234",
			Result{Intent: Signup, Activity: "A12", Name: "张三", Problem: ProblemBadPhone}},
		{"signup without code", "报名", act(Signup, "")},
		{"signup wish without code", "我想报名", act(Signup, "")},
		{"taking part in something else is not a signup", "参加过的活动", Result{Intent: Unknown}},

		// cancel
		{"cancel canonical", "取消报名 A12", c12},
		{"cancel short lower-case", "取消 a12", c12},
		{"cancel not going glued", "A12不去了", c12},
		{"cancel apologetic", "不好意思，A12 我不去了", c12},
		{"cancel by 退出", "退出 A12", c12},
		{"cancel by 退报名", "退报名A12", c12},
		{"cancel with split code and thanks", "取消报名，A 12，谢谢", c12},
		{"cancel with 的报名", "请帮我取消A12的报名", c12},
		{"cancel leaving alone", "退出", act(Cancel, "")},
		{"cancel alone", "取消", act(Cancel, "")},
		{"cancel not going without code", "我不去了", act(Cancel, "")},
		{"logging out is not a cancellation", "退出登录", Result{Intent: Unknown}},
		{"cancel with a lecture code cancels the lecture", "取消 L3", Result{Intent: CancelLecture, Code: "L3"}},

		// my sign-ups
		{"my signups", "我的报名", Result{Intent: MySignups}},
		{"which did I sign up for", "我报了哪些", Result{Intent: MySignups}},
		{"signup record", "报名记录", Result{Intent: MySignups}},
		{"look up my signups", "查一下我的报名", Result{Intent: MySignups}},
		{"my signups question", "我的报名有哪些？", Result{Intent: MySignups}},

		// my hours
		{"hours short", "时长", Result{Intent: MyHours}},
		{"service hours", "服务时长", Result{Intent: MyHours}},
		{"my service hours how many", "我的服务时长是多少", Result{Intent: MyHours}},
		{"polite volunteer hours question", "请问我的志愿时长有多少小时？", Result{Intent: MyHours}},
		{"hours table is not my hours", "时长表", Result{Intent: Unknown}},

		// check in and out
		{"checkin lower-case", "签到 a12", act(Checkin, "A12")},
		{"checkin alone", "签到", act(Checkin, "")},
		{"checkin code first", "A12签到", act(Checkin, "A12")},
		{"checkin full-width", "我要签到 Ａ１２", act(Checkin, "A12")},
		{"checkin comma", "签到，A12", act(Checkin, "A12")},
		{"checkin with thanks", "签到 A12 谢谢", act(Checkin, "A12")},
		{"checkout glued", "签退A12", act(Checkout, "A12")},
		{"checkout alone", "签退", act(Checkout, "")},
		{"checkout code first", "a12 签退", act(Checkout, "A12")},

		// lectures
		{"lectures", "讲座", Result{Intent: Lectures}},
		{"lectures of a community", "讲座 古槐社区", Result{Intent: Lectures, Community: gh}},
		{"lecture list", "讲座列表", Result{Intent: Lectures}},
		{"recent lectures", "最近讲座", Result{Intent: Lectures}},
		{"what lectures lately", "最近有什么讲座？", Result{Intent: Lectures}},
		{"community lectures glued", "古槐社区讲座", Result{Intent: Lectures, Community: gh}},
		{"lectures of a short community", "讲座，古槐", Result{Intent: Lectures, Community: "古槐"}},

		// subscribe
		{"subscribe community", "订阅讲座 古槐社区", Result{Intent: Subscribe, Community: gh}},
		{"subscribe without a community", "订阅讲座", Result{Intent: Subscribe, Missing: []string{FieldCommunity}}},
		{"subscribe short", "订阅", Result{Intent: Subscribe, Missing: []string{FieldCommunity}}},
		{"subscribe notices of a community", "订阅 古槐社区的讲座通知", Result{Intent: Subscribe, Community: gh}},
		{"subscribe politely glued", "请帮我订阅古槐社区讲座", Result{Intent: Subscribe, Community: gh}},
		{"subscribe on two lines", "订阅讲座\n古槐社区", Result{Intent: Subscribe, Community: gh}},

		// unsubscribe
		{"unsubscribe lectures", "退订讲座", Result{Intent: Unsubscribe}},
		{"unsubscribe short", "退订", Result{Intent: Unsubscribe}},
		{"cancel subscription", "取消订阅", Result{Intent: Unsubscribe}},
		{"cancel subscription of a community", "取消订阅 古槐社区", Result{Intent: Unsubscribe, Community: gh}},
		{"unsubscribe with comma", "退订讲座，古槐社区", Result{Intent: Unsubscribe, Community: gh}},

		// activities
		{"activities", "活动", Result{Intent: Activities}},
		{"activities by service type", "活动 心理疏导", Result{Intent: Activities, Category: "关爱困难群体"}},
		{"activity list", "活动列表", Result{Intent: Activities}},
		{"what activities", "有什么活动", Result{Intent: Activities}},
		{"what activities lately", "最近有什么活动？", Result{Intent: Activities}},
		{"activities by short line name", "活动，关爱", Result{Intent: Activities, Category: "关爱困难群体"}},
		{"activities by civility alias", "活动 文明礼仪", Result{Intent: Activities, Category: "文明有礼"}},
		{"service type before 活动", "心理疏导活动", Result{Intent: Activities, Category: "关爱困难群体"}},
		{"which care activities", "有哪些关爱类活动", Result{Intent: Activities, Category: "关爱困难群体"}},
		{"activities of a community", "古槐社区有什么活动", Result{Intent: Activities, Community: gh}},
		{"activities filtered by community", "活动 古槐社区", Result{Intent: Activities, Community: gh}},
		{"activity room question is not a list", "活动室在哪", Result{Intent: Unknown}},

		// bind
		{"bind lower-case", "绑定 8h3k2q", Result{Intent: Bind, Code: "8H3K2Q"}},
		{"invite code label", "邀请码：8H3K2Q", Result{Intent: Bind, Code: "8H3K2Q"}},
		{"bind invite code split", "绑定邀请码 8H3 K2Q", Result{Intent: Bind, Code: "8H3K2Q"}},
		{"bind full-width", "绑定 ８Ｈ３Ｋ２Ｑ", Result{Intent: Bind, Code: "8H3K2Q"}},
		{"bind in a sentence", "我要绑定，邀请码是8H3K2Q", Result{Intent: Bind, Code: "8H3K2Q"}},
		{"bind without code", "绑定", Result{Intent: Bind, Missing: []string{FieldCode}}},
		{"bind with a too short code", "绑定 12", Result{Intent: Bind, Problem: ProblemBadCode}},

		// contact point
		{"contact point", "联系点 古槐社区", Result{Intent: ContactPoint, Community: gh}},
		{"community contact point with colon", "社区联系点：古槐社区", Result{Intent: ContactPoint, Community: gh}},
		{"establish contact point politely", "建立联系点 古槐社区，谢谢", Result{Intent: ContactPoint, Community: gh}},
		{"contact point residents committee", "联系点:古槐社区居委会", Result{Intent: ContactPoint, Community: "古槐社区居委会"}},
		{"contact point short community", "联系点 古槐", Result{Intent: ContactPoint, Community: "古槐"}},
		{"contact point without community", "联系点", Result{Intent: ContactPoint, Missing: []string{FieldCommunity}}},

		// team create
		{"team create", "建队 古槐银发志愿队", Result{Intent: TeamCreate, Team: "古槐银发志愿队"}},
		{"team create with community", "成立队伍 古槐银发志愿队 古槐社区", Result{Intent: TeamCreate, Team: "古槐银发志愿队", Community: gh}},
		{"team create with name label", "创建队伍：队名 古槐银发志愿队", Result{Intent: TeamCreate, Team: "古槐银发志愿队"}},
		{"team create community first", "组建团队 古槐社区 红马甲服务队", Result{Intent: TeamCreate, Team: "红马甲服务队", Community: gh}},
		{"team create without name", "建队", Result{Intent: TeamCreate, Missing: []string{FieldTeam}}},

		// team join
		{"team join", "入队 T3", Result{Intent: TeamJoin, Code: "T3"}},
		{"team join lower-case", "入队 t3", Result{Intent: TeamJoin, Code: "T3"}},
		{"team join split code", "加入 t 3", Result{Intent: TeamJoin, Code: "T3"}},
		{"team join glued", "加入队伍T3", Result{Intent: TeamJoin, Code: "T3"}},
		{"team join by name", "加入 古槐银发志愿队", Result{Intent: TeamJoin, Team: "古槐银发志愿队"}},
		{"team join without code", "入队", Result{Intent: TeamJoin, Missing: []string{FieldCode}}},
		{"joining a group chat is not a team", "加入群聊", Result{Intent: Unknown}},

		// publish activity
		{"publish activity canonical", "发布活动 敬老院包饺子 12月5日 14:00-16:00 古槐社区敬老院 关爱困难群体 名额20", dumplings},
		{"publish activity reordered", "发布活动 敬老院包饺子 古槐社区敬老院 名额：20 关爱困难群体 12月5日 14:00~16:00", dumplings},
		{"publish activity labelled lines", "发布活动\n活动名称：敬老院包饺子\n时间：12月5日 14:00-16:00\n地点：古槐社区敬老院\n类别：关爱困难群体\n名额：20", dumplings},
		{"publish activity full-width", "发布活动 敬老院包饺子 １２月５日 １４：００－１６：００ 古槐社区敬老院 关爱困难群体 名额２０", dumplings},
		{"publish activity date and time glued", "发布活动 敬老院包饺子 12月5日14:00-16:00 古槐社区敬老院 关爱困难群体 名额20人", dumplings},
		{"publish activity afternoon range and alias", "发布活动 敬老院包饺子 12月5日 下午2点到4点 古槐社区敬老院 关爱 限20人",
			Result{Intent: PublishActivity, Title: "敬老院包饺子", Start: dec5at14, End: dec5at16, Place: "古槐社区敬老院", Category: "关爱困难群体", Quota: 20}},
		{"publish activity chinese numerals", "发布活动 敬老院包饺子 十二月五日 下午两点到四点 古槐社区敬老院",
			Result{Intent: PublishActivity, Title: "敬老院包饺子", Start: dec5at14, End: dec5at16, Place: "古槐社区敬老院"}},
		{"publish activity iso date and chinese quota", "发活动：敬老院包饺子，2026-12-05 14:00-16:00，古槐社区敬老院，名额二十",
			Result{Intent: PublishActivity, Title: "敬老院包饺子", Start: dec5at14, End: dec5at16, Place: "古槐社区敬老院", Quota: 20}},
		{"publish activity weekday and reading", "发布活动 读书会 周六 9:30-11:00 古槐社区图书室 阅读推广 15人",
			Result{Intent: PublishActivity, Title: "读书会", Start: dec5at0930, End: "2026-12-05T11:00:00+08:00", Place: "古槐社区图书室", Category: "时代新风", Quota: 15}},
		{"publish activity tomorrow morning", "发布活动 义诊 明天上午9点 古槐社区卫生服务站 医疗保健",
			Result{Intent: PublishActivity, Title: "义诊", Start: "2026-11-30T09:00:00+08:00", Place: "古槐社区卫生服务站", Category: "关爱困难群体"}},
		{"publish activity dotted date and count quota", "发布活动 环境整治 12.5 14:00 幸福小区 环境卫生 20个名额",
			Result{Intent: PublishActivity, Title: "环境整治", Start: dec5at14, Place: "幸福小区", Category: "文明有礼", Quota: 20}},
		{"publish activity next wednesday", "发布活动 普法宣传 下周三 下午3点 古槐社区广场 普法 名额30",
			Result{Intent: PublishActivity, Title: "普法宣传", Start: "2026-12-02T15:00:00+08:00", Place: "古槐社区广场", Category: "平安和谐", Quota: 30}},
		{"publish activity day after tomorrow", "发布活动 包饺子 后天 14点-16点 古槐社区活动室",
			Result{Intent: PublishActivity, Title: "包饺子", Start: "2026-12-01T14:00:00+08:00", End: "2026-12-01T16:00:00+08:00", Place: "古槐社区活动室"}},
		{"publish activity title that is a category word", "发布活动 心理疏导 12月6日 9:30 古槐社区活动室",
			Result{Intent: PublishActivity, Title: "心理疏导", Start: "2026-12-06T09:30:00+08:00", Place: "古槐社区活动室"}},
		{"publish activity extra words are the description", "发布活动 敬老院包饺子 12月5日 14:00-16:00 古槐社区敬老院 请自带围裙",
			Result{Intent: PublishActivity, Title: "敬老院包饺子", Start: dec5at14, End: dec5at16, Place: "古槐社区敬老院", Description: "请自带围裙"}},
		{"publish activity evening half past", "发布活动 冬季送温暖 12月5日 晚上7点半 古槐社区 文体活动",
			Result{Intent: PublishActivity, Title: "冬季送温暖", Start: "2026-12-05T19:30:00+08:00", Place: gh, Category: "关爱困难群体"}},
		{"publish activity chinese quota fifteen", "发布活动 包饺子 12月5日 14点-16点 古槐社区 名额：十五",
			Result{Intent: PublishActivity, Title: "包饺子", Start: dec5at14, End: dec5at16, Place: gh, Quota: 15}},
		{"publish activity volunteers needed", "发布活动 包饺子 12月5日 14:00 古槐社区 需要10名志愿者",
			Result{Intent: PublishActivity, Title: "包饺子", Start: dec5at14, Place: gh, Quota: 10}},
		{"today sunday still ahead", "发布活动 广场舞 周日 14:30 古槐社区广场", pub("2026-11-29T14:30:00+08:00", "", "古槐社区广场", gh)},
		{"today sunday already past means next week", "发布活动 广场舞 星期天 9:00 古槐社区广场", pub("2026-12-06T09:00:00+08:00", "", "古槐社区广场", gh)},
		{"礼拜六 afternoon", "发布活动 广场舞 礼拜六下午3点 古槐社区广场", pub("2026-12-05T15:00:00+08:00", "", "古槐社区广场", gh)},
		{"today afternoon", "发布活动 广场舞 今天下午3点 古槐社区", pub("2026-11-29T15:00:00+08:00", "", gh, gh)},
		{"a time without a date is no start", "发布活动 广场舞 上午9点 古槐社区", Result{Intent: PublishActivity, Title: "广场舞", Place: gh, Missing: []string{FieldStart}}},
		{"an afternoon time without a date is no start", "发布活动 广场舞 下午3点 古槐社区", Result{Intent: PublishActivity, Title: "广场舞", Place: gh, Missing: []string{FieldStart}}},
		{"bare half past three is afternoon", "发布活动 广场舞 今天3点半 古槐社区", pub("2026-11-29T15:30:00+08:00", "", gh, gh)},
		{"a zero-padded hour is a 24-hour clock", "发布活动 广场舞 明天06:30-08:00 古槐社区", pub("2026-11-30T06:30:00+08:00", "2026-11-30T08:00:00+08:00", gh, gh)},
		{"a bare 3:00 is still afternoon", "发布活动 广场舞 今天3:00-5:00 古槐社区", pub("2026-11-29T15:00:00+08:00", "2026-11-29T17:00:00+08:00", gh, gh)},
		{"month-day long past is next year", "发布活动 广场舞 9月1日 9:00 古槐社区", pub("2027-09-01T09:00:00+08:00", "", gh, gh)},
		{"month-day just past is refused", "发布活动 广场舞 11月1日 9:00 古槐社区",
			Result{Intent: PublishActivity, Title: "广场舞", Start: "2026-11-01T09:00:00+08:00", Place: gh, Problem: ProblemBadTime}},
		{"slashed date", "发布活动 广场舞 2026/12/5 9:30 古槐社区", pub(dec5at0930, "", gh, gh)},
		{"evening shorthand", "发布活动 广场舞 今晚7点 古槐社区", pub("2026-11-29T19:00:00+08:00", "", gh, gh)},
		{"date without time", "发布活动 敬老院包饺子 12月5日 古槐社区敬老院",
			Result{Intent: PublishActivity, Title: "敬老院包饺子", Place: "古槐社区敬老院", Missing: []string{FieldStart}, Problem: ProblemNoTime}},
		{"end before start", "发布活动 敬老院包饺子 12月5日 16:00-14:00 古槐社区敬老院",
			Result{Intent: PublishActivity, Title: "敬老院包饺子", Start: dec5at16, End: dec5at14, Place: "古槐社区敬老院", Problem: ProblemBadTime}},
		{"start already past", "发布活动 广场舞 今天上午9点 古槐社区",
			Result{Intent: PublishActivity, Title: "广场舞", Start: "2026-11-29T09:00:00+08:00", Place: gh, Problem: ProblemBadTime}},
		{"impossible date", "发布活动 广场舞 2月30日 9:00 古槐社区",
			Result{Intent: PublishActivity, Title: "广场舞", Place: gh, Problem: ProblemBadTime}},
		{"impossible hour", "发布活动 广场舞 明天 25:00 古槐社区",
			Result{Intent: PublishActivity, Title: "广场舞", Place: gh, Problem: ProblemBadTime}},
		{"publish activity title only", "发布活动 敬老院包饺子",
			Result{Intent: PublishActivity, Title: "敬老院包饺子", Missing: []string{FieldStart, FieldPlace}}},
		{"publish activity alone", "发布活动",
			Result{Intent: PublishActivity, Missing: []string{FieldTitle, FieldStart, FieldPlace}}},

		// publish lecture
		{"publish lecture canonical", "发布讲座 法律知识讲座 每月第一个周六 9:30 古槐社区活动室", lawLecture},
		{"publish lecture arabic nth and 星期", "发布讲座 法律知识讲座 每月第1个星期六 上午9:30 古槐社区活动室", lawLecture},
		{"publish lecture labelled lines", "发布讲座\n标题：法律知识讲座\n时间：每月第一个周六 9:30\n地点：古槐社区活动室", lawLecture},
		{"publish lecture weekly", "发布讲座 健康讲座 每周六 09:30 古槐社区活动室",
			Result{Intent: PublishLecture, Title: "健康讲座", Place: "古槐社区活动室", Description: "每周六 09:30",
				Occurrences: []string{dec5at0930, "2026-12-12T09:30:00+08:00", "2026-12-19T09:30:00+08:00"}}},
		{"publish lecture weekly in chinese numerals", "发布讲座 健康讲座 每个星期六上午九点半 古槐社区活动室",
			Result{Intent: PublishLecture, Title: "健康讲座", Place: "古槐社区活动室", Description: "每周六 09:30",
				Occurrences: []string{dec5at0930, "2026-12-12T09:30:00+08:00", "2026-12-19T09:30:00+08:00"}}},
		{"publish lecture monthly day", "发布讲座 防诈骗讲座 每月1日 14:00 古槐社区活动室",
			Result{Intent: PublishLecture, Title: "防诈骗讲座", Place: "古槐社区活动室", Description: "每月1日 14:00",
				Occurrences: []string{"2026-12-01T14:00:00+08:00", "2027-01-01T14:00:00+08:00", "2027-02-01T14:00:00+08:00"}}},
		{"publish lecture monthly 号 afternoon", "发布讲座 防诈骗讲座 每月1号下午2点 古槐社区活动室",
			Result{Intent: PublishLecture, Title: "防诈骗讲座", Place: "古槐社区活动室", Description: "每月1日 14:00",
				Occurrences: []string{"2026-12-01T14:00:00+08:00", "2027-01-01T14:00:00+08:00", "2027-02-01T14:00:00+08:00"}}},
		{"publish lecture last friday", "发布讲座 读书分享 每月最后一个周五 晚上7点 古槐社区图书室",
			Result{Intent: PublishLecture, Title: "读书分享", Place: "古槐社区图书室", Description: "每月最后一个周五 19:00",
				Occurrences: []string{"2026-12-25T19:00:00+08:00", "2027-01-29T19:00:00+08:00", "2027-02-26T19:00:00+08:00"}}},
		{"weekly lecture today already past", "发布讲座 消防安全讲座 每周日 9:00 古槐社区",
			Result{Intent: PublishLecture, Title: "消防安全讲座", Place: gh, Description: "每周日 09:00",
				Occurrences: []string{"2026-12-06T09:00:00+08:00", "2026-12-13T09:00:00+08:00", "2026-12-20T09:00:00+08:00"}}},
		{"weekly lecture today still ahead", "发布讲座 消防安全讲座 每周日 15:00 古槐社区",
			Result{Intent: PublishLecture, Title: "消防安全讲座", Place: gh, Description: "每周日 15:00",
				Occurrences: []string{"2026-11-29T15:00:00+08:00", "2026-12-06T15:00:00+08:00", "2026-12-13T15:00:00+08:00"}}},
		{"publish lecture one-off", "发布讲座 法律知识讲座 12月5日 9:30 古槐社区活动室",
			Result{Intent: PublishLecture, Title: "法律知识讲座", Start: dec5at0930, Place: "古槐社区活动室", Occurrences: []string{dec5at0930}}},
		{"publish lecture rule without time", "发布讲座 法律知识讲座 每周六 古槐社区活动室",
			Result{Intent: PublishLecture, Title: "法律知识讲座", Place: "古槐社区活动室", Description: "每周六", Missing: []string{FieldStart}, Problem: ProblemNoTime}},
		{"publish lecture without time", "发布讲座 法律知识讲座 古槐社区活动室",
			Result{Intent: PublishLecture, Title: "法律知识讲座", Place: "古槐社区活动室", Missing: []string{FieldStart}}},

		// envoy check-in and hours
		{"activity checkin", "活动签到 A12", act(ActivityCheckin, "A12")},
		{"activity started lower-case", "活动开始 a12", act(ActivityCheckin, "A12")},
		{"activity checkin without code", "活动签到", act(ActivityCheckin, "")},
		{"activity checkin code first", "A12活动签到", act(ActivityCheckin, "A12")},
		{"confirm hours", "确认时长 A12", act(ConfirmHours, "A12")},
		{"confirm work hours glued lower-case", "确认工时a12", act(ConfirmHours, "A12")},
		{"confirm hours without code", "确认时长", act(ConfirmHours, "")},
		{"confirm hours code first", "A12 确认时长", act(ConfirmHours, "A12")},

		// brand
		{"brand", "品牌 银发守护 为空巢老人提供上门陪伴", Result{Intent: Brand, Title: "银发守护", Description: "为空巢老人提供上门陪伴"}},
		{"service brand with colon", "服务品牌：银发守护，为空巢老人提供上门陪伴", Result{Intent: Brand, Title: "银发守护", Description: "为空巢老人提供上门陪伴"}},
		{"register brand name only", "登记品牌 银发守护", Result{Intent: Brand, Title: "银发守护"}},
		{"brand with labels", "品牌 品牌名称：银发守护 简介：为空巢老人提供上门陪伴，每周两次",
			Result{Intent: Brand, Title: "银发守护", Description: "为空巢老人提供上门陪伴,每周两次"}},
		{"brand on two lines", "品牌 银发守护\n为空巢老人提供上门陪伴", Result{Intent: Brand, Title: "银发守护", Description: "为空巢老人提供上门陪伴"}},
		{"brand alone", "品牌", Result{Intent: Brand, Missing: []string{FieldTitle}}},

		// import 接龙
		{"import 接龙", "导入 A12\n#接龙\n敬老院包饺子\n1. 张三\n2、李四 13812345678\n3 王五（带家属）",
			Result{Intent: Import, Activity: "A12", Names: []string{"张三", "李四 13812345678", "王五"}}},
		{"import with example and empty entry", "导入 a12\n#接龙\n12月5日敬老院包饺子\n例 张三 13800000000\n\n1. 张三\n2. \n3. 李四\n4. 王五 138-1234-5678",
			Result{Intent: Import, Activity: "A12", Names: []string{"张三", "李四", "王五 13812345678"}}},
		{"import glued numbering and remarks", "导入A12\n#接龙\n1.张三（家属2人）\n2.李四\n3.王五 电话13912345678",
			Result{Intent: Import, Activity: "A12", Names: []string{"张三", "李四", "王五 13912345678"}}},
		{"import crlf split code and unclosed remark", "导入 A 12\r\n#接龙\r\n1. 买买提·艾力\r\n2. 李四(已交费)",
			Result{Intent: Import, Activity: "A12", Names: []string{"买买提·艾力", "李四"}}},
		{"pasted 接龙 without import", "#接龙\n1. 张三\n2. 李四",
			Result{Intent: Import, Names: []string{"张三", "李四"}, Missing: []string{FieldActivity}}},
		{"import without list", "导入 A12", Result{Intent: Import, Activity: "A12", Missing: []string{FieldNames}}},

		// progress
		{"progress", "进度", Result{Intent: Progress}},
		{"my progress", "我的进度", Result{Intent: Progress}},
		{"completion", "完成情况", Result{Intent: Progress}},
		{"view progress", "查看进度", Result{Intent: Progress}},
		{"polite progress question", "请问我的进度怎么样", Result{Intent: Progress}},

		// cancel lecture
		{"cancel lecture", "取消讲座 L3", Result{Intent: CancelLecture, Code: "L3"}},
		{"cancel lecture split lower-case", "取消讲座 l 3", Result{Intent: CancelLecture, Code: "L3"}},
		{"cancel lecture code first", "L3讲座取消", Result{Intent: CancelLecture, Code: "L3"}},
		{"cancel lecture without code", "取消讲座", Result{Intent: CancelLecture, Missing: []string{FieldCode}}},

		// code before the command, keyword mid-sentence
		{"code before the command with details", "A12，报名，张三，13812345678，古槐社区",
			Result{Intent: Signup, Activity: "A12", Name: "张三", Phone: "13812345678", Community: gh}},
		{"code before activity started", "A12活动开始了", act(ActivityCheckin, "A12")},
		{"checkin mid-sentence", "我已到达，签到A12", act(Checkin, "A12")},
		{"glued labels in one line", "发布活动 敬老院包饺子，时间12月5日下午2点-4点，地点古槐社区敬老院，名额20人，类别关爱困难群体",
			Result{Intent: PublishActivity, Title: "敬老院包饺子", Start: dec5at14, End: dec5at16, Place: "古槐社区敬老院", Category: "关爱困难群体", Quota: 20}},
		{"import pasted on one line", "导入 A12 #接龙 1. 张三 2. 李四 13812345678 3. 王五",
			Result{Intent: Import, Activity: "A12", Names: []string{"张三", "李四 13812345678", "王五"}}},
		{"subscription account is not a subscription", "订阅号", Result{Intent: Unknown}},
		{"lectures by date keep no community", "讲座 每周六", Result{Intent: Lectures}},
		{"subscribe to all", "订阅讲座 全部", Result{Intent: Subscribe}},

		// delete account
		{"delete account", "注销账号", Result{Intent: DeleteAccount}},
		{"delete my data", "删除我的数据", Result{Intent: DeleteAccount}},
		{"i want to deregister", "我要注销", Result{Intent: DeleteAccount}},
		{"deregister my account politely", "注销 我的账号，谢谢", Result{Intent: DeleteAccount}},

		// found by QA with messages nobody had tried
		{"qa: a title ending in a digit keeps the date and time", "发布活动 读书会3 12月5日 14:00-16:00 古槐社区图书室 时代新风",
			Result{Intent: PublishActivity, Title: "读书会3", Start: dec5at14, End: dec5at16, Place: "古槐社区图书室", Category: "时代新风"}},
		{"qa: bare phone label does not swallow the community", "注册 张三丰 手机号 13812345678 古槐社区", Result{Intent: Register, Name: "张三丰", Phone: "13812345678", Community: gh}},
		{"qa: 住 labels the community", "报名A12，我叫李秀英，电话13912345678，住古槐社区",
			Result{Intent: Signup, Activity: "A12", Name: "李秀英", Phone: "13912345678", Community: gh}},
		{"qa: registration keyword at the end", "我叫张三，手机13812345678，古槐社区的，想注册志愿者", Result{Intent: Register, Name: "张三", Phone: "13812345678", Community: gh}},
		{"qa: elderly resident's long registration", "你好，我叫王秀兰，今年68了，住在古槐社区，电话13912345678，想当志愿者",
			Result{Intent: Register, Name: "王秀兰", Phone: "13912345678", Community: gh}},
		{"qa: name typed apart", "注册 张 三 13812345678 古槐社区", Result{Intent: Register, Name: "张三", Phone: "13812345678", Community: gh}},
		{"qa: gender before the name", "注册 男 张三 13812345678 古槐社区", Result{Intent: Register, Name: "张三", Phone: "13812345678", Community: gh}},
		{"qa: wanting to volunteer asks for the form", "我想当志愿者", Result{Intent: Register, Missing: []string{FieldName, FieldPhone, FieldCommunity}}},
		{"qa: me too wants to join", "我也想参加A12", a12},
		{"qa: group-chat +1 after the code", "A12 +1", a12},
		{"qa: group-chat +1 before the code", "+1 A12", a12},
		{"qa: 报 for 报名", "报A12", a12},
		{"qa: 报一个", "A12报一个", a12},
		{"qa: 报销 is not a sign-up", "报销A12", Result{Intent: Unknown}},
		{"qa: +86 number is not +1", "+13812345678", Result{Intent: Unknown}},
		{"qa: code and details without the keyword", "A12 李秀英 13912345678", Result{Intent: Signup, Activity: "A12", Name: "李秀英", Phone: "13912345678"}},
		{"qa: not going, code in the middle", "我不参加A12了", c12},
		{"qa: what did I sign up for", "我报名了哪些活动", Result{Intent: MySignups}},
		{"qa: what did I sign up for, colloquial", "我都报了啥", Result{Intent: MySignups}},
		{"qa: arrived with code after", "A12到了", act(Checkin, "A12")},
		{"qa: arrived with code", "我到了A12", act(Checkin, "A12")},
		{"qa: arrived without code", "我到了", act(Checkin, "")},
		{"qa: 签个到", "签个到A12", act(Checkin, "A12")},
		{"qa: confirm split around the code", "确认A12时长", act(ConfirmHours, "A12")},
		{"qa: how many hours do I have", "我有多少时长？", Result{Intent: MyHours}},
		{"qa: look up my hours", "查一下我的服务时长", Result{Intent: MyHours}},
		{"qa: any lectures?", "最近有讲座吗", Result{Intent: Lectures}},
		{"qa: any lectures, short", "有讲座吗？", Result{Intent: Lectures}},
		{"qa: no more lecture notices", "不想收讲座通知了", Result{Intent: Unsubscribe}},
		{"qa: activities of a kind as a question", "有敬老的活动吗", Result{Intent: Activities, Category: "关爱困难群体"}},
		{"qa: activities on a day", "周六有什么活动", Result{Intent: Activities}},
		{"qa: date with its weekday glued", "发布活动 敬老院包饺子 12月5日周六14:00-16:00 古槐社区敬老院 关爱困难群体 名额20", dumplings},
		{"qa: date with its weekday in brackets", "发布活动 敬老院包饺子 12月5日（周六）下午2点到4点 古槐社区敬老院 关爱困难群体 名额20", dumplings},
		{"qa: weekday with its date in brackets", "发布活动 敬老院包饺子 下周六(12.5) 14:00-16:00 古槐社区敬老院 关爱困难群体 名额20", dumplings},
		{"qa: import circled numbers", "导入 A12\n#接龙\n周六活动\n① 张三\n② 李四\n③ 王五",
			Result{Intent: Import, Activity: "A12", Names: []string{"张三", "李四", "王五"}}},
		{"qa: import mobile in brackets", "导入 A12\n#接龙\n1.张三(13812345678)\n2.李四【已交】",
			Result{Intent: Import, Activity: "A12", Names: []string{"张三 13812345678", "李四"}}},
		{"qa: import building numbers and companions", "导入 A12\n#接龙\n1. 3号楼 张三\n2. 5-201 李四\n3. 7栋王五\n4. 孙八家属\n5. 赵六+家属\n6. 钱七+1",
			Result{Intent: Import, Activity: "A12", Names: []string{"张三", "李四", "王五", "孙八", "赵六", "钱七"}}},
		{"qa: import two people on one line and a split name", "导入 A12\n#接龙\n1. 张三、李四\n2. 王 五",
			Result{Intent: Import, Activity: "A12", Names: []string{"张三", "李四", "王五"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Parse(tt.text, fixedNow)
			if !reflect.DeepEqual(got, withRecurrence(t, tt.want)) {
				t.Errorf("Parse(%q)\n got %+v\nwant %+v", tt.text, got, tt.want)
			}
		})
	}
}

package intent

import (
	"regexp"
	"strings"
	"unicode/utf8"
)

// The lexicon: how people really say what the keyword table says formally.
// It is data — adding a phrasing means adding words here, not code.

// slips are the input-method slips and traditional characters people send
// for a command's words; they are folded to the right word before anything
// else reads the message (抱名 → 报名, 签倒 → 签到, 下一頁 → 下一页).
var slips = strings.NewReplacer(
	"抱名", "报名", "报明", "报名", "保名", "报名",
	"签倒", "签到", "签道", "签到",
	"签推", "签退", "签腿", "签退",
	"讲坐", "讲座", "将座", "讲座",
	"时常", "时长",
	"登陆", "登录",
	"注消", "注销",
	"取箫", "取消",
	"订越", "订阅",
	"頁", "页", "報", "报", "講", "讲", "動", "动", "訂", "订", "閱", "阅",
	"簽", "签", "進", "进", "區", "区", "後", "后", "臺", "台", "註", "注", "銷", "销",
	"長", "长", "時", "时", "幫", "帮", "隊", "队", "務", "务", "願", "愿", "參", "参",
	"個", "个", "們", "们", "這", "这", "麼", "么",
	"俺们", "我们", "俺", "我", "咱们", "我们",
)

// reMeasure folds a measure word between a command's verb and its object:
// 发布一个讲座 → 发布讲座, 建一支队伍 → 建队伍, 报个名 stays a keyword.
var reMeasure = regexp.MustCompile(`(发布|发|新建|创建|添加|组织|举办|建|成立|组建|建立|设置|设立)(一个|一支|一场|一次|个|支|场|次)(活动|讲座|志愿者队伍|志愿者团队|队伍|团队|志愿队|志愿服务队|队|联系点)`)

// commandVerbs may stand before an object keyword ("设置联系点") that the
// table lists bare or with other verbs.
var commandVerbs = []string{"设置", "设立", "建立", "添加", "登记", "新建", "创建", "成立", "组建", "建"}

// greetingsOnly are whole messages that only say hello or ask whether
// anyone is there: the welcome with the menu answers them.
var greetingsOnly = []string{
	"早上好", "上午好", "中午好", "下午好", "晚上好", "早安", "午安", "晚安", "早", "老师好", "同志好",
	"各位好", "大家好", "有人吗", "有人在吗", "在不在", "有没有人", "有人没", "你好在吗", "请问有人吗", "请问有人在吗", "人呢",
}

// frame is one way to say an intent without its keyword: every group must
// have one of its words in the message, and no veto word may be there. A
// frame also says which code the intent takes.
type frame struct {
	intent string
	all    [][]string
	veto   []string
	// code: 0 when the intent takes no code (a message with an activity
	// code is then not this frame), otherwise the letter of the code it
	// takes, which may be missing.
	code byte
	// maxRunes, when set, bounds the message: short phrases only ("还有吗").
	maxRunes int
}

// Word groups the frames share.
var (
	wMe         = []string{"我", "本人", "自己", "俺"}
	wHours      = []string{"多长时间", "多少时间", "时长", "工时", "小时", "多久", "钟头", "服务时间", "志愿时间"}
	wHoursAsk   = []string{"多少", "多久", "几个", "几小时", "查", "看", "累计", "一共", "总共", "服务了", "干了", "做了", "有"}
	wSignedUp   = []string{"报过", "报了", "报名的", "报名了", "报上了", "报名成功", "报的", "报名过", "参加过", "报上没"}
	wLecture    = []string{"讲座", "讲堂", "讲课", "课堂"}
	wLectureAsk = []string{
		"有什么", "有哪些", "有没有", "有吗", "有讲座", "什么时候", "哪些", "安排", "啥时候", "几点", "在哪", "想听", "去听",
		"听听", "参加", "查", "看看", "列表", "最近", "近期", "哪天", "时间",
	}
	// wNot negates what follows: "千万别注销", "我不想删除我的信息" ask
	// for nothing to be deleted.
	wNot        = []string{"别", "不要", "不想", "千万", "不用", "不必", "不是要", "没想", "勿", "不会"}
	wHow        = []string{"怎么", "咋", "如何", "怎样", "怎么样才能"}
	wNotice     = []string{"通知", "消息", "提醒", "推送"}
	wStop       = []string{"不要", "别", "不想", "不再", "取消", "关闭", "停止", "停了", "退订", "不用", "甭"}
	wTellMe     = []string{"通知我", "告诉我", "提醒我", "订阅", "订一下", "订个", "帮我订", "我要订", "推送给我", "发给我"}
	wActivity   = []string{"活动", "志愿服务", "服务项目"}
	wWhatIsOn   = []string{"推荐", "找点", "找个", "有什么", "有哪些", "有啥", "有没有", "有吗", "可以参加", "能参加", "可以去", "能去", "列表", "哪些", "啥时候有", "有活动"}
	wCanJoin    = []string{"可以参加", "能参加", "可以去", "能去", "可以报", "能报"}
	wWhatAny    = []string{"有什么", "有啥", "有没有", "哪些", "有哪些"}
	wArrived    = []string{"现场了", "签个到", "到现场了", "到现场", "在现场了", "已到场", "到场了", "到达", "已到", "到了", "我来了", "打卡", "报到"}
	wLeaving    = []string{"我走了", "先走了", "要走了", "走了", "撤了", "回去了", "结束了", "收工", "完事了"}
	wJoinMe     = []string{"也报一个", "报一个", "也报", "带我一个", "算我一个", "加我一个", "我也去", "我去", "帮我报上", "给我报上", "报上", "给我报", "算上我", "加上我", "我也来", "我来参加"}
	wCantGo     = []string{"参加不了", "去不了", "来不了", "退掉", "不去了", "不参加了", "不能参加", "不能去", "去不成", "参加不成", "退了"}
	wDelete     = []string{"删掉", "删除", "删了", "注销", "清除", "清空", "抹掉"}
	wMyData     = []string{"信息", "资料", "数据", "账号", "帐号", "记录"}
	wQuit       = []string{"不当志愿者", "不做志愿者", "退出志愿者", "不想当志愿者", "不想做志愿者", "退出志愿服务"}
	wProgress   = []string{"进度", "指标", "任务", "考核", "目标"}
	wProgAsk    = []string{"咋样", "如何", "完成", "差", "到哪", "多少", "看", "查", "怎么样", "情况"}
	wMore       = []string{"往下翻", "翻翻", "往下看", "下面的", "还有别的", "还有没", "别的呢", "下一页", "下页", "翻页", "更多", "后面的", "还有吗", "还有没有", "再来一页", "接着", "继续看"}
	wAdmin      = []string{"后台", "管理端", "管理页面", "网页版"}
	wAdminGo    = []string{"登录", "入口", "链接", "进", "打开", "地址", "网址"}
	wHowTo      = []string{"菜单", "怎么用", "怎么操作", "怎么弄", "怎么玩", "能干什么", "能干啥", "能做什么", "能做啥", "有什么功能", "有哪些功能", "什么功能", "不会用", "怎么使用", "使用说明", "有没有说明", "教教我", "咋用", "干什么用的", "干嘛用的", "是干什么的"}
	wInvite     = []string{"邀请码", "激活码", "绑定"}
	wConfirm    = []string{"确认"}
	wHoursWord  = []string{"时长", "工时"}
	wCancelWord = []string{"取消", "退掉", "不去", "不参加"}
)

// frames are tried in order once no keyword matched; the more specific
// come first.
var frames = []frame{
	{intent: Help, all: [][]string{wHowTo}, veto: []string{"报名", "签到", "签退", "注册", "讲座", "后台"}},
	{intent: AdminLogin, all: [][]string{wAdmin, wAdminGo}},
	{intent: ContactPoint, all: [][]string{{"联系点"}, {"设为", "设成", "作为", "当作", "定为", "确定为", "选", "是", "加为", "加成", "添加为", "登记为", "作"}}},
	{intent: Brand, all: [][]string{{"品牌"}, {"叫", "是", "名为", "名叫", "名称"}}},
	{intent: Bind, all: [][]string{wInvite}},
	// "怎么注册": asking how is asking for the form, which the command
	// without its fields answers; 注销 is explained, never done, on a question.
	{intent: Help, all: [][]string{wHow, {"注销", "删除账号", "删除信息"}}},
	{intent: Cancel, all: [][]string{wHow, {"取消报名", "退报名", "取消"}}, code: activityLetter},
	{intent: Register, all: [][]string{wHow, {"注册", "当志愿者", "成为志愿者"}}},
	{intent: Signup, all: [][]string{wHow, {"报名", "参加"}}, code: activityLetter},
	{intent: Subscribe, all: [][]string{wHow, {"订阅"}}},
	{intent: Checkin, all: [][]string{wHow, {"签到"}}, code: activityLetter},
	{intent: Checkout, all: [][]string{wHow, {"签退"}}, code: activityLetter},
	{intent: Unsubscribe, all: [][]string{wLecture, wNotice, wStop}},
	{intent: Subscribe, all: [][]string{wLecture, wTellMe}, veto: wStop},
	{intent: Lectures, all: [][]string{wLecture, wLectureAsk}, veto: []string{"取消", "发布", "退订", "订阅", "太好", "不错", "辛苦", "感谢", "谢谢"}},
	{intent: DeleteAccount, all: [][]string{wQuit}, veto: append([]string{"报名", "活动"}, wNot...)},
	{intent: DeleteAccount, all: [][]string{wDelete, wMyData}, veto: append([]string{"报名", "活动"}, wNot...)},
	{intent: ConfirmHours, all: [][]string{wConfirm, wHoursWord}, code: activityLetter},
	{intent: Cancel, all: [][]string{wCantGo}, code: activityLetter},
	{intent: Checkout, all: [][]string{wLeaving}, code: activityLetter, veto: []string{"报名", "活动结束了吗"}},
	{intent: Checkin, all: [][]string{wArrived}, code: activityLetter},
	{intent: Signup, all: [][]string{wJoinMe}, code: activityLetter},
	{intent: TeamJoin, all: [][]string{{"入队", "加入", "进队", "参加", "进"}}, code: teamLetter},
	{intent: MySignups, all: [][]string{wMe, wSignedUp}, veto: []string{"取消", "不去", "不参加"}},
	{intent: MySignups, all: [][]string{wMe, {"有活动", "有没有活动", "有报名", "有个活动", "有一个活动", "有啥活动要参加"}}},
	{intent: MyHours, all: [][]string{wHours, wHoursAsk}, veto: []string{"讲座", "活动时间", "什么时候"}},
	{intent: Progress, all: [][]string{wProgress, wProgAsk}},
	{intent: Activities, all: [][]string{wActivity, wWhatIsOn}},
	{intent: Activities, all: [][]string{wCanJoin, wWhatAny}},
	{intent: More, all: [][]string{wMore}, maxRunes: 8},
	// Issue 14: "我要开个志愿服务证明", "能不能给我出个时长证明".
	{intent: MyCertificate, all: [][]string{{"证明"}, {"开", "出具", "出个", "打印", "下载", "申请", "要个", "要一份", "给我"}}, veto: []string{"身份证", "证明人", "证明材料"}},
}

// compactWords are the bare commands someone may type with spaces between
// the characters ("进 度", "注 销", "帮　助").
func compact(s string) string {
	return strings.Map(func(r rune) rune {
		if r == ' ' {
			return -1
		}
		return r
	}, s)
}

// soundAlikes are characters an input method offers for the same sound
// (bǎo: 报抱保宝). A keyword typed with one of them in place of its own
// character is still the keyword: 帮定 is 绑定, 入对 入队, 定阅 订阅.
var soundAlikes = []string{
	"报抱保宝豹", "到倒道", "退褪推腿", "座坐做", "长常", "录陆入", "注住助驻", "册策侧测",
	"销消", "订定顶", "阅越悦", "绑帮邦", "队对兑", "联连", "签前千", "时实石", "讲将",
	"名明民", "删山", "导倒", "程成", "问文", "动冻", "布不部步", "发法", "码马", "激急",
	"活火", "务物", "志至", "愿原院", "品拼", "牌排", "度渡", "进近", "认任", "确却",
}

// alike maps each character of soundAlikes to the characters it may stand
// for.
var alike = func() map[rune]string {
	m := map[rune]string{}
	for _, g := range soundAlikes {
		for _, r := range g {
			m[r] += g
		}
	}
	return m
}()

// soundsLike reports whether s starts with keyword typed with at most one
// sound-alike character in place of its own, and returns the length of
// that prefix in s. Keywords of fewer than two characters never match.
func soundsLike(s, keyword string) (int, bool) {
	if runeCount(keyword) < 2 {
		return 0, false
	}
	slips, i := 0, 0
	for _, k := range keyword {
		if i >= len(s) {
			return 0, false
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r != k {
			if slips > 0 || !strings.ContainsRune(alike[r], k) {
				return 0, false
			}
			slips++
		}
		i += size
	}
	return i, slips == 1
}

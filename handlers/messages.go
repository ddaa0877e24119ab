package handlers

// Every sentence envoybot says in chat lives here, so that it can be read
// and changed in one place. %s/%d verbs are filled by the handlers.

// Catalogue is the set of reply texts.
type Catalogue struct {
	Busy, Welcome, WelcomeBack, Unsupported, Image, Location, MenuUnknown, ScanUnknown string
	Unknown, NotYet                                                                    string
	// Chatter answers laughter and stickers, DidYouMean a near-miss,
	// VoiceHeard opens the reply to a voice message, VoiceUnheard answers
	// one WeChat did not transcribe.
	Chatter, DidYouMean, VoiceHeard, VoiceUnheard                  string
	HelpResident, HelpVolunteer, HelpEnvoy, HelpAdmin              string
	RegisterMissing, RegisterBadPhone, Registered, RegisterUpdated string
	FieldNames                                                     map[string]string

	// Roles and forms.
	ForEnvoys, ForAdminsOrOwner, NeedRegister, MissingForm, BadTime, PastTime string
	// PublishNoCommunity answers a publication whose community cannot be
	// told: no known community in the place, no contact point.
	PublishNoCommunity string

	// Activities and sign-ups.
	ActivityNotFound, ActivityNotOpen, SignupClosed, SignupSeated, SignupWaitlisted     string
	SignupAlreadySeated, SignupAlreadyWaitlisted, SignupRegisteredFirst                 string
	CancelDone, CancelNotSignedUp, CancelTooLate, Promoted                              string
	MySignupsNone, MySignupsHeader, MySignupSeated, MySignupWaitlisted                  string
	ActivitiesNone, ActivitiesHeader, ActivityLine, UnknownCategory, MoreHint, MoreLeft string
	MoreHeader, NoMore, AndMore                                                         string
	PublishedQR, PublishedNoQR, DefaultDuration, VenueSet                               string
	HeldRecorded, HeldPhotoSaved                                                        string

	// Check-in and hours.
	CheckinWhich, CheckinNotSignedUp, CheckinWindow, CheckinDone, CheckinAgain, CheckinFar string
	CheckoutNotIn, CheckoutDone, CheckoutTooEarly, LocationNoActivity                      string
	HoursNone, HoursHeader, HoursLine, HoursTotal                                          string
	ConfirmNone, ConfirmDone, ConfirmPending, ConfirmFlagged                               string

	// Lectures.
	LecturesNone, LecturesHeader, LectureLine, SubscribeWhich, Subscribed, AlreadySubscribed string
	Unsubscribed, UnsubscribedNone, LecturePublished, LectureNotFound, LectureCancelled      string
	LectureCancelledNotice                                                                   string

	// Envoys.
	BindUnknown, BindUsed, BindExpired, BindTooMany, BindDoneEnvoy, BindDoneAdmin     string
	ContactPointAdded, ContactPointExists, ContactPointFirst                          string
	TeamCreated, TeamNotFound, TeamJoined, TeamAlreadyIn                              string
	BrandSet, BrandUpdated                                                            string
	ProgressHeader, ProgressTarget, ProgressLines, ProgressHours, ProgressNoPhase     string
	ImportDone, ImportNone, ImportAdded, ImportWaitlisted, ImportKnown, ImportMiss    string
	ImportAmbiguous                                                                   string
	Deleted                                                                           string
	PhoneTaken, SignupBadPhone, TeamByName, TeamExists, CheckinWhichOf, CheckoutWhich string
	CheckoutWhichOf, CheckoutConfirmed, NothingToDelete                               string
	AdminOnly, AdminLink, AdminLinkPath                                               string

	// 接龙 import: a person matched by mobile under another stored name is
	// named as typed, with this note instead of the stored name.
	ImportMobileMatched string
	// Companions (issue 15): 报名 A12 带2人 and a 接龙 "+1".
	SignupCompanions, SignupTooManyCompanions, ImportCompanions string
	// Drafts and the publish echo (issue 10 item 3, "never a silent wrong
	// guess"): questions for what a 发布活动/发布讲座 lacks, refusals of a
	// time that cannot be, and the reply that shows every field read.
	DraftAsk, DraftAskClock, DraftKept, DraftNotKept, DraftCancelled string
	DraftPast, DraftEndBeforeStart, DraftNoSuchTime, DraftBadTime    string
	DraftFieldNames                                                  map[string]string
	ActivityEcho, EchoNote, NoCategory, NoQuota                      string
}

// Text is the message catalogue.
var Text = Catalogue{
	Busy:         "系统繁忙，请稍后再试。",
	Welcome:      "欢迎关注“让社区更美好——和谐使者在行动”！\n回复“注册 姓名 手机号 社区”成为志愿者，例如：\n注册 张三 13812345678 古槐社区\n回复“活动”看看最近的志愿活动，回复“帮助”查看全部功能。",
	WelcomeBack:  "欢迎回来！回复“帮助”查看可用功能。",
	Unsupported:  "暂时只能看懂文字、语音、位置和图片消息。回复“帮助”查看可用功能。",
	Image:        "已收到图片。回复“帮助”查看可用功能。",
	Location:     "已收到您的位置。签到请回复“签到 活动编号”，例如：签到 A12",
	MenuUnknown:  "这个菜单暂不可用，回复“帮助”查看可用功能。",
	ScanUnknown:  "这个二维码暂时无法识别，回复“帮助”查看可用功能。",
	Chatter:      "😊 有需要随时回复“帮助”查看可用功能。",
	DidYouMean:   "您是不是想：%s？\n是的话请直接回复这句话。",
	VoiceHeard:   "您说的是：“%s”",
	VoiceUnheard: "没能听清这条语音，请再说一遍，或直接打字。回复“帮助”查看可用功能。",
	Unknown:      "抱歉，没看懂这条消息。\n报名活动：报名 A12\n注册志愿者：注册 张三 13812345678 古槐社区\n回复“帮助”查看全部功能。",
	NotYet:       "这个功能即将开放，敬请期待。回复“帮助”查看现在可用的功能。",

	HelpResident: "【让社区更美好——和谐使者在行动】\n" +
		"· 注册志愿者：注册 张三 13812345678 古槐社区\n" +
		"· 看活动：活动（或 活动 心理疏导）\n" +
		"· 报名：报名 A12（未注册可：报名 A12 张三 13812345678）\n" +
		"· 看讲座：讲座 古槐社区\n" +
		"· 讲座提醒：订阅讲座 古槐社区 / 退订讲座\n" +
		"· 需要帮助：求助 家里老人想理发 古槐社区 周六上午（也可发语音）\n" +
		"· 使者绑定：绑定 邀请码",
	HelpVolunteer: "【志愿者帮助】\n" +
		"· 看活动：活动（或 活动 心理疏导）\n" +
		"· 报名 A12（带家属：报名 A12 带2人）/ 取消报名 A12 / 我的报名\n" +
		"· 签到 A12 / 签退 A12（也可扫活动二维码或发送位置）\n" +
		"· 我的时长 / 我的积分 / 漏签补录：补录 A12 14:00-16:00 忘记签到\n" +
		"· 居民求助：接单 R12 / 签到 R12 / 签退 R12；为老人代办：代办 求助 王奶奶 13812345678 想理发 古槐社区 周六上午\n" +
		"· 实名登记（开证明需要）：实名 / 开证明：我的证明\n" +
		"· 加入队伍：入队 T3\n" +
		"· 讲座 / 订阅讲座 古槐社区 / 退订讲座\n" +
		"· 修改资料：注册 张三 13812345678 古槐社区\n" +
		"· 删除个人信息：注销",
	HelpEnvoy: "【和谐使者帮助】\n" +
		"· 联系点 古槐社区\n" +
		"· 建队 古槐银发志愿队\n" +
		"· 发布活动 敬老院包饺子 12月5日 14:00-16:00 古槐社区敬老院 关爱困难群体 名额20\n" +
		"· 发布讲座 法律知识讲座 每月第一个周六 9:30 古槐社区活动室\n" +
		"· 活动签到 A12（10分钟内可发现场照片）\n" +
		"· 确认时长 A12 / 补录审核：补录、同意补录 B3、驳回补录 B3 原因\n" +
		"· 居民求助：派单 R12 张三 / 确认时长 R12 / 代办 求助 …\n" +
		"· 培训 张三 急救知识培训 11月5日 3小时 / 表彰 张三 优秀志愿者 / 评价 张三 优秀 服务认真\n" +
		"· 导入 A12（下一行起粘贴群接龙）\n" +
		"· 品牌 银发守护 为空巢老人提供上门陪伴\n" +
		"· 修改活动 A12 12月7日 14:00-16:00（或 地点、名额）\n" +
		"· 取消活动 A12 原因 / 取消讲座 L3（整个系列）/ 取消讲座 L3 12月5日（一次）\n" +
		"· 进度\n" +
		"· 志愿者功能：活动、报名 A12、签到 A12、我的时长",
	HelpAdmin: "【管理员帮助】\n" +
		"· 确认时长 A12（任何活动）/ 补录、同意补录 B3\n" +
		"· 培训 / 表彰 / 评价 张三 …\n" +
		"· 修改活动 A12 … / 取消活动 A12 原因 / 取消讲座 L3（任何活动和讲座）\n" +
		"· 导入 A12（下一行起粘贴群接龙）\n" +
		"· 看活动：活动 / 讲座\n" +
		"· 管理后台：回复“登录后台”获取一次性登录链接（邀请码、进度报表与导出）",

	RegisterMissing:  "注册还缺少：%s。\n请按这个格式发送：\n注册 张三 13812345678 古槐社区",
	RegisterBadPhone: "手机号好像不对，请填写11位手机号，例如：\n注册 张三 13812345678 古槐社区",
	Registered:       "注册成功！\n姓名：%s\n手机：%s\n社区：%s\n欢迎加入志愿者队伍，回复“活动”看看可报名的活动。",
	RegisterUpdated:  "资料已更新。\n姓名：%s\n手机：%s\n社区：%s",

	FieldNames: map[string]string{
		"name": "姓名", "phone": "手机号", "community": "社区", "activity": "活动编号",
		"code": "编号", "team": "队伍", "title": "名称", "start": "时间", "end": "结束时间",
		"place": "地点", "category": "类别", "quota": "名额", "names": "接龙名单",
	},

	ForEnvoys:          "“%s”是和谐使者的功能。如果您是和谐使者，请先回复“绑定 邀请码”。",
	ForAdminsOrOwner:   "只有发布活动 %s 的使者或管理员可以这样做。",
	NeedRegister:       "请先注册成为志愿者：\n注册 张三 13812345678 古槐社区\n报名时也可一起填写：报名 A12 张三 13812345678",
	MissingForm:        "还缺少：%s。\n请按这个格式发送：\n%s",
	BadTime:            "结束时间早于开始时间，请检查。例如：\n%s",
	PastTime:           "这个时间已经过去了，请检查日期和时间。例如：\n%s",
	PublishNoCommunity: "不知道这次活动属于哪个社区：请先登记社区联系点（例如“联系点 古槐社区”），或在地点里写上社区名（例如“古槐社区敬老院”），再发一次。",

	ActivityNotFound:        "没有找到活动 %s。回复“活动”查看可报名的活动。",
	ActivityNotOpen:         "活动 %s 已结束或已取消，不能再报名。",
	SignupClosed:            "活动 %s 已开始，报名已截止。",
	SignupSeated:            "报名成功！\n%s\n活动开始前%d分钟起可回复“签到 %s”签到。",
	SignupWaitlisted:        "名额已满，您已进入候补第%d位。\n%s\n有人取消时会自动递补并通知您。",
	SignupAlreadySeated:     "您已报名过活动 %s，无需重复报名。\n%s",
	SignupAlreadyWaitlisted: "您已在活动 %s 的候补名单第%d位。",
	SignupRegisteredFirst:   "已为您注册志愿者（%s，%s）。\n",
	CancelDone:              "已取消报名：%s %s。",
	CancelNotSignedUp:       "您没有报名活动 %s。回复“我的报名”查看。",
	CancelTooLate:           "活动 %s 已开始，不能取消报名了。",
	Promoted:                "好消息！您候补的活动已递补成功：\n%s\n请准时参加，开始前%d分钟起可回复“签到 %s”签到。",
	MySignupsNone:           "您还没有报名即将开始的活动。回复“活动”看看吧。",
	MySignupsHeader:         "您的报名：",
	MySignupSeated:          "%s（已报名）",
	MySignupWaitlisted:      "%s（候补第%d位）",
	ActivitiesNone:          "暂时没有可报名的活动%s。",
	ActivitiesHeader:        "可报名的活动%s：",
	ActivityLine:            "%s %s\n  %s %s｜%s",
	UnknownCategory:         "没有“%s”这个活动类别。可选：%s",
	MoreHint:                "……还有%d条，回复“更多”查看",
	MoreLeft:                "……还有%d条未显示",
	MoreHeader:              "（续）",
	NoMore:                  "没有更多了。",
	AndMore:                 "等%d人",
	PublishedQR:             "签到二维码：%s\n（10分钟内发送活动地点的位置，可开启签到位置核验）",
	PublishedNoQR:           "签到二维码暂时无法生成，请志愿者回复“签到 %s”签到。\n（10分钟内发送活动地点的位置，可开启签到位置核验）",
	DefaultDuration:         "（未写结束时间，按2小时计）",
	VenueSet:                "已设置活动 %s 的签到位置：%s（%d米内）。",
	HeldRecorded:            "已记录活动 %s 开展。10分钟内可发送现场照片（可多张）作为凭证。",
	HeldPhotoSaved:          "已保存活动 %s 的现场照片。",

	CheckinWhich:       "请告诉我活动编号，例如：签到 A12",
	CheckinNotSignedUp: "您没有报名活动 %s，不能签到。先回复“报名 %s”。",
	CheckinWindow:      "活动 %s 的签到时间为 %s 至 %s。",
	CheckinDone:        "签到成功！%s\n活动结束时请回复“签退 %s”。",
	CheckinAgain:       "您已于 %s 签到过活动 %s。",
	CheckinFar:         "\n（您的位置距活动地点约%d米，已提示使者核实）",
	CheckoutNotIn:      "您还没有签到活动 %s。",
	CheckoutDone:       "签退成功！本次服务约 %s 小时，使者确认后计入志愿时长。",
	CheckoutTooEarly:   "活动 %s 还没开始，不能签退。",
	LocationNoActivity: "已收到您的位置。现在没有您可以签到的活动。",
	HoursNone:          "您还没有已确认的志愿服务时长。签退后由使者确认即可计入。",
	HoursHeader:        "您的志愿服务时长（已确认）：",
	HoursLine:          "%s：%s小时（%d次）",
	HoursTotal:         "合计：%s小时",
	ConfirmNone:        "活动 %s 还没有签退记录，暂无可确认的时长。",
	ConfirmDone:        "已确认活动 %s 的服务时长（%d人）：",
	ConfirmPending:     "未签退、时长未确认：%s",
	ConfirmFlagged:     "位置异常，请核实：%s",

	LecturesNone:           "近期没有讲座%s。",
	LecturesHeader:         "近期讲座%s：",
	LectureLine:            "%s %s\n  %s｜%s",
	SubscribeWhich:         "请告诉我要订阅哪个社区的讲座，例如：订阅讲座 古槐社区",
	Subscribed:             "已订阅%s的讲座提醒，讲座前会通知您。回复“退订讲座”可取消。",
	AlreadySubscribed:      "您已订阅过%s的讲座提醒。",
	Unsubscribed:           "已退订讲座提醒（%d个社区）。",
	UnsubscribedNone:       "您没有订阅讲座提醒。",
	LecturePublished:       "讲座已发布：%s %s\n地点：%s\n%s\n近期场次：\n%s\n订阅了%s讲座提醒的居民会收到通知。",
	LectureNotFound:        "没有找到讲座 %s。",
	LectureCancelled:       "已取消讲座 %s %s，已通知过的%d位居民会收到取消通知。",
	LectureCancelledNotice: "【讲座取消】%s（%s）已取消，之前通知的场次不再举行，给您带来不便敬请谅解。",

	BindUnknown:        "邀请码不正确，请核对后重试（每小时最多尝试%d次）。",
	BindUsed:           "这个邀请码已被使用。如有疑问请联系管理员。",
	BindExpired:        "这个邀请码已过期，请联系管理员重新获取。",
	BindTooMany:        "邀请码错误次数过多，请1小时后再试。",
	BindDoneEnvoy:      "绑定成功！您已成为%s。\n先登记社区联系点：联系点 古槐社区\n回复“帮助”查看使者功能。",
	BindDoneAdmin:      "绑定成功！您已成为管理员。回复“帮助”查看管理员功能。",
	ContactPointAdded:  "已登记社区联系点：%s。下一步可以组建志愿者队伍：建队 队伍名称",
	ContactPointExists: "您已登记过联系点：%s。",
	ContactPointFirst:  "请先登记社区联系点：联系点 古槐社区",
	TeamCreated:        "队伍已成立：%s %s（%s）。\n志愿者回复“入队 %s”即可加入。",
	TeamNotFound:       "没有找到队伍 %s，请核对队伍编号。",
	TeamJoined:         "已加入队伍 %s %s（现有%d人）。",
	TeamAlreadyIn:      "您已是队伍 %s %s 的成员。",
	BrandSet:           "已登记%s的志愿服务品牌：%s。",
	BrandUpdated:       "已更新%s的志愿服务品牌：%s。",
	ProgressHeader:     "【%s 的进度】当前阶段：%s",
	ProgressTarget:     "%s %s（截止%s，%s）",
	ProgressLines:      "活动：%s",
	ProgressHours:      "志愿者%d人，已确认时长%s小时，已开展活动%d次",
	ProgressNoPhase:    "不在活动阶段内",
	ImportDone:         "已导入活动 %s 的接龙名单（共%d人）：",
	ImportNone:         "没有读到接龙名单。请在“导入 A12”的下一行起粘贴，例如：\n导入 A12\n#接龙\n1. 张三\n2. 李四 13812345678",
	ImportAdded:        "报名成功：%s",
	ImportWaitlisted:   "候补：%s",
	ImportKnown:        "已在名单中：%s",
	ImportMiss:         "未找到（请先在本社区注册）：%s",
	ImportAmbiguous:    "重名需确认，请在名字后补充手机号：%s",
	PhoneTaken:         "该手机号已被注册。请用自己的手机号，如有疑问请联系社区使者。",
	SignupBadPhone:     "手机号好像不对，请填写11位手机号，例如：\n报名 %s 张三 13812345678",
	TeamByName:         "请用队伍编号加入，例如：入队 T3（编号可向建队的使者询问）。没有找到“%s”这个编号。",
	TeamExists:         "您已成立过队伍 %s %s，志愿者回复“入队 %s”即可加入。",
	CheckinWhichOf:     "您现在有多个活动可签到：%s。请回复，例如：签到 %s",
	CheckoutWhich:      "请告诉我活动编号，例如：签退 A12",
	CheckoutWhichOf:    "您现在有多个活动可签退：%s。请回复，例如：签退 %s",
	CheckoutConfirmed:  "活动 %s 的服务时长已确认（%s小时），无需再签退。",
	NothingToDelete:    "您没有登记过姓名和手机号，无需注销。取消关注后也不会再收到通知。",
	AdminOnly:          "管理后台只对管理员开放。",
	AdminLink:          "管理后台登录链接（%[2]d分钟内有效，只能用一次，请勿转发）：\n%[1]s",
	AdminLinkPath:      "管理后台登录链接（%[2]d分钟内有效，只能用一次，请勿转发）：\n在服务器地址后打开 %[1]s",
	Deleted:            "您的姓名和手机号已删除，也不会再收到通知。已有的志愿服务记录以匿名方式保留。如需再次参加，重新注册即可。",

	// 接龙 import.
	ImportMobileMatched:     "（手机号已匹配）",
	SignupCompanions:        "（含您带的%d人，共占%d个名额）",
	SignupTooManyCompanions: "一次报名最多带%d人。请分几位志愿者各自报名，或联系活动使者。",
	ImportCompanions:        "（另带%d人）",
	// Drafts and the publish echo (issue 10 item 3).
	DraftAsk:            "还差%s%s，请回复例如“%s”",
	DraftAskClock:       "还差%s的具体钟点，请回复例如“%s”",
	DraftKept:           "（已记下前面的内容，10分钟内回复即可；回复“取消”就不发了）",
	DraftNotKept:        "请把整条消息补全后重新发送，例如：\n%s",
	DraftCancelled:      "好的，这条%s不发了，没有发布。",
	DraftPast:           "%s 已经过去了，请给出以后的时间，例如“%s”",
	DraftEndBeforeStart: "结束时间 %s 早于开始时间 %s，请重新给出时间，例如“%s”",
	DraftNoSuchTime:     "没有%s，请检查日期和时间，例如“%s”",
	DraftBadTime:        "这个日期或时间不存在，请检查，例如“%s”",
	DraftFieldNames:     map[string]string{"title": "名称", "start": "时间", "place": "地点"},
	ActivityEcho:        "活动已发布：%s %s\n日期：%s\n时间：%s\n地点：%s\n类别：%s\n名额：%s\n%s志愿者回复“报名 %s”即可报名。\n",
	EchoNote:            "说明：%s（未能归入其他项的文字，请核对）\n",
	NoCategory:          "未分类",
	NoQuota:             "不限",
}

// Communities are a known list (issue 10, item 4): the replies when what a
// user typed is not one of them. Verbs: the words as typed (less a 社区 at
// the end), then the suggestions or the list, then the corrected command.
var CommunityText = struct {
	Unknown, NoneAlike, NoneKnown, AndMore, NewHint, Added, Gone string
}{
	Unknown:   "没有找到“%s”社区，您是指：%s？请回复“%s”",
	NoneAlike: "没有找到“%s”社区。目前开通的社区有：%s。请回复社区全称，例如：%s",
	NoneKnown: "没有找到“%s”社区，目前还没有开通的社区。请联系社区的和谐使者。",
	AndMore:   "等%d个社区",
	NewHint:   "\n如是新的社区，请写全称，例如：联系点 %s社区",
	Added:     "\n“%s”此前不在社区名单中，已新增到社区名单。",
	Gone:      "社区名单刚刚有变动，请再发送一次。",
}

// Envoys change their mind (取消活动, 修改活动, 取消讲座 L3 12月5日): the
// replies and the notices the volunteers and subscribers get. A block of
// its own, so that this feature's sentences read together.

// ChangeCatalogue is the set of texts of envoys changing their mind.
type ChangeCatalogue struct {
	CancelActivityForm, ModifyActivityForm, ModifyWhat                       string
	ActivityCancelled, CancelReason, ActivityAlreadyCancelled, ActivityEnded string
	ActivityIsCancelled, ActivityCancelledNotice, NoticeReason               string
	ActivityModified, ModifyNoChange, ModifyCancelled, ModifyStarted         string
	PlaceTooLong, ChangeTime, ChangePlace, ChangeQuota, NoLimit, Persons     string
	ModifyPromoted, ModifyOverQuota, ActivityChangedNotice                   string
	ChangedSeated, ChangedWaitlisted                                         string
	SessionCancelled, SessionAlreadyCancelled, NoSession, SessionPast        string
	LectureIsCancelled, SessionCancelledNotice                               string
}

// ChangeText is the catalogue of envoys changing their mind.
var ChangeText = ChangeCatalogue{
	CancelActivityForm: "取消活动 A13 原因：暴雪预警",
	ModifyActivityForm: "修改活动 A13 12月7日 14:00-16:00\n修改活动 A13 地点改为古槐社区文化站\n修改活动 A13 名额改成25",
	ModifyWhat:         "请写上要改成什么，例如：\n%s",

	ActivityCancelled:        "已取消活动 %s（%s，%s），已通知报名的%d人和候补%d人。%s",
	CancelReason:             "\n原因：%s",
	ActivityAlreadyCancelled: "活动 %s %s 已于%s取消过了，报名的志愿者都已收到通知。",
	ActivityEnded:            "活动 %s 已结束或已记录开展，不能再取消或修改。",
	ActivityIsCancelled:      "活动 %s %s 已取消，不能报名或签到。回复“活动”看看其他活动。",
	ActivityCancelledNotice:  "【活动取消】很抱歉，您报名的活动 %s %s（%s，%s）取消了。%s\n报名记录会保留，回复“活动”看看其他活动。",
	NoticeReason:             "原因：%s。",

	ActivityModified:      "已修改活动 %s %s：\n%s\n已通知报名的%d人和候补%d人。%s",
	ModifyNoChange:        "活动 %s 没有变化，现在是：\n%s",
	ModifyCancelled:       "活动 %s 已取消，不能修改。",
	ModifyStarted:         "活动 %s 已开始，不能再修改。",
	PlaceTooLong:          "地点太长了，请写在%d个字以内。",
	ChangeTime:            "时间：%s → %s",
	ChangePlace:           "地点：%s → %s",
	ChangeQuota:           "名额：%s → %s",
	NoLimit:               "不限",
	Persons:               "%d人",
	ModifyPromoted:        "\n名额增加，候补的%s已递补并收到通知。",
	ModifyOverQuota:       "\n现已报名%d人，比新名额多%d人；已报名的志愿者都保留名额。",
	ActivityChangedNotice: "【活动变更】您报名的活动 %s %s 有变化：\n%s\n%s\n不能参加请回复“取消报名 %s”。",
	ChangedSeated:         "您的名额保留，请按新的安排参加。",
	ChangedWaitlisted:     "您在候补第%d位，有空位时会自动递补并通知您。",

	SessionCancelled:        "已取消讲座 %s %s 在%s的这一场，其他场次照常。已通知过这一场的%d位居民会收到取消通知。",
	SessionAlreadyCancelled: "讲座 %s 在%s的这一场已取消过了。",
	NoSession:               "讲座 %s 在%s没有场次。回复“讲座”查看近期场次。",
	SessionPast:             "讲座 %s 在%s的这一场已经开始或结束，不能取消。",
	LectureIsCancelled:      "讲座 %s 已整体取消。",
	SessionCancelledNotice:  "【讲座取消】%s 在%s的这一场（%s）取消了，其他场次照常，给您带来不便敬请谅解。",
}

// RulesCatalogue is issue 11's part "rules": one rule per action (hours,
// brands, targets) and the limits on fields and publishing.
type RulesCatalogue struct {
	// FieldLabels names store.Field keys for people.
	FieldLabels                     map[string]string
	FieldTooLong, FieldTooLongPlain string
	PublishCap                      string
	ConfirmNotEnded, ConfirmKept    string
	CorrectedMark                   string
	BrandHeld, BrandReassigned      string
	AnotherEnvoy                    string
	ProgressWhy, WhyNoContactPoint  string
	WhyNoTeam, WhyTeamEmpty         string
	WhyNoBrand                      string
}

// RulesText is the catalogue of part "rules".
var RulesText = RulesCatalogue{
	FieldLabels: map[string]string{
		"name": "姓名", "team name": "队名", "brand name": "品牌名称",
		"title": "标题", "place": "地点", "brand description": "品牌介绍",
	},
	FieldTooLong:      "%s最多%d个字，现在是%d个字，请改短后重新发送。",
	FieldTooLongPlain: "%s最多%d个字，请改短后重新发送。",
	PublishCap:        "今天你已发布%d场活动和讲座，每位使者每天最多发布%d场（活动和讲座合计），请明天再发布。确需多发请联系管理员。",

	ConfirmNotEnded: "活动 %s 还没有结束（%s结束），结束后才能确认时长。",
	ConfirmKept:     "管理员已在后台更正的时长保留不变，没有用签到签退时间覆盖：%s",
	CorrectedMark:   "（后台更正）",

	BrandHeld:       "%s的志愿服务品牌“%s”由%s登记，品牌归登记它的使者，不能由其他使者更改。如需转交，请联系管理员。",
	AnotherEnvoy:    "另一位使者",
	BrandReassigned: "已登记%s的志愿服务品牌：%s。这个品牌原由%s登记，现已转到你名下。",

	ProgressWhy:       "　未达成：%s",
	WhyNoContactPoint: "还没有联系点，发送“联系点 古槐社区”登记",
	WhyNoTeam:         "还没有队伍，发送“建队 队名”建立",
	WhyTeamEmpty:      "队伍%s还没有队员，有队员才算（请队员发送“入队 %s”）",
	WhyNoBrand:        "还没有品牌，发送“品牌 品牌名 简介”登记",
}

// ForgetText are the replies of 注销 added by issue 11 (complete 注销).
var ForgetText = struct {
	AlreadyDeleted string
}{
	AlreadyDeleted: "您的姓名、手机号和位置已经删除过了，没有需要再删除的信息。已有的志愿服务记录以匿名方式保留。",
}

// Issue 11, part 3 (secrets): what a retry of 登录后台 answered from the
// dedup record gets in place of the link, which is never stored.
var SecretText = struct {
	AdminLinkRedacted string
}{
	AdminLinkRedacted: "管理后台登录链接已发出（只能用一次）。如未收到或已失效，请重新发送“登录后台”。",
}

// Texts of issue 11's limits (the follower message limit, the check-in QR
// page).
var (
	// TextTooManyMessages is the one reply a follower gets when first over
	// the message limit in a minute.
	TextTooManyMessages = "您发消息太快了，请休息一分钟再发，这一分钟内的消息暂不处理。"
	// TextQRNotFound and TextQRUnavailable answer the check-in QR link
	// (QRPath) of an unknown activity, or one WeChat cannot make now.
	TextQRNotFound    = "没有找到活动 %s。"
	TextQRUnavailable = "活动 %s 的签到二维码暂时无法生成，请稍后刷新；志愿者也可以回复“签到 %s”签到。"
)

// RecordsCatalogue is issue 14's chat: real-name profiles, certificates,
// trainings, awards, evaluations and make-up hours.
type RecordsCatalogue struct {
	RealNameOff, ConsentAsk, ConsentNotKept, ConsentDone, ConsentAgain        string
	RealNameForm, RealNameSaved, RealNameCurrent, RealNameBirth               string
	IDChecksum, IDBirthDate, IDFormat, IDType, IDOld15                        string
	CertNeedsID, CertNoHours, CertBadPeriod, CertIssued, CertIssuedPath       string
	CertPeriodAll, CertPeriod                                                 string
	RecordWho, RecordNotFound, RecordAmbiguous, RecordGrade, RecordTitle      string
	RecordSaved, RecordTooLong, RecordKinds                                   map[string]string
	MakeupForm, MakeupNotEnded, MakeupCancelled, MakeupConfirmed, MakeupNoLap string
	MakeupSent, MakeupAlready, MakeupNotice, MakeupNotFound                   string
	MakeupDecided, MakeupApproved, MakeupRejected, MakeupNoticeOK             string
	MakeupNoticeNo, MakeupPending, MakeupNonePending, MakeupDecideForm        string
	MakeupStatus                                                              map[string]string
}

// RecordsText is the catalogue of issue 14.
var RecordsText = RecordsCatalogue{
	RealNameOff: "实名登记暂未开放，请联系管理员。",
	ConsentAsk: "【实名登记说明】\n" +
		"开具《志愿服务记录证明》、把服务时长导入全国志愿服务信息系统，需要您的身份证件类型和号码（民政部《志愿服务记录与证明出具办法》的要求）。\n" +
		"· 只用于志愿服务记录、证明和导入全国系统；\n" +
		"· 号码加密保存，任何页面和证明上只显示为 3708**********1234 这样的形式；\n" +
		"· 随时回复“注销”即可删除。\n" +
		"同意请回复“同意实名”，然后按提示发送证件号码。",
	ConsentNotKept:  "\n（您刚才发来的号码没有保存。）",
	ConsentDone:     "已记录您的同意。请发送证件号码，例如：\n实名 身份证 370802199001011234\n其他证件：实名 护照 E12345678 男 1990",
	ConsentAgain:    "您已同意过实名登记。请发送证件号码，例如：\n实名 身份证 370802199001011234",
	RealNameForm:    "请按这个格式发送：\n实名 身份证 370802199001011234\n其他证件：实名 护照 E12345678 男 1990",
	RealNameSaved:   "实名信息已保存：%s %s%s。\n号码已加密保存，只显示为上面的样子；回复“我的证明”可开具志愿服务记录证明，回复“注销”可删除。",
	RealNameCurrent: "您已实名登记：%s %s%s。\n如需更正，请重新发送“实名 证件类型 号码”。",
	RealNameBirth:   "，%s，%d年出生",
	IDChecksum:      "这个身份证号码的校验位不对，可能有一位输错了，请核对后重新发送（号码没有保存）。",
	IDBirthDate:     "这个身份证号码里的出生日期不存在，请核对后重新发送（号码没有保存）。",
	IDFormat:        "证件号码格式不对：身份证是18位（最后一位可能是X），其他证件是5到20位字母和数字。请核对后重新发送（号码没有保存）。",
	IDType:          "请写明证件类型：身份证、港澳通行证（回乡证）、台胞证、护照、外国人永久居留身份证或居住证。",
	IDOld15:         "15位的老身份证已停止使用，请发送18位的身份证号码。",

	CertNeedsID:    "开具志愿服务记录证明需要证件信息（民政部要求证明载明身份证件类型和号码）。请先回复“实名”了解并登记。",
	CertNoHours:    "%s没有已确认的志愿服务时长，暂时无法开具证明。签退后由使者确认时长即可计入；漏签可回复“补录 活动编号”。",
	CertBadPeriod:  "日期好像不对，请按这个格式发送：\n我的证明 2026年1月1日-2026年6月30日\n（不写日期则证明全部服务）",
	CertIssued:     "已为您开具《志愿服务记录证明》：\n编号：%s\n%s：%s小时（%d次活动）\n出具组织：%s\n下载PDF（请保存到手机）：%s\n任何人都可以打开这个网址核验：%s",
	CertIssuedPath: "已为您开具《志愿服务记录证明》：\n编号：%s\n%s：%s小时（%d次活动）\n出具组织：%s\n下载PDF：在服务器地址后打开 %s\n核验：在服务器地址后打开 %s",
	CertPeriodAll:  "全部服务",
	CertPeriod:     "%s至%s",

	RecordWho:       "请写上志愿者的姓名或手机号，例如：\n%s",
	RecordNotFound:  "没有找到志愿者“%s”，请核对姓名，或改用手机号。",
	RecordAmbiguous: "有%d位志愿者叫“%s”，请改用手机号，例如：\n%s",
	RecordGrade:     "评价等级请写：优秀、良好、合格或不合格，例如：\n评价 张三 优秀 服务认真负责",
	RecordTitle:     "还缺少内容，例如：\n%s",
	RecordSaved:     map[string]string{"training": "已记录%s的培训：%s（%s%s）。", "award": "已记录%s的表彰：%s（%s%s）。", "evaluation": "已记录对%s的评价：%s（%s%s）。"},
	RecordTooLong:   map[string]string{"record title": "名称最多%d个字，请改短后重新发送。", "record detail": "说明最多%d个字，请改短后重新发送。"},
	RecordKinds:     map[string]string{"training": "培训 张三 急救知识培训 11月5日 3小时", "award": "表彰 张三 优秀志愿者 11月5日 市文明办", "evaluation": "评价 张三 优秀 服务认真负责"},

	MakeupForm:        "请写上活动编号和服务时间，例如：\n补录 A12 14:00-16:00 忘记签到\n（不写时间则按活动时间）",
	MakeupNotEnded:    "活动 %s 还没有结束（%s结束），结束后才能申请补录；活动进行中请直接回复“签到 %s”。",
	MakeupCancelled:   "活动 %s 已取消，不能申请补录。",
	MakeupConfirmed:   "您在活动 %s 的服务时长已经确认，无需补录。如有出入请联系活动使者。",
	MakeupNoLap:       "%s 不在活动 %s 的时间（%s）内，请核对后重新发送。",
	MakeupSent:        "补录申请 %s 已提交：活动 %s %s，%s（%s小时）。\n活动使者审核后会通知您。",
	MakeupAlready:     "您已提交过活动 %s 的补录申请 %s，正在等待使者审核。",
	MakeupNotice:      "【补录申请 %s】%s 申请补录活动 %s %s 的服务时长：%s（%s小时）。原因：%s\n同意请回复“同意补录 %s”，驳回请回复“驳回补录 %s 原因”。",
	MakeupNotFound:    "没有找到补录申请 %s。",
	MakeupDecided:     "补录申请 %s 已于%s%s，无需再处理。",
	MakeupApproved:    "已同意补录申请 %s：%s 在活动 %s 的服务时长 %s小时已计入（已写入审计记录）。",
	MakeupRejected:    "已驳回补录申请 %s（%s，活动 %s），已通知本人。",
	MakeupNoticeOK:    "【补录通过】您在活动 %s %s 的补录申请 %s 已通过，服务时长 %s小时已计入。回复“我的时长”查看。",
	MakeupNoticeNo:    "【补录未通过】您在活动 %s %s 的补录申请 %s 未通过。%s如有疑问请联系活动使者。",
	MakeupPending:     "待审核的补录申请：",
	MakeupNonePending: "目前没有待审核的补录申请。",
	MakeupDecideForm:  "请写上补录申请编号，例如：同意补录 B3 / 驳回补录 B3 原因",
	MakeupStatus:      map[string]string{"approved": "同意", "rejected": "驳回"},
}

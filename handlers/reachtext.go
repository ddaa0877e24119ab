package handlers

// ReachText holds the replies of issue 13 (check-out by scan or location),
// reviewed with Text.
var ReachText = struct {
	// CheckoutByScan / CheckoutByLocation: code, title, hours.
	CheckoutByScan, CheckoutByLocation string
	// CheckinAgainLater: check-in time, code, the middle of the activity.
	CheckinAgainLater string
	// CheckedOutAlready: check-out time, code, hours.
	CheckedOutAlready string
	// Attendance confirmation (确认参加 A12).
	ConfirmWhich, ConfirmTooEarly, ConfirmStarted, ConfirmNotSeated, Confirmed, ConfirmedAgain, ConfirmCount string
	// Broadcasts and urgent recruitment.
	BroadcastHow, BroadcastOwnOnly, BroadcastNoCommunity, BroadcastTooLong, BroadcastNobody, BroadcastPreview string
	BroadcastNothing, BroadcastSent, BroadcastUnavailable, BroadcastHeader, BroadcastNoOwn                    string
	RecruitWhich, RecruitFull, RecruitOver, RecruitNobody, RecruitSent, RecruitText                           string
	// PhotoSaved: code, how many photos the activity has.
	PhotoSaved string
}{
	CheckoutByScan:     "已通过扫码为您签退：%s %s\n本次服务约 %s 小时，使者确认后计入志愿时长。",
	CheckoutByLocation: "已根据您发送的位置为您签退：%s %s\n本次服务约 %s 小时，使者确认后计入志愿时长。",
	CheckinAgainLater:  "您已于 %s 签到过活动 %s。活动过半（%s）后再扫一次码或发送位置，即可签退。",
	CheckedOutAlready:  "您已于 %s 签退活动 %s，本次服务约 %s 小时。",
	ConfirmWhich:       "请告诉我活动编号，例如：确认参加 A12",
	ConfirmTooEarly:    "活动 %s 开始前24小时（%s）起可以确认参加，到时会提醒您。",
	ConfirmStarted:     "活动 %s 已经开始，无需再确认，请回复“签到 %s”签到。",
	ConfirmNotSeated:   "您没有活动 %s 的名额，无需确认。想参加请回复“报名 %s”。",
	Confirmed:          "已确认参加：%s %s\n时间：%s\n开始前%d分钟起可回复“签到 %s”签到。如临时不能参加，请回复“取消报名 %s”让出名额。",
	ConfirmedAgain:     "您已确认过参加活动 %s，到时见！",
	ConfirmCount:       "活动 %s %s：已报名 %d 人，其中 %d 人确认参加，%d 人尚未确认。",

	BroadcastHow:         "请写上通知内容，例如：群发 本周六上午社区义诊，欢迎参加",
	BroadcastOwnOnly:     "您只能向本社区（%s）的志愿者群发。",
	BroadcastNoCommunity: "请写明社区，例如：群发 古槐社区 本周六上午社区义诊",
	BroadcastTooLong:     "通知内容请控制在 %d 字以内（现在 %d 字）。",
	BroadcastNobody:      "%s暂无可接收通知的注册志愿者，没有发送。",
	BroadcastPreview:     "将群发给%s的注册志愿者 %d 人，其中 %d 人48小时内互动过，可收到客服消息；其余 %d 人按订阅通知或模板消息送达（未配置时无法送达）。\n内容：\n%s\n确认发送请在10分钟内回复“确认群发”。",
	BroadcastNothing:     "没有待发送的群发，请先回复“群发 内容”。",
	BroadcastSent:        "已加入发件箱：%d 条（%s的注册志愿者 %d 人），将按发送速率陆续送达。",
	BroadcastUnavailable: "群发暂不可用，请稍后再试或在管理后台群发。",
	BroadcastHeader:      "【%s通知】\n",
	BroadcastNoOwn:       "您还没有登记所属社区，暂不能群发。请先回复“注册 姓名 手机号 社区”。",
	RecruitWhich:         "请告诉我活动编号，例如：紧急招募 A12",
	RecruitFull:          "活动 %s 名额已满（%d/%d），无需招募。",
	RecruitOver:          "活动 %s 已经开始或结束，不能再招募。",
	RecruitNobody:        "%s暂无那个时间有空、尚未报名的志愿者，没有发送。",
	RecruitSent:          "已向%s那个时间有空、尚未报名的志愿者 %d 人发出紧急招募（还差 %d 人），将按发送速率陆续送达。",
	PhotoSaved:           "已收到活动 %s 的现场照片（共 %d 张），将保存为活动凭证。10分钟内还可继续发送。",
	RecruitText:          "【紧急招募】%s %s\n时间：%s\n地点：%s\n还差 %d 人，您那个时间有空的话，回复“报名 %s”即可报名。",
}

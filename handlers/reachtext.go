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
}

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
}{
	CheckoutByScan:     "已通过扫码为您签退：%s %s\n本次服务约 %s 小时，使者确认后计入志愿时长。",
	CheckoutByLocation: "已根据您发送的位置为您签退：%s %s\n本次服务约 %s 小时，使者确认后计入志愿时长。",
	CheckinAgainLater:  "您已于 %s 签到过活动 %s。活动过半（%s）后再扫一次码或发送位置，即可签退。",
	CheckedOutAlready:  "您已于 %s 签退活动 %s，本次服务约 %s 小时。",
}

package scheduler

// Every notice text the scheduled jobs write lives here, so that it can be
// read and changed in one place (chat replies live in handlers/messages.go).
var notice = struct {
	Lecture, LectureCancelled, ActivityReminder, CheckoutReminder string
	Unconfirmed, UnconfirmedPending, DeadlineReminder             string
	DeadlineSummary, SummaryTarget, SummaryAllDone, PhaseChange   string
	Weekly, WeeklyLine                                            string
}{
	Lecture:            "【讲座提醒】%s\n时间：%s\n地点：%s（%s）\n欢迎参加！不想再收到提醒可回复“退订讲座”。",
	LectureCancelled:   "【讲座取消】%s（%s）已取消，之前通知的场次不再举行，给您带来不便敬请谅解。",
	ActivityReminder:   "【活动提醒】您报名的活动 %s %s\n时间：%s\n地点：%s\n能参加请回复“确认参加 %s”；不能参加请回复“取消报名 %s”让出名额。开始前%d分钟起可回复“签到 %s”签到。",
	CheckoutReminder:   "【签退提醒】活动 %s %s 已结束，您还没有签退。请回复“签退 %s”，使者确认后计入志愿时长。",
	Unconfirmed:        "【待确认时长】活动 %s %s 已结束，%d人已签退待确认。回复“确认时长 %s”确认。",
	UnconfirmedPending: "\n未签退：%s",
	DeadlineReminder:   "【进度提醒】距截止日 %s 还有%d天，您还未完成：%s。\n回复“进度”查看详情。",
	DeadlineSummary:    "【进度汇总】截止日 %s（还有%d天）：",
	SummaryTarget:      "\n%s：%d/%d 已完成；未完成：%s",
	SummaryAllDone:     "\n%s：%d/%d 已完成",
	PhaseChange:        "【阶段通知】今天起进入“%s”阶段（%s 至 %s）。回复“进度”查看您的完成情况。",
	Weekly:             "【周报】%s 至 %s\n活动 %d 场（%s），已开展 %d 场\n报名 %d 人次，签到 %d 人次，确认时长 %s 小时，新增志愿者 %d 人\n使者进度：联系点 %d/%d，团队 %d/%d，品牌 %d/%d",
	WeeklyLine:         "%s %d",
}

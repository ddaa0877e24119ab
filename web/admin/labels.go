package admin

import "envoybot/store"

// kindLabels name the outbox's notice kinds in Chinese.
var kindLabels = map[string]string{
	"lecture_notice":         "讲座提醒",
	"lecture_cancelled":      "讲座取消",
	"activity_reminder":      "活动提醒",
	"checkout_reminder":      "签退提醒",
	"unconfirmed_attendance": "待确认时长",
	"deadline_reminder":      "进度提醒",
	"deadline_summary":       "进度汇总",
	"phase_change":           "阶段通知",
	"weekly_report":          "周报",
	"promotion":              "候补递补",
	"broadcast":              "群发通知",

	// Envoys changing their mind: 取消活动, 修改活动, one lecture session.
	"activity_cancelled":        "活动取消",
	"activity_changed":          "活动变更",
	"lecture_session_cancelled": "讲座场次取消",
}

// kindText names a notice kind, keeping an unknown one as written.
func kindText(kind string) string {
	if l, ok := kindLabels[kind]; ok {
		return l
	}
	return kind
}

// statusText names a notice status.
func statusText(status string) string {
	for _, st := range noticeStatuses {
		if st.key == status {
			if status == store.NoticeUndeliverable {
				return "无法送达"
			}
			return st.label
		}
	}
	return status
}

// channelText names a delivery channel.
func channelText(channel string) string {
	switch channel {
	case store.ChannelCustomer:
		return "客服消息"
	case store.ChannelTemplate:
		return "模板消息"
	case "":
		return "—"
	}
	return channel
}

// errorText shows an undeliverable notice's reason in Chinese and any
// other error as written.
func errorText(status, lastError string) string {
	if status == store.NoticeUndeliverable {
		return reasonText(lastError)
	}
	return lastError
}

package admin

import (
	"strings"

	"envoybot/store"
)

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
	case store.ChannelSubscribe:
		return "订阅通知"
	case "":
		return "—"
	}
	return channel
}

// errorText shows an undeliverable notice's reason in Chinese and any
// other error as written.
func errorText(status, lastError string) string {
	if status == store.NoticeUndeliverable || status == store.NoticeSent {
		return reasonsText(lastError)
	}
	return lastError
}

// reasonsText shows the reasons of a channel choice (comma-separated, see
// scheduler's Why constants) in Chinese.
func reasonsText(reasons string) string {
	if reasons == "" {
		return reasonText("")
	}
	parts := strings.Split(reasons, ",")
	for i, p := range parts {
		parts[i] = reasonText(p)
	}
	return strings.Join(parts, "；")
}

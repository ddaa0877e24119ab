package admin

import (
	"testing"

	"envoybot/store"
)

// The outbox page shows a notice's channel and why it was chosen (or why
// none could carry it), in Chinese.
func TestChannelAndReasonText(t *testing.T) {
	for _, tc := range []struct{ status, channel, reason, wantChannel, wantReason string }{
		{store.NoticeSent, store.ChannelCustomer, "in_window", "客服消息", "48小时内互动过"},
		{store.NoticeSent, store.ChannelSubscribe, "budget_used", "订阅通知", "客服消息已用完本轮额度"},
		{store.NoticeSent, store.ChannelTemplate, "budget_used,not_subscribed", "模板消息", "客服消息已用完本轮额度；未接受订阅通知"},
		{store.NoticeUndeliverable, "", "outside_48h,no_subscription,no_template", "—", "超过48小时未互动；未配置订阅通知；未配置模板消息"},
		{store.NoticePending, store.ChannelTemplate, "http 502", "模板消息", "http 502"},
	} {
		if got := channelText(tc.channel); got != tc.wantChannel {
			t.Errorf("channelText(%q) = %q, want %q", tc.channel, got, tc.wantChannel)
		}
		if got := errorText(tc.status, tc.reason); got != tc.wantReason {
			t.Errorf("errorText(%s, %q) = %q, want %q", tc.status, tc.reason, got, tc.wantReason)
		}
	}
}

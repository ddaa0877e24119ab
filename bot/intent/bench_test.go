package intent_test

import (
	"testing"
	"time"

	"envoybot/bot/intent"
)

// benchMessages are twenty messages as users type them: half-width and
// full-width, politeness, relative dates, a 接龙 paste.
var benchMessages = []string{
	"帮助",
	"？",
	"你好，我想报名A12，谢谢",
	"报名 A12 张三 13812345678",
	"+1 A7",
	"取消报名 A12",
	"签到 A12",
	"签退Ａ１２",
	"我的时长",
	"我的报名",
	"讲座 古槐社区",
	"订阅讲座 古槐社区",
	"活动 心理疏导",
	"注册 张三 13812345678 古槐社区",
	"注册，李四，138 1234 5678，古槐社区。",
	"绑定 8H3K2QXY",
	"发布活动 敬老院包饺子 12月5日 14:00-16:00 古槐社区敬老院 关爱困难群体 名额20",
	"发布活动 法律咨询 明天下午3点 古槐社区活动室 平安和谐 限三十人",
	"发布讲座 法律知识讲座 每月第一个周六 9:30 古槐社区活动室",
	"导入 A12\n#接龙\n1. 张三\n2. 李四\n3. 王五",
}

// BenchmarkParse parses the mix of benchMessages, one message per op.
func BenchmarkParse(b *testing.B) {
	now := time.Date(2026, 11, 29, 2, 0, 0, 0, time.UTC)
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		if r := intent.Parse(benchMessages[i%len(benchMessages)], now); r.Intent == "" {
			b.Fatal("no intent")
		}
		i++
	}
}

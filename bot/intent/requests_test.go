package intent

import (
	"encoding/json"
	"testing"
)

// TestRequestCommands: what a resident, a helper, a volunteer and an envoy
// send about help requests. fixedNow is Sunday 2026-11-29 10:00.
func TestRequestCommands(t *testing.T) {
	tests := []struct {
		name, text, want string
	}{
		{"the documented request", "求助 家里老人想理发 古槐社区 周六上午",
			`{"intent":"request_help","community":"古槐社区","start":"2026-12-05T09:00:00+08:00","description":"家里老人想理发","wished":"12月5日(周六)上午"}`},
		{"a clock time", "求助 帮忙修水管 运河社区 明天下午3点",
			`{"intent":"request_help","community":"运河社区","start":"2026-11-30T15:00:00+08:00","description":"帮忙修水管","wished":"11月30日(周一)15:00"}`},
		{"as soon as possible", "求助 老人需要买药 古槐社区 越快越好",
			`{"intent":"request_help","community":"古槐社区","description":"老人需要买药","wished":"尽快"}`},
		{"no community, no time", "求助 想找人陪老人聊聊天",
			`{"intent":"request_help","description":"想找人陪老人聊聊天","missing":["community","wished"]}`},
		{"nothing but the keyword", "求助",
			`{"intent":"request_help","missing":["need","community","wished"]}`},
		{"a day gone by, kept to be quoted", "求助 理发 古槐社区 11月20日上午",
			`{"intent":"request_help","community":"古槐社区","start":"2026-11-20T09:00:00+08:00","description":"理发","wished":"11月20日(周五)上午","problem":"bad_time"}`},
		{"filed for a resident", "代办 求助 王奶奶 13812345678 想理发 古槐社区 周六上午",
			`{"intent":"request_for","name":"王奶奶","phone":"13812345678","community":"古槐社区","start":"2026-12-05T09:00:00+08:00","description":"想理发","wished":"12月5日(周六)上午"}`},
		{"filed without a contact", "代办求助 李大爷 买菜 古槐社区 明天上午",
			`{"intent":"request_for","name":"李大爷","community":"古槐社区","start":"2026-11-30T09:00:00+08:00","description":"买菜","wished":"11月30日(周一)上午","missing":["phone"]}`},
		{"a voice message, run on", "您好，我想求助，家里老人想理发，古槐社区，周六上午",
			`{"intent":"request_help","community":"古槐社区","start":"2026-12-05T09:00:00+08:00","description":"家里老人想理发","wished":"12月5日(周六)上午"}`},
		{"with a contact", "求助 老人需要买药 古槐社区 尽快 电话13812345678",
			`{"intent":"request_help","phone":"13812345678","community":"古槐社区","description":"老人需要买药","wished":"尽快"}`},
		{"take", "接单 R12", `{"intent":"take_request","request":"R12"}`},
		{"take, lower case", "我接单r12", `{"intent":"take_request","request":"R12"}`},
		{"take without a code", "接单", `{"intent":"take_request","missing":["request"]}`},
		{"assign by name", "派单 R12 张三", `{"intent":"assign_request","name":"张三","request":"R12"}`},
		{"assign by mobile", "派单 R12 13812345678", `{"intent":"assign_request","phone":"13812345678","request":"R12"}`},
		{"rate", "评价 R12 5 很满意", `{"intent":"rate_request","reason":"很满意","request":"R12","rating":5}`},
		{"rate in words", "评价 R3 五星 小伙子很热心", `{"intent":"rate_request","reason":"小伙子很热心","request":"R3","rating":5}`},
		{"rate without a score", "评价 R3", `{"intent":"rate_request","request":"R3","missing":["rating"]}`},
		{"an envoy's evaluation stays one", "评价 张三 优秀 服务认真", ""},
		{"check in on a request", "签到 R12", `{"intent":"checkin","request":"R12"}`},
		{"check out of a request", "签退 R12", `{"intent":"checkout","request":"R12"}`},
		{"confirm a request's hours", "确认时长 R12", `{"intent":"confirm_hours","request":"R12"}`},
		{"points", "我的积分", `{"intent":"my_points"}`},
		{"named on the leaderboard", "积分榜显示姓名", `{"intent":"leaderboard_public"}`},
		{"anonymous on the leaderboard", "积分榜匿名", `{"intent":"leaderboard_private"}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Parse(tt.text, fixedNow)
			raw, _ := json.Marshal(got)
			if tt.want == "" {
				if got.Intent != RecordEvaluation {
					t.Errorf("Parse(%q) = %s, want record_evaluation", tt.text, raw)
				}
				return
			}
			if string(raw) != tt.want {
				t.Errorf("Parse(%q)\n got %s\nwant %s", tt.text, raw, tt.want)
			}
		})
	}
}

package handlers_test

import (
	"context"
	"strings"
	"testing"

	"envoybot/bot"
	"envoybot/store"
	"envoybot/store/storetest"
)

// TestVoiceAndChatter: a transcribed voice message is read like text and
// its reply says what was understood; laughter, stickers and greetings get
// a friendly answer; a near-miss gets the closest command as a question.
func TestVoiceAndChatter(t *testing.T) {
	storetest.Backends(t, func(t *testing.T, s store.Store) {
		r := newRouter(s)
		ctx := context.Background()
		voice := func(openID, heard string) *bot.Message {
			return &bot.Message{OpenID: openID, Kind: bot.KindVoice, Text: heard, MediaID: "m1"}
		}

		t.Run("a voice registration is acted on and echoed", func(t *testing.T) {
			got := say(t, r, voice("o-voice", "注册 王秀兰 13953712345 古槐社区"))
			if !strings.HasPrefix(got, "您说的是：“注册 王秀兰 139****2345 古槐社区”\n") {
				t.Errorf("reply = %q, want the transcription first", got)
			}
			u, err := s.FindUserByOpenID(ctx, "o-voice")
			if err != nil || u.Name != "王秀兰" || u.Role != store.RoleVolunteer {
				t.Fatalf("user = %+v, %v", u, err)
			}
		})
		t.Run("a voice message without a transcription asks to say it again", func(t *testing.T) {
			got := say(t, r, voice("o-voice2", ""))
			if !strings.Contains(got, "没能听清") {
				t.Errorf("reply = %q", got)
			}
		})
		for _, tc := range []struct{ text, want string }{
			{"晚上好", "让社区更美好"},
			{"有人吗", "报名：报名 A12"},
			{"哈哈哈哈", "有需要随时回复"},
			{"[捂脸][捂脸]", "有需要随时回复"},
			{"👍", "有需要随时回复"},
			{"报命A12", "您是不是想：报名 A12？"},
			{"报名12", "报名 A12"},
			{"确人时长 A3", "您是不是想：确认时长 A3？"},
			{"今天天气怎么样", "没看懂"},
		} {
			t.Run(tc.text, func(t *testing.T) {
				if got := say(t, r, text("o-chat", tc.text)); !strings.Contains(got, tc.want) {
					t.Errorf("%q → %q, want it to contain %q", tc.text, got, tc.want)
				}
			})
		}
	})
}

package bot

import (
	"encoding/xml"
	"strings"
	"testing"
	"time"

	"github.com/silenceper/wechat/v2/officialaccount/message"
	"github.com/silenceper/wechat/v2/util"
)

// TestRenderMatchesTheSDK: the reply written by hand is byte for byte what
// encoding/xml makes of the SDK's types, plain and in safe mode.
func TestRenderMatchesTheSDK(t *testing.T) {
	const (
		appID  = "wx0123456789abcdef"
		aesKey = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"
		token  = "tok"
	)
	c := &Callback{cfg: Config{Token: token, AppID: appID, AESKey: aesKey}}
	now := time.Unix(1796000000, 0)
	texts := []string{"", "报名成功：A12", "a]]>b", "]]>]]>", "<&>\"'", "第一行\n第二行\r\n\t", "]]", strings.Repeat("长", 900)}
	for _, text := range texts {
		mix := &message.MixMessage{CommonToken: message.CommonToken{ToUserName: "gh_<acc>", FromUserName: "o-user]]>x"}}
		got, err := c.renderText(mix, text, false, now)
		if err != nil {
			t.Fatal(err)
		}
		want := message.NewText(truncateUTF8(text, maxReplyBytes))
		want.SetToUserName(mix.FromUserName)
		want.SetFromUserName(mix.ToUserName)
		want.CreateTime = now.Unix()
		want.MsgType = message.MsgTypeText
		raw, err := xml.Marshal(want)
		if err != nil {
			t.Fatal(err)
		}
		if string(got) != string(raw) {
			t.Fatalf("text %q:\n got %s\nwant %s", text, got, raw)
		}
		var back message.MixMessage
		// (An XML reader reads a CR LF as LF, whoever wrote it.)
		if err := xml.Unmarshal(got, &back); err != nil || back.Content != strings.ReplaceAll(truncateUTF8(text, maxReplyBytes), "\r\n", "\n") {
			t.Fatalf("text %q reads back as %q, %v", text, back.Content, err)
		}

		safe, err := c.renderText(mix, text, true, now)
		if err != nil {
			t.Fatal(err)
		}
		var env message.ResponseEncryptedXMLMsg
		if err := xml.Unmarshal(safe, &env); err != nil {
			t.Fatalf("safe reply: %v", err)
		}
		sdk, err := xml.Marshal(env)
		if err != nil || string(sdk) != string(safe) {
			t.Fatalf("safe reply:\n got %s\nwant %s (%v)", safe, sdk, err)
		}
		if env.MsgSignature != util.Signature(token, "1796000000", env.Nonce, env.EncryptedMsg) || env.Timestamp != now.Unix() || len(env.Nonce) != 10 {
			t.Fatalf("safe reply signature/timestamp/nonce wrong: %+v", env)
		}
		_, plain, err := util.DecryptMsg(appID, env.EncryptedMsg, aesKey)
		if err != nil || string(plain) != string(raw) {
			t.Fatalf("safe reply decrypts to %s, %v; want %s", plain, err, raw)
		}
	}
}

func TestRandomDigits(t *testing.T) {
	seen := map[byte]int{}
	for range 200 {
		d := randomDigits(16)
		if len(d) != 16 {
			t.Fatalf("randomDigits(16) = %q", d)
		}
		for i := range d {
			if d[i] < '0' || d[i] > '9' {
				t.Fatalf("not a digit in %q", d)
			}
			seen[d[i]]++
		}
	}
	if len(seen) != 10 {
		t.Fatalf("digits seen: %v", seen)
	}
}

package bot

import (
	"crypto/rand"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/silenceper/wechat/v2/officialaccount/message"
	"github.com/silenceper/wechat/v2/util"
)

// maxReplyBytes is WeChat's limit for a passive text reply.
const maxReplyBytes = 2048

// renderText builds the passive text reply to mix, encrypted and signed when
// safe is set. The XML is written directly, byte for byte what
// encoding/xml makes of the SDK's message.Text and ResponseEncryptedXMLMsg
// (TestRenderMatchesTheSDK), at a fraction of the cost.
func (c *Callback) renderText(mix *message.MixMessage, text string, safe bool, now time.Time) ([]byte, error) {
	text = truncateUTF8(text, maxReplyBytes)
	b := make([]byte, 0, 160+len(text)+len(mix.FromUserName)+len(mix.ToUserName))
	b = append(b, "<xml><ToUserName>"...)
	b = appendCDATA(b, string(mix.FromUserName))
	b = append(b, "</ToUserName><FromUserName>"...)
	b = appendCDATA(b, string(mix.ToUserName))
	b = append(b, "</FromUserName><CreateTime>"...)
	b = strconv.AppendInt(b, now.Unix(), 10)
	b = append(b, "</CreateTime><MsgType>text</MsgType><Content>"...)
	b = appendCDATA(b, text)
	b = append(b, "</Content></xml>"...)
	if !safe {
		return b, nil
	}
	return c.encrypt(b, now)
}

// appendCDATA appends s as CDATA sections, as encoding/xml writes a
// ",cdata" field: a "]]>" inside ends one section and starts another.
func appendCDATA(b []byte, s string) []byte {
	if s == "" {
		return b // as encoding/xml: no section at all
	}
	b = append(b, "<![CDATA["...)
	for {
		i := strings.Index(s, "]]>")
		if i < 0 {
			break
		}
		b = append(b, s[:i+2]...)
		b = append(b, "]]><![CDATA["...)
		s = s[i+2:]
	}
	b = append(b, s...)
	return append(b, "]]>"...)
}

// encrypt wraps a plain reply as WeChat's safe mode expects: AES-encrypted,
// with a fresh timestamp, nonce and MsgSignature.
func (c *Callback) encrypt(raw []byte, now time.Time) ([]byte, error) {
	random := []byte(randomDigits(16))
	enc, err := util.EncryptMsg(random, raw, c.cfg.AppID, c.cfg.AESKey)
	if err != nil {
		return nil, fmt.Errorf("bot: encrypt reply: %w", err)
	}
	ts := strconv.FormatInt(now.Unix(), 10)
	nonce := randomDigits(10)
	// Base64, hex and digits: nothing in them to escape.
	b := make([]byte, 0, 120+len(enc))
	b = append(b, "<xml><Encrypt>"...)
	b = append(b, enc...)
	b = append(b, "</Encrypt><MsgSignature>"...)
	b = append(b, util.Signature(c.cfg.Token, ts, nonce, string(enc))...)
	b = append(b, "</MsgSignature><TimeStamp>"...)
	b = append(b, ts...)
	b = append(b, "</TimeStamp><Nonce>"...)
	b = append(b, nonce...)
	return append(b, "</Nonce></xml>"...), nil
}

// truncateUTF8 cuts s to at most n bytes on a rune boundary, marking the cut.
func truncateUTF8(s string, n int) string {
	if len(s) <= n {
		return s
	}
	const mark = "…"
	cut := n - len(mark)
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + mark
}

// randomDigits returns n random decimal digits from crypto/rand (a byte
// of 250 or more is drawn again, so that every digit is as likely).
func randomDigits(n int) string {
	out := make([]byte, 0, n)
	var buf [32]byte
	for len(out) < n {
		if _, err := rand.Read(buf[:]); err != nil {
			panic("bot: crypto/rand failed: " + err.Error())
		}
		for _, v := range buf {
			if v < 250 && len(out) < n {
				out = append(out, '0'+v%10)
			}
		}
	}
	return string(out)
}

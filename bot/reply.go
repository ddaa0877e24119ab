package bot

import (
	"crypto/rand"
	"encoding/xml"
	"fmt"
	"math/big"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/silenceper/wechat/v2/officialaccount/message"
	"github.com/silenceper/wechat/v2/util"
)

// maxReplyBytes is WeChat's limit for a passive text reply.
const maxReplyBytes = 2048

// renderText builds the passive text reply to mix, encrypted and signed when
// safe is set.
func (c *Callback) renderText(mix *message.MixMessage, text string, safe bool, now time.Time) ([]byte, error) {
	t := message.NewText(truncateUTF8(text, maxReplyBytes))
	t.SetToUserName(mix.FromUserName)
	t.SetFromUserName(mix.ToUserName)
	t.CreateTime = now.Unix()
	t.MsgType = message.MsgTypeText
	raw, err := xml.Marshal(t)
	if err != nil {
		return nil, fmt.Errorf("bot: marshal reply: %w", err)
	}
	if !safe {
		return raw, nil
	}
	return c.encrypt(raw, now)
}

// encrypt wraps a plain reply as WeChat's safe mode expects: AES-encrypted,
// with a fresh timestamp, nonce and MsgSignature.
func (c *Callback) encrypt(raw []byte, now time.Time) ([]byte, error) {
	random := []byte(randomDigits(16))
	enc, err := util.EncryptMsg(random, raw, c.cfg.AppID, c.cfg.AESKey)
	if err != nil {
		return nil, fmt.Errorf("bot: encrypt reply: %w", err)
	}
	ts := now.Unix()
	nonce := randomDigits(10)
	out, err := xml.Marshal(message.ResponseEncryptedXMLMsg{
		EncryptedMsg: string(enc),
		MsgSignature: util.Signature(c.cfg.Token, strconv.FormatInt(ts, 10), nonce, string(enc)),
		Timestamp:    ts,
		Nonce:        nonce,
	})
	if err != nil {
		return nil, fmt.Errorf("bot: marshal encrypted reply: %w", err)
	}
	return out, nil
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

// randomDigits returns n random decimal digits from crypto/rand.
func randomDigits(n int) string {
	b := make([]byte, n)
	for i := range b {
		d, err := rand.Int(rand.Reader, big.NewInt(10))
		if err != nil {
			panic("bot: crypto/rand failed: " + err.Error())
		}
		b[i] = byte('0' + d.Int64())
	}
	return string(b)
}

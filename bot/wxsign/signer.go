// Package wxsign builds callback requests the way WeChat's servers do:
// signed, and encrypted in safe mode, with the replies checked and
// decrypted. The chat simulator (/dev/chat), wxsend and wxload use it
// against a running envoybot, and the tests against the handler.
package wxsign

import (
	"encoding/xml"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/silenceper/wechat/v2/officialaccount/message"
	"github.com/silenceper/wechat/v2/util"
)

// Signer builds callback requests as WeChat's servers send them.
type Signer struct {
	Token  string
	AppID  string
	AESKey string
	// Account is the ToUserName of messages (our account's original id).
	Account string
	// Now is the clock for timestamps; time.Now when nil.
	Now func() time.Time
}

var nonceSeq atomic.Int64

// Nonce returns a nonce not used before by this process.
func Nonce() string {
	return strconv.FormatInt(time.Now().UnixNano()%1e9*1000+nonceSeq.Add(1)%1000, 10)
}

var msgIDSeq atomic.Int64

// NextMsgID returns a MsgId not used before by this process.
func NextMsgID() int64 {
	return time.Now().UnixNano()/1000*10 + msgIDSeq.Add(1)%10
}

func (s Signer) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

// TextXML is a text message from openID.
func (s Signer) TextXML(openID, content string, msgID int64) string {
	return fmt.Sprintf(`<xml><ToUserName><![CDATA[%s]]></ToUserName><FromUserName><![CDATA[%s]]></FromUserName><CreateTime>%d</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[%s]]></Content><MsgId>%d</MsgId></xml>`,
		s.account(), openID, s.now().Unix(), content, msgID)
}

// VoiceXML is a voice message from openID with WeChat's speech recognition
// of it (empty when recognition is off).
func (s Signer) VoiceXML(openID, recognition string, msgID int64) string {
	return fmt.Sprintf(`<xml><ToUserName><![CDATA[%s]]></ToUserName><FromUserName><![CDATA[%s]]></FromUserName><CreateTime>%d</CreateTime><MsgType><![CDATA[voice]]></MsgType><MediaId><![CDATA[voice-%d]]></MediaId><Format><![CDATA[amr]]></Format><Recognition><![CDATA[%s]]></Recognition><MsgId>%d</MsgId></xml>`,
		s.account(), openID, s.now().Unix(), msgID, recognition, msgID)
}

// EventXML is an event from openID; extra is raw XML added inside <xml>.
func (s Signer) EventXML(openID, event, key string, createTime int64, extra string) string {
	return fmt.Sprintf(`<xml><ToUserName><![CDATA[%s]]></ToUserName><FromUserName><![CDATA[%s]]></FromUserName><CreateTime>%d</CreateTime><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[%s]]></Event><EventKey><![CDATA[%s]]></EventKey>%s</xml>`,
		s.account(), openID, createTime, event, key, extra)
}

// ImageXML is a photo from openID, kept by WeChat under mediaID.
func (s Signer) ImageXML(openID, mediaID string, msgID int64) string {
	return fmt.Sprintf(`<xml><ToUserName><![CDATA[%s]]></ToUserName><FromUserName><![CDATA[%s]]></FromUserName><CreateTime>%d</CreateTime><MsgType><![CDATA[image]]></MsgType><PicUrl><![CDATA[http://mmbiz.qpic.cn/fake/%s]]></PicUrl><MediaId><![CDATA[%s]]></MediaId><MsgId>%d</MsgId></xml>`,
		s.account(), openID, s.now().Unix(), mediaID, mediaID, msgID)
}

// LocationXML is a location message from openID.
func (s Signer) LocationXML(openID string, lat, lng float64, label string, msgID int64) string {
	return fmt.Sprintf(`<xml><ToUserName><![CDATA[%s]]></ToUserName><FromUserName><![CDATA[%s]]></FromUserName><CreateTime>%d</CreateTime><MsgType><![CDATA[location]]></MsgType><Location_X>%f</Location_X><Location_Y>%f</Location_Y><Scale>15</Scale><Label><![CDATA[%s]]></Label><MsgId>%d</MsgId></xml>`,
		s.account(), openID, s.now().Unix(), lat, lng, label, msgID)
}

func (s Signer) account() string {
	if s.Account == "" {
		return "gh_envoybot"
	}
	return s.Account
}

// VerifyURL is WeChat's GET that checks the server URL.
func (s Signer) VerifyURL(base, echostr string) *http.Request {
	ts, nonce := strconv.FormatInt(s.now().Unix(), 10), Nonce()
	q := url.Values{"signature": {util.Signature(s.Token, ts, nonce)}, "timestamp": {ts}, "nonce": {nonce}, "echostr": {echostr}}
	req, _ := http.NewRequest(http.MethodGet, base+"?"+q.Encode(), nil)
	return req
}

// Post is a signed POST of body, encrypted in safe mode, with a fresh
// timestamp and nonce.
func (s Signer) Post(base, body string, safe bool) *http.Request {
	return s.PostWith(base, body, safe, strconv.FormatInt(s.now().Unix(), 10), Nonce())
}

// PostWith is Post with a given timestamp and nonce.
func (s Signer) PostWith(base, body string, safe bool, ts, nonce string) *http.Request {
	q := url.Values{"signature": {util.Signature(s.Token, ts, nonce)}, "timestamp": {ts}, "nonce": {nonce}, "openid": {"o"}}
	if safe {
		enc, err := util.EncryptMsg([]byte("0123456789abcdef"), []byte(body), s.AppID, s.AESKey)
		if err != nil {
			panic("wechattest: encrypt: " + err.Error())
		}
		q.Set("encrypt_type", "aes")
		q.Set("msg_signature", util.Signature(s.Token, ts, nonce, string(enc)))
		body = fmt.Sprintf(`<xml><ToUserName><![CDATA[%s]]></ToUserName><Encrypt><![CDATA[%s]]></Encrypt></xml>`, s.account(), enc)
	}
	req, _ := http.NewRequest(http.MethodPost, base+"?"+q.Encode(), strings.NewReader(body))
	req.Header.Set("Content-Type", "text/xml")
	return req
}

// ReplyText is a passive text reply as WeChat would show it.
type ReplyText struct {
	ToUserName   string `xml:"ToUserName"`
	FromUserName string `xml:"FromUserName"`
	MsgType      string `xml:"MsgType"`
	Content      string `xml:"Content"`
	CreateTime   int64  `xml:"CreateTime"`
}

// ReadReply reads a callback answer: "" for "success", else the text of the
// reply, decrypted and its MsgSignature verified in safe mode.
func (s Signer) ReadReply(resp *http.Response, safe bool) (string, error) {
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return "", err
	}
	if resp.StatusCode != http.StatusOK {
		return "", fmt.Errorf("status %d: %s", resp.StatusCode, body)
	}
	if string(body) == "success" {
		return "", nil
	}
	raw := body
	if safe {
		var env message.ResponseEncryptedXMLMsg
		if err := xml.Unmarshal(body, &env); err != nil {
			return "", fmt.Errorf("encrypted reply: %w", err)
		}
		want := util.Signature(s.Token, strconv.FormatInt(env.Timestamp, 10), env.Nonce, env.EncryptedMsg)
		if env.MsgSignature != want {
			return "", fmt.Errorf("reply MsgSignature %q, want %q", env.MsgSignature, want)
		}
		if _, raw, err = util.DecryptMsg(s.AppID, env.EncryptedMsg, s.AESKey); err != nil {
			return "", fmt.Errorf("decrypt reply: %w", err)
		}
	}
	var r ReplyText
	if err := xml.Unmarshal(raw, &r); err != nil {
		return "", fmt.Errorf("reply XML: %w", err)
	}
	if r.MsgType != "text" {
		return "", fmt.Errorf("reply MsgType %q", r.MsgType)
	}
	return r.Content, nil
}

// Command wxsend plays WeChat for one message: it signs (and in safe mode
// encrypts) a text, event or URL check as WeChat's servers do, posts it to an
// envoybot /wechat endpoint and prints the reply, decrypted and with its
// signature verified. With no flags it talks to a local envoybot running on
// the development credentials.
//
//	wxsend 帮助
//	wxsend -safe -from o-zhang 注册 张三 13812345678 古槐社区
//	wxsend -event subscribe -key qrscene_checkin:A13
//	wxsend -verify
package main

import (
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"time"

	"envoybot/bot/wxsign"
	"envoybot/configs"
)

func main() { os.Exit(run(os.Args[1:], os.Stdout, os.Stderr)) }

func run(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("wxsend", flag.ContinueOnError)
	fs.SetOutput(stderr)
	url := fs.String("url", "http://127.0.0.1:8080/wechat", "the envoybot callback")
	token := fs.String("token", configs.DevToken, "WeChat token")
	appID := fs.String("appid", configs.DevAppID, "AppID (safe mode)")
	aesKey := fs.String("aeskey", configs.DevAESKey, "EncodingAESKey (safe mode)")
	safe := fs.Bool("safe", false, "safe mode: encrypt the message and check the encrypted reply")
	from := fs.String("from", "o-wxsend-user", "the sender's OpenID")
	msgID := fs.Int64("msgid", 0, "MsgId (default: a fresh one); repeat one to play a WeChat retry")
	event := fs.String("event", "", "send this event (subscribe, unsubscribe, SCAN, CLICK, LOCATION) instead of a text")
	key := fs.String("key", "", "EventKey of the event")
	verify := fs.Bool("verify", false, "send the GET URL check instead and print the echo")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: wxsend [flags] TEXT...")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return 2
	}
	s := wxsign.Signer{Token: *token, AppID: *appID, AESKey: *aesKey}
	client := &http.Client{Timeout: 10 * time.Second}
	var req *http.Request
	switch {
	case *verify:
		req = s.VerifyURL(*url, "wxsend-echo")
	case *event != "":
		req = s.Post(*url, s.EventXML(*from, *event, *key, time.Now().Unix(), ""), *safe)
	default:
		if fs.NArg() == 0 {
			fs.Usage()
			return 2
		}
		if *msgID == 0 {
			*msgID = wxsign.NextMsgID()
		}
		req = s.Post(*url, s.TextXML(*from, strings.Join(fs.Args(), " "), *msgID), *safe)
	}
	start := time.Now()
	resp, err := client.Do(req)
	if err != nil {
		fmt.Fprintln(stderr, "wxsend:", err)
		return 1
	}
	if *verify {
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		fmt.Fprintf(stdout, "%d %s\n", resp.StatusCode, body)
		return exitFor(resp.StatusCode)
	}
	reply, err := s.ReadReply(resp, *safe)
	if err != nil {
		fmt.Fprintln(stderr, "wxsend:", err)
		return 1
	}
	if reply == "" {
		reply = "(success: no reply)"
	}
	fmt.Fprintf(stderr, "[%s, %s]\n", map[bool]string{true: "safe mode, reply decrypted and MsgSignature verified", false: "plain mode"}[*safe], time.Since(start).Round(time.Millisecond))
	fmt.Fprintln(stdout, reply)
	return 0
}

func exitFor(status int) int {
	if status == http.StatusOK {
		return 0
	}
	return 1
}

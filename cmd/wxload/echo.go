package main

import (
	"log"
	"net/http"

	"github.com/silenceper/wechat/v2/cache"
	"github.com/silenceper/wechat/v2/officialaccount"
	offConfig "github.com/silenceper/wechat/v2/officialaccount/config"
	"github.com/silenceper/wechat/v2/officialaccount/message"
	"github.com/sirupsen/logrus"
)

// NewEchoServer is the bare echo fixture: an /wechat endpoint built only
// from the silenceper/wechat SDK, whose message handler repeats a text back
// (and answers "success" to anything else). It does what every WeChat
// backend must (signature check, safe-mode crypto, XML both ways) and
// nothing more, so it is the ceiling envoybot is measured against.
func NewEchoServer(token, appID, aesKey string) http.Handler {
	logrus.SetLevel(logrus.WarnLevel)
	oa := officialaccount.NewOfficialAccount(&offConfig.Config{
		AppID: appID, Token: token, EncodingAESKey: aesKey, Cache: cache.NewMemory(),
	})
	mux := http.NewServeMux()
	mux.HandleFunc("/wechat", func(w http.ResponseWriter, r *http.Request) {
		srv := oa.GetServer(r, w)
		srv.SetMessageHandler(func(m *message.MixMessage) *message.Reply {
			if m.MsgType != message.MsgTypeText {
				return nil
			}
			return &message.Reply{MsgType: message.MsgTypeText, MsgData: message.NewText(m.Content)}
		})
		if err := srv.Serve(); err != nil {
			http.Error(w, err.Error(), http.StatusForbidden)
			return
		}
		if err := srv.Send(); err != nil {
			log.Printf("echo: send: %v", err)
		}
	})
	return mux
}

// Package bot is envoybot's WeChat transport: the /wechat callback
// (signatures, crypto, replay and retry handling, the reply deadline) and the
// conversion between the SDK's XML messages and envoybot's own Message and
// Reply. It knows nothing of SQL or of what a command means.
package bot

import (
	"context"
	"encoding/xml"
	"strconv"
	"strings"
	"time"

	"github.com/silenceper/wechat/v2/officialaccount/message"
)

// Kinds of inbound message that handlers see.
const (
	KindText     = "text"
	KindImage    = "image"
	KindLocation = "location"
	// KindVoice is a voice message; Text holds WeChat's speech recognition
	// of it (Recognition), empty when recognition is off or heard nothing.
	KindVoice = "voice"
	KindEvent = "event"
	KindOther = "other"
)

// Events that handlers see in Message.Event.
const (
	EventSubscribe   = "subscribe"
	EventUnsubscribe = "unsubscribe"
	EventScan        = "SCAN"
	EventClick       = "CLICK"
	EventLocation    = "LOCATION"
	// EventSubscribePopup and EventSubscribeChange carry a user's choices
	// for subscription notice templates (Message.Subscriptions): in the
	// pop-up, and later in the settings.
	EventSubscribePopup  = "subscribe_msg_popup_event"
	EventSubscribeChange = "subscribe_msg_change_event"
)

// SubscriptionChoice is a user's choice for one subscription notice
// template, from EventSubscribePopup or EventSubscribeChange.
type SubscriptionChoice struct {
	TemplateID string
	Accepted   bool
}

// Message is one inbound WeChat message or event, already verified,
// decrypted and deduplicated.
type Message struct {
	OpenID  string // FromUserName: the sender
	Account string // ToUserName: our account's original id
	Kind    string // one of the Kind constants
	// RawType is WeChat's MsgType, kept for the polite reply to types we do
	// not handle (voice, video, link, ...).
	RawType string
	// Text is the text a user typed; for a CLICK on a menu button it is the
	// chat command the button stands for (configs wechat.menu_keys).
	Text     string
	Event    string
	EventKey string
	// Scene is the QR code scene of a SCAN event or of a subscribe event
	// with a qrscene_ key, e.g. "checkin:A13"; empty otherwise.
	Scene string
	// Lat and Lng are set, and HasPosition true, for a location message or
	// LOCATION event that carried a valid position.
	Lat         float64
	Lng         float64
	HasPosition bool
	Label       string
	PicURL      string
	MediaID     string
	MsgID       int64
	// Subscriptions are the choices of a subscription event.
	Subscriptions []SubscriptionChoice
	// CreateTime is WeChat's timestamp of the message.
	CreateTime time.Time
}

// Reply is what envoybot answers; an empty Text means no answer (plain
// "success" on the wire).
type Reply struct {
	Text string
	// Redacted, when set, marks Text as holding a secret (a one-time login
	// link): Text goes to the user once, and Redacted is what the dedup
	// record keeps and what a retry answered from that record gets.
	Redacted string
	// ReadOnly marks the answer to a message that changed nothing (帮助, a
	// query): a retry may simply run it again, so it is kept in the cache
	// for retries but not written to the durable record.
	ReadOnly bool
}

// Handler answers one message. The context carries the handler's deadline;
// a handler that is not done by the reply deadline still has its reply
// delivered, as a customer-service message.
type Handler interface {
	HandleMessage(ctx context.Context, m *Message) (Reply, error)
}

// HandlerFunc adapts a function to Handler.
type HandlerFunc func(ctx context.Context, m *Message) (Reply, error)

// HandleMessage calls f.
func (f HandlerFunc) HandleMessage(ctx context.Context, m *Message) (Reply, error) {
	return f(ctx, m)
}

// dedupKey is WeChat's recommended retry key: the MsgId for messages,
// sender + CreateTime (+ event and key, so that two events in one second
// differ) for events.
func dedupKey(mix *message.MixMessage) string {
	if mix.MsgType != message.MsgTypeEvent && mix.MsgID != 0 {
		return "msg:" + strconv.FormatInt(mix.MsgID, 10)
	}
	return "evt:" + string(mix.FromUserName) + ":" + strconv.FormatInt(mix.CreateTime, 10) +
		":" + string(mix.Event) + ":" + mix.EventKey
}

// toMessage turns the SDK's message into ours. menuKeys maps CLICK keys to
// the chat text they stand for.
func toMessage(mix *message.MixMessage, menuKeys map[string]string) *Message {
	m := &Message{
		OpenID:     string(mix.FromUserName),
		Account:    string(mix.ToUserName),
		RawType:    string(mix.MsgType),
		MsgID:      mix.MsgID,
		CreateTime: time.Unix(mix.CreateTime, 0),
	}
	switch mix.MsgType {
	case message.MsgTypeText:
		m.Kind, m.Text = KindText, mix.Content
	case message.MsgTypeVoice:
		m.Kind, m.Text, m.MediaID = KindVoice, mix.Recognition, mix.MediaID
	case message.MsgTypeImage:
		m.Kind, m.PicURL, m.MediaID = KindImage, mix.PicURL, mix.MediaID
	case message.MsgTypeLocation:
		m.Kind, m.Label = KindLocation, mix.Label
		if validPosition(mix.LocationX, mix.LocationY) {
			m.Lat, m.Lng, m.HasPosition = mix.LocationX, mix.LocationY, true
		}
	case message.MsgTypeEvent:
		m.Kind, m.Event, m.EventKey = KindEvent, string(mix.Event), mix.EventKey
		switch mix.Event {
		case message.EventSubscribe:
			m.Scene = strings.TrimPrefix(mix.EventKey, "qrscene_")
			if !strings.HasPrefix(mix.EventKey, "qrscene_") {
				m.Scene = ""
			}
		case message.EventScan:
			m.Scene = mix.EventKey
		case message.EventClick:
			m.Text = menuKeys[mix.EventKey]
		case message.EventLocation:
			lat, errLat := strconv.ParseFloat(strings.TrimSpace(mix.Latitude), 64)
			lng, errLng := strconv.ParseFloat(strings.TrimSpace(mix.Longitude), 64)
			if errLat == nil && errLng == nil && validPosition(lat, lng) {
				m.Lat, m.Lng, m.HasPosition = lat, lng, true
			}
		}
	default:
		m.Kind = KindOther
	}
	return m
}

// wantsNoReply reports events that are never answered: an unfollow (the
// user can no longer read us) and WeChat's automatic location reports.
func (m *Message) wantsNoReply() bool {
	return m.Kind == KindEvent && (m.Event == EventUnsubscribe || m.Event == EventLocation ||
		m.Event == EventSubscribePopup || m.Event == EventSubscribeChange)
}

// validPosition rejects out-of-range coordinates and the (0,0) that a
// missing or malformed field decodes to.
func validPosition(lat, lng float64) bool {
	return lat >= -90 && lat <= 90 && lng >= -180 && lng <= 180 && (lat != 0 || lng != 0)
}

// subscriptionEvent is what subscription events carry beyond the SDK's
// MixMessage (which knows the pop-up's list but not the change event's).
type subscriptionEvent struct {
	Popup  []subscriptionItem `xml:"SubscribeMsgPopupEvent>List"`
	Change []subscriptionItem `xml:"SubscribeMsgChangeEvent>List"`
}

type subscriptionItem struct {
	TemplateID string `xml:"TemplateId"`
	Status     string `xml:"SubscribeStatusString"`
}

// subscriptionChoices reads the choices of a subscription event from its
// XML; accept is the one status that accepts.
func subscriptionChoices(raw []byte) []SubscriptionChoice {
	var ev subscriptionEvent
	if err := xml.Unmarshal(raw, &ev); err != nil {
		return nil
	}
	var out []SubscriptionChoice
	for _, it := range append(ev.Popup, ev.Change...) {
		if id := strings.TrimSpace(it.TemplateID); id != "" {
			out = append(out, SubscriptionChoice{TemplateID: id, Accepted: strings.TrimSpace(it.Status) == "accept"})
		}
	}
	return out
}

package devchat

import (
	"context"
	"fmt"
	"log/slog"
	"math"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"

	"envoybot/bot/wxsign"
)

// Kinds of message the page sends.
const (
	SendText        = "text"
	SendLocation    = "location"
	SendScan        = "scan"
	SendSubscribe   = "subscribe"
	SendUnsubscribe = "unsubscribe"
	SendClick       = "click"
)

// SendRequest is one message from the page, as POST /dev/chat/send takes it.
type SendRequest struct {
	// User is the simulated user's name; the OpenID is dev-<User>.
	User string `json:"user"`
	// Type is one of the Send constants; text when empty.
	Type string `json:"type"`
	Text string `json:"text,omitempty"`
	// Lat, Lng and Label are a location message.
	Lat   float64 `json:"lat,omitempty"`
	Lng   float64 `json:"lng,omitempty"`
	Label string  `json:"label,omitempty"`
	// Scene is a scanned QR code's scene (checkin:A12); with subscribe it
	// is the scene of a code scanned by someone not yet following.
	Scene string `json:"scene,omitempty"`
	// Key is the CLICK EventKey of a menu button.
	Key string `json:"key,omitempty"`
}

// SendResponse is what POST /dev/chat/send answers.
type SendResponse struct {
	OpenID string `json:"openid"`
	// Reply is the passive reply's text, "" when envoybot answered
	// "success" (no reply, or one sent later as a customer-service message).
	Reply string `json:"reply"`
	// Sent is the plaintext XML that was signed and sent.
	Sent string `json:"sent"`
	// Status is the HTTP status of /wechat; Millis how long it took.
	Status int   `json:"status"`
	Millis int64 `json:"ms"`
	// Error says what went wrong (signature, status, decryption).
	Error string `json:"error,omitempty"`
}

// maxTextBytes is WeChat's limit on a text message.
const maxTextBytes = 2048

func (h *Handler) send(w http.ResponseWriter, r *http.Request) {
	var req SendRequest
	if !decode(w, r, &req) {
		return
	}
	oid, err := openID(req.User)
	if err != nil {
		writeJSON(w, http.StatusBadRequest, errorResponse{Error: err.Error()})
		return
	}
	body, err := h.messageXML(oid, req)
	if err != nil {
		writeJSON(w, http.StatusBadRequest, errorResponse{Error: err.Error()})
		return
	}
	start := time.Now()
	reply, status, err := h.forward(r.Context(), r, body)
	res := SendResponse{OpenID: oid, Reply: reply, Sent: body, Status: status, Millis: time.Since(start).Milliseconds()}
	attrs := []any{slog.String("openid", oid), slog.String("type", req.Type), slog.Int("status", status), slog.Int64("ms", res.Millis)}
	if err != nil {
		res.Error = err.Error()
		h.log.Warn("simulated message failed", append(attrs, slog.Any("error", err))...)
		writeJSON(w, http.StatusBadGateway, res)
		return
	}
	h.log.Info("simulated message", attrs...)
	writeJSON(w, http.StatusOK, res)
}

// messageXML builds the plaintext XML WeChat would send for req.
func (h *Handler) messageXML(oid string, req SendRequest) (string, error) {
	s := h.deps.Signer
	now := time.Now
	if s.Now != nil {
		now = s.Now
	}
	switch req.Type {
	case SendText, "":
		text := strings.TrimRight(req.Text, "\r\n")
		if strings.TrimSpace(text) == "" {
			return "", fmt.Errorf("empty message")
		}
		if len(text) > maxTextBytes {
			return "", fmt.Errorf("message is %d bytes, WeChat allows %d", len(text), maxTextBytes)
		}
		return s.TextXML(oid, cdata(text), wxsign.NextMsgID()), nil
	case SendLocation:
		if math.IsNaN(req.Lat) || math.IsNaN(req.Lng) || math.Abs(req.Lat) > 90 || math.Abs(req.Lng) > 180 {
			return "", fmt.Errorf("location %v,%v is out of range", req.Lat, req.Lng)
		}
		return s.LocationXML(oid, req.Lat, req.Lng, cdata(limit(req.Label, 200)), wxsign.NextMsgID()), nil
	case SendScan:
		if req.Scene == "" {
			return "", fmt.Errorf("scan needs a scene, e.g. checkin:A1")
		}
		return s.EventXML(oid, "SCAN", cdata(limit(req.Scene, 64)), now().Unix(), "<Ticket><![CDATA[devchat]]></Ticket>"), nil
	case SendSubscribe:
		key, extra := "", ""
		if req.Scene != "" {
			key, extra = "qrscene_"+cdata(limit(req.Scene, 64)), "<Ticket><![CDATA[devchat]]></Ticket>"
		}
		return s.EventXML(oid, "subscribe", key, now().Unix(), extra), nil
	case SendUnsubscribe:
		return s.EventXML(oid, "unsubscribe", "", now().Unix(), ""), nil
	case SendClick:
		if req.Key == "" {
			return "", fmt.Errorf("click needs a menu key")
		}
		return s.EventXML(oid, "CLICK", cdata(limit(req.Key, 128)), now().Unix(), ""), nil
	}
	return "", fmt.Errorf("unknown message type %q", req.Type)
}

// limit cuts s to at most n bytes on a character boundary.
func limit(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// InviteRequest asks POST /dev/chat/invite for a code.
type InviteRequest struct {
	Role string `json:"role"` // envoy or admin
	Name string `json:"name"`
}

// InviteResponse carries the code the user then sends as 绑定 CODE.
type InviteResponse struct {
	Code string `json:"code"`
}

func (h *Handler) invite(w http.ResponseWriter, r *http.Request) {
	var req InviteRequest
	if !decode(w, r, &req) {
		return
	}
	if req.Role != "envoy" && req.Role != "admin" {
		writeJSON(w, http.StatusBadRequest, errorResponse{Error: fmt.Sprintf("role must be envoy or admin, got %q", req.Role)})
		return
	}
	if _, err := openID(req.Name); err != nil {
		writeJSON(w, http.StatusBadRequest, errorResponse{Error: err.Error()})
		return
	}
	hint := fmt.Sprintf("envoybot invite --role %s --name %s", req.Role, req.Name)
	if h.deps.Invite == nil {
		writeJSON(w, http.StatusNotImplemented, errorResponse{
			Error: "this server does not issue invites from the simulator",
			Hint:  "run `" + hint + "` and send 绑定 CODE",
		})
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), 10*time.Second)
	defer cancel()
	code, err := h.deps.Invite(ctx, req.Role, req.Name)
	if err != nil {
		h.log.Warn("simulator invite failed", slog.String("role", req.Role), slog.Any("error", err))
		writeJSON(w, http.StatusInternalServerError, errorResponse{Error: "issue invite: " + err.Error(), Hint: "run `" + hint + "`"})
		return
	}
	h.log.Info("simulator invite issued", slog.String("role", req.Role), slog.String("name", req.Name))
	writeJSON(w, http.StatusOK, InviteResponse{Code: code})
}

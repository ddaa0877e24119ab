package wxapi

import (
	"context"
	"errors"
	"net"
	"net/http"
)

// templateValue is one key of a template message's data.
type templateValue struct {
	Value string `json:"value"`
}

// templateMessage is the body of /cgi-bin/message/template/send.
type templateMessage struct {
	ToUser     string                   `json:"touser"`
	TemplateID string                   `json:"template_id"`
	URL        string                   `json:"url,omitempty"`
	Data       map[string]templateValue `json:"data"`
}

// SendTemplate sends a template message (模板消息), the one way to reach a
// user outside the 48-hour customer-service window. data maps the
// template's keys (first, keyword1, remark, ...) to their values; url, when
// not empty, opens on tapping the message.
func (c *Client) SendTemplate(ctx context.Context, openID, templateID, url string, data map[string]string) error {
	msg := templateMessage{ToUser: openID, TemplateID: templateID, URL: url, Data: make(map[string]templateValue, len(data))}
	for k, v := range data {
		msg.Data[k] = templateValue{Value: v}
	}
	return c.postJSON(ctx, "/cgi-bin/message/template/send", msg, nil)
}

// ErrSystemBusy is WeChat's errcode -1, "system busy, try again later".
const ErrSystemBusy = -1

// IsTemporary reports whether err from a call to WeChat is worth retrying
// later: a network error or timeout, an HTTP 5xx or 429 answer, or
// errcode -1 (system busy). Every other errcode is WeChat's final word on
// that message.
func IsTemporary(err error) bool {
	if err == nil {
		return false
	}
	var apiErr *APIError
	if errors.As(err, &apiErr) {
		return apiErr.Code == ErrSystemBusy
	}
	var netErr net.Error
	if errors.As(err, &netErr) || errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) {
		return true
	}
	var statusErr *StatusError
	if errors.As(err, &statusErr) {
		return statusErr.Status >= 500 || statusErr.Status == http.StatusTooManyRequests
	}
	return false
}

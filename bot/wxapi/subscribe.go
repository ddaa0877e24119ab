package wxapi

import "context"

// subscribeMessage is the body of /cgi-bin/message/subscribe/bizsend.
type subscribeMessage struct {
	ToUser     string                   `json:"touser"`
	TemplateID string                   `json:"template_id"`
	Page       string                   `json:"page,omitempty"`
	Data       map[string]templateValue `json:"data"`
}

// SendSubscribe sends a subscription notice (订阅通知) to a user who
// accepted templateID: the channel WeChat offers for service notices
// outside the 48-hour window. data maps the template's keys (thing1,
// time2, ...) to values already cut to their limits; page, when not empty,
// opens on tapping. WeChat answers 43101 when the user has not accepted
// the template (or refused it since).
func (c *Client) SendSubscribe(ctx context.Context, openID, templateID, page string, data map[string]string) error {
	msg := subscribeMessage{ToUser: openID, TemplateID: templateID, Page: page, Data: make(map[string]templateValue, len(data))}
	for k, v := range data {
		msg.Data[k] = templateValue{Value: v}
	}
	return c.postJSON(ctx, "/cgi-bin/message/subscribe/bizsend", msg, nil)
}

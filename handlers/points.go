package handlers

import (
	"context"
	"time"

	"envoybot/bot"
)

// MyPoints answers 我的积分.
func (h *Handlers) MyPoints(ctx context.Context, req *Request) (bot.Reply, error) {
	return bot.Reply{Text: Text.NotYet}, nil
}

// afterConfirmed runs once hours of the volunteer are confirmed.
func (h *Handlers) afterConfirmed(ctx context.Context, now time.Time, volunteerID int64) {}

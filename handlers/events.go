package handlers

import (
	"context"
	"fmt"

	"envoybot/bot"
	"envoybot/bot/intent"
	"envoybot/store"
)

// Followed answers a new or returning follower: the welcome, or the
// check-in when they followed by scanning an activity's code.
func (h *Handlers) Followed(ctx context.Context, req *Request) (bot.Reply, error) {
	if err := h.users.SetFollowing(ctx, req.Msg.OpenID, true, req.Now); err != nil {
		return bot.Reply{}, err
	}
	welcome := Text.Welcome
	if req.User.Registered() {
		welcome = Text.WelcomeBack
	}
	if req.Msg.Scene != "" {
		// Arrived by scanning a check-in code: the welcome, then the
		// check-in's answer.
		reply, err := h.Scan(ctx, req)
		if err != nil {
			return reply, err
		}
		reply.Text = welcome + "\n\n" + reply.Text
		return reply, nil
	}
	return bot.Reply{Text: welcome}, nil
}

// Unfollowed stops every notice: the flag is checked before any send, and
// lecture subscriptions end too. It wants no reply.
func (h *Handlers) Unfollowed(ctx context.Context, req *Request) (bot.Reply, error) {
	if err := h.users.SetFollowing(ctx, req.Msg.OpenID, false, req.Now); err != nil {
		return bot.Reply{}, err
	}
	// A passive route: the sender was not loaded at the entry.
	u, err := h.users.FindUserByOpenID(ctx, req.Msg.OpenID)
	if err != nil {
		return bot.Reply{}, err
	}
	_, err = h.lectures.Unsubscribe(ctx, u.ID, "", req.Now)
	return bot.Reply{}, err
}

// ReportedLocation keeps the position WeChat reports on its own while the
// chat is open; it wants no reply.
func (h *Handlers) ReportedLocation(ctx context.Context, req *Request) (bot.Reply, error) {
	if !req.Msg.HasPosition {
		return bot.Reply{}, nil
	}
	return bot.Reply{}, h.users.SetLastLocation(ctx, req.Msg.OpenID, req.Msg.Lat, req.Msg.Lng, req.Now)
}

// MenuUnknown answers a menu click whose key names no command.
func (h *Handlers) MenuUnknown(context.Context, *Request) (bot.Reply, error) {
	return bot.Reply{Text: Text.MenuUnknown}, nil
}

// Unknown answers a message the parser did not understand: a friendly word
// to laughter or a sticker, the closest command when one is near ("您是不是
// 想：报名 A12？"), otherwise the short help. What was not understood
// (chatter aside) is kept, masked and anonymous, for the dashboard.
func (h *Handlers) Unknown(ctx context.Context, req *Request) (bot.Reply, error) {
	if intent.IsChatter(req.Msg.Text) {
		return bot.Reply{Text: Text.Chatter}, nil
	}
	h.recordUnrecognised(ctx, req)
	if s := intent.Suggest(req.Msg.Text, req.Now.In(h.loc)); s != "" {
		return bot.Reply{Text: fmt.Sprintf(Text.DidYouMean, store.MaskIDNumbers(s))}, nil
	}
	return bot.Reply{Text: Text.Unknown}, nil
}

// VoiceUnheard answers a voice message without a transcription.
func (h *Handlers) VoiceUnheard(context.Context, *Request) (bot.Reply, error) {
	return bot.Reply{Text: Text.VoiceUnheard}, nil
}

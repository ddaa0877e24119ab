package handlers

import (
	"context"

	"envoybot/bot"
	"envoybot/store"
)

// Help answers 帮助 with what the sender's role can do.
func (h *Handlers) Help(_ context.Context, req *Request) (bot.Reply, error) {
	switch req.User.Role {
	case store.RoleAdmin:
		return bot.Reply{Text: Text.HelpAdmin}, nil
	case store.RoleEnvoy:
		return bot.Reply{Text: Text.HelpEnvoy}, nil
	case store.RoleVolunteer:
		return bot.Reply{Text: Text.HelpVolunteer}, nil
	default:
		return bot.Reply{Text: Text.HelpResident}, nil
	}
}

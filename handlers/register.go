package handlers

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"envoybot/bot"
	"envoybot/store"
)

// Registrar stores volunteer profiles.
type Registrar interface {
	RegisterVolunteer(ctx context.Context, reg store.Registration, at time.Time) (*store.User, bool, error)
}

// RegisterHandler answers `注册 姓名 手机号 社区`.
type RegisterHandler struct {
	Users Registrar
	Log   *slog.Logger
}

// Handle registers or updates the sender's volunteer profile, or says
// exactly what is missing.
func (h *RegisterHandler) Handle(ctx context.Context, req *Request) (bot.Reply, error) {
	p := req.Parse
	switch {
	case p.Problem == "bad_phone":
		return bot.Reply{Text: Text.RegisterBadPhone}, nil
	case p.Problem == "bad_name":
		return bot.Reply{Text: Text.RegisterBadName}, nil
	case len(p.Missing) > 0:
		names := make([]string, 0, len(p.Missing))
		for _, f := range p.Missing {
			if n, ok := Text.FieldNames[f]; ok {
				names = append(names, n)
			} else {
				names = append(names, f)
			}
		}
		return bot.Reply{Text: fmt.Sprintf(Text.RegisterMissing, strings.Join(names, "、"))}, nil
	}
	u, created, err := h.Users.RegisterVolunteer(ctx, store.Registration{
		OpenID: req.Msg.OpenID, Name: p.Name, Phone: p.Phone, Community: p.Community,
	}, req.Now)
	if err != nil {
		if store.ErrorCode(err) == store.EINVALID {
			return bot.Reply{Text: store.ErrorMessage(err)}, nil
		}
		return bot.Reply{}, fmt.Errorf("handlers: register: %w", err)
	}
	h.Log.Info("volunteer registered", slog.String("openid", u.OpenID), slog.String("phone", store.MaskPhone(u.Phone)),
		slog.String("community", u.Community), slog.Bool("created", created))
	format := Text.RegisterUpdated
	if created {
		format = Text.Registered
	}
	return bot.Reply{Text: fmt.Sprintf(format, u.Name, store.MaskPhone(u.Phone), u.Community)}, nil
}

package handlers

import (
	"context"
	"fmt"
	"log/slog"

	"envoybot/bot"
	"envoybot/bot/intent"
	"envoybot/store"
)

// Register answers `注册 姓名 手机号 社区`: it registers or updates the
// sender's volunteer profile, or says exactly what is missing.
func (h *Handlers) Register(ctx context.Context, req *Request) (bot.Reply, error) {
	p := req.Parse
	switch {
	case p.Problem == intent.ProblemBadPhone:
		return bot.Reply{Text: Text.RegisterBadPhone}, nil
	case len(p.Missing) > 0:
		return bot.Reply{Text: missing(p.Missing, "注册 张三 13812345678 古槐社区")}, nil
	}
	if reply, over := tooLong(store.FieldValue{Field: store.FieldName, Value: p.Name}); over {
		return reply, nil
	}
	community, unknown, err := h.userCommunity(ctx, p.Community, "注册 姓名 手机号 %s")
	if community == "" {
		return unknown, err
	}
	u, created, err := h.register(ctx, req, p.Name, p.Phone, community)
	if err != nil {
		if isUnknownCommunity(err) {
			return bot.Reply{Text: CommunityText.Gone}, nil
		}
		if err == errPhoneTaken {
			return bot.Reply{Text: Text.PhoneTaken}, nil
		}
		if store.ErrorCode(err) == store.EINVALID {
			return bot.Reply{Text: missing([]string{"name", "phone", "community"}, "注册 张三 13812345678 古槐社区")}, nil
		}
		return bot.Reply{}, err
	}
	format := Text.RegisterUpdated
	if created {
		format = Text.Registered
	}
	return bot.Reply{Text: fmt.Sprintf(format, u.Name, store.MaskPhone(u.Phone), u.Community)}, nil
}

// errPhoneTaken is a mobile registered by someone else.
var errPhoneTaken = store.Errorf(store.ECONFLICT, "phone taken")

// register stores the profile and logs it with the mobile masked. A mobile
// another user registered is refused (errPhoneTaken): it is how 接龙 lists
// and records tell people apart.
func (h *Handlers) register(ctx context.Context, req *Request, name, phone, community string) (*store.User, bool, error) {
	other, err := h.profiles.FindUserByPhone(ctx, phone)
	switch {
	case err == nil && other.OpenID != req.Msg.OpenID:
		return nil, false, errPhoneTaken
	case err != nil && store.ErrorCode(err) != store.ENOTFOUND:
		return nil, false, fmt.Errorf("find by phone: %w", err)
	}
	u, created, err := h.users.RegisterVolunteer(ctx, store.Registration{
		OpenID: req.Msg.OpenID, Name: name, Phone: phone, Community: community,
	}, req.Now)
	if store.ErrorCode(err) == store.ECONFLICT && store.ErrorMessage(err) == store.MsgPhoneTaken {
		// Registered by someone else a moment ago: the store's unique
		// index, not the look-up above, is what holds under a race.
		return nil, false, errPhoneTaken
	} else if err != nil {
		return nil, false, fmt.Errorf("register: %w", err)
	}
	h.log.InfoContext(ctx, "volunteer registered", slog.String("openid", u.OpenID), slog.String("phone", store.MaskPhone(u.Phone)),
		slog.String("community", u.Community), slog.Bool("created", created))
	req.User = u
	return u, created, nil
}

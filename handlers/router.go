// Package handlers turns parsed chat messages into effects and replies: one
// file per intent, a router that parses, loads the sender and checks roles.
package handlers

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"envoybot/bot"
	"envoybot/bot/intent"
	"envoybot/store"
)

// Request is one parsed chat message with its sender.
type Request struct {
	Msg   *bot.Message
	User  *store.User
	Parse intent.Result
	Now   time.Time
}

// IntentHandler handles one intent.
type IntentHandler func(ctx context.Context, req *Request) (bot.Reply, error)

// Deps are what the handlers need.
type Deps struct {
	Users  store.UserService
	Logger *slog.Logger
	Now    func() time.Time
}

// Router is the bot.Handler of envoybot: it records who wrote, parses text
// and runs the intent's handler.
type Router struct {
	users  store.UserService
	log    *slog.Logger
	now    func() time.Time
	routes map[string]IntentHandler
}

// NewRouter returns the router with every implemented intent registered.
func NewRouter(d Deps) *Router {
	if d.Now == nil {
		d.Now = time.Now
	}
	if d.Logger == nil {
		d.Logger = slog.Default()
	}
	r := &Router{users: d.Users, log: d.Logger.With(slog.String("component", "handlers")), now: d.Now, routes: map[string]IntentHandler{}}
	r.Handle(intent.Help, Help)
	r.Handle(intent.Register, (&RegisterHandler{Users: d.Users, Log: r.log}).Handle)
	return r
}

// Handle registers h for an intent, replacing any handler before it.
func (r *Router) Handle(name string, h IntentHandler) { r.routes[name] = h }

// HandleMessage implements bot.Handler.
func (r *Router) HandleMessage(ctx context.Context, m *bot.Message) (bot.Reply, error) {
	now := r.now()
	switch m.Kind {
	case bot.KindEvent:
		return r.event(ctx, m, now)
	case bot.KindText:
		return r.text(ctx, m, m.Text, now)
	case bot.KindLocation:
		if _, err := r.users.TouchUser(ctx, m.OpenID, now); err != nil {
			return bot.Reply{}, err
		}
		if err := r.users.SetLastLocation(ctx, m.OpenID, m.Lat, m.Lng, now); err != nil {
			return bot.Reply{}, err
		}
		return bot.Reply{Text: Text.Location}, nil
	case bot.KindImage:
		if _, err := r.users.TouchUser(ctx, m.OpenID, now); err != nil {
			return bot.Reply{}, err
		}
		return bot.Reply{Text: Text.Image}, nil
	default:
		if _, err := r.users.TouchUser(ctx, m.OpenID, now); err != nil {
			return bot.Reply{}, err
		}
		return bot.Reply{Text: Text.Unsupported}, nil
	}
}

func (r *Router) event(ctx context.Context, m *bot.Message, now time.Time) (bot.Reply, error) {
	switch m.Event {
	case bot.EventSubscribe:
		if err := r.users.SetFollowing(ctx, m.OpenID, true, now); err != nil {
			return bot.Reply{}, err
		}
		u, err := r.users.TouchUser(ctx, m.OpenID, now)
		if err != nil {
			return bot.Reply{}, err
		}
		if u.Registered() {
			return bot.Reply{Text: Text.WelcomeBack}, nil
		}
		return bot.Reply{Text: Text.Welcome}, nil
	case bot.EventUnsubscribe:
		return bot.Reply{}, r.users.SetFollowing(ctx, m.OpenID, false, now)
	case bot.EventLocation:
		// Reported by WeChat on its own while the chat is open: not an
		// interaction of the user's, and it wants no reply.
		return bot.Reply{}, r.users.SetLastLocation(ctx, m.OpenID, m.Lat, m.Lng, now)
	case bot.EventClick:
		if m.Text == "" {
			if _, err := r.users.TouchUser(ctx, m.OpenID, now); err != nil {
				return bot.Reply{}, err
			}
			return bot.Reply{Text: Text.MenuUnknown}, nil
		}
		return r.text(ctx, m, m.Text, now)
	case bot.EventScan:
		if _, err := r.users.TouchUser(ctx, m.OpenID, now); err != nil {
			return bot.Reply{}, err
		}
		return bot.Reply{Text: Text.ScanUnknown}, nil
	default:
		return bot.Reply{}, nil
	}
}

func (r *Router) text(ctx context.Context, m *bot.Message, text string, now time.Time) (bot.Reply, error) {
	u, err := r.users.TouchUser(ctx, m.OpenID, now)
	if err != nil {
		return bot.Reply{}, fmt.Errorf("handlers: touch user: %w", err)
	}
	req := &Request{Msg: m, User: u, Parse: intent.Parse(text, now), Now: now}
	h, ok := r.routes[req.Parse.Intent]
	if !ok {
		if req.Parse.Intent == intent.Unknown {
			return bot.Reply{Text: Text.Unknown}, nil
		}
		return bot.Reply{Text: Text.NotYet}, nil
	}
	return h(ctx, req)
}

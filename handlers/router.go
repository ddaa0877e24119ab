// Package handlers turns parsed chat messages into effects and replies: one
// file per intent, a router that parses, loads the sender and checks roles.
package handlers

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"envoybot/bot"
	"envoybot/bot/intent"
	"envoybot/configs"
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

// QRCoder makes temporary QR codes whose scan reaches us with a scene.
type QRCoder interface {
	CheckinQR(ctx context.Context, scene string, expire time.Duration) (url string, err error)
}

// Deps are what the handlers need.
type Deps struct {
	Store    store.Store
	Cache    store.Cache // follow-up state: venue after publishing, photo after 活动签到
	QR       QRCoder     // may be nil: publishing then says to check in by text
	Campaign configs.Campaign
	Rules    configs.Rules
	Location *time.Location
	// AdminURL is where admins reach the dashboard (configs admin.public_url),
	// for login links sent in chat; "" gives a path only.
	AdminURL string
	Logger   *slog.Logger
	Now      func() time.Time
}

// Handlers holds every intent's handler and what they share.
type Handlers struct {
	users      store.UserService
	profiles   store.ProfileService
	invites    store.InviteService
	envoys     store.EnvoyService
	activities store.ActivityService
	signups    store.SignupService
	attendance store.AttendanceService
	lectures   store.LectureService
	outbox     store.OutboxService
	schedule   store.ScheduleQueries
	cache      store.Cache
	qr         QRCoder
	campaign   configs.Campaign
	rules      configs.Rules
	loc        *time.Location
	adminURL   string
	log        *slog.Logger
}

type route struct {
	handle IntentHandler
	// roles may use the intent; nil means anyone.
	roles []store.Role
}

// Router is the bot.Handler of envoybot: it records who wrote, parses text
// and runs the intent's handler after its role check.
type Router struct {
	h      *Handlers
	users  store.UserService
	log    *slog.Logger
	now    func() time.Time
	routes map[string]route
}

// Who may use an intent beyond anyone.
var (
	envoysOrAdmins  = []store.Role{store.RoleEnvoy, store.RoleAdmin}
	onlyEnvoys      = []store.Role{store.RoleEnvoy}
	registeredUsers = []store.Role{store.RoleVolunteer, store.RoleEnvoy, store.RoleAdmin}
)

// NewRouter returns the router with every intent registered.
func NewRouter(d Deps) *Router {
	if d.Now == nil {
		d.Now = time.Now
	}
	if d.Logger == nil {
		d.Logger = slog.Default()
	}
	if d.Location == nil {
		d.Location = time.FixedZone("CST", 8*3600)
	}
	log := d.Logger.With(slog.String("component", "handlers"))
	h := &Handlers{
		users: d.Store, profiles: d.Store, invites: d.Store, envoys: d.Store, activities: d.Store,
		signups: d.Store, attendance: d.Store, lectures: d.Store, outbox: d.Store, schedule: d.Store,
		cache: d.Cache, qr: d.QR, campaign: d.Campaign, rules: d.Rules, loc: d.Location, adminURL: strings.TrimRight(d.AdminURL, "/"), log: log,
	}
	r := &Router{h: h, users: d.Store, log: log, now: d.Now, routes: map[string]route{}}
	r.Handle(intent.Help, h.Help)
	r.Handle(intent.Register, h.Register)
	r.Handle(intent.Signup, h.Signup)
	r.Handle(intent.Cancel, h.Cancel)
	r.Handle(intent.MySignups, h.MySignups)
	r.Handle(intent.Checkin, h.Checkin)
	r.Handle(intent.Checkout, h.Checkout)
	r.Handle(intent.MyHours, h.MyHours)
	r.Handle(intent.Lectures, h.Lectures)
	r.Handle(intent.Subscribe, h.Subscribe)
	r.Handle(intent.Unsubscribe, h.Unsubscribe)
	r.Handle(intent.Activities, h.Activities)
	r.Handle(intent.Bind, h.Bind)
	r.Handle(intent.TeamJoin, h.TeamJoin, registeredUsers...)
	r.Handle(intent.DeleteAccount, h.DeleteAccount)
	r.Handle(intent.ContactPoint, h.ContactPoint, onlyEnvoys...)
	r.Handle(intent.TeamCreate, h.TeamCreate, onlyEnvoys...)
	r.Handle(intent.Brand, h.Brand, onlyEnvoys...)
	r.Handle(intent.Progress, h.Progress, onlyEnvoys...)
	r.Handle(intent.PublishActivity, h.PublishActivity, onlyEnvoys...)
	r.Handle(intent.PublishLecture, h.PublishLecture, onlyEnvoys...)
	r.Handle(intent.ActivityCheckin, h.ActivityCheckin, envoysOrAdmins...)
	r.Handle(intent.ConfirmHours, h.ConfirmHours, envoysOrAdmins...)
	r.Handle(intent.Import, h.Import, envoysOrAdmins...)
	r.Handle(intent.CancelLecture, h.CancelLecture, envoysOrAdmins...)
	return r
}

// Handle registers h for an intent, allowed to the given roles (anyone
// when none are given), replacing any handler before it.
func (r *Router) Handle(name string, h IntentHandler, roles ...store.Role) {
	r.routes[name] = route{handle: h, roles: roles}
}

// HandleMessage implements bot.Handler.
func (r *Router) HandleMessage(ctx context.Context, m *bot.Message) (bot.Reply, error) {
	now := r.now()
	switch m.Kind {
	case bot.KindEvent:
		return r.event(ctx, m, now)
	case bot.KindText:
		return r.text(ctx, m, m.Text, now)
	}
	u, err := r.users.TouchUser(ctx, m.OpenID, now)
	if err != nil {
		return bot.Reply{}, fmt.Errorf("handlers: touch user: %w", err)
	}
	req := &Request{Msg: m, User: u, Now: now}
	switch m.Kind {
	case bot.KindLocation:
		if !m.HasPosition {
			return bot.Reply{Text: Text.Location}, nil
		}
		if err := r.users.SetLastLocation(ctx, m.OpenID, m.Lat, m.Lng, now); err != nil {
			return bot.Reply{}, err
		}
		return r.h.Location(ctx, req)
	case bot.KindImage:
		return r.h.Image(ctx, req)
	default:
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
		if m.Scene != "" {
			return r.h.Scan(ctx, &Request{Msg: m, User: u, Now: now})
		}
		if u.Registered() {
			return bot.Reply{Text: Text.WelcomeBack}, nil
		}
		return bot.Reply{Text: Text.Welcome}, nil
	case bot.EventUnsubscribe:
		// Unfollowing stops every notice: the flag is checked before any
		// send, and lecture subscriptions end too.
		if err := r.users.SetFollowing(ctx, m.OpenID, false, now); err != nil {
			return bot.Reply{}, err
		}
		_, err := r.h.lectures.Unsubscribe(ctx, m.OpenID, "", now)
		return bot.Reply{}, err
	case bot.EventLocation:
		// Reported by WeChat on its own while the chat is open: not an
		// interaction of the user's, and it wants no reply.
		if !m.HasPosition {
			return bot.Reply{}, nil
		}
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
		u, err := r.users.TouchUser(ctx, m.OpenID, now)
		if err != nil {
			return bot.Reply{}, err
		}
		return r.h.Scan(ctx, &Request{Msg: m, User: u, Now: now})
	default:
		return bot.Reply{}, nil
	}
}

func (r *Router) text(ctx context.Context, m *bot.Message, text string, now time.Time) (bot.Reply, error) {
	u, err := r.users.TouchUser(ctx, m.OpenID, now)
	if err != nil {
		return bot.Reply{}, fmt.Errorf("handlers: touch user: %w", err)
	}
	if isMore(text) {
		return r.h.More(ctx, &Request{Msg: m, User: u, Now: now})
	}
	if isAdminLogin(text) {
		return r.h.AdminLink(ctx, &Request{Msg: m, User: u, Now: now})
	}
	req := &Request{Msg: m, User: u, Parse: intent.Parse(text, now.In(r.h.loc)), Now: now}
	rt, ok := r.routes[req.Parse.Intent]
	if !ok {
		if req.Parse.Intent == intent.Unknown {
			return bot.Reply{Text: Text.Unknown}, nil
		}
		return bot.Reply{Text: Text.NotYet}, nil
	}
	if len(rt.roles) > 0 && !hasRole(u, rt.roles) {
		return r.refuse(req, rt.roles), nil
	}
	reply, err := rt.handle(ctx, req)
	if err != nil {
		return bot.Reply{}, fmt.Errorf("handlers: %s: %w", req.Parse.Intent, err)
	}
	return reply, nil
}

// refuse says politely who may use the intent.
func (r *Router) refuse(req *Request, roles []store.Role) bot.Reply {
	for _, role := range roles {
		if role == store.RoleVolunteer {
			return bot.Reply{Text: Text.NeedRegister}
		}
	}
	return bot.Reply{Text: fmt.Sprintf(Text.ForEnvoys, commandWord(req.Parse.Intent))}
}

func hasRole(u *store.User, roles []store.Role) bool {
	for _, r := range roles {
		if u.Role == r {
			return true
		}
	}
	return false
}

// commandWord is the chat word of an intent, for replies.
func commandWord(name string) string {
	switch name {
	case intent.ContactPoint:
		return "联系点"
	case intent.TeamCreate:
		return "建队"
	case intent.Brand:
		return "品牌"
	case intent.Progress:
		return "进度"
	case intent.PublishActivity:
		return "发布活动"
	case intent.PublishLecture:
		return "发布讲座"
	case intent.ActivityCheckin:
		return "活动签到"
	case intent.ConfirmHours:
		return "确认时长"
	case intent.Import:
		return "导入"
	case intent.CancelLecture:
		return "取消讲座"
	}
	return name
}

// isAdminLogin reports an admin asking for a dashboard login link.
func isAdminLogin(text string) bool {
	switch strings.Trim(intent.Normalize(text), " ,.!?。！？~") {
	case "登录后台", "管理后台", "后台", "后台登录", "登录管理后台":
		return true
	}
	return false
}

// isMore reports a request for the rest of a long list.
func isMore(text string) bool {
	switch strings.Trim(intent.Normalize(text), " ,.!?。！？~") {
	case "更多", "下一页", "继续", "查看更多", "more", "More", "MORE":
		return true
	}
	return false
}

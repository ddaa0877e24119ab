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
	// draft is the envoy's unfinished publish this message continues
	// (drafts.go); nil for a message on its own.
	draft *draft
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
	Cache    store.Cache // follow-up state: venue after publishing, photo after 活动签到, unfinished publishes (drafts)
	QR       QRCoder     // may be nil: publishing then says to check in by text
	Campaign configs.Campaign
	Rules    configs.Rules
	Location *time.Location
	// IDs seals the ID numbers of 实名 (issue 14); nil turns 实名 off.
	IDs store.IDSealer
	// Issuer is the organisation certificates name (records.issuer), and
	// VolunteerPrefix starts volunteer numbers.
	Issuer, VolunteerPrefix string
	// Requests configures help requests, points and stars (issue 15).
	Requests configs.Requests
	// AdminURL is where admins reach the dashboard (configs admin.public_url),
	// for login links sent in chat; "" gives a path only.
	AdminURL string
	Logger   *slog.Logger
	Now      func() time.Time
}

// Handlers holds every intent's handler and what they share.
type Handlers struct {
	users      store.UserService
	community  store.CommunityService
	profiles   store.ProfileService
	invites    store.InviteService
	envoys     store.EnvoyService
	activities store.ActivityService
	signups    store.SignupService
	attendance store.AttendanceService
	lectures   store.LectureService
	published  store.PublishCounter
	changes    store.ActivityChangeService
	outbox     store.OutboxService
	schedule   store.ScheduleQueries
	cache      store.Cache
	qr         QRCoder
	campaign   configs.Campaign
	rules      configs.Rules
	loc        *time.Location
	adminURL   string
	log        *slog.Logger

	// unrecognised keeps what the parser did not understand (Unknown).
	unrecognised store.UnrecognisedService

	// Issue 14: records people can use.
	ids             store.IDSealer
	identity        store.IdentityService
	records         store.RecordService
	certs           store.CertificateService
	issuer          string
	volunteerPrefix string

	// Issue 15: help requests, points and stars.
	requests     store.HelpRequestService
	points       store.PointsService
	requestRules configs.Requests
	// Issue 13: who accepted which subscription notice template.
	subscriptions store.SubscriptionService
	confirmations store.SignupConfirmations
	broadcasts    store.BroadcastQueries
	photos        store.PhotoService
}

// Middleware wraps a handler, as a role check does.
type Middleware func(IntentHandler) IntentHandler

// route is how one kind of message is handled.
type route struct {
	handle IntentHandler
	// passive routes are what WeChat reports on the user's behalf (an
	// unfollow, the position it sends while the chat is open): not an
	// interaction, so the sender is not touched and Request.User is nil.
	passive bool
	// readOnly routes change nothing in the database (queries, help):
	// their replies are marked so, and no durable record is written.
	readOnly bool
}

// Router is the bot.Handler of envoybot: it records who wrote once, at
// the entry, turns the message into a route key (the parsed intent of a
// text or menu click, an event, a message kind) and runs that route.
type Router struct {
	h      *Handlers
	users  store.UserService
	log    *slog.Logger
	now    func() time.Time
	routes map[string]route
}

// Who may use an intent beyond anyone: role checks as middleware,
// declared with the route.
var (
	envoysOrAdmins  = allow(store.RoleEnvoy, store.RoleAdmin)
	onlyEnvoys      = allow(store.RoleEnvoy)
	registeredUsers = allow(store.RoleVolunteer, store.RoleEnvoy, store.RoleAdmin)
)

// Route keys of what is not text: events and message kinds.
func eventKey(event string) string { return "event:" + event }
func kindKey(kind string) string   { return "kind:" + kind }

// NewRouter returns the router with every intent, event and message kind
// registered.
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
	if d.Requests.Line == "" {
		d.Requests.Line = "关爱困难群体" // a request's hours count under the care line unless configured
	}
	log := d.Logger.With(slog.String("component", "handlers"))
	h := &Handlers{
		users: d.Store, community: d.Store, profiles: d.Store, invites: d.Store, envoys: d.Store, activities: d.Store,
		signups: d.Store, attendance: d.Store, lectures: d.Store, published: d.Store, changes: d.Store, outbox: d.Store, schedule: d.Store,
		unrecognised: d.Store,
		ids:          d.IDs, identity: d.Store, records: d.Store, certs: d.Store, issuer: d.Issuer, volunteerPrefix: d.VolunteerPrefix,
		requests: d.Store, points: d.Store, requestRules: d.Requests,
		subscriptions: d.Store, confirmations: d.Store, broadcasts: d.Store, photos: d.Store,
		cache: d.Cache, qr: d.QR, campaign: d.Campaign, rules: d.Rules, loc: d.Location, adminURL: strings.TrimRight(d.AdminURL, "/"), log: log,
	}
	r := &Router{h: h, users: d.Store, log: log, now: d.Now, routes: map[string]route{}}
	r.HandleReadOnly(intent.Help, h.Help)
	r.Handle(intent.Register, h.Register)
	r.Handle(intent.Signup, h.Signup)
	r.Handle(intent.Cancel, h.Cancel)
	r.HandleReadOnly(intent.MySignups, h.MySignups)
	r.Handle(intent.Checkin, h.Checkin)
	r.Handle(intent.Checkout, h.Checkout)
	r.HandleReadOnly(intent.MyHours, h.MyHours)
	r.HandleReadOnly(intent.Lectures, h.Lectures)
	r.Handle(intent.Subscribe, h.Subscribe)
	r.Handle(intent.Unsubscribe, h.Unsubscribe)
	r.HandleReadOnly(intent.Activities, h.Activities)
	r.Handle(intent.Bind, h.Bind)
	r.HandleReadOnly(intent.More, h.More)
	r.Handle(intent.AdminLogin, h.AdminLink)
	r.Handle(intent.Unknown, h.Unknown)
	r.Handle(intent.TeamJoin, registeredUsers(h.TeamJoin))
	r.Handle(intent.DeleteAccount, h.DeleteAccount)
	r.Handle(intent.ContactPoint, onlyEnvoys(h.ContactPoint))
	r.Handle(intent.TeamCreate, onlyEnvoys(h.TeamCreate))
	r.Handle(intent.Brand, envoysOrAdmins(h.Brand)) // an admin's 品牌 reassigns a held brand
	r.HandleReadOnly(intent.Progress, onlyEnvoys(h.Progress))
	r.Handle(intent.PublishActivity, onlyEnvoys(h.PublishActivity))
	r.Handle(intent.PublishLecture, onlyEnvoys(h.PublishLecture))
	r.Handle(intent.ActivityCheckin, envoysOrAdmins(h.ActivityCheckin))
	r.Handle(intent.ConfirmHours, envoysOrAdmins(h.ConfirmHours))
	r.Handle(intent.Import, envoysOrAdmins(h.Import))
	r.Handle(intent.CancelLecture, envoysOrAdmins(h.CancelLecture))
	r.Handle(draftCancelKey, h.CancelDraft) // only an open draft routes here: an envoy's publish, anyone's 求助
	// From a volunteer, 取消活动 A12 means their own sign-up: the handler
	// answers it as 取消报名 A12.
	r.Handle(intent.CancelActivity, h.CancelActivity)
	r.Handle(intent.ModifyActivity, envoysOrAdmins(h.ModifyActivity))
	r.Handle(intent.RealName, registeredUsers(h.RealName))
	r.Handle(intent.ConsentRealName, registeredUsers(h.ConsentRealName))
	r.Handle(intent.MyCertificate, registeredUsers(h.MyCertificate))
	r.Handle(intent.RecordTraining, envoysOrAdmins(h.RecordTraining))
	r.Handle(intent.RecordAward, envoysOrAdmins(h.RecordAward))
	r.Handle(intent.RecordEvaluation, envoysOrAdmins(h.RecordEvaluation))
	r.Handle(intent.Makeup, registeredUsers(h.Makeup))
	r.Handle(intent.ApproveMakeup, envoysOrAdmins(h.ApproveMakeup))
	r.Handle(intent.RejectMakeup, envoysOrAdmins(h.RejectMakeup))
	r.Handle(intent.RequestHelp, h.RequestHelp)
	r.Handle(intent.RequestFor, registeredUsers(h.RequestFor))
	r.Handle(intent.TakeRequest, registeredUsers(h.TakeRequest))
	r.Handle(intent.AssignRequest, envoysOrAdmins(h.AssignRequest))
	r.Handle(intent.RateRequest, h.RateRequest)
	r.HandleReadOnly(intent.MyPoints, registeredUsers(h.MyPoints))
	r.Handle(intent.LeaderboardPublic, registeredUsers(h.LeaderboardPublic))
	r.Handle(intent.LeaderboardPrivate, registeredUsers(h.LeaderboardPrivate))
	r.Handle(intent.ConfirmAttendance, h.ConfirmAttendance)
	r.Handle(intent.Broadcast, envoysOrAdmins(h.Broadcast))
	r.Handle(intent.ConfirmBroadcast, envoysOrAdmins(h.ConfirmBroadcast))
	r.Handle(intent.UrgentRecruit, envoysOrAdmins(h.UrgentRecruit))

	r.Handle(eventKey(bot.EventSubscribe), h.Followed)
	r.HandlePassive(eventKey(bot.EventUnsubscribe), h.Unfollowed)
	r.HandlePassive(eventKey(bot.EventLocation), h.ReportedLocation)
	r.HandlePassive(eventKey(bot.EventSubscribePopup), h.SubscriptionChoices)
	r.HandlePassive(eventKey(bot.EventSubscribeChange), h.SubscriptionChoices)
	r.Handle(eventKey(bot.EventScan), h.Scan)
	r.Handle(eventKey(bot.EventClick), h.MenuUnknown) // a click with a known key is routed as its text
	r.Handle(kindKey(bot.KindLocation), h.Location)
	r.Handle(kindKey(bot.KindImage), h.Image)
	r.Handle(kindKey(bot.KindVoice), h.VoiceUnheard) // a voice message WeChat did not transcribe
	return r
}

// Handle registers h under key (an intent name, or an event's or message
// kind's key), replacing any handler before it.
func (r *Router) Handle(key string, h IntentHandler) {
	r.routes[key] = route{handle: h}
}

// HandleReadOnly registers h under key as a route that changes nothing in
// the database: a query, whose answer a retry may compute again.
func (r *Router) HandleReadOnly(key string, h IntentHandler) {
	r.routes[key] = route{handle: h, readOnly: true}
}

// HandlePassive registers h for what WeChat reports without the user
// acting: the sender is not recorded as interacting.
func (r *Router) HandlePassive(key string, h IntentHandler) {
	r.routes[key] = route{handle: h, passive: true}
}

// HandleMessage implements bot.Handler.
func (r *Router) HandleMessage(ctx context.Context, m *bot.Message) (bot.Reply, error) {
	req := &Request{Msg: m, Now: r.now()}
	key := kindKey(m.Kind)
	heard := m.Kind == bot.KindVoice && strings.TrimSpace(m.Text) != ""
	switch {
	case m.Kind == bot.KindText || heard || (m.Kind == bot.KindEvent && m.Event == bot.EventClick && m.Text != ""):
		req.Parse = intent.Parse(m.Text, req.Now.In(r.h.loc))
		key = req.Parse.Intent
	case m.Kind == bot.KindEvent:
		key = eventKey(m.Event)
	}
	rt, ok := r.routes[key]
	switch {
	case !ok && m.Kind == bot.KindEvent:
		return bot.Reply{}, nil // events we do not use want no reply
	case !ok && req.Parse.Intent != "":
		rt = route{handle: func(context.Context, *Request) (bot.Reply, error) { return bot.Reply{Text: Text.NotYet}, nil }}
	case !ok:
		rt = route{handle: func(context.Context, *Request) (bot.Reply, error) { return bot.Reply{Text: Text.Unsupported}, nil }}
	}
	if !rt.passive {
		u, err := r.users.TouchUser(ctx, m.OpenID, req.Now)
		if err != nil {
			return bot.Reply{}, fmt.Errorf("handlers: touch user: %w", err)
		}
		req.User = u
	}
	if k := r.h.resumeDraft(ctx, req); k != "" {
		key, rt = k, r.routes[k] // the message completes an unfinished publish
	}
	reply, err := rt.handle(ctx, req)
	if err != nil {
		return bot.Reply{}, fmt.Errorf("handlers: %s: %w", key, err)
	}
	reply.ReadOnly = rt.readOnly
	if heard && reply.Text != "" {
		// Recognition makes mistakes: say what was understood first (a
		// mobile and an ID number masked, as every reply shows them).
		reply.Text = fmt.Sprintf(Text.VoiceHeard, store.MaskIDNumbers(store.MaskPhone(strings.TrimSpace(m.Text)))) + "\n" + reply.Text
	}
	return reply, nil
}

// allow is middleware that lets only the given roles through and
// politely tells anyone else who may use the intent.
func allow(roles ...store.Role) Middleware {
	return func(next IntentHandler) IntentHandler {
		return func(ctx context.Context, req *Request) (bot.Reply, error) {
			if !hasRole(req.User, roles) {
				return refuse(req, roles), nil
			}
			return next(ctx, req)
		}
	}
}

// refuse says politely who may use the intent.
func refuse(req *Request, roles []store.Role) bot.Reply {
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
	case intent.CancelActivity:
		return "取消活动"
	case intent.ModifyActivity:
		return "修改活动"
	case intent.RecordTraining:
		return "培训"
	case intent.RecordAward:
		return "表彰"
	case intent.RecordEvaluation:
		return "评价"
	case intent.ApproveMakeup:
		return "同意补录"
	case intent.RejectMakeup:
		return "驳回补录"
	}
	return name
}

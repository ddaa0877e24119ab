package admin

import (
	"log/slog"
	"net/http"
	"regexp"
	"strconv"
	"strings"

	"envoybot/configs"
	"envoybot/store"
)

// broadcastKind is the outbox kind of an admin's broadcast; a template for
// it may be configured under notices.templates.
const broadcastKind = "broadcast"

// maxBroadcast caps a broadcast's length (WeChat text messages allow more,
// but a notice should be read on a phone).
const maxBroadcast = 500

// broadcastIDPattern is what newBroadcastID makes.
var broadcastIDPattern = regexp.MustCompile(`^[A-Za-z0-9_-]{16,64}$`)

// Audiences of a broadcast.
const (
	audienceVolunteers  = "volunteers"  // the community's registered volunteers
	audienceSubscribers = "subscribers" // the community's lecture subscribers
	audienceTeam        = "team"        // a team's members
	audienceLine        = "line"        // the community's volunteers ever seated on an activity of a line
)

// broadcastView is the broadcast form and its result.
type broadcastView struct {
	Communities     []string
	Community, Text string
	// Audience is one of the audience constants; Team and Line name the
	// team (T3) and the activity line of those audiences.
	Audience, Team, Line string
	Lines                []string
	// Preview, when set, counts who the broadcast would reach by channel.
	Preview *broadcastPreview
	// ID identifies this broadcast in the outbox keys: made when the form
	// is shown, so that a repeated submit does not send twice.
	ID string
}

// broadcastForm shows the form to notify a community's subscribers.
func (s *server) broadcastForm(w http.ResponseWriter, r *http.Request, ss *session) {
	s.showBroadcast(w, r, ss, broadcastView{Community: r.URL.Query().Get("community"), Audience: audienceVolunteers}, page{})
}

// showBroadcast renders the form with a fresh broadcast id.
func (s *server) showBroadcast(w http.ResponseWriter, r *http.Request, ss *session, v broadcastView, p page) {
	var err error
	if v.Communities, err = s.communityNames(r.Context()); err != nil {
		s.fail(w, r, err)
		return
	}
	for _, l := range s.cfg.Campaign.Lines {
		v.Lines = append(v.Lines, l.Name)
	}
	if v.ID == "" {
		v.ID = newToken()
	}
	p.Title, p.Data = "群发通知", v
	s.renderAuthed(w, r, ss, "broadcast", p)
}

// broadcast writes one notice per subscriber of the community to the
// outbox; the dispatcher sends them at the configured rate.
func (s *server) broadcast(w http.ResponseWriter, r *http.Request, ss *session) {
	v := broadcastView{
		Community: strings.TrimSpace(r.PostFormValue("community")),
		Text:      strings.TrimSpace(r.PostFormValue("text")),
		ID:        r.PostFormValue("broadcast"),
		Audience:  r.PostFormValue("audience"),
		Team:      strings.ToUpper(strings.TrimSpace(r.PostFormValue("team"))),
		Line:      strings.TrimSpace(r.PostFormValue("line")),
	}
	p := page{}
	switch {
	case v.Audience != audienceVolunteers && v.Audience != audienceSubscribers && v.Audience != audienceTeam && v.Audience != audienceLine:
		p.Error = "请选择发送对象。"
	case v.Audience == audienceTeam && v.Team == "":
		p.Error = "请填写队伍编号，例如 T3。"
	case v.Audience != audienceTeam && v.Community == "":
		p.Error = "请选择社区。"
	case v.Audience == audienceLine && v.Line == "":
		p.Error = "请选择活动线。"
	case v.Text == "":
		p.Error = "请填写通知内容。"
	case len([]rune(v.Text)) > maxBroadcast:
		p.Error = "通知内容请控制在 500 字以内。"
	case !broadcastIDPattern.MatchString(v.ID):
		p.Error = "表单已失效，请重新填写。"
		v.ID = ""
	}
	if p.Error != "" {
		s.showBroadcast(w, r, ss, v, p)
		return
	}
	ctx := r.Context()
	subs, err := s.audience(r, v)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if r.PostFormValue("action") == "preview" {
		if v.Preview, err = s.preview(r, subs); err != nil {
			s.fail(w, r, err)
			return
		}
		s.showBroadcast(w, r, ss, v, p)
		return
	}
	now := s.now()
	sender := v.Community
	if v.Audience == audienceTeam {
		sender = "队伍" + v.Team
	}
	text := "【" + sender + "通知】\n" + v.Text
	ns := make([]store.NewNotice, 0, len(subs))
	for _, u := range subs {
		ns = append(ns, store.NewNotice{
			Key: broadcastKind + "|" + v.ID + "|" + u.OpenID, Kind: broadcastKind, Subject: v.ID,
			OpenID: u.OpenID, Text: text,
			Fields: map[string]string{"text": text, "title": sender + "通知", "community": v.Community, "time": s.localTime(now)},
		})
	}
	n := 0
	if len(ns) > 0 {
		if n, err = s.st.EnqueueNotices(ctx, ns, now); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	s.log.Info("admin broadcast", slog.String("admin", ss.Name), slog.String("community", v.Community),
		slog.String("audience", v.Audience), slog.String("team", v.Team), slog.String("line", v.Line),
		slog.Int("recipients", len(subs)), slog.Int("new", n))
	who := audienceName(v.Audience)
	switch {
	case len(subs) == 0:
		p.Error = sender + "暂无" + who + "，没有发送。"
	case n == 0:
		p.Flash = "这条通知已经提交过，没有重复发送。"
	default:
		p.Flash = "已加入发件箱：" + strconv.Itoa(n) + " 条（" + who + " " + strconv.Itoa(len(subs)) + " 人），将按发送速率陆续送达。"
	}
	s.showBroadcast(w, r, ss, broadcastView{Community: v.Community, Audience: v.Audience, Team: v.Team, Line: v.Line}, p)
}

// audienceName names an audience in Chinese.
func audienceName(audience string) string {
	switch audience {
	case audienceSubscribers:
		return "订阅讲座通知的居民"
	case audienceTeam:
		return "队员"
	case audienceLine:
		return "该活动线的志愿者"
	}
	return "注册志愿者"
}

// audience lists who the broadcast v reaches.
func (s *server) audience(r *http.Request, v broadcastView) ([]*store.User, error) {
	switch v.Audience {
	case audienceSubscribers:
		return s.st.ListSubscribers(r.Context(), v.Community)
	case audienceTeam:
		return s.st.ListTeamMembers(r.Context(), v.Team)
	case audienceLine:
		return s.st.ListLineVolunteers(r.Context(), v.Community, v.Line)
	}
	return s.st.ListCommunityVolunteers(r.Context(), v.Community)
}

// broadcastPreview counts the recipients of a broadcast by the channel
// each would be reached by now.
type broadcastPreview struct {
	Total, Customer, Subscribe, Template, None int
}

// preview counts who each channel would reach, as the dispatcher would
// choose now (notices.channels for the broadcast kind).
func (s *server) preview(r *http.Request, us []*store.User) (*broadcastPreview, error) {
	n := s.cfg.Notices
	now := s.now()
	sub, hasSub := n.Subscription(broadcastKind)
	p := &broadcastPreview{Total: len(us)}
	for _, u := range us {
		inWindow := !u.LastInteractionAt.IsZero() && now.Sub(u.LastInteractionAt) < n.CustomerWindow
		subscribed := false
		if hasSub && !inWindow {
			ok, err := s.st.SubscriptionAccepted(r.Context(), u.OpenID, sub.ID)
			if err != nil {
				return nil, err
			}
			subscribed = ok
		}
		switch n.ExpectedChannel(broadcastKind, inWindow, subscribed) {
		case configs.ChannelCustomer:
			p.Customer++
		case configs.ChannelSubscribe:
			p.Subscribe++
		case configs.ChannelTemplate:
			p.Template++
		default:
			p.None++
		}
	}
	return p, nil
}

package handlers

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"time"

	"envoybot/bot"
	"envoybot/bot/intent"
	"envoybot/store"
)

// Issue 15: residents ask, volunteers answer (点单—派单—评单). A resident
// sends 求助 with the need, the community and a wished time; the bot asks
// for what is missing (a draft, as publishing does), files R12 and tells
// the community's envoys and team members through the outbox. A volunteer
// takes it (接单 R12) or an envoy assigns it (派单 R12 张三); the resident
// is told who is coming and when; 签到 R12 / 签退 R12 count the time,
// 确认时长 R12 confirms it, 评价 R12 5 rates it, once.

// Notice kinds of requests.
const (
	KindRequestNew      = "request_new"      // to the community's envoys and team members
	KindRequestTaken    = "request_taken"    // to the resident (and the filer): who is coming
	KindRequestAssigned = "request_assigned" // to the volunteer an envoy assigned
	KindRequestDone     = "request_done"     // to the resident (and the filer): please rate; to the envoys: confirm
	KindRequestHours    = "request_hours"    // to the volunteer: hours confirmed
)

// requestForm is the whole command, for replies that show it.
const requestForm = "求助 家里老人想理发 古槐社区 周六上午"

// isRequestIntent reports the intents a request draft continues.
func isRequestIntent(in string) bool { return in == intent.RequestHelp || in == intent.RequestFor }

// RequestHelp answers 求助 ….
func (h *Handlers) RequestHelp(ctx context.Context, req *Request) (bot.Reply, error) {
	return h.fileRequest(ctx, req, false)
}

// RequestFor answers 代办 求助 …: an envoy or volunteer files for a
// resident without a phone, with their name and a contact.
func (h *Handlers) RequestFor(ctx context.Context, req *Request) (bot.Reply, error) {
	return h.fileRequest(ctx, req, true)
}

// fileRequest checks a request, asks for what it lacks, and files it.
func (h *Handlers) fileRequest(ctx context.Context, req *Request, onBehalf bool) (bot.Reply, error) {
	p := req.Parse
	if p.Community == "" && !onBehalf && req.User.Community != "" {
		p.Community = req.User.Community // the sender's own community
		p.Missing = slices.DeleteFunc(slices.Clone(p.Missing), func(f string) bool { return f == intent.FieldCommunity })
	}
	if p.Problem == intent.ProblemBadTime {
		h.dropDraft(ctx, req)
		text := fmt.Sprintf(RequestText.BadTime, h.exampleDay(req.Now))
		if p.Wished != "" {
			text = "您说的“" + p.Wished + "”" + text // quote what was read
		}
		return bot.Reply{Text: text}, nil
	}
	if p.Problem == intent.ProblemBadPhone {
		h.dropDraft(ctx, req)
		if !onBehalf {
			return bot.Reply{Text: RequestText.BadOwnContact}, nil
		}
		return bot.Reply{Text: RequestText.BadContact}, nil
	}
	if len(p.Missing) > 0 {
		return h.askRequest(ctx, req, p.Missing, onBehalf), nil
	}
	community, unknown, err := h.userCommunity(ctx, p.Community, requestFormWith("%s"))
	if community == "" {
		h.dropDraft(ctx, req)
		return unknown, err
	}
	// The cap is for residents and volunteers; an envoy or admin may file
	// for many old neighbours in one morning.
	if staff := req.User.Role == store.RoleEnvoy || req.User.Role == store.RoleAdmin; !staff {
		if open, err := h.requests.CountOpenHelpRequests(ctx, req.User.ID); err != nil {
			return bot.Reply{}, fmt.Errorf("count open requests: %w", err)
		} else if max := h.requestRules.MaxOpenPerResident; max > 0 && open >= max {
			h.dropDraft(ctx, req)
			return bot.Reply{Text: fmt.Sprintf(RequestText.TooMany, open)}, nil
		}
	}
	n := store.NewHelpRequest{
		Need: p.Description, Community: community, Wished: p.Wished, WishedAt: parseTime(p.Start),
		FiledBy: req.User.ID, Category: h.requestRules.Line, ServiceType: h.requestRules.ServiceType,
	}
	if onBehalf {
		n.ResidentName, n.ResidentContact = p.Name, p.Phone
	} else {
		// The volunteer who takes it must be able to call: the mobile the
		// resident typed, else the one they registered with.
		n.ResidentID, n.ResidentContact = req.User.ID, p.Phone
		if n.ResidentContact == "" {
			n.ResidentContact = req.User.Phone
		}
	}
	r, err := h.requests.CreateHelpRequest(ctx, n, req.Now)
	switch {
	case isUnknownCommunity(err):
		h.dropDraft(ctx, req)
		return bot.Reply{Text: CommunityText.Gone}, nil
	case store.ErrorCode(err) == store.EINVALID:
		h.dropDraft(ctx, req)
		return bot.Reply{Text: fmt.Sprintf(RequestText.Invalid, requestForm)}, nil
	case err != nil:
		return bot.Reply{}, fmt.Errorf("create request: %w", err)
	}
	h.draftPublished(ctx, req)
	told, err := h.dispatchRequest(ctx, r, req.Now)
	if err != nil {
		return bot.Reply{}, err
	}
	h.log.Info("help request", slog.String("request", r.Code), slog.String("community", r.Community),
		slog.Bool("on_behalf", onBehalf), slog.String("openid", req.Msg.OpenID))
	text := fmt.Sprintf(RequestText.Filed, r.Code, requestSummary(r), told)
	if r.ResidentContact == "" {
		text += "\n" + RequestText.NoContact
	}
	if onBehalf {
		text = fmt.Sprintf(RequestText.FiledFor, r.ResidentName, store.MaskPhone(r.ResidentContact), r.Code, requestSummary(r), told)
	}
	return bot.Reply{Text: text}, nil
}

// askRequest keeps the draft and asks for what the request lacks.
func (h *Handlers) askRequest(ctx context.Context, req *Request, lacking []string, onBehalf bool) bot.Reply {
	names, examples := []string{}, []string{}
	for _, f := range []string{intent.FieldName, intent.FieldPhone, intent.FieldNeed, intent.FieldCommunity, intent.FieldWished} {
		if !slices.Contains(lacking, f) {
			continue
		}
		names = append(names, RequestText.FieldNames[f])
		switch f {
		case intent.FieldWished:
			examples = append(examples, "周六上午")
		case intent.FieldCommunity:
			examples = append(examples, h.exampleCommunity())
		default:
			examples = append(examples, RequestText.Examples[f])
		}
	}
	typed := strings.TrimSpace(req.Msg.Text)
	if req.draft != nil {
		typed = req.draft.Text
	}
	in := intent.RequestHelp
	if onBehalf {
		in = intent.RequestFor
	}
	ask := fmt.Sprintf(RequestText.Ask, strings.Join(names, "、"), strings.Join(examples, " "))
	if h.keepDraft(ctx, req, draft{Intent: in, Text: typed, Missing: lacking}) {
		return bot.Reply{Text: ask + "\n" + RequestText.DraftKept}
	}
	h.dropDraft(ctx, req)
	return bot.Reply{Text: ask + "\n" + fmt.Sprintf(Text.DraftNotKept, requestForm)}
}

// requestFormWith is the command with the community c.
func requestFormWith(c string) string { return "求助 家里老人想理发 " + c + " 周六上午" }

// exampleCommunity is a known community to show in examples.
func (h *Handlers) exampleCommunity() string {
	if len(h.campaign.Communities) > 0 {
		return h.campaign.Communities[0]
	}
	return "古槐社区"
}

// exampleDay is a wished time to show: tomorrow morning.
func (h *Handlers) exampleDay(now time.Time) string {
	d := now.In(h.loc).AddDate(0, 0, 1)
	return fmt.Sprintf("%d月%d日上午", d.Month(), d.Day())
}

// requestSummary says what a request is: need, community, wished time.
func requestSummary(r *store.HelpRequest) string {
	wished := r.Wished
	if wished == "" {
		wished = "尽快"
	}
	return fmt.Sprintf(RequestText.Summary, r.Need, r.Community, wished)
}

// dispatchRequest writes the new request's notices to the community's
// envoys and team members (the admins when the community has nobody), and
// says who was told.
func (h *Handlers) dispatchRequest(ctx context.Context, r *store.HelpRequest, now time.Time) (string, error) {
	envoys, members, err := h.requests.CommunityResponders(ctx, r.Community)
	if err != nil {
		return "", fmt.Errorf("request responders: %w", err)
	}
	to := append(append([]*store.User{}, envoys...), members...)
	told := ""
	switch {
	case len(envoys) > 0 && len(members) > 0:
		told = fmt.Sprintf(RequestText.ToldEnvoysAndTeams, r.Community, peopleNames(envoys), len(members))
	case len(envoys) > 0:
		told = fmt.Sprintf(RequestText.ToldEnvoys, r.Community, peopleNames(envoys))
	default:
		admins, err := h.schedule.ListUsersByRole(ctx, store.RoleAdmin)
		if err != nil {
			return "", fmt.Errorf("list admins: %w", err)
		}
		to = append(to, admins...)
		told = fmt.Sprintf(RequestText.ToldAdmins, r.Community)
	}
	ns := make([]store.NewNotice, 0, len(to))
	for _, u := range to {
		if u.OpenID == r.FiledByOpenID {
			continue // an envoy filing 代办 knows
		}
		ns = append(ns, store.NewNotice{
			Key: fmt.Sprintf("%s|%s|%s", KindRequestNew, r.Code, u.OpenID), Kind: KindRequestNew, Subject: r.Code, OpenID: u.OpenID,
			Text:   fmt.Sprintf(RequestText.NewNotice, r.Code, requestSummary(r), r.Code, r.Code),
			Fields: requestFields(r),
		})
	}
	h.notify(ctx, now, ns...)
	return told, nil
}

// peopleNames lists people's names, 、-separated, at most three.
func peopleNames(us []*store.User) string {
	out := []string{}
	for _, u := range us {
		if len(out) == 3 {
			out = append(out, "等")
			break
		}
		n := u.Name
		if n == "" {
			n = "和谐使者"
		}
		out = append(out, n)
	}
	return strings.Join(out, "、")
}

// requestFields are a request's values for template messages.
func requestFields(r *store.HelpRequest) map[string]string {
	return map[string]string{"code": r.Code, "title": r.Need, "community": r.Community, "time": r.Wished, "place": r.Community}
}

// TakeRequest answers 接单 R12.
func (h *Handlers) TakeRequest(ctx context.Context, req *Request) (bot.Reply, error) {
	code := req.Parse.Request
	if code == "" {
		return bot.Reply{Text: fmt.Sprintf(RequestText.WhichRequest, "接单 R12")}, nil
	}
	return h.take(ctx, req, code, req.User, 0)
}

// take gives the request to volunteer and tells the resident (and the
// filer, and for an assignment the volunteer).
func (h *Handlers) take(ctx context.Context, req *Request, code string, volunteer *store.User, assignedBy int64) (bot.Reply, error) {
	r, taken, err := h.requests.TakeHelpRequest(ctx, code, volunteer.ID, assignedBy, req.Now)
	switch {
	case store.ErrorCode(err) == store.ENOTFOUND:
		return bot.Reply{Text: fmt.Sprintf(RequestText.NotFound, store.NormaliseCode(code))}, nil
	case store.ErrorCode(err) == store.ECONFLICT:
		return bot.Reply{Text: fmt.Sprintf(RequestText.AlreadyTaken, store.NormaliseCode(code))}, nil
	case store.ErrorCode(err) == store.EINVALID:
		return bot.Reply{Text: fmt.Sprintf(RequestText.NotOpen, store.NormaliseCode(code))}, nil
	case err != nil:
		return bot.Reply{}, fmt.Errorf("take request: %w", err)
	}
	if taken {
		who := fmt.Sprintf("%s（%s）", volunteer.Name, store.MaskPhone(volunteer.Phone))
		wished := r.Wished
		if wished == "" {
			wished = "尽快"
		}
		text := fmt.Sprintf(RequestText.TakenNotice, r.Code, r.Need, who, wished)
		var ns []store.NewNotice
		for _, openID := range requestContacts(r) {
			ns = append(ns, store.NewNotice{Key: fmt.Sprintf("%s|%s|%s", KindRequestTaken, r.Code, openID), Kind: KindRequestTaken,
				Subject: r.Code, OpenID: openID, Text: text, Fields: requestFields(r)})
		}
		if assignedBy != 0 {
			ns = append(ns, store.NewNotice{Key: fmt.Sprintf("%s|%s|%s", KindRequestAssigned, r.Code, volunteer.OpenID), Kind: KindRequestAssigned,
				Subject: r.Code, OpenID: volunteer.OpenID, Text: fmt.Sprintf(RequestText.AssignedNotice, r.Code, requestSummary(r), residentLine(r), r.Code, r.Code),
				Fields: requestFields(r)})
		}
		h.notify(ctx, req.Now, ns...)
	}
	if assignedBy != 0 {
		return bot.Reply{Text: fmt.Sprintf(RequestText.Assigned, r.Code, volunteer.Name)}, nil
	}
	return bot.Reply{Text: fmt.Sprintf(RequestText.Taken, r.Code, requestSummary(r), residentLine(r), r.Code, r.Code)}, nil
}

// requestContacts are who hear of a request's progress: the resident
// (when they asked by chat) and, for a 代办, the filer.
func requestContacts(r *store.HelpRequest) []string {
	var out []string
	if r.ResidentOpenID != "" {
		out = append(out, r.ResidentOpenID)
	}
	if r.FiledByOpenID != r.ResidentOpenID {
		out = append(out, r.FiledByOpenID)
	}
	return out
}

// residentLine says whom the volunteer serves and how to reach them: the
// name and the contact a 代办 gave in full (the volunteer must call), a
// chat resident's registered mobile when there is one.
func residentLine(r *store.HelpRequest) string {
	name := r.ResidentName
	if name == "" {
		name = "提出求助的居民"
	}
	contact := r.ResidentContact
	if contact == "" {
		contact = RequestText.NoContactForVolunteer
	}
	if r.OnBehalf() {
		return fmt.Sprintf(RequestText.ResidentLineFor, name, contact, r.FiledByName)
	}
	return fmt.Sprintf(RequestText.ResidentLine, name, contact)
}

// AssignRequest answers 派单 R12 张三 (or a mobile): an envoy of the
// request's community (or an admin) gives it to a registered volunteer.
func (h *Handlers) AssignRequest(ctx context.Context, req *Request) (bot.Reply, error) {
	p := req.Parse
	if p.Request == "" || (p.Name == "" && p.Phone == "") {
		return bot.Reply{Text: fmt.Sprintf(RequestText.WhichRequest, "派单 R12 张三")}, nil
	}
	r, reply, err := h.envoyRequest(ctx, req, p.Request)
	if r == nil {
		return reply, err
	}
	var volunteer *store.User
	if p.Phone != "" {
		volunteer, err = h.profiles.FindCommunityVolunteerByPhone(ctx, r.Community, p.Phone)
		if store.ErrorCode(err) == store.ENOTFOUND {
			return bot.Reply{Text: fmt.Sprintf(RequestText.NoSuchVolunteer, r.Community, store.MaskPhone(p.Phone))}, nil
		} else if err != nil {
			return bot.Reply{}, fmt.Errorf("find volunteer: %w", err)
		}
	} else {
		us, err := h.profiles.FindVolunteersByName(ctx, p.Name, r.Community)
		if err != nil {
			return bot.Reply{}, fmt.Errorf("find volunteer: %w", err)
		}
		switch len(us) {
		case 0:
			return bot.Reply{Text: fmt.Sprintf(RequestText.NoSuchVolunteer, r.Community, p.Name)}, nil
		case 1:
			volunteer = us[0]
		default:
			return bot.Reply{Text: fmt.Sprintf(RequestText.SeveralVolunteers, p.Name, r.Code)}, nil
		}
	}
	return h.take(ctx, req, r.Code, volunteer, req.User.ID)
}

// envoyRequest finds a request for an envoy of its community or an admin:
// nil and the reply to send otherwise.
func (h *Handlers) envoyRequest(ctx context.Context, req *Request, code string) (*store.HelpRequest, bot.Reply, error) {
	r, err := h.requests.FindHelpRequest(ctx, code)
	if store.ErrorCode(err) == store.ENOTFOUND {
		return nil, bot.Reply{Text: fmt.Sprintf(RequestText.NotFound, store.NormaliseCode(code))}, nil
	} else if err != nil {
		return nil, bot.Reply{}, fmt.Errorf("find request: %w", err)
	}
	if req.User.Role == store.RoleAdmin {
		return r, bot.Reply{}, nil
	}
	envoys, _, err := h.requests.CommunityResponders(ctx, r.Community)
	if err != nil {
		return nil, bot.Reply{}, fmt.Errorf("request responders: %w", err)
	}
	for _, e := range envoys {
		if e.ID == req.User.ID {
			return r, bot.Reply{}, nil
		}
	}
	return nil, bot.Reply{Text: fmt.Sprintf(RequestText.NotYourCommunity, r.Code, r.Community)}, nil
}

// CheckinRequest answers 签到 R12.
func (h *Handlers) CheckinRequest(ctx context.Context, req *Request) (bot.Reply, error) {
	r, err := h.requests.CheckInHelpRequest(ctx, req.Parse.Request, req.User.ID, req.Now)
	if reply, done := h.servingReply(err, req.Parse.Request); done {
		return reply, nil
	} else if err != nil {
		return bot.Reply{}, fmt.Errorf("request check-in: %w", err)
	}
	return bot.Reply{Text: fmt.Sprintf(RequestText.CheckedIn, r.Code, clock(r.CheckInAt, h.loc), r.Code)}, nil
}

// CheckoutRequest answers 签退 R12: the time served is computed as for an
// activity (rounded by the rules), the request is done, the resident (or
// the filer) is asked to rate it and the envoys to confirm the hours.
func (h *Handlers) CheckoutRequest(ctx context.Context, req *Request) (bot.Reply, error) {
	code := req.Parse.Request
	before, err := h.requests.FindHelpRequest(ctx, code)
	if reply, done := h.servingReply(err, code); done {
		return reply, nil
	} else if err != nil {
		return bot.Reply{}, fmt.Errorf("find request: %w", err)
	}
	minutes := 0
	if !before.CheckInAt.IsZero() {
		minutes = max(store.ServiceMinutes(before.CheckInAt, req.Now, before.CheckInAt, req.Now, h.hoursRule()), 0)
	}
	r, err := h.requests.CheckOutHelpRequest(ctx, code, req.User.ID, minutes, req.Now)
	if reply, done := h.servingReply(err, code); done {
		return reply, nil
	} else if err != nil {
		return bot.Reply{}, fmt.Errorf("request check-out: %w", err)
	}
	var ns []store.NewNotice
	for _, openID := range requestContacts(r) {
		ns = append(ns, store.NewNotice{Key: fmt.Sprintf("%s|%s|%s", KindRequestDone, r.Code, openID), Kind: KindRequestDone,
			Subject: r.Code, OpenID: openID, Text: fmt.Sprintf(RequestText.DoneNotice, r.Code, r.Need, r.TakerName, r.Code), Fields: requestFields(r)})
	}
	envoys, _, err := h.requests.CommunityResponders(ctx, r.Community)
	if err != nil {
		return bot.Reply{}, fmt.Errorf("request responders: %w", err)
	}
	for _, e := range envoys {
		ns = append(ns, store.NewNotice{Key: fmt.Sprintf("%s|%s|%s|envoy", KindRequestDone, r.Code, e.OpenID), Kind: KindRequestDone,
			Subject: r.Code, OpenID: e.OpenID, Text: fmt.Sprintf(RequestText.ConfirmNotice, r.Code, r.Need, r.TakerName, store.FormatHours(r.ComputedMinutes), r.Code),
			Fields: requestFields(r)})
	}
	h.notify(ctx, req.Now, ns...)
	return bot.Reply{Text: fmt.Sprintf(RequestText.CheckedOut, r.Code, store.FormatHours(r.ComputedMinutes))}, nil
}

// servingReply turns a refused check-in or check-out into its reply.
func (h *Handlers) servingReply(err error, code string) (bot.Reply, bool) {
	code = store.NormaliseCode(code)
	switch store.ErrorMessage(err) {
	case store.MsgRequestNotTaker:
		return bot.Reply{Text: fmt.Sprintf(RequestText.NotYours, code)}, true
	case store.MsgRequestNotOpen:
		return bot.Reply{Text: fmt.Sprintf(RequestText.NotTakenYet, code, code)}, true
	case store.MsgRequestNotIn:
		return bot.Reply{Text: fmt.Sprintf(RequestText.NotCheckedIn, code, code)}, true
	case store.MsgRequestCheckedIn:
		return bot.Reply{Text: fmt.Sprintf(RequestText.AlreadyIn, code, code)}, true
	case store.MsgRequestCheckedOut:
		return bot.Reply{Text: fmt.Sprintf(RequestText.AlreadyOut, code)}, true
	}
	if store.ErrorCode(err) == store.ENOTFOUND {
		return bot.Reply{Text: fmt.Sprintf(RequestText.NotFound, code)}, true
	}
	return bot.Reply{}, false
}

// ConfirmRequestHours answers 确认时长 R12 from an envoy of the request's
// community or an admin.
func (h *Handlers) ConfirmRequestHours(ctx context.Context, req *Request) (bot.Reply, error) {
	r, reply, err := h.envoyRequest(ctx, req, req.Parse.Request)
	if r == nil {
		return reply, err
	}
	if r.Status != store.RequestDone {
		return bot.Reply{Text: fmt.Sprintf(RequestText.ConfirmNotDone, r.Code)}, nil
	}
	r, err = h.requests.ConfirmHelpRequestHours(ctx, r.Code, req.User.ID, r.ComputedMinutes, req.Now)
	if store.ErrorCode(err) == store.ECONFLICT {
		return bot.Reply{Text: fmt.Sprintf(RequestText.AlreadyConfirmed, store.NormaliseCode(req.Parse.Request))}, nil
	} else if err != nil {
		return bot.Reply{}, fmt.Errorf("confirm request hours: %w", err)
	}
	h.notify(ctx, req.Now, store.NewNotice{Key: fmt.Sprintf("%s|%s|%s", KindRequestHours, r.Code, r.TakerOpenID), Kind: KindRequestHours,
		Subject: r.Code, OpenID: r.TakerOpenID, Text: fmt.Sprintf(RequestText.HoursNotice, r.Code, r.Need, store.FormatHours(r.ConfirmedMinutes), r.Category),
		Fields: requestFields(r)})
	h.afterConfirmed(ctx, req.Now, r.TakerID)
	return bot.Reply{Text: fmt.Sprintf(RequestText.Confirmed, r.Code, r.TakerName, store.FormatHours(r.ConfirmedMinutes))}, nil
}

// RateRequest answers 评价 R12 5 很满意, from the resident or the filer,
// once.
func (h *Handlers) RateRequest(ctx context.Context, req *Request) (bot.Reply, error) {
	p := req.Parse
	if p.Rating < 1 || p.Rating > 5 {
		return bot.Reply{Text: RequestText.RateHow}, nil
	}
	comment := []rune(p.Reason)
	if len(comment) > store.FieldComment.Max {
		comment = comment[:store.FieldComment.Max]
	}
	r, err := h.requests.RateHelpRequest(ctx, p.Request, req.User.ID, p.Rating, string(comment), req.Now)
	code := store.NormaliseCode(p.Request)
	switch {
	case store.ErrorCode(err) == store.ENOTFOUND:
		return bot.Reply{Text: fmt.Sprintf(RequestText.NotFound, code)}, nil
	case store.ErrorMessage(err) == store.MsgRequestNotRater:
		return bot.Reply{Text: fmt.Sprintf(RequestText.NotRater, code)}, nil
	case store.ErrorMessage(err) == store.MsgRequestRated:
		return bot.Reply{Text: fmt.Sprintf(RequestText.AlreadyRated, code)}, nil
	case store.ErrorMessage(err) == store.MsgRequestNotDone:
		return bot.Reply{Text: fmt.Sprintf(RequestText.RateNotDone, code)}, nil
	case err != nil:
		return bot.Reply{}, fmt.Errorf("rate request: %w", err)
	}
	return bot.Reply{Text: fmt.Sprintf(RequestText.Rated, r.Code, strings.Repeat("★", r.Rating)+strings.Repeat("☆", 5-r.Rating))}, nil
}

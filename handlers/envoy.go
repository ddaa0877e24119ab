package handlers

import (
	"cmp"
	"context"
	"fmt"
	"regexp"
	"strings"
	"time"

	"envoybot/bot"
	"envoybot/configs"
	"envoybot/store"
)

// teamCode is a team's short code.
var teamCode = regexp.MustCompile(`^T\d+$`)

// ContactPoint answers `联系点 古槐社区`: the envoy's 社区联系点. The
// community is matched against the known list first (联系点 古槐 is
// 古槐社区); an envoy serves the community, so one that fits none is added
// when it is written in full, or has nothing alike.
func (h *Handlers) ContactPoint(ctx context.Context, req *Request) (bot.Reply, error) {
	words := req.Parse.Community
	if words == "" {
		return bot.Reply{Text: missing([]string{"community"}, "联系点 古槐社区")}, nil
	}
	l, err := h.lookupCommunity(ctx, words)
	if err != nil {
		return bot.Reply{}, err
	}
	community, added := l.match.Name, ""
	if community == "" {
		if l.match.Ambiguous || len(l.match.Suggestions) > 0 && !fullCommunityName(words) {
			reply := unknownCommunity(l, "联系点 %s")
			if !l.match.Ambiguous {
				reply.Text += fmt.Sprintf(CommunityText.NewHint, strings.TrimSuffix(store.CommunityName(words), "社区"))
			}
			return reply, nil
		}
		community = store.CommunityName(words)
		if err := store.ValidateCommunityName(community); err != nil {
			return bot.Reply{Text: missing([]string{"community"}, "联系点 古槐社区")}, nil
		}
		added = fmt.Sprintf(CommunityText.Added, community)
	}
	cp, created, err := h.envoys.AddContactPoint(ctx, req.User.ID, community, req.Now)
	if err != nil {
		return bot.Reply{}, fmt.Errorf("add contact point: %w", err)
	}
	if !created {
		return bot.Reply{Text: fmt.Sprintf(Text.ContactPointExists, cp.Community)}, nil
	}
	return bot.Reply{Text: fmt.Sprintf(Text.ContactPointAdded, cp.Community) + added}, nil
}

// TeamCreate answers `建队 古槐银发志愿队`.
func (h *Handlers) TeamCreate(ctx context.Context, req *Request) (bot.Reply, error) {
	name := req.Parse.Team
	if name == "" {
		return bot.Reply{Text: missing([]string{"team"}, "建队 古槐银发志愿队")}, nil
	}
	if reply, over := tooLong(store.FieldValue{Field: store.FieldTeamName, Value: name}); over {
		return reply, nil
	}
	named := req.Parse.Community
	if named != "" {
		c, unknown, err := h.userCommunity(ctx, named, "建队 "+name+" %s")
		if c == "" {
			return unknown, err
		}
		named = c
	}
	community, err := h.envoyCommunity(ctx, req, named)
	if err != nil {
		return bot.Reply{}, err
	}
	if community == "" {
		return bot.Reply{Text: Text.ContactPointFirst}, nil
	}
	teams, err := h.envoys.ListTeamsByEnvoy(ctx, req.User.ID)
	if err != nil {
		return bot.Reply{}, fmt.Errorf("list teams: %w", err)
	}
	for _, t := range teams {
		if t.Name == name {
			return bot.Reply{Text: fmt.Sprintf(Text.TeamExists, t.Code, t.Name, t.Code)}, nil
		}
	}
	t, err := h.envoys.CreateTeam(ctx, req.User.ID, name, community, req.Now)
	if isUnknownCommunity(err) {
		return bot.Reply{Text: CommunityText.Gone}, nil
	} else if err != nil {
		return bot.Reply{}, fmt.Errorf("create team: %w", err)
	}
	return bot.Reply{Text: fmt.Sprintf(Text.TeamCreated, t.Code, t.Name, t.Community, t.Code)}, nil
}

// TeamJoin answers `入队 T3`.
func (h *Handlers) TeamJoin(ctx context.Context, req *Request) (bot.Reply, error) {
	code := cmp.Or(req.Parse.Code, req.Parse.Team)
	if code == "" {
		return bot.Reply{Text: missing([]string{"team"}, "入队 T3")}, nil
	}
	if !req.User.Registered() {
		return bot.Reply{Text: Text.NeedRegister}, nil
	}
	t, joined, err := h.envoys.JoinTeam(ctx, code, req.User.ID, req.Now)
	switch {
	case store.ErrorCode(err) == store.ENOTFOUND && !teamCode.MatchString(code):
		return bot.Reply{Text: fmt.Sprintf(Text.TeamByName, code)}, nil
	case store.ErrorCode(err) == store.ENOTFOUND:
		return bot.Reply{Text: fmt.Sprintf(Text.TeamNotFound, code)}, nil
	case err != nil:
		return bot.Reply{}, fmt.Errorf("join team: %w", err)
	case !joined:
		return bot.Reply{Text: fmt.Sprintf(Text.TeamAlreadyIn, t.Code, t.Name)}, nil
	}
	return bot.Reply{Text: fmt.Sprintf(Text.TeamJoined, t.Code, t.Name, t.Members)}, nil
}

// Brand answers `品牌 银发守护 为空巢老人提供上门陪伴`: the community's one
// volunteer service brand.
func (h *Handlers) Brand(ctx context.Context, req *Request) (bot.Reply, error) {
	name := req.Parse.Title
	if name == "" {
		return bot.Reply{Text: missing([]string{"title"}, "品牌 银发守护 为空巢老人提供上门陪伴")}, nil
	}
	community, err := h.envoyCommunity(ctx, req, req.Parse.Community)
	if err != nil {
		return bot.Reply{}, err
	}
	if community == "" {
		return bot.Reply{Text: Text.ContactPointFirst}, nil
	}
	if reply, over := tooLong(store.FieldValue{Field: store.FieldBrandName, Value: name},
		store.FieldValue{Field: store.FieldDescription, Value: strings.TrimSpace(req.Parse.Description)}); over {
		return reply, nil
	}
	if req.User.Role == store.RoleAdmin {
		return h.reassignBrand(ctx, req, community, name)
	}
	b, created, err := h.envoys.SetBrand(ctx, req.User.ID, community, name, req.Parse.Description, req.Now)
	switch {
	case isUnknownCommunity(err):
		return bot.Reply{Text: CommunityText.Gone}, nil
	case store.ErrorMessage(err) == store.MsgBrandHeld:
		held, ferr := h.envoys.FindBrand(ctx, community)
		if ferr != nil {
			return bot.Reply{}, fmt.Errorf("find brand: %w", ferr)
		}
		return bot.Reply{Text: fmt.Sprintf(RulesText.BrandHeld, held.Community, held.Name, holderName(held))}, nil
	case err != nil:
		if reply, over := tooLongError(err); over {
			return reply, nil
		}
		return bot.Reply{}, fmt.Errorf("set brand: %w", err)
	}
	format := Text.BrandUpdated
	if created {
		format = Text.BrandSet
	}
	return bot.Reply{Text: fmt.Sprintf(format, b.Community, b.Name)}, nil
}

// reassignBrand is an admin's 品牌: it sets the brand and makes the admin
// its holder, saying whose it was.
func (h *Handlers) reassignBrand(ctx context.Context, req *Request, community, name string) (bot.Reply, error) {
	held, err := h.envoys.FindBrand(ctx, community)
	if err != nil && store.ErrorCode(err) != store.ENOTFOUND {
		return bot.Reply{}, fmt.Errorf("find brand: %w", err)
	}
	b, previous, err := h.envoys.ReassignBrand(ctx, req.User.ID, community, name, req.Parse.Description, req.Now)
	switch {
	case isUnknownCommunity(err):
		return bot.Reply{Text: CommunityText.Gone}, nil
	case err != nil:
		if reply, over := tooLongError(err); over {
			return reply, nil
		}
		return bot.Reply{}, fmt.Errorf("reassign brand: %w", err)
	case previous != 0:
		who := RulesText.AnotherEnvoy
		if held != nil && held.EnvoyID == previous {
			who = holderName(held)
		}
		return bot.Reply{Text: fmt.Sprintf(RulesText.BrandReassigned, b.Community, b.Name, who)}, nil
	case held == nil:
		return bot.Reply{Text: fmt.Sprintf(Text.BrandSet, b.Community, b.Name)}, nil
	}
	return bot.Reply{Text: fmt.Sprintf(Text.BrandUpdated, b.Community, b.Name)}, nil
}

// holderName is how a brand's holder is named in a reply.
func holderName(b *store.Brand) string {
	if b.EnvoyName == "" {
		return RulesText.AnotherEnvoy
	}
	return b.EnvoyName
}

// Progress answers `进度`: the envoy's standing against the campaign
// targets of configs/campaign.yaml, with days left to each deadline.
func (h *Handlers) Progress(ctx context.Context, req *Request) (bot.Reply, error) {
	p, err := h.profiles.EnvoyProgress(ctx, req.User.ID)
	if err != nil {
		return bot.Reply{}, fmt.Errorf("envoy progress: %w", err)
	}
	phase := Text.ProgressNoPhase
	if ph := h.campaign.PhaseAt(req.Now, h.loc); ph != nil {
		phase = ph.Name
	}
	who := req.User.Name
	if who == "" {
		who = envoyTitle(req.User)
	}
	lines := []string{}
	for _, t := range h.campaign.Targets {
		met, known := p.Met(t.Key)
		mark := "○"
		switch {
		case !known:
			mark = "—"
		case met:
			mark = "✓"
		}
		why := unmetReason(p, t.Key)
		left := daysLeftText(req.Now.In(h.loc), t.Deadline)
		lines = append(lines, fmt.Sprintf(Text.ProgressTarget, mark, t.Name, t.Deadline.String(), left))
		if known && !met && why != "" {
			lines = append(lines, fmt.Sprintf(RulesText.ProgressWhy, why))
		}
	}
	var byLine []string
	for _, l := range h.campaign.Lines {
		byLine = append(byLine, fmt.Sprintf("%s %d", l.Name, p.ActivitiesByLine[l.Name]))
	}
	lines = append(lines, fmt.Sprintf(Text.ProgressLines, strings.Join(byLine, "，")),
		fmt.Sprintf(Text.ProgressHours, p.Volunteers, store.FormatHours(p.ConfirmedMinutes), p.HeldActivities))
	for _, cp := range p.ContactPoints {
		lines = append(lines, "联系点："+cp.Community)
	}
	for _, t := range p.Teams {
		lines = append(lines, fmt.Sprintf("队伍：%s %s（%d人）", t.Code, t.Name, t.Members))
	}
	for _, b := range p.Brands {
		lines = append(lines, fmt.Sprintf("品牌：%s（%s）", b.Name, b.Community))
	}
	return bot.Reply{Text: h.page(ctx, req.Msg.OpenID, fmt.Sprintf(Text.ProgressHeader, who, phase), lines)}, nil
}

// daysLeftText says how far a target's deadline is, in calendar days as the
// dashboard counts them: 剩4天 on the 1st for a deadline on the 5th, 今天截止
// on the day itself, 已过截止日 after it.
func daysLeftText(now time.Time, deadline configs.Date) string {
	today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
	days := int(deadline.In(time.UTC).Sub(today).Hours() / 24)
	switch {
	case days > 0:
		return fmt.Sprintf("剩%d天", days)
	case days == 0:
		return "今天截止"
	}
	return "已过截止日"
}

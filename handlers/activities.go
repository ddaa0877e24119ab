package handlers

import (
	"context"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"time"

	"envoybot/bot"
	"envoybot/configs"
	"envoybot/store"
)

// defaultDuration is an activity's length when the envoy gave no end time.
const defaultDuration = 2 * time.Hour

const publishForm = "发布活动 敬老院包饺子 12月5日 14:00-16:00 古槐社区敬老院 关爱困难群体 名额20"

// Activities answers `活动` / `活动 心理疏导` with activities open for
// sign-up.
func (h *Handlers) Activities(ctx context.Context, req *Request) (bot.Reply, error) {
	word := strings.TrimSpace(req.Parse.Category)
	category, serviceType := "", ""
	if word != "" {
		line, st := h.resolveCategory(word)
		if line == nil {
			return bot.Reply{Text: fmt.Sprintf(Text.UnknownCategory, word, h.lineNames())}, nil
		}
		category, serviceType = line.Name, st
	}
	community := req.Parse.Community
	if community != "" {
		name, unknown, err := h.userCommunity(ctx, community, "活动 %s")
		if name == "" {
			return unknown, err
		}
		community = name
	}
	all, err := h.activities.ListOpenActivities(ctx, req.Now, category, community, 50)
	if err != nil {
		return bot.Reply{Text: ""}, fmt.Errorf("list activities: %w", err)
	}
	label := ""
	if word != "" {
		label = "（" + word + "）"
	}
	var lines []string
	for _, a := range all {
		if serviceType != "" && a.ServiceType != serviceType {
			continue
		}
		seats := "不限名额"
		if a.Quota > 0 {
			if left := a.Quota - a.Seated; left > 0 {
				seats = fmt.Sprintf("余%d/%d", left, a.Quota)
			} else {
				seats = fmt.Sprintf("已满，候补%d人", a.Waitlisted)
			}
		}
		lines = append(lines, fmt.Sprintf(Text.ActivityLine, a.Code, a.Title, when(a.StartsAt, a.EndsAt, h.loc), a.Place, seats))
	}
	if len(lines) == 0 {
		return bot.Reply{Text: fmt.Sprintf(Text.ActivitiesNone, label)}, nil
	}
	return bot.Reply{Text: h.page(ctx, req.Msg.OpenID, fmt.Sprintf(Text.ActivitiesHeader, label)+"\n报名请回复：报名 编号", lines)}, nil
}

// resolveCategory maps a typed word to an activity line, and to a service
// type when the word is one.
func (h *Handlers) resolveCategory(word string) (*configs.ActivityLine, string) {
	if l := h.campaign.LineByName(word); l != nil {
		return l, ""
	}
	for i := range h.campaign.Lines {
		l := &h.campaign.Lines[i]
		for _, st := range l.ServiceTypes {
			if st == word || strings.Contains(st, word) || strings.Contains(word, st) {
				return l, st
			}
		}
	}
	return nil, ""
}

func (h *Handlers) lineNames() string {
	names := make([]string, 0, len(h.campaign.Lines))
	for _, l := range h.campaign.Lines {
		names = append(names, l.Name)
	}
	return strings.Join(names, "、")
}

// PublishActivity answers `发布活动 …`: the activity gets a short code and,
// when the server's public URL is known, a link to its check-in QR code; a location sent soon after
// sets the venue. What is missing or cannot be is asked for and the draft
// kept (drafts.go); once published, every field is echoed so that a
// misreading shows at once.
func (h *Handlers) PublishActivity(ctx context.Context, req *Request) (bot.Reply, error) {
	if reply, asked, err := h.unfinished(ctx, req); asked || err != nil {
		return reply, err
	}
	p := req.Parse
	if reply, over := tooLong(store.FieldValue{Field: store.FieldTitle, Value: strings.TrimSpace(p.Title)},
		store.FieldValue{Field: store.FieldPlace, Value: strings.TrimSpace(p.Place)}); over {
		h.dropDraft(ctx, req)
		return reply, nil
	}
	start, end := parseTime(p.Start), parseTime(p.End)
	note := ""
	if end.IsZero() {
		end, note = start.Add(defaultDuration), Text.DefaultDuration
	}
	category, serviceType := Text.NoCategory, ""
	if p.Category != "" {
		line, st := h.resolveCategory(p.Category)
		if line == nil {
			return bot.Reply{Text: fmt.Sprintf(Text.UnknownCategory, p.Category, h.lineNames())}, nil
		}
		category, serviceType = line.Name, st
	}
	community, err := h.publishCommunity(ctx, req, p.Community, p.Place)
	if err != nil {
		return bot.Reply{}, err
	}
	if community == "" {
		// No community is served here: publishing would create one nobody
		// serves.
		return bot.Reply{Text: Text.PublishNoCommunity}, nil
	}
	a, err := h.activities.CreateActivity(ctx, store.NewActivity{
		EnvoyID: req.User.ID, Title: p.Title, Category: category, ServiceType: serviceType,
		StartsAt: start, EndsAt: end, Place: p.Place, Community: community, Quota: p.Quota,
		Publish: h.publication(ctx, req),
	}, req.Now)
	if err != nil {
		if reply, capped := h.publishCapRefused(ctx, req, err); capped {
			return reply, nil
		}
		if reply, over := tooLongError(err); over {
			return reply, nil
		}
		if store.ErrorCode(err) == store.EINVALID {
			return bot.Reply{Text: missing([]string{"title", "start", "place"}, publishForm)}, nil
		}
		return bot.Reply{}, fmt.Errorf("create activity: %w", err)
	}
	h.draftPublished(ctx, req)
	h.log.InfoContext(ctx, "activity published", slog.String("activity", a.Code), slog.String("envoy", req.Msg.OpenID))
	h.expectFollowUp(ctx, "venue", req.Msg.OpenID, a.Code)
	text := h.activityEcho(a, p.Description, note, req.Now)
	if h.qr != nil && h.adminURL != "" {
		// The code is made when the link is first opened (qrcodes.go):
		// publishing never waits for WeChat.
		text += fmt.Sprintf(Text.PublishedQR, h.adminURL+QRPath+a.Code)
	} else {
		text += fmt.Sprintf(Text.PublishedNoQR, a.Code)
	}
	return bot.Reply{Text: text}, nil
}

// activityEcho is the reply to a publish: every field as it was read and
// stored, words the parser could not place as 说明.
func (h *Handlers) activityEcho(a *store.Activity, leftover, note string, now time.Time) string {
	line := a.Category
	if a.ServiceType != "" {
		line += "·" + a.ServiceType
	}
	quota := Text.NoQuota
	if a.Quota > 0 {
		quota = strconv.Itoa(a.Quota) + "人"
	}
	if leftover = strings.TrimSpace(leftover); leftover != "" {
		leftover = fmt.Sprintf(Text.EchoNote, leftover)
	}
	return fmt.Sprintf(Text.ActivityEcho, a.Code, a.Title, dayWithWeekday(a.StartsAt, now, h.loc),
		timeRange(a.StartsAt, a.EndsAt, now, h.loc)+note, a.Place, line, quota, leftover, a.Code)
}

// envoyCommunity is the community a command is about: the one named, else
// the envoy's first contact point, else the envoy's own community.
func (h *Handlers) envoyCommunity(ctx context.Context, req *Request, named string) (string, error) {
	if named != "" {
		return named, nil
	}
	cps, err := h.envoys.ListContactPoints(ctx, req.User.ID)
	if err != nil {
		return "", fmt.Errorf("list contact points: %w", err)
	}
	if len(cps) > 0 {
		return cps[0].Community, nil
	}
	return req.User.Community, nil
}

// ActivityCheckin answers `活动签到 A12`: the envoy records that the
// activity took place; a photo within the follow-up window is its evidence.
func (h *Handlers) ActivityCheckin(ctx context.Context, req *Request) (bot.Reply, error) {
	code := req.Parse.Activity
	if code == "" {
		return bot.Reply{Text: missing([]string{"activity"}, "活动签到 A12")}, nil
	}
	a, reply, err := h.ownedActivity(ctx, req, code)
	if a == nil {
		return reply, err
	}
	if _, err := h.activities.MarkActivityHeld(ctx, a.Code, req.Now, ""); err != nil {
		return bot.Reply{}, fmt.Errorf("mark held: %w", err)
	}
	h.expectFollowUp(ctx, "photo", req.Msg.OpenID, a.Code)
	return bot.Reply{Text: fmt.Sprintf(Text.HeldRecorded, a.Code)}, nil
}

// Image keeps a photo sent after 活动签到 as the activity's evidence.
func (h *Handlers) Image(ctx context.Context, req *Request) (bot.Reply, error) {
	code := h.followUp(ctx, "photo", req.Msg.OpenID)
	if code == "" || req.Msg.MediaID == "" {
		return bot.Reply{Text: Text.Image}, nil
	}
	// Several photos may follow within the window: each is kept, and
	// downloaded from WeChat by the photo-downloads job (WeChat deletes the
	// MediaId after 3 days).
	if _, _, err := h.photos.AddActivityPhoto(ctx, code, req.Msg.MediaID, req.Now); err != nil {
		return bot.Reply{}, fmt.Errorf("keep photo: %w", err)
	}
	ps, err := h.photos.ListActivityPhotos(ctx, code)
	if err != nil {
		return bot.Reply{}, fmt.Errorf("list photos: %w", err)
	}
	if len(ps) == 1 { // the first photo is also the activity's own evidence, as before
		if _, err := h.activities.MarkActivityHeld(ctx, code, req.Now, req.Msg.MediaID); err != nil {
			return bot.Reply{}, fmt.Errorf("keep photo: %w", err)
		}
	}
	return bot.Reply{Text: fmt.Sprintf(ReachText.PhotoSaved, code, len(ps))}, nil
}

package handlers

import (
	"context"
	"fmt"
	"log/slog"
	"math"
	"strconv"
	"time"

	"envoybot/bot"
	"envoybot/configs"
	"envoybot/store"
)

// Issue 15: confirmed hours earn points (requests.points: per hour, and a
// bonus for each request its resident rated 5) and reach star levels at
// configured hours; reaching a level is announced once.

// KindStarLevel is the notice that announces a star level reached. Its
// outbox key is the volunteer and the level, so it is written once.
const KindStarLevel = "star_level"

// PointsText is the Chinese of points and stars.
var PointsText = struct {
	Mine, Rated5, Level, NoLevel, Next, Top, Public, Private, SetPublic, SetPrivate, Announce string
}{
	Mine:       "您的积分：%s分\n已确认服务：%s小时",
	Rated5:     "（其中%d次求助获5分好评，每次加%s分）",
	Level:      "星级：%s",
	NoLevel:    "星级：暂未评星",
	Next:       "距“%s”（%s小时）还差%s小时。",
	Top:        "已是最高星级，谢谢您长期的付出！",
	Public:     "社区积分榜上显示您的姓名（回复“积分榜匿名”可隐藏）。",
	Private:    "社区积分榜上您是匿名的（回复“积分榜显示姓名”可公开）。",
	SetPublic:  "好的，社区积分榜上会显示您的姓名。回复“积分榜匿名”可随时改回。",
	SetPrivate: "好的，社区积分榜上您将以匿名显示。",
	Announce:   "【星级提升】祝贺您！已确认志愿服务时长达到%s小时，成为“%s”。感谢您为社区的付出！回复“我的积分”查看详情。",
}

// formatNumber writes a number with at most one decimal, none when whole.
func formatNumber(v float64) string {
	v = math.Round(v*10) / 10
	return strconv.FormatFloat(v, 'f', -1, 64)
}

// MyPoints answers 我的积分: points, level and the next threshold.
func (h *Handlers) MyPoints(ctx context.Context, req *Request) (bot.Reply, error) {
	st, err := h.points.VolunteerStanding(ctx, req.User.ID)
	if err != nil {
		return bot.Reply{}, fmt.Errorf("standing: %w", err)
	}
	p := h.requestRules.Points
	hours := float64(st.Minutes) / 60
	text := fmt.Sprintf(PointsText.Mine, formatNumber(p.Earned(st.Minutes, st.Rated5)), store.FormatHours(st.Minutes))
	if st.Rated5 > 0 && p.Rated5Bonus > 0 {
		text += fmt.Sprintf(PointsText.Rated5, st.Rated5, formatNumber(p.Rated5Bonus))
	}
	reached, next := p.StarAt(hours)
	if reached != nil {
		text += "\n" + fmt.Sprintf(PointsText.Level, reached.Name)
	} else {
		text += "\n" + PointsText.NoLevel
	}
	switch {
	case next != nil:
		text += "\n" + fmt.Sprintf(PointsText.Next, next.Name, formatNumber(next.Hours), formatNumber(next.Hours-hours))
	case reached != nil:
		text += "\n" + PointsText.Top
	}
	if st.Public {
		text += "\n" + PointsText.Public
	} else {
		text += "\n" + PointsText.Private
	}
	return bot.Reply{Text: text}, nil
}

// LeaderboardPublic answers 积分榜显示姓名.
func (h *Handlers) LeaderboardPublic(ctx context.Context, req *Request) (bot.Reply, error) {
	if err := h.points.SetLeaderboardPublic(ctx, req.User.ID, true, req.Now); err != nil {
		return bot.Reply{}, fmt.Errorf("leaderboard opt-in: %w", err)
	}
	return bot.Reply{Text: PointsText.SetPublic}, nil
}

// LeaderboardPrivate answers 积分榜匿名.
func (h *Handlers) LeaderboardPrivate(ctx context.Context, req *Request) (bot.Reply, error) {
	if err := h.points.SetLeaderboardPublic(ctx, req.User.ID, false, req.Now); err != nil {
		return bot.Reply{}, fmt.Errorf("leaderboard opt-out: %w", err)
	}
	return bot.Reply{Text: PointsText.SetPrivate}, nil
}

// afterConfirmed announces the star level the volunteer's confirmed hours
// reached (AnnounceStarLevel); a failure is logged, since the hours are
// already stored (the next confirmation tries again).
func (h *Handlers) afterConfirmed(ctx context.Context, now time.Time, volunteerID int64) {
	if err := AnnounceStarLevel(ctx, h.points, h.outbox, h.requestRules.Points, volunteerID, now); err != nil {
		h.log.Error("star level not announced", slog.Int64("user", volunteerID), slog.Any("error", err))
	}
}

// AnnounceStarLevel writes the notice of the star level the volunteer's
// confirmed hours reached. Its outbox key names the volunteer and the
// level, so each level is announced once however often hours are
// confirmed, in chat or on the dashboard.
func AnnounceStarLevel(ctx context.Context, points store.PointsService, outbox store.OutboxService, p configs.Points, volunteerID int64, now time.Time) error {
	st, err := points.VolunteerStanding(ctx, volunteerID)
	if err != nil {
		return fmt.Errorf("standing: %w", err)
	}
	reached, _ := p.StarAt(float64(st.Minutes) / 60)
	if reached == nil || st.OpenID == "" {
		return nil
	}
	_, err = outbox.EnqueueNotices(ctx, []store.NewNotice{{
		Key: fmt.Sprintf("%s|%s|%s", KindStarLevel, st.OpenID, reached.Name), Kind: KindStarLevel, Subject: reached.Name, OpenID: st.OpenID,
		Text:   fmt.Sprintf(PointsText.Announce, formatNumber(reached.Hours), reached.Name),
		Fields: map[string]string{"title": reached.Name, "time": formatNumber(reached.Hours) + "小时"},
	}}, now)
	return err
}

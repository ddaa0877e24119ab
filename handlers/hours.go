package handlers

import (
	"context"
	"fmt"

	"envoybot/bot"
	"envoybot/store"
)

// MyHours answers `我的时长` with confirmed service by activity line.
func (h *Handlers) MyHours(ctx context.Context, req *Request) (bot.Reply, error) {
	hours, err := h.attendance.UserHours(ctx, req.User.ID)
	if err != nil {
		return bot.Reply{}, fmt.Errorf("user hours: %w", err)
	}
	if len(hours) == 0 {
		return bot.Reply{Text: Text.HoursNone}, nil
	}
	total := 0
	lines := make([]string, 0, len(hours)+1)
	for _, l := range hours {
		total += l.Minutes
		lines = append(lines, fmt.Sprintf(Text.HoursLine, l.Category, store.FormatHours(l.Minutes), l.Activities))
	}
	lines = append(lines, fmt.Sprintf(Text.HoursTotal, store.FormatHours(total)))
	return bot.Reply{Text: h.page(ctx, req.Msg.OpenID, Text.HoursHeader, lines)}, nil
}

// ConfirmHours answers `确认时长 A12`: the activity's envoy (or an admin)
// turns checked-out attendance into confirmed hours, each change audited.
// The rules are the dashboard's (store.CheckHoursConfirmable): only after
// the end, and an admin's correction stays, which the reply says.
func (h *Handlers) ConfirmHours(ctx context.Context, req *Request) (bot.Reply, error) {
	if req.Parse.Request != "" {
		return h.ConfirmRequestHours(ctx, req) // 确认时长 R12
	}
	code := req.Parse.Activity
	if code == "" {
		return bot.Reply{Text: missing([]string{"activity"}, "确认时长 A12")}, nil
	}
	a, reply, err := h.ownedActivity(ctx, req, code)
	if a == nil {
		return reply, err
	}
	if store.CheckHoursConfirmable(a.EndsAt, req.Now) != nil {
		return bot.Reply{Text: fmt.Sprintf(RulesText.ConfirmNotEnded, a.Code, dayWithWeekday(a.EndsAt, req.Now, h.loc)+clock(a.EndsAt, h.loc))}, nil
	}
	all, err := h.attendance.ListAttendance(ctx, a.Code)
	if err != nil {
		return bot.Reply{}, fmt.Errorf("list attendance: %w", err)
	}
	var changes []store.HoursChange
	var done, pending, flagged, kept []string
	for _, at := range all {
		name := at.Name
		if name == "" {
			name = "匿名志愿者"
		}
		if at.FarAway {
			flagged = append(flagged, name)
		}
		if at.Corrected {
			kept = append(kept, name)
			done = append(done, fmt.Sprintf("%s %s小时%s", name, store.FormatHours(at.ConfirmedMinutes), RulesText.CorrectedMark))
			continue
		}
		if at.CheckOutAt.IsZero() || at.ComputedMinutes < 0 {
			pending = append(pending, name)
			continue
		}
		if at.ConfirmedMinutes != at.ComputedMinutes {
			changes = append(changes, store.HoursChange{AttendanceID: at.ID, Minutes: at.ComputedMinutes})
		}
		done = append(done, fmt.Sprintf("%s %s小时", name, store.FormatHours(at.ComputedMinutes)))
	}
	if len(done) == 0 {
		text := fmt.Sprintf(Text.ConfirmNone, a.Code)
		if len(pending) > 0 {
			text += "\n" + fmt.Sprintf(Text.ConfirmPending, nameList(pending, 60))
		}
		return bot.Reply{Text: text}, nil
	}
	if len(changes) > 0 {
		_, err := h.attendance.ConfirmHours(ctx, a.Code, req.User.ID, changes, "确认时长（聊天）", req.Now)
		if store.ErrorMessage(err) == store.MsgNotEnded {
			return bot.Reply{Text: fmt.Sprintf(RulesText.ConfirmNotEnded, a.Code, dayWithWeekday(a.EndsAt, req.Now, h.loc)+clock(a.EndsAt, h.loc))}, nil
		} else if err != nil {
			return bot.Reply{}, fmt.Errorf("confirm hours: %w", err)
		}
		for _, at := range all {
			for _, c := range changes {
				if c.AttendanceID == at.ID {
					h.afterConfirmed(ctx, req.Now, at.UserID) // a star level reached is announced
				}
			}
		}
	}
	// What needs the envoy's attention comes first; then who was credited.
	var lines []string
	if len(pending) > 0 {
		lines = append(lines, fmt.Sprintf(Text.ConfirmPending, nameList(pending, 30)))
	}
	if len(flagged) > 0 {
		lines = append(lines, fmt.Sprintf(Text.ConfirmFlagged, nameList(flagged, 30)))
	}
	if len(kept) > 0 {
		lines = append(lines, fmt.Sprintf(RulesText.ConfirmKept, nameList(kept, 30)))
	}
	lines = append(lines, done...)
	return bot.Reply{Text: h.page(ctx, req.Msg.OpenID, fmt.Sprintf(Text.ConfirmDone, a.Code, len(done)), lines)}, nil
}

// ownedActivity finds an activity the sender may manage: its envoy, or any
// admin. Otherwise it returns nil and the polite refusal.
func (h *Handlers) ownedActivity(ctx context.Context, req *Request, code string) (*store.Activity, bot.Reply, error) {
	a, err := h.activities.FindActivityByCode(ctx, code)
	switch {
	case store.ErrorCode(err) == store.ENOTFOUND:
		return nil, bot.Reply{Text: fmt.Sprintf(Text.ActivityNotFound, code)}, nil
	case err != nil:
		return nil, bot.Reply{}, fmt.Errorf("find activity: %w", err)
	case req.User.Role != store.RoleAdmin && a.EnvoyID != req.User.ID:
		return nil, bot.Reply{Text: fmt.Sprintf(Text.ForAdminsOrOwner, a.Code)}, nil
	}
	return a, bot.Reply{}, nil
}

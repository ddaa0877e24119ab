package scheduler

import (
	"context"
	"fmt"
	"time"

	"envoybot/store"
)

// Issue 15: a help request nobody took in time goes up: to the
// community's envoys after requests.escalate_after, to the admins after
// requests.admins_after.

// KindRequestOverdue is the notice of an untaken request.
const KindRequestOverdue = "request_overdue"

// JobRequestEscalation is the job's name for `envoybot jobs run`.
const JobRequestEscalation = "request-escalation"

// overdue is the text of the escalation notices.
var overdue = struct{ Envoy, Admins string }{
	Envoy:  "【求助待接单】求助 %s 已等待%s还没有人接单：%s（%s，%s）。\n请回复“派单 %s 志愿者姓名”安排，或回复“接单 %s”。",
	Admins: "【求助无人接单】求助 %s 已等待%s仍无人接单：%s（%s，%s）。请协调%s的和谐使者安排。",
}

// RequestEscalation escalates untaken help requests, each level once: the
// notices are written (under keys that make a rerun a no-op) before the
// request is marked, so a crash in between sends nothing twice.
func (j *Jobs) RequestEscalation(ctx context.Context, now time.Time) error {
	r := j.Requests
	if r.EscalateAfter <= 0 || r.AdminsAfter <= 0 {
		return fmt.Errorf("scheduler: %s: requests.escalate_after and admins_after must be set", JobRequestEscalation)
	}
	due, err := j.Store.ListHelpRequestsToEscalate(ctx, store.EscalationEnvoy, now.Add(-r.EscalateAfter))
	if err != nil {
		return fmt.Errorf("scheduler: %s: %w", JobRequestEscalation, err)
	}
	for _, req := range due {
		envoys, _, err := j.Store.CommunityResponders(ctx, req.Community)
		if err != nil {
			return fmt.Errorf("scheduler: %s: responders of %s: %w", JobRequestEscalation, req.Code, err)
		}
		if err := j.escalate(ctx, req, envoys, store.EscalationEnvoy, overdue.Envoy, now); err != nil {
			return err
		}
	}
	due, err = j.Store.ListHelpRequestsToEscalate(ctx, store.EscalationAdmins, now.Add(-r.AdminsAfter))
	if err != nil {
		return fmt.Errorf("scheduler: %s: %w", JobRequestEscalation, err)
	}
	if len(due) == 0 {
		return nil
	}
	admins, err := j.Store.ListUsersByRole(ctx, store.RoleAdmin)
	if err != nil {
		return fmt.Errorf("scheduler: %s: admins: %w", JobRequestEscalation, err)
	}
	for _, req := range due {
		if err := j.escalate(ctx, req, admins, store.EscalationAdmins, overdue.Admins, now); err != nil {
			return err
		}
	}
	return nil
}

// escalate tells the people of one level about the request, then marks it.
func (j *Jobs) escalate(ctx context.Context, r *store.HelpRequest, to []*store.User, level int, format string, now time.Time) error {
	waited := store.FormatHours(int(now.Sub(r.CreatedAt)/time.Minute)) + "小时"
	wished := r.Wished
	if wished == "" {
		wished = "尽快"
	}
	text := fmt.Sprintf(format, r.Code, waited, r.Need, r.Community, wished, r.Code, r.Code)
	if level == store.EscalationAdmins {
		text = fmt.Sprintf(format, r.Code, waited, r.Need, r.Community, wished, r.Community)
	}
	ns := make([]store.NewNotice, 0, len(to))
	for _, u := range to {
		ns = append(ns, store.NewNotice{
			Key:  fmt.Sprintf("%s|%s|%d|%s", KindRequestOverdue, r.Code, level, u.OpenID),
			Kind: KindRequestOverdue, Subject: r.Code, OpenID: u.OpenID, Text: text,
			Fields: map[string]string{"code": r.Code, "title": r.Need, "community": r.Community, "time": wished},
		})
	}
	if err := j.enqueue(ctx, JobRequestEscalation, ns, now); err != nil {
		return err
	}
	if err := j.Store.MarkHelpRequestEscalated(ctx, r.ID, level, now); err != nil {
		return fmt.Errorf("scheduler: %s: mark %s: %w", JobRequestEscalation, r.Code, err)
	}
	return nil
}

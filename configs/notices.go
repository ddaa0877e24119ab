package configs

import (
	"fmt"
	"strings"
	"time"

	"github.com/robfig/cron/v3"
)

// Notices configures the outbox dispatcher.
type Notices struct {
	// RatePerSecond caps messages per second for the whole account, shared
	// by every replica.
	RatePerSecond int `yaml:"rate_per_second"`
	// Batch is how many notices a dispatcher claims at once; Lease how long
	// it holds them before another replica may take them over.
	Batch int           `yaml:"batch"`
	Lease time.Duration `yaml:"lease"`
	// Concurrency is how many sends a dispatcher has in flight at once,
	// all within RatePerSecond.
	Concurrency int `yaml:"concurrency"`
	// FlushInterval is the longest a dispatcher holds the outcomes of its
	// sends before recording them, many in one transaction (it records
	// sooner once it holds half a batch).
	FlushInterval time.Duration `yaml:"flush_interval"`
	// PollInterval is the pause between drains when the outbox is empty.
	PollInterval time.Duration `yaml:"poll_interval"`
	// RetryBase doubles after each failed attempt (network error, 5xx) up
	// to RetryMax; a notice older than MaxAge is given up (failed).
	RetryBase time.Duration `yaml:"retry_base"`
	RetryMax  time.Duration `yaml:"retry_max"`
	MaxAge    time.Duration `yaml:"max_age"`
	// CustomerWindow is how long after a user's last interaction WeChat
	// accepts customer-service messages (48 h).
	CustomerWindow time.Duration `yaml:"customer_window"`
	// QuotaReset is the local time of day ("00:00") when WeChat's daily
	// API quota resets; errcode 45009 pauses sending until then.
	QuotaReset string `yaml:"quota_reset"`
	// Templates maps a notice kind to the template message sent outside the
	// customer-service window. A kind without a template ID cannot reach a
	// user who has not written for CustomerWindow.
	Templates map[string]Template `yaml:"templates"`
	// Subscriptions maps a notice kind to the subscription notice
	// (订阅通知, message/subscribe/bizsend) sent to users who accepted
	// its template.
	Subscriptions map[string]Subscription `yaml:"subscriptions"`
	// Channels is the default ordered list of channels a notice tries
	// (customer, subscribe, template); ChannelsByKind overrides it per
	// kind. A channel the kind has no id for is skipped.
	Channels       []string            `yaml:"channels"`
	ChannelsByKind map[string][]string `yaml:"channels_by_kind"`
	// CustomerBudget is how many customer-service messages one user gets
	// between two of their own messages; past it, the next channel is
	// used. 0 means no budget of our own (WeChat's limit, 45047, still
	// falls back).
	CustomerBudget int `yaml:"customer_budget"`
}

// Channel names in notices.channels.
const (
	ChannelCustomer  = "customer"
	ChannelSubscribe = "subscribe"
	ChannelTemplate  = "template"
)

// Subscription is a subscription notice template from the WeChat console
// (订阅通知 → 我的模板).
type Subscription struct {
	ID string `yaml:"id"`
	// Fields maps the template's keys (thing1, time2, ...) to the
	// notice's fields; each value is cut to its key's limit.
	Fields map[string]string `yaml:"fields"`
	// Page, when set, opens on tapping the notice (a web page URL).
	Page string `yaml:"page"`
}

// Template is a template message from the WeChat console (模板消息).
type Template struct {
	ID string `yaml:"id"`
	// Fields maps the template's keys (first, keyword1, remark, ...) to
	// the notice's fields (text, title, time, place, community, ...).
	Fields map[string]string `yaml:"fields"`
	// URL, when set, opens on tapping the message.
	URL string `yaml:"url"`
}

// Schedules configures the scheduled jobs (cron, in TimeZone).
type Schedules struct {
	PhaseDeadlines    string `yaml:"phase_deadlines"`
	LectureNotices    string `yaml:"lecture_notices"`
	ActivityReminders string `yaml:"activity_reminders"`
	WeeklyReport      string `yaml:"weekly_report"`
	// LectureOffsets: subscribers are told this long before each session.
	LectureOffsets []time.Duration `yaml:"lecture_offsets"`
	// ActivityOffsets: signed-up volunteers are reminded this long before.
	ActivityOffsets []time.Duration `yaml:"activity_offsets"`
	// CheckoutReminderAfter: volunteers checked in but not out are
	// reminded this long after the end, and the envoy gets the list of
	// unconfirmed attendance.
	CheckoutReminderAfter time.Duration `yaml:"checkout_reminder_after"`
	// LectureHorizon: recurring lectures are expanded into sessions this
	// far ahead.
	LectureHorizon time.Duration `yaml:"lecture_horizon"`
	// ReminderMergeWindow: an activity reminder is not written when the
	// next, later one comes due within this long: a volunteer who signs
	// up just before the 2-h reminder gets it alone instead of the 24-h
	// and the 2-h reminder minutes apart. 0 turns it off.
	ReminderMergeWindow time.Duration `yaml:"reminder_merge_window"`
	// JobLease: a run whose replica died is taken over after this long.
	JobLease time.Duration `yaml:"job_lease"`
}

// validateNotices checks the notices and schedules sections.
func (c *Config) validateNotices() error {
	n := c.Notices
	switch {
	case n.RatePerSecond < 1:
		return c.keyErr("notices.rate_per_second", "must be at least 1, got %d", n.RatePerSecond)
	case n.Batch < 1:
		return c.keyErr("notices.batch", "must be at least 1, got %d", n.Batch)
	case n.Lease < time.Second:
		return c.keyErr("notices.lease", "must be at least 1s, got %s", n.Lease)
	case n.Lease < 10*c.WeChat.APITimeout:
		// A send must end well inside the lease, or another replica could
		// claim the notice and send it again.
		return c.keyErr("notices.lease", "must be at least 10 × wechat.api_timeout (%s), got %s", c.WeChat.APITimeout, n.Lease)
	case n.Lease < 4*time.Duration(n.Batch)*time.Second/time.Duration(n.RatePerSecond):
		// A dispatcher holds up to two batches (the one it sends and the
		// next, claimed ahead); at the full rate they must take at most
		// half the lease, or their last notices would be left unsent to
		// wait for the lease's end.
		return c.keyErr("notices.lease", "must be at least 4 × batch / rate_per_second (%s), got %s",
			4*time.Duration(n.Batch)*time.Second/time.Duration(n.RatePerSecond), n.Lease)
	case n.Concurrency < 1 || n.Concurrency > 256:
		return c.keyErr("notices.concurrency", "must be between 1 and 256, got %d", n.Concurrency)
	case n.FlushInterval <= 0 || n.FlushInterval > n.Lease/10:
		// Outcomes must be recorded long before the lease ends, or another
		// replica could take a notice already sent over and send it again.
		return c.keyErr("notices.flush_interval", "must be positive and at most a tenth of notices.lease (%s), got %s",
			n.Lease/10, n.FlushInterval)
	case n.PollInterval <= 0:
		return c.keyErr("notices.poll_interval", "must be positive, got %s", n.PollInterval)
	case n.RetryBase <= 0 || n.RetryMax < n.RetryBase:
		return c.keyErr("notices.retry_base", "must be positive and at most retry_max, got %s and %s", n.RetryBase, n.RetryMax)
	case n.MaxAge <= 0:
		return c.keyErr("notices.max_age", "must be positive, got %s", n.MaxAge)
	case n.CustomerWindow <= 0:
		return c.keyErr("notices.customer_window", "must be positive, got %s", n.CustomerWindow)
	}
	if _, err := time.Parse("15:04", n.QuotaReset); err != nil {
		return c.keyErr("notices.quota_reset", "must be a time of day like 00:00, got %q", n.QuotaReset)
	}
	if err := c.validateChannels(); err != nil {
		return err
	}
	s := c.Schedules
	parser := cron.NewParser(cron.Minute | cron.Hour | cron.Dom | cron.Month | cron.Dow | cron.Descriptor)
	for key, spec := range map[string]string{
		"phase_deadlines": s.PhaseDeadlines, "lecture_notices": s.LectureNotices,
		"activity_reminders": s.ActivityReminders, "weekly_report": s.WeeklyReport,
	} {
		if _, err := parser.Parse(spec); err != nil {
			return c.keyErr("schedules."+key, "must be a cron schedule like \"0 9 * * *\": %v", err)
		}
	}
	for key, offsets := range map[string][]time.Duration{"lecture_offsets": s.LectureOffsets, "activity_offsets": s.ActivityOffsets} {
		if len(offsets) == 0 {
			return c.keyErr("schedules."+key, "must list at least one duration before the start, like [24h, 1h]")
		}
		for _, o := range offsets {
			if o <= 0 {
				return c.keyErr("schedules."+key, "must list positive durations, got %s", o)
			}
		}
	}
	switch {
	case s.CheckoutReminderAfter <= 0:
		return c.keyErr("schedules.checkout_reminder_after", "must be positive, got %s", s.CheckoutReminderAfter)
	case s.LectureHorizon < 24*time.Hour:
		return c.keyErr("schedules.lecture_horizon", "must be at least 24h, got %s", s.LectureHorizon)
	case s.ReminderMergeWindow < 0:
		return c.keyErr("schedules.reminder_merge_window", "must be 0 (off) or positive, got %s", s.ReminderMergeWindow)
	case s.JobLease < time.Minute:
		return c.keyErr("schedules.job_lease", "must be at least 1m, got %s", s.JobLease)
	}
	return nil
}

// Template returns the kind's template, and whether one is configured.
func (n Notices) Template(kind string) (Template, bool) {
	t, ok := n.Templates[kind]
	return t, ok && strings.TrimSpace(t.ID) != ""
}

// Subscription returns the kind's subscription notice, and whether one is
// configured.
func (n Notices) Subscription(kind string) (Subscription, bool) {
	t, ok := n.Subscriptions[kind]
	return t, ok && strings.TrimSpace(t.ID) != ""
}

// ChannelsFor is the ordered list of channels a notice of kind tries.
func (n Notices) ChannelsFor(kind string) []string {
	if cs, ok := n.ChannelsByKind[kind]; ok {
		return cs
	}
	if len(n.Channels) == 0 {
		return []string{ChannelCustomer, ChannelSubscribe, ChannelTemplate}
	}
	return n.Channels
}

// retiredTemplateKeys are the template keys WeChat ignores since May 2023.
var retiredTemplateKeys = []string{"first", "remark"}

// validateChannels checks the channel lists, templates and subscriptions.
func (c *Config) validateChannels() error {
	n := c.Notices
	check := func(key string, cs []string) error {
		for _, ch := range cs {
			if ch != ChannelCustomer && ch != ChannelSubscribe && ch != ChannelTemplate {
				return c.keyErr(key, "lists %q; channels are customer, subscribe and template", ch)
			}
		}
		return nil
	}
	if err := check("notices.channels", n.Channels); err != nil {
		return err
	}
	for kind, cs := range n.ChannelsByKind {
		if len(cs) == 0 {
			return c.keyErr("notices.channels_by_kind."+kind, "must list at least one channel")
		}
		if err := check("notices.channels_by_kind."+kind, cs); err != nil {
			return err
		}
	}
	if n.CustomerBudget < 0 {
		return c.keyErr("notices.customer_budget", "must be 0 (none) or more, got %d", n.CustomerBudget)
	}
	for kind, t := range n.Templates {
		if t.ID != "" && len(t.Fields) == 0 {
			return c.keyErr("notices.templates."+kind+".fields", "must map the template's keys to notice fields")
		}
		for _, k := range retiredTemplateKeys {
			if _, ok := t.Fields[k]; ok {
				return c.keyErr("notices.templates."+kind+".fields", "has %q: WeChat ignores first and remark since May 2023; map keyword fields (thing1, time2, ...) only", k)
			}
		}
	}
	for kind, s := range n.Subscriptions {
		if s.ID != "" && len(s.Fields) == 0 {
			return c.keyErr("notices.subscriptions."+kind+".fields", "must map the template's keys to notice fields")
		}
	}
	return nil
}

// String describes a template for logs.
func (t Template) String() string { return fmt.Sprintf("template %s", t.ID) }

// ExpectedChannel is the channel a notice of kind would go by, as the
// dispatcher chooses, to a person who wrote within the customer-service
// window (inWindow, budget left) or not and who accepted the kind's
// subscription template (subscribed) or not; "" when no channel could
// carry it. Previews use it; the dispatcher decides at send time.
func (n Notices) ExpectedChannel(kind string, inWindow, subscribed bool) string {
	for _, ch := range n.ChannelsFor(kind) {
		switch ch {
		case ChannelCustomer:
			if inWindow {
				return ch
			}
		case ChannelSubscribe:
			if _, ok := n.Subscription(kind); ok && subscribed {
				return ch
			}
		case ChannelTemplate:
			if _, ok := n.Template(kind); ok {
				return ch
			}
		}
	}
	return ""
}

package configs

import (
	"strings"
	"time"
)

// Requests configures issue 15: residents' help requests (点单—派单—评单),
// the points confirmed hours earn and the star levels they reach.
type Requests struct {
	// EscalateAfter: a request nobody took this long after it was filed is
	// sent to the community's envoy again, as overdue; AdminsAfter (longer)
	// to the admins.
	EscalateAfter time.Duration `yaml:"escalate_after"`
	AdminsAfter   time.Duration `yaml:"admins_after"`
	// EscalationSchedule is the cron spec of the request-escalation job.
	EscalationSchedule string `yaml:"escalation_schedule"`
	// Line is the activity line (a name of the campaign's lines) a
	// request's hours count under; ServiceType its service type there.
	Line        string `yaml:"line"`
	ServiceType string `yaml:"service_type"`
	// MaxOpenPerResident caps the untaken requests one sender may have
	// open at once, so that a stuck client cannot flood the envoys.
	MaxOpenPerResident int    `yaml:"max_open_per_resident"`
	Points             Points `yaml:"points"`
}

// Points are what confirmed hours earn: PerHour points an hour (activities
// and requests alike), and Rated5Bonus more for each request its resident
// rated 5. Stars are the levels by confirmed hours, lowest first.
type Points struct {
	PerHour     float64 `yaml:"per_hour"`
	Rated5Bonus float64 `yaml:"rated5_bonus"`
	Stars       []Star  `yaml:"stars"`
}

// Star is one level: its name and the confirmed hours that reach it.
type Star struct {
	Name  string  `yaml:"name"`
	Hours float64 `yaml:"hours"`
}

// validateRequests checks the requests section.
func (c *Config) validateRequests() error {
	r := c.Requests
	switch {
	case r.EscalateAfter <= 0:
		return c.keyErr("requests.escalate_after", "must be positive, got %s", r.EscalateAfter)
	case r.AdminsAfter <= r.EscalateAfter:
		return c.keyErr("requests.admins_after", "must be longer than escalate_after (%s), got %s", r.EscalateAfter, r.AdminsAfter)
	case strings.TrimSpace(r.EscalationSchedule) == "":
		return c.keyErr("requests.escalation_schedule", "must be a cron spec such as \"*/5 * * * *\"")
	case strings.TrimSpace(r.Line) == "":
		return c.keyErr("requests.line", "must name an activity line, e.g. 关爱困难群体")
	case r.MaxOpenPerResident < 1:
		return c.keyErr("requests.max_open_per_resident", "must be at least 1, got %d", r.MaxOpenPerResident)
	case r.Points.PerHour < 0:
		return c.keyErr("requests.points.per_hour", "must not be negative, got %g", r.Points.PerHour)
	case r.Points.Rated5Bonus < 0:
		return c.keyErr("requests.points.rated5_bonus", "must not be negative, got %g", r.Points.Rated5Bonus)
	}
	prev := 0.0
	for i, s := range r.Points.Stars {
		if strings.TrimSpace(s.Name) == "" || s.Hours <= prev {
			return c.keyErr("requests.points.stars", "level %d (%q): each needs a name and more hours than the one before, got %g", i+1, s.Name, s.Hours)
		}
		prev = s.Hours
	}
	return nil
}

// StarAt is the level hours reach (nil below the first) and the next one
// (nil at the top).
func (p Points) StarAt(hours float64) (reached, next *Star) {
	for i := range p.Stars {
		if hours >= p.Stars[i].Hours {
			reached = &p.Stars[i]
		} else {
			return reached, &p.Stars[i]
		}
	}
	return reached, nil
}

// Earned is the points of confirmed minutes and requests rated 5.
func (p Points) Earned(minutes, rated5 int) float64 {
	return float64(minutes)/60*p.PerHour + float64(rated5)*p.Rated5Bonus
}

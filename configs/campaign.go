package configs

import (
	"fmt"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
)

// Date is a calendar date without a time or zone, as the campaign notice
// writes them; it becomes an instant only in a location (see In).
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

// dateLayout is how dates are written in YAML.
const dateLayout = "2006-01-02"

// ParseDate parses a date written as YYYY-MM-DD.
func ParseDate(s string) (Date, error) {
	t, err := time.Parse(dateLayout, s)
	if err != nil {
		return Date{}, fmt.Errorf("not a date like 2019-03-01: %q", s)
	}
	return Date{Year: t.Year(), Month: t.Month(), Day: t.Day()}, nil
}

// In returns midnight at the start of d in loc (UTC when loc is nil).
func (d Date) In(loc *time.Location) time.Time {
	if loc == nil {
		loc = time.UTC
	}
	return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, loc)
}

// endIn returns midnight at the end of d in loc, so that an end date or a
// deadline includes its whole day.
func (d Date) endIn(loc *time.Location) time.Time {
	return d.In(loc).AddDate(0, 0, 1)
}

// IsZero reports whether d was never set.
func (d Date) IsZero() bool { return d == Date{} }

// Before reports whether d is an earlier day than u.
func (d Date) Before(u Date) bool { return d.In(time.UTC).Before(u.In(time.UTC)) }

// String formats d as YYYY-MM-DD, the form it is written in.
func (d Date) String() string {
	return fmt.Sprintf("%04d-%02d-%02d", d.Year, int(d.Month), d.Day)
}

// UnmarshalYAML reads a date written as YYYY-MM-DD (quoted or not).
func (d *Date) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind != yaml.ScalarNode {
		return fmt.Errorf("line %d: a date must be written like 2019-03-01", n.Line)
	}
	v, err := ParseDate(n.Value)
	if err != nil {
		return fmt.Errorf("line %d: %w", n.Line, err)
	}
	*d = v
	return nil
}

// MarshalYAML writes d as YYYY-MM-DD, so that a campaign round-trips.
func (d Date) MarshalYAML() (any, error) { return d.String(), nil }

// Campaign is the volunteer campaign of the notice: its span, phases,
// targets and activity lines. It is configuration so that a deployment
// changes dates without touching code.
type Campaign struct {
	Name    string         `yaml:"name"`
	Start   Date           `yaml:"start"`
	End     Date           `yaml:"end"` // inclusive
	Phases  []Phase        `yaml:"phases"`
	Targets []Target       `yaml:"targets"`
	Lines   []ActivityLine `yaml:"lines"`
	// Communities are the campaign's linked communities (城乡社区): the
	// known list that what users type is matched against, added to the
	// store on every start. Envoys' contact points and admins add more.
	Communities []string `yaml:"communities"`
}

// Phase is one step of the campaign (宣传动员, 实施推进, 总结提升); Start and
// End are both inclusive.
type Phase struct {
	Key   string `yaml:"key"`
	Name  string `yaml:"name"`
	Start Date   `yaml:"start"`
	End   Date   `yaml:"end"`
}

// MeasurableTargets are the target keys envoybot measures (store
// Progress.Met): a campaign may set their names, deadlines and reminders.
var MeasurableTargets = map[string]bool{"contact_point": true, "team": true, "brand": true}

// Target is a goal every envoy must meet by its deadline (inclusive); envoys
// who have not are reminded RemindDaysBefore days before it.
type Target struct {
	Key              string `yaml:"key"`
	Name             string `yaml:"name"`
	Description      string `yaml:"description"`
	Deadline         Date   `yaml:"deadline"`
	RemindDaysBefore []int  `yaml:"remind_days_before"`
}

// ActivityLine is one of the campaign's kinds of activity (类别). Aliases are
// the other words chat users type for it.
type ActivityLine struct {
	Key          string   `yaml:"key"`
	Name         string   `yaml:"name"`
	Description  string   `yaml:"description"`
	ServiceTypes []string `yaml:"service_types"`
	TargetGroups []string `yaml:"target_groups"`
	// Venues are the public facilities the notice names for the line, if any.
	Venues  []string `yaml:"venues"`
	Aliases []string `yaml:"aliases"`
}

// PhaseAt returns the phase that t falls in, read as a date in loc (UTC when
// nil), or nil before, after or between phases.
func (c *Campaign) PhaseAt(t time.Time, loc *time.Location) *Phase {
	if loc == nil {
		loc = time.UTC
	}
	for i := range c.Phases {
		p := &c.Phases[i]
		if !t.Before(p.Start.In(loc)) && t.Before(p.End.endIn(loc)) {
			return p
		}
	}
	return nil
}

// LineByName returns the activity line whose key, name or one of whose
// aliases is s (ignoring surrounding space and letter case), or nil.
func (c *Campaign) LineByName(s string) *ActivityLine {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil
	}
	for i := range c.Lines {
		l := &c.Lines[i]
		for _, name := range l.names() {
			if strings.EqualFold(name, s) {
				return l
			}
		}
	}
	return nil
}

// Words lists every word people use for the line: its name, its aliases
// and its service types. The chat parser reads lines by these words.
func (l *ActivityLine) Words() []string {
	words := append([]string{l.Name}, l.Aliases...)
	return append(words, l.ServiceTypes...)
}

// names lists every word that picks l: its key, name and aliases.
func (l *ActivityLine) names() []string {
	return append([]string{l.Key, l.Name}, l.Aliases...)
}

package store

import (
	"context"
	"time"
)

// EnvoyStanding is one envoy's row on the progress page.
type EnvoyStanding struct {
	Envoy    *User
	Progress *Progress
}

// MonthLineCount is how many activities of one line started in a month.
type MonthLineCount struct {
	Month    string // 2026-12, in the campaign's time zone
	Category string
	Count    int
}

// CommunityHours is confirmed service per community.
type CommunityHours struct {
	Community string
	Minutes   int
}

// Turnout compares sign-ups with attendance over finished activities.
type Turnout struct {
	Activities int // finished, not cancelled
	Seated     int // seated sign-ups on them
	Attended   int // of those, checked in
}

// ActivityFilter narrows the activity list; zero fields do not filter.
type ActivityFilter struct {
	Category  string
	Community string
	EnvoyID   int64
	From, To  time.Time // start in [From, To)
	Flagged   bool      // only activities with far-away check-ins
	Limit     int
}

// ActivityRow is an activity with its attendance figures.
type ActivityRow struct {
	Activity  *Activity
	Attended  int // checked in
	Flagged   int // far-away check-ins
	Confirmed int // attendance with confirmed hours
}

// VolunteerFilter narrows the volunteer list.
type VolunteerFilter struct {
	Community string
	Query     string // part of a name
	Limit     int
}

// VolunteerRow is a registered user with their service.
type VolunteerRow struct {
	User             *User
	Activities       int // with attendance
	ConfirmedMinutes int
}

// ServiceRecord is one line of 志愿服务记录, with the fields the MCA's
// 《志愿服务记录与证明出具办法》 asks for: volunteer, activity, time, place,
// content, hours, organiser and recorder.
type ServiceRecord struct {
	VolunteerName  string
	VolunteerPhone string // full: only the admin's Excel shows it
	VolunteerID    int64  // anonymous id when the profile was deleted
	Anonymised     bool
	// The real-name profile (issue 14): "" and 0 when none was given.
	Gender           string
	BirthYear        int
	IDType           string
	IDMasked         string
	ActivityCode     string
	ActivityTitle    string
	Category         string
	ServiceType      string
	Community        string
	Place            string
	StartsAt         time.Time
	EndsAt           time.Time
	CheckInAt        time.Time
	CheckOutAt       time.Time
	ConfirmedMinutes int
	// Companions are the people the volunteer's sign-up brings (报名 A12
	// 带2人); ActivityRecords fills it.
	Companions  int
	Organiser   string // the envoy's name (和谐使者)
	Recorder    string // who confirmed the hours
	ConfirmedAt time.Time
}

// DashboardQueries are what the admin dashboard and exports read.
type DashboardQueries interface {
	// EnvoyStandings returns every envoy (not anonymised) with progress,
	// ordered by name.
	EnvoyStandings(ctx context.Context) ([]EnvoyStanding, error)
	// ActivitiesPerMonth counts activities (not cancelled) by start month
	// and line, months in loc, oldest first.
	ActivitiesPerMonth(ctx context.Context, loc *time.Location) ([]MonthLineCount, error)
	// HoursPerCommunity sums confirmed minutes by the activity's community,
	// most first.
	HoursPerCommunity(ctx context.Context) ([]CommunityHours, error)
	// TurnoutBefore compares seated sign-ups with check-ins on activities
	// ended before at.
	TurnoutBefore(ctx context.Context, at time.Time) (*Turnout, error)
	// ListActivities returns activities (newest start first) with figures.
	ListActivities(ctx context.Context, f ActivityFilter) ([]ActivityRow, error)
	// ListLectures returns lectures (newest first) with their sessions.
	ListLectures(ctx context.Context, limit int) ([]*Lecture, error)
	// ListLectureSessions returns a lecture's sessions, cancelled ones included
	// (CancelledAt set on the Lecture copy when the session is cancelled).
	ListLectureSessions(ctx context.Context, code string) ([]*LectureOccurrence, error)
	// ListVolunteers returns registered users (by name) with their service.
	ListVolunteers(ctx context.Context, f VolunteerFilter) ([]VolunteerRow, error)
	// ServiceRecords returns confirmed service of activities starting in
	// [from, to), by start then volunteer.
	ServiceRecords(ctx context.Context, from, to time.Time) ([]ServiceRecord, error)
	// ActivityRecords returns one activity's attendance as service records
	// (unconfirmed ones with ConfirmedMinutes -1), in check-in order, with
	// seated volunteers who never checked in at the end.
	ActivityRecords(ctx context.Context, code string) ([]ServiceRecord, error)
}

package store

import (
	"context"
	"time"
)

// SignupConfirmations record that seated volunteers will come (确认参加),
// so that the envoy knows how many to expect.
type SignupConfirmations interface {
	// ConfirmSignup records that userID, seated on activity code, will
	// come; first is false when they had confirmed already (the first
	// time is kept). ENOTFOUND when they hold no seat there.
	ConfirmSignup(ctx context.Context, code string, userID int64, at time.Time) (first bool, err error)
	// CountConfirmedSignups counts the activity's seated sign-ups and how
	// many of them confirmed.
	CountConfirmedSignups(ctx context.Context, code string) (confirmed, seated int, err error)
}

// BroadcastQueries find who a broadcast reaches.
type BroadcastQueries interface {
	// ListCommunityVolunteers returns the registered volunteers (and
	// envoys) of a community who follow the account and are not
	// anonymised, in id order: who a broadcast to the community's
	// volunteers reaches.
	ListCommunityVolunteers(ctx context.Context, community string) ([]*User, error)
	// ListFreeVolunteers returns ListCommunityVolunteers of the activity's
	// community who are neither signed up for it (seated or waitlisted)
	// nor seated on another activity, not cancelled, overlapping its time:
	// who an urgent recruitment (紧急招募) asks.
	ListFreeVolunteers(ctx context.Context, code string) ([]*User, error)
	// ListTeamMembers returns the members of team (T3) who follow the
	// account and are not anonymised, in id order.
	ListTeamMembers(ctx context.Context, team string) ([]*User, error)
	// ListLineVolunteers returns the volunteers of a community who follow
	// the account, are not anonymised and were ever seated on an activity
	// of the line (category), in id order: an activity line's volunteers.
	ListLineVolunteers(ctx context.Context, community, line string) ([]*User, error)
}

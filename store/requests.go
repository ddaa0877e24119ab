package store

import (
	"context"
	"slices"
	"strings"
	"time"
)

// Issue 15: residents ask, volunteers answer (点单—派单—评单).

// Help request statuses.
const (
	RequestOpen      = "open"      // filed, nobody took it yet
	RequestTaken     = "taken"     // a volunteer took it (or was assigned)
	RequestDone      = "done"      // the volunteer checked out
	RequestCancelled = "cancelled" // withdrawn
)

// Escalation levels of an untaken request.
const (
	EscalationNone   = 0
	EscalationEnvoy  = 1 // the community's envoy was told it is overdue
	EscalationAdmins = 2 // the admins were told
)

// Error messages of help requests, for handlers to tell apart.
const (
	MsgRequestTaken      = "request already taken"
	MsgRequestNotTaker   = "not the request's volunteer"
	MsgRequestNotOpen    = "request not open"
	MsgRequestNotIn      = "not checked in"
	MsgRequestRated      = "request already rated"
	MsgRequestNotRater   = "only the resident or the filer rates"
	MsgRequestNotDone    = "request not done"
	MsgRequestConfirmed  = "hours already confirmed"
	MsgRequestCheckedIn  = "already checked in"
	MsgRequestCheckedOut = "already checked out"
)

// The capped fields of a request.
var (
	FieldNeed    = Field{"need", 60}
	FieldWished  = Field{"wished time", 30}
	FieldContact = Field{"contact", 30}
	FieldComment = Field{"comment", 100}
)

// NewHelpRequest is a request to file. ResidentID is the sender of a 求助;
// for a 代办 it is 0 and ResidentName and ResidentContact say who it is
// for. FiledBy is always the sender.
type NewHelpRequest struct {
	Need            string
	Community       string
	Wished          string
	WishedAt        time.Time // zero: as soon as possible
	ResidentID      int64
	ResidentName    string
	ResidentContact string
	FiledBy         int64
	Category        string
	ServiceType     string
}

// Validate trims and checks the request.
func (n *NewHelpRequest) Validate() error {
	if err := requireText(&n.Need, FieldNeed.Key); err != nil {
		return err
	}
	if err := requireText(&n.Community, "community"); err != nil {
		return err
	}
	if err := requireText(&n.Category, "category"); err != nil {
		return err
	}
	n.Wished, n.ResidentName, n.ResidentContact = strings.TrimSpace(n.Wished), strings.TrimSpace(n.ResidentName), strings.TrimSpace(n.ResidentContact)
	for _, c := range []struct {
		f Field
		v string
	}{{FieldNeed, n.Need}, {FieldWished, n.Wished}, {FieldName, n.ResidentName}, {FieldContact, n.ResidentContact}} {
		if err := c.f.Check(c.v); err != nil {
			return err
		}
	}
	if n.FiledBy == 0 {
		return Errorf(EINVALID, "a request needs who filed it")
	}
	if n.ResidentID == 0 && n.ResidentName == "" {
		return Errorf(EINVALID, "a request filed for someone needs their name")
	}
	return nil
}

// HelpRequest is a request with the people around it. Times not reached
// yet are zero; minutes not known yet are -1.
type HelpRequest struct {
	ID        int64
	Code      string
	Need      string
	Community string
	Wished    string
	WishedAt  time.Time
	// The resident: a user (ResidentID, ResidentOpenID) who asked by chat,
	// or a person without a phone (ResidentID 0) named by the filer.
	ResidentID       int64
	ResidentOpenID   string
	ResidentName     string
	ResidentContact  string
	FiledBy          int64
	FiledByOpenID    string
	FiledByName      string
	Category         string
	ServiceType      string
	Status           string
	TakerID          int64
	TakerOpenID      string
	TakerName        string
	TakerPhone       string
	AssignedBy       int64
	TakenAt          time.Time
	CheckInAt        time.Time
	CheckOutAt       time.Time
	ComputedMinutes  int
	ConfirmedMinutes int
	ConfirmedBy      int64
	ConfirmedAt      time.Time
	Escalation       int
	Rating           int // 0 until rated
	RatingComment    string
	RatedBy          int64
	RatedAt          time.Time
	CreatedAt        time.Time
}

// OnBehalf reports a request filed for a resident without a phone (代办).
func (r *HelpRequest) OnBehalf() bool { return r.ResidentID == 0 || r.ResidentID != r.FiledBy }

// HelpRequestFilter selects requests for the dashboard; empty fields
// select all.
type HelpRequestFilter struct {
	Community string
	Status    string
	From, To  time.Time // filed in [From, To)
	Limit     int       // 0: no limit
}

// HelpRequestService keeps help requests.
type HelpRequestService interface {
	// CreateHelpRequest files the request with the next code (R1, R2 …)
	// in a known community (ENOTFOUND MsgUnknownCommunity otherwise).
	CreateHelpRequest(ctx context.Context, n NewHelpRequest, at time.Time) (*HelpRequest, error)
	// FindHelpRequest returns ENOTFOUND for an unknown code.
	FindHelpRequest(ctx context.Context, code string) (*HelpRequest, error)
	// TakeHelpRequest gives an open request to the volunteer; assignedBy
	// is the envoy who assigned it (0 when the volunteer took it). A
	// request already taken is ECONFLICT MsgRequestTaken (by the same
	// volunteer: returned unchanged, taken false); one done or cancelled
	// is EINVALID MsgRequestNotOpen.
	TakeHelpRequest(ctx context.Context, code string, volunteerID, assignedBy int64, at time.Time) (r *HelpRequest, taken bool, err error)
	// CheckInHelpRequest and CheckOutHelpRequest record the taker's
	// presence (another user: EINVALID MsgRequestNotTaker). Checking out
	// stores the computed minutes and makes the request done.
	CheckInHelpRequest(ctx context.Context, code string, volunteerID int64, at time.Time) (*HelpRequest, error)
	CheckOutHelpRequest(ctx context.Context, code string, volunteerID int64, minutes int, at time.Time) (*HelpRequest, error)
	// ConfirmHelpRequestHours confirms a done request's minutes, once
	// (ECONFLICT MsgRequestConfirmed after).
	ConfirmHelpRequestHours(ctx context.Context, code string, byID int64, minutes int, at time.Time) (*HelpRequest, error)
	// RateHelpRequest stores the rating of a done request, once (ECONFLICT
	// MsgRequestRated after), by the resident or the filer only.
	RateHelpRequest(ctx context.Context, code string, byID int64, rating int, comment string, at time.Time) (*HelpRequest, error)
	// CountOpenHelpRequests counts the untaken requests the user filed.
	CountOpenHelpRequests(ctx context.Context, filedBy int64) (int, error)
	// ListHelpRequestsToEscalate returns open requests below level filed
	// before before, oldest first.
	ListHelpRequestsToEscalate(ctx context.Context, level int, before time.Time) ([]*HelpRequest, error)
	// MarkHelpRequestEscalated raises the request's escalation to level
	// (never lowers it).
	MarkHelpRequestEscalated(ctx context.Context, id int64, level int, at time.Time) error
	// ListHelpRequests returns requests, newest first.
	ListHelpRequests(ctx context.Context, f HelpRequestFilter) ([]*HelpRequest, error)
	// CommunityResponders are who a new request of the community reaches:
	// its envoys (contact points, team founders) and the members of its
	// teams, not anonymised, each once.
	CommunityResponders(ctx context.Context, community string) (envoys, members []*User, err error)
}

// VolunteerStanding is what a volunteer's points and star level are
// computed from (configs.Points says how): confirmed minutes of
// activities and requests, and the requests they served rated 5.
type VolunteerStanding struct {
	UserID    int64
	OpenID    string
	Name      string // the name; the dashboard shows it only when Public
	Community string
	Public    bool // opted in to be named on the community's leaderboard
	Minutes   int
	Rated5    int
}

// PointsService reads standings and keeps the leaderboard opt-in.
type PointsService interface {
	// VolunteerStanding returns the user's standing (zero for a user
	// without confirmed hours); ENOTFOUND for an unknown user.
	VolunteerStanding(ctx context.Context, userID int64) (*VolunteerStanding, error)
	// CommunityStandings returns the standings of the community's
	// volunteers and envoys with confirmed hours, not anonymised; every
	// community's when community is "".
	CommunityStandings(ctx context.Context, community string) ([]VolunteerStanding, error)
	// SetLeaderboardPublic records whether the user is named on the
	// leaderboard.
	SetLeaderboardPublic(ctx context.Context, userID int64, public bool, at time.Time) error
}

// CommunityRequestStats sums one community's requests for the dashboard
// and the progress report. Medians are over the requests that reached
// the step (0 when none did); AverageRating over the rated ones.
type CommunityRequestStats struct {
	Community           string
	Total               int
	ByStatus            map[string]int
	MedianToTake        time.Duration // filed → taken
	MedianToFinish      time.Duration // filed → checked out
	Rated               int
	AverageRating       float64
	ConfirmedMinutes    int
	OnBehalf            int // filed with 代办
	Escalated, ToAdmins int // escalated to the envoys, to the admins
}

// SummariseRequests groups requests by community, in the order of the
// communities' first appearance in rs.
func SummariseRequests(rs []*HelpRequest) []CommunityRequestStats {
	var out []CommunityRequestStats
	idx := map[string]int{}
	take := map[string][]time.Duration{}
	finish := map[string][]time.Duration{}
	ratings := map[string]int{}
	for _, r := range rs {
		i, ok := idx[r.Community]
		if !ok {
			i = len(out)
			idx[r.Community] = i
			out = append(out, CommunityRequestStats{Community: r.Community, ByStatus: map[string]int{}})
		}
		s := &out[i]
		s.Total++
		s.ByStatus[r.Status]++
		if !r.TakenAt.IsZero() {
			take[r.Community] = append(take[r.Community], r.TakenAt.Sub(r.CreatedAt))
		}
		if !r.CheckOutAt.IsZero() {
			finish[r.Community] = append(finish[r.Community], r.CheckOutAt.Sub(r.CreatedAt))
		}
		if r.Rating > 0 {
			s.Rated++
			ratings[r.Community] += r.Rating
		}
		if r.ConfirmedMinutes > 0 {
			s.ConfirmedMinutes += r.ConfirmedMinutes
		}
		if r.OnBehalf() {
			s.OnBehalf++
		}
		if r.Escalation >= EscalationEnvoy {
			s.Escalated++
		}
		if r.Escalation >= EscalationAdmins {
			s.ToAdmins++
		}
	}
	for i := range out {
		s := &out[i]
		s.MedianToTake = median(take[s.Community])
		s.MedianToFinish = median(finish[s.Community])
		if s.Rated > 0 {
			s.AverageRating = float64(ratings[s.Community]) / float64(s.Rated)
		}
	}
	return out
}

// median is the middle duration (the mean of the two middle ones for an
// even count); 0 for none.
func median(ds []time.Duration) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}

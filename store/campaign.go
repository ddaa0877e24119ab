package store

import (
	"context"
	"time"
)

// Messages of domain errors that handlers tell apart (Error.Message).
const (
	MsgInviteUnknown   = "invite unknown"
	MsgInviteUsed      = "invite used"
	MsgInviteExpired   = "invite expired"
	MsgTooManyAttempts = "too many wrong codes"
	MsgNotCheckedIn    = "not checked in"
	MsgNotSignedUp     = "not signed up"
	MsgNotOwner        = "not the activity's envoy"
)

// Invite is a one-time code that makes its redeemer an envoy or an admin.
type Invite struct {
	ID         int64
	Code       string
	Role       Role // RoleEnvoy or RoleAdmin
	Name       string
	EnvoyLevel string // 省 or 市, envoys only
	EnvoyKind  string // 和谐使者 or 敬老使者, envoys only
	ExpiresAt  time.Time
	UsedBy     int64 // 0 while unused
	UsedAt     time.Time
	CreatedAt  time.Time
}

// NewInvite is what an admin or the CLI issues.
type NewInvite struct {
	Code       string
	Role       Role
	Name       string
	EnvoyLevel string
	EnvoyKind  string
	ExpiresAt  time.Time
	// CreatedByOpenID is the admin who issued it; empty from the CLI.
	CreatedByOpenID string
}

// InviteService issues and redeems invite codes.
type InviteService interface {
	// CreateInvite stores a new invite; a code already taken is ECONFLICT.
	CreateInvite(ctx context.Context, inv NewInvite, at time.Time) (*Invite, error)
	// RedeemInvite binds the user with code in one transaction: the user gets
	// the invite's role (and level, kind, and name when the profile has none)
	// and the invite is used up. When the user already made maxFailures wrong
	// attempts within window before at, it returns EFORBIDDEN
	// MsgTooManyAttempts without looking at the code. A wrong code is recorded
	// as a failed attempt and returns ENOTFOUND MsgInviteUnknown, EINVALID
	// MsgInviteUsed or EINVALID MsgInviteExpired.
	RedeemInvite(ctx context.Context, userID int64, code string, at time.Time, maxFailures int, window time.Duration) (*User, *Invite, error)
}

// ContactPoint is an envoy's 社区联系点.
type ContactPoint struct {
	ID        int64
	EnvoyID   int64
	Community string
	CreatedAt time.Time
}

// Team is a volunteer team (志愿者团队) formed by an envoy.
type Team struct {
	ID        int64
	Code      string // T3
	Name      string
	EnvoyID   int64
	Community string
	Members   int
	CreatedAt time.Time
}

// Brand is a community's volunteer service brand (志愿服务品牌).
type Brand struct {
	ID          int64
	Community   string
	Name        string
	Description string
	EnvoyID     int64
	// EnvoyName is the holder's name, read by FindBrand (who holds it is
	// what a refused 品牌 says).
	EnvoyName string
	CreatedAt time.Time
	UpdatedAt time.Time
}

// EnvoyService keeps what envoys build: contact points, teams, brands.
type EnvoyService interface {
	// AddContactPoint links the envoy with a community (created when new);
	// created is false when the link existed.
	AddContactPoint(ctx context.Context, envoyID int64, community string, at time.Time) (cp *ContactPoint, created bool, err error)
	// ListContactPoints returns the envoy's contact points, oldest first.
	ListContactPoints(ctx context.Context, envoyID int64) ([]*ContactPoint, error)
	// CreateTeam creates a team with the next short code (T1, T2, ...) in
	// a known community (ENOTFOUND MsgUnknownCommunity otherwise).
	CreateTeam(ctx context.Context, envoyID int64, name, community string, at time.Time) (*Team, error)
	// FindTeamByCode returns ENOTFOUND for an unknown code (case-insensitive).
	FindTeamByCode(ctx context.Context, code string) (*Team, error)
	// JoinTeam adds the user to the team; joined is false when already in.
	JoinTeam(ctx context.Context, code string, userID int64, at time.Time) (t *Team, joined bool, err error)
	// ListTeamsByEnvoy returns the envoy's teams with member counts.
	ListTeamsByEnvoy(ctx context.Context, envoyID int64) ([]*Team, error)
	// SetBrand creates the one brand of a known community (ENOTFOUND
	// MsgUnknownCommunity otherwise), or replaces its name and description
	// when the envoy holds it; held by another envoy it is ECONFLICT
	// MsgBrandHeld and nothing changes.
	SetBrand(ctx context.Context, envoyID int64, community, name, description string, at time.Time) (b *Brand, created bool, err error)
	// ReassignBrand is an admin's SetBrand: it creates or replaces the
	// brand and makes envoyID its holder whoever held it; previous is the
	// earlier holder's id (0 when new or the same).
	ReassignBrand(ctx context.Context, envoyID int64, community, name, description string, at time.Time) (b *Brand, previous int64, err error)
	// FindBrand returns the community's brand with its holder's name;
	// ENOTFOUND when it has none.
	FindBrand(ctx context.Context, community string) (*Brand, error)
	// ListBrandsByEnvoy returns the brands the envoy registered.
	ListBrandsByEnvoy(ctx context.Context, envoyID int64) ([]*Brand, error)
}

// Activity statuses.
const (
	ActivityOpen      = "open"
	ActivityHeld      = "held"
	ActivityCancelled = "cancelled"
)

// Activity is a volunteer activity volunteers sign up for.
type Activity struct {
	ID          int64
	Code        string // A13
	Title       string
	Category    string // the activity line's name, e.g. 关爱困难群体
	ServiceType string // e.g. 心理疏导; may be empty
	StartsAt    time.Time
	EndsAt      time.Time
	Place       string
	Community   string
	EnvoyID     int64
	EnvoyOpenID string
	EnvoyName   string
	Quota       int // 0: no limit
	// HasVenue tells whether VenueLat/VenueLng are set.
	HasVenue         bool
	VenueLat         float64
	VenueLng         float64
	RadiusM          int
	QRURL            string
	Status           string
	HeldAt           time.Time
	HeldPhotoMediaID string
	CreatedAt        time.Time
	// CancelledAt, CancelReason (as typed, may be empty) and CancelledBy
	// are set by 取消活动.
	CancelledAt  time.Time
	CancelReason string
	CancelledBy  int64
	// Revision counts the changes of time, place or quota (修改活动).
	Revision int
	// Seated and Waitlisted count the people of current sign-ups: each
	// volunteer and the companions they bring.
	Seated     int
	Waitlisted int
}

// NewActivity is what `发布活动` supplies.
type NewActivity struct {
	EnvoyID     int64
	Title       string
	Category    string
	ServiceType string
	StartsAt    time.Time
	EndsAt      time.Time
	Place       string
	Community   string
	Quota       int
	Publish
}

// Publish is what a publish (发布活动, 发布讲座) carries beside its
// fields: where it came from and the daily cap it is made under.
type Publish struct {
	// OriginKey is the dedup key of the chat message that publishes
	// (bot.MessageKey); empty when none. A second create with the same key
	// returns the row the first made.
	OriginKey string
	// CapPerDay, when positive, is how many activities and lectures
	// together the envoy may create from DayStart on (rules.publish_per_day
	// from midnight in the campaign's time zone); counted in the creating
	// transaction.
	CapPerDay int
	DayStart  time.Time
}

// ActivityService keeps activities.
type ActivityService interface {
	// CreateActivity stores the activity with the next short code (A1, ...)
	// and creates its community when new. When an activity of the envoy
	// has the OriginKey, it is returned and nothing is created (whatever
	// the cap); otherwise, when the envoy already created CapPerDay
	// activities and lectures since DayStart, it is EFORBIDDEN
	// MsgPublishCap.
	CreateActivity(ctx context.Context, a NewActivity, at time.Time) (*Activity, error)
	// FindActivityByCode returns ENOTFOUND for an unknown code
	// (case-insensitive), with sign-up counts filled in.
	FindActivityByCode(ctx context.Context, code string) (*Activity, error)
	// ListOpenActivities returns open activities starting after from,
	// soonest first; category (a line name) and community filter when set.
	ListOpenActivities(ctx context.Context, from time.Time, category, community string, limit int) ([]*Activity, error)
	// SetActivityVenue sets the venue coordinates and check-in radius.
	SetActivityVenue(ctx context.Context, code string, lat, lng float64, radiusM int) error
	// SetActivityQR keeps the check-in QR code URL.
	SetActivityQR(ctx context.Context, code, url string) error
	// MarkActivityHeld records the envoy's 活动签到: status held, held at
	// (kept from the first call), and the evidence photo when not empty.
	MarkActivityHeld(ctx context.Context, code string, at time.Time, photoMediaID string) (*Activity, error)
}

// Sign-up statuses.
const (
	SignupSeated     = "seated"
	SignupWaitlisted = "waitlisted"
	SignupCancelled  = "cancelled"
)

// MaxCompanions is how many people one sign-up may bring along.
const MaxCompanions = 9

// Sign-up sources.
const (
	SourceChat   = "chat"
	SourceImport = "import"
)

// Participant is what a sign-up and an attendance share: one volunteer
// at one activity. ID is the sign-up's or the attendance's own.
type Participant struct {
	ID           int64
	ActivityID   int64
	ActivityCode string
	UserID       int64
	OpenID       string
	Name         string
}

// Signup is one volunteer's place on one activity.
type Signup struct {
	Participant
	Phone  string
	Status string
	// Position is the 1-based place on the wait-list; 0 when seated.
	Position int
	// Companions are the people the volunteer brings (报名 A12 带2人):
	// they hold seats with the volunteer, and wait with them.
	Companions int
	Source     string
	CreatedAt  time.Time
	// Activity is filled by ListUserSignups.
	Activity *Activity
}

// SignupService seats and wait-lists volunteers.
type SignupService interface {
	// SignUp seats the user while seats are left, else wait-lists in
	// arrival order, atomically under concurrency. created is false when the
	// user already holds a seat or a wait-list place (returned unchanged); a
	// cancelled sign-up is renewed at the end of the queue. An unknown
	// activity is ENOTFOUND; one not open is EINVALID.
	SignUp(ctx context.Context, activityCode string, userID int64, source string, at time.Time) (s *Signup, created bool, err error)
	// SignUpGroup is SignUp for the volunteer and companions more people
	// (0–MaxCompanions), who take 1+companions seats together or wait
	// together. A repeat with another number of companions while the
	// sign-up is live changes nothing (created false): the volunteer
	// cancels and signs up again.
	SignUpGroup(ctx context.Context, activityCode string, userID int64, companions int, source string, at time.Time) (s *Signup, created bool, err error)
	// CancelSignup cancels the user's sign-up (ENOTFOUND MsgNotSignedUp when
	// there is none); when it freed a seat, the first wait-listed volunteer
	// is seated and returned in promoted (empty when nobody waits); a
	// group that frees several seats seats more, in queue order, while
	// the next in the queue fits.
	CancelSignup(ctx context.Context, activityCode string, userID int64, at time.Time) (cancelled *Signup, promoted []*Signup, err error)
	// ListUserSignups returns the user's seated and wait-listed sign-ups for
	// activities ending after from and not cancelled, soonest first, with
	// Activity filled.
	ListUserSignups(ctx context.Context, userID int64, from time.Time) ([]*Signup, error)
	// ListActivitySignups returns the activity's seated then wait-listed
	// sign-ups in order.
	ListActivitySignups(ctx context.Context, activityCode string) ([]*Signup, error)
	// FindUserSignup returns the user's seated or wait-listed sign-up for
	// the activity, whatever the activity's status; ENOTFOUND when there is
	// none.
	FindUserSignup(ctx context.Context, activityCode string, userID int64) (*Signup, error)
}

// Position is a reported location.
type Position struct {
	Lat, Lng float64
}

// Attendance is a volunteer's presence at an activity.
type Attendance struct {
	Participant
	CheckInAt   time.Time
	CheckInPos  *Position
	CheckOutAt  time.Time // zero until checked out
	CheckOutPos *Position
	// FarAway flags a check-in or check-out reported outside the venue
	// radius: accepted, but shown to the envoy.
	FarAway bool
	// ComputedMinutes is set at check-out; -1 before.
	ComputedMinutes int
	// ConfirmedMinutes is set by 确认时长; -1 before.
	ConfirmedMinutes int
	ConfirmedBy      int64
	ConfirmedAt      time.Time
	// Corrected: the confirmed minutes are an admin's correction on the
	// dashboard, which a later 确认时长 never overwrites.
	Corrected bool
}

// HoursChange is one confirmed-hours change, written to the append-only
// audit log.
type HoursChange struct {
	AttendanceID int64
	Minutes      int
	// Correction marks a correction by hand (the dashboard): it replaces
	// anything and stays. A change without it (确认时长, the computed
	// minutes) leaves a corrected attendance as it is.
	Correction bool
}

// LineHours is a volunteer's confirmed service by activity line.
type LineHours struct {
	Category   string
	Minutes    int
	Activities int
}

// AttendanceService records check-ins and service hours.
type AttendanceService interface {
	// CheckIn records the first check-in (a second one returns the record
	// unchanged with first=false). farAway flags a position outside the
	// venue radius.
	CheckIn(ctx context.Context, activityCode string, userID int64, at time.Time, pos *Position, farAway bool) (a *Attendance, first bool, err error)
	// CheckOut records the check-out and the computed minutes; without a
	// check-in it is ENOTFOUND MsgNotCheckedIn. A later check-out replaces
	// an earlier one.
	CheckOut(ctx context.Context, activityCode string, userID int64, at time.Time, pos *Position, farAway bool, computedMinutes int) (*Attendance, error)
	// ListAttendance returns the activity's attendance in check-in order.
	ListAttendance(ctx context.Context, activityCode string) ([]*Attendance, error)
	// ConfirmHours sets confirmed minutes, writing one audit row per change
	// with actor, time and reason, in one transaction; it returns how many
	// records changed. Before the activity's end (at) it is EINVALID
	// MsgNotEnded; a change that is no Correction skips a corrected
	// attendance.
	ConfirmHours(ctx context.Context, activityCode string, actorID int64, changes []HoursChange, reason string, at time.Time) (int, error)
	// UserHours returns the user's confirmed service by activity line.
	UserHours(ctx context.Context, userID int64) ([]LineHours, error)
}

// Lecture is a one-off or recurring lecture (讲座).
type Lecture struct {
	ID          int64
	Code        string // L3
	Title       string
	Community   string
	EnvoyID     int64
	EnvoyOpenID string
	Place       string
	// Recurrence is the rule of a recurring lecture, zero for a one-off.
	Recurrence    Recurrence
	FirstStartsAt time.Time
	CancelledAt   time.Time
	CreatedAt     time.Time
}

// LectureOccurrence is one session of a lecture.
type LectureOccurrence struct {
	Lecture  *Lecture
	StartsAt time.Time
}

// NewLecture is what `发布讲座` supplies; Occurrences are the first
// sessions (at least one).
type NewLecture struct {
	EnvoyID     int64
	Title       string
	Community   string
	Place       string
	Recurrence  Recurrence
	Occurrences []time.Time
	Publish
}

// LectureService keeps lectures and who wants their notices.
type LectureService interface {
	// CreateLecture stores the lecture and its occurrences with the next
	// short code (L1, ...); OriginKey and the cap as in CreateActivity.
	CreateLecture(ctx context.Context, l NewLecture, at time.Time) (*Lecture, error)
	// FindLectureByCode returns ENOTFOUND for an unknown code.
	FindLectureByCode(ctx context.Context, code string) (*Lecture, error)
	// ListUpcomingLectures returns occurrences of lectures not cancelled,
	// starting after from, soonest first; community filters when set.
	ListUpcomingLectures(ctx context.Context, community string, from time.Time, limit int) ([]*LectureOccurrence, error)
	// CancelLecture cancels the whole series and its future occurrences.
	CancelLecture(ctx context.Context, code string, at time.Time) (*Lecture, error)
	// Subscribe turns on lecture notices of a known community (ENOTFOUND
	// MsgUnknownCommunity otherwise) for the user; created is false when
	// already on.
	Subscribe(ctx context.Context, userID int64, community string, at time.Time) (created bool, err error)
	// Unsubscribe turns notices off for one community, or all when
	// community is empty; it returns how many were on.
	Unsubscribe(ctx context.Context, userID int64, community string, at time.Time) (int, error)
	// ListSubscriptions returns the communities whose notices the user gets.
	ListSubscriptions(ctx context.Context, userID int64) ([]string, error)
}

// Progress is an envoy's standing against the campaign targets.
type Progress struct {
	ContactPoints []*ContactPoint
	Teams         []*Team
	Brands        []*Brand
	// ActivitiesByLine counts the envoy's activities (not cancelled) by line.
	ActivitiesByLine map[string]int
	// HeldActivities counts those the envoy checked in (活动签到).
	HeldActivities int
	// ConfirmedMinutes sums confirmed service on the envoy's activities.
	ConfirmedMinutes int
	// Volunteers counts distinct volunteers with attendance.
	Volunteers int
}

// ProfileService holds user operations beyond registration.
type ProfileService interface {
	// AnonymiseUser blanks name and mobile for good (注销) and stops all
	// notices; sign-ups, attendance and hours stay, under the user's id.
	AnonymiseUser(ctx context.Context, userID int64, at time.Time) (*User, error)
	// ForgetUser is AnonymiseUser and, in the same transaction, every copy
	// of the name, mobile and location the database keeps elsewhere:
	// stored replies, the invite's name, unrecognised messages naming the
	// user, unsent notices, check-in positions; any envoy or admin role is
	// dropped. It returns what the caller must clear from the cache.
	ForgetUser(ctx context.Context, userID int64, at time.Time) (*Forgotten, error)
	// FindVolunteersByName returns registered users of that exact name in
	// the community (any community when empty).
	FindVolunteersByName(ctx context.Context, name, community string) ([]*User, error)
	// FindUserByPhone returns ENOTFOUND when nobody registered the mobile.
	FindUserByPhone(ctx context.Context, phone string) (*User, error)
	// FindCommunityVolunteerByPhone returns the registered user of that
	// community with the mobile; ENOTFOUND when nobody there has it, however
	// many elsewhere do, so that an envoy's import cannot reach beyond the
	// activity's community (nor an empty community match anyone).
	FindCommunityVolunteerByPhone(ctx context.Context, community, phone string) (*User, error)
	// EnvoyProgress gathers the envoy's standing.
	EnvoyProgress(ctx context.Context, envoyID int64) (*Progress, error)
}

// CampaignStore is everything the chat commands need. Methods acting for
// a user (userID, envoyID, actorID) take the user's id, which the router
// resolved once from the sender's OpenID (UserService.TouchUser); an id
// that names no user is ENOTFOUND, and nothing is created on the fly.
type CampaignStore interface {
	InviteService
	EnvoyService
	ActivityService
	SignupService
	AttendanceService
	LectureService
	ProfileService
	ActivityChangeService
	PublishCounter
}

// Met tells whether the progress meets the campaign target with key
// (configs/campaign.yaml): contact_point, team (a team with members),
// brand. known is false for a target this version cannot measure.
func (p *Progress) Met(key string) (met, known bool) {
	switch key {
	case "contact_point":
		return len(p.ContactPoints) > 0, true
	case "team":
		for _, t := range p.Teams {
			if t.Members > 0 {
				return true, true
			}
		}
		return false, true
	case "brand":
		return len(p.Brands) > 0, true
	}
	return false, false
}

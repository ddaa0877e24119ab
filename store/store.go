// Package store holds envoybot's domain types and the interfaces that the
// persistence backends implement. It imports no adapter: store/sqlstore
// implements Store on SQLite and PostgreSQL, store/redis and store/memory
// implement Cache.
package store

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"time"
)

// Role is what a WeChat user may do in chat.
type Role string

// Roles, from least to most privileged. A follower starts as a resident,
// becomes a volunteer by registering, and an envoy or admin by binding an
// invite code.
const (
	RoleResident  Role = "resident"
	RoleVolunteer Role = "volunteer"
	RoleEnvoy     Role = "envoy"
	RoleAdmin     Role = "admin"
)

// Valid reports whether r is one of the known roles.
func (r Role) Valid() bool {
	switch r {
	case RoleResident, RoleVolunteer, RoleEnvoy, RoleAdmin:
		return true
	}
	return false
}

// User is one WeChat follower of the account, identified by OpenID.
type User struct {
	ID        int64
	OpenID    string
	Role      Role
	Name      string // real name, empty until registered
	Phone     string // mobile, empty until registered
	Community string // community name, empty until registered
	// EnvoyLevel is 省 or 市 and EnvoyKind 和谐使者 or 敬老使者, for envoys.
	EnvoyLevel string
	EnvoyKind  string
	Following  bool
	// LastInteractionAt is when the user last wrote to or clicked in the
	// account: customer-service messages are allowed for 48 hours after it.
	LastInteractionAt time.Time
	// LastLat and LastLng are the last reported position (LOCATION event or a
	// location message); LastLocationAt is zero when none is known.
	LastLat        float64
	LastLng        float64
	LastLocationAt time.Time
	// AnonymisedAt is when the user deleted their data (注销): name and
	// mobile are gone for good; zero otherwise.
	AnonymisedAt time.Time
	CreatedAt    time.Time
	UpdatedAt    time.Time
	// The real-name profile (实名, issue 14): the ID type and the number
	// masked (never whole), gender and birth year, when the user agreed
	// to give them (IDConsentAt) and gave them (RealNameAt); zero values
	// until then, and again after 注销.
	IDType      string
	IDMasked    string
	Gender      string
	BirthYear   int
	IDConsentAt time.Time
	RealNameAt  time.Time
}

// HasRealName reports whether the user gave an ID number.
func (u *User) HasRealName() bool { return u.IDMasked != "" }

// Registration is what `注册 姓名 手机号 社区` supplies.
type Registration struct {
	OpenID    string
	Name      string
	Phone     string
	Community string
}

// Registered reports whether the user has given a name, mobile and community.
func (u *User) Registered() bool {
	return u.Name != "" && u.Phone != "" && u.Community != ""
}

// UserService keeps WeChat users and their profiles.
type UserService interface {
	// TouchUser creates the user as a resident when unknown and records the
	// interaction time, to the minute (TouchGrain): a user who wrote less
	// than that ago is read, not written. It returns the current user.
	TouchUser(ctx context.Context, openID string, at time.Time) (*User, error)
	// FindUserByOpenID returns ENOTFOUND when the user is unknown.
	FindUserByOpenID(ctx context.Context, openID string) (*User, error)
	// RegisterVolunteer creates or updates the volunteer profile (a second
	// registration updates, never duplicates). The community must be known
	// (ENOTFOUND MsgUnknownCommunity otherwise). A resident becomes a
	// volunteer; envoys and admins keep their role. created is true the
	// first time a profile is filled in. A mobile another live user holds
	// is refused (ECONFLICT MsgPhoneTaken), also when both register it at
	// the same instant.
	RegisterVolunteer(ctx context.Context, reg Registration, at time.Time) (u *User, created bool, err error)
	// SetFollowing records a subscribe (true) or unsubscribe (false) event.
	SetFollowing(ctx context.Context, openID string, following bool, at time.Time) error
	// SetLastLocation keeps the user's last reported position.
	SetLastLocation(ctx context.Context, openID string, lat, lng float64, at time.Time) error
}

// Community is a city or rural community (城乡社区).
type Community struct {
	ID        int64
	Name      string
	CreatedAt time.Time
}

// MsgUnknownCommunity is the message of the ENOTFOUND a volunteer's or
// resident's community gets when it is not on the known list: their
// messages never create a community.
const MsgUnknownCommunity = "unknown community"

// MsgPhoneTaken is the message of the ECONFLICT a registration gets when
// another live (not anonymised) user holds the mobile.
const MsgPhoneTaken = "phone taken"

// CommunityStats is a community with what refers to it, for the
// dashboard.
type CommunityStats struct {
	Community
	// Volunteers are the registered users living there; Subscribers the
	// users whose lecture notices for it are on.
	Volunteers, Subscribers      int
	Activities, Lectures         int
	ContactPoints, Teams, Brands int
}

// CommunityMerge is what merging one community into another moved: rows
// per table, and the brand of the merged community dropped because the
// community it went into had one (a community has one brand).
type CommunityMerge struct {
	From, Into   string
	Moved        map[string]int
	DroppedBrand string
}

// CommunityService keeps the known list of communities: the campaign's,
// those envoys' contact points add, those admins add.
type CommunityService interface {
	// ListCommunities returns every community ordered by name.
	ListCommunities(ctx context.Context) ([]*Community, error)
	// AddCommunities adds the named communities that are missing (the
	// configured list, on every start) and returns how many it added.
	AddCommunities(ctx context.Context, names []string, at time.Time) (int, error)
	// CreateCommunity adds one community, its name cleaned
	// (CleanCommunityName): EINVALID for an empty or too long name,
	// ECONFLICT when a community has the name or the same CommunityKey.
	CreateCommunity(ctx context.Context, name string, at time.Time) (*Community, error)
	// RenameCommunity renames it: ENOTFOUND for an unknown id, then as
	// CreateCommunity.
	RenameCommunity(ctx context.Context, id int64, name string) (*Community, error)
	// MergeCommunities moves every reference to community from (users,
	// subscriptions, activities, lectures, contact points, teams, brands)
	// to into and deletes from, in one transaction. ENOTFOUND for an
	// unknown id, EINVALID when both are one.
	MergeCommunities(ctx context.Context, from, into int64) (*CommunityMerge, error)
	// ListCommunityStats returns every community with its counts, ordered
	// by name.
	ListCommunityStats(ctx context.Context) ([]*CommunityStats, error)
}

// ProcessedMessage records that an inbound WeChat message or event was
// handled, with the reply it got, so that a retry never repeats effects even
// after the cache forgot it.
type ProcessedMessage struct {
	DedupKey string
	OpenID   string
	Reply    string
	At       time.Time
}

// MessageLog records processed inbound messages.
type MessageLog interface {
	// RecordProcessed stores the message and drops it from the inbox
	// (MessageInbox); a second record of the same key is a no-op that
	// returns ECONFLICT.
	RecordProcessed(ctx context.Context, m ProcessedMessage) error
	// FindProcessed returns ENOTFOUND when the key was never recorded.
	FindProcessed(ctx context.Context, dedupKey string) (*ProcessedMessage, error)
	// BeginMessage returns ctx carrying m's unit of work (MessageUnit): the
	// store's writes in that context are the message's.
	BeginMessage(ctx context.Context, m ProcessedMessage) (context.Context, MessageUnit)
}

// MessageUnit is the one transaction in which a handler's writes for one
// chat message commit, together with the message's processed record: the
// first write opens it with the record as its first statement (so that of
// two attempts at one message only one writes), later writes and reads in
// the message's context run in it, and Commit stores the reply and
// commits. A message that writes nothing opens nothing and commits
// nothing.
type MessageUnit interface {
	// Commit stores reply as the message's, drops its inbox copy and
	// commits; wrote is false when the message wrote nothing (there was
	// nothing to commit, and no record). kept says the message is in the
	// inbox. After Commit, the context's writes are on their own again.
	Commit(ctx context.Context, reply string, kept bool) (wrote bool, err error)
	// Rollback undoes what the message wrote; after Commit it does nothing.
	Rollback()
	// Found is the record of another attempt at the message, found by the
	// first write (which then failed with EPROCESSED), or nil.
	Found() *ProcessedMessage
}

// Retention of the durable record of processed messages: a stored reply
// only as long as WeChat retries a message (seconds; minutes to spare),
// then only the fact that the message was processed, itself forgotten
// after a week, long after any retry could come.
const (
	ProcessedReplyRetention = 5 * time.Minute
	ProcessedFactRetention  = 7 * 24 * time.Hour
)

// MessageRetention forgets what the record of processed messages need not
// keep.
type MessageRetention interface {
	// PruneProcessed clears the replies of messages processed before
	// repliesBefore, keeping that they were processed, and deletes the
	// messages processed before factsBefore, and inbox messages received
	// before factsBefore (never taken in time); it returns how many replies
	// were cleared and how many messages deleted.
	PruneProcessed(ctx context.Context, repliesBefore, factsBefore time.Time) (cleared, deleted int64, err error)
}

// Store is the whole persistence layer as one backend provides it.
type Store interface {
	UserService
	CommunityService
	MessageLog
	MessageInbox
	MessageRetention
	CampaignStore
	OutboxService
	OutboxBatches
	OutboxMonitor
	JobService
	ScheduleQueries
	DashboardQueries
	UnrecognisedService
	IdentityService
	RecordService
	CertificateService
	HelpRequestService
	PointsService
	SubscriptionService
	SignupConfirmations
	BroadcastQueries
	PhotoService
	// Ping reports whether the backend is reachable.
	Ping(ctx context.Context) error
	// Close releases the backend's resources.
	Close() error
}

// Cache is a small shared key-value store with expiry: in-process for one
// replica, Redis for several. It backs message dedup, nonce replay checks,
// locks and the WeChat access token.
type Cache interface {
	// SetNX stores value under key when the key is absent and reports
	// whether it did.
	SetNX(ctx context.Context, key, value string, ttl time.Duration) (bool, error)
	// Get returns the value and true, or "" and false when absent.
	Get(ctx context.Context, key string) (string, bool, error)
	// Set stores value under key, replacing any value.
	Set(ctx context.Context, key, value string, ttl time.Duration) error
	// Delete removes key; a missing key is not an error.
	Delete(ctx context.Context, key string) error
	// DeleteIfEquals removes key only while it still holds value (a lock
	// release that cannot free another holder's lock).
	DeleteIfEquals(ctx context.Context, key, value string) (bool, error)
	// ExpireIfEquals gives key a new ttl only while it still holds value,
	// and reports whether it did (a lease renewal that cannot extend a
	// lease another holder took over).
	ExpireIfEquals(ctx context.Context, key, value string, ttl time.Duration) (bool, error)
	// Incr adds one to the counter at key, creating it at 1 with ttl when
	// absent, and returns the new value (rate limits shared by replicas).
	Incr(ctx context.Context, key string, ttl time.Duration) (int64, error)
	// IncrBy adds n (at least 1) to the counter at key as Incr adds one,
	// and returns the new value: many units of a shared limit taken in one
	// round trip.
	IncrBy(ctx context.Context, key string, n int64, ttl time.Duration) (int64, error)

	// Admit runs a chat message's admission (Admission) at once: on
	// Redis, one round trip.
	Admit(ctx context.Context, a Admission) (Admitted, error)
	// Ping reports whether the cache is reachable.
	Ping(ctx context.Context) error
	// Close releases the cache's resources.
	Close() error
}

// AdminLinkKey is the cache key under which a one-time dashboard login
// token sent in chat names the admin's OpenID: the chat writes it, the
// dashboard consumes it once. The key holds the token's SHA-256, never the
// token: whoever reads the cache cannot log in with what they read.
func AdminLinkKey(token string) string {
	sum := sha256.Sum256([]byte(token))
	return "admin:link:" + hex.EncodeToString(sum[:])
}

// AdminLinksKey is the cache key under which the chat keeps the
// AdminLinkKey of each login link it sent the admin with openID in the
// last minutes, as long as the newest link lives, so that 注销 deletes
// the links not used yet.
func AdminLinksKey(openID string) string { return "admin:links:" + openID }

// AdminLinkPath is the dashboard path a chat login link opens (?t=TOKEN).
const AdminLinkPath = "/admin/login/link"

// TouchGrain is how finely interaction times are kept: the 48-hour window
// for customer-service messages needs no more, and a chat message from
// someone who wrote a moment ago then costs a read instead of a write.
const TouchGrain = time.Minute

// RecentlyTouched reports whether u's recorded interaction is within
// TouchGrain before at, so that TouchUser need not write.
func RecentlyTouched(u *User, at time.Time) bool {
	d := at.Sub(u.LastInteractionAt)
	return !u.LastInteractionAt.IsZero() && d >= 0 && d < TouchGrain
}

package store

import (
	"context"
	"time"
)

// Notice statuses in the outbox.
const (
	NoticePending       = "pending"
	NoticeSending       = "sending" // claimed by a dispatcher
	NoticeSent          = "sent"
	NoticeFailed        = "failed"        // gave up after retries
	NoticeUndeliverable = "undeliverable" // no channel could reach the person
)

// Channels a notice goes out by.
const (
	ChannelCustomer  = "customer"  // customer-service message, within 48 h of the user's last interaction
	ChannelTemplate  = "template"  // template message, any time, when the kind has a template
	ChannelSubscribe = "subscribe" // subscription notice (订阅通知), to users who accepted its template
)

// NewNotice is a notice to write to the outbox. Key makes it unique: the
// same notice for the same person is written once, however often the job
// that makes it runs.
type NewNotice struct {
	Key     string // e.g. lecture_notice|L3|2026-12-05T09:30|openid|24h
	Kind    string // lecture_notice, activity_reminder, deadline_reminder, ...
	Subject string // what it is about: L3, A12, a target key, a week
	OpenID  string
	Text    string            // the customer-service text
	Fields  map[string]string // values for the kind's template message
	// NotBefore delays the first attempt; zero means at once.
	NotBefore time.Time
}

// Notice is an outbox row as a dispatcher claims it, with what it needs to
// choose a channel.
type Notice struct {
	ID            int64
	Key           string
	Kind          string
	Subject       string
	OpenID        string
	Text          string
	Fields        map[string]string
	Status        string
	Attempts      int
	NextAttemptAt time.Time
	Channel       string
	LastError     string
	CreatedAt     time.Time
	SentAt        time.Time
	// The recipient at claim time: unfollowed or anonymised users get
	// nothing; customer-service messages need a recent interaction.
	Following         bool
	Anonymised        bool
	LastInteractionAt time.Time
	// CustomerSent is how many customer-service messages went to the
	// recipient since LastInteractionAt (their budget, issue 13).
	CustomerSent int
}

// NoticeMerged is the error (the reason) of a notice sent as part of
// another notice's customer-service message to the same person: it does
// not count against the recipient's customer-service budget.
const NoticeMerged = "merged"

// NoticeOutcome is the result of one delivery attempt.
type NoticeOutcome struct {
	// Status is NoticeSent, NoticeFailed, NoticeUndeliverable, or
	// NoticePending to try again at NextAttemptAt.
	Status        string
	Channel       string
	Error         string
	NextAttemptAt time.Time
}

// NoticeOutcomeFor is the outcome of the attempt on one claimed notice,
// for CompleteNotices.
type NoticeOutcomeFor struct {
	ID      int64
	Outcome NoticeOutcome
}

// LectureSessionSubject is the outbox subject of the notices of one
// lecture session: the code and the start in UTC, so that a cancellation
// reaches exactly those told of a session still to come.
func LectureSessionSubject(code string, start time.Time) string {
	return code + "@" + start.UTC().Format(time.RFC3339)
}

// OutboxService is the durable outbox every notice goes through.
type OutboxService interface {
	// EnqueueNotices writes the notices in one transaction, skipping keys
	// already present, and returns how many were new.
	EnqueueNotices(ctx context.Context, ns []NewNotice, at time.Time) (int, error)
	// ClaimNotices leases up to limit due notices to replica until
	// at+lease, oldest first: pending ones whose next attempt is due, and
	// claimed ones whose lease ran out (their replica died). Concurrent
	// claimers never get the same notice.
	ClaimNotices(ctx context.Context, replica string, at time.Time, limit int, lease time.Duration) ([]*Notice, error)
	// CompleteNotice records an attempt (outbox_attempts) and its outcome.
	// Only the replica holding the lease may complete it: otherwise
	// ECONFLICT and nothing changes.
	CompleteNotice(ctx context.Context, id int64, replica string, o NoticeOutcome, at time.Time) error
	// DropPendingNotices marks pending (not yet claimed) notices of kind
	// and subject undeliverable with reason, e.g. a cancelled lecture.
	DropPendingNotices(ctx context.Context, kind, subject, reason string, at time.Time) (int, error)
	// DropPendingNoticesTo marks pending notices of kind to one recipient
	// undeliverable with reason, e.g. after they unsubscribed.
	DropPendingNoticesTo(ctx context.Context, kind, openID, reason string, at time.Time) (int, error)
	// NoticeRecipients returns who was sent, or is being sent, a notice of
	// kind and subject: those a correction (a cancellation) must reach.
	NoticeRecipients(ctx context.Context, kind, subject string) ([]string, error)
	// NoticeCounts counts notices by status, and undeliverable ones also
	// by reason under "undeliverable:<reason>".
	NoticeCounts(ctx context.Context) (map[string]int, error)
	// ListNotices returns notices of kind (all kinds when empty), newest
	// first, for operators and tests.
	ListNotices(ctx context.Context, kind string, limit int) ([]*Notice, error)
}

// OutboxBatches are the outbox's operations for a dispatcher sending
// hundreds of notices a second: it cannot afford a transaction (and a
// commit's flush) per notice, nor a claim that reads every notice sent so
// far.
type OutboxBatches interface {
	// ClaimNoticesAfter is ClaimNotices among the notices whose id is
	// above after: a dispatcher sweeping a large fan-out goes on from the
	// last notice it claimed instead of looking again at those before it,
	// sent or claimed by others, which on PostgreSQL stay in the claim's
	// index until VACUUM (a claim from the start read them all, so that
	// draining n notices cost n² / 2 index entries).
	ClaimNoticesAfter(ctx context.Context, replica string, after int64, at time.Time, limit int, lease time.Duration) ([]*Notice, error)
	// CompleteNotices records the attempts (outbox_attempts) and outcomes of
	// the notices in one transaction, each exactly as CompleteNotice would,
	// with at as the time of every attempt. Only the notices replica still
	// holds change (status sending, claimed by it, even after its lease ran
	// out as long as nobody took them over); the ids of the others (taken
	// over by another replica, completed already, or unknown) are returned
	// in the order given, and nothing of theirs is written. An invalid
	// outcome or an id given twice is EINVALID, and then nothing is written.
	CompleteNotices(ctx context.Context, replica string, outcomes []NoticeOutcomeFor, at time.Time) (notHeld []int64, err error)
}

// JobService makes each scheduled run happen once across replicas.
type JobService interface {
	// ClaimJobRun claims job's run for tick (the scheduled instant) for
	// replica, with a lease until at+lease. It is false when another
	// replica holds a live lease or the run finished; an unfinished run
	// whose lease ran out is taken over.
	ClaimJobRun(ctx context.Context, job string, tick time.Time, replica string, lease time.Duration, at time.Time) (bool, error)
	// FinishJobRun marks the run finished, with errText when it failed.
	FinishJobRun(ctx context.Context, job string, tick time.Time, replica, errText string, at time.Time) error
}

// Summary is the campaign's activity over a period, for the weekly report.
type Summary struct {
	Activities       int            // activities starting in the period (not cancelled)
	ActivitiesByLine map[string]int // by category
	HeldActivities   int            // of those, held (活动签到)
	Signups          int            // seated sign-ups for them
	Attended         int            // attendance records with a check-in
	ConfirmedMinutes int            // confirmed service on them
	NewVolunteers    int            // profiles first registered in the period
}

// ScheduleQueries are what the scheduled jobs read.
type ScheduleQueries interface {
	// ListUsersByRole returns users with the role, not anonymised.
	ListUsersByRole(ctx context.Context, role Role) ([]*User, error)
	// ListRecurringLectures returns lectures with a recurrence, not cancelled.
	ListRecurringLectures(ctx context.Context) ([]*Lecture, error)
	// AddLectureOccurrences adds sessions to a lecture, skipping those it
	// has; it returns how many were new.
	AddLectureOccurrences(ctx context.Context, code string, starts []time.Time) (int, error)
	// ListOccurrencesBetween returns sessions starting in [from, to) of
	// lectures not cancelled, soonest first.
	ListOccurrencesBetween(ctx context.Context, from, to time.Time) ([]*LectureOccurrence, error)
	// ListSubscribers returns who gets the community's lecture notices:
	// active subscription, following, not anonymised.
	ListSubscribers(ctx context.Context, community string) ([]*User, error)
	// ListSubscriberOpenIDs returns the OpenIDs of ListSubscribers, in the
	// same order, without the rest of each user: all a fan-out to 100,000
	// subscribers needs.
	ListSubscriberOpenIDs(ctx context.Context, community string) ([]string, error)
	// ListActivitiesStartingBetween returns activities (not cancelled)
	// starting in [from, to), soonest first.
	ListActivitiesStartingBetween(ctx context.Context, from, to time.Time) ([]*Activity, error)
	// ListActivitiesEndingBetween returns activities (not cancelled)
	// ending in [from, to), soonest first.
	ListActivitiesEndingBetween(ctx context.Context, from, to time.Time) ([]*Activity, error)
	// SummaryBetween sums the campaign's activity in [from, to).
	SummaryBetween(ctx context.Context, from, to time.Time) (*Summary, error)
}

package store

import (
	"context"
	"strings"
	"time"
	"unicode/utf8"
)

// Envoys change their mind: an activity is called off or moved, its place
// or quota changed, one session of a lecture cancelled. Sign-ups stay as
// records; the volunteers are told through the outbox.

// Messages of the domain errors of these changes (Error.Message), which
// handlers tell apart.
const (
	MsgActivityCancelled = "activity cancelled"
	MsgActivityEnded     = "activity ended"
	MsgActivityStarted   = "activity started"
	MsgStartPast         = "start not in the future"
	MsgEndBeforeStart    = "end not after start"
	MsgNothingToChange   = "nothing to change"
	MsgPlaceTooLong      = "place too long"
	MsgNoSession         = "no session that day"
	MsgSessionPast       = "session already begun"
	MsgLectureCancelled  = "lecture cancelled"
)

// MaxPlaceRunes bounds a place typed in chat.
const MaxPlaceRunes = 60

// MaxCancelReasonRunes bounds the reason of a cancellation, which every
// signed-up volunteer is sent.
const MaxCancelReasonRunes = 100

// ValidateCancelReason trims the reason of a cancellation (which may be
// empty) and rejects one longer than MaxCancelReasonRunes.
func ValidateCancelReason(reason string) (string, error) {
	reason = strings.TrimSpace(reason)
	if utf8.RuneCountInString(reason) > MaxCancelReasonRunes {
		return "", Errorf(EINVALID, "cancellation reason longer than %d characters", MaxCancelReasonRunes)
	}
	return reason, nil
}

// ActivityChange is what `修改活动` changes; nil fields stay as they are.
// A new start without an end keeps the activity's duration.
type ActivityChange struct {
	Start, End *time.Time
	Place      *string
	Quota      *int // 0: no limit
}

// Validate trims the place and checks the change on its own: something
// changes, a place is not empty and at most MaxPlaceRunes, a quota is not
// negative, an end given with a start comes after it.
func (c *ActivityChange) Validate() error {
	if c.Place != nil {
		p := strings.TrimSpace(*c.Place)
		c.Place = &p
	}
	switch {
	case c.Start == nil && c.End == nil && c.Place == nil && c.Quota == nil:
		return Errorf(EINVALID, MsgNothingToChange)
	case (c.Start != nil && c.Start.IsZero()) || (c.End != nil && c.End.IsZero()):
		return Errorf(EINVALID, "a changed time must not be zero")
	case c.Start != nil && c.End != nil && !c.End.After(*c.Start):
		return Errorf(EINVALID, MsgEndBeforeStart)
	case c.Place != nil && *c.Place == "":
		return Errorf(EINVALID, "place must not be empty")
	case c.Place != nil && utf8.RuneCountInString(*c.Place) > MaxPlaceRunes:
		return Errorf(EINVALID, MsgPlaceTooLong)
	case c.Quota != nil && *c.Quota < 0:
		return Errorf(EINVALID, "quota must not be negative")
	}
	return nil
}

// Apply returns the activity a as the change leaves it, seen at at: an
// activity cancelled, held or already begun cannot change (EINVALID
// MsgActivityCancelled, MsgActivityStarted), a new start must be after at
// (MsgStartPast) and the end after the start (MsgEndBeforeStart). changed
// is false when every value given equals the current one.
func (c ActivityChange) Apply(a *Activity, at time.Time) (after *Activity, changed bool, err error) {
	switch {
	case a.Status == ActivityCancelled:
		return nil, false, Errorf(EINVALID, MsgActivityCancelled)
	case a.Status == ActivityHeld || !at.Before(a.StartsAt):
		return nil, false, Errorf(EINVALID, MsgActivityStarted)
	}
	next := *a
	if c.Start != nil {
		next.StartsAt = *c.Start
		next.EndsAt = c.Start.Add(a.EndsAt.Sub(a.StartsAt))
	}
	if c.End != nil {
		next.EndsAt = *c.End
	}
	if c.Place != nil {
		next.Place = *c.Place
	}
	if c.Quota != nil {
		next.Quota = *c.Quota
	}
	switch {
	case !next.StartsAt.After(at):
		return nil, false, Errorf(EINVALID, MsgStartPast)
	case !next.EndsAt.After(next.StartsAt):
		return nil, false, Errorf(EINVALID, MsgEndBeforeStart)
	}
	changed = !next.StartsAt.Equal(a.StartsAt) || !next.EndsAt.Equal(a.EndsAt) ||
		next.Place != a.Place || next.Quota != a.Quota
	return &next, changed, nil
}

// ActivityModification is what ModifyActivity did.
type ActivityModification struct {
	// Before and After are the activity before and after the change; when
	// nothing changed they are the same and Changed is false.
	Before, After *Activity
	Changed       bool
	// Promoted are the wait-listed volunteers a larger quota seated, in
	// queue order.
	Promoted []*Signup
	// Signups are the seated then the wait-listed after the change: the
	// people to tell.
	Signups []*Signup
	// OverQuota is how many more are seated than a smaller quota allows:
	// they keep their seats.
	OverQuota int
}

// SessionCancellation is what CancelLectureSession did.
type SessionCancellation struct {
	Lecture *Lecture
	// Starts are the sessions of the day, now cancelled.
	Starts []time.Time
	// Cancelled is false when they were all cancelled before.
	Cancelled bool
}

// ActivityChangeService lets envoys change their mind. Ownership (the
// activity's or lecture's envoy, or an admin) is checked by the caller,
// as for the other envoy commands.
type ActivityChangeService interface {
	// CancelActivity marks the activity cancelled by actorID with reason,
	// at at; its sign-ups stay as records. It returns the activity and
	// whether this call cancelled it (false: it already was). An activity
	// that ended or was held (活动签到) is EINVALID MsgActivityEnded; an
	// unknown code ENOTFOUND.
	CancelActivity(ctx context.Context, code string, actorID int64, reason string, at time.Time) (a *Activity, cancelled bool, err error)
	// ModifyActivity applies the change (ActivityChange.Validate, Apply)
	// under the activity's lock and counts its revision up when anything
	// changed. A larger quota seats the wait-listed in queue order; a
	// smaller one keeps everyone seated.
	ModifyActivity(ctx context.Context, code string, change ActivityChange, at time.Time) (*ActivityModification, error)
	// CancelLectureSession cancels the sessions of the lecture starting on
	// day (from day, a midnight in the campaign's time zone, to the next
	// one): expanded ones are marked cancelled, one of the rule's not yet
	// expanded is stored cancelled so the expansion skips it. No session
	// that day is ENOTFOUND MsgNoSession; a session begun by at EINVALID
	// MsgSessionPast; a cancelled series EINVALID MsgLectureCancelled.
	CancelLectureSession(ctx context.Context, code string, day time.Time, at time.Time) (*SessionCancellation, error)
}

package store

import (
	"slices"
	"strings"
	"time"
)

// The rules of what may be stored live here, with the types, so that every
// backend applies them the same way and callers can check input before a
// round trip. Each Validate trims the value's text in place and returns an
// EINVALID error naming the first problem.

// NormaliseCode is how short codes (A12, T3, L3, invite codes) are stored
// and looked up: trimmed and upper case, so that "a12 " finds A12.
func NormaliseCode(code string) string {
	return strings.ToUpper(strings.TrimSpace(code))
}

// requireText trims *s and returns EINVALID naming what when it is empty.
func requireText(s *string, what string) error {
	*s = strings.TrimSpace(*s)
	if *s == "" {
		return Errorf(EINVALID, "%s is required", what)
	}
	return nil
}

// ValidateOpenID rejects an empty OpenID, which would merge strangers.
func ValidateOpenID(openID string) error {
	if strings.TrimSpace(openID) == "" {
		return Errorf(EINVALID, "openid is required")
	}
	return nil
}

// Validate trims the registration and requires every field.
func (r *Registration) Validate() error {
	r.Name, r.Phone, r.Community = strings.TrimSpace(r.Name), strings.TrimSpace(r.Phone), strings.TrimSpace(r.Community)
	if err := ValidateOpenID(r.OpenID); err != nil {
		return err
	}
	if r.Name == "" || r.Phone == "" || r.Community == "" {
		return Errorf(EINVALID, "registration needs a name, a mobile and a community")
	}
	return checkFields(FieldValue{FieldName, r.Name})
}

// Validate trims the activity and checks its times and quota.
func (a *NewActivity) Validate() error {
	for _, f := range []struct {
		s    *string
		what string
	}{{&a.Title, "title"}, {&a.Category, "category"}, {&a.Community, "community"}} {
		if err := requireText(f.s, f.what); err != nil {
			return err
		}
	}
	a.ServiceType, a.Place = strings.TrimSpace(a.ServiceType), strings.TrimSpace(a.Place)
	switch {
	case a.StartsAt.IsZero() || a.EndsAt.IsZero():
		return Errorf(EINVALID, "activity needs a start and an end")
	case a.EndsAt.Before(a.StartsAt):
		return Errorf(EINVALID, "activity ends before it starts")
	case a.Quota < 0:
		return Errorf(EINVALID, "quota must not be negative")
	}
	if err := a.Publish.Validate(); err != nil {
		return err
	}
	return checkFields(FieldValue{FieldTitle, a.Title}, FieldValue{FieldPlace, a.Place})
}

// Validate trims the lecture and sorts its occurrences to the microsecond
// (the databases' precision), dropping duplicates; at least one is
// required.
func (l *NewLecture) Validate() error {
	if err := requireText(&l.Title, "title"); err != nil {
		return err
	}
	if err := requireText(&l.Community, "community"); err != nil {
		return err
	}
	l.Place = strings.TrimSpace(l.Place)
	if err := checkFields(FieldValue{FieldTitle, l.Title}, FieldValue{FieldPlace, l.Place}); err != nil {
		return err
	}
	if err := l.Recurrence.Validate(); err != nil {
		return err
	}
	if err := l.Publish.Validate(); err != nil {
		return err
	}
	occurrences, err := NormaliseOccurrences(l.Occurrences)
	if err != nil {
		return err
	}
	if len(occurrences) == 0 {
		return Errorf(EINVALID, "lecture needs at least one occurrence")
	}
	l.Occurrences = occurrences
	return nil
}

// NormaliseOccurrences returns the session times in UTC to the
// microsecond, sorted, without duplicates; a zero time is EINVALID.
func NormaliseOccurrences(starts []time.Time) ([]time.Time, error) {
	out := make([]time.Time, 0, len(starts))
	for _, t := range starts {
		if t.IsZero() {
			return nil, Errorf(EINVALID, "lecture occurrence without a time")
		}
		out = append(out, t.UTC().Truncate(time.Microsecond))
	}
	slices.SortFunc(out, time.Time.Compare)
	return slices.CompactFunc(out, time.Time.Equal), nil
}

// Validate trims the invite, upper-cases its code and checks role, level,
// kind and expiry.
func (inv *NewInvite) Validate() error {
	inv.Code = NormaliseCode(inv.Code)
	inv.Name = strings.TrimSpace(inv.Name)
	inv.CreatedByOpenID = strings.TrimSpace(inv.CreatedByOpenID)
	switch {
	case inv.Code == "":
		return Errorf(EINVALID, "invite code is required")
	case inv.Role != RoleEnvoy && inv.Role != RoleAdmin:
		return Errorf(EINVALID, "invite role must be envoy or admin, not %q", inv.Role)
	case inv.EnvoyLevel != "" && inv.EnvoyLevel != "省" && inv.EnvoyLevel != "市":
		return Errorf(EINVALID, "envoy level must be 省 or 市, not %q", inv.EnvoyLevel)
	case inv.EnvoyKind != "" && inv.EnvoyKind != "和谐使者" && inv.EnvoyKind != "敬老使者":
		return Errorf(EINVALID, "envoy kind must be 和谐使者 or 敬老使者, not %q", inv.EnvoyKind)
	case inv.ExpiresAt.IsZero():
		return Errorf(EINVALID, "invite needs an expiry time")
	}
	return nil
}

// SignupSource defaults an empty sign-up source to chat and rejects
// unknown ones.
func SignupSource(source string) (string, error) {
	switch source {
	case "":
		return SourceChat, nil
	case SourceChat, SourceImport:
		return source, nil
	}
	return "", Errorf(EINVALID, "unknown sign-up source %q", source)
}

// Validate checks one change of confirmed hours.
func (c HoursChange) Validate() error {
	if c.Minutes < 0 {
		return Errorf(EINVALID, "confirmed minutes must not be negative")
	}
	return nil
}

// ValidateMinutes rejects a negative computed duration.
func ValidateMinutes(minutes int) error {
	if minutes < 0 {
		return Errorf(EINVALID, "computed minutes must not be negative")
	}
	return nil
}

// Validate requires a key, a kind and a recipient.
func (n NewNotice) Validate() error {
	if strings.TrimSpace(n.Key) == "" || strings.TrimSpace(n.Kind) == "" || strings.TrimSpace(n.OpenID) == "" {
		return Errorf(EINVALID, "notice %q needs a key, a kind and a recipient", n.Key)
	}
	return nil
}

// ValidateClaim rejects a claim that could never be completed or never
// ends.
func ValidateClaim(replica string, limit int, lease time.Duration) error {
	switch {
	case strings.TrimSpace(replica) == "":
		return Errorf(EINVALID, "a claim needs a replica name")
	case limit <= 0:
		return Errorf(EINVALID, "a claim needs a positive limit")
	case lease <= 0:
		return Errorf(EINVALID, "a claim needs a positive lease")
	}
	return nil
}

// Validate accepts the statuses an attempt can end in.
func (o NoticeOutcome) Validate() error {
	switch o.Status {
	case NoticeSent, NoticeFailed, NoticeUndeliverable, NoticePending:
		return nil
	}
	return Errorf(EINVALID, "an attempt cannot end as %q", o.Status)
}

// ValidateOutcomes checks the outcomes of a CompleteNotices: each valid,
// no notice twice.
func ValidateOutcomes(outcomes []NoticeOutcomeFor) error {
	seen := make(map[int64]bool, len(outcomes))
	for _, o := range outcomes {
		if o.Outcome.Validate() != nil {
			return Errorf(EINVALID, "notice %d: an attempt cannot end as %q", o.ID, o.Outcome.Status)
		}
		if seen[o.ID] {
			return Errorf(EINVALID, "notice %d has two outcomes", o.ID)
		}
		seen[o.ID] = true
	}
	return nil
}

// ValidateJobRun rejects a run that names no job, instant or replica.
func ValidateJobRun(job string, tick time.Time, replica string) error {
	switch {
	case strings.TrimSpace(job) == "":
		return Errorf(EINVALID, "a job run needs a job name")
	case tick.IsZero():
		return Errorf(EINVALID, "a job run needs a tick")
	case strings.TrimSpace(replica) == "":
		return Errorf(EINVALID, "a job run needs a replica name")
	}
	return nil
}

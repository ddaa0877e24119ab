package store

import (
	"context"
	"strings"
	"time"
	"unicode/utf8"
)

// Issue 11 item 5/6 (part rules): lengths capped where text enters, the
// one rule of when hours may be confirmed, whose a community's brand is,
// and how many publishes an envoy may make a day.

// Field is a text field with its length cap in characters (runes). The
// caps keep one follower from storing pages of text in a name or a title
// that every list then shows.
type Field struct {
	Key string // names the field in errors and in the handlers' replies
	Max int
}

// The capped fields. Places share MaxPlaceRunes with 修改活动.
var (
	FieldName        = Field{"name", 20}               // a person's name (注册)
	FieldTeamName    = Field{"team name", 20}          // 建队
	FieldBrandName   = Field{"brand name", 20}         // 品牌
	FieldTitle       = Field{"title", 40}              // an activity's or a lecture's
	FieldPlace       = Field{"place", MaxPlaceRunes}   // an activity's or a lecture's
	FieldDescription = Field{"brand description", 200} // 品牌's description
)

// MsgFieldTooLong starts the message of a field over its cap; Field.Check
// appends the field's key.
const MsgFieldTooLong = "too long: "

// Check returns EINVALID "too long: <key>" when s has more than f.Max
// characters.
func (f Field) Check(s string) error {
	if f.Over(s) {
		return Errorf(EINVALID, "%s%s", MsgFieldTooLong, f.Key)
	}
	return nil
}

// Over reports whether s has more than f.Max characters.
func (f Field) Over(s string) bool { return utf8.RuneCountInString(s) > f.Max }

// FieldValue is a field with the text typed for it.
type FieldValue struct {
	Field Field
	Value string
}

// FirstTooLong returns the first field whose value is over its cap, and
// false when none is: the handlers ask it before a round trip so that the
// reply can name the field and its limit.
func FirstTooLong(values ...FieldValue) (Field, bool) {
	for _, v := range values {
		if v.Field.Over(v.Value) {
			return v.Field, true
		}
	}
	return Field{}, false
}

// checkFields is FirstTooLong as an error, for Validate.
func checkFields(values ...FieldValue) error {
	if f, over := FirstTooLong(values...); over {
		return Errorf(EINVALID, "%s%s", MsgFieldTooLong, f.Key)
	}
	return nil
}

// Messages of the hours and brand rules.
const (
	// MsgNotEnded: hours are service given, confirmed only once the
	// activity has ended, in chat and on the dashboard alike.
	MsgNotEnded = "activity not ended"
	// MsgBrandHeld: the community's brand belongs to another envoy; only
	// an admin may reassign it (ReassignBrand).
	MsgBrandHeld = "brand held by another envoy"
)

// CheckHoursConfirmable is the one rule of when hours may be confirmed:
// after the activity's end. The chat, the dashboard and the store all ask
// it.
func CheckHoursConfirmable(endsAt, now time.Time) error {
	if now.Before(endsAt) {
		return Errorf(EINVALID, MsgNotEnded)
	}
	return nil
}

// MsgPublishCap is the message of the EFORBIDDEN a create gets when the
// envoy already published the day's cap (Publish.CapPerDay).
const MsgPublishCap = "daily publishing cap reached"

// maxOriginKey bounds a publish's origin key (a dedup key: tens of
// characters).
const maxOriginKey = 200

// Validate trims the origin key and checks the cap.
func (p *Publish) Validate() error {
	p.OriginKey = strings.TrimSpace(p.OriginKey)
	switch {
	case len(p.OriginKey) > maxOriginKey:
		return Errorf(EINVALID, "origin key longer than %d bytes", maxOriginKey)
	case p.CapPerDay < 0:
		return Errorf(EINVALID, "publishing cap must not be negative")
	case p.CapPerDay > 0 && p.DayStart.IsZero():
		return Errorf(EINVALID, "a publishing cap needs the start of its day")
	}
	return nil
}

// PublishCounter counts what an envoy published, for the daily cap.
type PublishCounter interface {
	// CountPublishedSince counts the activities and lectures the envoy
	// created at or after since (cancelled ones too: each was a publish).
	CountPublishedSince(ctx context.Context, envoyID int64, since time.Time) (int, error)
}

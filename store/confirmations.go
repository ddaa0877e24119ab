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

package store

import (
	"context"
	"time"
)

// InboxMessage is a chat message answered "success" before its handler was
// done: WeChat will not deliver it again, so it is kept until it has been
// processed (RecordProcessed removes it). A replica that dies with the
// message unfinished leaves it here, and another takes it over once its
// lease has run out.
type InboxMessage struct {
	DedupKey string
	OpenID   string
	// Body is the message as the callback encodes it.
	Body       string
	Owner      string
	LeaseUntil time.Time
	ReceivedAt time.Time
	// Attempts counts takeovers: how many times a replica other than the
	// first took the message on.
	Attempts int
}

// MessageInbox keeps messages whose processing outlived their answer.
type MessageInbox interface {
	// KeepInbox stores the message unless it is already kept or already
	// processed; either way the message is then safe.
	KeepInbox(ctx context.Context, m InboxMessage) error
	// TakeInbox leases to owner, until leaseUntil, up to limit kept
	// messages whose lease ended before now and that were taken over fewer
	// than maxAttempts times, oldest first, counting the takeover.
	TakeInbox(ctx context.Context, owner string, now, leaseUntil time.Time, limit, maxAttempts int) ([]InboxMessage, error)
	// DropInbox forgets a kept message (processed, or given up); an
	// unknown key is not an error.
	DropInbox(ctx context.Context, dedupKey string) error
}

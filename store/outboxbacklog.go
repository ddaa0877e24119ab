package store

import (
	"context"
	"time"
)

// OutboxBacklog is what is waiting in the outbox at an instant, for the
// operator's gauges: a growing Due or an old OldestDue means notices are
// not going out (WeChat down, the quota used up, no dispatcher running).
type OutboxBacklog struct {
	Pending int // pending notices, due or not
	Due     int // of those, due now: their next attempt has come
	Sending int // claimed by a dispatcher and not completed
	// OldestDue is the next-attempt time of the notice that has waited
	// longest among the due ones; zero when none is due.
	OldestDue time.Time
}

// OutboxMonitor reads the outbox's backlog.
type OutboxMonitor interface {
	// OutboxBacklog counts the outbox as of at.
	OutboxBacklog(ctx context.Context, at time.Time) (OutboxBacklog, error)
}

package store

import (
	"context"
	"time"
)

// Admission is what a chat message needs of the shared cache before its
// handler runs, asked in one step (Cache.Admit; one round trip on Redis):
//
//  1. the request's nonce is remembered (NonceKey, for NonceTTL); one seen
//     before is a replay, and nothing else happens;
//  2. a message the cache already holds an entry for (ClaimKey: a retry)
//     returns that entry, uncounted;
//  3. when Limit is set, the sender's counters for the minute and the
//     burst window go up; over either limit, the message is limited, and
//     the first such message in ToldKey's time is told so;
//  4. otherwise the message is claimed: ClaimKey holds ClaimValue for
//     ClaimTTL.
type Admission struct {
	NonceKey, NonceValue string
	NonceTTL             time.Duration

	ClaimKey, ClaimValue string
	ClaimTTL             time.Duration

	Limit *AdmissionLimit // nil: not limited (events, or the limit is off)
}

// AdmissionLimit is a follower's message limit: counters at MinuteKey and
// BurstKey, created with their TTLs.
type AdmissionLimit struct {
	MinuteKey string
	MinuteTTL time.Duration
	PerMinute int64
	BurstKey  string
	BurstTTL  time.Duration
	Burst     int64
	ToldKey   string
	ToldTTL   time.Duration
}

// Admitted is the outcome of an Admission: exactly one of Replayed,
// Existing (non-empty), Limited and Claimed.
type Admitted struct {
	Replayed bool
	// Existing is the entry at ClaimKey when the message was not claimed
	// because another attempt holds it or finished it.
	Existing string
	Limited  bool
	Told     bool  // limited, and the first in ToldKey's time
	Minute   int64 // the counters, when limited
	Burst    int64
	Claimed  bool
}

// AdmitSteps runs a on c with one call per step, for caches without a way
// to do it at once (the steps are not atomic together).
func AdmitSteps(ctx context.Context, c Cache, a Admission) (Admitted, error) {
	fresh, err := c.SetNX(ctx, a.NonceKey, a.NonceValue, a.NonceTTL)
	if err != nil {
		return Admitted{}, err
	}
	if !fresh {
		return Admitted{Replayed: true}, nil
	}
	if v, ok, err := c.Get(ctx, a.ClaimKey); err != nil {
		return Admitted{}, err
	} else if ok {
		return Admitted{Existing: v}, nil
	}
	if l := a.Limit; l != nil {
		minute, err := c.Incr(ctx, l.MinuteKey, l.MinuteTTL)
		if err != nil {
			return Admitted{}, err
		}
		burst, err := c.Incr(ctx, l.BurstKey, l.BurstTTL)
		if err != nil {
			return Admitted{}, err
		}
		if minute > l.PerMinute || burst > l.Burst {
			told, err := c.SetNX(ctx, l.ToldKey, "1", l.ToldTTL)
			return Admitted{Limited: true, Told: told && err == nil, Minute: minute, Burst: burst}, nil
		}
	}
	claimed, err := c.SetNX(ctx, a.ClaimKey, a.ClaimValue, a.ClaimTTL)
	if err != nil {
		return Admitted{}, err
	}
	if !claimed {
		v, _, err := c.Get(ctx, a.ClaimKey)
		if err != nil {
			return Admitted{}, err
		}
		if v == "" {
			v = "pending:"
		}
		return Admitted{Existing: v}, nil
	}
	return Admitted{Claimed: true}, nil
}

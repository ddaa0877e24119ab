package store

import (
	"context"
	"crypto/rand"
	"math/big"
	"time"
)

// inviteAlphabet leaves out look-alikes (0/O, 1/I/L) so codes read aloud
// or copied from paper work.
const inviteAlphabet = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"

// inviteCodeLength gives 31^8 ≈ 8.5e11 codes: with 5 wrong tries an hour,
// guessing one is hopeless.
const inviteCodeLength = 8

// NewInviteCode returns a random invite code.
func NewInviteCode() string {
	b := make([]byte, inviteCodeLength)
	for i := range b {
		n, err := rand.Int(rand.Reader, big.NewInt(int64(len(inviteAlphabet))))
		if err != nil {
			panic("store: crypto/rand failed: " + err.Error())
		}
		b[i] = inviteAlphabet[n.Int64()]
	}
	return string(b)
}

// IssueInvite stores inv under a fresh random code (inv.Code is ignored),
// drawing again on the rare clash: how the CLI, the dashboard and the
// simulator issue invites.
func IssueInvite(ctx context.Context, s InviteService, inv NewInvite, at time.Time) (*Invite, error) {
	for try := 0; ; try++ {
		inv.Code = NewInviteCode()
		created, err := s.CreateInvite(ctx, inv, at)
		if ErrorCode(err) == ECONFLICT && try < 5 {
			continue
		}
		return created, err
	}
}

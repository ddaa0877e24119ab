package bot

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
)

// messageKeyCtx is the context key of the message's dedup key.
type messageKeyCtx struct{}

// WithMessageKey returns ctx carrying key, the dedup key of the message
// being handled (msg:<MsgId>, or the event's), which the callback sets
// before it runs the handler.
func WithMessageKey(ctx context.Context, key string) context.Context {
	return context.WithValue(ctx, messageKeyCtx{}, key)
}

// MessageKey is the dedup key of the message ctx handles, "" outside a
// callback. A retry of the message carries the same key, so that what the
// handler creates can be created once: a publish keeps it as its origin
// (store.Publish.OriginKey).
func MessageKey(ctx context.Context) string {
	key, _ := ctx.Value(messageKeyCtx{}).(string)
	return key
}

// RequestID names the message ctx handles in the logs, "" outside a
// callback: a short hash of its dedup key, so that every line of one
// message — its attempts on any replica, its takeover, its late reply —
// carries the same id, and the id says nothing about the sender.
func RequestID(ctx context.Context) string {
	key := MessageKey(ctx)
	if key == "" {
		return ""
	}
	sum := sha256.Sum256([]byte(key))
	return hex.EncodeToString(sum[:6])
}

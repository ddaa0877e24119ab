package handlers

import (
	"context"
	"log/slog"
	"time"

	"envoybot/bot/intent"
	"envoybot/store"
)

// recordTimeout bounds what keeping an unrecognised message may add to the
// reply: a name lookup on an index and one upsert.
const recordTimeout = 500 * time.Millisecond

// recordUnrecognised keeps what the parser did not understand, for the
// dashboard page 未识别消息: the normalised text with numbers masked and
// registered users' names removed, and the sender's role, never who sent
// it. It never fails the reply: an error is logged and the chat goes on.
func (h *Handlers) recordUnrecognised(ctx context.Context, req *Request) {
	text := intent.Normalize(req.Msg.Text)
	if text == "" || req.User == nil {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, recordTimeout)
	defer cancel()
	kept, err := store.MaskUnrecognised(text, func(candidates []string) ([]string, error) {
		return h.unrecognised.RegisteredNames(ctx, candidates)
	})
	if err == nil && kept != "" {
		err = h.unrecognised.RecordUnrecognised(ctx, kept, req.User.Role, req.Now)
	}
	if err != nil {
		h.log.WarnContext(ctx, "handlers: unrecognised message not recorded", slog.Any("error", err))
	}
}

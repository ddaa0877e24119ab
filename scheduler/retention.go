package scheduler

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"envoybot/store"
)

// JobPruneReplies forgets the stored replies of processed messages once
// WeChat can no longer retry them, and the record itself after a week.
const JobPruneReplies = "prune-replies"

// pruneRepliesSpec runs the prune every five minutes: a reply may name the
// user (报名成功 张三), so it is kept minutes, not a day. Fixed, not
// configured: the retention is a rule of what is kept, not a tuning.
const pruneRepliesSpec = "*/5 * * * *"

// PruneReplies clears the replies stored more than
// store.ProcessedReplyRetention before now, keeping that the messages were
// processed, and deletes the records older than store.ProcessedFactRetention.
func (j *Jobs) PruneReplies(ctx context.Context, now time.Time) error {
	cleared, deleted, err := j.Store.PruneProcessed(ctx, now.Add(-store.ProcessedReplyRetention), now.Add(-store.ProcessedFactRetention))
	if err != nil {
		return fmt.Errorf("scheduler: %s: %w", JobPruneReplies, err)
	}
	if cleared+deleted > 0 {
		j.Log.Log(ctx, slog.LevelInfo, "processed messages pruned", slog.String("job", JobPruneReplies),
			slog.Int64("replies_cleared", cleared), slog.Int64("deleted", deleted))
	}
	return nil
}

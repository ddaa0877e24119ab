package scheduler

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"envoybot/store"
)

// JobPruneUnrecognised forgets unrecognised messages not seen for
// store.UnrecognisedRetention (90 days).
const JobPruneUnrecognised = "prune-unrecognised"

// pruneUnrecognisedSpec runs the prune daily at a quiet hour. It is fixed,
// not configured: the retention is a rule of what is kept, not a tuning.
const pruneUnrecognisedSpec = "30 3 * * *"

// PruneUnrecognised deletes the unrecognised messages last seen more than
// store.UnrecognisedRetention before now.
func (j *Jobs) PruneUnrecognised(ctx context.Context, now time.Time) error {
	n, err := j.Store.PruneUnrecognised(ctx, now.Add(-store.UnrecognisedRetention))
	if err != nil {
		return fmt.Errorf("scheduler: %s: %w", JobPruneUnrecognised, err)
	}
	j.Log.Log(ctx, slog.LevelInfo, "unrecognised messages pruned", slog.String("job", JobPruneUnrecognised), slog.Int64("deleted", n))
	return nil
}

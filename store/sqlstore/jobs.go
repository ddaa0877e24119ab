package sqlstore

import (
	"context"
	"time"

	"envoybot/store"
)

// ClaimJobRun claims job's run for tick (kept in UTC, whole seconds) in one
// upsert: a new run is inserted, an unfinished one whose lease ran out
// before at is taken over, anything else is left alone and reported false,
// including a live lease held by replica itself, so that a tick fired twice
// runs once. Racing replicas serialise on the row (on PostgreSQL the loser
// re-checks the winner's fresh lease; on SQLite the single writer runs one
// upsert after the other) and the loser updates nothing.
func (db *DB) ClaimJobRun(ctx context.Context, job string, tick time.Time, replica string, lease time.Duration, at time.Time) (bool, error) {
	if err := store.ValidateJobRun(job, tick, replica); err != nil {
		return false, db.wrapError("claim job run", err)
	}
	if lease <= 0 {
		return false, db.wrapError("claim job run", store.Errorf(store.EINVALID, "a job run needs a positive lease"))
	}
	claimed, err := inserted(db.bookkeeper().exec(ctx, `
		INSERT INTO job_runs (job, tick, replica, lease_until, started_at)
		VALUES ($1, $2, $3, $4, $5)
		ON CONFLICT (job, tick) DO UPDATE SET
			replica = excluded.replica, lease_until = excluded.lease_until,
			started_at = excluded.started_at, error = ''
		WHERE job_runs.finished_at IS NULL AND job_runs.lease_until < excluded.started_at`,
		job, jobTick(tick), replica, at.Add(lease), at))
	return claimed, db.wrapError("claim job run", err)
}

// FinishJobRun marks the run finished when replica holds it (an expired
// lease nobody took over still counts); an unknown run is ENOTFOUND, a run
// finished already or taken over by another replica ECONFLICT.
func (db *DB) FinishJobRun(ctx context.Context, job string, tick time.Time, replica, errText string, at time.Time) error {
	if err := store.ValidateJobRun(job, tick, replica); err != nil {
		return db.wrapError("finish job run", err)
	}
	tick = jobTick(tick)
	err := db.inTx(ctx, func(tx conn) error {
		res, err := tx.exec(ctx, `
			UPDATE job_runs SET finished_at = $1, error = $2
			WHERE job = $3 AND tick = $4 AND replica = $5 AND finished_at IS NULL`,
			at, errText, job, tick, replica)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n == 1 {
			return err
		}
		var (
			holder     string
			finishedAt time.Time
		)
		if err := tx.row(ctx, `SELECT replica, finished_at FROM job_runs WHERE job = $1 AND tick = $2`,
			job, tick).Scan(&holder, timeColumn{&finishedAt}); err != nil {
			return err
		}
		if !finishedAt.IsZero() {
			return store.Errorf(store.ECONFLICT, "job %s run %s finished already", job, tick.Format(time.RFC3339))
		}
		return store.Errorf(store.ECONFLICT, "job %s run %s is held by %q, not %q", job, tick.Format(time.RFC3339), holder, replica)
	})
	return db.wrapError("finish job run", err)
}

// jobTick is a tick as job_runs keys it: UTC, whole seconds, so that a
// scheduled instant carrying stray sub-second digits names the same run.
func jobTick(tick time.Time) time.Time {
	return tick.UTC().Truncate(time.Second)
}

package postgres

import (
	"context"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"envoybot/store"
)

// ClaimJobRun claims job's run for tick (kept in UTC, whole seconds) in one
// upsert: a new run is inserted, an unfinished one whose lease ran out
// before at is taken over, anything else is left alone and reported false,
// including a live lease held by replica itself, so that a tick fired twice
// runs once. Racing replicas serialise on the row: the loser re-checks the
// winner's fresh lease and updates nothing.
func (db *DB) ClaimJobRun(ctx context.Context, job string, tick time.Time, replica string, lease time.Duration, at time.Time) (bool, error) {
	if err := checkJobRun(job, tick, replica); err != nil {
		return false, wrapError("claim job run", err)
	}
	if lease <= 0 {
		return false, wrapError("claim job run", store.Errorf(store.EINVALID, "a job run needs a positive lease"))
	}
	tag, err := db.pool.Exec(ctx, `
		INSERT INTO job_runs (job, tick, replica, lease_until, started_at)
		VALUES ($1, $2, $3, $4, $5)
		ON CONFLICT (job, tick) DO UPDATE SET
			replica = EXCLUDED.replica, lease_until = EXCLUDED.lease_until,
			started_at = EXCLUDED.started_at, error = ''
		WHERE job_runs.finished_at IS NULL AND job_runs.lease_until < EXCLUDED.started_at`,
		job, jobTick(tick), replica, timeValue(at.Add(lease)), timeValue(at))
	if err != nil {
		return false, wrapError("claim job run", err)
	}
	return tag.RowsAffected() == 1, nil
}

// FinishJobRun marks the run finished when replica holds it (an expired
// lease nobody took over still counts); an unknown run is ENOTFOUND, a run
// finished already or taken over by another replica ECONFLICT.
func (db *DB) FinishJobRun(ctx context.Context, job string, tick time.Time, replica, errText string, at time.Time) error {
	if err := checkJobRun(job, tick, replica); err != nil {
		return wrapError("finish job run", err)
	}
	err := db.inTx(ctx, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `
			UPDATE job_runs SET finished_at = $1, error = $2
			WHERE job = $3 AND tick = $4 AND replica = $5 AND finished_at IS NULL`,
			timeValue(at), errText, job, jobTick(tick), replica)
		if err != nil || tag.RowsAffected() == 1 {
			return err
		}
		var holder string
		var finishedAt time.Time
		if err := tx.QueryRow(ctx, `SELECT replica, finished_at FROM job_runs WHERE job = $1 AND tick = $2`,
			job, jobTick(tick)).Scan(&holder, timeColumn{&finishedAt}); err != nil {
			return err
		}
		if !finishedAt.IsZero() {
			return store.Errorf(store.ECONFLICT, "job %s run %s finished already", job, jobTick(tick).Format(time.RFC3339))
		}
		return store.Errorf(store.ECONFLICT, "job %s run %s is held by %q, not %q", job, jobTick(tick).Format(time.RFC3339), holder, replica)
	})
	return wrapError("finish job run", err)
}

// jobTick is a tick as job_runs keys it: UTC, whole seconds, so that a
// scheduled instant carrying stray sub-second digits names the same run.
func jobTick(tick time.Time) time.Time {
	return tick.UTC().Truncate(time.Second)
}

// checkJobRun rejects a run that names no job, instant or replica.
func checkJobRun(job string, tick time.Time, replica string) error {
	switch {
	case strings.TrimSpace(job) == "":
		return store.Errorf(store.EINVALID, "a job run needs a job name")
	case tick.IsZero():
		return store.Errorf(store.EINVALID, "a job run needs a tick")
	case strings.TrimSpace(replica) == "":
		return store.Errorf(store.EINVALID, "a job run needs a replica name")
	}
	return nil
}

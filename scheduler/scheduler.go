// Package scheduler runs envoybot's scheduled work: cron jobs that turn
// campaign deadlines, lecture sessions and activities into notices in the
// outbox, and the dispatcher that drains the outbox through WeChat. With
// several replicas each run of a job happens once: replicas claim it in
// the database (job_runs), and a run whose replica died is taken over
// when its lease ends.
package scheduler

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/robfig/cron/v3"

	"envoybot/store"
)

// Job is one scheduled job: a small function of the instant it runs for.
type Job struct {
	Name string
	Spec string // cron schedule, in the scheduler's time zone
	Doc  string
	Run  func(ctx context.Context, now time.Time) error
}

// Scheduler fires jobs on their schedules, once per tick across replicas.
type Scheduler struct {
	cron    *cron.Cron
	runs    store.JobService
	replica string
	lease   time.Duration
	log     *slog.Logger
	now     func() time.Time

	// ctx ends pending takeovers at Stop; jobCtx ends running jobs only
	// when Stop's own deadline passes.
	ctx     context.Context
	stop    context.CancelFunc
	jobCtx  context.Context
	stopJob context.CancelFunc
	wg      sync.WaitGroup
}

// New returns a scheduler in loc. Runs are claimed in runs for replica
// with the given lease.
func New(runs store.JobService, replica string, lease time.Duration, loc *time.Location, log *slog.Logger, now func() time.Time) *Scheduler {
	log = log.With(slog.String("component", "scheduler"), slog.String("replica", replica))
	cl := cronLogger{log}
	ctx, stop := context.WithCancel(context.Background())
	jobCtx, stopJob := context.WithCancel(context.Background())
	return &Scheduler{
		cron: cron.New(cron.WithLocation(loc), cron.WithLogger(cl),
			cron.WithChain(cron.Recover(cl), cron.SkipIfStillRunning(cl))),
		runs: runs, replica: replica, lease: lease, log: log, now: now,
		ctx: ctx, stop: stop, jobCtx: jobCtx, stopJob: stopJob,
	}
}

// Add schedules j.
func (s *Scheduler) Add(j Job) error {
	sched, err := cron.ParseStandard(j.Spec)
	if err != nil {
		return fmt.Errorf("scheduler: add %s: %w", j.Name, err)
	}
	grain := tickGrain(sched)
	s.cron.Schedule(sched, cron.FuncJob(func() { s.fire(j, grain) }))
	return nil
}

// tickGrain is how finely a schedule's runs are told apart: its period, at
// most a minute. Replicas whose clocks differ by less than that agree on
// the tick, and so on who runs it.
func tickGrain(sched cron.Schedule) time.Duration {
	t0 := time.Date(2026, 1, 5, 0, 0, 0, 0, time.UTC)
	first := sched.Next(t0)
	period := sched.Next(first).Sub(first)
	if period <= 0 || period > time.Minute {
		return time.Minute
	}
	return period
}

// Start starts firing jobs.
func (s *Scheduler) Start() { s.cron.Start() }

// Stop stops firing, lets running jobs finish until ctx ends, and then
// cancels them; a run cut short is released, not finished, so another
// replica (or this one after a restart) runs it again.
func (s *Scheduler) Stop(ctx context.Context) error {
	cronDone := s.cron.Stop()
	s.stop()
	done := make(chan struct{})
	go func() { <-cronDone.Done(); s.wg.Wait(); close(done) }()
	select {
	case <-done:
		s.stopJob()
		return nil
	case <-ctx.Done():
		s.stopJob()
		<-done
		return ctx.Err()
	}
}

// fire runs j for the current tick if this replica wins the claim;
// otherwise it checks back once the winner's lease has run out, and takes
// the run over if the winner never finished it.
func (s *Scheduler) fire(j Job, grain time.Duration) {
	tick := s.now().Truncate(grain)
	if s.tryRun(j, tick) {
		return
	}
	s.checkBack(j, tick)
}

// checkBack tries j's run for tick again once a lease has passed: it takes
// over a run whose replica died, and retries one that failed.
func (s *Scheduler) checkBack(j Job, tick time.Time) {
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		select {
		case <-time.After(s.lease + time.Second):
			s.tryRun(j, tick)
		case <-s.ctx.Done():
		}
	}()
}

// tryRun claims and runs j's run for tick; false when another replica has
// it (or the claim failed). A run that fails is left unfinished, so that
// it is tried again once its lease ends, here or on another replica.
func (s *Scheduler) tryRun(j Job, tick time.Time) bool {
	ctx := s.jobCtx
	claimed, err := s.runs.ClaimJobRun(ctx, j.Name, tick, s.replica, s.lease, s.now())
	if err != nil {
		s.log.Error("claim job run", slog.String("job", j.Name), slog.Any("error", err))
		return false
	}
	if !claimed {
		return false
	}
	if err := RunJob(ctx, j, s.now(), s.log); err != nil {
		if s.ctx.Err() == nil {
			s.checkBack(j, tick)
		}
		return true
	}
	if ferr := s.runs.FinishJobRun(context.WithoutCancel(ctx), j.Name, tick, s.replica, "", s.now()); ferr != nil {
		s.log.Error("finish job run", slog.String("job", j.Name), slog.Any("error", ferr))
	}
	return true
}

// RunJob runs j once for now, logging how it went; a panic becomes an
// error.
func RunJob(ctx context.Context, j Job, now time.Time, log *slog.Logger) (err error) {
	start := time.Now()
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("scheduler: job %s panicked: %v", j.Name, p)
		}
		if err != nil {
			log.Error("job failed", slog.String("job", j.Name), slog.Time("now", now), slog.Any("error", err))
			return
		}
		log.Debug("job done", slog.String("job", j.Name), slog.Time("now", now), slog.Duration("took", time.Since(start)))
	}()
	return j.Run(ctx, now)
}

// cronLogger adapts slog to cron's logger.
type cronLogger struct{ log *slog.Logger }

func (l cronLogger) Info(msg string, kv ...any) { l.log.Debug("cron: "+msg, kv...) }

func (l cronLogger) Error(err error, msg string, kv ...any) {
	l.log.Error("cron: "+msg, append(kv, slog.Any("error", err))...)
}

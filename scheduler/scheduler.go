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

	mu   sync.Mutex
	ctx  context.Context
	stop context.CancelFunc
	wg   sync.WaitGroup
}

// New returns a scheduler in loc. Runs are claimed in runs for replica
// with the given lease.
func New(runs store.JobService, replica string, lease time.Duration, loc *time.Location, log *slog.Logger, now func() time.Time) *Scheduler {
	log = log.With(slog.String("component", "scheduler"), slog.String("replica", replica))
	cl := cronLogger{log}
	ctx, stop := context.WithCancel(context.Background())
	return &Scheduler{
		cron: cron.New(cron.WithLocation(loc), cron.WithLogger(cl),
			cron.WithChain(cron.Recover(cl), cron.SkipIfStillRunning(cl))),
		runs: runs, replica: replica, lease: lease, log: log, now: now, ctx: ctx, stop: stop,
	}
}

// Add schedules j.
func (s *Scheduler) Add(j Job) error {
	if _, err := s.cron.AddFunc(j.Spec, func() { s.fire(j) }); err != nil {
		return fmt.Errorf("scheduler: add %s: %w", j.Name, err)
	}
	return nil
}

// Start starts firing jobs.
func (s *Scheduler) Start() { s.cron.Start() }

// Stop stops firing and waits for running jobs until ctx ends.
func (s *Scheduler) Stop(ctx context.Context) error {
	cronDone := s.cron.Stop()
	s.stop()
	done := make(chan struct{})
	go func() { <-cronDone.Done(); s.wg.Wait(); close(done) }()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// fire runs j for the current tick if this replica wins the claim;
// otherwise it checks back once the winner's lease has run out, and takes
// the run over if the winner never finished it.
func (s *Scheduler) fire(j Job) {
	tick := s.now().Truncate(time.Minute)
	if s.tryRun(j, tick) {
		return
	}
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
// it (or the claim failed).
func (s *Scheduler) tryRun(j Job, tick time.Time) bool {
	ctx := s.ctx
	claimed, err := s.runs.ClaimJobRun(ctx, j.Name, tick, s.replica, s.lease, s.now())
	if err != nil {
		s.log.Error("claim job run", slog.String("job", j.Name), slog.Any("error", err))
		return false
	}
	if !claimed {
		return false
	}
	err = RunJob(ctx, j, s.now(), s.log)
	errText := ""
	if err != nil {
		errText = err.Error()
	}
	if ferr := s.runs.FinishJobRun(context.WithoutCancel(ctx), j.Name, tick, s.replica, errText, s.now()); ferr != nil {
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

package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strconv"
	"text/tabwriter"
	"time"

	"envoybot/configs"
	"envoybot/scheduler"
)

// outboxJob is the pseudo-job that only drains the outbox.
const outboxJob = "outbox"

// runJobs lists the scheduled jobs or runs one once as of a given instant,
// then drains the outbox as of that instant: how operators and tests drive
// time.
func runJobs(ctx context.Context, cfg *configs.Config, args []string, stdout, stderr io.Writer) int {
	usage := func() {
		fmt.Fprintln(stderr, "usage: envoybot jobs list\n       envoybot jobs run NAME [--now RFC3339]   (NAME: a job from the list, or outbox to only send what is due)")
	}
	if len(args) == 0 {
		usage()
		return 2
	}
	log := newLogger(stderr, cfg.LogLevel)
	jobs := (&scheduler.Jobs{Campaign: cfg.Campaign, Rules: cfg.Rules, Sched: cfg.Schedules, Requests: cfg.Requests, Loc: cfg.Location(), Log: log}).All()
	switch args[0] {
	case "list":
		w := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
		for _, j := range jobs {
			fmt.Fprintf(w, "%s\t%s\t%s\n", j.Name, j.Spec, j.Doc)
		}
		fmt.Fprintf(w, "%s\t%s\t%s\n", outboxJob, "(always)", "sends the notices that are due (the dispatcher runs continuously in serve)")
		_ = w.Flush()
		return 0
	case "run":
	default:
		usage()
		return 2
	}
	fs := flag.NewFlagSet("jobs run", flag.ContinueOnError)
	fs.SetOutput(stderr)
	nowFlag := fs.String("now", "", "the instant to run as of (RFC3339); default: now")
	name := ""
	rest := args[1:]
	if len(rest) > 0 && rest[0] != "" && rest[0][0] != '-' {
		name, rest = rest[0], rest[1:]
	}
	if err := fs.Parse(rest); err != nil {
		return 2
	}
	if name == "" && fs.NArg() > 0 {
		name = fs.Arg(0)
	}
	var job *scheduler.Job
	for i := range jobs {
		if jobs[i].Name == name {
			job = &jobs[i]
		}
	}
	if job == nil && name != outboxJob {
		fmt.Fprintf(stderr, "envoybot jobs run: unknown job %q; see envoybot jobs list\n", name)
		return 2
	}
	now := time.Now()
	if *nowFlag != "" {
		t, err := time.Parse(time.RFC3339, *nowFlag)
		if err != nil {
			fmt.Fprintf(stderr, "envoybot jobs run: --now: want RFC3339 like 2026-12-04T09:30:00+08:00, got %q\n", *nowFlag)
			return 2
		}
		now = t
	}
	clock := func() time.Time { return now }
	a, err := openApp(ctx, cfg, log, clock)
	if err != nil {
		log.Error("jobs run", slog.Any("error", err))
		return 1
	}
	defer func() { _ = a.close(context.Background()) }()
	if job != nil {
		j := *job
		j.Run = a.jobsFor()[j.Name].Run
		if err := scheduler.RunJob(ctx, j, now, log); err != nil {
			return 1
		}
	}
	stats, err := a.dispatcher.Drain(ctx)
	if err != nil {
		log.Error("drain outbox", slog.Any("error", err))
		return 1
	}
	fmt.Fprintf(stdout, "%s as of %s: outbox drained: %+v\n", name, now.Format(time.RFC3339), stats)
	return 0
}

// replicaName names this process among replicas, in job runs and claims.
func replicaName() string {
	host, err := os.Hostname()
	if err != nil {
		host = "envoybot"
	}
	return host + "-" + strconv.Itoa(os.Getpid())
}

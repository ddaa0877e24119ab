package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"time"

	"envoybot/configs"
)

// wxload compare: the bare echo and envoybot side by side, alternated.

// namedMix is a mix of message kinds under a name for the report.
type namedMix struct {
	Name string   `json:"name"`
	Mix  []weight `json:"mix"`
}

// mixPresets are the mixes -mix knows by name.
var mixPresets = map[string]string{
	"realistic": "help=1,signup=1,checkin=1,my_hours=1,lectures=1",
	"read-only": "help=1,my_hours=1,lectures=1",
}

// parseNamedMix reads a preset name ("realistic", "read-only") or
// NAME:KIND=W,… (e.g. "signups:signup=1").
func parseNamedMix(s string) (namedMix, error) {
	name, spec, custom := strings.Cut(s, ":")
	name = strings.TrimSpace(name)
	if !custom {
		preset, ok := mixPresets[name]
		if !ok {
			return namedMix{}, fmt.Errorf("unknown mix %q: want realistic, read-only or NAME:KIND=W,…", s)
		}
		spec = preset
	}
	if name == "" {
		return namedMix{}, fmt.Errorf("mix %q has no name", s)
	}
	ws, err := parseMix(spec)
	if err != nil {
		return namedMix{}, fmt.Errorf("mix %s: %w", name, err)
	}
	return namedMix{Name: name, Mix: ws}, nil
}

func (m namedMix) String() string {
	parts := make([]string, len(m.Mix))
	for i, w := range m.Mix {
		parts[i] = fmt.Sprintf("%s=%d", w.Kind, w.Weight)
	}
	return strings.Join(parts, ",")
}

// mixFlags collects repeated -mix flags.
type mixFlags []namedMix

func (f *mixFlags) String() string {
	names := make([]string, len(*f))
	for i, m := range *f {
		names[i] = m.Name
	}
	return strings.Join(names, ",")
}

func (f *mixFlags) Set(s string) error {
	m, err := parseNamedMix(s)
	if err != nil {
		return err
	}
	if slices.ContainsFunc(*f, func(o namedMix) bool { return o.Name == m.Name }) {
		return fmt.Errorf("mix %s twice", m.Name)
	}
	*f = append(*f, m)
	return nil
}

// Stores envoybot can run on in a compare.
const (
	storeEmbedded = "embedded"
	storePostgres = "postgres"
)

// compareOptions are the flags of wxload compare.
type compareOptions struct {
	Load        options // the load of every round; URL, Echo and Activity per target
	Rounds      int
	Stores      []string
	Mixes       []namedMix
	Envoybot    string // binary; "" builds one
	Config      string // ENVOYBOT_CONFIG for envoybot; "" writes one that lifts the follower limit out of reach
	DatabaseURL string
	RedisURL    string
	RedisPrefix string
	MonitorDB   string
	Settle      time.Duration
	Pin         string
	ServerCPUs  string
	LoadCPUs    string
	JSONPath    string
}

const compareUsage = `usage: wxload compare [flags]

Runs the same load against the bare silenceper/wechat echo and envoybot,
alternated round by round (echo, envoybot, echo, envoybot, …; with two
stores echo, embedded, postgres, …), and reports medians, the ratio
envoybot/echo, and per message the server's CPU, Redis commands and
PostgreSQL commits. Both servers run as child processes; envoybot is built
from the repository unless -envoybot names a binary.

  wxload compare -d 10s
  wxload compare -stores embedded,postgres \
    -database-url 'postgres://postgres@127.0.0.1:5432/wxload_bench?sslmode=disable' \
    -redis-url redis://127.0.0.1:6379/0

flags:
`

// parseCompare reads wxload compare's flags.
func parseCompare(args []string, stderr io.Writer) (*compareOptions, error) {
	fs := flag.NewFlagSet("wxload compare", flag.ContinueOnError)
	fs.SetOutput(stderr)
	c := &compareOptions{}
	o := &c.Load
	fs.BoolVar(&o.Safe, "safe", true, "safe mode (encrypted messages, verified replies); -safe=false for plain")
	fs.StringVar(&o.Token, "token", configs.DevToken, "WeChat token (both servers)")
	fs.StringVar(&o.AppID, "appid", configs.DevAppID, "AppID")
	fs.StringVar(&o.AESKey, "aeskey", configs.DevAESKey, "EncodingAESKey")
	fs.IntVar(&o.Users, "users", 200, "size of the pool of OpenIDs (each registered once with envoybot)")
	fs.StringVar(&o.Prefix, "prefix", "o-wxload-", "start of the pool's OpenIDs")
	fs.IntVar(&o.Concurrency, "c", 32, "closed loop: connections")
	fs.Int64Var(&o.N, "n", 0, "messages per round (0: -d decides)")
	fs.DurationVar(&o.Duration, "d", 0, "length of a round (default 10s when -n is not set)")
	fs.DurationVar(&o.Timeout, "timeout", 10*time.Second, "per-request timeout")
	fs.IntVar(&c.Rounds, "rounds", 3, "rounds per target (each mix)")
	stores := fs.String("stores", storeEmbedded, "envoybot's stores, in the order they run: embedded, postgres (needs -database-url and -redis-url)")
	var mixes mixFlags
	fs.Var(&mixes, "mix", "a mix, repeatable: realistic ("+mixPresets["realistic"]+"), read-only ("+mixPresets["read-only"]+") or NAME:KIND=W,…; default both")
	fs.StringVar(&c.Envoybot, "envoybot", "", "envoybot binary (default: go build envoybot/cmd/envoybot into a temporary directory)")
	fs.StringVar(&c.Config, "envoybot-config", "", "ENVOYBOT_CONFIG for envoybot (default: one that raises wechat.follower_limit to 1e9 a minute, so that the limiter runs but never answers for the handler)")
	fs.StringVar(&c.DatabaseURL, "database-url", "", "PostgreSQL database for envoybot, one of its own: its counters are the run's")
	fs.StringVar(&c.RedisURL, "redis-url", "", "Redis for envoybot")
	fs.StringVar(&c.RedisPrefix, "redis-prefix", "wxload-compare:", "envoybot's Redis key prefix; its keys are deleted before and after")
	fs.StringVar(&c.MonitorDB, "pg-monitor-db", "postgres", "database the counters are read from (not the run's, so that reading them counts nothing)")
	fs.DurationVar(&c.Settle, "settle", 11*time.Second, "wait after a PostgreSQL round before reading its counters (backends report them up to 10 s late)")
	fs.StringVar(&c.Pin, "pin", "auto", "pin servers and load to separate CPUs with taskset: auto (when taskset exists), on, off")
	fs.StringVar(&c.ServerCPUs, "server-cpus", "1", "taskset CPU list for the servers")
	fs.StringVar(&c.LoadCPUs, "load-cpus", "0", "taskset CPU list for the load (this process)")
	fs.StringVar(&c.JSONPath, "json", "", "also write every round's figures as JSON to this file")
	fs.Usage = func() {
		fmt.Fprint(stderr, compareUsage)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	if fs.NArg() > 0 {
		return nil, fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	if o.N == 0 && o.Duration == 0 {
		o.Duration = 10 * time.Second
	}
	if o.Users < 1 || o.Concurrency < 1 || c.Rounds < 1 {
		return nil, errors.New("-users, -c and -rounds must be at least 1")
	}
	for s := range strings.SplitSeq(*stores, ",") {
		s = strings.TrimSpace(s)
		switch {
		case s != storeEmbedded && s != storePostgres:
			return nil, fmt.Errorf("-stores: unknown store %q (embedded, postgres)", s)
		case slices.Contains(c.Stores, s):
			return nil, fmt.Errorf("-stores: %s twice", s)
		}
		c.Stores = append(c.Stores, s)
	}
	if slices.Contains(c.Stores, storePostgres) {
		if c.DatabaseURL == "" || c.RedisURL == "" {
			return nil, errors.New("-stores postgres needs -database-url and -redis-url")
		}
		if c.RedisPrefix == "" {
			return nil, errors.New("-redis-prefix must not be empty (its keys are deleted)")
		}
	}
	c.Mixes = mixes
	if len(c.Mixes) == 0 {
		for _, name := range []string{"realistic", "read-only"} {
			m, _ := parseNamedMix(name)
			c.Mixes = append(c.Mixes, m)
		}
	}
	o.Timeout = max(o.Timeout, time.Second)
	o.MaxInFlight = 2048
	o.Mix = c.Mixes[0].Mix
	return c, nil
}

// roundResult is one round against one target.
type roundResult struct {
	Mix       string           `json:"mix"`
	Target    string           `json:"target"`
	Round     int              `json:"round"`
	Summary   *Summary         `json:"summary"`
	ServerCPU time.Duration    `json:"server_cpu_ns"`
	Redis     map[string]int64 `json:"redis_calls,omitempty"` // commands run meanwhile, by name; nil: not watched
	PG        *pgDelta         `json:"postgres,omitempty"`    // the run's database meanwhile; nil: not watched
	// Seconds the counters cover (the load, plus -settle for PostgreSQL
	// after an envoybot round).
	WatchSeconds float64 `json:"watch_seconds"`
}

// compareReport is everything the report says.
type compareReport struct {
	Started    time.Time     `json:"started"`
	Machine    string        `json:"machine"`
	LoadBefore string        `json:"load_average_before"`
	LoadAfter  string        `json:"load_average_after"`
	Pinning    string        `json:"pinning"`
	Load       string        `json:"load"`
	Envoybot   string        `json:"envoybot"`
	Notes      []string      `json:"notes"`
	Mixes      []namedMix    `json:"mixes"`
	Targets    []string      `json:"targets"`
	Results    []roundResult `json:"rounds"`
}

// target is a server under load.
type target struct {
	srv      *server
	store    string // "" for the echo
	activity string
	redis    bool // Redis and PostgreSQL counters are this target's
	pg       bool
}

const echoName = "bare echo"

// liftedLimitConfig is envoybot's configuration for a compare: the
// per-follower limit on but out of reach.
const liftedLimitConfig = `# written by wxload compare
wechat:
  follower_limit:
    per_minute: 1000000000
    burst: 1000000000
`

// runCompare is wxload compare.
func runCompare(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	c, err := parseCompare(args, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		fmt.Fprintln(stderr, "wxload compare:", err)
		return 2
	}
	rep, err := compare(ctx, c, stderr)
	if rep != nil && len(rep.Results) > 0 {
		writeReport(stdout, rep)
		if c.JSONPath != "" {
			if werr := writeJSON(c.JSONPath, rep); werr != nil {
				err = errors.Join(err, werr)
			}
		}
	}
	if err != nil {
		fmt.Fprintln(stderr, "wxload compare:", err)
		return 1
	}
	for _, r := range rep.Results {
		if len(r.Summary.Errors) > 0 {
			fmt.Fprintln(stderr, "wxload compare: some replies failed their checks (see the errors column)")
			return 1
		}
	}
	return 0
}

func writeJSON(path string, rep *compareReport) error {
	b, err := json.MarshalIndent(rep, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, append(b, '\n'), 0o644)
}

// compare starts the servers, runs the rounds and collects the figures.
func compare(ctx context.Context, c *compareOptions, stderr io.Writer) (*compareReport, error) {
	progress := func(format string, args ...any) { fmt.Fprintf(stderr, "wxload compare: "+format+"\n", args...) }
	quiet := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	rep := &compareReport{
		Started:    time.Now().UTC(),
		Machine:    fmt.Sprintf("%d CPUs, %s %s/%s", runtime.NumCPU(), runtime.Version(), runtime.GOOS, runtime.GOARCH),
		LoadBefore: loadAverage(),
		Mixes:      c.Mixes,
	}
	mode := "plain"
	if c.Load.Safe {
		mode = "safe"
	}
	length := c.Load.Duration.String() + " per round"
	if c.Load.N > 0 {
		length = fmt.Sprintf("%d messages per round", c.Load.N)
		if c.Load.Duration > 0 {
			length += " (at most " + c.Load.Duration.String() + ")"
		}
	}
	rep.Load = fmt.Sprintf("%s mode, closed loop with %d connections, %s, %d rounds per target alternated, %d users",
		mode, c.Load.Concurrency, length, c.Rounds, c.Load.Users)

	pin, err := choosePinning(c.Pin, c.ServerCPUs, c.LoadCPUs)
	if err != nil {
		return nil, err
	}
	rep.Pinning = pin.Note
	dir, err := os.MkdirTemp("", "wxload-compare-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)

	bin, built := c.Envoybot, false
	if bin == "" {
		progress("building envoybot")
		if bin, err = buildEnvoybot(ctx, dir); err != nil {
			return nil, err
		}
		built = true
	} else if bin, err = filepath.Abs(bin); err != nil {
		return nil, err
	}
	rep.Envoybot = describeBinary(bin, built)

	config := c.Config
	if config == "" {
		config = filepath.Join(dir, "envoybot-compare.yaml")
		if err := os.WriteFile(config, []byte(liftedLimitConfig), 0o644); err != nil {
			return nil, err
		}
		rep.Notes = append(rep.Notes, "envoybot's configuration: the defaults, except wechat.follower_limit raised to 1e9 a minute (the limiter still counts every message; at its default of 20 a minute the pool's users, each sending many a minute, would be answered \"success\")")
	} else if config, err = filepath.Abs(config); err != nil {
		return nil, err
	} else {
		rep.Notes = append(rep.Notes, "envoybot's configuration: "+config)
	}

	var rmon *redisMonitor
	var pmon *pgMonitor
	if slices.Contains(c.Stores, storePostgres) {
		if pmon, err = newPGMonitor(ctx, c.DatabaseURL, c.MonitorDB); err != nil {
			return nil, err
		}
		defer pmon.Close()
		n, err := pmon.sessions(ctx)
		if err != nil {
			return nil, err
		}
		rep.Notes = append(rep.Notes, fmt.Sprintf("PostgreSQL: database %s, %d other sessions on it at the start (its counters count every client); %s", pmon.db, n, pmon.note))
		if rmon, err = newRedisMonitor(ctx, c.RedisURL); err != nil {
			return nil, err
		}
		defer rmon.Close()
		if _, err := rmon.deleteKeys(ctx, c.RedisPrefix); err != nil {
			return nil, fmt.Errorf("redis: delete %s*: %w", c.RedisPrefix, err)
		}
		defer func() { _, _ = rmon.deleteKeys(context.Background(), c.RedisPrefix) }()
		rep.Notes = append(rep.Notes, "Redis: INFO commandstats counts every client of the server; the echo rounds (envoybot idle) show how much the others add")
	}

	if err := pin.pinSelf(); err != nil {
		return nil, err
	}
	defer pin.unpinSelf()

	echo, err := startEcho(ctx, pin, dir, c.Load)
	if err != nil {
		return nil, err
	}
	defer echo.stop()
	targets := []*target{{srv: echo, activity: "A1", redis: rmon != nil, pg: pmon != nil}}
	for _, store := range c.Stores {
		name := "envoybot " + store
		env := envoybotEnv("ENVOYBOT_CONFIG="+config, "ENVOYBOT_DATA_DIR="+filepath.Join(dir, "data-"+store))
		if store == storePostgres {
			env = append(env, "ENVOYBOT_DATABASE_URL="+c.DatabaseURL, "ENVOYBOT_REDIS_URL="+c.RedisURL, "ENVOYBOT_REDIS_PREFIX="+c.RedisPrefix)
		}
		progress("starting %s", name)
		srv, code, err := startEnvoybot(ctx, pin, bin, name, dir, env)
		if err != nil {
			return rep, err
		}
		defer srv.stop()
		t := &target{srv: srv, store: store, redis: store == storePostgres, pg: store == storePostgres}
		o := c.Load
		o.URL, o.Invite = srv.URL, code
		l := newLoader(o)
		setup, err := l.setUp(ctx, quiet)
		if err != nil {
			return rep, fmt.Errorf("%s: %w", name, err)
		}
		t.activity = l.o.Activity
		progress("%s set up: %d users registered, activity %s published, %.1f s", name, setup.Registered, t.activity, setup.Seconds)
		targets = append(targets, t)
	}
	for _, t := range targets {
		rep.Targets = append(rep.Targets, t.srv.Name)
	}
	if pmon != nil {
		progress("waiting %s for PostgreSQL's counters to settle", c.Settle)
		if err := sleep(ctx, c.Settle); err != nil {
			return rep, err
		}
	}

	for _, mix := range c.Mixes {
		for round := 1; round <= c.Rounds; round++ {
			for _, t := range targets {
				r, err := runRound(ctx, c, t, mix, round, rmon, pmon, quiet)
				if err != nil {
					return rep, fmt.Errorf("%s, mix %s, round %d: %w", t.srv.Name, mix.Name, round, err)
				}
				rep.Results = append(rep.Results, r)
				s := r.Summary
				progress("%s round %d/%d %-18s %8.1f msg/s  p50 %6.1f ms  p99 %6.1f ms  %d sent, %d errors",
					mix.Name, round, c.Rounds, t.srv.Name, s.Throughput, s.Latency.P50, s.Latency.P99, s.Sent, s.Sent-s.OK)
			}
		}
	}
	rep.LoadAfter = loadAverage()
	return rep, nil
}

// runRound loads t once with mix and reads the counters around it.
func runRound(ctx context.Context, c *compareOptions, t *target, mix namedMix, round int, rmon *redisMonitor, pmon *pgMonitor, log *slog.Logger) (roundResult, error) {
	r := roundResult{Mix: mix.Name, Target: t.srv.Name, Round: round}
	if err := t.srv.alive(); err != nil {
		return r, err
	}
	o := c.Load
	o.URL, o.Echo, o.NoSetup, o.Activity, o.Mix = t.srv.URL, t.store == "", true, t.activity, mix.Mix
	var rBefore map[string]int64
	var pBefore pgCounters
	var err error
	if t.redis {
		if rBefore, err = rmon.snapshot(ctx); err != nil {
			return r, err
		}
	}
	if t.pg {
		if pBefore, err = pmon.snapshot(ctx); err != nil {
			return r, err
		}
	}
	cpu0, err := procCPU(t.srv.pid())
	if err != nil {
		return r, err
	}
	start := time.Now()
	sum, err := Run(ctx, o, log)
	if err != nil {
		return r, err
	}
	cpu1, err := procCPU(t.srv.pid())
	if err != nil {
		return r, fmt.Errorf("%w (%v)", err, t.srv.alive())
	}
	r.Summary, r.ServerCPU = sum, cpu1-cpu0
	if t.redis {
		after, err := rmon.snapshot(ctx)
		if err != nil {
			return r, err
		}
		r.Redis = rmon.delta(rBefore, after)
	}
	if t.pg {
		if t.store != "" {
			if err := sleep(ctx, c.Settle); err != nil {
				return r, err
			}
		}
		after, err := pmon.snapshot(ctx)
		if err != nil {
			return r, err
		}
		d := diffPG(pBefore, after)
		r.PG = &d
	}
	r.WatchSeconds = round3(time.Since(start).Seconds())
	return r, t.srv.alive()
}

func sleep(ctx context.Context, d time.Duration) error {
	select {
	case <-time.After(d):
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

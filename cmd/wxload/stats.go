package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/redis/go-redis/v9"
)

// clockTick is USER_HZ, the unit of utime and stime in /proc/<pid>/stat:
// 100 on every Linux build that matters (sysconf(_SC_CLK_TCK) needs cgo).
const clockTick = 10 * time.Millisecond

// parseProcStat reads utime + stime (fields 14 and 15) from the text of
// /proc/<pid>/stat. The command name (field 2) is in parentheses and may
// itself hold spaces and parentheses, so fields are counted from the last
// ')'.
func parseProcStat(s string) (time.Duration, error) {
	i := strings.LastIndexByte(s, ')')
	if i < 0 {
		return 0, errors.New("proc stat: no ')' after the command name")
	}
	f := strings.Fields(s[i+1:]) // f[0] is field 3 (state)
	if len(f) < 13 {
		return 0, fmt.Errorf("proc stat: %d fields after the command name, want at least 13", len(f))
	}
	utime, err1 := strconv.ParseInt(f[11], 10, 64)
	stime, err2 := strconv.ParseInt(f[12], 10, 64)
	if err := errors.Join(err1, err2); err != nil {
		return 0, fmt.Errorf("proc stat: utime/stime: %w", err)
	}
	return time.Duration(utime+stime) * clockTick, nil
}

// procCPU is the user + system CPU time a process has used so far (all its
// threads).
func procCPU(pid int) (time.Duration, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, err
	}
	return parseProcStat(string(b))
}

// parseCommandStats reads the calls of each command from the text of Redis
// `INFO commandstats`:
//
//	# Commandstats
//	cmdstat_set:calls=18235,usec=196171,usec_per_call=10.76,rejected_calls=0,failed_calls=0
//
// Subcommands come as cmdstat_client|setname; they are kept as named.
func parseCommandStats(s string) (map[string]int64, error) {
	calls := map[string]int64{}
	sc := bufio.NewScanner(strings.NewReader(s))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		name, rest, ok := strings.Cut(line, ":")
		if !ok || !strings.HasPrefix(name, "cmdstat_") {
			continue
		}
		found := false
		for field := range strings.SplitSeq(rest, ",") {
			k, v, _ := strings.Cut(field, "=")
			if k != "calls" {
				continue
			}
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil {
				return nil, fmt.Errorf("commandstats: %s: calls=%q", name, v)
			}
			calls[strings.TrimPrefix(name, "cmdstat_")] = n
			found = true
		}
		if !found {
			return nil, fmt.Errorf("commandstats: no calls in %q", line)
		}
	}
	return calls, sc.Err()
}

// deltas is after − before, key by key, leaving out keys that did not
// change (a key missing before counts from 0: commandstats lists a command
// only once it has been called).
func deltas(before, after map[string]int64) map[string]int64 {
	d := map[string]int64{}
	for k, a := range after {
		if n := a - before[k]; n != 0 {
			d[k] = n
		}
	}
	return d
}

// total is the sum of m's values.
func total(m map[string]int64) int64 {
	var n int64
	for _, v := range m {
		n += v
	}
	return n
}

// sortedKeys are m's keys by value, largest first, then by name.
func sortedKeys[V int64 | float64](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b string) int {
		if m[a] != m[b] {
			if m[a] > m[b] {
				return -1
			}
			return 1
		}
		return strings.Compare(a, b)
	})
	return keys
}

// redisMonitor reads INFO commandstats of the Redis envoybot uses. The
// counts are the whole server's: other clients of a shared Redis add to
// them (which the echo rounds, where envoybot is idle, show).
type redisMonitor struct{ c *redis.Client }

func newRedisMonitor(ctx context.Context, url string) (*redisMonitor, error) {
	opt, err := redis.ParseURL(url)
	if err != nil {
		return nil, fmt.Errorf("redis url: %w", err)
	}
	c := redis.NewClient(opt)
	if err := c.Ping(ctx).Err(); err != nil {
		c.Close()
		return nil, fmt.Errorf("redis: %w", err)
	}
	return &redisMonitor{c: c}, nil
}

// snapshot is the calls of every command so far. Our own INFO is counted
// by Redis after it answers, so each snapshot adds one `info` call to the
// next one; delta takes it off.
func (m *redisMonitor) snapshot(ctx context.Context) (map[string]int64, error) {
	s, err := m.c.Info(ctx, "commandstats").Result()
	if err != nil {
		return nil, fmt.Errorf("redis INFO commandstats: %w", err)
	}
	return parseCommandStats(s)
}

// delta is the commands run between two snapshots, without the monitor's
// own INFO.
func (m *redisMonitor) delta(before, after map[string]int64) map[string]int64 {
	d := deltas(before, after)
	if d["info"]--; d["info"] <= 0 {
		delete(d, "info")
	}
	return d
}

// deleteKeys removes the keys under prefix (never with an empty prefix).
func (m *redisMonitor) deleteKeys(ctx context.Context, prefix string) (int, error) {
	if prefix == "" {
		return 0, errors.New("no key prefix: refusing to delete")
	}
	n := 0
	iter := m.c.Scan(ctx, 0, prefix+"*", 500).Iterator()
	var batch []string
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		err := m.c.Del(ctx, batch...).Err()
		n += len(batch)
		batch = batch[:0]
		return err
	}
	for iter.Next(ctx) {
		batch = append(batch, iter.Val())
		if len(batch) == 500 {
			if err := flush(); err != nil {
				return n, err
			}
		}
	}
	if err := iter.Err(); err != nil {
		return n, err
	}
	return n, flush()
}

func (m *redisMonitor) Close() error { return m.c.Close() }

// pgCounters are PostgreSQL's cumulative counters for one database.
type pgCounters struct {
	Commits, Rollbacks, RowsWritten int64
	// NextXid is the cluster's next transaction id: only a transaction
	// that writes gets one, so its growth counts writing transactions
	// (every database's: give the run a server of its own, or read it
	// beside the echo rounds' background).
	NextXid int64
	// Statements are pg_stat_statements calls by query; nil when the
	// extension is not available.
	Statements map[string]int64
	// BackendCPU is the CPU time of each backend connected to the database
	// (by PID, from /proc); a backend that started during a run counts
	// from 0.
	BackendCPU map[int]time.Duration
}

// pgDelta is what happened in the database during one run.
type pgDelta struct {
	Commits     int64            `json:"commits"`
	WriteXacts  int64            `json:"write_xacts"` // transaction ids assigned, cluster-wide
	Rollbacks   int64            `json:"rollbacks"`
	RowsWritten int64            `json:"rows_written"`           // tup_inserted + tup_updated + tup_deleted
	Statements  int64            `json:"statements"`             // -1: pg_stat_statements not available
	ByStatement map[string]int64 `json:"by_statement,omitempty"` // the query text (as normalised by pg_stat_statements) and its calls
	BackendCPU  time.Duration    `json:"backend_cpu_ns"`
}

func diffPG(before, after pgCounters) pgDelta {
	d := pgDelta{
		Commits:     after.Commits - before.Commits,
		WriteXacts:  after.NextXid - before.NextXid,
		Rollbacks:   after.Rollbacks - before.Rollbacks,
		RowsWritten: after.RowsWritten - before.RowsWritten,
		Statements:  -1,
	}
	if after.Statements != nil {
		d.ByStatement = deltas(before.Statements, after.Statements)
		d.Statements = total(d.ByStatement)
	}
	for pid, a := range after.BackendCPU {
		if n := a - before.BackendCPU[pid]; n > 0 {
			d.BackendCPU += n
		}
	}
	return d
}

// pgMonitor reads pg_stat_database (and pg_stat_statements when the server
// preloads it) for the database envoybot uses, from a connection to another
// database (-pg-monitor-db), so that its own queries are not counted.
// pg_stat_database counts every client of the database: give the run a
// database of its own.
//
// Backends report their counters to pg_stat_database when they go idle,
// at most once a second, and a backend that reported less than a second
// ago waits until it has been idle 10 s (PostgreSQL 15's
// PGSTAT_IDLE_INTERVAL). A snapshot is therefore complete only about 11 s
// after the load stopped: the compare waits -settle before it.
type pgMonitor struct {
	conn       *pgx.Conn
	db         string
	statements bool
	note       string // why statements are not available, or how they are counted
}

func newPGMonitor(ctx context.Context, url, monitorDB string) (*pgMonitor, error) {
	cfg, err := pgx.ParseConfig(url)
	if err != nil {
		return nil, fmt.Errorf("database url: %w", err)
	}
	m := &pgMonitor{db: cfg.Database}
	if m.db == "" {
		return nil, errors.New("database url names no database")
	}
	if m.db == monitorDB {
		return nil, fmt.Errorf("the load's database is the monitor's (%s): give the run a database of its own", monitorDB)
	}
	cfg.Database = monitorDB
	if m.conn, err = pgx.ConnectConfig(ctx, cfg); err != nil {
		return nil, fmt.Errorf("postgres monitor (database %s): %w", monitorDB, err)
	}
	var preload string
	if err := m.conn.QueryRow(ctx, "SELECT current_setting('shared_preload_libraries')").Scan(&preload); err != nil {
		m.conn.Close(ctx)
		return nil, fmt.Errorf("postgres monitor: %w", err)
	}
	switch {
	case !strings.Contains(preload, "pg_stat_statements"):
		m.note = "statements unavailable: pg_stat_statements is not in shared_preload_libraries (only commits are counted)"
	default:
		if _, err := m.conn.Exec(ctx, "CREATE EXTENSION IF NOT EXISTS pg_stat_statements"); err != nil {
			m.note = "statements unavailable: CREATE EXTENSION pg_stat_statements: " + err.Error()
		} else {
			m.statements = true
			m.note = "statements from pg_stat_statements (calls of the database's statements)"
		}
	}
	return m, nil
}

// sessions counts the sessions connected to the database now.
func (m *pgMonitor) sessions(ctx context.Context) (int, error) {
	var n int
	err := m.conn.QueryRow(ctx, "SELECT count(*) FROM pg_stat_activity WHERE datname = $1", m.db).Scan(&n)
	return n, err
}

func (m *pgMonitor) snapshot(ctx context.Context) (pgCounters, error) {
	var c pgCounters
	// Each statement outside a transaction sees fresh counters
	// (stats_fetch_consistency caches only within a transaction).
	err := m.conn.QueryRow(ctx, `SELECT xact_commit, xact_rollback, tup_inserted + tup_updated + tup_deleted
		FROM pg_stat_database WHERE datname = $1`, m.db).Scan(&c.Commits, &c.Rollbacks, &c.RowsWritten)
	if err != nil {
		return c, fmt.Errorf("pg_stat_database: %w", err)
	}
	// Reading the snapshot assigns no transaction id of its own.
	if err := m.conn.QueryRow(ctx, `SELECT pg_snapshot_xmax(pg_current_snapshot())::text::bigint`).Scan(&c.NextXid); err != nil {
		return c, fmt.Errorf("next xid: %w", err)
	}
	c.BackendCPU = map[int]time.Duration{}
	rows, err := m.conn.Query(ctx, "SELECT pid FROM pg_stat_activity WHERE datname = $1", m.db)
	if err != nil {
		return c, fmt.Errorf("pg_stat_activity: %w", err)
	}
	pids, err := pgx.CollectRows(rows, pgx.RowTo[int32])
	if err != nil {
		return c, fmt.Errorf("pg_stat_activity: %w", err)
	}
	for _, pid := range pids {
		if cpu, err := procCPU(int(pid)); err == nil { // a backend may have just gone
			c.BackendCPU[int(pid)] = cpu
		}
	}
	if !m.statements {
		return c, nil
	}
	rows, err = m.conn.Query(ctx, `SELECT s.query, sum(s.calls)::bigint FROM pg_stat_statements s
		JOIN pg_database d ON d.oid = s.dbid WHERE d.datname = $1 GROUP BY s.query`, m.db)
	if err != nil {
		return c, fmt.Errorf("pg_stat_statements: %w", err)
	}
	c.Statements = map[string]int64{}
	for rows.Next() {
		var q string
		var n int64
		if err := rows.Scan(&q, &n); err != nil {
			rows.Close()
			return c, fmt.Errorf("pg_stat_statements: %w", err)
		}
		c.Statements[strings.Join(strings.Fields(q), " ")] += n
	}
	return c, rows.Err()
}

func (m *pgMonitor) Close() error { return m.conn.Close(context.Background()) }

// loadAverage is the first three fields of /proc/loadavg.
func loadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "unknown"
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "unknown"
	}
	return strings.Join(f[:3], " ")
}

package main

import (
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
)

// median of xs (the mean of the middle two for an even count); NaN for
// none.
func median(xs []float64) float64 {
	if len(xs) == 0 {
		return math.NaN()
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	if n := len(s); n%2 == 1 {
		return s[n/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

// ratio is a/b, NaN when b is not positive.
func ratio(a, b float64) float64 {
	if !(b > 0) {
		return math.NaN()
	}
	return a / b
}

// targetFigures are one target's figures over the rounds of one mix:
// medians of the rounds. NaN where a figure was not measured.
type targetFigures struct {
	Target   string
	Rounds   []float64 // good replies a second, round by round
	MsgPerS  float64
	Ratio    float64 // MsgPerS / the echo's MsgPerS
	P50, P99 float64 // ms
	Sent     int64   // over the rounds
	Errors   int64
	ByError  map[string]int64

	// Per message.
	ServerCPU  float64 // µs
	LoadCPU    float64 // µs, wxload itself
	Redis      float64 // commands
	RedisByCmd map[string]float64
	Commits    float64
	WriteXacts float64 // transactions that wrote (cluster-wide)
	Rollbacks  float64
	Statements float64 // NaN: pg_stat_statements not available
	ByStmt     map[string]float64
	RowsWrite  float64
	BackendCPU float64 // µs, the database's backends

	// Per second, over the rounds' watch: what others (or the idle
	// server) did; meant for the echo rounds.
	RedisPerS   float64
	CommitsPerS float64
	XactsPerS   float64 // writing transactions, cluster-wide
}

// figures summarises the rounds of one target (results of one target and
// one mix) against the echo's median throughput.
func figures(target string, rs []roundResult, echoMsgPerS float64) targetFigures {
	f := targetFigures{Target: target, ByError: map[string]int64{}, RedisByCmd: map[string]float64{}, ByStmt: map[string]float64{}}
	var p50, p99, srv, load, redisPer, commits, xacts, rollbacks, stmts, rows, backend, redisPerS, commitsPerS, xactsPerS []float64
	cmds, queries := map[string]bool{}, map[string]bool{}
	for _, r := range rs {
		for k := range r.Redis {
			cmds[k] = true
		}
		if r.PG != nil {
			for k := range r.PG.ByStatement {
				queries[k] = true
			}
		}
	}
	byCmd, byStmt := map[string][]float64{}, map[string][]float64{}
	for _, r := range rs {
		s := r.Summary
		f.Rounds = append(f.Rounds, s.Throughput)
		f.Sent += s.Sent
		f.Errors += s.Sent - s.OK
		for k, n := range s.Errors {
			f.ByError[k] += n
		}
		p50, p99 = append(p50, s.Latency.P50), append(p99, s.Latency.P99)
		n := float64(s.Sent)
		if n == 0 {
			continue
		}
		srv = append(srv, r.ServerCPU.Seconds()*1e6/n)
		load = append(load, s.ClientCPUSeconds*1e6/n)
		if r.Redis != nil {
			redisPer = append(redisPer, float64(total(r.Redis))/n)
			if s.Seconds > 0 {
				redisPerS = append(redisPerS, float64(total(r.Redis))/s.Seconds)
			}
			for k := range cmds {
				byCmd[k] = append(byCmd[k], float64(r.Redis[k])/n)
			}
		}
		if r.PG != nil {
			commits = append(commits, float64(r.PG.Commits)/n)
			xacts = append(xacts, float64(r.PG.WriteXacts)/n)
			rollbacks = append(rollbacks, float64(r.PG.Rollbacks)/n)
			rows = append(rows, float64(r.PG.RowsWritten)/n)
			backend = append(backend, r.PG.BackendCPU.Seconds()*1e6/n)
			if r.PG.Statements >= 0 {
				stmts = append(stmts, float64(r.PG.Statements)/n)
				for k := range queries {
					byStmt[k] = append(byStmt[k], float64(r.PG.ByStatement[k])/n)
				}
			}
			if r.WatchSeconds > 0 {
				commitsPerS = append(commitsPerS, float64(r.PG.Commits)/r.WatchSeconds)
				xactsPerS = append(xactsPerS, float64(r.PG.WriteXacts)/r.WatchSeconds)
			}
		}
	}
	f.MsgPerS = median(f.Rounds)
	f.Ratio = ratio(f.MsgPerS, echoMsgPerS)
	f.P50, f.P99 = median(p50), median(p99)
	f.ServerCPU, f.LoadCPU = median(srv), median(load)
	f.Redis, f.Commits, f.Rollbacks, f.Statements = median(redisPer), median(commits), median(rollbacks), median(stmts)
	f.RowsWrite, f.BackendCPU, f.WriteXacts = median(rows), median(backend), median(xacts)
	f.RedisPerS, f.CommitsPerS, f.XactsPerS = median(redisPerS), median(commitsPerS), median(xactsPerS)
	for k, xs := range byCmd {
		f.RedisByCmd[k] = median(xs)
	}
	for k, xs := range byStmt {
		f.ByStmt[k] = median(xs)
	}
	return f
}

// mixFigures are the figures of every target for one mix, the echo first.
func mixFigures(rep *compareReport, mix string) []targetFigures {
	byTarget := map[string][]roundResult{}
	for _, r := range rep.Results {
		if r.Mix == mix {
			byTarget[r.Target] = append(byTarget[r.Target], r)
		}
	}
	echo := median(throughputs(byTarget[echoName]))
	var fs []targetFigures
	for _, t := range rep.Targets {
		if rs := byTarget[t]; len(rs) > 0 {
			fs = append(fs, figures(t, rs, echo))
		}
	}
	return fs
}

func throughputs(rs []roundResult) []float64 {
	var xs []float64
	for _, r := range rs {
		xs = append(xs, r.Summary.Throughput)
	}
	return xs
}

// writeReport prints the report as Markdown.
func writeReport(w io.Writer, rep *compareReport) {
	fmt.Fprintf(w, "# wxload compare, %s\n\n", rep.Started.Format("2006-01-02 15:04 UTC"))
	fmt.Fprintf(w, "- load: %s\n", rep.Load)
	fmt.Fprintf(w, "- machine: %s; load average %s before, %s after\n", rep.Machine, rep.LoadBefore, orUnknown(rep.LoadAfter))
	fmt.Fprintf(w, "- %s\n", rep.Pinning)
	fmt.Fprintf(w, "- envoybot: %s\n", rep.Envoybot)
	for _, n := range rep.Notes {
		fmt.Fprintf(w, "- %s\n", n)
	}
	rounds := 0
	for _, r := range rep.Results {
		rounds = max(rounds, r.Round)
	}
	for _, mix := range rep.Mixes {
		fs := mixFigures(rep, mix.Name)
		if len(fs) == 0 {
			continue
		}
		fmt.Fprintf(w, "\n## Mix %s (%s)\n\n", mix.Name, mix)
		fmt.Fprintf(w, "Good replies a second, every reply checked; medians of %d rounds.\n\n", rounds)
		fmt.Fprintln(w, "| target | msg/s by round | median msg/s | envoybot/echo | p50 ms | p99 ms | messages | errors |")
		fmt.Fprintln(w, "|---|---|---:|---:|---:|---:|---:|---:|")
		for _, f := range fs {
			byRound := make([]string, len(f.Rounds))
			for i, x := range f.Rounds {
				byRound[i] = thousands(x)
			}
			errs := strconv.FormatInt(f.Errors, 10)
			if len(f.ByError) > 0 {
				var kinds []string
				for _, k := range sortedKeys(f.ByError) {
					kinds = append(kinds, fmt.Sprintf("%s %d", k, f.ByError[k]))
				}
				errs += " (" + strings.Join(kinds, ", ") + ")"
			}
			fmt.Fprintf(w, "| %s | %s | %s | %s | %s | %s | %s | %s |\n", f.Target, strings.Join(byRound, " · "),
				thousands(f.MsgPerS), num(f.Ratio, 3), num(f.P50, 1), num(f.P99, 1), thousands(float64(f.Sent)), errs)
		}
		fmt.Fprintf(w, "\nPer message (medians of %d rounds):\n\n", rounds)
		fmt.Fprintln(w, "| target | server CPU µs | wxload CPU µs | Redis commands | PG commits | PG writing xacts | PG rollbacks | PG statements | PG rows written | PG backends CPU µs |")
		fmt.Fprintln(w, "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
		for _, f := range fs {
			if f.Target == echoName {
				fmt.Fprintf(w, "| %s | %s | %s | — | — | — | — | — | — | — |\n", f.Target, num(f.ServerCPU, 0), num(f.LoadCPU, 0))
				continue
			}
			stmts := num(f.Statements, 2)
			if math.IsNaN(f.Statements) && !math.IsNaN(f.Commits) {
				stmts = "n/a"
			}
			fmt.Fprintf(w, "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n", f.Target, num(f.ServerCPU, 0), num(f.LoadCPU, 0),
				num(f.Redis, 2), num(f.Commits, 2), num(f.WriteXacts, 3), num(f.Rollbacks, 2), stmts, num(f.RowsWrite, 2), num(f.BackendCPU, 0))
		}
		for _, f := range fs {
			if f.Target == echoName {
				if !math.IsNaN(f.RedisPerS) || !math.IsNaN(f.CommitsPerS) {
					fmt.Fprintf(w, "\nMeanwhile, during the echo rounds (envoybot idle): Redis %s commands/s (other clients of the server), the database %s commits/s (envoybot's scheduler and dispatchers, other clients), the server %s writing transactions/s (every database's).\n",
						num(f.RedisPerS, 0), num(f.CommitsPerS, 1), num(f.XactsPerS, 1))
				}
				continue
			}
			if len(f.RedisByCmd) > 0 {
				fmt.Fprintf(w, "\nRedis commands per message, %s: %s\n", f.Target, perMessageList(f.RedisByCmd, 0))
			}
			if len(f.ByStmt) > 0 {
				fmt.Fprintf(w, "\nPostgreSQL statements per message, %s (the 10 most frequent):\n\n", f.Target)
				for _, q := range sortedKeys(f.ByStmt)[:min(10, len(f.ByStmt))] {
					fmt.Fprintf(w, "- %s `%s`\n", rate(f.ByStmt[q]), shorten(q, 120))
				}
			}
		}
	}
	fmt.Fprintln(w, "\nserver CPU: utime + stime of the server process (/proc/PID/stat) over the round; PG counters from pg_stat_database of the run's database (commits include read-only transactions); PG backends CPU: the database's backends, from /proc.")
}

// perMessageList is "set 1.00, evalsha 1.00, …", largest first, without
// those below minimum.
func perMessageList(m map[string]float64, minimum float64) string {
	var parts []string
	for _, k := range sortedKeys(m) {
		if m[k] > minimum {
			parts = append(parts, k+" "+rate(m[k]))
		}
	}
	return strings.Join(parts, ", ")
}

// rate is a per-message figure with two decimals, "<0.01" for a positive
// one that would show as 0.00.
func rate(x float64) string {
	if x > 0 && x < 0.005 {
		return "<0.01"
	}
	return num(x, 2)
}

// num formats x with prec decimals, "—" for NaN.
func num(x float64, prec int) string {
	if math.IsNaN(x) {
		return "—"
	}
	return strconv.FormatFloat(x, 'f', prec, 64)
}

// thousands is x rounded, with thousands separators: 13570 → "13,570".
func thousands(x float64) string {
	if math.IsNaN(x) {
		return "—"
	}
	s := strconv.FormatInt(int64(math.Round(x)), 10)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

func shorten(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n]) + "…"
	}
	return s
}

func orUnknown(s string) string {
	if s == "" {
		return "unknown"
	}
	return s
}

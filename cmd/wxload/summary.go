package main

import (
	"math"
	"slices"
	"sync"
	"time"
)

// Summary is wxload's JSON output.
type Summary struct {
	Target      string         `json:"target"` // envoybot or bare-echo
	URL         string         `json:"url"`
	Mode        string         `json:"mode"` // plain or safe
	Loop        string         `json:"loop"` // closed or open
	Concurrency int            `json:"concurrency,omitempty"`
	Rate        float64        `json:"rate_per_s,omitempty"`
	Users       int            `json:"users"`
	Activity    string         `json:"activity,omitempty"`
	Mix         map[string]int `json:"mix"`
	Notes       []string       `json:"notes,omitempty"`
	Setup       *SetupSummary  `json:"setup,omitempty"`

	Sent       int64            `json:"sent"`
	OK         int64            `json:"ok"`
	Errors     map[string]int64 `json:"errors"`
	Seconds    float64          `json:"seconds"`
	Throughput float64          `json:"throughput_per_s"` // good replies a second
	// Latency is over every request sent, good or not.
	Latency LatencyMS            `json:"latency_ms"`
	ByKind  map[string]KindStats `json:"by_kind"`
	// ClientCPUSeconds is the CPU wxload itself used during the run, on a
	// machine it may share with the target.
	ClientCPUSeconds float64 `json:"client_cpu_s"`
}

// LatencyMS are latency percentiles in milliseconds.
type LatencyMS struct {
	P50  float64 `json:"p50"`
	P90  float64 `json:"p90"`
	P99  float64 `json:"p99"`
	Max  float64 `json:"max"`
	Mean float64 `json:"mean"`
}

// KindStats are the figures of one kind of message.
type KindStats struct {
	Sent  int64   `json:"sent"`
	OK    int64   `json:"ok"`
	P50MS float64 `json:"p50_ms"`
	P99MS float64 `json:"p99_ms"`
}

// collector gathers outcomes from concurrent senders.
type collector struct {
	mu       sync.Mutex
	outcomes []outcome
}

func newCollector() *collector { return &collector{outcomes: make([]outcome, 0, 1<<16)} }

func (c *collector) add(o outcome) {
	o.Reply = "" // not kept: the summary needs only the verdict
	c.mu.Lock()
	c.outcomes = append(c.outcomes, o)
	c.mu.Unlock()
}

// summarise fills sum's counts and figures from the outcomes of a run that
// took elapsed.
func (c *collector) summarise(sum *Summary, elapsed time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	sum.Errors = map[string]int64{}
	sum.ByKind = map[string]KindStats{}
	all := make([]time.Duration, 0, len(c.outcomes))
	byKind := map[string][]time.Duration{}
	for _, o := range c.outcomes {
		sum.Sent++
		ks := sum.ByKind[o.Kind]
		ks.Sent++
		if o.Err == "" {
			sum.OK++
			ks.OK++
		} else {
			sum.Errors[o.Err]++
		}
		sum.ByKind[o.Kind] = ks
		all = append(all, o.Latency)
		byKind[o.Kind] = append(byKind[o.Kind], o.Latency)
	}
	sum.Seconds = round3(elapsed.Seconds())
	if elapsed > 0 {
		sum.Throughput = math.Round(float64(sum.OK)/elapsed.Seconds()*10) / 10
	}
	sum.Latency = latencies(all)
	for kind, ls := range byKind {
		ks := sum.ByKind[kind]
		l := latencies(ls)
		ks.P50MS, ks.P99MS = l.P50, l.P99
		sum.ByKind[kind] = ks
	}
}

// latencies sorts ls and returns its percentiles (nearest rank).
func latencies(ls []time.Duration) LatencyMS {
	if len(ls) == 0 {
		return LatencyMS{}
	}
	slices.Sort(ls)
	var total time.Duration
	for _, l := range ls {
		total += l
	}
	return LatencyMS{
		P50:  ms(percentile(ls, 50)),
		P90:  ms(percentile(ls, 90)),
		P99:  ms(percentile(ls, 99)),
		Max:  ms(ls[len(ls)-1]),
		Mean: ms(total / time.Duration(len(ls))),
	}
}

// percentile is the nearest-rank p-th percentile of sorted ls.
func percentile(sorted []time.Duration, p float64) time.Duration {
	rank := int(math.Ceil(p / 100 * float64(len(sorted))))
	return sorted[min(max(rank, 1), len(sorted))-1]
}

func ms(d time.Duration) float64 { return round3(float64(d) / float64(time.Millisecond)) }

func round3(x float64) float64 { return math.Round(x*1000) / 1000 }

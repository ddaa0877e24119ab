package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"envoybot/bot/wxsign"
)

// options are wxload's flags.
type options struct {
	URL         string
	Safe        bool
	Token       string
	AppID       string
	AESKey      string
	Users       int
	First       int // number of the pool's first user (OpenID and mobile)
	Prefix      string
	Mix         []weight
	Activity    string
	Invite      string
	Concurrency int
	Rate        float64
	MaxInFlight int
	N           int64
	Duration    time.Duration
	Timeout     time.Duration
	Echo        bool
	NoSetup     bool // envoybot already set up (users registered, Activity published)
}

// busyText is the start of envoybot's reply when a handler failed.
const busyText = "系统繁忙"

// loader sends messages and checks replies.
type loader struct {
	o      options
	signer wxsign.Signer
	client *http.Client
	users  []string
	picker picker
	stats  *collector
}

func newLoader(o options) *loader {
	conns := max(o.Concurrency, 64)
	if o.Rate > 0 {
		conns = max(conns, o.MaxInFlight)
	}
	tr := &http.Transport{
		Proxy:               nil,
		DialContext:         (&net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
		MaxIdleConns:        conns,
		MaxIdleConnsPerHost: conns,
		IdleConnTimeout:     90 * time.Second,
		DisableCompression:  true,
	}
	l := &loader{o: o, signer: o.signer(), client: &http.Client{Transport: tr, Timeout: o.Timeout}, stats: newCollector()}
	for i := range o.Users {
		l.users = append(l.users, fmt.Sprintf("%s%05d", o.Prefix, o.First+i))
	}
	return l
}

// outcome is one request's result.
type outcome struct {
	Kind    string
	Latency time.Duration
	Err     string // "" when the reply was good
	Reply   string
}

// send posts text from openID and checks the reply; kind names the message
// for the checks and the summary.
func (l *loader) send(ctx context.Context, kind, openID, text string) outcome {
	req := l.signer.Post(l.o.URL, l.signer.TextXML(openID, text, wxsign.NextMsgID()), l.o.Safe)
	req = req.WithContext(ctx)
	start := time.Now()
	out := l.do(req, kind, text)
	out.Latency = time.Since(start)
	return out
}

func (l *loader) do(req *http.Request, kind, text string) outcome {
	out := outcome{Kind: kind}
	resp, err := l.client.Do(req)
	if err != nil {
		out.Err = transportKind(err)
		return out
	}
	if resp.StatusCode != http.StatusOK {
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		out.Err = fmt.Sprintf("status_%d", resp.StatusCode)
		return out
	}
	reply, err := l.signer.ReadReply(resp, l.o.Safe)
	if err != nil {
		var ne net.Error
		if errors.As(err, &ne) {
			out.Err = transportKind(err)
		} else {
			out.Err = "bad_reply"
		}
		return out
	}
	out.Reply = reply
	out.Err = l.check(kind, text, reply)
	return out
}

// check judges a decoded reply: every text deserves a non-empty answer that
// is not the busy reply; the echo repeats the text; a sign-up or check-in
// reply names its activity.
func (l *loader) check(kind, text, reply string) string {
	switch {
	case reply == "":
		return "empty_reply"
	case strings.HasPrefix(reply, busyText):
		return "busy_reply"
	case l.o.Echo && reply != text:
		return "echo_mismatch"
	case !l.o.Echo && needsActivity[kind] && !strings.Contains(reply, l.o.Activity):
		return "unexpected_reply"
	}
	return ""
}

func transportKind(err error) string {
	var ne net.Error
	switch {
	case errors.Is(err, context.Canceled):
		return "cancelled"
	case errors.Is(err, context.DeadlineExceeded), errors.As(err, &ne) && ne.Timeout():
		return "timeout"
	case errors.Is(err, syscall.ECONNREFUSED):
		return "refused"
	case errors.Is(err, syscall.ECONNRESET), errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return "reset"
	}
	return "transport"
}

// message is the text of message number seq: a kind drawn by weight and a
// user of the pool, both a function of seq.
func (l *loader) message(seq int64) (kind, openID, text string) {
	r := rand.New(rand.NewPCG(uint64(seq), 0x77786c6f6164))
	kind = l.picker.pick(r)
	openID = l.users[r.IntN(len(l.users))]
	return kind, openID, kindTexts[kind](l.o.Activity)
}

// closedLoop runs o.Concurrency workers, each sending its next message when
// its reply is in, until the count or the deadline is reached.
func (l *loader) closedLoop(ctx context.Context, deadline time.Time) {
	var next atomic.Int64
	var wg sync.WaitGroup
	for range l.o.Concurrency {
		wg.Go(func() {
			for ctx.Err() == nil {
				if !deadline.IsZero() && !time.Now().Before(deadline) {
					return
				}
				seq := next.Add(1) - 1
				if l.o.N > 0 && seq >= l.o.N {
					return
				}
				kind, openID, text := l.message(seq)
				l.stats.add(l.send(ctx, kind, openID, text))
			}
		})
	}
	wg.Wait()
}

// openLoop sends o.Rate messages a second on schedule, whatever the replies
// do; a message's latency counts from when it was due, so that a server
// falling behind shows in the figures. Beyond o.MaxInFlight outstanding
// requests a due message is not sent and counts as overload.
func (l *loader) openLoop(ctx context.Context, deadline time.Time) {
	interval := time.Duration(float64(time.Second) / l.o.Rate)
	start := time.Now()
	slots := make(chan struct{}, l.o.MaxInFlight)
	var wg sync.WaitGroup
	for seq := int64(0); l.o.N == 0 || seq < l.o.N; seq++ {
		due := start.Add(time.Duration(seq) * interval)
		if !deadline.IsZero() && !due.Before(deadline) {
			break
		}
		if d := time.Until(due); d > 0 {
			select {
			case <-time.After(d):
			case <-ctx.Done():
			}
		}
		if ctx.Err() != nil {
			break
		}
		kind, openID, text := l.message(seq)
		select {
		case slots <- struct{}{}:
		default:
			l.stats.add(outcome{Kind: kind, Err: "overload", Latency: time.Since(due)})
			continue
		}
		wg.Go(func() {
			defer func() { <-slots }()
			out := l.send(ctx, kind, openID, text)
			out.Latency = time.Since(due)
			l.stats.add(out)
		})
	}
	wg.Wait()
}

// Run sets up (unless the target is the echo), loads the target and
// summarises.
func Run(ctx context.Context, o options, log *slog.Logger) (*Summary, error) {
	if o.Timeout <= 0 {
		o.Timeout = 10 * time.Second
	}
	if o.MaxInFlight <= 0 {
		o.MaxInFlight = 2048
	}
	l := newLoader(o)
	sum := &Summary{Target: "envoybot", URL: o.URL, Mode: "plain", Users: o.Users, Mix: map[string]int{}}
	if o.Safe {
		sum.Mode = "safe"
	}
	if o.Echo {
		sum.Target = "bare-echo"
		if l.o.Activity == "" {
			l.o.Activity = "A1"
		}
	} else if !o.NoSetup {
		setup, err := l.setUp(ctx, log)
		sum.Setup = setup
		if err != nil {
			return nil, err
		}
	}
	mix := l.o.Mix
	if l.o.Activity == "" {
		var dropped []string
		mix, dropped = without(mix, needsActivity)
		if len(dropped) > 0 {
			sum.Notes = append(sum.Notes, fmt.Sprintf("no -activity or -invite: %s left out of the mix", strings.Join(dropped, ", ")))
		}
		if len(mix) == 0 {
			return nil, errors.New("nothing left in the mix: sign-up and check-in need -activity or -invite")
		}
	}
	sum.Activity = l.o.Activity
	for _, w := range mix {
		sum.Mix[w.Kind] = w.Weight
	}
	l.picker = newPicker(mix)

	var deadline time.Time
	cpu0 := cpuTime()
	start := time.Now()
	if o.Duration > 0 {
		deadline = start.Add(o.Duration)
	}
	if o.Rate > 0 {
		sum.Loop, sum.Rate = "open", o.Rate
		log.Info("open loop", slog.Float64("rate", o.Rate), slog.Duration("duration", o.Duration), slog.Int64("n", o.N))
		l.openLoop(ctx, deadline)
	} else {
		sum.Loop, sum.Concurrency = "closed", o.Concurrency
		log.Info("closed loop", slog.Int("connections", o.Concurrency), slog.Duration("duration", o.Duration), slog.Int64("n", o.N))
		l.closedLoop(ctx, deadline)
	}
	elapsed := time.Since(start)
	l.stats.summarise(sum, elapsed)
	sum.ClientCPUSeconds = round3((cpuTime() - cpu0).Seconds())
	return sum, nil
}

// cpuTime is the user and system CPU time of this process so far, to show
// how much of the machine the load generator itself took.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

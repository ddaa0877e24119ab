// Command wxload plays WeChat under load: it posts signed (and in safe mode
// encrypted) text messages from a pool of users to a /wechat endpoint,
// checks every reply (decrypted and its MsgSignature verified in safe
// mode), and prints a JSON summary: sent, ok, errors by kind, throughput
// and latency percentiles.
//
// Against envoybot it first registers each user once (注册 …) and, given an
// invite code, binds an envoy who publishes an activity with a large quota,
// so that the mix can sign up and check in:
//
//	envoybot invite --role envoy --name 压测使者   # prints CODE
//	wxload -invite CODE -users 200 -c 32 -d 20s
//	wxload -safe -activity A3 -rate 300 -d 20s
//
// The same client measures a bare echo built only from the
// silenceper/wechat SDK, the limit of our own stack on this machine:
//
//	wxload -serve-echo :9090 &
//	wxload -echo -url http://127.0.0.1:9090/wechat -c 32 -d 20s
//
// wxload compare runs both side by side: the echo and envoybot (built from
// the repository, or -envoybot BINARY; on the embedded store and/or on
// PostgreSQL + Redis) as child processes pinned to their own CPU with
// taskset when it exists, the same load against each, rounds alternated,
// and reports medians, the ratio envoybot/echo and, per message, the
// server's CPU time, Redis commands and PostgreSQL commits:
//
//	wxload compare -d 10s
//	wxload compare -stores embedded,postgres -database-url postgres://…/wxload_bench -redis-url redis://127.0.0.1:6379/0
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"envoybot/bot/wxsign"
	"envoybot/configs"
)

func main() { os.Exit(run(os.Args[1:], os.Stdout, os.Stderr)) }

func run(args []string, stdout, stderr io.Writer) int {
	if len(args) > 0 && args[0] == "compare" {
		ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
		defer stop()
		return runCompare(ctx, args[1:], stdout, stderr)
	}
	fs := flag.NewFlagSet("wxload", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var o options
	fs.StringVar(&o.URL, "url", "http://127.0.0.1:8080/wechat", "the callback under load")
	fs.BoolVar(&o.Safe, "safe", false, "safe mode: encrypt messages, decrypt and verify replies")
	fs.StringVar(&o.Token, "token", configs.DevToken, "WeChat token")
	fs.StringVar(&o.AppID, "appid", configs.DevAppID, "AppID (safe mode)")
	fs.StringVar(&o.AESKey, "aeskey", configs.DevAESKey, "EncodingAESKey (safe mode)")
	fs.IntVar(&o.Users, "users", 100, "size of the pool of OpenIDs")
	fs.StringVar(&o.Prefix, "prefix", "o-wxload-", "start of the pool's OpenIDs")
	fs.IntVar(&o.First, "first", 0, "number of the pool's first user, so that a second wxload beside another (e.g. one follower flooding) has its own OpenIDs and mobiles")
	mix := fs.String("mix", "help=1,signup=1,checkin=1,my_hours=1,lectures=1", "weights of the message kinds: "+kindList())
	fs.StringVar(&o.Activity, "activity", "", "activity code for sign-up and check-in (one that exists)")
	fs.StringVar(&o.Invite, "invite", "", "envoy invite code: bind an envoy and publish an activity for sign-up and check-in")
	fs.IntVar(&o.Concurrency, "c", 32, "closed loop: connections, each sending its next message when the reply is in")
	fs.Float64Var(&o.Rate, "rate", 0, "open loop: messages per second, sent on schedule whatever the replies do (overrides -c)")
	fs.IntVar(&o.MaxInFlight, "max-inflight", 2048, "open loop: requests in flight before further ones count as overload")
	fs.Int64Var(&o.N, "n", 0, "stop after this many messages (0: no limit)")
	fs.DurationVar(&o.Duration, "d", 0, "stop after this long (default 10s when -n is not set)")
	fs.DurationVar(&o.Timeout, "timeout", 10*time.Second, "per-request timeout")
	fs.BoolVar(&o.Echo, "echo", false, "the target is the bare echo (-serve-echo): no set-up, and a reply must repeat the message")
	serveEcho := fs.String("serve-echo", "", "serve the bare silenceper/wechat echo fixture on this address instead (e.g. :9090)")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: wxload [flags]\n       wxload -serve-echo ADDR\n       wxload compare [flags]   (the echo and envoybot side by side; wxload compare -h)")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return 2
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	if *serveEcho != "" {
		return serveEchoFixture(ctx, *serveEcho, o.Token, o.AppID, o.AESKey, stderr)
	}
	var err error
	if o.Mix, err = parseMix(*mix); err != nil {
		fmt.Fprintln(stderr, "wxload: -mix:", err)
		return 2
	}
	if o.N == 0 && o.Duration == 0 {
		o.Duration = 10 * time.Second
	}
	if o.Users < 1 || o.Concurrency < 1 || o.Rate < 0 {
		fmt.Fprintln(stderr, "wxload: -users and -c must be at least 1, -rate not negative")
		return 2
	}
	log := slog.New(slog.NewTextHandler(stderr, nil))
	sum, err := Run(ctx, o, log)
	if err != nil {
		fmt.Fprintln(stderr, "wxload:", err)
		return 1
	}
	enc := json.NewEncoder(stdout)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(sum); err != nil {
		fmt.Fprintln(stderr, "wxload:", err)
		return 1
	}
	if sum.OK == 0 {
		return 1
	}
	return 0
}

// serveEchoFixture runs the bare echo until ctx ends.
func serveEchoFixture(ctx context.Context, addr, token, appID, aesKey string, stderr io.Writer) int {
	srv := &http.Server{Addr: addr, Handler: NewEchoServer(token, appID, aesKey), ReadHeaderTimeout: 5 * time.Second}
	errc := make(chan error, 1)
	go func() { errc <- srv.ListenAndServe() }()
	fmt.Fprintf(stderr, "wxload: bare silenceper/wechat echo serving on %s (POST /wechat)\n", addr)
	select {
	case err := <-errc:
		fmt.Fprintln(stderr, "wxload:", err)
		return 1
	case <-ctx.Done():
	}
	shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdown); err != nil && !errors.Is(err, http.ErrServerClosed) {
		fmt.Fprintln(stderr, "wxload:", err)
		return 1
	}
	return 0
}

// signer is the Signer for o.
func (o *options) signer() wxsign.Signer {
	return wxsign.Signer{Token: o.Token, AppID: o.AppID, AESKey: o.AESKey}
}

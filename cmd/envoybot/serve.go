package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"
	"os/signal"
	"syscall"
	"time"

	"envoybot/configs"
)

// runServe runs the HTTP server until SIGINT or SIGTERM, then shuts down
// in order: stop accepting, finish requests, send late replies, close.
func runServe(ctx context.Context, cfg *configs.Config, stderr io.Writer) int {
	if cfg.Embedded() {
		release, err := lockDataDir(cfg.DataDir)
		if err != nil {
			fmt.Fprintf(stderr, "envoybot: %v\n", err)
			return 1
		}
		defer release()
	}
	log := newLogger(stderr, cfg.LogLevel)
	if cfg.UsingDevToken() {
		log.Warn("using the development WeChat token: for local trials only, set ENVOYBOT_WECHAT_TOKEN for a real account",
			slog.String("token", configs.DevToken), slog.String("app_id", configs.DevAppID), slog.String("aes_key", configs.DevAESKey),
			slog.String("admin", configs.DevAdminName+" / "+configs.DevAdminPassword))
	}
	if cfg.Embedded() && cfg.CampaignFile == cfg.DemoCampaignPath() {
		log.Warn("demo data: this data directory holds the fake dataset of `envoybot demo`, and its campaign is the demo's",
			slog.String("campaign_file", cfg.CampaignFile))
	}
	ctx, stop := signal.NotifyContext(ctx, syscall.SIGINT, syscall.SIGTERM)
	defer stop()

	a, err := openApp(ctx, cfg, log, time.Now)
	if err != nil {
		log.Error("cannot start", slog.Any("error", err))
		return 1
	}
	// What libraries write with the standard log package becomes JSON too
	// (set once serving: a failed start in a test leaves the default alone).
	slog.SetDefault(log)
	if err := a.startBackground(); err != nil {
		log.Error("cannot start the scheduler", slog.Any("error", err))
		_ = a.close(context.Background())
		return 1
	}
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		log.Error("cannot listen", slog.String("addr", cfg.Addr), slog.Any("error", err))
		_ = a.close(context.Background())
		return 1
	}
	srv := &http.Server{
		Handler:           a.handler,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       10 * time.Second,
		WriteTimeout:      15 * time.Second,
		IdleTimeout:       90 * time.Second,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	store := "embedded:" + cfg.SQLitePath()
	if !cfg.Embedded() {
		store = "postgres:" + configs.Mask(cfg.DatabaseURL)
	}
	cache := "in-process"
	if cfg.RedisURL != "" {
		cache = "redis:" + configs.Mask(cfg.RedisURL)
	}
	attrs := []any{slog.String("addr", ln.Addr().String()), slog.String("store", store), slog.String("cache", cache),
		slog.String("wechat_url", localURL(ln.Addr())+"/wechat"), slog.String("admin_url", localURL(ln.Addr())+"/admin/")}
	if cfg.UsingDevToken() {
		attrs = append(attrs, slog.String("chat_simulator", localURL(ln.Addr())+"/dev/chat"))
	}
	log.Info("envoybot serving", attrs...)

	if cfg.PprofAddr != "" {
		go servePprof(cfg.PprofAddr, log)
	}
	errc := make(chan error, 2)
	go func() { errc <- srv.Serve(ln) }()
	var msrv *http.Server
	if cfg.MetricsOn() {
		mln, err := net.Listen("tcp", cfg.MetricsAddr)
		if err != nil {
			log.Error("cannot listen for metrics", slog.String("metrics_addr", cfg.MetricsAddr), slog.Any("error", err))
			_ = srv.Close()
			_ = a.close(context.Background())
			return 1
		}
		msrv = &http.Server{Handler: a.metrics, ReadHeaderTimeout: 5 * time.Second, WriteTimeout: 15 * time.Second,
			ErrorLog: slog.NewLogLogger(log.Handler(), slog.LevelWarn)}
		log.Info("metrics serving", slog.String("url", localURL(mln.Addr())+"/metrics"), slog.Bool("token", cfg.MetricsToken != ""))
		go func() { errc <- msrv.Serve(mln) }()
	}
	select {
	case err := <-errc:
		log.Error("server stopped", slog.Any("error", err))
		_ = a.close(context.Background())
		return 1
	case <-ctx.Done():
	}
	log.Info("shutting down")
	// Requests get the reply deadline to finish; handlers that outlived
	// theirs get their own timeout plus time to send the late reply.
	httpCtx, cancelHTTP := context.WithTimeout(context.Background(), cfg.WeChat.ReplyDeadline+time.Second)
	defer cancelHTTP()
	if err := srv.Shutdown(httpCtx); err != nil && !errors.Is(err, http.ErrServerClosed) {
		log.Warn("shutdown", slog.Any("error", err))
	}
	if msrv != nil {
		_ = msrv.Close()
	}
	lateCtx, cancelLate := context.WithTimeout(context.Background(), cfg.WeChat.HandlerTimeout+cfg.WeChat.APITimeout+time.Second)
	defer cancelLate()
	if err := a.close(lateCtx); err != nil {
		log.Warn("close", slog.Any("error", err))
	}
	log.Info("stopped")
	return 0
}

// runMigrate applies the migrations (opening the store does) and reports
// the schema version.
func runMigrate(ctx context.Context, cfg *configs.Config, stdout, stderr io.Writer) int {
	log := newLogger(stderr, cfg.LogLevel)
	st, err := openStore(ctx, cfg)
	if err != nil {
		log.Error("migrate", slog.Any("error", err))
		return 1
	}
	defer st.Close()
	v, ok := st.(interface {
		Version(context.Context) (int64, error)
	})
	if !ok {
		fmt.Fprintln(stdout, "migrations applied")
		return 0
	}
	n, err := v.Version(ctx)
	if err != nil {
		log.Error("migrate: read version", slog.Any("error", err))
		return 1
	}
	fmt.Fprintf(stdout, "migrations applied; schema version %d\n", n)
	return 0
}

// localURL is how to reach addr from this machine: an unspecified host
// (":8080", "[::]:8080") becomes localhost.
func localURL(addr net.Addr) string {
	host, port, err := net.SplitHostPort(addr.String())
	if err != nil {
		return "http://" + addr.String()
	}
	if ip := net.ParseIP(host); host == "" || (ip != nil && ip.IsUnspecified()) {
		host = "localhost"
	}
	return "http://" + net.JoinHostPort(host, port)
}

// servePprof serves Go's profiler on its own address, apart from the
// public one.
func servePprof(addr string, log *slog.Logger) {
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	log.Info("profiler serving", slog.String("addr", addr))
	srv := &http.Server{Addr: addr, Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	if err := srv.ListenAndServe(); err != nil {
		log.Warn("profiler stopped", slog.Any("error", err))
	}
}

package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"envoybot/bot"
	"envoybot/bot/wxapi"
	"envoybot/bot/wxsign"
	"envoybot/configs"
	"envoybot/handlers"
	"envoybot/scheduler"
	"envoybot/store"
	"envoybot/store/idseal"
	"envoybot/store/memory"
	rediscache "envoybot/store/redis"
	"envoybot/store/sqlstore"
	"envoybot/web/admin"
	"envoybot/web/certificate"
	"envoybot/web/devchat"
)

// app is envoybot wired together: store, cache, WeChat API client, router
// and the HTTP handler. Tests build it the same way serve does.
type app struct {
	cfg      *configs.Config
	log      *slog.Logger
	store    store.Store
	cache    store.Cache
	api      *wxapi.Client
	callback *bot.Callback
	handler  http.Handler
	// metrics serves /metrics, on its own listener (metrics_addr).
	metrics http.Handler
	ops     *opsMetrics

	replica    string
	now        func() time.Time
	dispatcher *scheduler.Dispatcher
	scheduler  *scheduler.Scheduler
	background sync.WaitGroup
	stopBG     context.CancelFunc
}

// openStore opens PostgreSQL when configured, else the embedded database;
// either way its migrations run first.
func openStore(ctx context.Context, cfg *configs.Config) (store.Store, error) {
	if cfg.Embedded() {
		return sqlstore.OpenSQLite(ctx, cfg.SQLitePath())
	}
	return sqlstore.OpenPostgres(ctx, cfg.DatabaseURL)
}

// openCache opens Redis when configured, else an in-process cache.
// go-redis's own log lines go to log.
func openCache(ctx context.Context, cfg *configs.Config, log *slog.Logger) (store.Cache, error) {
	if cfg.RedisURL == "" {
		return memory.New(), nil
	}
	rediscache.SetLogger(log)
	return rediscache.Open(ctx, cfg.RedisURL, cfg.RedisPrefix)
}

// sendingCache is where the dispatcher keeps the account's send rate and
// the daily quota pause (45009): the shared cache with Redis; on the
// embedded store, the database, because the in-process cache is not shared
// with the other processes on it (a server and `envoybot jobs run`).
func sendingCache(cfg *configs.Config, st store.Store, cache store.Cache) store.Cache {
	if db, ok := st.(*sqlstore.DB); ok && cfg.RedisURL == "" {
		return db.SharedCache()
	}
	return cache
}

// openApp opens the store and cache cfg names and builds the app on them.
// The campaign's communities are added to the store first, so that the
// store's list is the known list users are matched against.
func openApp(ctx context.Context, cfg *configs.Config, log *slog.Logger, now func() time.Time) (*app, error) {
	st, err := openStore(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("open store: %w", err)
	}
	added, err := st.AddCommunities(ctx, cfg.Campaign.Communities, now())
	if err != nil {
		_ = st.Close()
		return nil, fmt.Errorf("add the configured communities: %w", err)
	}
	if added > 0 {
		log.Info("configured communities added", slog.Int("added", added), slog.Int("configured", len(cfg.Campaign.Communities)))
	}
	cache, err := openCache(ctx, cfg, log)
	if err != nil {
		_ = st.Close()
		return nil, fmt.Errorf("open cache: %w", err)
	}
	return newApp(cfg, st, cache, log, now), nil
}

// newApp wires the app on an open store and cache, which it then owns.
// now is the clock (time.Now in production).
func newApp(cfg *configs.Config, st store.Store, cache store.Cache, log *slog.Logger, now func() time.Time) *app {
	a := &app{cfg: cfg, log: log, store: st, cache: cache, replica: replicaName(), now: now}
	wc := effectiveWeChat(cfg)
	a.api = wxapi.New(wxapi.Config{AppID: wc.AppID, Secret: wc.Secret, APIBase: wc.APIBase, Timeout: wc.APITimeout}, cache, log)
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	a.ops = newOpsMetrics(reg, st, now, log)
	a.metrics = metricsHandler(reg, cfg.MetricsToken, log)
	a.dispatcher = scheduler.NewDispatcher(st, sendingCache(cfg, st, cache), countingSender{a.api, a.ops}, cfg.Notices, cfg.Location(), a.replica, log, now)

	ids := idKeyring(cfg, log)
	rd := certificateRenderer(cfg, log)

	router := handlers.NewRouter(handlers.Deps{
		Store: st, Cache: cache, QR: a.api,
		Campaign: cfg.Campaign, Rules: cfg.Rules, Location: cfg.Location(), AdminURL: cfg.Admin.PublicURL,
		IDs: ids, Issuer: cfg.CertificateIssuer(), VolunteerPrefix: cfg.Records.VolunteerNumberPrefix,
		Requests: cfg.Requests, Logger: log, Now: now,
	})
	a.callback = bot.NewCallback(bot.Config{
		Token:           wc.Token,
		AppID:           wc.AppID,
		AESKey:          wc.AESKey,
		TimestampWindow: wc.TimestampWindow,
		ReplyDeadline:   wc.ReplyDeadline,
		HandlerTimeout:  wc.HandlerTimeout,
		DedupTTL:        wc.DedupTTL,
		MaxBodyBytes:    wc.MaxBodyBytes,
		MenuKeys:        wc.MenuKeys,
		BusyText:        handlers.Text.Busy,
		Limit: bot.FollowerLimit{
			PerMinute: wc.FollowerLimit.PerMinute, Burst: wc.FollowerLimit.Burst,
			BurstWindow: configs.BurstWindow, Text: handlers.TextTooManyMessages,
		},
	}, router, bot.Deps{Cache: cache, Record: st, Inbox: st, Sender: a.api, Logger: log, Metrics: bot.NewMetrics(reg), Now: now})

	mux := http.NewServeMux()
	mux.Handle("/wechat", a.callback)
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		_, _ = w.Write([]byte("ok\n"))
	})
	mux.HandleFunc("GET /readyz", a.ready)
	mux.Handle("GET "+handlers.QRPath, handlers.NewCheckinQRs(st, a.api, cfg.Rules.QRExpiry, log))
	mux.Handle("/admin/", admin.New(admin.Deps{Store: st, Cache: cache, Config: cfg, IDs: ids, Certificates: rd, Log: log, Now: now}))
	certs := certificate.Handler(certificate.Deps{Store: st, Renderer: rd, Log: log})
	mux.Handle("GET /verify/", certs)
	mux.Handle("GET /certificates/", certs)
	mux.Handle("GET /{$}", http.RedirectHandler("/admin/", http.StatusSeeOther))
	if cfg.UsingDevToken() {
		// The simulator signs with the development credentials: it exists
		// only while they are in use, never in a configured deployment.
		dc := devchat.New(devchat.Deps{
			Signer:   wxsign.Signer{Token: wc.Token, AppID: wc.AppID, AESKey: wc.AESKey, Now: now},
			Target:   a.callback,
			Invite:   a.devInvite,
			MenuKeys: wc.MenuKeys,
			Log:      log,
		})
		mux.Handle(devchat.Path, dc)
		mux.Handle(devchat.Path+"/", dc)
	}
	a.handler = mux
	return a
}

// idKeyring is the keyring of the configured ID keys (records.id_keys), or
// nil, which turns 实名 off, when there are none.
func idKeyring(cfg *configs.Config, log *slog.Logger) *idseal.Keyring {
	var keys []idseal.Key
	for _, k := range cfg.EffectiveIDKeys() {
		b, err := configs.DecodeIDKey(k.Key) // Load has checked it
		if err != nil {
			log.Error("ID key unusable: 实名 is off", slog.String("key", k.Name), slog.Any("error", err))
			return nil
		}
		keys = append(keys, idseal.Key{Name: k.Name, Key: b})
	}
	if len(keys) == 0 {
		log.Warn("no ID key configured (records.id_keys): 实名 is off, certificates need it")
		return nil
	}
	ring, err := idseal.New(keys)
	if err != nil {
		log.Error("ID keys unusable: 实名 is off", slog.Any("error", err))
		return nil
	}
	return ring
}

// certificateRenderer writes certificates in the configured font, or the
// embedded one when it cannot be read.
func certificateRenderer(cfg *configs.Config, log *slog.Logger) *certificate.Renderer {
	fonts, err := certificate.LoadFonts(cfg.Records.FontFile)
	if err != nil {
		log.Error("certificate font unusable, using the embedded one", slog.Any("error", err))
		fonts, _ = certificate.LoadFonts("")
	}
	return &certificate.Renderer{Fonts: fonts, Contact: cfg.Records.IssuerContact, PublicURL: cfg.Admin.PublicURL, Loc: cfg.Location()}
}

// devInvite issues an invite for the chat simulator, as `envoybot invite`
// does.
func (a *app) devInvite(ctx context.Context, role, name string) (string, error) {
	inv := store.NewInvite{Role: store.Role(role), Name: name, ExpiresAt: a.now().Add(a.cfg.Rules.InviteTTL)}
	if inv.Role == store.RoleEnvoy {
		inv.EnvoyKind = "和谐使者"
	}
	return createInvite(ctx, a.store, inv, a.now())
}

// jobsFor returns the scheduled jobs by name, on the app's store.
func (a *app) jobsFor() map[string]scheduler.Job {
	js := &scheduler.Jobs{Store: a.store, Campaign: a.cfg.Campaign, Rules: a.cfg.Rules, Sched: a.cfg.Schedules, Requests: a.cfg.Requests, Loc: a.cfg.Location(), Log: a.log,
		Media: a.api, DataDir: a.cfg.DataDir}
	out := map[string]scheduler.Job{}
	for _, j := range js.All() {
		out[j.Name] = j
	}
	return out
}

// startBackground starts the scheduled jobs and the outbox dispatcher.
func (a *app) startBackground() error {
	a.scheduler = scheduler.New(a.store, a.replica, a.cfg.Schedules.JobLease, a.cfg.Location(), a.log, a.now)
	for _, j := range a.jobsFor() {
		if err := a.scheduler.Add(a.ops.countJob(j)); err != nil {
			return err
		}
	}
	a.scheduler.Start()
	a.startDispatcher()
	return nil
}

// startDispatcher starts draining the outbox, and taking over the chat
// messages other replicas left unfinished in the inbox, until close.
func (a *app) startDispatcher() {
	ctx, stop := context.WithCancel(context.Background())
	a.stopBG = stop
	a.background.Add(2)
	go func() { defer a.background.Done(); a.dispatcher.Run(ctx) }()
	go func() { defer a.background.Done(); a.callback.RunInbox(ctx) }()
}

// effectiveWeChat is the WeChat configuration with the development
// defaults filled in: with the development token, safe mode works too, with
// a development AppID and EncodingAESKey that the README names.
func effectiveWeChat(cfg *configs.Config) configs.WeChat {
	wc := cfg.WeChat
	if wc.Token == "" {
		wc.Token = configs.DevToken
	}
	if cfg.UsingDevToken() {
		if wc.AppID == "" {
			wc.AppID = configs.DevAppID
		}
		if wc.AESKey == "" {
			wc.AESKey = configs.DevAESKey
		}
	}
	return wc
}

// ready answers 200 when the store and the cache answer, 503 otherwise.
func (a *app) ready(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	var errs []error
	if err := a.store.Ping(ctx); err != nil {
		errs = append(errs, fmt.Errorf("store: %w", err))
	}
	if err := a.cache.Ping(ctx); err != nil {
		errs = append(errs, fmt.Errorf("cache: %w", err))
	}
	if err := errors.Join(errs...); err != nil {
		// Details go to the log, not to whoever asks.
		a.log.Warn("not ready", slog.Any("error", err))
		http.Error(w, "not ready", http.StatusServiceUnavailable)
		return
	}
	_, _ = w.Write([]byte("ready\n"))
}

// close stops the scheduler and dispatcher, waits for late replies
// (bounded by ctx) and closes cache and store.
func (a *app) close(ctx context.Context) error {
	var errs []error
	if a.scheduler != nil {
		errs = append(errs, a.scheduler.Stop(ctx))
	}
	if a.stopBG != nil {
		a.stopBG()
		a.background.Wait()
	}
	errs = append(errs, a.callback.Wait(ctx), a.cache.Close(), a.store.Close())
	return errors.Join(errs...)
}

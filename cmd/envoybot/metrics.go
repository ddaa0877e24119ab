package main

import (
	"context"
	"crypto/subtle"
	"errors"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"envoybot/bot/wxapi"
	"envoybot/scheduler"
	"envoybot/store"
)

// opsMetrics are the series an operator alerts on beside the callback's
// (bot.Metrics): what the dispatcher sends, how the jobs run, and the
// outbox's backlog, read from the store at every scrape.
type opsMetrics struct {
	sends   *prometheus.CounterVec
	jobRuns *prometheus.CounterVec
}

// newOpsMetrics registers the operator's series with reg. The backlog is
// read from outbox as of now() when Prometheus scrapes.
func newOpsMetrics(reg prometheus.Registerer, outbox store.OutboxMonitor, now func() time.Time, log *slog.Logger) *opsMetrics {
	m := &opsMetrics{
		sends: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "envoybot_notice_sends_total",
			Help: "Calls to WeChat sending a notice, by channel (customer, template) and outcome (ok, errcode_<n>, temporary, error).",
		}, []string{"channel", "outcome"}),
		jobRuns: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "envoybot_job_runs_total",
			Help: "Scheduled job runs on this replica, by job and outcome (ok, failed, panicked).",
		}, []string{"job", "outcome"}),
	}
	build := prometheus.NewGaugeVec(prometheus.GaugeOpts{
		Name: "envoybot_build_info",
		Help: "The running version (1 per replica): replicas of different versions are an upgrade in progress.",
	}, []string{"version"})
	build.WithLabelValues(version).Set(1)
	reg.MustRegister(m.sends, m.jobRuns, build, &backlogCollector{outbox: outbox, now: now, log: log})
	return m
}

// countJob wraps j's Run so that every run is counted by outcome.
func (m *opsMetrics) countJob(j scheduler.Job) scheduler.Job {
	run := j.Run
	j.Run = func(ctx context.Context, now time.Time) (err error) {
		outcome := "panicked"
		defer func() { m.jobRuns.WithLabelValues(j.Name, outcome).Inc() }()
		err = run(ctx, now)
		outcome = "ok"
		if err != nil {
			outcome = "failed"
		}
		return err
	}
	return j
}

// countingSender is the dispatcher's Sender with every call counted.
type countingSender struct {
	scheduler.Sender
	m *opsMetrics
}

// SendText sends a customer-service message.
func (s countingSender) SendText(ctx context.Context, openID, text string) error {
	err := s.Sender.SendText(ctx, openID, text)
	s.m.sends.WithLabelValues(store.ChannelCustomer, sendOutcome(err)).Inc()
	return err
}

// SendTemplate sends a template message.
func (s countingSender) SendTemplate(ctx context.Context, openID, templateID, url string, data map[string]string) error {
	err := s.Sender.SendTemplate(ctx, openID, templateID, url, data)
	s.m.sends.WithLabelValues(store.ChannelTemplate, sendOutcome(err)).Inc()
	return err
}

// SendSubscribe sends a subscription notice.
func (s countingSender) SendSubscribe(ctx context.Context, openID, templateID, page string, data map[string]string) error {
	err := s.Sender.SendSubscribe(ctx, openID, templateID, page, data)
	s.m.sends.WithLabelValues(store.ChannelSubscribe, sendOutcome(err)).Inc()
	return err
}

// sendOutcome labels a send's result: WeChat's errcode when it gave one,
// else whether the error is worth retrying.
func sendOutcome(err error) string {
	var api *wxapi.APIError
	switch {
	case err == nil:
		return "ok"
	case errors.As(err, &api):
		return "errcode_" + strconv.FormatInt(api.Code, 10)
	case wxapi.IsTemporary(err):
		return "temporary"
	}
	return "error"
}

// backlogCollector reads the outbox's backlog at every scrape.
type backlogCollector struct {
	outbox store.OutboxMonitor
	now    func() time.Time
	log    *slog.Logger
}

var (
	backlogPending = prometheus.NewDesc("envoybot_outbox_pending",
		"Notices waiting in the outbox, due or not (shared by every replica).", nil, nil)
	backlogDue = prometheus.NewDesc("envoybot_outbox_due",
		"Pending notices whose time has come: the outbox depth a dispatcher should be draining.", nil, nil)
	backlogSending = prometheus.NewDesc("envoybot_outbox_sending",
		"Notices claimed by a dispatcher and not completed.", nil, nil)
	backlogOldest = prometheus.NewDesc("envoybot_outbox_oldest_due_age_seconds",
		"How long the due notice that has waited longest has waited; 0 when none is due.", nil, nil)
	backlogUp = prometheus.NewDesc("envoybot_outbox_backlog_up",
		"1 when the outbox backlog could be read at this scrape, 0 when the store did not answer.", nil, nil)
)

// Describe implements prometheus.Collector.
func (c *backlogCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{backlogPending, backlogDue, backlogSending, backlogOldest, backlogUp} {
		ch <- d
	}
}

// Collect implements prometheus.Collector: one read of the store, bounded
// so that a stalled database cannot hang the scrape.
func (c *backlogCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	at := c.now()
	b, err := c.outbox.OutboxBacklog(ctx, at)
	if err != nil {
		c.log.Warn("metrics: outbox backlog unreadable", slog.Any("error", err))
		ch <- prometheus.MustNewConstMetric(backlogUp, prometheus.GaugeValue, 0)
		return
	}
	age := 0.0
	if !b.OldestDue.IsZero() {
		age = max(at.Sub(b.OldestDue).Seconds(), 0)
	}
	ch <- prometheus.MustNewConstMetric(backlogUp, prometheus.GaugeValue, 1)
	ch <- prometheus.MustNewConstMetric(backlogPending, prometheus.GaugeValue, float64(b.Pending))
	ch <- prometheus.MustNewConstMetric(backlogDue, prometheus.GaugeValue, float64(b.Due))
	ch <- prometheus.MustNewConstMetric(backlogSending, prometheus.GaugeValue, float64(b.Sending))
	ch <- prometheus.MustNewConstMetric(backlogOldest, prometheus.GaugeValue, age)
}

// metricsHandler serves reg's series, behind a bearer token when token is
// set.
func metricsHandler(reg *prometheus.Registry, token string, log *slog.Logger) http.Handler {
	h := promhttp.HandlerFor(reg, promhttp.HandlerOpts{ErrorLog: slog.NewLogLogger(log.Handler(), slog.LevelWarn)})
	mux := http.NewServeMux()
	mux.HandleFunc("GET /metrics", func(w http.ResponseWriter, r *http.Request) {
		if token != "" && subtle.ConstantTimeCompare([]byte(r.Header.Get("Authorization")), []byte("Bearer "+token)) != 1 {
			w.Header().Set("WWW-Authenticate", `Bearer realm="envoybot metrics"`)
			http.Error(w, "401 metrics need the bearer token (metrics_token)", http.StatusUnauthorized)
			return
		}
		h.ServeHTTP(w, r)
	})
	return mux
}

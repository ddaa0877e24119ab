package bot

import "github.com/prometheus/client_golang/prometheus"

// Metrics are the callback's Prometheus series.
type Metrics struct {
	requests  *prometheus.CounterVec
	latency   prometheus.Histogram
	dedupHits prometheus.Counter
	late      *prometheus.CounterVec
	limited   prometheus.Counter
}

// NewMetrics registers the callback's series with reg.
func NewMetrics(reg prometheus.Registerer) *Metrics {
	m := &Metrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "envoybot_wechat_requests_total",
			Help: "WeChat callback requests by outcome (replied, empty, late, held (no answer, for WeChat to retry), dedup, limited, or the reason of a rejection).",
		}, []string{"outcome"}),
		latency: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "envoybot_wechat_reply_seconds",
			Help:    "Time from receiving a WeChat message to answering it.",
			Buckets: []float64{.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 4.5, 5},
		}),
		dedupHits: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "envoybot_wechat_dedup_hits_total",
			Help: "WeChat retries recognised as already received (their effects were not repeated).",
		}),
		late: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "envoybot_wechat_late_replies_total",
			Help: "Replies finished after the reply deadline and sent as customer-service messages, by result.",
		}, []string{"result"}),
		limited: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "envoybot_wechat_rate_limited_total",
			Help: "Follower messages over wechat.follower_limit: not handled (the first in a minute told so).",
		}),
	}
	reg.MustRegister(m.requests, m.latency, m.dedupHits, m.late, m.limited)
	return m
}

func (m *Metrics) outcome(o string) {
	if m != nil {
		m.requests.WithLabelValues(o).Inc()
		if o == "limited" {
			m.limited.Inc()
		}
	}
}

func (m *Metrics) observe(seconds float64) {
	if m != nil {
		m.latency.Observe(seconds)
	}
}

func (m *Metrics) dedupHit() {
	if m != nil {
		m.dedupHits.Inc()
	}
}

func (m *Metrics) lateReply(result string) {
	if m != nil {
		m.late.WithLabelValues(result).Inc()
	}
}

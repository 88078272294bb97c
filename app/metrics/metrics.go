// Package metrics exports the application's counters in the Prometheus format at
// /metrics: requests and latency per route, database statements, cache hits and
// misses, rate-limit rejections. Each server gets its own registry (no globals), so
// tests can run several.
package metrics

import (
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"eplatform/app/cache"
	"eplatform/app/limit"
	"eplatform/app/store"
)

// Metrics is one registry with the HTTP collectors.
type Metrics struct {
	reg      *prometheus.Registry
	requests *prometheus.CounterVec
	latency  *prometheus.HistogramVec
	// Gauges is for other parts (e.g. the realtime hub) to register what they count.
	Gauges prometheus.Registerer
}

// KeptStats is what an in-process store of rendered pieces reports (app/frag).
type KeptStats interface{ Stats() cache.LocalStats }

// New registers the collectors over db, the data cache c, the fragment and page stores
// and l.
func New(db *store.DB, c cache.Cache, fragments, pages KeptStats, l limit.Limiter) *Metrics {
	reg := prometheus.NewRegistry()
	m := &Metrics{
		reg: reg,
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "eplatform_http_requests_total", Help: "HTTP requests by route pattern, method and status code.",
		}, []string{"route", "method", "code"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "eplatform_http_request_duration_seconds", Help: "HTTP request latency by route pattern.",
			Buckets: []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5},
		}, []string{"route"}),
		Gauges: reg,
	}
	dbm := db.Metrics()
	counter := func(name, help string, f func() float64) prometheus.Collector {
		return prometheus.NewCounterFunc(prometheus.CounterOpts{Name: name, Help: help}, f)
	}
	reg.MustRegister(
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		m.requests, m.latency,
		counter("eplatform_db_queries_total", "SQL statements executed.", func() float64 { return float64(dbm.Queries.Load()) }),
		counter("eplatform_db_transactions_total", "Write transactions.", func() float64 { return float64(dbm.Transactions.Load()) }),
		counter("eplatform_db_busy_retries_total", "Write transactions retried after SQLITE_BUSY.", func() float64 { return float64(dbm.BusyRetries.Load()) }),
		counter("eplatform_db_writer_wait_seconds_total", "Time spent waiting for the writer connection.", func() float64 {
			return time.Duration(dbm.WriterWaitNs.Load()).Seconds()
		}),
		counter("eplatform_cache_errors_total", "Cache backend failures (the request went to the database).", func() float64 { return float64(c.Stats().Errors) }),
		counter("eplatform_ratelimit_allowed_total", "Requests a rate limit let through.", func() float64 { return float64(l.Stats().Allowed) }),
		counter("eplatform_ratelimit_rejections_total", "Requests refused with 429.", func() float64 { return float64(l.Stats().Rejected) }),
	)
	if replicas := db.Replicas(); len(replicas) > 0 {
		m.registerReplicas(db, len(replicas))
	}
	// Hits and misses of every cache, labelled: data (the data cache, memory or Redis),
	// fragments (rendered cards and shells) and pages (whole anonymous pages); bytes
	// held and evictions of the in-process stores.
	caches := map[string]func() cache.LocalStats{
		"data": func() cache.LocalStats {
			cs := c.Stats()
			return cache.LocalStats{Hits: cs.Hits, Misses: cs.Misses}
		},
		"fragments": fragments.Stats,
		"pages":     pages.Stats,
	}
	for name, stats := range caches {
		labels := prometheus.Labels{"cache": name}
		reg.MustRegister(
			prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "eplatform_cache_hits_total", Help: "Cache lookups that found the key.", ConstLabels: labels},
				func() float64 { return float64(stats().Hits) }),
			prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "eplatform_cache_misses_total", Help: "Cache lookups that did not.", ConstLabels: labels},
				func() float64 { return float64(stats().Misses) }),
		)
		if name != "data" {
			reg.MustRegister(
				prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "eplatform_cache_bytes", Help: "Bytes an in-process store holds.", ConstLabels: labels},
					func() float64 { return float64(stats().Bytes) }),
				prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "eplatform_cache_evictions_total", Help: "Entries an in-process store evicted for room.", ConstLabels: labels},
					func() float64 { return float64(stats().Evictions) }),
			)
		}
	}
	return m
}

// Handler serves /metrics.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{Registry: m.reg})
}

// Observe records one finished request; route is the ServeMux pattern that matched.
func (m *Metrics) Observe(route, method string, code int, d time.Duration) {
	if route == "" {
		route = "unmatched"
	}
	m.requests.WithLabelValues(route, method, strconv.Itoa(code)).Inc()
	if code != 101 { // a WebSocket's "duration" is its lifetime, not a latency
		m.latency.WithLabelValues(route).Observe(d.Seconds())
	}
}

// registerReplicas exports where reads went with PostgreSQL read replicas
// (store/replicas.go): reads per replica and on the primary, the fallbacks to the
// primary and why, each replica's health and lag as last polled.
func (m *Metrics) registerReplicas(db *store.DB, n int) {
	dbm := db.Metrics()
	counter := func(name, help string, labels prometheus.Labels, f func() float64) prometheus.Collector {
		return prometheus.NewCounterFunc(prometheus.CounterOpts{Name: name, Help: help, ConstLabels: labels}, f)
	}
	gauge := func(name, help string, labels prometheus.Labels, f func() float64) prometheus.Collector {
		return prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: name, Help: help, ConstLabels: labels}, f)
	}
	m.reg.MustRegister(
		counter("eplatform_db_primary_reads_total", "Reads served by the primary although replicas are configured.", nil,
			func() float64 { return float64(dbm.PrimaryReads.Load()) }),
		counter("eplatform_db_replica_fallbacks_total", "Reads sent to the primary because no replica was healthy.", nil,
			func() float64 { return float64(dbm.ReplicaFallbacks.Load()) }),
		counter("eplatform_db_read_your_writes_fallbacks_total", "Reads sent to the primary because no healthy replica had replayed the reader's last write.", nil,
			func() float64 { return float64(dbm.ReadYourWritesFallbacks.Load()) }),
	)
	for i := range n {
		status := func() store.ReplicaStatus { return db.Replicas()[i] }
		// The index keeps the series apart if one URL is given twice.
		labels := prometheus.Labels{"replica": status().URL, "index": strconv.Itoa(i)}
		m.reg.MustRegister(
			counter("eplatform_db_replica_reads_total", "Reads served by a read replica.", labels,
				func() float64 { return float64(status().Reads) }),
			gauge("eplatform_db_replica_healthy", "1 if the replica answered the last poll and is within the allowed lag.", labels,
				func() float64 {
					if status().Healthy {
						return 1
					}
					return 0
				}),
			gauge("eplatform_db_replica_lag_seconds", "How long ago the primary had written what the replica has not replayed.", labels,
				func() float64 { return status().Lag.Seconds() }),
		)
	}
}

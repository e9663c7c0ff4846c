package telemetry

import (
	"net/http"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/graphrun/graphrun/graph"
	"github.com/graphrun/graphrun/policies"
)

// Token kinds for [Metrics.AddTokens].
const (
	TokensPrompt     = "prompt"
	TokensCompletion = "completion"
	TokensWasted     = "wasted"
)

// Metrics holds the graphrun collectors in one registry. It is safe for
// concurrent use: any number of runs may share one Metrics.
type Metrics struct {
	reg *prometheus.Registry

	runsStarted   *prometheus.CounterVec
	runsFinished  *prometheus.CounterVec
	runsActive    *prometheus.GaugeVec
	runDuration   *prometheus.HistogramVec
	nodeDuration  *prometheus.HistogramVec
	nodeErrors    *prometheus.CounterVec
	retries       *prometheus.CounterVec
	fallbacks     *prometheus.CounterVec
	compensations *prometheus.CounterVec
	breakerState  *prometheus.GaugeVec
	cpDuration    *prometheus.HistogramVec
	cpBytes       *prometheus.HistogramVec
	tokens        *prometheus.CounterVec

	mu     sync.Mutex
	active map[string]time.Time // run id: start time
	now    func() time.Time
}

// NewMetrics returns metrics registered in a new registry, together with
// the Go runtime and process collectors.
func NewMetrics() *Metrics {
	m := &Metrics{
		reg:    prometheus.NewRegistry(),
		active: map[string]time.Time{},
		now:    time.Now,
	}
	m.runsStarted = m.counter("graphrun_runs_started_total",
		"Runs started or resumed, by graph.", "graph")
	m.runsFinished = m.counter("graphrun_runs_finished_total",
		"Runs finished, by graph and status (succeeded, failed, running when interrupted).",
		"graph", "status")
	m.runsActive = m.gauge("graphrun_runs_active",
		"Runs in progress, by graph.", "graph")
	m.runDuration = m.histogram("graphrun_run_duration_seconds",
		"Wall time of finished runs, by graph and status.",
		prometheus.ExponentialBuckets(0.1, 3, 10), "graph", "status")
	m.nodeDuration = m.histogram("graphrun_node_duration_seconds",
		"Time a task of a node took, all attempts included, by graph, node and outcome.",
		prometheus.ExponentialBuckets(0.005, 3, 11), "graph", "node", "outcome")
	m.nodeErrors = m.counter("graphrun_node_errors_total",
		"Node failures that outlived their retries, by graph, node and class.",
		"graph", "node", "class")
	m.retries = m.counter("graphrun_retries_total",
		"Retries scheduled, by graph, node and the class of the failed attempt.",
		"graph", "node", "class")
	m.fallbacks = m.counter("graphrun_fallbacks_total",
		"Failures routed to a fallback node, by graph, node, target and class.",
		"graph", "node", "target", "class")
	m.compensations = m.counter("graphrun_compensations_total",
		"Compensations run, by graph, node and outcome (ok or failed).",
		"graph", "node", "outcome")
	m.breakerState = m.gauge("graphrun_breaker_state",
		"1 for the current state of each breaker (closed, open, half-open), 0 otherwise.",
		"breaker", "state")
	m.cpDuration = m.histogram("graphrun_checkpoint_write_duration_seconds",
		"Time taken to write a checkpoint, by graph.",
		prometheus.ExponentialBuckets(0.0005, 3, 10), "graph")
	m.cpBytes = m.histogram("graphrun_checkpoint_size_bytes",
		"Size of the writes in each checkpoint, as JSON, by graph.",
		prometheus.ExponentialBuckets(256, 4, 8), "graph")
	m.tokens = m.counter("graphrun_model_tokens_total",
		"Model tokens, by provider, model and kind (prompt, completion, wasted).",
		"provider", "model", "kind")
	m.reg.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name: "graphrun_run_oldest_age_seconds",
		Help: "Age of the oldest run in progress; 0 when none is.",
	}, m.oldestAge))
	m.reg.MustRegister(collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

func (m *Metrics) counter(name, help string, labels ...string) *prometheus.CounterVec {
	c := prometheus.NewCounterVec(prometheus.CounterOpts{Name: name, Help: help}, labels)
	m.reg.MustRegister(c)
	return c
}

func (m *Metrics) gauge(name, help string, labels ...string) *prometheus.GaugeVec {
	g := prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: name, Help: help}, labels)
	m.reg.MustRegister(g)
	return g
}

func (m *Metrics) histogram(name, help string, buckets []float64,
	labels ...string) *prometheus.HistogramVec {
	h := prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: name, Help: help,
		Buckets: buckets}, labels)
	m.reg.MustRegister(h)
	return h
}

// Registry returns the registry that holds every collector.
func (m *Metrics) Registry() *prometheus.Registry { return m.reg }

// Handler returns an HTTP handler that serves the metrics in the
// Prometheus text format.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{Registry: m.reg})
}

// AddTokens counts n model tokens of kind (prompt, completion or wasted)
// spent with model at provider. Counts of zero or less are ignored.
func (m *Metrics) AddTokens(provider, model, kind string, n int) {
	if n <= 0 {
		return
	}
	m.tokens.WithLabelValues(provider, model, kind).Add(float64(n))
}

// WatchBreakers records the state of every breaker in b now and whenever
// one changes. The returned cancel stops the watch.
func (m *Metrics) WatchBreakers(b *policies.Breakers) (cancel func()) {
	cancel = b.Subscribe(func(c policies.BreakerChange) { m.setBreaker(c.Name, c.To) })
	for name, st := range b.States() {
		m.setBreaker(name, st)
	}
	return cancel
}

func (m *Metrics) setBreaker(name, state string) {
	for _, s := range []string{policies.StateClosed, policies.StateOpen, policies.StateHalfOpen} {
		v := 0.0
		if s == state {
			v = 1
		}
		m.breakerState.WithLabelValues(name, s).Set(v)
	}
}

func (m *Metrics) oldestAge() float64 {
	m.mu.Lock()
	defer m.mu.Unlock()
	var oldest time.Time
	for _, t := range m.active {
		if oldest.IsZero() || t.Before(oldest) {
			oldest = t
		}
	}
	if oldest.IsZero() {
		return 0
	}
	return m.now().Sub(oldest).Seconds()
}

// Listen updates the metrics from one event. It is a [graph.Listener].
func (m *Metrics) Listen(ev graph.Event) {
	switch ev.Kind {
	case graph.RunStarted:
		m.runsStarted.WithLabelValues(ev.Graph).Inc()
		m.runsActive.WithLabelValues(ev.Graph).Inc()
		m.mu.Lock()
		m.active[ev.Run] = m.now()
		m.mu.Unlock()
	case graph.RunFinished:
		status := string(ev.Status)
		m.runsFinished.WithLabelValues(ev.Graph, status).Inc()
		m.runsActive.WithLabelValues(ev.Graph).Dec()
		m.runDuration.WithLabelValues(ev.Graph, status).Observe(ev.Duration.Seconds())
		m.mu.Lock()
		delete(m.active, ev.Run)
		m.mu.Unlock()
	case graph.NodeSucceeded:
		m.nodeDuration.WithLabelValues(ev.Graph, ev.Node, "ok").Observe(ev.Duration.Seconds())
	case graph.NodeFailed:
		m.nodeDuration.WithLabelValues(ev.Graph, ev.Node, "failed").Observe(ev.Duration.Seconds())
		m.nodeErrors.WithLabelValues(ev.Graph, ev.Node, ev.Class).Inc()
	case graph.RetryScheduled:
		m.retries.WithLabelValues(ev.Graph, ev.Node, ev.Class).Inc()
	case graph.FallbackTaken:
		m.fallbacks.WithLabelValues(ev.Graph, ev.Node, ev.Target, ev.Class).Inc()
	case graph.CompensationRun:
		m.compensations.WithLabelValues(ev.Graph, ev.Node, "ok").Inc()
	case graph.CompensationFail:
		m.compensations.WithLabelValues(ev.Graph, ev.Node, "failed").Inc()
	case graph.BreakerChanged:
		m.setBreaker(ev.Breaker, ev.To)
	case graph.CheckpointSaved:
		m.cpDuration.WithLabelValues(ev.Graph).Observe(ev.Duration.Seconds())
		if ev.Bytes > 0 {
			m.cpBytes.WithLabelValues(ev.Graph).Observe(float64(ev.Bytes))
		}
	}
}

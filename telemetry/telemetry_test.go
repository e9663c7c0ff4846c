package telemetry_test

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"

	dto "github.com/prometheus/client_model/go"
	"github.com/stretchr/testify/require"

	"github.com/graphrun/graphrun/graph"
	"github.com/graphrun/graphrun/graph/checkpoint/memory"
	"github.com/graphrun/graphrun/policies"
)

// flakyGraph fails its first node once with a rate limit, then always
// with a server error, so that one run retries, falls back and finishes.
const flakyGraph = `
name: flaky
state:
  done: {type: bool}
policies:
  careful:
    retry: {max_attempts: 2, initial_interval: 1ms}
    fallback:
      - {on: [server_error], to: rescue}
nodes:
  work: {run: test.work, policy: careful}
  rescue: {run: test.rescue}
edges:
  - {from: START, to: work}
  - {from: work, to: END}
  - {from: rescue, to: END}
`

func flakyRegistry() *graph.Registry {
	var calls atomic.Int32
	reg := graph.NewRegistry()
	reg.Register("test.work", "fails", func(context.Context, graph.Input) (graph.Update, error) {
		if calls.Add(1) == 1 {
			return nil, policies.New(policies.RateLimit, errors.New("slow down"))
		}
		return nil, policies.New(policies.ServerError, errors.New("upstream broke"))
	})
	reg.Register("test.rescue", "recovers", func(context.Context, graph.Input) (graph.Update, error) {
		return graph.Update{"done": true}, nil
	})
	return reg
}

func runFlaky(t *testing.T, listeners ...graph.Listener) *graph.Result {
	t.Helper()
	g, err := graph.LoadData([]byte(flakyGraph), "flaky.yaml", flakyRegistry())
	require.NoError(t, err)
	e := graph.NewEngine(graph.Options{Store: memory.New(), Listeners: listeners})
	res, err := e.Run(context.Background(), g, graph.RunOptions{})
	require.NoError(t, err)
	return res
}

// value returns the value of the series name{labels}, or -1 when the
// registry holds no such series.
func value(t *testing.T, families []*dto.MetricFamily, name string,
	labels map[string]string) float64 {
	t.Helper()
	for _, f := range families {
		if f.GetName() != name {
			continue
		}
		for _, m := range f.GetMetric() {
			if !matches(m, labels) {
				continue
			}
			switch {
			case m.Counter != nil:
				return m.GetCounter().GetValue()
			case m.Gauge != nil:
				return m.GetGauge().GetValue()
			case m.Histogram != nil:
				return float64(m.GetHistogram().GetSampleCount())
			}
		}
	}
	return -1
}

func matches(m *dto.Metric, labels map[string]string) bool {
	seen := 0
	for _, lp := range m.GetLabel() {
		if want, ok := labels[lp.GetName()]; ok {
			if want != lp.GetValue() {
				return false
			}
			seen++
		}
	}
	return seen == len(labels)
}

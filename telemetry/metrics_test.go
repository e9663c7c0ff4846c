package telemetry_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/graphrun/graphrun/policies"
	"github.com/graphrun/graphrun/telemetry"
)

func TestMetricsAfterAKnownRun(t *testing.T) {
	m := telemetry.NewMetrics()
	runFlaky(t, m.Listen)
	families, err := m.Registry().Gather()
	require.NoError(t, err)

	tests := []struct {
		name   string
		metric string
		labels map[string]string
		want   float64
	}{
		{"one run started", "graphrun_runs_started_total",
			map[string]string{"graph": "flaky"}, 1},
		{"one run succeeded", "graphrun_runs_finished_total",
			map[string]string{"graph": "flaky", "status": "succeeded"}, 1},
		{"no run is left active", "graphrun_runs_active",
			map[string]string{"graph": "flaky"}, 0},
		{"the rate limit was retried once", "graphrun_retries_total",
			map[string]string{"node": "work", "class": "rate_limit"}, 1},
		{"the server error counts as a node error", "graphrun_node_errors_total",
			map[string]string{"node": "work", "class": "server_error"}, 1},
		{"the fallback was taken once", "graphrun_fallbacks_total",
			map[string]string{"node": "work", "target": "rescue"}, 1},
		{"the rescue node was timed", "graphrun_node_duration_seconds",
			map[string]string{"node": "rescue", "outcome": "ok"}, 1},
		{"every step wrote a checkpoint", "graphrun_checkpoint_write_duration_seconds",
			map[string]string{"graph": "flaky"}, 3},
		{"every checkpoint's size was observed", "graphrun_checkpoint_size_bytes",
			map[string]string{"graph": "flaky"}, 3},
		{"the run was timed", "graphrun_run_duration_seconds",
			map[string]string{"graph": "flaky", "status": "succeeded"}, 1},
		{"no run is in progress", "graphrun_run_oldest_age_seconds", nil, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, value(t, families, tt.metric, tt.labels))
		})
	}
}

func TestMetricNamesArePrefixed(t *testing.T) {
	m := telemetry.NewMetrics()
	runFlaky(t, m.Listen)
	m.AddTokens("primary", "gpt", telemetry.TokensPrompt, 1)
	families, err := m.Registry().Gather()
	require.NoError(t, err)
	for _, f := range families {
		name := f.GetName()
		if strings.HasPrefix(name, "go_") || strings.HasPrefix(name, "process_") {
			continue
		}
		assert.True(t, strings.HasPrefix(name, "graphrun_"), name)
	}
}

func TestAddTokens(t *testing.T) {
	tests := []struct {
		name string
		adds []int
		want float64
	}{
		{"counts add up", []int{10, 5}, 15},
		{"zero and negative counts are ignored", []int{0, -3, 2}, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := telemetry.NewMetrics()
			for _, n := range tt.adds {
				m.AddTokens("primary", "mini", telemetry.TokensCompletion, n)
			}
			families, err := m.Registry().Gather()
			require.NoError(t, err)
			got := value(t, families, "graphrun_model_tokens_total", map[string]string{
				"provider": "primary", "model": "mini", "kind": "completion"})
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestWatchBreakersFollowsStateChanges(t *testing.T) {
	b := policies.NewBreakers()
	require.NoError(t, b.Declare(policies.BreakerSpec{Name: "api", Failures: 1}))
	m := telemetry.NewMetrics()
	cancel := m.WatchBreakers(b)
	defer cancel()

	state := func(s string) float64 {
		families, err := m.Registry().Gather()
		require.NoError(t, err)
		return value(t, families, "graphrun_breaker_state",
			map[string]string{"breaker": "api", "state": s})
	}
	t.Run("a declared breaker starts closed", func(t *testing.T) {
		assert.Equal(t, 1.0, state("closed"))
		assert.Equal(t, 0.0, state("open"))
	})
}

func TestHandlerServesTheTextFormat(t *testing.T) {
	m := telemetry.NewMetrics()
	runFlaky(t, m.Listen)
	srv := httptest.NewServer(m.Handler())
	defer srv.Close()
	resp, err := http.Get(srv.URL)
	require.NoError(t, err)
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	assert.Contains(t, string(body),
		`graphrun_runs_finished_total{graph="flaky",status="succeeded"} 1`)
}

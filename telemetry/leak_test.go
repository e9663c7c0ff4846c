package telemetry_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/graphrun/graphrun/graph"
	"github.com/graphrun/graphrun/graph/checkpoint/sqlite"
	"github.com/graphrun/graphrun/graphs"
	"github.com/graphrun/graphrun/nodes"
	"github.com/graphrun/graphrun/nodes/llm"
	"github.com/graphrun/graphrun/nodes/llm/llmsim"
	"github.com/graphrun/graphrun/policies"
	"github.com/graphrun/graphrun/policies/policiestest"
	"github.com/graphrun/graphrun/telemetry"
)

// leakKey is a fake API key, easy to search for.
const leakKey = "sk-test-LEAKCHECK-7f3a9c1e5b"

func TestAPIKeyNeverLeaks(t *testing.T) {
	faults := map[policies.Class]float64{}
	for _, c := range llmsim.FaultClasses {
		faults[c] = 0.08
	}
	sim := httptest.NewServer(llmsim.New(llmsim.Options{Faults: faults, Seed: 7,
		Hold: time.Millisecond, RetryAfter: time.Millisecond}))
	defer sim.Close()

	dir := t.TempDir()
	db := filepath.Join(dir, "graphrun.db")
	client := func(provider string) *llm.Client {
		c, err := llm.New(llm.Config{Provider: provider, BaseURL: sim.URL + "/v1",
			APIKey: leakKey, Model: llmsim.DefaultModel, Timeout: 5 * time.Second})
		require.NoError(t, err)
		return c
	}
	var notices bytes.Buffer
	deps := &nodes.Deps{Primary: client("primary"), Backup: client("backup"), DB: db,
		Notice: &notices}
	defer deps.Close()
	data, file, ok := graphs.Lookup("mcq")
	require.True(t, ok)
	g, err := graph.LoadData(data, file, nodes.NewRegistry(deps))
	require.NoError(t, err)
	store, err := sqlite.Open(db, sqlite.Options{})
	require.NoError(t, err)

	var logs bytes.Buffer
	logger, err := telemetry.NewLogger(&logs, "json", "debug")
	require.NoError(t, err)
	var (
		mu     sync.Mutex
		events bytes.Buffer
		seen   = map[string]bool{}
	)
	enc := json.NewEncoder(&events)
	record := func(ev graph.Event) {
		mu.Lock()
		defer mu.Unlock()
		_ = enc.Encode(ev)
		seen[ev.Class] = true
	}
	metrics := telemetry.NewMetrics()
	e := graph.NewEngine(graph.Options{Store: store, Clock: policiestest.NewFakeClock(time.Time{}),
		Listeners: []graph.Listener{telemetry.LogEvents(logger), record, metrics.Listen}})

	doc, err := filepath.Abs("../examples/physics_openstax-college-physics-2e_ch04-newtons-laws.md")
	require.NoError(t, err)
	res, runErr := e.Run(context.Background(), g, graph.RunOptions{Input: map[string]any{
		"document": doc, "export": filepath.Join(dir, "quiz.json")}})
	require.NoError(t, store.Close())

	report, err := json.Marshal(res)
	require.NoError(t, err)
	raw, err := os.ReadFile(db)
	require.NoError(t, err)
	outputs := map[string]string{
		"the log lines":   logs.String(),
		"the events":      events.String(),
		"the result":      string(report),
		"the notices":     notices.String(),
		"the run error":   fmt.Sprint(runErr),
		"the SQLite file": string(raw),
	}
	if exported, err := os.ReadFile(filepath.Join(dir, "quiz.json")); err == nil {
		outputs["the exported quiz"] = string(exported)
	}
	for name, out := range outputs {
		t.Run(name+" hold no API key", func(t *testing.T) {
			assert.NotContains(t, out, leakKey)
			assert.NotContains(t, out, "LEAKCHECK")
		})
	}
	t.Run("the run met failures of several classes", func(t *testing.T) {
		mu.Lock()
		defer mu.Unlock()
		classes := 0
		for c := range seen {
			if c != "" {
				classes++
			}
		}
		t.Logf("classes seen: %v", seen)
		assert.GreaterOrEqual(t, classes, 8)
	})
}

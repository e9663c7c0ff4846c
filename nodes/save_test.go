package nodes_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/graphrun/graphrun/graph"
	"github.com/graphrun/graphrun/nodes"
	"github.com/graphrun/graphrun/policies"
)

// failReport loads the graph again with an mcq.report that always fails,
// as a full disk would, so that the run fails after save: unlike a failed
// export, which the graph routes to the report, nothing catches it.
func (h *harness) failReport() {
	h.t.Helper()
	base := nodes.NewRegistry(h.deps)
	reg := graph.NewRegistry()
	for _, name := range base.Names() {
		fn, _ := base.Lookup(name)
		if name == "mcq.report" {
			fn = func(context.Context, graph.Input) (graph.Update, error) {
				return nil, policies.Errorf(policies.Storage,
					"write report: no space left on device")
			}
		}
		reg.Register(name, base.Doc(name), fn)
	}
	for _, name := range base.CheckNames() {
		fn, _ := base.LookupCheck(name)
		reg.RegisterCheck(name, fn)
	}
	g, err := graph.Load("../graphs/mcq.yaml", reg)
	require.NoError(h.t, err)
	h.g = g
}

func TestCompensationRemovesOnlyWhatTheFailedRunSaved(t *testing.T) {
	ctx := context.Background()
	h := newHarness(t, nil, nil)
	first := h.run("first", map[string]any{"document": biology, "quiz": "cells", "target": 4})
	require.Equal(t, 4, first.State["saved"])

	h.failReport()
	res, err := h.engine.Run(ctx, h.g, graph.RunOptions{Thread: "second",
		Input: map[string]any{"document": biology, "quiz": "cells", "target": 9}})
	require.Error(t, err)
	require.Equal(t, graph.Failed, res.Status)
	assert.Equal(t, "report", res.Error.Node)
	before := map[string]bool{}
	for _, q := range finalQuestions(t, first) {
		before[q.ID] = true
	}
	added := 0
	for _, q := range finalQuestions(t, res) {
		if !before[q.ID] {
			added++
		}
	}
	require.Positive(t, added, "the second run has questions of its own")
	assert.Equal(t, added, res.State["saved"], "the second run saved its new questions before it failed")

	store, err := h.deps.Quiz()
	require.NoError(t, err)
	kept, err := store.Questions(ctx, "cells")
	require.NoError(t, err)
	assert.Equal(t, stems(finalQuestions(t, first)), stems(kept),
		"the first run's questions stay and the second run's are gone")
}

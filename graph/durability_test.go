package graph_test

import (
	"context"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/graphrun/graphrun/graph"
	"github.com/graphrun/graphrun/graph/checkpoint/memory"
)

// countingStore counts the commits that have reached the store.
type countingStore struct {
	graph.Store
	mu      sync.Mutex
	commits int
}

func (s *countingStore) Commit(ctx context.Context, cp *graph.Checkpoint) error {
	s.mu.Lock()
	s.commits++
	s.mu.Unlock()
	return s.Store.Commit(ctx, cp)
}

func (s *countingStore) count() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.commits
}

func TestDurabilityModes(t *testing.T) {
	reg := graph.NewRegistry()
	reg.Register("inc", "", set("n", 1))
	g := mustGraph(t, reg, loopGraph)

	for _, mode := range []graph.Durability{graph.Sync, graph.Async, graph.Exit} {
		t.Run(string(mode)+" writes every checkpoint by the end of the run", func(t *testing.T) {
			store := &countingStore{Store: memory.New()}
			var during []int
			saved := 0
			e := graph.NewEngine(graph.Options{Store: store, Durability: mode,
				Listeners: []graph.Listener{func(ev graph.Event) {
					if ev.Kind == graph.StepDone && ev.Step == 500 {
						during = append(during, store.count())
					}
					if ev.Kind == graph.CheckpointSaved && ev.Step == 7 {
						saved = ev.Bytes
					}
				}}})
			res, err := e.Run(context.Background(), g, graph.RunOptions{Thread: "d"})
			require.NoError(t, err)
			h, err := store.Load(context.Background(), "d")
			require.NoError(t, err)
			assert.Len(t, h.Checkpoints, res.Steps+1)
			assert.Equal(t, graph.Succeeded, h.Last().Status)
			assert.Equal(t, len(`[{"field":"n","value":1}]`), saved, "the size of the step's writes")
			switch mode {
			case graph.Sync:
				assert.Equal(t, []int{501}, during, "sync has written step 500 when it is done")
			case graph.Exit:
				assert.Equal(t, []int{0}, during, "exit writes nothing before the run ends")
			}
		})
	}

	t.Run("exit writes what it kept when the run is interrupted, so it can resume", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		store := memory.New()
		e := graph.NewEngine(graph.Options{Store: store, Durability: graph.Exit,
			Listeners: []graph.Listener{func(ev graph.Event) {
				if ev.Kind == graph.StepDone && ev.Step == 300 {
					cancel()
				}
			}}})
		_, err := e.Run(ctx, g, graph.RunOptions{Thread: "x"})
		require.ErrorIs(t, err, context.Canceled)
		res, err := graph.NewEngine(graph.Options{Store: store}).Resume(context.Background(), g, "x",
			graph.RunOptions{})
		require.NoError(t, err)
		assert.Equal(t, 1000, res.State["n"])
	})
}

package nodes_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sort"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/graphrun/graphrun/graph"
	"github.com/graphrun/graphrun/nodes/llm"
	"github.com/graphrun/graphrun/nodes/llm/llmsim"
	"github.com/graphrun/graphrun/nodes/mcq"
	"github.com/graphrun/graphrun/policies"
	"github.com/graphrun/graphrun/policies/policiestest"
)

// simClients starts the model simulator over real HTTP and returns a
// primary and a backup client talking to it.
func simClients(t *testing.T, o llmsim.Options, wrap func(http.Handler) http.Handler) (
	*llmsim.Server, *llm.Client, *llm.Client) {
	t.Helper()
	sim := llmsim.New(o)
	var h http.Handler = sim
	if wrap != nil {
		h = wrap(sim)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	mk := func(provider, model string) *llm.Client {
		c, err := llm.New(llm.Config{Provider: provider, BaseURL: srv.URL + "/v1",
			APIKey: "sk-test-sim", Model: model, Timeout: 5 * time.Second})
		require.NoError(t, err)
		return c
	}
	return sim, mk("primary", "sim-primary"), mk("backup", "sim-backup")
}

func TestFaultyModelStillYieldsTheTargetNumberOfValidQuestions(t *testing.T) {
	sim, primary, backup := simClients(t, llmsim.Options{
		Seed: 3,
		Faults: map[policies.Class]float64{
			policies.RateLimit: 0.1, policies.ServerError: 0.1,
		},
		Truncate: 0.05, Malformed: 0.05, RetryAfter: 2 * time.Second,
	}, nil)
	h := newHarness(t, primary, backup)
	clock := policiestest.NewFakeClock(policiestest.Epoch)
	h.engine = graph.NewEngine(graph.Options{Store: h.store, Clock: clock})
	res := h.run("faulty", map[string]any{"document": biology, "target": 12, "max_chunks": 10})

	qs := finalQuestions(t, res)
	require.Len(t, qs, 12)
	llmMade := 0
	for _, q := range qs {
		require.NoError(t, mcq.Validate(q, ""), q.Stem)
		if q.Source.Generator == "llm" {
			llmMade++
		}
	}
	assert.Positive(t, llmMade, "most questions come from the model")
	st := sim.Stats()
	assert.Positive(t, st.Faults[policies.RateLimit]+st.Faults[policies.ServerError]+st.Truncated+st.Malformed,
		"faults were injected")
	assert.Positive(t, res.Counters.Retries)
	for _, w := range clock.Waits() {
		assert.LessOrEqual(t, w, 30*time.Second, "no wait beyond the policy's caps")
	}
}

// cutAfter returns a context canceled when the simulator receives its nth
// request, and the wrapper that counts them: an interrupt in mid-run.
func cutAfter(n int32) (context.Context, func(http.Handler) http.Handler) {
	ctx, cancel := context.WithCancel(context.Background())
	var requests atomic.Int32
	return ctx, func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if requests.Add(1) == n {
				cancel()
			}
			next.ServeHTTP(w, r)
		})
	}
}

func TestInterruptedRunResumesWithoutAskingFinishedChunksAgain(t *testing.T) {
	ctx, cut := cutAfter(5)
	sim, primary, backup := simClients(t, llmsim.Options{Seed: 5}, cut)
	h := newHarness(t, primary, backup)
	input := map[string]any{"document": biology, "max_chunks": 10}
	res, err := h.engine.Run(ctx, h.g, graph.RunOptions{Thread: "killed", Input: input})
	require.ErrorIs(t, err, context.Canceled)
	assert.Equal(t, graph.Running, res.Status)

	res, err = h.engine.Resume(context.Background(), h.g, "killed", graph.RunOptions{})
	require.NoError(t, err)
	resumed := stems(finalQuestions(t, res))

	asked := 0
	for _, n := range sim.Stats().Passages {
		if n > 1 {
			asked++
		}
	}
	assert.LessOrEqual(t, asked, 4, "only chunks in flight at the interrupt are asked twice")

	_, p2, b2 := simClients(t, llmsim.Options{Seed: 5}, nil)
	clean := newHarness(t, p2, b2)
	want := stems(finalQuestions(t, clean.run("clean", input)))
	assert.Equal(t, want, resumed, "the resumed run yields the same questions")
}

func stems(qs []mcq.Question) []string {
	out := make([]string, len(qs))
	for i, q := range qs {
		out[i] = q.Stem
	}
	sort.Strings(out)
	return out
}

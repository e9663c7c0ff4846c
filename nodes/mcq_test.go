package nodes_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/graphrun/graphrun/graph"
	"github.com/graphrun/graphrun/graph/checkpoint/sqlite"
	"github.com/graphrun/graphrun/nodes"
	"github.com/graphrun/graphrun/nodes/llm"
	"github.com/graphrun/graphrun/nodes/mcq"
)

const (
	biology      = "../examples/biology_openstax-biology-2e_4-3-eukaryotic-cells.md"
	constitution = "../examples/civics_us-constitution.txt"
)

// harness runs graphs/mcq.yaml with a real SQLite file for checkpoints and
// quizzes.
type harness struct {
	t      *testing.T
	db     string
	deps   *nodes.Deps
	g      *graph.Graph
	store  graph.Store
	engine *graph.Engine
	notice strings.Builder
}

func newHarness(t *testing.T, primary, backup *llm.Client) *harness {
	t.Helper()
	return newHarnessAt(t, filepath.Join(t.TempDir(), "graphrun.db"), primary, backup)
}

// newHarnessAt is newHarness on the SQLite file db, which another harness
// may have used before.
func newHarnessAt(t *testing.T, db string, primary, backup *llm.Client) *harness {
	t.Helper()
	h := &harness{t: t, db: db}
	h.deps = &nodes.Deps{Primary: primary, Backup: backup, DB: h.db, Notice: &h.notice}
	t.Cleanup(func() { h.deps.Close() })
	g, err := graph.Load("../graphs/mcq.yaml", nodes.NewRegistry(h.deps))
	require.NoError(t, err)
	h.g = g
	store, err := sqlite.Open(h.db, sqlite.Options{})
	require.NoError(t, err)
	t.Cleanup(func() { store.Close() })
	h.store = store
	h.engine = graph.NewEngine(graph.Options{Store: store})
	return h
}

func (h *harness) run(thread string, input map[string]any) *graph.Result {
	h.t.Helper()
	res, err := h.engine.Run(context.Background(), h.g, graph.RunOptions{Thread: thread, Input: input})
	require.NoError(h.t, err)
	require.Equal(h.t, graph.Succeeded, res.Status)
	return res
}

func finalQuestions(t *testing.T, res *graph.Result) []mcq.Question {
	t.Helper()
	var qs []mcq.Question
	require.NoError(t, graph.Decode(res.State["final"], &qs))
	return qs
}

func TestOfflineRunMakesValidQuestionsAndSavesThemOnce(t *testing.T) {
	h := newHarness(t, nil, nil)
	res := h.run("offline-1", map[string]any{"document": biology, "target": 10})
	qs := finalQuestions(t, res)
	require.Len(t, qs, 10)
	for _, q := range qs {
		require.NoError(t, mcq.Validate(q, ""), q.Stem)
		assert.Equal(t, "template", q.Source.Generator)
		assert.NotEmpty(t, q.Source.Chunk)
	}
	assert.Contains(t, h.notice.String(), "no model configured")
	summary := res.State["summary"].(string)
	assert.Contains(t, summary, "offline template generator")
	assert.Contains(t, summary, "1. ")
	assert.Equal(t, 10, res.State["saved"])

	again := h.run("offline-2", map[string]any{"document": biology, "target": 10,
		"quiz": res.State["quiz"]})
	assert.Equal(t, 0, again.State["saved"], "a re-run adds no duplicate question")
	store, err := h.deps.Quiz()
	require.NoError(t, err)
	saved, err := store.Questions(context.Background(), res.State["quiz"].(string))
	require.NoError(t, err)
	assert.Len(t, saved, 10)
}

func TestEveryModelCallFailingStillEndsWithTemplateQuestions(t *testing.T) {
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusUnauthorized)
		_, _ = w.Write([]byte(`{"error":{"message":"Incorrect API key provided: sk-test-KEEPOUT-1","type":"invalid_request_error","code":"invalid_api_key"}}`))
	}))
	defer srv.Close()
	primary, err := llm.New(llm.Config{Provider: "primary", BaseURL: srv.URL + "/v1",
		APIKey: "sk-test-KEEPOUT-1", Model: "m1"})
	require.NoError(t, err)
	h := newHarness(t, primary, nil)
	res := h.run("failing", map[string]any{"document": biology, "max_chunks": 3, "per_chunk": 1})

	qs := finalQuestions(t, res)
	require.NotEmpty(t, qs)
	for _, q := range qs {
		assert.Equal(t, "template", q.Source.Generator)
	}
	assert.Equal(t, int32(3), calls.Load(), "auth is not retried: one call per chunk")
	summary := res.State["summary"].(string)
	assert.Contains(t, summary, "degraded to the template generator after auth")
	assert.Contains(t, summary, "warning: the primary model refused the key")
	assert.Contains(t, summary, "check OPENAI_API_KEY")
	assert.NotContains(t, summary, "sk-test-KEEPOUT-1")
	assert.Equal(t, 3, res.Counters.Fallbacks)
}

func TestBadDocumentFailsBeforeAnyModelCall(t *testing.T) {
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
	}))
	defer srv.Close()
	primary, err := llm.New(llm.Config{BaseURL: srv.URL + "/v1", Model: "m"})
	require.NoError(t, err)
	h := newHarness(t, primary, nil)
	for _, doc := range []string{"../testdata/documents/empty.txt", "../testdata/documents/binary.bin",
		"../testdata/documents/no-such-file.md"} {
		t.Run(filepath.Base(doc)+" is refused with its name", func(t *testing.T) {
			res, err := h.engine.Run(context.Background(), h.g, graph.RunOptions{
				Input: map[string]any{"document": doc}})
			require.Error(t, err)
			assert.Contains(t, err.Error(), filepath.Base(doc))
			var ie *graph.InputError
			if errors.As(err, &ie) {
				// The input check finds a missing file before the run.
				assert.Equal(t, "document", ie.Field)
				assert.Nil(t, res)
				return
			}
			// What the file holds, load finds out.
			assert.Equal(t, graph.Failed, res.Status)
			assert.Equal(t, "bad_request", res.Error.Class)
			assert.Equal(t, "load", res.Error.Node)
		})
	}
	assert.Zero(t, calls.Load())
}

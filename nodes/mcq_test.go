package nodes_test

import (
	"context"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
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

func TestUnusableDocumentsAreRefusedBeforeTheRunStarts(t *testing.T) {
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
	}))
	defer srv.Close()
	primary, err := llm.New(llm.Config{BaseURL: srv.URL + "/v1", Model: "m"})
	require.NoError(t, err)
	h := newHarness(t, primary, nil)
	dir := t.TempDir()

	tests := []struct {
		name string
		file string // the document, made by make when set
		make func() []byte
		want string
	}{
		{"a missing file", "../testdata/documents/no-such-file.md", nil, "no such file"},
		{"an empty file", "../testdata/documents/empty.txt", nil, "the document is empty"},
		{"a binary file", "../testdata/documents/binary.bin", nil, "the document is binary"},
		{"random bytes named .pdf", filepath.Join(dir, "random.pdf"), func() []byte {
			b := make([]byte, 4096)
			r := rand.New(rand.NewPCG(1, 2))
			for i := range b {
				b[i] = byte(r.Uint32())
			}
			return b
		}, "random.pdf: the document is binary"},
		{"a PDF cut short", filepath.Join(dir, "cut.pdf"), func() []byte {
			b, err := os.ReadFile("../examples/cs_good-enough-practices-scientific-computing.pdf")
			require.NoError(t, err)
			return b[:5000]
		}, "cut.pdf: the PDF is cut short"},
		{"HTML without text", "../testdata/documents/no-text.html", nil, "has no readable text"},
		{"headings and list items without a sentence", "testdata/documents/outline.md", nil,
			"outline.md: the document has no sentences a question can be made from"},
		{"one sentence, too little for any question", filepath.Join(dir, "tiny.md"), func() []byte {
			return []byte("# Cells\n\nThe cell membrane surrounds the cytoplasm of every living cell.\n")
		}, "tiny.md: too little text to make a question from: even the offline generator"},
		{"megabytes of word soup on one line", filepath.Join(dir, "soup.txt"), func() []byte {
			return []byte(wordSoup(500_000))
		}, "soup.txt: the document has no sentences a question can be made from"},
	}
	for _, tt := range tests {
		if tt.make != nil {
			require.NoError(t, os.WriteFile(tt.file, tt.make(), 0o644))
		}
		t.Run(tt.name+" is refused by the input check with load's message", func(t *testing.T) {
			before := threads(t, h.store)
			res, err := h.engine.Run(context.Background(), h.g, graph.RunOptions{
				Input: map[string]any{"document": tt.file}})
			var ie *graph.InputError
			require.ErrorAs(t, err, &ie)
			assert.Equal(t, "document", ie.Field)
			assert.Nil(t, res, "nothing ran")
			assert.Equal(t, before, threads(t, h.store), "no thread is left behind")
			assert.Contains(t, ie.Msg, filepath.Base(tt.file))
			assert.Contains(t, ie.Msg, tt.want)

			// A graph without the check meets the same document in load.
			res, err = h.engine.Run(context.Background(), withoutCheck(t, h.deps),
				graph.RunOptions{Input: map[string]any{"document": tt.file}})
			require.Error(t, err)
			assert.Equal(t, graph.Failed, res.Status)
			assert.Equal(t, "bad_request", res.Error.Class)
			assert.Equal(t, "load", res.Error.Node)
			assert.Equal(t, ie.Msg, res.Error.Message, "the check and load say the same")
		})
	}
	assert.Zero(t, calls.Load())
}

// threads counts the threads in store.
func threads(t *testing.T, store graph.Store) int {
	t.Helper()
	ths, err := store.Threads(context.Background(), graph.ThreadFilter{})
	require.NoError(t, err)
	return len(ths)
}

// wordSoup returns n words picked at random from a short list, on one
// line and without a full stop: text that fills chunks and holds no
// sentence.
func wordSoup(n int) string {
	words := strings.Fields("cell membrane nucleus protein energy organelle " +
		"ribosome vesicle enzyme wall plant animal")
	r := rand.New(rand.NewPCG(7, 7))
	var b strings.Builder
	for i := range n {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(words[r.IntN(len(words))])
	}
	return b.String()
}

func TestAFailedExportKeepsTheSavedQuestions(t *testing.T) {
	h := newHarness(t, nil, nil)
	// /dev/full takes the file's creation, then refuses every write.
	res := h.run("export-1", map[string]any{"document": biology, "target": 5,
		"export": "/dev/full", "export_format": "gift"})
	assert.Equal(t, 5, res.State["saved"])
	assert.Empty(t, res.Compensated, "the save is not undone")
	summary := res.State["summary"].(string)
	assert.Contains(t, summary, "export       failed: export /dev/full:")
	assert.Contains(t, summary, "the questions stay saved: write the file with graphrun quiz export")

	store, err := h.deps.Quiz()
	require.NoError(t, err)
	saved, err := store.Questions(context.Background(), res.State["quiz"].(string))
	require.NoError(t, err)
	assert.Len(t, saved, 5)
}

func TestNotesOnTheDocumentsSourceAreAskedOfNoModel(t *testing.T) {
	var mu sync.Mutex
	var prompts []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		mu.Lock()
		prompts = append(prompts, string(body))
		mu.Unlock()
		w.WriteHeader(http.StatusBadRequest) // every chunk falls back to the template
	}))
	defer srv.Close()
	primary, err := llm.New(llm.Config{BaseURL: srv.URL + "/v1", Model: "m"})
	require.NoError(t, err)
	h := newHarness(t, primary, nil)
	h.run("notes", map[string]any{"document": biology})
	mu.Lock()
	defer mu.Unlock()
	require.NotEmpty(t, prompts)
	for _, p := range prompts {
		assert.NotContains(t, p, "CNX module m44407", "the source note reached the model")
	}
}

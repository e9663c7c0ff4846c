package nodes_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/graphrun/graphrun/graph"
	"github.com/graphrun/graphrun/nodes"
	"github.com/graphrun/graphrun/nodes/llm"
)

func TestBadInputsFailBeforeAnyModelCall(t *testing.T) {
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {
		calls.Add(1)
	}))
	defer srv.Close()
	primary, err := llm.New(llm.Config{BaseURL: srv.URL + "/v1", Model: "m"})
	require.NoError(t, err)
	h := newHarness(t, primary, nil)
	dir := t.TempDir()
	file := filepath.Join(dir, "a-file")
	require.NoError(t, os.WriteFile(file, []byte("x"), 0o644))
	pipe := filepath.Join(dir, "a-pipe")
	require.NoError(t, syscall.Mkfifo(pipe, 0o644))

	t.Run("numbers outside the graph's bounds are refused before the run starts", func(t *testing.T) {
		for field, v := range map[string]int{"per_chunk": 0, "target": -1, "max_chunks": -2,
			"chunk_tokens": -350} {
			_, err := h.engine.Run(context.Background(), h.g, graph.RunOptions{
				Input: map[string]any{"document": biology, field: v}})
			var ie *graph.InputError
			require.ErrorAs(t, err, &ie, field)
			assert.Equal(t, field, ie.Field)
			assert.Contains(t, err.Error(), "below the minimum")
		}
		_, err := h.engine.Run(context.Background(), h.g, graph.RunOptions{})
		assert.ErrorContains(t, err, "input field document: is required")
	})

	tests := []struct {
		name  string
		input map[string]any
		field string
		want  []string
	}{
		{"an export extension no format has is refused, not written as JSON",
			map[string]any{"export": filepath.Join(dir, "q.csv")}, "export",
			[]string{"q.csv", `".csv" names no export format`, "export_format"}},
		{"an export under a file cannot be written",
			map[string]any{"export": filepath.Join(file, "sub", "q.json")}, "export",
			[]string{"cannot write in " + filepath.Join(file, "sub"), "choose a writable place"}},
		{"an export in a missing directory is refused, not made",
			map[string]any{"export": filepath.Join(dir, "missing", "deeper", "q.gift")}, "export",
			[]string{"the directory " + filepath.Join(dir, "missing", "deeper") + " does not exist",
				"create it (mkdir -p "}},
		{"an export that is a directory is refused", map[string]any{"export": dir}, "export",
			[]string{"is a directory", "quiz.json"}},
		{"a missing document is refused", map[string]any{"document": filepath.Join(dir, "gone.md")},
			"document", []string{"gone.md", "no such file"}},
		{"an empty document path is refused", map[string]any{"document": ""}, "document",
			[]string{"document", "empty"}},
		{"a document that is a pipe is refused, not waited on", map[string]any{"document": pipe},
			"document", []string{"a-pipe is a named pipe, not a file"}},
		{"an export to a pipe is refused, not waited on",
			map[string]any{"export": pipe, "export_format": "gift"},
			"export", []string{"a-pipe is a named pipe, not a file"}},
	}
	for _, g := range []struct {
		name  string
		graph *graph.Graph
	}{{"mcq.check", h.g}, {"load, in a graph without a check", withoutCheck(t, h.deps)}} {
		for _, tt := range tests {
			t.Run(g.name+" refuses it: "+tt.name, func(t *testing.T) {
				input := map[string]any{"document": biology}
				for k, v := range tt.input {
					input[k] = v
				}
				field, err := refusal(t, h.engine, g.graph, input)
				if field != "" {
					assert.Equal(t, tt.field, field)
				}
				for _, w := range tt.want {
					assert.Contains(t, err.Error(), w)
				}
			})
		}
	}
	assert.Zero(t, calls.Load())
	assert.NoFileExists(t, filepath.Join(dir, "q.csv"))
	assert.NoDirExists(t, filepath.Join(dir, "missing"), "no directory is made for an export")
}

// withoutCheck returns the MCQ graph without its input check, so that its
// load node meets the inputs the check would have refused.
func withoutCheck(t *testing.T, d *nodes.Deps) *graph.Graph {
	t.Helper()
	data, err := os.ReadFile("../graphs/mcq.yaml")
	require.NoError(t, err)
	src := strings.Replace(string(data), "check: mcq.check\n", "", 1)
	require.NotEqual(t, string(data), src, "the graph names its check")
	g, err := graph.LoadData([]byte(src), "mcq-unchecked.yaml", nodes.NewRegistry(d))
	require.NoError(t, err)
	return g
}

// refusal runs g on input, which it must refuse before any model call: as
// an input error, with no thread left behind, when g has a check, and
// otherwise as a bad_request failure of its load node. It returns the
// field an input error names, and the error.
func refusal(t *testing.T, e *graph.Engine, g *graph.Graph, input map[string]any) (string, error) {
	t.Helper()
	res, err := e.Run(context.Background(), g, graph.RunOptions{Input: input})
	require.Error(t, err)
	if g.Spec().Check != "" {
		var ie *graph.InputError
		require.ErrorAs(t, err, &ie)
		assert.Nil(t, res, "nothing ran")
		return ie.Field, err
	}
	require.NotNil(t, res)
	assert.Equal(t, graph.Failed, res.Status)
	assert.Equal(t, "bad_request", res.Error.Class)
	assert.Equal(t, "load", res.Error.Node)
	return "", err
}

func TestExportFormatComesFromTheExtension(t *testing.T) {
	tests := []struct{ path, want string }{
		{"quiz.json", "json"},
		{"quiz.MD", "markdown"},
		{"quiz.gift", "gift"},
		{"quiz.xml", "moodle"},
		{"quiz.zip", "qti"},
		{"quiz.csv", ""},
		{"quiz", ""},
	}
	for _, tt := range tests {
		t.Run(tt.path+" is "+tt.want, func(t *testing.T) {
			assert.Equal(t, tt.want, nodes.FormatForPath(tt.path))
		})
	}
}

func TestServedDirectoryConfinesTheDocumentAndTheExport(t *testing.T) {
	root := t.TempDir()
	outside := t.TempDir()
	text, err := os.ReadFile(biology)
	require.NoError(t, err)
	inside := filepath.Join(root, "cells.md")
	require.NoError(t, os.WriteFile(inside, text, 0o644))
	require.NoError(t, os.Mkdir(filepath.Join(root, "exports"), 0o755))
	abs, err := filepath.Abs(biology)
	require.NoError(t, err)
	require.NoError(t, os.Symlink(abs, filepath.Join(root, "link.md")))
	require.NoError(t, os.Symlink(filepath.Join(outside, "gone.json"),
		filepath.Join(root, "gone.json")))
	require.NoError(t, os.Symlink(outside, filepath.Join(root, "out")))

	tests := []struct {
		name     string
		document string
		export   string
		refused  string // the field refused, or "" when the run succeeds
	}{
		{"a document and an export inside the root are used", inside,
			filepath.Join(root, "exports", "q.json"), ""},
		{"a document outside the root is refused", biology, "", "document"},
		{"a system file is refused", "/etc/passwd", "", "document"},
		{"a link inside the root to a file outside is refused", filepath.Join(root, "link.md"), "",
			"document"},
		{"dot-dot out of the root is refused", filepath.Join(root, "..", filepath.Base(outside),
			"x.md"), "", "document"},
		{"an export outside the root is refused", inside, filepath.Join(outside, "q.json"),
			"export"},
		{"an export through a link out of the root is refused", inside,
			filepath.Join(root, "out", "new", "q.json"), "export"},
		{"an export to a dangling link is refused", inside, filepath.Join(root, "gone.json"),
			"export"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, nil, nil)
			h.deps.Root = root
			input := map[string]any{"document": tt.document, "max_chunks": 2}
			if tt.export != "" {
				input["export"] = tt.export
			}
			if tt.refused == "" {
				_, err := h.engine.Run(context.Background(), h.g, graph.RunOptions{Input: input})
				require.NoError(t, err)
				assert.FileExists(t, tt.export)
				return
			}
			for _, g := range []*graph.Graph{h.g, withoutCheck(t, h.deps)} {
				field, err := refusal(t, h.engine, g, input)
				if field != "" {
					assert.Equal(t, tt.refused, field)
				}
				assert.Contains(t, err.Error(), tt.refused+" ")
				assert.Regexp(t, "is outside the served directory "+regexp.QuoteMeta(root)+
					"|is a link to a missing file", err.Error())
			}
		})
	}
	t.Run("a missing document is named from the root", func(t *testing.T) {
		h := newHarness(t, nil, nil)
		h.deps.Root = root
		for _, doc := range []string{"sub/gone.md", filepath.Join(root, "sub", "gone.md")} {
			for _, g := range []*graph.Graph{h.g, withoutCheck(t, h.deps)} {
				_, err := refusal(t, h.engine, g, map[string]any{"document": doc})
				assert.ErrorContains(t, err, "sub/gone.md does not exist under the served root "+root)
				assert.NotContains(t, err.Error(), "openat")
			}
		}
	})
	t.Run("an export in a missing directory inside the root is refused, not made", func(t *testing.T) {
		h := newHarness(t, nil, nil)
		h.deps.Root = root
		input := map[string]any{"document": "cells.md", "export": "new/q.json"}
		for _, g := range []*graph.Graph{h.g, withoutCheck(t, h.deps)} {
			_, err := refusal(t, h.engine, g, input)
			assert.ErrorContains(t, err, "export new/q.json: the directory new does not exist")
		}
		assert.NoDirExists(t, filepath.Join(root, "new"))
	})
	assert.NoDirExists(t, filepath.Join(outside, "new"), "nothing is created outside the root")
	assert.NoFileExists(t, filepath.Join(outside, "gone.json"))
}

func TestATargetAsksOnlyForTheChunksItNeedsFromTheWholeDocument(t *testing.T) {
	h := newHarness(t, nil, nil)
	all := h.run("all", map[string]any{"document": biology})
	some := h.run("some", map[string]any{"document": biology, "target": 4, "per_chunk": 2})
	chunks := func(res *graph.Result) []map[string]any {
		var cs []map[string]any
		require.NoError(t, graph.Decode(res.State["chunks"], &cs))
		return cs
	}
	everything, picked := chunks(all), chunks(some)
	require.Len(t, picked, 3, "2 chunks for 4 questions, and half as many again")
	assert.Equal(t, everything[0]["id"], picked[0]["id"])
	assert.Greater(t, picked[2]["index"], float64(len(everything)/2),
		"the chunks spread over the document")
}

package server_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/graphrun/graphrun/graph"
	"github.com/graphrun/graphrun/graph/checkpoint/sqlite"
	"github.com/graphrun/graphrun/graphs"
	"github.com/graphrun/graphrun/nodes"
	"github.com/graphrun/graphrun/server"
)

// newMCQFixture serves the built-in MCQ graph with its real nodes, offline,
// confined to root.
func newMCQFixture(t *testing.T, root string) *fixture {
	t.Helper()
	dir := t.TempDir()
	store, err := sqlite.Open(filepath.Join(dir, "graphrun.db"), sqlite.Options{})
	require.NoError(t, err)
	deps := &nodes.Deps{DB: filepath.Join(dir, "quiz.db"), Root: root}
	data, file, ok := graphs.Lookup("mcq")
	require.True(t, ok)
	g, err := graph.LoadData(data, file, nodes.NewRegistry(deps))
	require.NoError(t, err)
	srv, err := server.New(server.Config{Engine: graph.NewEngine(graph.Options{Store: store}),
		Graphs: map[string]*graph.Graph{g.Name(): g}})
	require.NoError(t, err)
	f := &fixture{srv: srv, http: httptest.NewServer(srv), store: store}
	t.Cleanup(func() {
		f.http.Close()
		_ = srv.Shutdown(canceled())
		deps.Close()
		store.Close()
	})
	return f
}

func TestRunsStayInsideTheRoot(t *testing.T) {
	root := t.TempDir()
	doc, err := os.ReadFile("../examples/biology_openstax-biology-2e_4-3-eukaryotic-cells.md")
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(root, "cells.md"), doc, 0o644))
	require.NoError(t, os.Symlink("/etc/passwd", filepath.Join(root, "link.md")))
	// An export goes into a directory that exists.
	require.NoError(t, os.Mkdir(filepath.Join(root, "out"), 0o755))
	outside := t.TempDir()
	f := newMCQFixture(t, root)

	tests := []struct {
		name    string
		input   map[string]any
		field   string // the input field a refusal names; "" when the run is served
		error   string
		written string // a file the run must leave unwritten, or must write
	}{
		{"a document outside the root is refused",
			map[string]any{"document": "/etc/passwd"}, "document",
			"outside the served directory", ""},
		{"a link inside the root to a file outside it is refused",
			map[string]any{"document": filepath.Join(root, "link.md")}, "document",
			"outside the served directory", ""},
		{"a climb out of the root is refused",
			map[string]any{"document": root + "/../../../../../../../etc/passwd"},
			"document", "outside the served directory", ""},
		{"a document missing from the root is refused and named from the root",
			map[string]any{"document": "gone.md"}, "document",
			"gone.md does not exist under the served root", ""},
		{"a missing document given by its full path is named from the root",
			map[string]any{"document": filepath.Join(root, "sub", "gone.md")}, "document",
			"sub/gone.md does not exist under the served root", ""},
		{"an export outside the root is refused and writes nothing",
			map[string]any{"document": filepath.Join(root, "cells.md"),
				"export": filepath.Join(outside, "x", "pwned.json")},
			"export", "outside the served directory", filepath.Join(outside, "x")},
		{"relative names are read and written inside the root",
			map[string]any{"document": "cells.md", "target": 2, "export": "out/relative.json"},
			"", "", filepath.Join(root, "out", "relative.json")},
		{"a document and an export inside the root are served",
			map[string]any{"document": filepath.Join(root, "cells.md"), "target": 2,
				"export": filepath.Join(root, "out", "cells.json")},
			"", "", filepath.Join(root, "out", "cells.json")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			body, err := json.Marshal(server.StartRequest{Input: tt.input})
			require.NoError(t, err)
			if tt.field == "" {
				thread := f.start(t, "mcq", string(body))
				f.srv.Wait()
				info := f.run(t, thread)
				require.Equal(t, graph.Succeeded, info.Status, info.Error)
				assert.FileExists(t, tt.written, "the export is written")
				return
			}
			// Refused before the answer: 422, and no thread to clean up.
			status, resp := f.do(t, "POST", "/v1/graphs/mcq/runs", string(body))
			require.Equal(t, http.StatusUnprocessableEntity, status, resp)
			var refusal struct{ Error server.Error }
			require.NoError(t, json.Unmarshal([]byte(resp), &refusal))
			assert.Equal(t, server.CodeInvalidInput, refusal.Error.Code)
			assert.Equal(t, tt.field, refusal.Error.Field)
			assert.Contains(t, refusal.Error.Message, tt.error)
			assert.NotContains(t, refusal.Error.Message, "openat", "a system call in the message")
			if tt.written != "" {
				assert.NoFileExists(t, tt.written, "nothing is written outside the root")
				assert.NoDirExists(t, tt.written, "nothing is written outside the root")
			}
			threads, err := f.store.Threads(context.Background(), graph.ThreadFilter{})
			require.NoError(t, err)
			for _, th := range threads {
				assert.NotEqual(t, graph.Failed, th.Status, "no run was started to fail")
			}
		})
	}
}

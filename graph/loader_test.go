package graph

import (
	"context"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/graphrun/graphrun/policies"
)

// loaderTestGraphs is where the graph fixtures live.
const loaderTestGraphs = "../testdata/graphs"

func init() {
	if flag.Lookup("update") == nil {
		flag.Bool("update", false, "rewrite golden files with the current output")
	}
}

// loaderTestUpdate reports whether golden files should be rewritten.
func loaderTestUpdate() bool {
	f := flag.Lookup("update")
	return f != nil && f.Value.String() == "true"
}

// loaderTestGolden compares got with the golden file at path, or rewrites
// the file when -update is set.
func loaderTestGolden(t *testing.T, path, got string) {
	t.Helper()
	if loaderTestUpdate() {
		require.NoError(t, os.WriteFile(path, []byte(got), 0o644))
		return
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err, "golden file missing; run go test ./graph -update")
	assert.Equal(t, string(want), got)
}

// loaderTestRegistry registers a no-op function under each name the
// fixtures use.
func loaderTestRegistry() *Registry {
	reg := NewRegistry()
	noop := func(context.Context, Input) (Update, error) { return nil, nil }
	for _, name := range []string{
		"content.load", "content.chunk", "mcq.generate", "mcq.split", "mcq.template",
		"mcq.validate", "mcq.save", "mcq.unsave",
		"demo.hello", "demo.a", "demo.b", "demo.c", "demo.fetch", "demo.summarize",
		"demo.skip", "demo.report",
	} {
		reg.Register(name, "does nothing", noop)
	}
	return reg
}

// loaderTestFiles returns the fixtures matching pattern under dir.
func loaderTestFiles(t *testing.T, dir, pattern string) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(loaderTestGraphs, dir, pattern))
	require.NoError(t, err)
	require.NotEmpty(t, files)
	return files
}

// loaderTestCheck parses and validates a fixture the way a user sees it:
// decoding problems first, or else the validation problems.
func loaderTestCheck(t *testing.T, path string) (*Spec, error) {
	t.Helper()
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	name := filepath.Base(path)
	// The problems are those a user meets: LoadData's.
	s, _ := Parse(data, name)
	_, err = LoadData(data, name, loaderTestRegistry())
	return s, err
}

func TestValidGraphsHaveNoProblems(t *testing.T) {
	for _, path := range loaderTestFiles(t, "valid", "*.yaml") {
		t.Run(filepath.Base(path)+" loads and validates cleanly", func(t *testing.T) {
			s, err := loaderTestCheck(t, path)
			require.NoError(t, err)
			require.NotNil(t, s)
			assert.NotEmpty(t, s.Name)
		})
	}
}

func TestShippedGraphsHaveNoProblems(t *testing.T) {
	shipped, err := filepath.Glob(filepath.Join("..", "graphs", "*.yaml"))
	require.NoError(t, err)
	for _, path := range shipped {
		t.Run(filepath.Base(path)+" loads and validates cleanly", func(t *testing.T) {
			s, err := LoadSpec(path)
			require.NoError(t, err)
			assert.Empty(t, Validate(s, nil))
		})
	}
}

func TestInvalidGraphsReportEveryProblem(t *testing.T) {
	for _, path := range loaderTestFiles(t, "invalid", "*.yaml") {
		name := strings.TrimSuffix(filepath.Base(path), ".yaml")
		t.Run(name+" reports the expected problems", func(t *testing.T) {
			_, err := loaderTestCheck(t, path)
			var le *LoadError
			require.ErrorAs(t, err, &le)
			require.NotEmpty(t, le.Problems)
			for _, p := range le.Problems {
				assert.NotZero(t, p.Pos.Line, "problem without a line: %s", p)
				assert.NotEmpty(t, p.Msg)
			}
			loaderTestGolden(t, strings.TrimSuffix(path, ".yaml")+".golden", err.Error()+"\n")
		})
	}
}

func TestParseDecodesEveryField(t *testing.T) {
	s, err := LoadSpec(filepath.Join(loaderTestGraphs, "valid", "mcq.yaml"))
	require.NoError(t, err)

	t.Run("top-level keys and limits are decoded", func(t *testing.T) {
		assert.Equal(t, "mcq", s.Name)
		assert.Contains(t, s.Doc, "multiple-choice")
		assert.Equal(t, Limits{MaxSteps: 200, Deadline: 10 * time.Minute, MaxErrors: 20}, s.Limits)
	})
	t.Run("state fields keep their file order and attributes", func(t *testing.T) {
		require.Len(t, s.State, 10)
		assert.Equal(t, "documents", s.State[0].Name)
		target := s.State[2]
		assert.Equal(t, Field{Name: "target", Type: Int, Default: 10, Doc: "how many questions",
			Pos: Pos{File: s.File, Line: 8, Column: 3}}, target)
		assert.Equal(t, Append, s.State[3].Reducer)
		assert.Equal(t, String, s.State[7].Type, "the shorthand gives the type")
	})
	t.Run("policies are decoded in full", func(t *testing.T) {
		p := s.Policies["llm_call"]
		want := policies.Spec{
			Name: "llm_call", Timeout: time.Minute, Deadline: 5 * time.Minute,
			Retry: &policies.RetrySpec{
				MaxAttempts: 4, InitialInterval: time.Second, MaxInterval: 30 * time.Second,
				Multiplier: 2, Jitter: 0.5, MaxWait: time.Minute,
				On: []policies.Class{policies.RateLimit, policies.Timeout, policies.ServerError},
			},
			Breaker: "llm",
			Fallback: []policies.Route{
				{On: []policies.Class{policies.ContentTooLong}, To: "split_chunk"},
				{On: []policies.Class{policies.Any}, To: "template_question"},
			},
			Chaos: &policies.ChaosSpec{Class: policies.ServerError, Rate: 0.3, Seed: 1,
				RetryAfter: time.Second},
		}
		assert.Equal(t, want, p)
		assert.Equal(t, []policies.Class{policies.Storage}, s.Policies["storage"].Retry.On,
			"a single class stands for a list of one")
	})
	t.Run("breakers are decoded", func(t *testing.T) {
		assert.Equal(t, policies.BreakerSpec{Name: "llm", Failures: 3, Cooldown: 2 * time.Minute,
			HalfOpenProbes: 2, On: []policies.Class{policies.RateLimit, policies.ServerError}},
			s.Breakers["llm"])
	})
	t.Run("nodes keep their order, arguments and policies", func(t *testing.T) {
		require.Len(t, s.Nodes, 7)
		gen := s.Nodes[2]
		assert.Equal(t, "generate", gen.Name)
		assert.Equal(t, "llm_call", gen.Policy)
		assert.Equal(t, map[string]any{"provider": "primary", "temperature": 0.2}, gen.With)
		assert.Equal(t, "mcq.unsave", s.Nodes[6].Compensate)
	})
	t.Run("edges of every kind are decoded", func(t *testing.T) {
		require.Len(t, s.Edges, 8)
		assert.Equal(t, []string{"load"}, s.Edges[0].To)
		assert.Equal(t, &MapEdge{Over: "chunks", To: "generate", Concurrency: 4,
			Pos: Pos{File: s.File, Line: 52, Column: 10}}, s.Edges[2].Map)
		sw := s.Edges[6].Switch
		require.Len(t, sw, 3)
		assert.Equal(t, "len(questions) >= target", sw[0].When)
		assert.Equal(t, "", sw[2].When)
		assert.Equal(t, "generate", sw[2].To)
	})
	t.Run("positions are recorded for named items and values", func(t *testing.T) {
		f := s.File
		for path, want := range map[string]Pos{
			"name":                          {f, 2, 7},
			"limits.max_steps":              {f, 4, 21},
			"state.target":                  {f, 8, 3},
			"breakers.llm":                  {f, 17, 3},
			"policies.llm_call":             {f, 19, 3},
			"policies.llm_call.retry.on":    {f, 29, 7},
			"policies.llm_call.retry.on[1]": {f, 29, 24},
			"nodes.generate":                {f, 40, 3},
			"nodes.generate.policy":         {f, 42, 13},
			"edges[2]":                      {f, 51, 5},
			"edges[6].switch[0].when":       {f, 58, 17},
			"edges[6].switch[1].when":       {f, 59, 16},
		} {
			assert.Equal(t, want, s.Pos[path], path)
		}
	})
}

func TestParseSpecialValues(t *testing.T) {
	tests := []struct {
		name string
		yaml string
		test func(t *testing.T, s *Spec)
	}{
		{
			name: "an alias reuses the anchored mapping",
			yaml: "name: a\npolicies:\n  p: &p {timeout: 3s}\n  q: *p\n",
			test: func(t *testing.T, s *Spec) {
				assert.Equal(t, 3*time.Second, s.Policies["q"].Timeout)
			},
		},
		{
			name: "an empty to list is kept apart from a missing one",
			yaml: "name: a\nedges:\n  - {from: START, to: []}\n  - {from: START}\n",
			test: func(t *testing.T, s *Spec) {
				assert.NotNil(t, s.Edges[0].To)
				assert.Nil(t, s.Edges[1].To)
			},
		},
		{
			name: "a block condition points at its first line of text",
			yaml: "name: a\nedges:\n  - from: x\n    switch:\n" +
				"      - when: |\n          ok\n        to: END\n",
			test: func(t *testing.T, s *Spec) {
				assert.Equal(t, Pos{File: "t.yaml", Line: 6, Column: 11},
					s.Pos["edges[0].switch[0].when"])
			},
		},
		{
			name: "empty sections decode to nothing",
			yaml: "name: a\nstate:\nnodes:\nedges:\n",
			test: func(t *testing.T, s *Spec) {
				assert.Empty(t, s.State)
				assert.Empty(t, s.Nodes)
				assert.Empty(t, s.Edges)
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := Parse([]byte(tt.yaml), "t.yaml")
			require.NoError(t, err)
			tt.test(t, s)
		})
	}
}

func TestParseKeepsWhatItCouldDecode(t *testing.T) {
	t.Run("a bad value still yields the rest of the spec", func(t *testing.T) {
		data := []byte("name: a\nlimits: {max_steps: lots}\nnodes: {x: {run: f}}\n")
		s, err := Parse(data, "t.yaml")
		var le *LoadError
		require.ErrorAs(t, err, &le)
		require.NotNil(t, s)
		assert.Equal(t, "a", s.Name)
		assert.Len(t, s.Nodes, 1)
	})
	t.Run("a syntax error yields no spec", func(t *testing.T) {
		s, err := Parse([]byte("name: [a\n"), "t.yaml")
		var le *LoadError
		require.ErrorAs(t, err, &le)
		assert.Nil(t, s)
	})
}

func TestLoadSpecReportsAMissingFile(t *testing.T) {
	t.Run("a missing file is an fs error, not a load error", func(t *testing.T) {
		_, err := LoadSpec(filepath.Join(t.TempDir(), "none.yaml"))
		require.ErrorIs(t, err, os.ErrNotExist)
		var le *LoadError
		assert.False(t, errors.As(err, &le))
	})
}

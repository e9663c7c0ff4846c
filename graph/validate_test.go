package graph

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/graphrun/graphrun/policies"
)

// validateTestSpec returns a small valid graph built in Go, without
// positions.
func validateTestSpec() *Spec {
	return &Spec{
		Name:  "go",
		File:  "go.yaml",
		State: []Field{{Name: "items", Type: List, Reducer: Append}, {Name: "n", Type: Int}},
		Nodes: []Node{
			{Name: "work", Run: "demo.a", Policy: "p"},
			{Name: "rescue", Run: "demo.b"},
		},
		Edges: []Edge{
			{From: Start, To: []string{"work"}},
			{From: "work", Switch: []Case{{When: "n > 1", To: End}, {To: "work"}}},
			{From: "rescue", To: []string{End}},
		},
		Policies: map[string]policies.Spec{"p": {
			Retry:    &policies.RetrySpec{},
			Fallback: []policies.Route{{On: []policies.Class{policies.Any}, To: "rescue"}},
		}},
	}
}

// validateTestRegistry registers demo.a and demo.b.
func validateTestRegistry() *Registry {
	reg := NewRegistry()
	noop := func(context.Context, Input) (Update, error) { return nil, nil }
	reg.Register("demo.a", "a", noop)
	reg.Register("demo.b", "b", noop)
	return reg
}

func TestValidateSpecsBuiltInGo(t *testing.T) {
	tests := []struct {
		name   string
		change func(s *Spec)
		reg    *Registry
		want   []string
	}{
		{
			name: "a valid spec has an empty, non-nil problem list",
			reg:  validateTestRegistry(),
		},
		{
			name:   "a nil registry skips the function checks",
			change: func(s *Spec) { s.Nodes[0].Run = "not.registered" },
		},
		{
			name:   "zero retry settings mean the defaults",
			change: func(s *Spec) { *s.Policies["p"].Retry = policies.RetrySpec{} },
		},
		{
			name:   "a problem without a position falls back to the item's",
			change: func(s *Spec) { s.Nodes[1].Pos = Pos{Line: 7, Column: 3}; s.Nodes[1].Run = "" },
			want: []string{"go.yaml:7:3: nodes.rescue.run: the node has no run " +
				"(name the registered function it calls, e.g. run: mcq.generate)"},
		},
		{
			name:   "a problem with no position at all names the file",
			change: func(s *Spec) { s.Policies["p"].Retry.MaxAttempts = -2 },
			want: []string{"go.yaml: policies.p.retry.max_attempts: max_attempts is -2 " +
				"(count the first attempt too: 1 means no retry, 3 means two retries)"},
		},
		{
			name:   "a few registered names are all listed",
			change: func(s *Spec) { s.Nodes[1].Run = "demo.c" },
			reg:    validateTestRegistry(),
			want: []string{`go.yaml: nodes.rescue.run: function "demo.c" is not registered ` +
				`(did you mean "demo.a"? registered: demo.a, demo.b)`},
		},
		{
			name: "a node reached only by a fallback route needs the route",
			change: func(s *Spec) {
				s.Policies["p"] = policies.Spec{}
			},
			want: []string{`go.yaml: nodes.rescue: node "rescue" cannot be reached from START ` +
				`(add an edge or a fallback route to it, or remove it)`},
		},
		{
			name:   "duplicate names built in Go are reported once each",
			change: func(s *Spec) { s.State = append(s.State, Field{Name: "n", Type: Int}) },
			want: []string{`go.yaml: state.n: state field "n" is declared twice ` +
				`(remove or rename one of them)`},
		},
		{
			name: "a graph without a name or edges says all that is wrong",
			change: func(s *Spec) {
				s.Name = ""
				s.Edges = nil
			},
			want: []string{
				"go.yaml: name: the graph has no name " +
					"(add a top-level name: key, e.g. name: my_graph)",
				"go.yaml: edges: no edge leaves START " +
					"(add an edge to the first node, e.g. - {from: START, to: work})",
				"go.yaml: nodes.work: node \"work\" has no outgoing edge " +
					"(add an edge from it, e.g. - {from: work, to: END})",
				"go.yaml: nodes.rescue: node \"rescue\" has no outgoing edge " +
					"(add an edge from it, e.g. - {from: rescue, to: END})",
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := validateTestSpec()
			if tt.change != nil {
				tt.change(s)
			}
			problems := Validate(s, tt.reg)
			require.NotNil(t, problems)
			got := make([]string, len(problems))
			for i, p := range problems {
				got[i] = p.String()
			}
			if tt.want == nil {
				tt.want = []string{}
			}
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestValidateRejectsANilSpec(t *testing.T) {
	t.Run("a nil spec is one problem", func(t *testing.T) {
		assert.Len(t, Validate(nil, nil), 1)
	})
}

func TestValidateNearestSuggestsOnlyLikelyTypos(t *testing.T) {
	tests := []struct {
		name, got string
		want      string
	}{
		{"one missing letter is a typo", "polcy", "policy"},
		{"a swapped pair is a typo", "retyr", "retry"},
		{"two changes in a short word are too many", "descr", ""},
		{"case differences are typos", "Run", "run"},
		{"an unrelated word is not", "zzzz", ""},
		{"a one-letter word suggests nothing far", "q", ""},
	}
	known := []string{"run", "with", "policy", "compensate", "doc", "retry"}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, validateNearest(tt.got, known))
		})
	}
}

func TestValidateDistanceCountsEdits(t *testing.T) {
	tests := []struct {
		a, b string
		want int
	}{
		{"", "", 0}, {"abc", "abc", 0}, {"abc", "", 3}, {"kitten", "sitting", 3}, {"é", "e", 1},
		{"retyr", "retry", 1},
	}
	for _, tt := range tests {
		t.Run(tt.a+" to "+tt.b+" takes the expected edits", func(t *testing.T) {
			assert.Equal(t, tt.want, validateDistance(tt.a, tt.b))
		})
	}
}

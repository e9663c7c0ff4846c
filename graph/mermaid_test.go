package graph

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/graphrun/graphrun/policies"
)

func TestMermaidMatchesGoldenFiles(t *testing.T) {
	for _, path := range loaderTestFiles(t, "valid", "*.yaml") {
		name := strings.TrimSuffix(filepath.Base(path), ".yaml")
		t.Run(name+" renders as its golden chart", func(t *testing.T) {
			s, err := LoadSpec(path)
			require.NoError(t, err)
			loaderTestGolden(t, filepath.Join("..", "testdata", "mermaid", name+".mmd"), Mermaid(s))
		})
	}
}

func TestMermaidIsDeterministic(t *testing.T) {
	t.Run("rendering twice gives the same text", func(t *testing.T) {
		s, err := LoadSpec(filepath.Join(loaderTestGraphs, "valid", "mcq.yaml"))
		require.NoError(t, err)
		first := Mermaid(s)
		for range 20 {
			require.Equal(t, first, Mermaid(s))
		}
	})
}

func TestMermaidEscapesAndNamesSafely(t *testing.T) {
	spec := &Spec{
		Name: "tricky",
		Nodes: []Node{
			{Name: "end", Run: "f"},
			{Name: "a-b", Run: `say "hi" | <b>`},
			{Name: "start_", Run: "f", Policy: "p"},
		},
		Policies: map[string]policies.Spec{"p": {Fallback: []policies.Route{
			{On: []policies.Class{policies.Timeout, policies.Quota}, To: "end"},
		}}},
		Edges: []Edge{
			{From: Start, To: []string{"end"}},
			{From: "end", Switch: []Case{
				{When: `name == "x|y" && n > 1 # c`, To: "a-b"},
				{To: "ghost"},
			}},
			{From: "a-b", Map: &MapEdge{Over: "items", To: "start_", Concurrency: 2}},
			{From: "start_", To: []string{End}},
		},
	}
	out := Mermaid(spec)
	tests := []struct {
		name string
		want string
	}{
		{"a node named like a keyword gets a numbered id", `node1["end<br/><small>f</small>"]`},
		{"a node name with a dash gets a numbered id", `node2["a-b<br/>`},
		{"a name equal to a fixed id is made unique", `start__["start_`},
		{"quotes, pipes and angle brackets become entities",
			`say #quot;hi#quot; #124; #lt;b#gt;`},
		{"a condition is escaped inside its dotted arrow",
			`node1 -.->|"name == #quot;x#124;y#quot; #amp;#amp; n #gt; 1 #35; c"| node2`},
		{"the default case reads else", `-.->|"else"|`},
		{"an undeclared target is still drawn", `ghost["ghost"]`},
		{"a map edge is a thick arrow naming its list",
			`node2 ==>|"map over items, 2 at a time"| start__`},
		{"a fallback route is labelled with its classes",
			`start__ -.->|"on timeout, quota"| node1`},
		{"fallback routes are styled apart", "linkStyle 5 stroke:#c0392b"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Contains(t, out, tt.want)
		})
	}
	t.Run("every line but the header is indented", func(t *testing.T) {
		lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
		assert.Equal(t, "flowchart TD", lines[0])
		for _, l := range lines[1:] {
			assert.True(t, strings.HasPrefix(l, "    "), l)
		}
	})
}

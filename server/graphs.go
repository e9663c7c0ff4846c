package server

import (
	"net/http"
	"sort"

	"github.com/graphrun/graphrun/graph"
)

// GraphInfo describes a graph the server runs.
type GraphInfo struct {
	Name   string   `json:"name"`
	Doc    string   `json:"doc,omitempty"`
	Source string   `json:"source,omitempty"`
	Nodes  []string `json:"nodes"`
	// Inputs are the state fields a run's input may set: those the
	// graph's `input:` lists, or every declared field when it lists none.
	Inputs []InputInfo `json:"inputs"`
}

// InputInfo describes a state field a run's input may set.
type InputInfo struct {
	Name string     `json:"name"`
	Type graph.Type `json:"type"`
	// Required means a run without the field in its input is refused with
	// invalid_input.
	Required bool `json:"required"`
	// Default is the field's value when the input does not set it; nil
	// means the type's zero value.
	Default any    `json:"default,omitempty"`
	Doc     string `json:"doc,omitempty"`
}

func (s *Server) listGraphs(w http.ResponseWriter, _ *http.Request) {
	names := make([]string, 0, len(s.cfg.Graphs))
	for name := range s.cfg.Graphs {
		names = append(names, name)
	}
	sort.Strings(names)
	out := make([]GraphInfo, 0, len(names))
	for _, name := range names {
		out = append(out, describeGraph(name, s.cfg.Graphs[name]))
	}
	writeJSON(w, http.StatusOK, map[string]any{"graphs": out})
}

func describeGraph(name string, g *graph.Graph) GraphInfo {
	spec := g.Spec()
	info := GraphInfo{Name: name, Doc: spec.Doc, Source: g.Source(),
		Nodes: []string{}, Inputs: []InputInfo{}}
	for _, n := range spec.Nodes {
		info.Nodes = append(info.Nodes, n.Name)
	}
	for _, f := range g.Inputs() {
		info.Inputs = append(info.Inputs, InputInfo{Name: f.Name, Type: f.Type,
			Required: f.Required, Default: f.Default, Doc: f.Doc})
	}
	return info
}

func (s *Server) mermaid(w http.ResponseWriter, r *http.Request) {
	g, ok := s.graphOr404(w, r.PathValue("name"))
	if !ok {
		return
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	_, _ = w.Write([]byte(graph.Mermaid(g.Spec())))
}

func (s *Server) graphOr404(w http.ResponseWriter, name string) (*graph.Graph, bool) {
	g, ok := s.cfg.Graphs[name]
	if !ok {
		writeError(w, http.StatusNotFound, CodeGraphNotFound,
			"no graph named "+name+" (list them with GET /v1/graphs)")
	}
	return g, ok
}

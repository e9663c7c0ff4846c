package graph

import (
	"fmt"
	"strings"

	"gopkg.in/yaml.v3"
)

// The keys each mapping of a graph file accepts, in documentation order.
var (
	loadTopKeys = []string{
		"name", "doc", "input", "output", "check", "limits", "state", "breakers", "policies", "nodes",
		"edges",
	}
	loadLimitKeys  = []string{"max_steps", "deadline", "max_errors"}
	loadFieldKeys  = []string{"type", "default", "reducer", "required", "min", "max", "enum", "doc"}
	loadNodeKeys   = []string{"run", "with", "policy", "compensate", "defer", "doc"}
	loadEdgeKeys   = []string{"from", "to", "switch", "map"}
	loadCaseKeys   = []string{"when", "to"}
	loadMapKeys    = []string{"over", "to", "concurrency"}
	loadPolicyKeys = []string{"timeout", "deadline", "retry", "breaker", "fallback", "chaos"}
	loadRetryKeys  = []string{
		"max_attempts", "initial_interval", "max_interval", "multiplier", "jitter",
		"max_wait", "on",
	}
	loadRouteKeys   = []string{"on", "when", "to"}
	loadChaosKeys   = []string{"class", "rate", "seed", "retry_after"}
	loadBreakerKeys = []string{"failures", "cooldown", "half_open_probes", "on"}
)

// top decodes the top-level mapping.
func (l *loader) top(root *yaml.Node) {
	for _, e := range l.entries(root, "", loadTopKeys) {
		l.mark(e.key, e)
		switch e.key {
		case "name":
			l.spec.Name = l.str(e.value, "name")
		case "doc":
			l.spec.Doc = l.str(e.value, "doc")
		case "input":
			l.spec.Input = l.names(e.value, "input")
			if l.spec.Input == nil {
				l.spec.Input = []string{}
			}
		case "output":
			l.spec.Output = l.str(e.value, "output")
		case "check":
			l.spec.Check = l.str(e.value, "check")
		case "limits":
			l.limits(e.value)
		case "state":
			l.state(e.value)
		case "breakers":
			l.breakers(e.value)
		case "policies":
			l.policies(e.value)
		case "nodes":
			l.nodes(e.value)
		case "edges":
			l.edges(e.value)
		}
	}
}

// limits decodes the `limits:` section.
func (l *loader) limits(n *yaml.Node) {
	for _, e := range l.entries(n, "limits", loadLimitKeys) {
		path := "limits." + e.key
		l.mark(path, e)
		switch e.key {
		case "max_steps":
			l.spec.Limits.MaxSteps = l.integer(e.value, path)
		case "deadline":
			l.spec.Limits.Deadline = l.duration(e.value, path)
		case "max_errors":
			l.spec.Limits.MaxErrors = l.integer(e.value, path)
		}
	}
}

// state decodes the `state:` section. A field is either a mapping or just
// its type.
func (l *loader) state(n *yaml.Node) {
	for _, e := range l.entries(n, "state", nil) {
		path := "state." + e.key
		l.markName(path, e)
		f := Field{Name: e.key, Pos: l.pos(e.kNode)}
		if e.value.Kind == yaml.ScalarNode {
			f.Type = Type(l.str(e.value, path+".type"))
			l.spec.Pos[path+".type"] = l.pos(e.value)
			l.spec.State = append(l.spec.State, f)
			continue
		}
		for _, fe := range l.entries(e.value, path, loadFieldKeys) {
			sub := path + "." + fe.key
			l.mark(sub, fe)
			switch fe.key {
			case "type":
				f.Type = Type(l.str(fe.value, sub))
			case "default":
				f.Default = l.value(fe.value, sub)
			case "reducer":
				f.Reducer = Reducer(l.str(fe.value, sub))
			case "required":
				f.Required = l.boolean(fe.value, sub)
			case "min":
				n := l.number(fe.value, sub)
				f.Min = &n
			case "max":
				n := l.number(fe.value, sub)
				f.Max = &n
			case "enum":
				if fe.value.Kind != yaml.SequenceNode {
					l.add(l.pos(fe.value), sub, "want a list of values", "write enum: [a, b, c]")
					continue
				}
				for _, item := range fe.value.Content {
					f.Enum = append(f.Enum, l.value(item, sub))
				}
			case "doc":
				f.Doc = l.str(fe.value, sub)
			}
		}
		l.spec.State = append(l.spec.State, f)
	}
}

// value decodes any YAML value into plain Go values.
func (l *loader) value(n *yaml.Node, path string) any {
	var v any
	if err := n.Decode(&v); err != nil {
		l.add(l.pos(n), path, "cannot decode value: "+strings.TrimPrefix(err.Error(), "yaml: "), "")
		return nil
	}
	return v
}

// nodes decodes the `nodes:` section.
func (l *loader) nodes(n *yaml.Node) {
	for _, e := range l.entries(n, "nodes", nil) {
		path := "nodes." + e.key
		l.markName(path, e)
		node := Node{Name: e.key, Pos: l.pos(e.kNode)}
		for _, ne := range l.entries(e.value, path, loadNodeKeys) {
			sub := path + "." + ne.key
			l.mark(sub, ne)
			switch ne.key {
			case "run":
				node.Run = l.str(ne.value, sub)
			case "with":
				node.With = l.with(ne.value, sub)
			case "policy":
				node.Policy = l.str(ne.value, sub)
			case "compensate":
				node.Compensate = l.str(ne.value, sub)
			case "defer":
				node.Defer = l.boolean(ne.value, sub)
			case "doc":
				node.Doc = l.str(ne.value, sub)
			}
		}
		l.spec.Nodes = append(l.spec.Nodes, node)
	}
}

// with decodes a node's static arguments.
func (l *loader) with(n *yaml.Node, path string) map[string]any {
	entries := l.entries(n, path, nil)
	if len(entries) == 0 {
		return nil
	}
	out := make(map[string]any, len(entries))
	for _, e := range entries {
		l.mark(path+"."+e.key, e)
		out[e.key] = l.value(e.value, path+"."+e.key)
	}
	return out
}

// edges decodes the `edges:` list.
func (l *loader) edges(n *yaml.Node) {
	for i, item := range l.items(n, "edges") {
		path := fmt.Sprintf("edges[%d]", i)
		l.spec.Pos[path] = l.pos(item)
		edge := Edge{Pos: l.pos(item)}
		for _, e := range l.entries(item, path, loadEdgeKeys) {
			sub := path + "." + e.key
			l.mark(sub, e)
			switch e.key {
			case "from":
				edge.From = l.str(e.value, sub)
			case "to":
				edge.To = l.names(e.value, sub)
				if edge.To == nil {
					edge.To = []string{}
				}
			case "switch":
				edge.Switch = l.cases(e.value, sub)
			case "map":
				edge.Map = l.mapEdge(e.value, sub)
			}
		}
		l.spec.Edges = append(l.spec.Edges, edge)
	}
}

// cases decodes the cases of a switch edge. An empty switch decodes to an
// empty, non-nil slice so that Validate can tell it from an absent one.
func (l *loader) cases(n *yaml.Node, path string) []Case {
	out := []Case{}
	for i, item := range l.items(n, path) {
		cpath := fmt.Sprintf("%s[%d]", path, i)
		l.spec.Pos[cpath] = l.pos(item)
		c := Case{Pos: l.pos(item)}
		for _, e := range l.entries(item, cpath, loadCaseKeys) {
			sub := cpath + "." + e.key
			l.mark(sub, e)
			switch e.key {
			case "when":
				c.When = l.str(e.value, sub)
				l.spec.Pos[sub] = l.exprStart(e.value)
			case "to":
				c.To = l.str(e.value, sub)
			}
		}
		out = append(out, c)
	}
	return out
}

// exprStart returns where the text of the scalar n begins: after the quote
// of a quoted scalar, on the next line for a block scalar.
func (l *loader) exprStart(n *yaml.Node) Pos {
	p := l.pos(n)
	switch {
	case n.Style&(yaml.DoubleQuotedStyle|yaml.SingleQuotedStyle) != 0:
		p.Column++
	case n.Style&(yaml.LiteralStyle|yaml.FoldedStyle) != 0:
		p.Line++
		p.Column = loadIndent(l.data, p.Line) + 1
	}
	return p
}

// loadIndent returns the number of leading spaces of line (1-based) in data.
func loadIndent(data []byte, line int) int {
	lines := strings.SplitN(string(data), "\n", line+1)
	if line > len(lines) {
		return 0
	}
	text := lines[line-1]
	return len(text) - len(strings.TrimLeft(text, " "))
}

// mapEdge decodes the `map:` of an edge.
func (l *loader) mapEdge(n *yaml.Node, path string) *MapEdge {
	m := &MapEdge{Pos: l.pos(n)}
	for _, e := range l.entries(n, path, loadMapKeys) {
		sub := path + "." + e.key
		l.mark(sub, e)
		switch e.key {
		case "over":
			m.Over = l.str(e.value, sub)
		case "to":
			m.To = l.str(e.value, sub)
		case "concurrency":
			m.Concurrency = l.integer(e.value, sub)
		}
	}
	return m
}

package graph

import (
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"slices"

	"github.com/expr-lang/expr/vm"

	"github.com/graphrun/graphrun/policies"
)

// Graph is a compiled graph, ready to run: every name resolved, every
// expression compiled. It is immutable and safe for concurrent use by any
// number of runs.
type Graph struct {
	spec   *Spec
	digest string
	source string // the file the graph was loaded from
	fields []Field
	index  map[string]int // field name to position in fields
	nodes  map[string]*node
	order  []string // node names in declaration order
	start  []*edge
	// hasDefer says whether any node is deferred; hasComp whether any
	// has a compensation.
	hasDefer, hasComp bool
	// check is the input check the graph names, or nil.
	check CheckFunc
	// inputs holds the fields a run's input may set; nil means every
	// declared field.
	inputs map[string]bool
}

// node is a compiled node.
type node struct {
	Node
	fn     Func
	comp   Func
	policy *policies.Spec
	// fallback holds the compiled when of each of the policy's fallback
	// routes; nil for a route without one.
	fallback []*vm.Program
	out      []*edge
	// bound is the smallest concurrency of the map edges that target this
	// node, or 0.
	bound int
	// plain lists the tasks a node whose edges are all plain schedules
	// (END left out); nil when an edge reads the state. It is shared by
	// every task of the node and never changed.
	plain []Task
}

// edge is a compiled edge.
type edge struct {
	Edge
	cases []*vm.Program // one per switch case; nil for a default
}

// Spec returns the specification the graph was compiled from. It must not
// be modified.
func (g *Graph) Spec() *Spec { return g.spec }

// Name returns the graph's name.
func (g *Graph) Name() string { return g.spec.Name }

// Digest returns a hash of the graph file, or of the spec when the graph
// was built in Go.
func (g *Graph) Digest() string { return g.digest }

// Source returns the path the graph was loaded from, or "" when it was
// compiled from a spec built in Go.
func (g *Graph) Source() string { return g.source }

// Fields returns the declared state fields, the built-in [LastError] last.
func (g *Graph) Fields() []Field { return g.fields }

// Inputs returns the state fields a run's input may set, in declaration
// order: those the graph's `input:` lists, or every declared field but
// [LastError] when it lists none.
func (g *Graph) Inputs() []Field {
	var out []Field
	for _, f := range g.fields {
		if g.IsInput(f.Name) {
			out = append(out, f)
		}
	}
	return out
}

// IsInput says whether a run's input may set the field called name.
func (g *Graph) IsInput(name string) bool {
	if _, ok := g.index[name]; !ok || name == LastError {
		return false
	}
	return g.inputs == nil || g.inputs[name]
}

// Field returns the declared field called name.
func (g *Graph) Field(name string) (Field, bool) {
	i, ok := g.index[name]
	if !ok {
		return Field{}, false
	}
	return g.fields[i], true
}

// Load reads, checks and compiles the graph file at path, resolving
// function names in reg.
func Load(path string, reg *Registry) (*Graph, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read graph: %w", err)
	}
	return LoadData(data, path, reg)
}

// LoadData checks and compiles a graph file's contents; file names it in
// messages and is recorded as the graph's source.
func LoadData(data []byte, file string, reg *Registry) (*Graph, error) {
	spec, err := Parse(data, file)
	if err != nil {
		var le *LoadError
		if spec != nil && errors.As(err, &le) {
			// Report what the structure check found and every problem of
			// meaning at once, but not again what follows from the first.
			le.Problems = append(le.Problems, withoutEchoes(le.Problems, Validate(spec, reg))...)
			sortProblems(le.Problems)
		}
		return nil, err
	}
	g, err := Compile(spec, reg)
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256(data)
	g.digest = hex.EncodeToString(sum[:8])
	g.source = file
	return g, nil
}

// Compile checks s with [Validate] and compiles it. It returns a
// [*LoadError] listing every problem when s is not valid.
func Compile(s *Spec, reg *Registry) (*Graph, error) {
	if reg == nil {
		reg = NewRegistry()
	}
	if problems := Validate(s, reg); len(problems) > 0 {
		sortProblems(problems)
		return nil, &LoadError{File: s.File, Problems: problems}
	}
	g := &Graph{
		spec:  s,
		index: map[string]int{},
		nodes: map[string]*node{},
	}
	if s.Check != "" {
		g.check, _ = reg.LookupCheck(s.Check)
	}
	if s.Input != nil {
		g.inputs = map[string]bool{}
		for _, name := range s.Input {
			g.inputs[name] = true
		}
	}
	g.fields = append(g.fields, s.State...)
	g.fields = append(g.fields, Field{Name: LastError, Type: Map, Reducer: Replace,
		Doc: "the failure the last fallback route caught"})
	for i := range g.fields {
		if g.fields[i].Reducer == "" {
			g.fields[i].Reducer = Replace
		}
		g.index[g.fields[i].Name] = i
	}
	for _, n := range s.Nodes {
		cn := &node{Node: n}
		cn.fn, _ = reg.Lookup(n.Run)
		if n.Compensate != "" {
			cn.comp, _ = reg.Lookup(n.Compensate)
		}
		if n.Policy != "" {
			p := s.Policies[n.Policy]
			cn.policy = &p
			for _, r := range p.Fallback {
				prog, err := g.compileWhen(r.When, r.To)
				if err != nil {
					return nil, err
				}
				cn.fallback = append(cn.fallback, prog)
			}
		}
		g.nodes[n.Name] = cn
		g.hasDefer = g.hasDefer || n.Defer
		g.hasComp = g.hasComp || cn.comp != nil
		g.order = append(g.order, n.Name)
	}
	for _, e := range s.Edges {
		ce := &edge{Edge: e}
		for _, c := range e.Switch {
			prog, err := g.compileWhen(c.When, c.To)
			if err != nil {
				return nil, err
			}
			ce.cases = append(ce.cases, prog)
		}
		if e.Map != nil {
			t := g.nodes[e.Map.To]
			if c := e.Map.Concurrency; c > 0 && (t.bound == 0 || c < t.bound) {
				t.bound = c
			}
		}
		if e.From == Start {
			g.start = append(g.start, ce)
		} else {
			g.nodes[e.From].out = append(g.nodes[e.From].out, ce)
		}
	}
	for _, n := range g.nodes {
		n.plain = plainTasks(n.out)
	}
	g.digest = specDigest(s)
	return g, nil
}

// sortProblems puts problems in file order, keeping the order of those at
// one position.
func sortProblems(problems []Problem) {
	slices.SortStableFunc(problems, func(a, b Problem) int {
		return cmp.Or(cmp.Compare(a.Pos.Line, b.Pos.Line), cmp.Compare(a.Pos.Column, b.Pos.Column))
	})
}

// compileWhen compiles the condition of a switch case or fallback route
// leading to node to; an empty one compiles to nil. Validate has checked
// it, so an error here means the spec changed since.
func (g *Graph) compileWhen(when, to string) (*vm.Program, error) {
	if when == "" {
		return nil, nil
	}
	prog, err := compileExpr(when, g.fields[:len(g.fields)-1])
	if err != nil {
		return nil, &LoadError{File: g.spec.File, Problems: []Problem{{
			Path: "when", Msg: fmt.Sprintf("condition %q of the way to %s: %v", when, to, err)}}}
	}
	return prog, nil
}

// plainTasks returns the tasks a node with only plain edges schedules, or
// nil when an edge needs the state (a switch or a map).
func plainTasks(out []*edge) []Task {
	tasks := []Task{}
	for _, e := range out {
		if e.Map != nil || len(e.Switch) > 0 {
			return nil
		}
		for _, to := range e.To {
			if to != End {
				tasks = append(tasks, Task{Node: to})
			}
		}
	}
	return tasks
}

// specDigest hashes what matters of a spec built in Go.
func specDigest(s *Spec) string {
	h := sha256.New()
	fmt.Fprintf(h, "%s|%v|%v|%v", s.Name, s.State, s.Nodes, s.Edges)
	return hex.EncodeToString(h.Sum(nil)[:8])
}

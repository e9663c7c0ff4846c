package graph

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
)

// Mermaid renders s as a Mermaid flowchart, top to bottom. The output
// depends only on s, in declaration order, so it can be kept under version
// control and compared.
//
// START and END are circles; a node is a box holding its name and, below,
// the function it runs. Plain edges are solid arrows, switch cases dotted
// arrows labelled with their condition (the default case with "else"), map
// edges thick arrows labelled "map over <field>", and fallback routes red
// dashed arrows labelled "on <classes>".
func Mermaid(s *Spec) string {
	m := &mermaidWriter{ids: map[string]string{Start: "start_", End: "end_"}}
	m.line("flowchart TD")

	m.declare(Start, "((START))")
	for i, n := range s.Nodes {
		if _, dup := m.ids[n.Name]; dup {
			continue
		}
		m.ids[n.Name] = m.newID(n.Name, fmt.Sprintf("node%d", i+1))
		label := mermaidText(n.Name)
		if n.Run != "" {
			label += "<br/><small>" + mermaidText(n.Run) + "</small>"
		}
		m.declare(n.Name, `["`+label+`"]`)
	}
	m.declare(End, "((END))")

	for _, e := range s.Edges {
		m.edge(e)
	}
	m.fallbacks(s)

	if len(m.fallbackLinks) > 0 {
		m.line(fmt.Sprintf("linkStyle %s stroke:#c0392b,color:#c0392b,stroke-dasharray:6 4",
			strings.Join(m.fallbackLinks, ",")))
	}
	return m.b.String()
}

// mermaidWriter accumulates a flowchart.
type mermaidWriter struct {
	b strings.Builder
	// ids maps graph names to Mermaid ids.
	ids map[string]string
	// links counts the links written, which Mermaid numbers from 0.
	links         int
	fallbackLinks []string
}

// mermaidSafeID matches names that can be used as Mermaid ids unchanged.
var mermaidSafeID = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_]*$`)

// mermaidWords are words a Mermaid flowchart gives a meaning to, which
// cannot be node ids.
var mermaidWords = []string{
	"end", "graph", "flowchart", "subgraph", "direction", "click", "call", "href",
	"style", "classdef", "class", "linkstyle", "default", "start",
}

// newID returns name when it can serve as an id, else alt, made unique.
func (m *mermaidWriter) newID(name, alt string) string {
	id := name
	if !mermaidSafeID.MatchString(name) || slices.Contains(mermaidWords, strings.ToLower(name)) {
		id = alt
	}
	for m.taken(id) {
		id += "_"
	}
	return id
}

// taken reports whether id is in use.
func (m *mermaidWriter) taken(id string) bool {
	for _, used := range m.ids {
		if used == id {
			return true
		}
	}
	return false
}

// line writes one line of the chart.
func (m *mermaidWriter) line(text string) {
	if !strings.HasPrefix(text, "flowchart") {
		m.b.WriteString("    ")
	}
	m.b.WriteString(text)
	m.b.WriteByte('\n')
}

// declare writes the shape of a node whose id is known.
func (m *mermaidWriter) declare(name, shape string) {
	m.line(m.ids[name] + shape)
}

// id returns the Mermaid id of a name, declaring names the spec does not,
// so that even an invalid spec renders.
func (m *mermaidWriter) id(name string) string {
	if id, ok := m.ids[name]; ok {
		return id
	}
	id := m.newID(name, "unknown")
	m.ids[name] = id
	m.line(id + `["` + mermaidText(name) + `"]`)
	return id
}

// link writes one arrow and returns its Mermaid index.
func (m *mermaidWriter) link(from, arrow, label, to string) int {
	f, t := m.id(from), m.id(to)
	if label != "" {
		arrow += `|"` + label + `"|`
	}
	m.line(f + " " + arrow + " " + t)
	m.links++
	return m.links - 1
}

// edge writes the arrows of one edge.
func (m *mermaidWriter) edge(e Edge) {
	for _, to := range e.To {
		m.link(e.From, "-->", "", to)
	}
	for _, c := range e.Switch {
		label := "else"
		if c.When != "" {
			label = mermaidText(strings.Join(strings.Fields(c.When), " "))
		}
		m.link(e.From, "-.->", label, c.To)
	}
	if e.Map != nil {
		label := "map over " + mermaidText(e.Map.Over)
		if e.Map.Concurrency > 0 {
			label += fmt.Sprintf(", %d at a time", e.Map.Concurrency)
		}
		m.link(e.From, "==>", label, e.Map.To)
	}
}

// fallbacks writes the fallback routes of each node's policy.
func (m *mermaidWriter) fallbacks(s *Spec) {
	for _, n := range s.Nodes {
		if n.Policy == "" {
			continue
		}
		for _, r := range s.Policies[n.Policy].Fallback {
			classes := make([]string, len(r.On))
			for i, c := range r.On {
				classes[i] = string(c)
			}
			label := "on " + strings.Join(classes, ", ")
			if r.When != "" {
				label += " when " + r.When
			}
			label = mermaidText(label)
			idx := m.link(n.Name, "-.->", label, r.To)
			m.fallbackLinks = append(m.fallbackLinks, fmt.Sprint(idx))
		}
	}
}

// mermaidText escapes text for a quoted Mermaid label, with entity codes
// for the characters that would end the label or be read as markup.
func mermaidText(text string) string {
	var b strings.Builder
	for _, r := range text {
		switch r {
		case '#':
			b.WriteString("#35;")
		case '"':
			b.WriteString("#quot;")
		case '|':
			b.WriteString("#124;")
		case '<':
			b.WriteString("#lt;")
		case '>':
			b.WriteString("#gt;")
		case '&':
			b.WriteString("#amp;")
		case '`':
			b.WriteString("#96;")
		case '\n', '\r', '\t':
			b.WriteByte(' ')
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

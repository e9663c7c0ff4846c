package graph

import (
	"fmt"
	"strings"
)

// Problem is one thing wrong with a graph file.
type Problem struct {
	// Pos is where the problem is.
	Pos Pos
	// Path names the field at fault, like "nodes.generate.policy".
	Path string
	// Msg says what is wrong, in lowercase.
	Msg string
	// Hint says what to do about it; empty when obvious.
	Hint string
}

// String formats p as "file:line:col: path: msg (hint)".
func (p Problem) String() string {
	var b strings.Builder
	b.WriteString(p.Pos.String())
	b.WriteString(": ")
	if p.Path != "" {
		b.WriteString(p.Path)
		b.WriteString(": ")
	}
	b.WriteString(p.Msg)
	if p.Hint != "" {
		b.WriteString(" (")
		b.WriteString(p.Hint)
		b.WriteString(")")
	}
	return b.String()
}

// LoadError lists every problem found in a graph file.
type LoadError struct {
	File     string
	Problems []Problem
}

// Error lists the problems one per line.
func (e *LoadError) Error() string {
	lines := make([]string, 0, len(e.Problems)+1)
	lines = append(lines, fmt.Sprintf("%s: %d problem(s)", e.File, len(e.Problems)))
	for _, p := range e.Problems {
		lines = append(lines, "  "+p.String())
	}
	return strings.Join(lines, "\n")
}

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

	// shape marks a problem of the graph's shape: reachability, a way to
	// END. unknownKey marks a key the format does not have.
	shape, unknownKey bool
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

// withoutEchoes returns the problems found in a graph's meaning that do
// not merely follow from what the structure check refused: none at or
// under a refused value, none beside an unknown key in its mapping (a
// misspelt key leaves its right spelling missing there), and no problem of
// shape, which only a file read whole can have.
func withoutEchoes(refused, found []Problem) []Problem {
	if len(refused) == 0 {
		return found
	}
	var out []Problem
	for _, q := range found {
		echo := q.shape
		for _, p := range refused {
			if echo {
				break
			}
			m := parentPath(p.Path)
			echo = within(q.Path, p.Path) ||
				(p.unknownKey && m != "" && (q.Path == m || parentPath(q.Path) == m))
		}
		if !echo {
			out = append(out, q)
		}
	}
	return out
}

// within says whether path is top or lies under it.
func within(path, top string) bool {
	if !strings.HasPrefix(path, top) {
		return false
	}
	rest := path[len(top):]
	return rest == "" || rest[0] == '.' || rest[0] == '['
}

// parentPath returns the path of the mapping or list that holds path, ""
// for a top-level key.
func parentPath(path string) string {
	i := strings.LastIndexAny(path, ".[")
	if i < 0 {
		return ""
	}
	return path[:i]
}

// LoadError lists every problem found in a graph file.
type LoadError struct {
	// File names the graph file, as given to [Parse] or in [Spec.File].
	File string
	// Problems lists every problem found, in file order.
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

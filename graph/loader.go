package graph

import (
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"io"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/graphrun/graphrun/policies"
)

// LoadSpec reads the graph file at path and decodes it with [Parse].
func LoadSpec(path string) (*Spec, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read graph: %w", err)
	}
	return Parse(data, path)
}

// Parse decodes a graph file with the yaml.v3 node API, recording in
// [Spec.Pos] where each item was declared. file names the source in
// positions. Parse checks the file's structure: YAML syntax, the kind of
// each value, duplicate and unknown keys, numbers and durations. It does not
// check what the names refer to; that is [Validate]'s job.
//
// When the file has problems, Parse returns a *[LoadError] listing all of
// them, together with the Spec decoded from the parts that made sense (or
// nil when the YAML itself could not be read).
func Parse(data []byte, file string) (*Spec, error) {
	l := &loader{
		file: file,
		data: data,
		spec: &Spec{
			File:     file,
			Policies: map[string]policies.Spec{},
			Breakers: map[string]policies.BreakerSpec{},
			Pos:      map[string]Pos{},
		},
	}
	root, ok := l.document()
	if !ok {
		return nil, l.err()
	}
	l.top(root)
	if len(l.problems) > 0 {
		return l.spec, l.err()
	}
	return l.spec, nil
}

// loader holds the state of one Parse call.
type loader struct {
	file     string
	data     []byte
	spec     *Spec
	problems []Problem
}

// loadEntry is one key and value of a YAML mapping.
type loadEntry struct {
	key   string
	kNode *yaml.Node
	value *yaml.Node
}

// loadParserProblems are the yaml.v3 syntax errors reported by its parser
// rather than its scanner.
var loadParserProblems = []string{
	"did not find expected ',' or ']'",
	"did not find expected ',' or '}'",
	"did not find expected '-' indicator",
	"did not find expected key",
	"did not find expected node content",
	"found undefined tag handle",
}

// loadSyntaxLine finds the line number yaml.v3 puts in its syntax errors.
var loadSyntaxLine = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)

// err returns the problems as a *LoadError, or nil when there are none.
func (l *loader) err() error {
	if len(l.problems) == 0 {
		return nil
	}
	slices.SortStableFunc(l.problems, func(a, b Problem) int {
		return cmp.Or(cmp.Compare(a.Pos.Line, b.Pos.Line), cmp.Compare(a.Pos.Column, b.Pos.Column))
	})
	return &LoadError{File: l.file, Problems: l.problems}
}

// document reads the YAML and returns the top-level node of the first
// document, reporting syntax errors, an empty file and extra documents.
func (l *loader) document() (*yaml.Node, bool) {
	dec := yaml.NewDecoder(bytes.NewReader(l.data))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			l.add(Pos{File: l.file, Line: 1, Column: 1}, "", "the file holds no graph",
				"start with the graph's name, e.g. name: my_graph")
			return nil, false
		}
		l.syntax(err)
		return nil, false
	}
	var extra yaml.Node
	switch err := dec.Decode(&extra); {
	case err == nil:
		l.add(l.pos(&extra), "", "the file holds more than one YAML document",
			"keep one graph per file and remove the --- separator")
	case !errors.Is(err, io.EOF):
		l.syntax(err)
	}
	if len(doc.Content) == 0 {
		l.add(Pos{File: l.file, Line: 1, Column: 1}, "", "the file holds no graph",
			"start with the graph's name, e.g. name: my_graph")
		return nil, false
	}
	root := loadResolve(doc.Content[0])
	l.spec.Pos[""] = l.pos(root)
	return root, len(l.problems) == 0
}

// syntax records a YAML syntax error at the line yaml.v3 reports.
func (l *loader) syntax(err error) {
	msg := err.Error()
	pos := Pos{File: l.file}
	if m := loadSyntaxLine.FindStringSubmatch(msg); m != nil {
		line, _ := strconv.Atoi(m[1])
		msg = m[2]
		if slices.Contains(loadParserProblems, msg) {
			// yaml.v3 counts these lines from 0: they are the line where
			// the enclosing block or flow collection starts.
			line++
		}
		pos = Pos{File: l.file, Line: line, Column: 1}
	} else {
		msg = strings.TrimPrefix(msg, "yaml: ")
	}
	l.add(pos, "", "invalid YAML: "+msg,
		"indent with spaces, and quote values that contain \": \" or start with a "+
			"special character such as { [ * & ! | > ' \" % @")
}

// pos returns the position of n in the file.
func (l *loader) pos(n *yaml.Node) Pos {
	return Pos{File: l.file, Line: n.Line, Column: n.Column}
}

// add records a problem.
func (l *loader) add(pos Pos, path, msg, hint string) {
	l.problems = append(l.problems, Problem{Pos: pos, Path: path, Msg: msg, Hint: hint})
}

// mark records where the item at path was declared: at its value for a
// scalar, at its key otherwise.
func (l *loader) mark(path string, e loadEntry) {
	if e.value.Kind == yaml.ScalarNode && !loadIsNull(e.value) {
		l.spec.Pos[path] = l.pos(e.value)
		return
	}
	l.spec.Pos[path] = l.pos(e.kNode)
}

// markName records where a named item (a field, node, policy or breaker)
// was declared: at its name.
func (l *loader) markName(path string, e loadEntry) {
	l.spec.Pos[path] = l.pos(e.kNode)
}

// loadResolve follows aliases to the node they name.
func loadResolve(n *yaml.Node) *yaml.Node {
	for n != nil && n.Kind == yaml.AliasNode && n.Alias != nil {
		n = n.Alias
	}
	return n
}

// loadIsNull reports whether n is an explicit or empty null value.
func loadIsNull(n *yaml.Node) bool {
	return n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null"
}

// loadKind names the kind of n for messages.
func loadKind(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		if loadIsNull(n) {
			return "nothing"
		}
		return fmt.Sprintf("the value %q", n.Value)
	}
	return "something else"
}

// entries returns the pairs of the mapping n at path in file order. It
// reports a value that is not a mapping, keys that are not scalars,
// duplicate keys, and keys not in known (unless known is nil). Reported
// pairs are left out. A null value counts as an empty mapping.
func (l *loader) entries(n *yaml.Node, path string, known []string) []loadEntry {
	n = loadResolve(n)
	if loadIsNull(n) {
		return nil
	}
	if n.Kind != yaml.MappingNode {
		l.add(l.pos(n), path, "want a mapping of key: value pairs, got "+loadKind(n),
			"write the entries as indented key: value lines, or {key: value, ...}")
		return nil
	}
	seen := map[string]*yaml.Node{}
	out := make([]loadEntry, 0, len(n.Content)/2)
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := loadResolve(n.Content[i]), loadResolve(n.Content[i+1])
		if k.Kind != yaml.ScalarNode {
			l.add(l.pos(k), path, "want a plain name as key, got "+loadKind(k),
				"keys are names such as generate or max_attempts")
			continue
		}
		sub := loadJoin(path, k.Value)
		if first, dup := seen[k.Value]; dup {
			where := fmt.Sprintf("line %d", first.Line)
			if first.Line == k.Line {
				where += fmt.Sprintf(", column %d", first.Column)
			}
			l.add(l.pos(k), sub, fmt.Sprintf("duplicate key %q (first at %s)", k.Value, where),
				"remove one of the two, or rename it")
			continue
		}
		seen[k.Value] = k
		if known != nil && !slices.Contains(known, k.Value) {
			l.add(l.pos(k), sub, fmt.Sprintf("unknown key %q", k.Value),
				validateUnknownHint(k.Value, known))
			l.problems[len(l.problems)-1].unknownKey = true
			continue
		}
		out = append(out, loadEntry{key: k.Value, kNode: k, value: v})
	}
	return out
}

// items returns the elements of the list n at path, reporting a value that
// is not a list. A null value counts as an empty list.
func (l *loader) items(n *yaml.Node, path string) []*yaml.Node {
	n = loadResolve(n)
	if loadIsNull(n) {
		return nil
	}
	if n.Kind != yaml.SequenceNode {
		l.add(l.pos(n), path, "want a list, got "+loadKind(n),
			"write the elements as \"- \" lines, or [a, b, ...]")
		return nil
	}
	out := make([]*yaml.Node, len(n.Content))
	for i, c := range n.Content {
		out[i] = loadResolve(c)
	}
	return out
}

// scalar returns the text of the scalar n, reporting other kinds. A null
// value gives "" without a problem.
func (l *loader) scalar(n *yaml.Node, path, want string) (string, bool) {
	if loadIsNull(n) {
		return "", true
	}
	if n.Kind != yaml.ScalarNode {
		l.add(l.pos(n), path, fmt.Sprintf("want %s, got %s", want, loadKind(n)), "")
		return "", false
	}
	return n.Value, true
}

// str decodes a string value.
func (l *loader) str(n *yaml.Node, path string) string {
	s, _ := l.scalar(n, path, "a string")
	return s
}

// integer decodes a whole number.
func (l *loader) integer(n *yaml.Node, path string) int {
	s, ok := l.scalar(n, path, "a whole number")
	if !ok || s == "" {
		return 0
	}
	var v int
	if n.ShortTag() != "!!int" || n.Decode(&v) != nil {
		l.add(l.pos(n), path, fmt.Sprintf("want a whole number, got %q", s),
			loadNumberHint(n, "write digits only, e.g. 3"))
		return 0
	}
	return v
}

// boolean decodes true or false.
func (l *loader) boolean(n *yaml.Node, path string) bool {
	s, ok := l.scalar(n, path, "true or false")
	if !ok || s == "" {
		return false
	}
	var v bool
	if n.ShortTag() != "!!bool" || n.Decode(&v) != nil {
		l.add(l.pos(n), path, fmt.Sprintf("want true or false, got %q", s),
			"write true or false without quotes")
		return false
	}
	return v
}

// count decodes a whole number that must fit a uint32.
func (l *loader) count(n *yaml.Node, path string) uint32 {
	v := l.integer(n, path)
	if v < 0 || int64(v) > int64(^uint32(0)) {
		l.add(l.pos(n), path, fmt.Sprintf("%d is out of range", v),
			"use a number from 0 to 4294967295")
		return 0
	}
	return uint32(v)
}

// number decodes an int or float value.
func (l *loader) number(n *yaml.Node, path string) float64 {
	s, ok := l.scalar(n, path, "a number")
	if !ok || s == "" {
		return 0
	}
	var v float64
	tag := n.ShortTag()
	if (tag != "!!int" && tag != "!!float") || n.Decode(&v) != nil {
		l.add(l.pos(n), path, fmt.Sprintf("want a number, got %q", s),
			loadNumberHint(n, "write a number such as 0.5 or 2"))
		return 0
	}
	return v
}

// loadNumberHint returns hint, or advice to unquote a quoted number.
func loadNumberHint(n *yaml.Node, hint string) string {
	if n.Style&(yaml.DoubleQuotedStyle|yaml.SingleQuotedStyle) != 0 {
		return "remove the quotes: a quoted value is a string"
	}
	return hint
}

// duration decodes a Go duration string such as 1m30s.
func (l *loader) duration(n *yaml.Node, path string) time.Duration {
	s, ok := l.scalar(n, path, "a duration")
	if !ok || s == "" {
		return 0
	}
	d, err := time.ParseDuration(s)
	if err != nil {
		l.add(l.pos(n), path, fmt.Sprintf("want a duration, got %q", s),
			"write a number with a unit: ms, s, m or h, e.g. 30s, 2m or 1h30m")
		return 0
	}
	return d
}

// names decodes a name or a list of names, marking each element's position
// as path[i].
func (l *loader) names(n *yaml.Node, path string) []string {
	if n.Kind == yaml.ScalarNode {
		if loadIsNull(n) {
			return nil
		}
		return []string{n.Value}
	}
	var out []string
	for i, item := range l.items(n, path) {
		sub := fmt.Sprintf("%s[%d]", path, i)
		l.spec.Pos[sub] = l.pos(item)
		if s, ok := l.scalar(item, sub, "a name"); ok {
			out = append(out, s)
		}
	}
	return out
}

// classes decodes a class or a list of classes. Their names are checked by
// Validate.
func (l *loader) classes(n *yaml.Node, path string) []policies.Class {
	names := l.names(n, path)
	if names == nil {
		return nil
	}
	out := make([]policies.Class, len(names))
	for i, s := range names {
		out[i] = policies.Class(s)
	}
	return out
}

// loadJoin appends key to a dotted path.
func loadJoin(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

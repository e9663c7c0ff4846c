package graph

import (
	"errors"
	"fmt"
	"reflect"
	"regexp"
	"slices"
	"strings"
)

// Validate returns every problem of s, in file order within each section,
// or an empty slice when there is none. It checks what the names refer to,
// the values' ranges, the `when` expressions and the graph's shape. reg may
// be nil; then the functions named in `run:` and `compensate:` are not
// checked. s may have been decoded by [Parse] or built in Go; positions come
// from [Spec.Pos] and the items' own Pos fields, and may be zero.
func Validate(s *Spec, reg *Registry) []Problem {
	if s == nil {
		return []Problem{{Msg: "no graph to validate", Hint: "load a graph file first"}}
	}
	v := &validator{s: s, reg: reg, problems: []Problem{}}
	v.checkName()
	v.checkLimits()
	v.checkState()
	v.checkInput()
	v.checkOutput()
	v.checkCheck()
	v.checkNodes()
	v.checkEdges()
	v.checkPolicies()
	v.checkBreakers()
	v.checkShape()
	return v.problems
}

// validator holds the state of one Validate call.
type validator struct {
	s        *Spec
	reg      *Registry
	problems []Problem
	// fields and nodes index the first declaration of each name.
	fields map[string]*Field
	nodes  map[string]*Node
}

// Name patterns: state fields are used in expressions, node names in task
// ids and diagrams.
var (
	validateFieldName = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)
	validateNodeName  = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_-]*$`)
)

// validateExprWords are words of the expression language that cannot name a
// state field.
var validateExprWords = []string{
	"and", "or", "not", "in", "matches", "contains", "startsWith", "endsWith",
	"true", "false", "nil", "let", "if", "else",
}

// report records a problem at path. fallback is used when s.Pos does not
// know path itself.
func (v *validator) report(path string, fallback Pos, msg, hint string) {
	v.problems = append(v.problems, Problem{
		Pos: v.at(path, fallback), Path: path, Msg: msg, Hint: hint,
	})
}

// reportShape records a problem of the graph's shape.
func (v *validator) reportShape(path string, fallback Pos, msg, hint string) {
	v.report(path, fallback, msg, hint)
	v.problems[len(v.problems)-1].shape = true
}

// at returns the best known position of path: its own, the fallback, then
// the nearest enclosing path's.
func (v *validator) at(path string, fallback Pos) Pos {
	if p, ok := v.s.Pos[path]; ok {
		return p
	}
	if fallback.Line != 0 {
		if fallback.File == "" {
			fallback.File = v.s.File
		}
		return fallback
	}
	for path != "" {
		cut := strings.LastIndexAny(path, ".[")
		if cut < 0 {
			path = ""
		} else {
			path = path[:cut]
		}
		if p, ok := v.s.Pos[path]; ok {
			return p
		}
	}
	return Pos{File: v.s.File}
}

// checkName checks the graph's name.
func (v *validator) checkName() {
	if v.s.Name == "" {
		v.report("name", Pos{}, "the graph has no name",
			"add a top-level name: key, e.g. name: my_graph")
	}
}

// checkLimits checks that the limits are not negative.
func (v *validator) checkLimits() {
	lim := v.s.Limits
	if lim.MaxSteps < 0 {
		v.report("limits.max_steps", Pos{}, fmt.Sprintf("max_steps is %d", lim.MaxSteps),
			"use 0 for no limit or a positive number of steps")
	}
	if lim.Deadline < 0 {
		v.report("limits.deadline", Pos{}, fmt.Sprintf("deadline is %s", lim.Deadline),
			"use 0 for no deadline or a positive duration such as 10m")
	}
	if lim.MaxErrors < 0 {
		v.report("limits.max_errors", Pos{}, fmt.Sprintf("max_errors is %d", lim.MaxErrors),
			"use 0 for no limit or a positive number of errors")
	}
}

// checkState checks each state field's name, type, default and reducer.
func (v *validator) checkState() {
	v.fields = map[string]*Field{}
	for i := range v.s.State {
		f := &v.s.State[i]
		path := "state." + f.Name
		switch {
		case f.Name == LastError:
			v.report(path, f.Pos, "the field name last_error is reserved",
				"the engine declares last_error itself to hold the error a fallback "+
					"route caught; rename the field")
			continue
		case !validateFieldName.MatchString(f.Name) || slices.Contains(validateExprWords, f.Name):
			v.report(path, f.Pos, fmt.Sprintf("%q cannot name a state field", f.Name),
				"use letters, digits and _ only, not starting with a digit, "+
					"and not a word of the expression language")
		}
		if _, dup := v.fields[f.Name]; dup {
			v.report(path, f.Pos, fmt.Sprintf("state field %q is declared twice", f.Name),
				"remove or rename one of them")
			continue
		}
		v.fields[f.Name] = f
		if !validateTypeKnown(f.Type) {
			v.report(path+".type", f.Pos, validateBadType(f.Type),
				"use one of "+validateTypeList())
			continue
		}
		if f.Default != nil && !validateDefaultFits(f.Type, f.Default) {
			v.report(path+".default", f.Pos,
				fmt.Sprintf("default %v is not %s %s", f.Default, article(string(f.Type)), f.Type),
				"give a default of the field's type, or remove it")
		}
		v.checkReducer(f, path)
		v.checkConstraints(f, path)
	}
}

// checkConstraints checks that a field's bounds and choices fit its type
// and its default.
func (v *validator) checkConstraints(f *Field, path string) {
	if (f.Min != nil || f.Max != nil) && f.Type != Int && f.Type != Float {
		v.report(path+".min", f.Pos, "min and max bound numbers, not a "+string(f.Type)+" field",
			"remove them, or make the field an int or float")
		return
	}
	if f.Min != nil && f.Max != nil && *f.Min > *f.Max {
		v.report(path+".min", f.Pos, fmt.Sprintf("min %v is above max %v", *f.Min, *f.Max),
			"swap them")
	}
	for _, e := range f.Enum {
		if !validateDefaultFits(f.Type, e) {
			v.report(path+".enum", f.Pos,
				fmt.Sprintf("choice %v is not %s %s", e, article(string(f.Type)), f.Type),
				"list values of the field's type")
		}
	}
	if f.Default != nil && validateDefaultFits(f.Type, f.Default) {
		if msg := CheckValue(f, f.Default); msg != "" {
			v.report(path+".default", f.Pos, "default "+msg, "change the default or the constraint")
		}
	}
}

// article returns "an" before a word that starts with a vowel, else "a".
func article(word string) string {
	if word != "" && strings.ContainsRune("aeiou", rune(word[0])) {
		return "an"
	}
	return "a"
}

// checkCheck checks that the input check is registered.
func (v *validator) checkCheck() {
	if v.s.Check == "" || v.reg == nil {
		return
	}
	if _, ok := v.reg.LookupCheck(v.s.Check); ok {
		return
	}
	hint := "no input check is registered; register one with Registry.RegisterCheck"
	if names := v.reg.CheckNames(); len(names) > 0 {
		hint = validateFuncHint(v.s.Check, names)
	}
	v.report("check", Pos{}, fmt.Sprintf("unknown input check %q", v.s.Check), hint)
}

// checkInput checks that the input fields are declared, once each, and
// that every required field is one of them.
func (v *validator) checkInput() {
	if v.s.Input == nil {
		return
	}
	seen := map[string]bool{}
	for i, name := range v.s.Input {
		path := fmt.Sprintf("input[%d]", i)
		switch {
		case name == LastError:
			v.report(path, Pos{}, "last_error cannot be an input",
				"the engine writes last_error when a fallback route catches a failure; remove it")
		case v.fields[name] == nil:
			names := v.fieldNames()
			v.report(path, Pos{}, fmt.Sprintf("unknown state field %q", name),
				validateRefHint(name, names[:len(names)-1], "state"))
		case seen[name]:
			v.report(path, Pos{}, fmt.Sprintf("input field %q is listed twice", name),
				"remove one of them")
		}
		seen[name] = true
	}
	for i := range v.s.State {
		f := &v.s.State[i]
		if f.Required && !seen[f.Name] {
			v.report("state."+f.Name+".required", f.Pos,
				fmt.Sprintf("field %q is required but is not an input", f.Name),
				"add it to the graph's input: list, or remove required: true")
		}
	}
}

// checkOutput checks that the output field is declared.
func (v *validator) checkOutput() {
	if v.s.Output == "" || v.s.Output == LastError || v.fields[v.s.Output] != nil {
		return
	}
	v.report("output", Pos{}, fmt.Sprintf("unknown state field %q", v.s.Output),
		validateRefHint(v.s.Output, v.fieldNames(), "state"))
}

// checkReducer checks that f's reducer exists and fits its type.
func (v *validator) checkReducer(f *Field, path string) {
	path += ".reducer"
	switch f.Reducer {
	case "", Replace:
	case Append:
		if f.Type != List && f.Type != AnyT {
			v.report(path, f.Pos, "reducer append needs a list field, not "+string(f.Type),
				"make the field type: list, or use reducer: replace")
		}
	case Add:
		if f.Type != Int && f.Type != Float {
			v.report(path, f.Pos, "reducer add needs an int or float field, not "+string(f.Type),
				"make the field an int or float, or use reducer: replace")
		}
	case Merge:
		if f.Type != Map && f.Type != AnyT {
			v.report(path, f.Pos, "reducer merge needs a map field, not "+string(f.Type),
				"make the field type: map, or use reducer: replace")
		}
	default:
		v.report(path, f.Pos, fmt.Sprintf("unknown reducer %q", f.Reducer),
			validateChoiceHint(string(f.Reducer),
				[]string{string(Replace), string(Append), string(Add), string(Merge)}))
	}
}

// checkNodes checks each node's name, functions and policy.
func (v *validator) checkNodes() {
	v.nodes = map[string]*Node{}
	for i := range v.s.Nodes {
		n := &v.s.Nodes[i]
		path := "nodes." + n.Name
		switch {
		case n.Name == Start || n.Name == End:
			v.report(path, n.Pos, fmt.Sprintf("%s cannot name a node", n.Name),
				"START and END are the graph's entry and exit; rename the node")
			continue
		case !validateNodeName.MatchString(n.Name):
			v.report(path, n.Pos, fmt.Sprintf("%q cannot name a node", n.Name),
				"use letters, digits, _ and - only, starting with a letter or _")
		}
		if _, dup := v.nodes[n.Name]; dup {
			v.report(path, n.Pos, fmt.Sprintf("node %q is declared twice", n.Name),
				"remove or rename one of them")
			continue
		}
		v.nodes[n.Name] = n
		if n.Run == "" {
			v.report(path+".run", n.Pos, "the node has no run",
				"name the registered function it calls, e.g. run: mcq.generate")
		} else {
			v.checkFunc(path+".run", n.Pos, n.Run)
		}
		if n.Compensate != "" {
			v.checkFunc(path+".compensate", n.Pos, n.Compensate)
		}
		if n.Policy != "" {
			if _, ok := v.s.Policies[n.Policy]; !ok {
				v.report(path+".policy", n.Pos, fmt.Sprintf("policy %q is not declared", n.Policy),
					validateRefHint(n.Policy, validateKeys(v.s.Policies), "policies"))
			}
		}
	}
}

// checkFunc checks that name is registered, when there is a registry.
func (v *validator) checkFunc(path string, fallback Pos, name string) {
	if v.reg == nil {
		return
	}
	if _, ok := v.reg.Lookup(name); ok {
		return
	}
	v.report(path, fallback, fmt.Sprintf("function %q is not registered", name),
		validateFuncHint(name, v.reg.Names()))
}

// checkEdges checks each edge's source, targets and conditions.
func (v *validator) checkEdges() {
	for i := range v.s.Edges {
		e := &v.s.Edges[i]
		path := fmt.Sprintf("edges[%d]", i)
		v.checkFrom(e, path)

		kinds := validateEdgeKinds(e)
		switch {
		case len(kinds) == 0:
			v.report(path, e.Pos, "the edge goes nowhere",
				"give it one of to, switch or map")
			continue
		case len(kinds) > 1:
			v.report(path, e.Pos, "the edge has both "+strings.Join(kinds, " and "),
				"keep one of to, switch and map; write several edges for several routes")
			continue
		}
		switch {
		case e.To != nil:
			if len(e.To) == 0 {
				v.report(path+".to", e.Pos, "the edge's to lists no target",
					"name a node or END")
			}
			for j, t := range e.To {
				v.checkTarget(fmt.Sprintf("%s.to[%d]", path, j), path+".to", e.Pos, t)
			}
		case e.Switch != nil:
			v.checkSwitch(e, path+".switch")
		default:
			v.checkMap(e.Map, path+".map")
		}
	}
}

// checkFrom checks the source of an edge.
func (v *validator) checkFrom(e *Edge, path string) {
	path += ".from"
	switch {
	case e.From == "":
		v.report(path, e.Pos, "the edge has no from",
			"name the node it leaves, or START")
	case e.From == End:
		v.report(path, e.Pos, "END cannot have outgoing edges",
			"a run stops at END; remove the edge or start it at a node")
	case e.From != Start && v.nodes[e.From] == nil:
		v.report(path, e.Pos, fmt.Sprintf("unknown node %q", e.From),
			validateRefHint(e.From, v.nodeNames(Start), "nodes"))
	}
}

// checkTarget checks a plain or switch target: a node or END. alt is the
// path to use when s.Pos does not know path.
func (v *validator) checkTarget(path, alt string, fallback Pos, to string) {
	if _, ok := v.s.Pos[path]; !ok {
		path = alt
	}
	switch {
	case to == "":
		v.report(path, fallback, "the target is empty", "name a node or END")
	case to == Start:
		v.report(path, fallback, "START cannot be a target",
			"START is where runs begin; send the edge to a node or END")
	case to != End && v.nodes[to] == nil:
		v.report(path, fallback, fmt.Sprintf("unknown node %q", to),
			validateRefHint(to, v.nodeNames(End), "nodes"))
	}
}

// checkSwitch checks the cases of a switch edge.
func (v *validator) checkSwitch(e *Edge, path string) {
	if len(e.Switch) == 0 {
		v.report(path, e.Pos, "the switch has no case",
			"add cases such as - {when: \"ready\", to: next}, and a last one without when")
		return
	}
	for j, c := range e.Switch {
		cpath := fmt.Sprintf("%s[%d]", path, j)
		if c.When == "" && j < len(e.Switch)-1 {
			v.report(cpath, c.Pos, "only the last case may leave out when",
				"a case without when always matches, so the cases after it never run; "+
					"add a when or move the case to the end")
		}
		if c.When != "" {
			v.checkWhen(cpath+".when", c.When, c.Pos)
		}
		if c.To == "" {
			v.report(cpath+".to", c.Pos, "the case has no to", "name a node or END")
			continue
		}
		v.checkTarget(cpath+".to", cpath, c.Pos, c.To)
	}
}

// checkWhen compiles the condition of a switch case or a fallback route,
// and reports where it fails.
func (v *validator) checkWhen(path, when string, at Pos) {
	_, err := compileExpr(when, v.s.State)
	if err == nil {
		return
	}
	pos := v.at(path, at)
	msg := err.Error()
	var ee *ExprError
	if errors.As(err, &ee) {
		msg = ee.Msg
		if _, ok := v.s.Pos[path]; ok && ee.Line > 0 {
			pos.Line += ee.Line - 1
			pos.Column += ee.Column - 1
		}
	}
	v.problems = append(v.problems, Problem{
		Pos:  pos,
		Path: path,
		Msg: fmt.Sprintf("condition %q does not compile: %s",
			strings.Join(strings.Fields(when), " "), msg),
		Hint: v.whenHint(msg),
	})
}

// whenHint suggests the field a misspelt name in a condition stands for,
// or lists the nearest fields.
func (v *validator) whenHint(msg string) string {
	names := v.fieldNames()
	if name, ok := strings.CutPrefix(msg, "unknown name "); ok {
		name = strings.Fields(name)[0]
		if near := validateNearest(name, names); near != "" {
			return fmt.Sprintf("did you mean %q?", near)
		}
		return "the state fields nearest by name: " + strings.Join(validateClosest(name, names), ", ")
	}
	if len(names) > 8 {
		return "write a true/false expression over the state fields"
	}
	return "write a true/false expression over the state fields (" + strings.Join(names, ", ") + ")"
}

// checkMap checks a map edge.
func (v *validator) checkMap(m *MapEdge, path string) {
	switch f := v.fields[m.Over]; {
	case m.Over == "":
		v.report(path+".over", m.Pos, "the map has no over",
			"name the list field to fan out over")
	case f == nil:
		v.report(path+".over", m.Pos, fmt.Sprintf("unknown state field %q", m.Over),
			validateRefHint(m.Over, v.fieldNames(), "state"))
	case f.Type != List && f.Type != AnyT:
		v.report(path+".over", m.Pos, fmt.Sprintf("field %q has type %s, not list", m.Over, f.Type),
			"map over a field of type: list")
	}
	switch {
	case m.To == "":
		v.report(path+".to", m.Pos, "the map has no to", "name the node each task runs")
	case m.To == Start || m.To == End:
		v.report(path+".to", m.Pos, fmt.Sprintf("a map cannot send tasks to %s", m.To),
			"name the node each task runs")
	case v.nodes[m.To] == nil:
		v.report(path+".to", m.Pos, fmt.Sprintf("unknown node %q", m.To),
			validateRefHint(m.To, v.nodeNames(), "nodes"))
	}
	if m.Concurrency < 0 {
		v.report(path+".concurrency", m.Pos, fmt.Sprintf("concurrency is %d", m.Concurrency),
			"use 0 for no bound or a positive number of tasks")
	}
}

// validateEdgeKinds lists which of to, switch and map the edge sets.
func validateEdgeKinds(e *Edge) []string {
	var kinds []string
	if e.To != nil {
		kinds = append(kinds, "to")
	}
	if e.Switch != nil {
		kinds = append(kinds, "switch")
	}
	if e.Map != nil {
		kinds = append(kinds, "map")
	}
	return kinds
}

// nodeNames returns extra followed by the valid node names in order.
func (v *validator) nodeNames(extra ...string) []string {
	names := slices.Clone(extra)
	for _, n := range v.s.Nodes {
		if _, ok := v.nodes[n.Name]; ok && !slices.Contains(names, n.Name) {
			names = append(names, n.Name)
		}
	}
	return names
}

// fieldNames returns the declared state field names in order.
func (v *validator) fieldNames() []string {
	var names []string
	for _, f := range v.s.State {
		if _, ok := v.fields[f.Name]; ok && !slices.Contains(names, f.Name) {
			names = append(names, f.Name)
		}
	}
	return append(names, LastError)
}

// validateTypeKnown reports whether t is a field type.
func validateTypeKnown(t Type) bool {
	switch t {
	case String, Int, Float, Bool, List, Map, AnyT:
		return true
	}
	return false
}

// validateBadType says what is wrong with a type that is not known.
func validateBadType(t Type) string {
	if t == "" {
		return "the field has no type"
	}
	return fmt.Sprintf("unknown type %q", t)
}

// validateTypeList lists the field types for hints.
func validateTypeList() string {
	return "string, int, float, bool, list, map, any"
}

// validateDefaultFits reports whether a default value suits type t. An
// int default suits a float field.
func validateDefaultFits(t Type, def any) bool {
	rv := reflect.ValueOf(def)
	switch t {
	case String:
		return rv.Kind() == reflect.String
	case Bool:
		return rv.Kind() == reflect.Bool
	case Int:
		return rv.CanInt() || rv.CanUint()
	case Float:
		return rv.CanInt() || rv.CanUint() || rv.CanFloat()
	case List:
		return rv.Kind() == reflect.Slice || rv.Kind() == reflect.Array
	case Map:
		return rv.Kind() == reflect.Map && rv.Type().Key().Kind() == reflect.String
	}
	return true
}

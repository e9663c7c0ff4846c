package graph

import (
	"fmt"
	"time"

	"github.com/graphrun/graphrun/policies"
)

// Reserved node names.
const (
	// Start is the virtual node every run begins at.
	Start = "START"
	// End is the virtual node a run finishes at.
	End = "END"
)

// LastError is the state field, declared in every graph, where a fallback
// route writes the record of the failure it caught (see [ErrorRecord]).
const LastError = "last_error"

// Pos is a position in a graph file. Lines and columns start at 1; the zero
// value means the position is unknown.
type Pos struct {
	File   string
	Line   int
	Column int
}

// String formats p as file:line:column.
func (p Pos) String() string {
	if p.Line == 0 {
		return p.File
	}
	return fmt.Sprintf("%s:%d:%d", p.File, p.Line, p.Column)
}

// Type is the declared type of a state field.
type Type string

// The state field types.
const (
	String Type = "string"
	Int    Type = "int"
	Float  Type = "float"
	Bool   Type = "bool"
	List   Type = "list"
	Map    Type = "map"
	AnyT   Type = "any"
)

// Reducer says how a node's update to a field combines with its value.
type Reducer string

// The reducers.
const (
	// Replace overwrites the field. Two tasks of one step that both write a
	// replace field is an error.
	Replace Reducer = "replace"
	// Append extends a list field with a list update, or adds a single
	// non-list update as one item.
	Append Reducer = "append"
	// Add sums an int or float field and the update.
	Add Reducer = "add"
	// Merge copies the keys of a map update into a map field.
	Merge Reducer = "merge"
)

// Field declares one state field.
type Field struct {
	Name    string
	Type    Type
	Default any // nil means the type's zero value
	Reducer Reducer
	// Required means a run's input must set the field.
	Required bool
	// Min and Max bound an int or float field's value; nil means no bound.
	Min, Max *float64
	// Enum lists the values the field may hold; empty means any.
	Enum []any
	Doc  string
	Pos  Pos
}

// Node declares one node of a graph.
type Node struct {
	// Name is the node's name, unique in the graph.
	Name string
	// Run names the registered function the node calls.
	Run string
	// With holds static arguments passed to the function.
	With map[string]any
	// Policy names a policy under `policies:`; empty means none.
	Policy string
	// Compensate names a registered function that undoes the node's effect
	// when the run fails; empty means nothing to undo.
	Compensate string
	// Defer holds the node back while other tasks are scheduled: it runs
	// once it is all that is left, which makes it a join for branches of
	// uneven length (fallback routes, map tasks).
	Defer bool
	Doc   string
	Pos   Pos
}

// Edge declares where the flow goes after a node. Exactly one of To,
// Switch and Map is set.
type Edge struct {
	From string
	// To lists plain targets; several targets run together in the next
	// step.
	To []string
	// Switch lists cases tried in order; the first whose When is true (or
	// that has no When) wins.
	Switch []Case
	// Map fans out one task per element of a list field.
	Map *MapEdge
	Pos Pos
}

// Case is one branch of a switch edge. An empty When is the default.
type Case struct {
	When string
	To   string
	Pos  Pos
}

// MapEdge fans out one task of node To per element of the list field Over,
// like LangGraph's Send. The task reads its element as [Input.Item].
type MapEdge struct {
	Over string
	To   string
	// Concurrency bounds how many of the tasks run at once; zero means no
	// bound beyond the engine's own.
	Concurrency int
	Pos         Pos
}

// Limits bounds a run. Zero values mean no limit.
type Limits struct {
	// MaxSteps is the number of steps a run may complete; the step that
	// would be number MaxSteps+1 is not started and the run fails.
	MaxSteps int
	// Deadline bounds one run's wall time; a resume starts a new one.
	Deadline time.Duration
	// MaxErrors is the number of node failures the run may handle through
	// fallback routes; the failure after that fails the run.
	MaxErrors int
}

// Spec is a graph as written in its file, before compilation.
type Spec struct {
	Name     string
	Doc      string
	File     string
	State    []Field
	Nodes    []Node
	Edges    []Edge
	Policies map[string]policies.Spec
	Breakers map[string]policies.BreakerSpec
	Limits   Limits
	// Input lists the state fields a run's input may set; nil means every
	// declared field. The others are the graph's own work, set by its
	// nodes alone.
	Input []string
	// Output names the state field that `graphrun run` prints instead of
	// the whole state; empty means the whole state as JSON.
	Output string
	// Check names a registered [CheckFunc] that a new run's input must
	// pass before anything runs; empty means none.
	Check string
	// Pos records where each top-level section and named item was
	// declared, keyed like "nodes.generate" or "policies.llm_call.retry".
	Pos map[string]Pos
}

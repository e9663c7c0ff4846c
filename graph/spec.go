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
	// File names the graph file, as given to [Parse].
	File string
	// Line is the 1-based line; 0 means unknown.
	Line int
	// Column is the 1-based column on Line.
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
	// String holds a Go string; its zero value is "".
	String Type = "string"
	// Int holds a Go int; its zero value is 0.
	Int Type = "int"
	// Float holds a float64; its zero value is 0.
	Float Type = "float"
	// Bool holds a bool; its zero value is false.
	Bool Type = "bool"
	// List holds a []any; its zero value is the empty list.
	List Type = "list"
	// Map holds a map[string]any; its zero value is the empty map.
	Map Type = "map"
	// AnyT holds any JSON-like value, numbers as float64; its zero value
	// is nil.
	AnyT Type = "any"
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
	// Name is the field's key under `state:`, used in updates and in
	// `when` expressions.
	Name string
	// Type is the declared type; it must be one of the [Type] constants.
	Type Type
	// Default is the field's value before any write; nil means the type's
	// zero value.
	Default any
	// Reducer combines updates with the field's value; empty means
	// [Replace].
	Reducer Reducer
	// Required means a run's input must set the field.
	Required bool
	// Min and Max bound an int or float field's value; nil means no bound.
	Min, Max *float64
	// Enum lists the values the field may hold; empty means any.
	Enum []any
	// Doc describes the field; a refused input shows it as the hint.
	Doc string
	// Pos is where the field is declared, at its name; zero when unknown.
	Pos Pos
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
	// Doc describes the node for readers of the graph; the engine does not
	// read it.
	Doc string
	// Pos is where the node is declared, at its name; zero when unknown.
	Pos Pos
}

// Edge declares where the flow goes after a node. Exactly one of To,
// Switch and Map is set.
type Edge struct {
	// From is the node the edge leaves, or [Start].
	From string
	// To lists plain targets; several targets run together in the next
	// step.
	To []string
	// Switch lists cases tried in order; the first whose When is true (or
	// that has no When) wins.
	Switch []Case
	// Map fans out one task per element of a list field.
	Map *MapEdge
	// Pos is where the edge's list item begins; zero when unknown.
	Pos Pos
}

// Case is one branch of a switch edge. An empty When is the default.
type Case struct {
	// When is a condition over the state fields; empty only for the last
	// case, which then always matches.
	When string
	// To is the target: a node or [End].
	To string
	// Pos is where the case's list item begins; zero when unknown.
	Pos Pos
}

// MapEdge fans out one task of node To per element of the list field Over,
// like LangGraph's Send. The task reads its element as [Input.Item].
type MapEdge struct {
	// Over names the list field whose elements the tasks take.
	Over string
	// To is the node every task runs; never [Start] or [End].
	To string
	// Concurrency bounds how many of the tasks run at once; zero means no
	// bound beyond the engine's own.
	Concurrency int
	// Pos is where the `map:` value begins; zero when unknown.
	Pos Pos
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
	// Name is the graph's name, required; runs record it in checkpoints
	// and events.
	Name string
	// Doc describes the graph for readers; the engine does not read it.
	Doc string
	// File names the graph file in positions and problems; it may be empty
	// for a spec built in Go.
	File string
	// State lists the declared state fields in order, without [LastError].
	State []Field
	// Nodes lists the nodes in declaration order.
	Nodes []Node
	// Edges lists the edges in file order.
	Edges []Edge
	// Policies holds the policies declared under `policies:`, keyed by the
	// name nodes give in `policy:`.
	Policies map[string]policies.Spec
	// Breakers holds the declared circuit breakers, keyed by name; each run
	// declares them in the engine's breaker set.
	Breakers map[string]policies.BreakerSpec
	// Limits bounds every run of the graph; zero fields mean no limit.
	Limits Limits
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

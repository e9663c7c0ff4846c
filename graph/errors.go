package graph

import (
	"errors"
	"fmt"

	"github.com/graphrun/graphrun/policies"
)

// Errors returned by the engine.
var (
	// ErrNoStore means an operation needs a checkpoint store and the
	// engine has none.
	ErrNoStore = errors.New("the engine has no checkpoint store")
	// ErrFinished means a resumed thread had already succeeded.
	ErrFinished = errors.New("thread already finished")
	// ErrCompensated means a resumed thread had failed and compensated
	// completed work, so it cannot go forward.
	ErrCompensated = errors.New("the thread failed and was compensated")
	// ErrStopped means a run ended at a checkpoint because its
	// [RunOptions.Stop] was closed; resume the thread to go on.
	ErrStopped = errors.New("stopped at a checkpoint")
)

// UpdateError means a node returned an update that does not fit the state:
// an undeclared field or a value of the wrong type. The update is not
// applied.
type UpdateError struct {
	// Node is the node whose update was refused.
	Node string
	// Field is the key of the update at fault, declared or not.
	Field string
	// Msg says what is wrong with the value or the key.
	Msg string
}

// Error names the node and the field.
func (e *UpdateError) Error() string {
	return fmt.Sprintf("node %s wrote field %s: %s", e.Node, e.Field, e.Msg)
}

// RouteError means no case of a switch edge matched and it has no default,
// or an edge expression failed at run time. The node's writes are not
// applied.
type RouteError struct {
	// Node is the node the route leaves.
	Node string
	// Pos is where the switch edge, or the condition that failed, is
	// declared; zero when unknown.
	Pos Pos
	// Msg says what went wrong.
	Msg string
}

// Error names the node and the edge.
func (e *RouteError) Error() string {
	return fmt.Sprintf("route from node %s (%s): %s", e.Node, e.Pos, e.Msg)
}

// ConflictError means two tasks of one step wrote the same replace field.
type ConflictError struct {
	// Field is the replace field written twice.
	Field string
	// Tasks holds the ids of the two tasks, in task order.
	Tasks [2]string
}

// Error names the field and both tasks.
func (e *ConflictError) Error() string {
	return fmt.Sprintf("tasks %s and %s both wrote replace field %s in one step "+
		"(give the field a reducer such as append, or let one node write it)",
		e.Tasks[0], e.Tasks[1], e.Field)
}

// LimitError means a run hit one of its limits.
type LimitError struct {
	// Limit is "max_steps", "deadline" or "max_errors".
	Limit string
	// Value says what was reached, e.g. "12 steps completed, more
	// scheduled", "10m0s" or "3 failures handled".
	Value string
}

// Error names the limit.
func (e *LimitError) Error() string {
	return fmt.Sprintf("run limit %s reached (%s)", e.Limit, e.Value)
}

// InputError means a run's input does not fit the graph's state, or its
// input check refused it. Field is empty when the check names no field.
type InputError struct {
	// Field is the input field at fault; empty when none is.
	Field string
	// Msg says what is wrong.
	Msg string
	// Hint says what to do, often the field's doc; empty when there is
	// nothing to add.
	Hint string
}

// Error names the field, when one is at fault.
func (e *InputError) Error() string {
	s := "input: " + e.Msg
	if e.Field != "" {
		s = fmt.Sprintf("input field %s: %s", e.Field, e.Msg)
	}
	if e.Hint != "" {
		s += " (" + e.Hint + ")"
	}
	return s
}

// RunError is the error a failed run returns. The run's [Result] says the
// rest: what completed and what was compensated.
type RunError struct {
	// Thread is the id of the failed run's thread.
	Thread string
	// Class is the failure's error class, or "no_route", "conflict",
	// "invalid_update" or "limit" for failures of the graph itself.
	Class string
	// Node is the node that failed; empty when the failure is not one
	// node's, such as a conflict or a step limit.
	Node string
	// Err is the failure itself, returned by Unwrap.
	Err error
}

// Error says which node failed, how and in which thread.
func (e *RunError) Error() string {
	if e.Node != "" {
		// The node and class are said once, not again by a policies error.
		return fmt.Sprintf("thread %s failed in node %s: %s: %s", e.Thread, e.Node, e.Class,
			failureText(e.Err))
	}
	return fmt.Sprintf("thread %s failed: %v", e.Thread, e.Err)
}

// Unwrap returns the cause.
func (e *RunError) Unwrap() error { return e.Err }

// failureClass names the class of a failure for reports.
func failureClass(err error) string {
	var (
		ue *UpdateError
		re *RouteError
		ce *ConflictError
		le *LimitError
	)
	switch {
	case errors.As(err, &re):
		return "no_route"
	case errors.As(err, &ue):
		return "invalid_update"
	case errors.As(err, &ce):
		return "conflict"
	case errors.As(err, &le):
		return "limit"
	}
	return string(policies.ClassOf(err))
}

// storeError is a failure of the engine's own checkpoint writes. It leaves
// the thread as its last written checkpoint left it: resumable, with
// nothing compensated.
type storeError struct{ err error }

func (e *storeError) Error() string { return "write checkpoint: " + e.err.Error() }
func (e *storeError) Unwrap() error { return e.err }

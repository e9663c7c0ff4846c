package graph

import (
	"context"
	"fmt"
	"slices"
	"sync"
)

// State is a run's state: one value per declared field. Values have the Go
// types that match the field types: string, int, float64, bool, []any,
// map[string]any, or anything for an `any` field.
type State map[string]any

// Update is what a node returns: the fields it writes. Each value goes
// through the field's reducer.
type Update map[string]any

// Input is what a node function receives.
type Input struct {
	// Graph, Thread and Run identify the run.
	Graph, Thread, Run string
	// Node is the node's name; Task is the task's id, unique in the thread.
	Node, Task string
	// Step is the 1-based step number; Attempt the 1-based attempt number.
	Step, Attempt int
	// State is the state as it was when the step began. It is shared by the
	// step's tasks and must not be modified.
	State State
	// With holds the node's static arguments from the graph file.
	With map[string]any
	// Item and Index are the element and its position for a task made by a
	// map edge; Item is nil otherwise.
	Item any
	// Index is the element's 0-based position in the list; 0 otherwise.
	Index int
	// Error is the failure that a fallback route sent here, or nil.
	Error *ErrorRecord
	// Counters are the thread's totals when the step began.
	Counters Counters
}

// Func is a node function. It returns the fields it writes, or an error.
// A node attempt is all-or-nothing: when Func returns an error, none of its
// update is applied. Errors should be classified with policies.New so that
// retry and fallback routes can match them.
type Func func(ctx context.Context, in Input) (Update, error)

// CheckFunc checks the input of a new run, given as the initial state in
// in.State, before anything runs: a graph names it with `check:`. What a
// field's type, `required`, `min`, `max` and `enum` cannot say, it can: that
// a file exists, say. An error refuses the run, which then leaves no
// thread behind; a [*InputError] names the field at fault.
type CheckFunc func(ctx context.Context, in Input) error

// Registry maps the names used in `run:` and `compensate:` to functions,
// and those used in `check:` to checks. It is safe for concurrent use.
type Registry struct {
	mu     sync.RWMutex
	funcs  map[string]Func
	docs   map[string]string
	checks map[string]CheckFunc
}

// NewRegistry returns an empty registry.
func NewRegistry() *Registry {
	return &Registry{funcs: map[string]Func{}, docs: map[string]string{},
		checks: map[string]CheckFunc{}}
}

// RegisterCheck adds an input check under name. It panics when name is
// empty or taken, which is a programming error.
func (r *Registry) RegisterCheck(name string, fn CheckFunc) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if name == "" || fn == nil {
		panic("graph: RegisterCheck needs a name and a function")
	}
	if _, dup := r.checks[name]; dup {
		panic(fmt.Sprintf("graph: check %q registered twice", name))
	}
	r.checks[name] = fn
}

// LookupCheck returns the input check registered under name.
func (r *Registry) LookupCheck(name string) (CheckFunc, bool) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	fn, ok := r.checks[name]
	return fn, ok
}

// CheckNames returns the names of the registered input checks, sorted.
func (r *Registry) CheckNames() []string {
	r.mu.RLock()
	defer r.mu.RUnlock()
	names := make([]string, 0, len(r.checks))
	for n := range r.checks {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}

// Register adds fn under name with a one-line description. It panics when
// name is empty or taken, which is a programming error.
func (r *Registry) Register(name, doc string, fn Func) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if name == "" || fn == nil {
		panic("graph: Register needs a name and a function")
	}
	if _, dup := r.funcs[name]; dup {
		panic(fmt.Sprintf("graph: function %q registered twice", name))
	}
	r.funcs[name] = fn
	r.docs[name] = doc
}

// Lookup returns the function registered under name.
func (r *Registry) Lookup(name string) (Func, bool) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	fn, ok := r.funcs[name]
	return fn, ok
}

// Doc returns the description registered with name.
func (r *Registry) Doc(name string) string {
	r.mu.RLock()
	defer r.mu.RUnlock()
	return r.docs[name]
}

// Names returns the registered names, sorted.
func (r *Registry) Names() []string {
	r.mu.RLock()
	defer r.mu.RUnlock()
	names := make([]string, 0, len(r.funcs))
	for n := range r.funcs {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}

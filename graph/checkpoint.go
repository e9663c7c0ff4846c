package graph

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
)

// Status is the state of a thread.
type Status string

// The thread statuses.
const (
	// Running means the thread has steps left and may be resumed.
	Running Status = "running"
	// Succeeded means the run reached END.
	Succeeded Status = "succeeded"
	// Failed means the run failed; its compensations have run.
	Failed Status = "failed"
)

// Checkpoint is what a [Store] keeps after each step of a thread. It holds
// the step's own writes, not the whole state: the state is rebuilt by
// applying every checkpoint's writes in step order, so the cost of a
// checkpoint grows with what its step changed.
type Checkpoint struct {
	// Thread is the durable identity of the run, the same in every
	// checkpoint of the thread.
	Thread string `json:"thread"`
	// Run identifies the execution that wrote this checkpoint: a random id,
	// new for every [Engine.Run] and [Engine.Resume].
	Run string `json:"run"`
	// Graph is the graph's name.
	Graph string `json:"graph"`
	// Digest is [Graph.Digest] of the graph that wrote the checkpoint,
	// recorded so a resume can tell that the graph changed.
	Digest string `json:"digest"`
	// Source is the path of the graph file the thread was started from,
	// recorded in the first checkpoint so a resume can find it.
	Source string `json:"source,omitempty"`
	// Step is the number of steps completed. Step 0 is the initial
	// checkpoint, whose writes are the run's input.
	Step int `json:"step"`
	// Status is the thread's status after this step.
	Status Status `json:"status"`
	// Writes are the state writes the step applied, in the order applied.
	Writes []Write `json:"writes"`
	// Tasks records the tasks that completed in this step.
	Tasks []TaskRecord `json:"tasks"`
	// Next lists the tasks scheduled for the following step.
	Next []Task `json:"next"`
	// Counters are the run's totals so far.
	Counters Counters `json:"counters"`
	// Error is not set by the engine, which records the failure of a run
	// in the thread's [ThreadStatus]; stored checkpoints may carry it.
	Error *ErrorRecord `json:"error,omitempty"`
	// Compensated lists the tasks whose compensation completed, newest
	// first.
	Compensated []string `json:"compensated,omitempty"`
	// Time is when the step finished.
	Time time.Time `json:"time"`
}

// Write is one value a task wrote to a state field.
type Write struct {
	// Field names the state field written.
	Field string `json:"field"`
	// Value is coerced to the field's type: at step 0 the run's input, later
	// the update before the reducer combines it with the old value.
	Value any `json:"value"`

	// field is Field's position in the graph's fields plus one, so that
	// applying the write needs no lookup by name; zero means not known,
	// as for a write decoded from a store.
	field int
}

// Task is a unit of work scheduled for a step: one node, and for map edges
// one element.
type Task struct {
	// ID is unique within the thread: "step:node" or "step:node:index",
	// with "#2", "#3"... on repeats. It is empty until the task's step is
	// scheduled, as in [TaskResult.Next].
	ID string `json:"id"`
	// Node is the node the task runs.
	Node string `json:"node"`
	// Index is the element's 0-based position in the list, for a task made
	// by a map edge or a fallback task that took over from one.
	Index int `json:"index,omitempty"`
	// Item is that element, read by the node as [Input.Item]; nil for
	// other tasks.
	Item any `json:"item,omitempty"`
	// HasItem says the task carries a map element, even a nil one; its ID
	// then ends in Index.
	HasItem bool `json:"has_item,omitempty"`
	// Error is the failure a fallback route sent to this task.
	Error *ErrorRecord `json:"error,omitempty"`
}

// TaskRecord says how a task went, for reports and compensation.
type TaskRecord struct {
	// ID is the task's [Task.ID].
	ID string `json:"id"`
	// Node is the node the task ran.
	Node string `json:"node"`
	// Attempts is the number of attempts made, retries included; 1 for a
	// node without a policy.
	Attempts int `json:"attempts"`
	// Started is when the first attempt began, by the engine's clock; zero
	// when the engine had neither a store nor listeners.
	Started time.Time `json:"started"`
	// Duration is the time from Started to the end of the last attempt,
	// retry waits included, stored in nanoseconds; zero when Started is.
	Duration time.Duration `json:"duration"`
	// Error is the failure a fallback route handled, if any.
	Error *ErrorRecord `json:"error,omitempty"`
	// Fallback is the node the failure was routed to.
	Fallback string `json:"fallback,omitempty"`
}

// TaskResult is the outcome of a task that finished inside a step that has
// not committed yet. A store keeps it until the step's checkpoint
// supersedes it, so that a resume does not run the task again.
type TaskResult struct {
	// Task is the task that finished, with its id.
	Task Task `json:"task"`
	// Writes are the task's coerced writes in field order; for a failure a
	// fallback route caught, the one write to [LastError].
	Writes []Write `json:"writes"`
	// Next lists the tasks the node's edges, or the fallback route,
	// schedule for the following step, still without ids.
	Next []Task `json:"next"`
	// Record says how the task went.
	Record TaskRecord `json:"record"`

	// fromStore marks a result decoded from a store, whose values need
	// coercing to the declared field types again.
	fromStore bool
	// applied marks writes already applied to the state.
	applied bool
	// sharedNext marks a Next that belongs to the graph and must be
	// copied before it is changed.
	sharedNext bool
	// inline holds the write of a one-field update.
	inline [1]Write
}

// Counters are totals kept across a thread's runs.
type Counters struct {
	// Attempts counts node attempts, retries included; a task whose result
	// a resume took from the store is not counted again.
	Attempts int `json:"attempts"`
	// Retries counts the attempts after each task's first.
	Retries int `json:"retries"`
	// Errors counts tasks that failed after their retries, whether or not a
	// fallback route caught the failure.
	Errors int `json:"errors"`
	// Fallbacks counts the failures a fallback route caught.
	Fallbacks int `json:"fallbacks"`
	// Compensations counts the compensations that completed.
	Compensations int `json:"compensations"`
}

// ErrorRecord is the serializable record of a node failure: what fallback
// targets read from the state field [LastError] and what reports list.
type ErrorRecord struct {
	// Class is the failure's error class, such as "rate_limit", or one of
	// the graph's own: "no_route", "conflict", "invalid_update" or "limit".
	Class string `json:"class"`
	// Message is the failure's text, without the class and node.
	Message string `json:"message"`
	// Node is the node that failed; empty when the run failed outside a
	// node, on a step limit or a conflict for instance.
	Node string `json:"node"`
	// Attempts is the number of attempts the node made; 0 in the record of
	// a failed run ([Result.Error]), which does not count them.
	Attempts int `json:"attempts"`
	// Cause is the failure that sent the failed task to its node through a
	// fallback route, if any: following it leads to the first failure.
	Cause *ErrorRecord `json:"cause,omitempty"`
}

// First returns the failure at the start of the chain of causes.
func (e *ErrorRecord) First() *ErrorRecord {
	for e.Cause != nil {
		e = e.Cause
	}
	return e
}

// String tells the chain from the first failure to the last, e.g.
// "rate_limit in generate after 4 attempts: slow down; then quota in
// generate_backup: no credit".
func (e *ErrorRecord) String() string {
	var chain []*ErrorRecord
	for c := e; c != nil; c = c.Cause {
		chain = append([]*ErrorRecord{c}, chain...)
	}
	parts := make([]string, len(chain))
	for i, c := range chain {
		s := c.Class + " in " + c.Node
		if c.Attempts > 1 {
			s += fmt.Sprintf(" after %d attempts", c.Attempts)
		}
		parts[i] = s + ": " + c.Message
	}
	return strings.Join(parts, "; then ")
}

// History is everything a store holds about one thread.
type History struct {
	// Checkpoints holds every checkpoint in step order, starting at 0.
	Checkpoints []*Checkpoint `json:"checkpoints"`
	// Pending holds the results of tasks that finished in the step after
	// the last checkpoint.
	Pending []*TaskResult `json:"pending,omitempty"`
	// Status is the thread's status as last set by [Store.SetStatus], or
	// nil when only commits set it (then the last checkpoint's status
	// holds).
	Status *ThreadStatus `json:"status,omitempty"`
}

// ThreadStatus is a thread's status recorded outside a step commit: a run
// that failed inside a step leaves its last checkpoint as it was, so that a
// resume re-runs the failed step, and records the failure here.
type ThreadStatus struct {
	// Status is the thread's status; stores refuse an empty one.
	Status Status `json:"status"`
	// Error is the failure that ended the run; nil when there is none.
	Error *ErrorRecord `json:"error,omitempty"`
	// Compensated lists the tasks whose compensation completed, newest
	// first; a resume that fails again does not run them twice.
	Compensated []string `json:"compensated,omitempty"`
	// Time is when the status was recorded, by the engine's clock, in UTC;
	// listings show it when it is not older than the last checkpoint.
	Time time.Time `json:"time"`
}

// Last returns the newest checkpoint, or nil when there is none.
func (h *History) Last() *Checkpoint {
	if len(h.Checkpoints) == 0 {
		return nil
	}
	return h.Checkpoints[len(h.Checkpoints)-1]
}

// ThreadInfo summarizes a thread for listings. Status and Error come from
// the newer of the last checkpoint and the last [Store.SetStatus].
type ThreadInfo struct {
	// Thread is the thread's id.
	Thread string `json:"thread"`
	// Graph is the graph's name, from the last checkpoint.
	Graph string `json:"graph"`
	// Status is the thread's status as listings show it.
	Status Status `json:"status"`
	// Step is the last committed step; 0 means only the input checkpoint.
	Step int `json:"step"`
	// Created is the time of the thread's first checkpoint.
	Created time.Time `json:"created"`
	// Updated is the time of whichever of the last checkpoint and the last
	// status set is newer.
	Updated time.Time `json:"updated"`
	// Error is the failure as "class: message"; empty when there is none.
	Error string `json:"error,omitempty"`
}

// ThreadFilter selects threads in [Store.Threads]. Zero fields select all.
type ThreadFilter struct {
	// Graph selects the threads of the graph of this name.
	Graph string
	// Status selects the threads whose listed status is this one.
	Status Status
	// Limit caps the number of threads returned, newest first.
	Limit int
}

// PruneOptions selects the threads [Store.Prune] deletes. A thread is
// deleted when it matches every set criterion; running threads are never
// deleted.
type PruneOptions struct {
	// KeepLast keeps this many of the most recently updated threads.
	KeepLast int
	// OlderThan deletes threads last updated before this time.
	OlderThan time.Time
}

// Store keeps checkpoints. Implementations must be safe for concurrent use
// by several runs, each on its own thread.
type Store interface {
	// Commit records cp and, in the same transaction, drops the pending
	// task results of step cp.Step. A checkpoint for a step that already
	// has one fails with [ErrConflict].
	Commit(ctx context.Context, cp *Checkpoint) error
	// PutTask records the result of a task that finished in step step of
	// thread, before the step commits.
	PutTask(ctx context.Context, thread string, step int, r *TaskResult) error
	// SetStatus records the thread's status without committing a step,
	// replacing the status set before. Commits leave it as it is: Load
	// returns the last status set, and listings show whichever of it and
	// the last checkpoint is newer.
	SetStatus(ctx context.Context, thread string, s ThreadStatus) error
	// Load returns the thread's history, or [ErrThreadNotFound].
	Load(ctx context.Context, thread string) (*History, error)
	// Threads lists threads, most recently updated first.
	Threads(ctx context.Context, f ThreadFilter) ([]ThreadInfo, error)
	// Prune deletes finished threads and returns how many it deleted.
	Prune(ctx context.Context, o PruneOptions) (int, error)
	// Close releases the store's resources.
	Close() error
}

// Errors returned by stores.
var (
	// ErrThreadNotFound means the store holds no checkpoint of the thread.
	ErrThreadNotFound = errors.New("thread not found")
	// ErrConflict means another writer committed the same step first.
	ErrConflict = errors.New("checkpoint conflict")
)

// CorruptError means a stored checkpoint could not be decoded. It is never
// papered over with defaults.
type CorruptError struct {
	// Thread is the thread whose history is corrupt.
	Thread string
	// Step is the step of the checkpoint, pending result or status that
	// could not be decoded.
	Step int
	// Err is the decoding error.
	Err error
}

// Error says which checkpoint is corrupt and why.
func (e *CorruptError) Error() string {
	return fmt.Sprintf("corrupt checkpoint: thread %s step %d: %v", e.Thread, e.Step, e.Err)
}

// Unwrap returns the decoding error.
func (e *CorruptError) Unwrap() error { return e.Err }

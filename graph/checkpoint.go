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
	// Thread is the durable identity of the run; Run identifies the process
	// execution that wrote this checkpoint.
	Thread string `json:"thread"`
	Run    string `json:"run"`
	// Graph is the graph's name; Digest a hash of its file, recorded so a
	// resume can tell that the graph changed.
	Graph  string `json:"graph"`
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
	// Error is the failure that ended a failed run.
	Error *ErrorRecord `json:"error,omitempty"`
	// Compensated lists the tasks whose compensation completed, newest
	// first.
	Compensated []string `json:"compensated,omitempty"`
	// Time is when the step finished.
	Time time.Time `json:"time"`
}

// Write is one value a task wrote to a state field.
type Write struct {
	Field string `json:"field"`
	Value any    `json:"value"`
}

// Task is a unit of work scheduled for a step: one node, and for map edges
// one element.
type Task struct {
	// ID is unique within the thread: "step:node" or "step:node:index".
	ID   string `json:"id"`
	Node string `json:"node"`
	// Index and Item are set for tasks made by a map edge.
	Index   int  `json:"index,omitempty"`
	Item    any  `json:"item,omitempty"`
	HasItem bool `json:"has_item,omitempty"`
	// Error is the failure a fallback route sent to this task.
	Error *ErrorRecord `json:"error,omitempty"`
}

// TaskRecord says how a task went, for reports and compensation.
type TaskRecord struct {
	ID       string        `json:"id"`
	Node     string        `json:"node"`
	Attempts int           `json:"attempts"`
	Started  time.Time     `json:"started"`
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
	Task   Task       `json:"task"`
	Writes []Write    `json:"writes"`
	Next   []Task     `json:"next"`
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
	Attempts      int `json:"attempts"`
	Retries       int `json:"retries"`
	Errors        int `json:"errors"`
	Fallbacks     int `json:"fallbacks"`
	Compensations int `json:"compensations"`
}

// ErrorRecord is the serializable record of a node failure: what fallback
// targets read from the state field [LastError] and what reports list.
type ErrorRecord struct {
	Class    string `json:"class"`
	Message  string `json:"message"`
	Node     string `json:"node"`
	Attempts int    `json:"attempts"`
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
	Status Status       `json:"status"`
	Error  *ErrorRecord `json:"error,omitempty"`
	// Compensated lists the tasks whose compensation completed, newest
	// first; a resume that fails again does not run them twice.
	Compensated []string  `json:"compensated,omitempty"`
	Time        time.Time `json:"time"`
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
	Thread  string    `json:"thread"`
	Graph   string    `json:"graph"`
	Status  Status    `json:"status"`
	Step    int       `json:"step"`
	Created time.Time `json:"created"`
	Updated time.Time `json:"updated"`
	Error   string    `json:"error,omitempty"`
}

// ThreadFilter selects threads in [Store.Threads]. Zero fields select all.
type ThreadFilter struct {
	Graph  string
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
	Thread string
	Step   int
	Err    error
}

// Error says which checkpoint is corrupt and why.
func (e *CorruptError) Error() string {
	return fmt.Sprintf("corrupt checkpoint: thread %s step %d: %v", e.Thread, e.Step, e.Err)
}

// Unwrap returns the decoding error.
func (e *CorruptError) Unwrap() error { return e.Err }

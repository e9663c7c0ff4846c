package graph

import "time"

// EventKind names what an [Event] reports.
type EventKind string

// The event kinds, in the order they usually happen.
const (
	RunStarted       EventKind = "run_started"
	StepStarted      EventKind = "step_started"
	NodeStarted      EventKind = "node_started"
	RetryScheduled   EventKind = "retry_scheduled"
	BreakerChanged   EventKind = "breaker_changed"
	NodeSucceeded    EventKind = "node_succeeded"
	NodeFailed       EventKind = "node_failed"
	FallbackTaken    EventKind = "fallback_taken"
	CheckpointSaved  EventKind = "checkpoint_saved"
	StepDone         EventKind = "step_done"
	CompensationRun  EventKind = "compensation_run"
	CompensationFail EventKind = "compensation_failed"
	RunFinished      EventKind = "run_finished"
)

// Event is something that happened in a run. Fields that do not apply to a
// kind are zero. Events never hold credentials.
type Event struct {
	Kind   EventKind `json:"kind"`
	Time   time.Time `json:"time"`
	Graph  string    `json:"graph"`
	Thread string    `json:"thread"`
	Run    string    `json:"run"`
	Step   int       `json:"step,omitempty"`
	Node   string    `json:"node,omitempty"`
	Task   string    `json:"task,omitempty"`
	// Attempt is the 1-based attempt a node or retry event is about.
	Attempt int `json:"attempt,omitempty"`
	// Class and Error describe a failure.
	Class string `json:"class,omitempty"`
	Error string `json:"error,omitempty"`
	// Delay is the wait before a scheduled retry; Reason says where it
	// came from ("backoff" or "retry_after").
	Delay  time.Duration `json:"delay,omitempty"`
	Reason string        `json:"reason,omitempty"`
	// Duration is how long a node, step, checkpoint or run took.
	Duration time.Duration `json:"duration,omitempty"`
	// Breaker, From and To describe a breaker state change.
	Breaker string `json:"breaker,omitempty"`
	From    string `json:"from,omitempty"`
	To      string `json:"to,omitempty"`
	// Target is the node a fallback route sends the failure to.
	Target string `json:"target,omitempty"`
	// Status is the run's status on run_finished.
	Status Status `json:"status,omitempty"`
	// Bytes is, on checkpoint_saved, the size of the step's writes
	// encoded as JSON: the part of a checkpoint that grows with the step.
	Bytes int `json:"bytes,omitempty"`
	// Nodes lists the nodes scheduled for a step.
	Nodes []string `json:"nodes,omitempty"`
	// Lists gives, on step_done, the length of every list field after the
	// step: how many questions a run holds so far, for instance.
	Lists map[string]int `json:"lists,omitempty"`
}

// Listener receives events. The engine calls a run's listeners one at a
// time, in event order: from the goroutine running the graph, and from the
// goroutines running the tasks of a wide step, never two at once. A
// listener must return quickly and must not call back into the run.
type Listener func(Event)

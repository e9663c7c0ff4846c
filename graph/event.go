package graph

import "time"

// EventKind names what an [Event] reports.
type EventKind string

// The event kinds, in the order they usually happen.
const (
	// RunStarted opens a run, new or resumed, as Reason says.
	RunStarted EventKind = "run_started"
	// StepStarted opens a step; Nodes lists the nodes of its tasks.
	StepStarted EventKind = "step_started"
	// NodeStarted opens each attempt of a task.
	NodeStarted EventKind = "node_started"
	// RetryScheduled follows a failed attempt that will be retried after
	// Delay; Attempt is the attempt that failed.
	RetryScheduled EventKind = "retry_scheduled"
	// BreakerChanged reports a breaker going From one state To another.
	BreakerChanged EventKind = "breaker_changed"
	// NodeSucceeded closes a task that succeeded after Attempt attempts.
	NodeSucceeded EventKind = "node_succeeded"
	// NodeFailed closes a task that failed after its retries.
	NodeFailed EventKind = "node_failed"
	// FallbackTaken follows a NodeFailed that a fallback route caught and
	// sends to Target.
	FallbackTaken EventKind = "fallback_taken"
	// CheckpointSaved reports that a step's checkpoint was committed.
	CheckpointSaved EventKind = "checkpoint_saved"
	// StepDone closes a step once its writes are merged and, with a store,
	// committed.
	StepDone EventKind = "step_done"
	// CompensationRun reports that a completed task's compensation ran.
	CompensationRun EventKind = "compensation_run"
	// CompensationFail reports that a compensation returned an error; the
	// task is not counted as compensated.
	CompensationFail EventKind = "compensation_failed"
	// RunFinished closes a run with its Status and Duration.
	RunFinished EventKind = "run_finished"
)

// Event is something that happened in a run. Fields that do not apply to a
// kind are zero. Events never hold credentials.
type Event struct {
	// Kind says what happened, and so which other fields are set.
	Kind EventKind `json:"kind"`
	// Time is when the event was emitted, by the engine's clock.
	Time time.Time `json:"time"`
	// Graph is the graph's name.
	Graph string `json:"graph"`
	// Thread is the run's thread id.
	Thread string `json:"thread"`
	// Run is the run's id, new for every [Engine.Run] and [Engine.Resume].
	Run string `json:"run"`
	// Step is the step the event is about; 0 for run and compensation
	// events and for the input checkpoint.
	Step int `json:"step,omitempty"`
	// Node is the node the event is about, if any.
	Node string `json:"node,omitempty"`
	// Task is the id of the task the event is about, if any.
	Task string `json:"task,omitempty"`
	// Attempt is the 1-based attempt a node or retry event is about.
	Attempt int `json:"attempt,omitempty"`
	// Class is the error class of the failure the event reports.
	Class string `json:"class,omitempty"`
	// Error is the failure's text; on the run_finished of an interrupted
	// run, the context's error.
	Error string `json:"error,omitempty"`
	// Delay is the wait before a scheduled retry.
	Delay time.Duration `json:"delay,omitempty"`
	// Reason says where a retry's Delay came from ("backoff" or
	// "retry_after"), or whether a run starts anew ("start" or "resume").
	Reason string `json:"reason,omitempty"`
	// Duration is how long a node, step, checkpoint or run took.
	Duration time.Duration `json:"duration,omitempty"`
	// Breaker is the name of the breaker that changed state.
	Breaker string `json:"breaker,omitempty"`
	// From is the breaker's state before the change: "closed", "open" or
	// "half-open".
	From string `json:"from,omitempty"`
	// To is the breaker's state after the change.
	To string `json:"to,omitempty"`
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

package storetest

import (
	"fmt"
	"time"

	"github.com/graphrun/graphrun/graph"
)

// base is the time of step 0 of every fixture thread.
var base = time.Date(2025, 3, 14, 15, 9, 26, 535897932, time.UTC)

// zone is a non-UTC zone used to check that stores return UTC times.
var zone = time.FixedZone("UTC+5:30", 5*3600+1800)

// stepTime returns the time of step step of a fixture thread started at
// offset from base.
func stepTime(offset time.Duration, step int) time.Time {
	return base.Add(offset + time.Duration(step)*time.Second + 7)
}

// checkpointAt returns a small checkpoint of thread at step step, stamped
// with the time of that step.
func checkpointAt(thread string, step int, offset time.Duration) *graph.Checkpoint {
	return &graph.Checkpoint{
		Thread: thread, Run: "run-1", Graph: "mcq", Digest: "sha256:abc",
		Step: step, Status: graph.Running,
		Writes: []graph.Write{{Field: "questions", Value: fmt.Sprintf("q%d", step)}},
		Next:   []graph.Task{{ID: fmt.Sprintf("%d:generate", step+1), Node: "generate"}},
		Time:   stepTime(offset, step),
	}
}

// full returns a checkpoint with every field set, its times in a non-UTC
// zone, and its values holding integers, nested lists and maps.
func full(thread string) *graph.Checkpoint {
	started := time.Date(2025, 3, 14, 20, 40, 0, 123456789, zone)
	return &graph.Checkpoint{
		Thread: thread, Run: "run-7", Graph: "mcq", Digest: "sha256:0123",
		Step: 0, Status: graph.Failed,
		Writes: []graph.Write{
			{Field: "target", Value: 10},
			{Field: "questions", Value: []any{map[string]any{"stem": "Qué?", "n": 2.5}}},
			{Field: "note", Value: nil},
			{Field: "ok", Value: true},
		},
		Tasks: []graph.TaskRecord{{
			ID: "3:generate:1", Node: "generate", Attempts: 4, Started: started,
			Duration: 1500*time.Millisecond + 3,
			Error: &graph.ErrorRecord{
				Class: "rate_limit", Message: "slow down", Node: "generate", Attempts: 3,
			},
			Fallback: "template_question",
		}},
		Next: []graph.Task{
			{ID: "4:save", Node: "save"},
			{ID: "4:generate:0", Node: "generate", Index: 0, Item: 0, HasItem: true},
			{
				ID: "4:generate:2", Node: "generate", Index: 2,
				Item: map[string]any{"chunk": 12}, HasItem: true,
				Error: &graph.ErrorRecord{Class: "timeout", Message: "late", Node: "generate"},
			},
		},
		Counters: graph.Counters{Attempts: 9, Retries: 3, Errors: 2, Fallbacks: 1,
			Compensations: 1},
		Error: &graph.ErrorRecord{
			Class: "auth", Message: "bad key", Node: "generate", Attempts: 1,
		},
		Compensated: []string{"2:save", "1:load"},
		Time:        time.Date(2025, 3, 14, 21, 0, 0, 999999999, zone),
	}
}

// fullDecoded is full(thread) as a store returns it: times in UTC and
// numbers inside values as float64.
func fullDecoded(thread string) *graph.Checkpoint {
	cp := full(thread)
	cp.Writes[0].Value = 10.0
	cp.Writes[1].Value = []any{map[string]any{"stem": "Qué?", "n": 2.5}}
	cp.Tasks[0].Started = cp.Tasks[0].Started.UTC()
	cp.Next[1].Item = 0.0
	cp.Next[2].Item = map[string]any{"chunk": 12.0}
	cp.Time = cp.Time.UTC()
	return cp
}

// result returns a pending task result for task id with a single write.
func result(id string, value string) *graph.TaskResult {
	return &graph.TaskResult{
		Task:   graph.Task{ID: id, Node: "generate"},
		Writes: []graph.Write{{Field: "questions", Value: value}},
		Record: graph.TaskRecord{
			ID: id, Node: "generate", Attempts: 1,
			Started: base, Duration: time.Second,
		},
	}
}

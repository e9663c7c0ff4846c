package graph

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/graphrun/graphrun/policies"
)

// checkpoint builds the checkpoint of the step just completed.
func (r *runner) checkpoint(writes []Write, records []TaskRecord) *Checkpoint {
	status := Running
	if len(r.next) == 0 {
		status = Succeeded
	}
	r.mu.Lock()
	counters := r.counters
	r.mu.Unlock()
	source := ""
	if r.step == 0 {
		source = r.g.source
	}
	return &Checkpoint{
		Thread: r.thread, Run: r.run, Graph: r.g.Name(), Digest: r.g.digest, Source: source,
		Step: r.step, Status: status, Writes: writes, Tasks: records, Next: r.next,
		Counters: counters, Time: r.e.o.Clock.Now().UTC(),
	}
}

// commit writes cp with the engine's durability.
func (r *runner) commit(ctx context.Context, cp *Checkpoint) error {
	if r.e.o.Store == nil {
		return nil
	}
	start := r.e.o.Clock.Now()
	// A step that finished is committed even when its deadline passed or
	// the caller canceled during the write: the run stops at the next
	// step, with nothing of this one lost.
	err := r.committer.do(context.WithoutCancel(ctx), func(ctx context.Context) error {
		return r.e.o.Store.Commit(ctx, cp)
	})
	if err == nil && len(r.listeners) > 0 {
		size := 0
		if data, err := json.Marshal(cp.Writes); err == nil {
			size = len(data)
		}
		r.emit(Event{Kind: CheckpointSaved, Step: cp.Step, Duration: r.e.o.Clock.Now().Sub(start),
			Bytes: size})
	}
	return err
}

// fail ends a run with a failure: it runs the compensations of the tasks
// that completed, newest first, records the failed status and reports.
func (r *runner) fail(parent context.Context, err error) (*Result, error) {
	ctx := context.WithoutCancel(parent)
	_ = r.committer.flush(ctx)
	var re *RunError
	if !errors.As(err, &re) {
		re = &RunError{Thread: r.thread, Class: failureClass(err), Err: err}
	}
	r.failure = &ErrorRecord{Class: re.Class, Message: failureText(re.Err), Node: re.Node}
	r.status = Failed
	r.compensate(ctx)
	r.setStatus(ctx)
	r.emit(Event{Kind: RunFinished, Status: Failed, Node: re.Node, Class: re.Class,
		Error: r.failure.Message, Duration: r.since()})
	return r.result(), re
}

// finishCompensation resumes a failed thread whose failure compensated
// completed work: going forward would build on undone work, so it only
// runs the compensations not yet done and reports the failure again.
func (r *runner) finishCompensation(parent context.Context, st *ThreadStatus) (*Result, error) {
	ctx := context.WithoutCancel(parent)
	r.status, r.failure = Failed, st.Error
	r.compensate(ctx)
	r.setStatus(ctx)
	class, node := "", ""
	if st.Error != nil {
		class, node = st.Error.Class, st.Error.Node
	}
	return r.result(), &RunError{Thread: r.thread, Class: class, Node: node,
		Err: fmt.Errorf("%w: its failure undid completed work (%s); start a new run",
			ErrCompensated, strings.Join(r.compensated, ", "))}
}

// compensate runs the compensation of every completed task whose node
// names one, newest first, skipping those that already ran. Progress is
// recorded after each, so a crash never runs one twice.
func (r *runner) compensate(ctx context.Context) {
	done := map[string]bool{}
	for _, id := range r.compensated {
		done[id] = true
	}
	for i := len(r.tasks) - 1; i >= 0; i-- {
		rec := r.tasks[i]
		if done[rec.ID] {
			continue
		}
		n := r.g.nodes[rec.Node]
		_, err := n.comp(ctx, Input{
			Graph: r.g.Name(), Thread: r.thread, Run: r.run, Node: rec.Node, Task: rec.ID,
			Step: r.step, Attempt: 1, State: r.state, With: n.With,
		})
		if err != nil {
			r.emit(Event{Kind: CompensationFail, Node: rec.Node, Task: rec.ID,
				Class: string(policies.ClassOf(err)), Error: err.Error()})
			continue
		}
		r.compensated = append(r.compensated, rec.ID)
		r.mu.Lock()
		r.counters.Compensations++
		r.mu.Unlock()
		r.setStatus(ctx)
		r.emit(Event{Kind: CompensationRun, Node: rec.Node, Task: rec.ID})
	}
}

// setStatus records the failed status and the compensations so far.
func (r *runner) setStatus(ctx context.Context) {
	if r.e.o.Store == nil {
		return
	}
	_ = r.e.o.Store.SetStatus(ctx, r.thread, ThreadStatus{
		Status: r.status, Error: r.failure, Compensated: r.compensated,
		Time: r.e.o.Clock.Now().UTC(),
	})
}

// result reports the run.
func (r *runner) result() *Result {
	r.mu.Lock()
	counters := r.counters
	r.mu.Unlock()
	return &Result{
		Graph: r.g.Name(), Thread: r.thread, Run: r.run,
		Status: r.status, State: maps.Clone(r.state), Steps: r.step,
		Counters: counters, Error: r.failure,
		Compensated: r.compensated, Resumed: r.resumed, Duration: r.since(),
		Handled: r.handledEvents(),
	}
}

// emit delivers ev to the listeners, one at a time.
// Resilience events are also kept for the run's result.
func (r *runner) emit(ev Event) {
	keep := resilience(ev.Kind)
	if len(r.listeners) == 0 && !keep {
		return
	}
	ev.Time = r.e.o.Clock.Now()
	ev.Graph, ev.Thread, ev.Run = r.g.Name(), r.thread, r.run
	r.emitMu.Lock()
	defer r.emitMu.Unlock()
	if keep {
		r.handled = append(r.handled, ev)
	}
	for _, l := range r.listeners {
		l(ev)
	}
}

// resilience reports whether events of kind k say how a failure was
// handled: they make up [Result.Handled].
func resilience(k EventKind) bool {
	switch k {
	case NodeFailed, RetryScheduled, BreakerChanged, FallbackTaken, CompensationRun,
		CompensationFail:
		return true
	}
	return false
}

func (r *runner) handledEvents() []Event {
	r.emitMu.Lock()
	defer r.emitMu.Unlock()
	return slices.Clone(r.handled)
}

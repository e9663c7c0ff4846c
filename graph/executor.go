package graph

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/expr-lang/expr/vm"

	"github.com/graphrun/graphrun/policies"
)

// runner holds one run of a graph on one thread.
type runner struct {
	e         *Engine
	g         *Graph
	thread    string
	run       string
	limits    Limits
	listeners []Listener
	policies  map[string]*policies.Policy
	committer *committer

	emitMu sync.Mutex
	// handled keeps the resilience events for the result.
	handled []Event

	// mu guards counters while the tasks of a step run.
	mu       sync.Mutex
	counters Counters
	// stepCounters are the counters as the current step began, what its
	// tasks read.
	stepCounters Counters
	state        State
	step         int
	next         []Task
	pending      map[string]*TaskResult
	// tasks holds the completed tasks that have a compensation, oldest
	// first.
	tasks       []TaskRecord
	compensated []string
	status      Status
	failure     *ErrorRecord
	started     time.Time
	resumed     bool
	// pendingStart holds the input checkpoint of a new thread until the
	// run starts.
	pendingStart *Checkpoint
	// inlineSolo says the writes and next tasks of a single-task step may
	// live in the runner: checkpoints are encoded before the next step,
	// or not written.
	inlineSolo bool
	nextBuf    [2][1]Task
	flip       bool
	// solo and one hold the result of a step with a single task, which
	// is not retained beyond its step.
	solo TaskResult
	one  [1]*TaskResult
	// stopCh, once closed, ends the run at the next step boundary.
	stopCh <-chan struct{}
	// machine evaluates the conditions routed on the run's goroutine,
	// taken from the pool when first needed and put back as the run ends.
	machine *vm.VM
}

// evaluator returns the machine for conditions routed on the run's
// goroutine.
func (r *runner) evaluator() *vm.VM {
	if r.machine == nil {
		r.machine = vmPool.Get().(*vm.VM)
	}
	return r.machine
}

// init sets the initial state from defaults and input, and schedules the
// tasks of the first step.
func (r *runner) init(ctx context.Context, input map[string]any) error {
	if err := r.defaults(); err != nil {
		return err
	}
	names := make([]string, 0, len(input))
	for k := range input {
		names = append(names, k)
	}
	sort.Strings(names)
	var writes []Write
	for _, k := range names {
		f, ok := r.g.Field(k)
		switch {
		case k == LastError:
			return &InputError{Field: k, Msg: "is written by the engine when a fallback route " +
				"catches a failure, never by a run's input", Hint: "the inputs are: " + r.inputNames()}
		case !ok:
			return &InputError{Field: k, Msg: "the graph declares no such state field",
				Hint: "the inputs are: " + r.inputNames()}
		case !r.g.IsInput(k):
			return &InputError{Field: k, Msg: "is the graph's own work, not an input",
				Hint: "the inputs are: " + r.inputNames()}
		}
		v, err := coerce(f.Type, input[k])
		if err != nil {
			return &InputError{Field: k, Msg: err.Error(), Hint: f.Doc}
		}
		if msg := CheckValue(&f, v); msg != "" {
			return &InputError{Field: k, Msg: msg, Hint: f.Doc}
		}
		r.state[k] = v
		writes = append(writes, Write{Field: k, Value: v})
	}
	for _, f := range r.g.fields {
		if _, set := input[f.Name]; f.Required && !set {
			hint := "set it in the run's input"
			if f.Doc != "" {
				hint = f.Doc
			}
			return &InputError{Field: f.Name, Msg: "is required", Hint: hint}
		}
	}
	if r.g.check != nil {
		err := r.g.check(ctx, Input{Graph: r.g.Name(), Thread: r.thread, Run: r.run, State: r.state})
		var ie *InputError
		switch {
		case errors.As(err, &ie):
			return ie
		case err != nil:
			return &InputError{Msg: failureText(err)}
		}
	}
	next, err := r.routeEdgesInto(nil, r.g.start, Start, r.state, r.evaluator())
	if err != nil {
		return err
	}
	r.next = r.assignIDs(1, unique(next))
	r.pendingStart = &Checkpoint{Step: 0, Writes: writes}
	return nil
}

// defaults sets every field to its default, or its type's zero value.
func (r *runner) defaults() error {
	r.state = make(State, len(r.g.fields))
	for i := range r.g.fields {
		f := &r.g.fields[i]
		v, err := initialValue(f)
		if err != nil {
			return fmt.Errorf("state field %s: default: %w", f.Name, err)
		}
		r.state[f.Name] = v
	}
	return nil
}

// inputNames lists the fields a run's input may set.
func (r *runner) inputNames() string {
	var names []string
	for _, f := range r.g.Inputs() {
		names = append(names, f.Name)
	}
	return strings.Join(names, ", ")
}

func (r *runner) fieldNames() []string {
	var names []string
	for _, f := range r.g.fields {
		if f.Name != LastError {
			names = append(names, f.Name)
		}
	}
	return names
}

// loop runs steps until no task is left, a task fails, a limit is hit or
// ctx ends.
func (r *runner) loop(parent context.Context, resumed bool) (*Result, error) {
	r.started = r.e.o.Clock.Now()
	defer func() {
		if r.machine != nil {
			vmPool.Put(r.machine)
			r.machine = nil
		}
	}()
	ctx := parent
	if r.limits.Deadline > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(parent, r.limits.Deadline)
		defer cancel()
	}
	r.emit(Event{Kind: RunStarted, Reason: startReason(resumed)})

	if r.pendingStart != nil {
		cp := r.checkpoint(r.pendingStart.Writes, nil)
		r.pendingStart = nil
		if err := r.commit(ctx, cp); err != nil {
			return r.finishError(parent, err)
		}
	}
	for len(r.next) > 0 {
		if err := ctx.Err(); err != nil {
			return r.stop(parent, ctx, err)
		}
		if r.stopped() {
			return r.interrupted(parent, ErrStopped)
		}
		if r.limits.MaxSteps > 0 && r.step >= r.limits.MaxSteps {
			return r.fail(parent, &LimitError{Limit: "max_steps",
				Value: strconv.Itoa(r.limits.MaxSteps) + " steps completed, more scheduled"})
		}
		if err := r.runStep(ctx); err != nil {
			return r.stop(parent, ctx, err)
		}
	}
	if err := r.committer.flush(parent); err != nil {
		return r.finishError(parent, err)
	}
	r.status = Succeeded
	r.emit(Event{Kind: RunFinished, Status: Succeeded, Duration: r.since()})
	return r.result(), nil
}

func startReason(resumed bool) string {
	if resumed {
		return "resume"
	}
	return "start"
}

// stop ends a run whose step returned err: an interruption when the
// caller's context ended, a deadline failure when the run's own deadline
// passed, and a failure otherwise.
func (r *runner) stop(parent, ctx context.Context, err error) (*Result, error) {
	var se *storeError
	if errors.As(err, &se) {
		return r.finishError(parent, se.err)
	}
	if parent.Err() != nil {
		cause := parent.Err()
		if c := context.Cause(parent); c != nil && c != cause {
			// The caller said why: keep both, so that errors.Is still
			// finds context.Canceled.
			cause = fmt.Errorf("%w: %w", cause, c)
		}
		return r.interrupted(parent, cause)
	}
	if ctx.Err() != nil {
		err = &LimitError{Limit: "deadline", Value: r.limits.Deadline.String()}
	}
	return r.fail(parent, err)
}

// stopped says whether the run's Stop channel is closed.
func (r *runner) stopped() bool {
	select {
	case <-r.stopCh:
		return true
	default:
		return false
	}
}

// interrupted ends a run that the caller stopped, by its context or its
// Stop channel, with why: the thread stays resumable from its last
// checkpoint.
func (r *runner) interrupted(ctx context.Context, why error) (*Result, error) {
	_ = r.committer.flush(context.WithoutCancel(ctx))
	r.status = Running
	r.emit(Event{Kind: RunFinished, Status: Running, Error: why.Error(), Duration: r.since()})
	return r.result(), fmt.Errorf("run %s interrupted at step %d (resume it with its thread id): %w",
		r.thread, r.step+1, why)
}

// finishError ends a run whose checkpoint could not be written. The thread
// stays as its last written checkpoint left it.
func (r *runner) finishError(ctx context.Context, err error) (*Result, error) {
	if errors.Is(err, ErrConflict) {
		err = fmt.Errorf("%w: another run of thread %s wrote this step first, so two "+
			"processes are running the thread; let the other one finish, then read the "+
			"thread's state from the store", err, r.thread)
	}
	r.status = Running
	r.emit(Event{Kind: RunFinished, Status: Running, Class: string(policies.Storage),
		Error: err.Error(), Duration: r.since()})
	return r.result(), &RunError{Thread: r.thread, Class: string(policies.Storage),
		Err: fmt.Errorf("write checkpoint: %w", err)}
}

func (r *runner) since() time.Duration { return r.e.o.Clock.Now().Sub(r.started) }

// runStep runs the tasks in r.next as one step, merges their writes and
// commits the step. It returns the error that ends the run.
func (r *runner) runStep(ctx context.Context) error {
	tasks, held := r.deferred(r.next)
	step := r.step + 1
	var stepStart time.Time
	if len(r.listeners) > 0 {
		stepStart = r.e.o.Clock.Now()
		nodes := make([]string, len(tasks))
		for i, t := range tasks {
			nodes[i] = t.Node
		}
		r.emit(Event{Kind: StepStarted, Step: step, Nodes: nodes})
	}

	// The step's tasks read the counters as it began; their attempts are
	// added once they have all ended.
	r.stepCounters = r.counters
	var results []*TaskResult
	if len(tasks) == 1 {
		// A step of one task, the common case, allocates no bookkeeping:
		// its result lives in the runner and its writes apply in place.
		t := tasks[0]
		res, err := r.runTask(ctx, step, t, nil, r.g.nodes[t.Node], r.policies[t.Node])
		r.countAttempts(r.solo.Record.Attempts, 1)
		if err != nil {
			return err
		}
		r.one[0] = res
		results = r.one[:]
	} else {
		w := r.e.wideStep(len(tasks))
		r.runParallel(ctx, step, tasks, w)
		// Each task's attempts count once, when its step is committed: a
		// result kept from an interrupted run brings its own. A task that
		// failed left them in its record of the batch; one that did not
		// start has none.
		attempts, ran := 0, 0
		for i := range w.batch {
			rec := &w.batch[i].Record
			if res := w.results[i]; res != nil {
				rec = &res.Record
			}
			if rec.Attempts > 0 {
				attempts += rec.Attempts
				ran++
			}
		}
		r.countAttempts(attempts, ran)
		// Report a task's own failure before a sibling left unstarted by it.
		for pass := 0; pass < 2; pass++ {
			for _, err := range w.errs {
				if err != nil && (pass == 1 || !errors.Is(err, errNotStarted)) {
					return err
				}
			}
		}
		results = w.results
		if r.e.o.Store == nil {
			// Without a store nothing keeps a result past its step.
			defer r.e.release(w)
		}
	}

	writes, err := r.merge(results)
	if err != nil {
		return err
	}
	var next []Task
	if len(results) == 1 && len(held) == 0 {
		next = results[0].Next
		if results[0].sharedNext {
			next = slices.Clone(next)
		}
	} else {
		next = gather(results, held)
	}
	r.step = step
	for _, res := range results {
		r.keep(res.Record)
	}
	r.next = r.assignIDs(step+1, next)
	r.pending = nil
	if r.e.o.Store != nil {
		records := make([]TaskRecord, len(results))
		for i, res := range results {
			records[i] = res.Record
		}
		if err := r.commit(ctx, r.checkpoint(writes, records)); err != nil {
			return &storeError{err}
		}
	}
	if len(r.listeners) > 0 {
		r.emit(Event{Kind: StepDone, Step: step, Duration: r.e.o.Clock.Now().Sub(stepStart),
			Lists: r.listLengths()})
	}
	return nil
}

// countAttempts adds the attempts of a step's tasks that ran to the
// counters, once they have all ended: every attempt after a task's first
// is a retry.
func (r *runner) countAttempts(attempts, tasks int) {
	if attempts == 0 {
		return
	}
	r.mu.Lock()
	r.counters.Attempts += attempts
	r.counters.Retries += attempts - tasks
	r.mu.Unlock()
}

// listLengths returns the length of every list field.
func (r *runner) listLengths() map[string]int {
	lists := map[string]int{}
	for _, f := range r.g.fields {
		if l, ok := r.state[f.Name].([]any); ok && f.Type == List {
			lists[f.Name] = len(l)
		}
	}
	return lists
}

// gather collects the tasks the step's results schedule, in task order,
// with the held deferred tasks last, keeping one plain task per node.
func gather(results []*TaskResult, held []Task) []Task {
	var (
		next []Task
		seen map[string]bool
	)
	add := func(t Task) {
		if !t.HasItem && t.Error == nil {
			if seen[t.Node] {
				return
			}
			if seen == nil {
				seen = map[string]bool{}
			}
			seen[t.Node] = true
		}
		next = append(next, t)
	}
	var shared []Task
	for _, res := range results {
		if res.sharedNext && len(res.Next) > 0 && len(shared) > 0 && &res.Next[0] == &shared[0] {
			// The fixed targets of a node whose tasks came before: all
			// plain tasks, already kept.
			continue
		}
		if res.sharedNext {
			shared = res.Next
		}
		for _, t := range res.Next {
			add(t)
		}
	}
	for _, t := range held {
		add(t)
	}
	return next
}

// unique keeps the first plain task of each node: a hundred map tasks that
// each lead to a join schedule one join. Map and fallback tasks all stay.
func unique(tasks []Task) []Task {
	var seen map[string]bool
	out := tasks[:0]
	for _, t := range tasks {
		if !t.HasItem && t.Error == nil {
			if seen == nil {
				seen = map[string]bool{}
			}
			if seen[t.Node] {
				continue
			}
			seen[t.Node] = true
		}
		out = append(out, t)
	}
	return out
}

// runParallel runs the tasks of one step concurrently, bounded by the
// engine's limit and each node's map concurrency. A task that fails does
// not cancel its siblings: work already paid for finishes and is recorded,
// so a resume does not pay for it again. Tasks not yet started when one
// fails are not started.
func (r *runner) runParallel(ctx context.Context, step int, tasks []Task, w *wideStep) {
	results, errs, batch := w.results, w.errs, w.batch
	stop := make(chan struct{})
	var (
		stopOnce sync.Once
		stopped  atomic.Bool
	)
	kinds := r.stepNodes(tasks)
	one := func(i int) {
		t := tasks[i]
		if p, ok := r.pending[t.ID]; ok {
			results[i] = p
			return
		}
		if stopped.Load() {
			errs[i] = errNotStarted
			return
		}
		if err := ctx.Err(); err != nil {
			errs[i] = err
			return
		}
		k := kindOf(kinds, t.Node)
		if b := k.bound; b != nil {
			select {
			case b <- struct{}{}:
				defer func() { <-b }()
			case <-ctx.Done():
				errs[i] = ctx.Err()
				return
			case <-stop:
				errs[i] = errNotStarted
				return
			}
		}
		results[i], errs[i] = r.runTask(ctx, step, t, &batch[i], k.n, k.pol)
		if errs[i] != nil {
			stopOnce.Do(func() {
				stopped.Store(true)
				close(stop)
			})
		}
	}
	// A pool of workers, each taking the next task, reuses goroutines and
	// their grown stacks across the tasks of a wide step. It starts as the
	// caller alone, which is quickest for quick tasks: no goroutine to
	// start, wake or share the step's counters with. When tasks remain
	// after rampAfter, they wait (model calls) or compute for long, and the
	// pool grows to the step's whole concurrency.
	var (
		next   atomic.Int64
		wg     sync.WaitGroup
		mu     sync.Mutex // guards closed
		closed bool
		limit  = min(r.e.o.MaxConcurrency, len(tasks))
	)
	work := func() {
		for {
			i := int(next.Add(1) - 1)
			if i >= len(tasks) {
				return
			}
			one(i)
		}
	}
	spawn := func(n int) {
		wg.Add(n)
		for range n {
			go func() {
				defer wg.Done()
				work()
			}()
		}
	}
	var ramp *time.Timer
	if limit > 1 {
		ramp = time.AfterFunc(rampAfter, func() {
			mu.Lock()
			defer mu.Unlock()
			if !closed && int(next.Load()) < len(tasks) {
				spawn(limit - 1)
			}
		})
	}
	work()
	if ramp != nil {
		// Every task has started: the pool grows no more.
		mu.Lock()
		closed = true
		mu.Unlock()
		ramp.Stop()
	}
	wg.Wait()
}

// stepNode is a node that tasks of a wide step run, looked up once for
// them all: the node, its policy, and the bound on its tasks at once, nil
// for none.
type stepNode struct {
	name  string
	n     *node
	pol   *policies.Policy
	bound chan struct{}
}

// stepNodes returns the nodes that tasks run, each once.
func (r *runner) stepNodes(tasks []Task) []stepNode {
	var kinds []stepNode
	for i := range tasks {
		name := tasks[i].Node
		if kindOf(kinds, name) != nil {
			continue
		}
		k := stepNode{name: name, n: r.g.nodes[name], pol: r.policies[name]}
		if b := k.n.bound; b > 0 {
			k.bound = make(chan struct{}, b)
		}
		kinds = append(kinds, k)
	}
	return kinds
}

// kindOf returns the entry of kinds for node name, or nil. The last entry
// is tried first: a map edge's tasks come in a row.
func kindOf(kinds []stepNode, name string) *stepNode {
	if n := len(kinds); n > 0 && kinds[n-1].name == name {
		return &kinds[n-1]
	}
	for i := range kinds {
		if kinds[i].name == name {
			return &kinds[i]
		}
	}
	return nil
}

// rampAfter is how long the caller runs a wide step's tasks alone before
// the worker pool grows. A timer may fire up to a millisecond late
// on a busy or virtual machine.
const rampAfter = 200 * time.Microsecond

// errNotStarted marks a task left unstarted because a sibling failed.
var errNotStarted = errors.New("not started: another task of the step failed")

// runTask runs one task under its node's policy, filling res. A failure
// that a fallback route catches becomes a result that schedules the
// route's target. A nil res marks the only task of its step: its result
// lives in the runner and its writes apply in place. Other results are
// stored at once so that a resume keeps them.
func (r *runner) runTask(ctx context.Context, step int, t Task, res *TaskResult,
	n *node, pol *policies.Policy) (*TaskResult, error) {
	record := res != nil
	in := Input{
		Graph: r.g.Name(), Thread: r.thread, Run: r.run,
		Node: t.Node, Task: t.ID, Step: step,
		State: r.state, With: n.With, Item: t.Item, Index: t.Index, Error: t.Error,
		Counters: r.stepCounters,
	}
	if record {
		res.Task = t // a fresh result of the step's batch
	} else {
		res = &r.solo
		*res = TaskResult{Task: t}
	}
	// Task timings go to checkpoints and events; with neither, skip the
	// clock.
	timed := r.e.o.Store != nil || len(r.listeners) > 0
	var started time.Time
	if timed {
		started = r.e.o.Clock.Now()
	}
	var hooks policies.Hooks
	if pol != nil || len(r.listeners) > 0 {
		hooks = r.hooks(step, t)
	}
	solo := !record
	attempts, err := pol.Execute(ctx, hooks, func(actx context.Context, attempt int) error {
		in.Attempt = attempt
		upd, err := n.fn(actx, in)
		if err != nil {
			return err
		}
		var buf []Write
		if record || r.inlineSolo {
			// A one-field update lives in the result itself: a result of
			// the step's batch is never reused, and the runner's own is
			// reused only once the step's checkpoint is encoded.
			buf = res.inline[:0]
		}
		writes, err := r.check(t.Node, upd, buf)
		if err != nil {
			return err
		}
		var next []Task
		switch {
		case n.plain != nil:
			// Plain edges read no state: the node's targets are fixed.
			next = n.plain
		case solo:
			next, err = r.routeInPlace(n, writes)
			res.applied = err == nil
		default:
			next, err = r.route(n, writes)
		}
		if err != nil {
			return err
		}
		res.Writes, res.Next, res.sharedNext = writes, next, n.plain != nil
		return nil
	})
	res.Record = TaskRecord{ID: t.ID, Node: t.Node, Attempts: attempts, Started: started}
	if timed {
		res.Record.Duration = r.e.o.Clock.Now().Sub(started)
	}
	if err == nil {
		if len(r.listeners) > 0 {
			r.emit(Event{Kind: NodeSucceeded, Step: step, Node: t.Node, Task: t.ID,
				Attempt: attempts, Duration: res.Record.Duration})
		}
		return res, r.record(ctx, step, res, record)
	}
	if ctx.Err() != nil {
		return nil, err
	}
	var perr *policies.Error
	if errors.As(err, &perr) && perr.Node == "" {
		perr.Node = t.Node
	}
	class := failureClass(err)
	rec := &ErrorRecord{Class: class, Message: failureText(err), Node: t.Node, Attempts: attempts,
		Cause: t.Error}
	r.emit(Event{Kind: NodeFailed, Step: step, Node: t.Node, Task: t.ID, Attempt: attempts,
		Class: class, Error: rec.Message, Duration: res.Record.Duration})
	r.mu.Lock()
	r.counters.Errors++
	handled := r.counters.Fallbacks
	r.mu.Unlock()

	route, ok, rerr := r.fallback(n, policies.Class(class))
	if rerr != nil {
		return nil, &RunError{Thread: r.thread, Class: failureClass(rerr), Node: t.Node,
			Err: fmt.Errorf("%w, after: %v", rerr, err)}
	}
	if !ok {
		return nil, &RunError{Thread: r.thread, Class: class, Node: t.Node, Err: err}
	}
	if r.limits.MaxErrors > 0 && handled >= r.limits.MaxErrors {
		return nil, &RunError{Thread: r.thread, Class: "limit", Node: t.Node,
			Err: fmt.Errorf("%w after: %v", &LimitError{Limit: "max_errors",
				Value: strconv.Itoa(r.limits.MaxErrors) + " failures handled"}, err)}
	}
	r.mu.Lock()
	r.counters.Fallbacks++
	r.mu.Unlock()
	r.emit(Event{Kind: FallbackTaken, Step: step, Node: t.Node, Task: t.ID,
		Class: class, Error: rec.Message, Target: route.To})
	res.Writes = []Write{{Field: LastError, Value: rec.asMap()}}
	res.Next = []Task{{Node: route.To, Error: rec, Item: t.Item, Index: t.Index, HasItem: t.HasItem}}
	res.Record.Error = rec
	res.Record.Fallback = route.To
	return res, r.record(ctx, step, res, record)
}

// fallback returns the first of n's fallback routes that catches class and
// whose when, if any, holds for the state as the step began: the failed
// task wrote nothing.
func (r *runner) fallback(n *node, class policies.Class) (policies.Route, bool, error) {
	if n.policy == nil {
		return policies.Route{}, false, nil
	}
	for i, route := range n.policy.Fallback {
		if _, catches := policies.MatchRoute(n.policy.Fallback[i:i+1], class); !catches {
			continue
		}
		if n.fallback[i] == nil {
			return route, true, nil
		}
		pos := r.g.spec.Pos[fmt.Sprintf("policies.%s.fallback[%d].when", n.Policy, i)]
		ok, err := evalWhen(nil, n.fallback[i], route.When, n.Name, pos, r.state)
		if err != nil {
			return policies.Route{}, false, err
		}
		if ok {
			return route, true, nil
		}
	}
	return policies.Route{}, false, nil
}

// record stores a task result inside an unfinished step.
func (r *runner) record(ctx context.Context, step int, res *TaskResult, record bool) error {
	if !record || r.e.o.Store == nil {
		return nil
	}
	// A finished task is recorded even when the run is being stopped:
	// the work is paid for.
	err := r.committer.do(context.WithoutCancel(ctx), func(ctx context.Context) error {
		return r.e.o.Store.PutTask(ctx, r.thread, step, res)
	})
	if err != nil {
		return &storeError{fmt.Errorf("record task %s: %w", res.Task.ID, err)}
	}
	return nil
}

func (e *ErrorRecord) asMap() map[string]any {
	m := map[string]any{"class": e.Class, "message": e.Message, "node": e.Node,
		"attempts": float64(e.Attempts)}
	if e.Cause != nil {
		m["cause"] = e.Cause.asMap()
	}
	return m
}

// failureText is what a failure says without the class and node that an
// [ErrorRecord] carries in fields of their own.
func failureText(err error) string {
	var pe *policies.Error
	if errors.As(err, &pe) && pe.Err != nil {
		return pe.Err.Error()
	}
	return err.Error()
}

// hooks returns the policy hooks that turn retries and breaker changes
// into events and counters.
func (r *runner) hooks(step int, t Task) policies.Hooks {
	return policies.Hooks{
		OnRetry: func(ri policies.RetryInfo) {
			r.emit(Event{Kind: RetryScheduled, Step: step, Node: t.Node, Task: t.ID,
				Attempt: ri.Attempt, Class: string(ri.Class), Error: retryText(ri.Err),
				Delay: ri.Delay, Reason: ri.Reason})
		},
		OnBreaker: func(c policies.BreakerChange) {
			r.emit(Event{Kind: BreakerChanged, Step: step, Node: t.Node, Task: t.ID,
				Breaker: c.Name, From: c.From, To: c.To})
		},
		OnAttempt: func(attempt int) {
			r.emit(Event{Kind: NodeStarted, Step: step, Node: t.Node, Task: t.ID, Attempt: attempt})
		},
	}
}

func retryText(err *policies.Error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

// check coerces a node's update to the declared field types, into buf
// when it has room. The writes come in field order.
func (r *runner) check(node string, upd Update, buf []Write) ([]Write, error) {
	if len(upd) == 0 {
		return nil, nil
	}
	writes := buf
	if cap(buf) < len(upd) {
		writes = make([]Write, 0, len(upd))
	}
	if len(r.g.fields) <= lookupFields {
		// A graph of few fields looks each of them up: cheaper than
		// walking the map, and the writes come out in order. An update
		// with a key left over names a field the graph lacks; the walk
		// below reports it.
		declared := r.g.fields[:len(r.g.fields)-1] // LastError comes last
		for i := range declared {
			f := &declared[i]
			v, ok := upd[f.Name]
			if !ok {
				continue
			}
			w, err := checkWrite(node, f, i, v)
			if err != nil {
				return nil, err
			}
			if writes = append(writes, w); len(writes) == len(upd) {
				break
			}
		}
		if len(writes) == len(upd) {
			return writes, nil
		}
		writes = writes[:0]
	}
	for k, v := range upd {
		i, ok := r.g.index[k]
		if !ok || k == LastError {
			return nil, &UpdateError{Node: node, Field: k,
				Msg: "the graph declares no such state field (declared: " +
					strings.Join(r.fieldNames(), ", ") + ")"}
		}
		w, err := checkWrite(node, &r.g.fields[i], i, v)
		if err != nil {
			return nil, err
		}
		writes = append(writes, w)
	}
	if len(writes) > 1 {
		slices.SortFunc(writes, func(a, b Write) int { return a.field - b.field })
	}
	return writes, nil
}

// lookupFields is the most fields a graph may declare for [runner.check]
// to look each one up in an update rather than walk the update.
const lookupFields = 8

// checkWrite coerces node's value for field f, the graph's field number
// i, and checks its constraints.
func checkWrite(node string, f *Field, i int, v any) (Write, error) {
	cv, err := coerceUpdate(f, v)
	if err != nil {
		return Write{}, &UpdateError{Node: node, Field: f.Name, Msg: err.Error()}
	}
	if f.Reducer == Replace {
		if msg := CheckValue(f, cv); msg != "" {
			return Write{}, &UpdateError{Node: node, Field: f.Name, Msg: msg}
		}
	}
	return Write{Field: f.Name, Value: cv, field: i + 1}, nil
}

// merge applies the step's writes to the state through the reducers, in
// task order. Two tasks writing one replace field is a conflict, checked
// before anything is applied.
func (r *runner) merge(results []*TaskResult) ([]Write, error) {
	total := 0
	if len(results) > 1 {
		var owner map[string]string
		for _, res := range results {
			total += len(res.Writes)
			for _, w := range res.Writes {
				f := r.fieldOf(w)
				if f == nil || f.Reducer != Replace || w.Field == LastError {
					continue
				}
				if owner == nil {
					owner = map[string]string{}
				}
				if prev, dup := owner[w.Field]; dup && prev != res.Task.ID {
					return nil, &ConflictError{Field: w.Field, Tasks: [2]string{prev, res.Task.ID}}
				}
				owner[w.Field] = res.Task.ID
			}
		}
	}
	// The step's writes are listed for its checkpoint only.
	var all []Write
	if r.e.o.Store != nil {
		all = make([]Write, 0, total)
	}
	// Appends to one list gather here and reach the state once: storing a
	// list in the state boxes it, which would cost an allocation a write.
	var lists []gathered
	for _, res := range results {
		for _, w := range res.Writes {
			f := r.fieldOf(w)
			if f == nil {
				return nil, &UpdateError{Node: res.Task.Node, Field: w.Field,
					Msg: "the graph declares no such state field"}
			}
			if res.applied {
				continue
			}
			v := w.Value
			if res.fromStore {
				var err error
				if v, err = coerceUpdate(f, v); err != nil {
					return nil, &CorruptError{Thread: r.thread, Step: r.step + 1, Err: err}
				}
			}
			if f.Reducer == Append && len(results) > 1 {
				k := slices.IndexFunc(lists, func(g gathered) bool { return g.field == f })
				if k < 0 {
					l, _ := r.state[w.Field].([]any)
					k = len(lists)
					lists = append(lists, gathered{field: f, list: slices.Grow(l, total)})
				}
				g := &lists[k]
				if items, many := v.([]any); many {
					g.list = append(g.list, items...)
				} else {
					g.list = append(g.list, v)
				}
				continue
			}
			nv, err := reduce(f, r.state[w.Field], v)
			if err != nil {
				return nil, err
			}
			r.state[w.Field] = nv
		}
		if len(results) == 1 {
			return res.Writes, nil
		}
		if all != nil {
			all = append(all, res.Writes...)
		}
	}
	for _, g := range lists {
		r.state[g.field.Name] = g.list
	}
	return all, nil
}

// gathered is a list field and its value with a step's appends.
type gathered struct {
	field *Field
	list  []any
}

// fieldOf returns the field w writes, or nil when the graph has none of
// its name.
func (r *runner) fieldOf(w Write) *Field {
	if w.field > 0 {
		return &r.g.fields[w.field-1]
	}
	i, ok := r.g.index[w.Field]
	if !ok {
		return nil
	}
	return &r.g.fields[i]
}

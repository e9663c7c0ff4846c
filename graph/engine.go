package graph

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/graphrun/graphrun/policies"
)

// Options configure an [Engine]. The zero value is an engine with no
// store, its own breakers and the system clock.
type Options struct {
	// Store keeps checkpoints; nil means runs are not checkpointed and
	// cannot be resumed.
	Store Store
	// Breakers is the set of circuit breakers shared by every run of the
	// engine, and by other engines given the same set; nil means a set of
	// the engine's own.
	Breakers *policies.Breakers
	// Clock is used for retry waits and timestamps; nil means the system
	// clock.
	Clock policies.Clock
	// Listeners receive the events of every run.
	Listeners []Listener
	// Durability says when checkpoints are written; empty means [Sync].
	Durability Durability
	// MaxConcurrency bounds the tasks of one step that run at once; zero
	// means 64.
	MaxConcurrency int
}

// Engine runs graphs. It is safe for concurrent use: any number of runs may
// share one engine, its store and its breakers.
type Engine struct {
	o Options
	// wide holds the buffers of wide steps for reuse; see [wideStep].
	wide sync.Pool
}

// NewEngine returns an engine configured by o.
func NewEngine(o Options) *Engine {
	if o.Breakers == nil {
		o.Breakers = policies.NewBreakers()
	}
	if o.Clock == nil {
		o.Clock = policies.SystemClock
	}
	if o.Durability == "" {
		o.Durability = Sync
	}
	if o.MaxConcurrency <= 0 {
		o.MaxConcurrency = 64
	}
	return &Engine{o: o}
}

// Breakers returns the engine's breaker set.
func (e *Engine) Breakers() *policies.Breakers { return e.o.Breakers }

// Store returns the engine's checkpoint store, or nil.
func (e *Engine) Store() Store { return e.o.Store }

// RunOptions configure one run. Zero values mean the graph's own settings.
type RunOptions struct {
	// Thread is the thread id; empty means a new random one. Run fails
	// when the store already holds the thread: resume it instead.
	Thread string
	// Input sets state fields before the first step, each coerced to its
	// declared type.
	Input map[string]any
	// MaxSteps overrides the graph's [Limits.MaxSteps] when not zero; a
	// negative value lifts the limit.
	MaxSteps int
	// Deadline overrides the graph's [Limits.Deadline] when not zero; a
	// negative value lifts it.
	Deadline time.Duration
	// MaxErrors overrides the graph's [Limits.MaxErrors] when not zero; a
	// negative value lifts the limit.
	MaxErrors int
	// Listeners receive this run's events, after the engine's listeners.
	Listeners []Listener
	// Chaos injects faults into the named nodes, replacing the chaos of
	// their policies.
	Chaos map[string]*policies.ChaosSpec
	// Step names the checkpoint a Resume starts from; zero means the last.
	// Naming the last one is the same as not naming it. An earlier one is
	// refused with [ErrNotLast]: going back would run finished work again.
	Step int
	// Stop, once closed, ends the run after the step under way is
	// committed, without canceling that step's tasks: the run is
	// interrupted at a checkpoint, can be resumed, and returns an error
	// that wraps [ErrStopped]. It is how a service drains: model calls in
	// flight finish and are kept. nil means the run is never stopped so.
	Stop <-chan struct{}
}

// ErrNotLast means a resume named a checkpoint that is not the thread's
// last.
var ErrNotLast = errors.New("not the last checkpoint")

// Result is the outcome of a run.
type Result struct {
	// Graph is the graph's name.
	Graph string `json:"graph"`
	// Thread is the thread id, the one given or a new random one.
	Thread string `json:"thread"`
	// Run is this run's id: random, new for every [Engine.Run] and
	// [Engine.Resume].
	Run string `json:"run"`
	// Status is Succeeded, Failed, or Running when the run was interrupted
	// and can be resumed.
	Status Status `json:"status"`
	// State is the final state.
	State State `json:"state"`
	// Steps is the number of steps the thread has completed.
	Steps int `json:"steps"`
	// Counters are the thread's totals.
	Counters Counters `json:"counters"`
	// Error is what failed a failed run.
	Error *ErrorRecord `json:"error,omitempty"`
	// Compensated lists the tasks whose compensation ran, newest first.
	Compensated []string `json:"compensated,omitempty"`
	// Handled lists, in order, how this run met its failures: each node
	// failure, retry scheduled (with its delay and why), breaker change,
	// fallback taken and compensation.
	Handled []Event `json:"handled,omitempty"`
	// Resumed says the run continued an existing thread.
	Resumed bool `json:"resumed,omitempty"`
	// Duration is the run's wall time.
	Duration time.Duration `json:"duration"`
}

// ErrThreadExists means Run was given the id of a thread the store already
// holds.
var ErrThreadExists = errors.New("thread already exists")

// Run runs g from START with a new thread. It returns the result and, when
// the run failed or was interrupted, an error: a [*RunError] for a failure.
func (e *Engine) Run(ctx context.Context, g *Graph, o RunOptions) (*Result, error) {
	r, err := e.newRunner(g, o)
	if err != nil {
		return nil, err
	}
	if o.Thread == "" {
		r.thread = newID()
	} else if err := CheckThreadID(o.Thread); err != nil {
		return nil, err
	} else if e.o.Store != nil {
		_, err := e.o.Store.Load(ctx, o.Thread)
		switch {
		case err == nil:
			return nil, fmt.Errorf("thread %s: %w (resume it, or choose another thread id)",
				o.Thread, ErrThreadExists)
		case !errors.Is(err, ErrThreadNotFound):
			return nil, fmt.Errorf("look up thread %s: %w", o.Thread, err)
		}
	}
	if err := r.init(ctx, o.Input); err != nil {
		return nil, err
	}
	return r.loop(ctx, false)
}

// Resume continues thread from its last checkpoint: tasks that finished are
// not run again; failed or interrupted tasks run again from their start.
// Resuming a thread that succeeded returns its result at once. A thread
// that failed runs again from its failed step (a redrive) when nothing it
// did was compensated; when its failure undid completed work, resuming only
// finishes the compensations a crash may have cut short, and the thread
// stays failed: start a new run instead.
func (e *Engine) Resume(ctx context.Context, g *Graph, thread string, o RunOptions) (*Result, error) {
	if e.o.Store == nil {
		return nil, ErrNoStore
	}
	if len(o.Input) > 0 {
		return nil, errors.New("resume takes no input: the thread's state comes from its checkpoints")
	}
	h, err := e.o.Store.Load(ctx, thread)
	if err != nil {
		return nil, fmt.Errorf("resume thread %s: %w", thread, err)
	}
	switch last := h.Last().Step; {
	case o.Step < 0 || o.Step > last:
		return nil, fmt.Errorf("resume thread %s from step %d: %w: its checkpoints are "+
			"steps 0 to %d; leave the step out to resume from the last", thread, o.Step,
			ErrNotLast, last)
	case o.Step != 0 && o.Step != last:
		return nil, fmt.Errorf("resume thread %s from step %d: %w (%d): a resume continues "+
			"from the last checkpoint, since going back would run finished work again; "+
			"start a new run to begin anew", thread, o.Step, ErrNotLast, last)
	}
	o.Thread = thread
	r, err := e.newRunner(g, o)
	if err != nil {
		return nil, err
	}
	if err := r.restore(h); err != nil {
		return nil, err
	}
	r.started = e.o.Clock.Now()
	if last := h.Last(); last.Status == Succeeded {
		r.status = Succeeded
		return r.result(), nil
	}
	if h.Status != nil && h.Status.Status == Failed && len(r.tasks) > 0 {
		return r.finishCompensation(ctx, h.Status)
	}
	return r.loop(ctx, true)
}

func (e *Engine) newRunner(g *Graph, o RunOptions) (*runner, error) {
	for _, b := range g.spec.Breakers {
		if err := e.o.Breakers.Declare(b); err != nil {
			return nil, fmt.Errorf("graph %s: %w", g.Name(), err)
		}
	}
	r := &runner{
		e:         e,
		g:         g,
		thread:    o.Thread,
		run:       newID(),
		limits:    g.spec.Limits,
		listeners: append(append([]Listener(nil), e.o.Listeners...), o.Listeners...),
		policies:  map[string]*policies.Policy{},
		stopCh:    o.Stop,
	}
	if o.MaxSteps != 0 {
		r.limits.MaxSteps = o.MaxSteps
	}
	if o.Deadline != 0 {
		r.limits.Deadline = o.Deadline
	}
	if o.MaxErrors != 0 {
		r.limits.MaxErrors = o.MaxErrors
	}
	for _, name := range g.order {
		n := g.nodes[name]
		var spec policies.Spec
		if n.policy != nil {
			spec = *n.policy
		}
		if c, ok := o.Chaos[name]; ok {
			spec.Chaos = c
		} else if n.policy == nil {
			continue
		}
		p, err := policies.Compile(spec, e.o.Breakers, e.o.Clock)
		if err != nil {
			return nil, fmt.Errorf("node %s: policy %s: %w", name, n.Policy, err)
		}
		r.policies[name] = p
	}
	for name := range o.Chaos {
		if _, ok := g.nodes[name]; !ok {
			return nil, fmt.Errorf("chaos names node %q, which graph %s does not have (its nodes: %s)",
				name, g.Name(), strings.Join(g.order, ", "))
		}
	}
	r.committer = newCommitter(e.o.Store, e.o.Durability)
	r.inlineSolo = e.o.Store == nil || e.o.Durability == Sync
	return r, nil
}

// ErrThreadID means a thread id has characters or a length it may not.
var ErrThreadID = errors.New("bad thread id")

// CheckThreadID reports whether id may name a thread: 1 to 128 letters,
// digits, '.', '_' or '-', not starting with '.' or '-', so that an id is
// safe in a URL, a file name or a command line.
func CheckThreadID(id string) error {
	ok := len(id) > 0 && len(id) <= 128 && id[0] != '.' && id[0] != '-'
	for _, c := range id {
		if !ok {
			break
		}
		ok = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' ||
			c == '.' || c == '_' || c == '-'
	}
	if !ok {
		return fmt.Errorf("%w %q: use 1 to 128 letters, digits, '.', '_' or '-', "+
			"not starting with '.' or '-'", ErrThreadID, id)
	}
	return nil
}

// newID returns a random 12-character hexadecimal id.
func newID() string {
	var b [6]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// State rebuilds a thread's state from its history as of its last
// checkpoint, without running anything: what a resume would start from.
func (e *Engine) State(g *Graph, thread string, h *History) (State, error) {
	if len(h.Checkpoints) == 0 {
		return nil, fmt.Errorf("thread %s: %w", thread, ErrThreadNotFound)
	}
	r, err := e.newRunner(g, RunOptions{Thread: thread})
	if err != nil {
		return nil, err
	}
	if err := r.restore(h); err != nil {
		return nil, err
	}
	return r.state, nil
}

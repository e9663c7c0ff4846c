package server

import (
	"context"
	"sync"

	"github.com/graphrun/graphrun/graph"
)

// subscriberBuffer is how many events a slow event stream may fall behind
// before the server ends it.
const subscriberBuffer = 1024

// execution is one run or resume of a thread in this process: the events
// it emitted so far, the streams following it, and its outcome. It is safe
// for concurrent use.
type execution struct {
	graph  string
	thread string

	// ctx is the run's context; cancel ends it, which interrupts the
	// run at once. stop, closed by drain, is the run's
	// [graph.RunOptions.Stop]: it ends the run at its next checkpoint.
	ctx    context.Context
	cancel context.CancelCauseFunc
	stop   chan struct{}
	// onStart is called once, on the run's goroutine, when the run has
	// started: at run_started, or when it returned a result without one.
	onStart func()

	started chan struct{} // closed at run_started, or when the run returns
	done    chan struct{} // closed when the run returns
	// startOnce calls onStart; once closes started.
	startOnce, once sync.Once

	mu     sync.Mutex
	events []graph.Event
	subs   map[chan graph.Event]struct{}
	result *graph.Result
	err    error
	// step is the step of the checkpoint this execution saved last; -1
	// before its first.
	step int
	// draining says the run was asked to stop at its next checkpoint;
	// forced that it was canceled before it reached one.
	draining, forced bool
}

func newExecution(parent context.Context, g, thread string) *execution {
	x := &execution{graph: g, thread: thread, started: make(chan struct{}),
		done: make(chan struct{}), stop: make(chan struct{}),
		subs: map[chan graph.Event]struct{}{}, step: -1}
	x.ctx, x.cancel = context.WithCancelCause(parent)
	return x
}

// listen records ev and hands it to every stream. It is a [graph.Listener].
func (x *execution) listen(ev graph.Event) {
	x.mu.Lock()
	x.events = append(x.events, ev)
	for ch := range x.subs {
		select {
		case ch <- ev:
		default: // too slow: end its stream rather than block the run
			delete(x.subs, ch)
			close(ch)
		}
	}
	if ev.Kind == graph.CheckpointSaved || ev.Kind == graph.StepDone {
		x.step = ev.Step
	}
	x.mu.Unlock()
	if ev.Kind == graph.RunStarted {
		x.markStarted()
	}
}

func (x *execution) markStarted() {
	x.callStart()
	x.closeStarted()
}

func (x *execution) callStart() {
	x.startOnce.Do(func() {
		if x.onStart != nil {
			x.onStart()
		}
	})
}

func (x *execution) closeStarted() { x.once.Do(func() { close(x.started) }) }

// drain asks the run to stop at its next checkpoint.
func (x *execution) drain() {
	x.mu.Lock()
	defer x.mu.Unlock()
	if !x.draining {
		x.draining = true
		close(x.stop)
	}
}

// interrupt cancels the run where it is.
func (x *execution) interrupt() {
	x.mu.Lock()
	x.forced = true
	x.mu.Unlock()
	x.cancel(errDrainTimeout)
}

// finish records the run's outcome and ends every stream.
func (x *execution) finish(res *graph.Result, err error) {
	x.mu.Lock()
	x.result, x.err = res, err
	for ch := range x.subs {
		close(ch)
	}
	x.subs = nil
	x.mu.Unlock()
	x.cancel(context.Canceled)
	// A run that returned a result without run_started (a resume that
	// only reported) started all the same.
	if res != nil {
		x.callStart()
	}
	// done closes first: whoever wakes at started must find the outcome.
	close(x.done)
	x.closeStarted()
}

// subscribe returns the events so far and, unless the run has returned, a
// channel of those to come, closed when the run returns.
func (x *execution) subscribe() ([]graph.Event, chan graph.Event) {
	x.mu.Lock()
	defer x.mu.Unlock()
	past := append([]graph.Event(nil), x.events...)
	if x.subs == nil {
		return past, nil
	}
	ch := make(chan graph.Event, subscriberBuffer)
	x.subs[ch] = struct{}{}
	return past, ch
}

func (x *execution) unsubscribe(ch chan graph.Event) {
	x.mu.Lock()
	defer x.mu.Unlock()
	if _, ok := x.subs[ch]; ok {
		delete(x.subs, ch)
		close(ch)
	}
}

// outcome returns the run's result and error once it has returned.
func (x *execution) outcome() (*graph.Result, error, bool) {
	select {
	case <-x.done:
	default:
		return nil, nil, false
	}
	x.mu.Lock()
	defer x.mu.Unlock()
	return x.result, x.err, true
}

// drainState reports the step of the run's last checkpoint and whether the
// drain had to cancel it.
func (x *execution) drainState() (step int, forced bool) {
	x.mu.Lock()
	defer x.mu.Unlock()
	return x.step, x.forced
}

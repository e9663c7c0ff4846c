package server

import (
	"sync"

	"github.com/graphrun/graphrun/graph"
)

// subscriberBuffer is how many events a slow event stream may fall behind
// before the server ends it.
const subscriberBuffer = 1024

// execution is one run or resume of a thread in this process: the events
// it emitted so far, the streams following it, and its outcome.
type execution struct {
	graph  string
	thread string

	started chan struct{} // closed at run_started, or when the run returns
	done    chan struct{} // closed when the run returns

	mu     sync.Mutex
	events []graph.Event
	subs   map[chan graph.Event]struct{}
	once   sync.Once
	result *graph.Result
	err    error
}

func newExecution(g, thread string) *execution {
	return &execution{graph: g, thread: thread, started: make(chan struct{}),
		done: make(chan struct{}), subs: map[chan graph.Event]struct{}{}}
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
	x.mu.Unlock()
	if ev.Kind == graph.RunStarted {
		x.markStarted()
	}
}

func (x *execution) markStarted() { x.once.Do(func() { close(x.started) }) }

// finish records the run's outcome and ends every stream.
func (x *execution) finish(res *graph.Result, err error) {
	x.mu.Lock()
	x.result, x.err = res, err
	for ch := range x.subs {
		close(ch)
	}
	x.subs = nil
	x.mu.Unlock()
	// done closes first: whoever wakes at started must find the outcome.
	close(x.done)
	x.markStarted()
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

package graph_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/graphrun/graphrun/graph"
	"github.com/graphrun/graphrun/graph/checkpoint/memory"
	"github.com/graphrun/graphrun/policies"
)

// bookThenPay books, then pays; a failed payment undoes the booking.
const bookThenPay = `
name: bookthenpay
state: {n: {type: int, reducer: add}}
nodes:
  book: {run: book, compensate: unbook}
  pay: {run: pay}
edges:
  - {from: START, to: book}
  - {from: book, to: pay}
  - {from: pay, to: END}
`

// once returns a function that fails with err the first time it runs and
// succeeds with upd afterwards.
func once(c *calls, err error, upd graph.Update) graph.Func {
	var n atomic.Int32
	return func(_ context.Context, in graph.Input) (graph.Update, error) {
		c.add(in.Node)
		if n.Add(1) == 1 {
			return nil, err
		}
		return upd, nil
	}
}

func counted(c *calls, upd graph.Update) graph.Func {
	return func(_ context.Context, in graph.Input) (graph.Update, error) {
		c.add(in.Node)
		return upd, nil
	}
}

func TestResumeAfterInterruptMatchesUninterruptedRun(t *testing.T) {
	build := func(c *calls, cancelAt int32, cancel context.CancelFunc) *graph.Graph {
		reg := graph.NewRegistry()
		var n atomic.Int32
		reg.Register("inc", "", func(ctx context.Context, in graph.Input) (graph.Update, error) {
			c.add(in.Node)
			if n.Add(1) == cancelAt {
				cancel()
				return nil, ctx.Err()
			}
			return graph.Update{"n": 1, "log": []any{in.Task}}, nil
		})
		return mustGraph(t, reg, `
name: resumable
state:
  n: {type: int, reducer: add}
  log: {type: list, reducer: append}
nodes: {inc: {run: inc}}
edges:
  - {from: START, to: inc}
  - from: inc
    switch: [{when: "n < 20", to: inc}, {to: END}]
`)
	}
	var plain calls
	want, err := graph.NewEngine(graph.Options{}).Run(context.Background(),
		build(&plain, -1, func() {}), graph.RunOptions{})
	require.NoError(t, err)

	store := memory.New()
	ctx, cancel := context.WithCancel(context.Background())
	var c calls
	g := build(&c, 8, cancel)
	e := graph.NewEngine(graph.Options{Store: store})
	res, err := e.Run(ctx, g, graph.RunOptions{Thread: "t1"})
	require.ErrorIs(t, err, context.Canceled)
	assert.Equal(t, graph.Running, res.Status)
	assert.Equal(t, 7, res.Steps)

	got, err := e.Resume(context.Background(), g, "t1", graph.RunOptions{})
	require.NoError(t, err)
	assert.Equal(t, want.State, got.State)
	assert.Equal(t, 21, c.get("inc"), "only the node in flight ran twice")
	assert.True(t, got.Resumed)

	again, err := e.Resume(context.Background(), g, "t1", graph.RunOptions{Step: 20})
	require.NoError(t, err, "resuming a finished thread from its last step returns its result")
	assert.Equal(t, want.State, again.State)
	assert.Equal(t, 21, c.get("inc"))

	for _, step := range []int{21, -1} {
		_, err = e.Resume(context.Background(), g, "t1", graph.RunOptions{Step: step})
		require.ErrorIs(t, err, graph.ErrNotLast)
		assert.ErrorContains(t, err, "its checkpoints are steps 0 to 20")
	}
	_, err = e.Resume(context.Background(), g, "t1", graph.RunOptions{Step: 5})
	assert.ErrorContains(t, err, "going back would run finished work again")

	_, err = e.Run(context.Background(), g, graph.RunOptions{Thread: "t1"})
	require.ErrorIs(t, err, graph.ErrThreadExists)
}

func TestResumeKeepsFinishedParallelSibling(t *testing.T) {
	var c calls
	reg := graph.NewRegistry()
	reg.Register("a", "", counted(&c, graph.Update{"out": []any{"a"}}))
	reg.Register("b", "", once(&c, policies.Errorf(policies.ServerError, "down"), graph.Update{"out": []any{"b"}}))
	g := mustGraph(t, reg, `
name: siblings
state: {out: {type: list, reducer: append}}
nodes: {a: {run: a}, b: {run: b}}
edges:
  - {from: START, to: [a, b]}
  - {from: a, to: END}
  - {from: b, to: END}
`)
	e := graph.NewEngine(graph.Options{Store: memory.New()})
	res, err := e.Run(context.Background(), g, graph.RunOptions{Thread: "s"})
	require.Error(t, err)
	assert.Equal(t, graph.Failed, res.Status)

	res, err = e.Resume(context.Background(), g, "s", graph.RunOptions{})
	require.NoError(t, err)
	assert.Equal(t, []any{"a", "b"}, res.State["out"], "writes merge in schedule order")
	assert.Equal(t, 1, c.get("a"), "the sibling that finished keeps its result")
	assert.Equal(t, 2, c.get("b"), "the failed task runs again")
}

func TestResumeDoesNotRerunCompletedFallback(t *testing.T) {
	var c calls
	reg := graph.NewRegistry()
	reg.Register("x", "", counted(&c, nil))
	reg.Register("flaky", "", func(_ context.Context, in graph.Input) (graph.Update, error) {
		c.add(in.Node)
		return nil, policies.Errorf(policies.Quota, "no credit")
	})
	reg.Register("rescue", "", counted(&c, graph.Update{"out": []any{"rescued"}}))
	reg.Register("y", "", once(&c, policies.Errorf(policies.Auth, "bad key"), graph.Update{"out": []any{"y"}}))
	g := mustGraph(t, reg, `
name: fallbackresume
state: {out: {type: list, reducer: append}}
policies:
  p: {fallback: [{on: [quota], to: rescue}]}
nodes:
  x: {run: x}
  flaky: {run: flaky, policy: p}
  y: {run: y}
  rescue: {run: rescue}
edges:
  - {from: START, to: x}
  - {from: x, to: [flaky, y]}
  - {from: flaky, to: END}
  - {from: y, to: END}
  - {from: rescue, to: END}
`)
	e := graph.NewEngine(graph.Options{Store: memory.New()})
	_, err := e.Run(context.Background(), g, graph.RunOptions{Thread: "f"})
	var re *graph.RunError
	require.ErrorAs(t, err, &re)
	assert.Equal(t, "auth", re.Class)

	res, err := e.Resume(context.Background(), g, "f", graph.RunOptions{})
	require.NoError(t, err)
	assert.Equal(t, 1, c.get("flaky"), "the failure handled by a fallback is not met again")
	assert.Equal(t, 1, c.get("rescue"))
	assert.Equal(t, 1, c.get("x"))
	assert.Equal(t, 2, c.get("y"))
	assert.ElementsMatch(t, []any{"y", "rescued"}, res.State["out"])
	assert.Equal(t, "quota", res.State["last_error"].(map[string]any)["class"])
}

func TestNodeThatWroteAndFailedRoutingRerunsAndRoutesOnce(t *testing.T) {
	var c calls
	reg := graph.NewRegistry()
	var n atomic.Int32
	reg.Register("write", "", func(_ context.Context, in graph.Input) (graph.Update, error) {
		c.add(in.Node)
		return graph.Update{"n": 1, "mode": map[int32]string{1: "broken"}[n.Add(1)]}, nil
	})
	reg.Register("next", "", counted(&c, graph.Update{"n": 10}))
	g := mustGraph(t, reg, `
name: routefail
state:
  n: {type: int, reducer: add}
  mode: string
nodes: {write: {run: write}, next: {run: next}}
edges:
  - {from: START, to: write}
  - from: write
    switch: [{when: "mode != 'broken'", to: next}]
  - {from: next, to: END}
`)
	e := graph.NewEngine(graph.Options{Store: memory.New()})
	res, err := e.Run(context.Background(), g, graph.RunOptions{Thread: "r"})
	var rerr *graph.RouteError
	require.ErrorAs(t, err, &rerr)
	assert.Equal(t, 0, res.State["n"], "the failed attempt left nothing behind")

	res, err = e.Resume(context.Background(), g, "r", graph.RunOptions{})
	require.NoError(t, err)
	assert.Equal(t, 11, res.State["n"], "written once, routed once")
	assert.Equal(t, 2, c.get("write"))
	assert.Equal(t, 1, c.get("next"))
}

func TestCompensationNeverRunsTwice(t *testing.T) {
	var c calls
	reg := graph.NewRegistry()
	reg.Register("book", "", counted(&c, nil))
	reg.Register("unbook", "", func(context.Context, graph.Input) (graph.Update, error) {
		c.add("unbook")
		return nil, nil
	})
	reg.Register("pay", "", func(_ context.Context, in graph.Input) (graph.Update, error) {
		c.add(in.Node)
		return nil, policies.Errorf(policies.Quota, "declined")
	})
	g := mustGraph(t, reg, bookThenPay)
	store := memory.New()
	e := graph.NewEngine(graph.Options{Store: store})
	_, err := e.Run(context.Background(), g, graph.RunOptions{Thread: "c"})
	require.Error(t, err)
	assert.Equal(t, 1, c.get("unbook"))

	h, err := store.Load(context.Background(), "c")
	require.NoError(t, err)
	require.NotNil(t, h.Status)
	assert.Equal(t, graph.Failed, h.Status.Status)
	assert.Equal(t, []string{"1:book"}, h.Status.Compensated)

	res, err := e.Resume(context.Background(), g, "c", graph.RunOptions{})
	require.ErrorIs(t, err, graph.ErrCompensated)
	assert.Equal(t, 1, c.get("pay"), "a compensated thread does not go forward")
	assert.Equal(t, 1, c.get("unbook"), "a completed compensation never runs twice")
	assert.Equal(t, []string{"1:book"}, res.Compensated)
	assert.Equal(t, graph.Failed, res.Status)
}

func TestCorruptCheckpointFailsLoudly(t *testing.T) {
	reg := graph.NewRegistry()
	reg.Register("inc", "", set("n", 1))
	g := mustGraph(t, reg, loopGraph)
	store := memory.New()
	ctx := context.Background()
	require.NoError(t, store.Commit(ctx, &graph.Checkpoint{Thread: "bad", Graph: "loop", Step: 0,
		Status: graph.Running, Writes: []graph.Write{{Field: "n", Value: "seven"}},
		Next: []graph.Task{{ID: "1:inc", Node: "inc"}}, Time: time.Now()}))
	_, err := graph.NewEngine(graph.Options{Store: store}).Resume(ctx, g, "bad", graph.RunOptions{})
	var ce *graph.CorruptError
	require.True(t, errors.As(err, &ce), "got %v", err)
	assert.Equal(t, 0, ce.Step)
}

func TestDeferredNodeWaitsForUnevenBranches(t *testing.T) {
	var c calls
	reg := graph.NewRegistry()
	reg.Register("fan", "", set("items", []any{1, 2, 3}))
	reg.Register("work", "", func(_ context.Context, in graph.Input) (graph.Update, error) {
		if in.Item == 2.0 {
			return nil, policies.Errorf(policies.ServerError, "down")
		}
		return graph.Update{"out": []any{in.Item}}, nil
	})
	reg.Register("slow", "", func(_ context.Context, in graph.Input) (graph.Update, error) {
		return graph.Update{"out": []any{"slow"}}, nil
	})
	reg.Register("join", "", func(_ context.Context, in graph.Input) (graph.Update, error) {
		c.add(in.Node)
		return graph.Update{"joined": len(in.State["out"].([]any))}, nil
	})
	g := mustGraph(t, reg, `
name: deferred
state:
  items: list
  out: {type: list, reducer: append}
  joined: int
policies:
  p: {fallback: [{on: [any], to: slow}]}
nodes:
  fan: {run: fan}
  work: {run: work, policy: p}
  slow: {run: slow}
  join: {run: join, defer: true}
edges:
  - {from: START, to: fan}
  - {from: fan, map: {over: items, to: work}}
  - {from: work, to: join}
  - {from: slow, to: join}
  - {from: join, to: END}
`)
	res, err := graph.NewEngine(graph.Options{}).Run(context.Background(), g, graph.RunOptions{})
	require.NoError(t, err)
	assert.Equal(t, 1, c.get("join"), "the join runs once, after the fallback branch")
	assert.Equal(t, 3, res.State["joined"])
}

// failingStore fails every commit after the first few.
type failingStore struct {
	graph.Store
	commits, failAfter int
}

func (s *failingStore) Commit(ctx context.Context, cp *graph.Checkpoint) error {
	if s.commits++; s.commits > s.failAfter {
		return errors.New("disk full")
	}
	return s.Store.Commit(ctx, cp)
}

func TestCheckpointWriteFailureLeavesThreadResumable(t *testing.T) {
	var c calls
	reg := graph.NewRegistry()
	reg.Register("book", "", counted(&c, graph.Update{"n": 1}))
	reg.Register("unbook", "", func(context.Context, graph.Input) (graph.Update, error) {
		c.add("unbook")
		return nil, nil
	})
	reg.Register("pay", "", counted(&c, graph.Update{"n": 1}))
	g := mustGraph(t, reg, bookThenPay)
	mem := memory.New()
	store := &failingStore{Store: mem, failAfter: 2}
	res, err := graph.NewEngine(graph.Options{Store: store}).Run(context.Background(), g,
		graph.RunOptions{Thread: "d"})
	var re *graph.RunError
	require.ErrorAs(t, err, &re)
	assert.Equal(t, "storage", re.Class)
	assert.Equal(t, graph.Running, res.Status, "a failed checkpoint write is not a failed run")
	assert.Zero(t, c.get("unbook"), "nothing is compensated")

	res, err = graph.NewEngine(graph.Options{Store: mem}).Resume(context.Background(), g, "d", graph.RunOptions{})
	require.NoError(t, err)
	assert.Equal(t, 2, res.State["n"])
	assert.Equal(t, 1, c.get("book"))
	assert.Equal(t, 2, c.get("pay"), "only the step whose checkpoint was lost runs again")
}

func TestResumeFromANamedCheckpoint(t *testing.T) {
	var c calls
	reg := graph.NewRegistry()
	var n atomic.Int32
	ctx, cancel := context.WithCancel(context.Background())
	reg.Register("inc", "", func(ctx context.Context, in graph.Input) (graph.Update, error) {
		c.add(in.Node)
		if n.Add(1) == 4 {
			cancel()
			return nil, ctx.Err()
		}
		return graph.Update{"n": 1}, nil
	})
	g := mustGraph(t, reg, loopGraph)
	e := graph.NewEngine(graph.Options{Store: memory.New()})
	_, err := e.Run(ctx, g, graph.RunOptions{Thread: "s", MaxSteps: 2000})
	require.ErrorIs(t, err, context.Canceled)

	_, err = e.Resume(context.Background(), g, "s", graph.RunOptions{Step: 1})
	require.ErrorIs(t, err, graph.ErrNotLast, "an earlier checkpoint is refused")
	assert.Contains(t, err.Error(), "start a new run")
	assert.Equal(t, 4, c.get("inc"), "the refusal ran nothing")

	res, err := e.Resume(context.Background(), g, "s", graph.RunOptions{Step: 3})
	require.NoError(t, err, "the last checkpoint named is a plain resume")
	assert.Equal(t, 1000, res.State["n"])
}

func TestStopEndsARunAtTheNextCheckpoint(t *testing.T) {
	reg := graph.NewRegistry()
	stop := make(chan struct{})
	var calls atomic.Int32
	reg.Register("work", "", func(ctx context.Context, in graph.Input) (graph.Update, error) {
		calls.Add(1)
		if in.Step == 2 && in.Index == 0 {
			close(stop) // the service starts draining while the step's tasks run
		}
		if err := ctx.Err(); err != nil {
			return nil, fmt.Errorf("a stop must not cancel the step's tasks: %w", err)
		}
		return graph.Update{"out": in.Item}, nil
	})
	reg.Register("split", "", set("items", []any{1, 2, 3}))
	reg.Register("join", "", func(_ context.Context, in graph.Input) (graph.Update, error) {
		return graph.Update{"joined": len(in.State["out"].([]any))}, nil
	})
	g := mustGraph(t, reg, w2Graph)
	store := memory.New()
	e := graph.NewEngine(graph.Options{Store: store})
	res, err := e.Run(context.Background(), g, graph.RunOptions{Thread: "d", Stop: stop})
	require.ErrorIs(t, err, graph.ErrStopped)
	assert.Contains(t, err.Error(), "run d interrupted at step 3")
	assert.Equal(t, graph.Running, res.Status)
	assert.Equal(t, 2, res.Steps, "the step under way was committed")
	assert.Equal(t, int32(3), calls.Load())

	res, err = e.Resume(context.Background(), g, "d", graph.RunOptions{})
	require.NoError(t, err)
	assert.Equal(t, 3, res.State["joined"])
	assert.Equal(t, int32(3), calls.Load(), "no task of the committed step ran again")
}

func TestAnInterruptSaysWhyTheCallerStopped(t *testing.T) {
	reg := graph.NewRegistry()
	why := errors.New("the service is shutting down")
	ctx, cancel := context.WithCancelCause(context.Background())
	reg.Register("inc", "", func(context.Context, graph.Input) (graph.Update, error) {
		cancel(why)
		return graph.Update{"n": 1}, nil
	})
	g := mustGraph(t, reg, loopGraph)
	var finished graph.Event
	res, err := graph.NewEngine(graph.Options{Store: memory.New()}).Run(ctx, g, graph.RunOptions{
		Listeners: []graph.Listener{func(ev graph.Event) {
			if ev.Kind == graph.RunFinished {
				finished = ev
			}
		}},
	})
	require.ErrorIs(t, err, context.Canceled)
	require.ErrorIs(t, err, why)
	assert.Equal(t, graph.Running, res.Status)
	assert.Equal(t, "context canceled: the service is shutting down", finished.Error)
}

func TestAResumedStepCountsTheAttemptsOfTasksItKept(t *testing.T) {
	reg := graph.NewRegistry()
	ctx, interrupt := context.WithCancel(context.Background())
	var calls atomic.Int32
	reg.Register("split", "", set("items", []any{0, 1, 2, 3}))
	reg.Register("work", "", func(actx context.Context, in graph.Input) (graph.Update, error) {
		calls.Add(1)
		if in.Index == 2 && ctx.Err() == nil {
			interrupt() // the caller stops the run once two tasks are recorded
			return nil, actx.Err()
		}
		return graph.Update{"out": in.Item}, nil
	})
	reg.Register("join", "", set("joined", 1))
	g := mustGraph(t, reg, w2Graph)
	e := graph.NewEngine(graph.Options{Store: memory.New(), MaxConcurrency: 1})
	_, err := e.Run(ctx, g, graph.RunOptions{Thread: "kept"})
	require.ErrorIs(t, err, context.Canceled)

	res, err := e.Resume(context.Background(), g, "kept", graph.RunOptions{})
	require.NoError(t, err)
	assert.Equal(t, int32(5), calls.Load(), "tasks 0 and 1 ran once, task 2 twice, task 3 once")
	assert.Equal(t, []any{0.0, 1.0, 2.0, 3.0}, res.State["out"])
	assert.Equal(t, 6, res.Counters.Attempts,
		"split, the four tasks of the fan-out each counted once, and join")
}

func TestTwoRunsOfOneThreadAreToldApart(t *testing.T) {
	reg := graph.NewRegistry()
	release := make(chan struct{})
	entered := make(chan struct{}, 1)
	var first atomic.Bool
	reg.Register("inc", "", func(_ context.Context, in graph.Input) (graph.Update, error) {
		if in.Step == 2 && first.CompareAndSwap(false, true) {
			entered <- struct{}{}
			<-release // the slow process holds its step until the other is done
		}
		return graph.Update{"n": 1}, nil
	})
	g := mustGraph(t, reg, strings.Replace(loopGraph, "n < 1000", "n < 3", 1))
	store := memory.New()
	_, err := graph.NewEngine(graph.Options{Store: store}).Run(context.Background(), g,
		graph.RunOptions{Thread: "twice", MaxSteps: 1})
	require.Error(t, err, "the first run stops after its first step")

	slow := make(chan error, 1)
	go func() {
		_, err := graph.NewEngine(graph.Options{Store: store}).Resume(context.Background(), g,
			"twice", graph.RunOptions{})
		slow <- err
	}()
	<-entered
	_, err = graph.NewEngine(graph.Options{Store: store}).Resume(context.Background(), g,
		"twice", graph.RunOptions{})
	require.NoError(t, err, "the quick process finishes the thread")
	close(release)
	err = <-slow
	require.ErrorIs(t, err, graph.ErrConflict)
	assert.ErrorContains(t, err, "two processes are running the thread")
}

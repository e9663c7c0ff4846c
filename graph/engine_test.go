package graph_test

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/graphrun/graphrun/graph"
	"github.com/graphrun/graphrun/graph/checkpoint/memory"
	"github.com/graphrun/graphrun/policies"
)

// mustGraph parses and compiles a graph written inline.
func mustGraph(t testing.TB, reg *graph.Registry, src string) *graph.Graph {
	t.Helper()
	spec, err := graph.Parse([]byte(src), t.Name()+".yaml")
	require.NoError(t, err)
	g, err := graph.Compile(spec, reg)
	require.NoError(t, err)
	return g
}

// calls counts how often each node ran.
type calls struct {
	mu sync.Mutex
	n  map[string]int
}

func (c *calls) add(node string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.n == nil {
		c.n = map[string]int{}
	}
	c.n[node]++
}

func (c *calls) get(node string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.n[node]
}

func set(field string, v any) graph.Func {
	return func(context.Context, graph.Input) (graph.Update, error) {
		return graph.Update{field: v}, nil
	}
}

func TestRunLinearGraph(t *testing.T) {
	reg := graph.NewRegistry()
	reg.Register("greet", "", func(_ context.Context, in graph.Input) (graph.Update, error) {
		return graph.Update{"greeting": "hello " + in.State["name"].(string)}, nil
	})
	reg.Register("count", "", set("n", 3))
	g := mustGraph(t, reg, `
name: linear
state:
  name: string
  greeting: string
  n: {type: int, reducer: add, default: 1}
nodes:
  greet: {run: greet}
  count: {run: count}
edges:
  - {from: START, to: greet}
  - {from: greet, to: count}
  - {from: count, to: END}
`)
	res, err := graph.NewEngine(graph.Options{}).Run(context.Background(), g,
		graph.RunOptions{Input: map[string]any{"name": "ada"}})
	require.NoError(t, err)
	assert.Equal(t, graph.Succeeded, res.Status)
	assert.Equal(t, "hello ada", res.State["greeting"])
	assert.Equal(t, 4, res.State["n"])
	assert.Equal(t, 2, res.Steps)
}

const loopGraph = `
name: loop
state:
  n: {type: int, reducer: add}
nodes:
  inc: {run: inc}
edges:
  - {from: START, to: inc}
  - from: inc
    switch:
      - {when: "n < 1000", to: inc}
      - {to: END}
`

func TestMaxStepsBoundaryIsExact(t *testing.T) {
	reg := graph.NewRegistry()
	reg.Register("inc", "", set("n", 1))
	g := mustGraph(t, reg, loopGraph)
	e := graph.NewEngine(graph.Options{})

	t.Run("a run that needs exactly max_steps steps succeeds", func(t *testing.T) {
		res, err := e.Run(context.Background(), g, graph.RunOptions{MaxSteps: 1000})
		require.NoError(t, err)
		assert.Equal(t, 1000, res.State["n"])
		assert.Equal(t, 1000, res.Steps)
	})
	t.Run("a run that needs one step more fails with a limit error", func(t *testing.T) {
		res, err := e.Run(context.Background(), g, graph.RunOptions{MaxSteps: 999})
		var le *graph.LimitError
		require.ErrorAs(t, err, &le)
		assert.Equal(t, "max_steps", le.Limit)
		assert.Equal(t, graph.Failed, res.Status)
		assert.Equal(t, 999, res.Steps)
		assert.Equal(t, "limit", res.Error.Class)
	})
}

func TestMapFanOutMergesInTaskOrder(t *testing.T) {
	reg := graph.NewRegistry()
	reg.Register("split", "", func(context.Context, graph.Input) (graph.Update, error) {
		items := make([]any, 100)
		for i := range items {
			items[i] = i
		}
		return graph.Update{"items": items}, nil
	})
	reg.Register("work", "", func(_ context.Context, in graph.Input) (graph.Update, error) {
		return graph.Update{"out": []any{fmt.Sprintf("item-%v", in.Item)}}, nil
	})
	reg.Register("join", "", func(_ context.Context, in graph.Input) (graph.Update, error) {
		return graph.Update{"joined": len(in.State["out"].([]any))}, nil
	})
	g := mustGraph(t, reg, `
name: fanout
state:
  items: list
  out: {type: list, reducer: append}
  joined: int
nodes:
  split: {run: split}
  work: {run: work}
  join: {run: join}
edges:
  - {from: START, to: split}
  - from: split
    map: {over: items, to: work, concurrency: 7}
  - {from: work, to: join}
  - {from: join, to: END}
`)
	var lists []map[string]int
	res, err := graph.NewEngine(graph.Options{Listeners: []graph.Listener{func(ev graph.Event) {
		if ev.Kind == graph.StepDone {
			lists = append(lists, ev.Lists)
		}
	}}}).Run(context.Background(), g, graph.RunOptions{})
	require.NoError(t, err)
	assert.Equal(t, []map[string]int{{"items": 100, "out": 0}, {"items": 100, "out": 100},
		{"items": 100, "out": 100}}, lists, "step_done reports the list lengths")
	out := res.State["out"].([]any)
	require.Len(t, out, 100)
	for i, v := range out {
		assert.Equal(t, fmt.Sprintf("item-%d", i), v)
	}
	assert.Equal(t, 100, res.State["joined"], "join runs once, after every task")
	assert.Equal(t, 3, res.Steps)
}

func TestStepFailures(t *testing.T) {
	reg := graph.NewRegistry()
	reg.Register("a", "", set("x", "from a"))
	reg.Register("b", "", set("x", "from b"))
	reg.Register("bad", "", set("n", "not a number"))
	reg.Register("ghost", "", set("nope", 1))
	reg.Register("bump", "", set("n", 5))

	cases := []struct {
		name  string
		src   string
		class string
		check func(t *testing.T, err error)
	}{
		{
			name: "two parallel writes to a replace field are a conflict",
			src: `
name: conflict
state: {x: string}
nodes: {a: {run: a}, b: {run: b}}
edges:
  - {from: START, to: [a, b]}
  - {from: a, to: END}
  - {from: b, to: END}
`,
			class: "conflict",
			check: func(t *testing.T, err error) {
				var ce *graph.ConflictError
				require.ErrorAs(t, err, &ce)
				assert.Equal(t, "x", ce.Field)
			},
		},
		{
			name: "a value of the wrong type names the node and field",
			src: `
name: types
state: {n: int}
nodes: {bad: {run: bad}}
edges: [{from: START, to: bad}, {from: bad, to: END}]
`,
			class: "invalid_update",
			check: func(t *testing.T, err error) {
				var ue *graph.UpdateError
				require.ErrorAs(t, err, &ue)
				assert.Equal(t, "bad", ue.Node)
				assert.Equal(t, "n", ue.Field)
				assert.Contains(t, ue.Error(), `want int, got string "not a number"`)
			},
		},
		{
			name: "an undeclared field is refused",
			src: `
name: undeclared
state: {n: int}
nodes: {ghost: {run: ghost}}
edges: [{from: START, to: ghost}, {from: ghost, to: END}]
`,
			class: "invalid_update",
			check: func(t *testing.T, err error) {
				var ue *graph.UpdateError
				require.ErrorAs(t, err, &ue)
				assert.Equal(t, "nope", ue.Field)
			},
		},
		{
			name: "a switch with no match and no default fails its node",
			src: `
name: noroute
state: {n: int}
nodes: {bump: {run: bump}}
edges:
  - {from: START, to: bump}
  - from: bump
    switch:
      - {when: "n > 100", to: END}
`,
			class: "no_route",
			check: func(t *testing.T, err error) {
				var re *graph.RouteError
				require.ErrorAs(t, err, &re)
				assert.Equal(t, "bump", re.Node)
			},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			g := mustGraph(t, reg, tc.src)
			res, err := graph.NewEngine(graph.Options{}).Run(context.Background(), g, graph.RunOptions{})
			require.Error(t, err)
			tc.check(t, err)
			assert.Equal(t, graph.Failed, res.Status)
			assert.Equal(t, tc.class, res.Error.Class)
			if n, ok := res.State["n"]; ok {
				assert.Equal(t, 0, n, "a failed node contributes no writes")
			}
		})
	}
}

func TestFallbackRouteHandlesFailure(t *testing.T) {
	reg := graph.NewRegistry()
	reg.Register("call", "", func(context.Context, graph.Input) (graph.Update, error) {
		return graph.Update{"answer": "never"}, policies.Errorf(policies.Quota, "out of credit")
	})
	var seen *graph.ErrorRecord
	reg.Register("offline", "", func(_ context.Context, in graph.Input) (graph.Update, error) {
		seen = in.Error
		return graph.Update{"answer": "offline " + in.State["last_error"].(map[string]any)["class"].(string)}, nil
	})
	g := mustGraph(t, reg, `
name: fallback
state: {answer: string}
policies:
  model:
    retry: {max_attempts: 3, initial_interval: 1ms}
    fallback:
      - {on: [rate_limit], to: END_never}
      - {on: [any], to: offline}
nodes:
  call: {run: call, policy: model}
  offline: {run: offline}
  END_never: {run: offline}
edges:
  - {from: START, to: call}
  - {from: call, to: END}
  - {from: offline, to: END}
  - {from: END_never, to: END}
`)
	var events []graph.Event
	e := graph.NewEngine(graph.Options{Listeners: []graph.Listener{func(ev graph.Event) {
		events = append(events, ev)
	}}})
	res, err := e.Run(context.Background(), g, graph.RunOptions{})
	require.NoError(t, err, "a handled failure is a successful run")
	assert.Equal(t, graph.Succeeded, res.Status)
	assert.Equal(t, "offline quota", res.State["answer"])
	require.NotNil(t, seen)
	assert.Equal(t, "quota", seen.Class)
	assert.Equal(t, "call", seen.Node)
	assert.Equal(t, 1, seen.Attempts, "quota is not retried")
	assert.Equal(t, 1, res.Counters.Fallbacks)
	var kinds []graph.EventKind
	for _, ev := range events {
		kinds = append(kinds, ev.Kind)
	}
	assert.Contains(t, kinds, graph.FallbackTaken)
	assert.Equal(t, graph.RunFinished, kinds[len(kinds)-1])
}

func TestCompensationsRunNewestFirstOnFailure(t *testing.T) {
	reg := graph.NewRegistry()
	var mu sync.Mutex
	var undone []string
	undo := func(_ context.Context, in graph.Input) (graph.Update, error) {
		mu.Lock()
		defer mu.Unlock()
		undone = append(undone, in.Node)
		return nil, nil
	}
	reg.Register("reserve", "", set("n", 1))
	reg.Register("unreserve", "", undo)
	reg.Register("charge", "", set("n", 1))
	reg.Register("refund", "", undo)
	reg.Register("ship", "", func(context.Context, graph.Input) (graph.Update, error) {
		return nil, policies.Errorf(policies.ServerError, "warehouse down")
	})
	g := mustGraph(t, reg, `
name: saga
state: {n: {type: int, reducer: add}}
nodes:
  reserve: {run: reserve, compensate: unreserve}
  charge: {run: charge, compensate: refund}
  ship: {run: ship}
edges:
  - {from: START, to: reserve}
  - {from: reserve, to: charge}
  - {from: charge, to: ship}
  - {from: ship, to: END}
`)
	res, err := graph.NewEngine(graph.Options{}).Run(context.Background(), g, graph.RunOptions{})
	var re *graph.RunError
	require.ErrorAs(t, err, &re)
	assert.Equal(t, "server_error", re.Class)
	assert.Equal(t, "ship", re.Node)
	assert.Equal(t, []string{"charge", "reserve"}, undone)
	assert.Equal(t, []string{"2:charge", "1:reserve"}, res.Compensated)
	assert.Equal(t, "ship", res.Error.Node)
}

func TestMaxErrorsBoundary(t *testing.T) {
	reg := graph.NewRegistry()
	reg.Register("flaky", "", func(context.Context, graph.Input) (graph.Update, error) {
		return nil, policies.Errorf(policies.ServerError, "down")
	})
	reg.Register("again", "", set("tries", 1))
	g := mustGraph(t, reg, `
name: maxerrors
state: {tries: {type: int, reducer: add}}
policies:
  p: {fallback: [{on: [any], to: again}]}
nodes:
  flaky: {run: flaky, policy: p}
  again: {run: again}
edges:
  - {from: START, to: flaky}
  - {from: flaky, to: END}
  - from: again
    switch:
      - {when: "tries < 10", to: flaky}
      - {to: END}
`)
	e := graph.NewEngine(graph.Options{})
	res, err := e.Run(context.Background(), g, graph.RunOptions{MaxErrors: 3})
	var le *graph.LimitError
	require.ErrorAs(t, err, &le)
	assert.Equal(t, "max_errors", le.Limit)
	assert.Equal(t, 3, res.Counters.Fallbacks, "three failures are handled, the fourth fails the run")
	assert.Equal(t, 3, res.State["tries"])

	res, err = e.Run(context.Background(), g, graph.RunOptions{MaxErrors: 10})
	require.NoError(t, err)
	assert.Equal(t, 10, res.State["tries"])
}

func TestCancelInterruptsWithoutFailing(t *testing.T) {
	reg := graph.NewRegistry()
	ctx, cancel := context.WithCancel(context.Background())
	var steps atomic.Int32
	reg.Register("inc", "", func(ctx context.Context, in graph.Input) (graph.Update, error) {
		if steps.Add(1) == 5 {
			cancel()
			<-ctx.Done()
			return nil, ctx.Err()
		}
		return graph.Update{"n": 1}, nil
	})
	reg.Register("undo", "", func(context.Context, graph.Input) (graph.Update, error) {
		t.Error("an interrupted run must not compensate")
		return nil, nil
	})
	g := mustGraph(t, reg, `
name: cancel
state: {n: {type: int, reducer: add}}
nodes: {inc: {run: inc, compensate: undo}}
edges:
  - {from: START, to: inc}
  - from: inc
    switch: [{when: "n < 10", to: inc}, {to: END}]
`)
	res, err := graph.NewEngine(graph.Options{}).Run(ctx, g, graph.RunOptions{})
	require.ErrorIs(t, err, context.Canceled)
	assert.Equal(t, graph.Running, res.Status)
	assert.Equal(t, 4, res.State["n"])
	assert.Equal(t, 4, res.Steps)
}

func TestEventsReachEverySubscriberInOrder(t *testing.T) {
	reg := graph.NewRegistry()
	reg.Register("inc", "", set("n", 1))
	g := mustGraph(t, reg, loopGraph)
	var a, b []graph.EventKind
	e := graph.NewEngine(graph.Options{Listeners: []graph.Listener{
		func(ev graph.Event) { a = append(a, ev.Kind) },
	}})
	_, err := e.Run(context.Background(), g, graph.RunOptions{
		Input:     map[string]any{"n": 998},
		Listeners: []graph.Listener{func(ev graph.Event) { b = append(b, ev.Kind) }},
	})
	require.NoError(t, err)
	want := []graph.EventKind{
		graph.RunStarted,
		graph.StepStarted, graph.NodeStarted, graph.NodeSucceeded, graph.StepDone,
		graph.StepStarted, graph.NodeStarted, graph.NodeSucceeded, graph.StepDone,
		graph.RunFinished,
	}
	assert.Equal(t, want, a)
	assert.Equal(t, want, b)
}

func TestInputIsCoercedToDeclaredTypes(t *testing.T) {
	reg := graph.NewRegistry()
	reg.Register("inc", "", set("n", 1))
	g := mustGraph(t, reg, loopGraph)
	e := graph.NewEngine(graph.Options{})

	res, err := e.Run(context.Background(), g, graph.RunOptions{Input: map[string]any{"n": 990.0}})
	require.NoError(t, err)
	assert.Equal(t, 1000, res.State["n"])

	_, err = e.Run(context.Background(), g, graph.RunOptions{Input: map[string]any{"n": 1.5}})
	var ie *graph.InputError
	require.ErrorAs(t, err, &ie)
	assert.Equal(t, "n", ie.Field)

	_, err = e.Run(context.Background(), g, graph.RunOptions{Input: map[string]any{"m": 1}})
	require.ErrorAs(t, err, &ie)
	assert.Contains(t, err.Error(), "the inputs are: n")
}

func TestOnlyInputFieldsCanBeSetByARunsInput(t *testing.T) {
	reg := graph.NewRegistry()
	reg.Register("work", "", set("questions", "made by the graph"))
	g := mustGraph(t, reg, `
name: inputs
input: [document, target]
state:
  document: {type: string, required: true}
  target: {type: int, default: 3}
  questions: {type: list, reducer: append}
nodes: {work: {run: work}}
edges:
  - {from: START, to: work}
  - {from: work, to: END}
`)
	assert.True(t, g.IsInput("document"))
	assert.False(t, g.IsInput("questions"), "work fields are not inputs")
	assert.False(t, g.IsInput(graph.LastError))
	assert.False(t, g.IsInput("nosuch"))
	var names []string
	for _, f := range g.Inputs() {
		names = append(names, f.Name)
	}
	assert.Equal(t, []string{"document", "target"}, names)

	cases := []struct {
		name  string
		input map[string]any
		field string
		msg   string
	}{
		{"a work field is refused", map[string]any{"document": "a.md", "questions": []any{"x"}},
			"questions", "input field questions: is the graph's own work, not an input (the inputs are: document, target)"},
		{"an undeclared field is refused", map[string]any{"document": "a.md", "nosuch": 1},
			"nosuch", "input field nosuch: the graph declares no such state field (the inputs are: document, target)"},
		{"last_error is refused", map[string]any{"document": "a.md", "last_error": map[string]any{}},
			"last_error", "is written by the engine when a fallback route catches a failure"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			store := memory.New()
			_, err := graph.NewEngine(graph.Options{Store: store}).Run(context.Background(), g,
				graph.RunOptions{Thread: "refused", Input: tc.input})
			var ie *graph.InputError
			require.ErrorAs(t, err, &ie)
			assert.Equal(t, tc.field, ie.Field)
			assert.Contains(t, err.Error(), tc.msg)
			_, err = store.Load(context.Background(), "refused")
			assert.Error(t, err, "a refused input leaves no thread")
		})
	}

	res, err := graph.NewEngine(graph.Options{}).Run(context.Background(), g,
		graph.RunOptions{Input: map[string]any{"document": "a.md", "target": 5}})
	require.NoError(t, err)
	assert.Equal(t, []any{"made by the graph"}, res.State["questions"])
	assert.Equal(t, 5, res.State["target"])
}

func TestEachResumeGetsANewDeadline(t *testing.T) {
	const deadline = 300 * time.Millisecond
	reg := graph.NewRegistry()
	ctx, interrupt := context.WithCancel(context.Background())
	reg.Register("inc", "", func(_ context.Context, in graph.Input) (graph.Update, error) {
		if in.Step == 1 {
			interrupt() // the caller stops the run after its first step
		}
		return graph.Update{"n": 1}, nil
	})
	g := mustGraph(t, reg, strings.Replace(loopGraph, "name: loop", "name: loop\nlimits: {deadline: 300ms}", 1))
	e := graph.NewEngine(graph.Options{Store: memory.New()})
	started := time.Now()
	res, err := e.Run(ctx, g, graph.RunOptions{Thread: "t"})
	require.ErrorIs(t, err, context.Canceled)
	assert.Equal(t, graph.Running, res.Status)

	// Once the first run's deadline has passed, a resume still has its own.
	<-time.After(time.Until(started.Add(deadline + 50*time.Millisecond)))
	res, err = e.Resume(context.Background(), g, "t", graph.RunOptions{})
	require.NoError(t, err)
	assert.Equal(t, graph.Succeeded, res.Status)
	assert.Equal(t, 1000, res.State["n"])
}

func TestParallelNodesOfOneStepRunConcurrently(t *testing.T) {
	reg := graph.NewRegistry()
	started := make(chan string, 3)
	release := make(chan struct{})
	for _, name := range []string{"a", "b", "c"} {
		reg.Register(name, "", func(_ context.Context, in graph.Input) (graph.Update, error) {
			started <- in.Node
			<-release
			return graph.Update{"seen": []any{in.Node}}, nil
		})
	}
	g := mustGraph(t, reg, `
name: parallel
state: {seen: {type: list, reducer: append}}
nodes: {a: {run: a}, b: {run: b}, c: {run: c}}
edges:
  - {from: START, to: [c, a, b]}
  - {from: a, to: END}
  - {from: b, to: END}
  - {from: c, to: END}
`)
	done := make(chan *graph.Result)
	go func() {
		res, err := graph.NewEngine(graph.Options{}).Run(context.Background(), g, graph.RunOptions{})
		assert.NoError(t, err)
		done <- res
	}()
	var got []string
	for range 3 {
		got = append(got, <-started)
	}
	close(release)
	res := <-done
	sort.Strings(got)
	assert.Equal(t, []string{"a", "b", "c"}, got, "all three started before any finished")
	assert.Equal(t, []any{"c", "a", "b"}, res.State["seen"], "writes merge in schedule order")
}

func TestBadChaosNodeIsRefused(t *testing.T) {
	reg := graph.NewRegistry()
	reg.Register("inc", "", set("n", 1))
	g := mustGraph(t, reg, loopGraph)
	_, err := graph.NewEngine(graph.Options{}).Run(context.Background(), g, graph.RunOptions{
		Chaos: map[string]*policies.ChaosSpec{"nope": {Class: policies.Timeout, Rate: 1}},
	})
	require.Error(t, err)
	assert.EqualError(t, err, `chaos names node "nope", which graph loop does not have (its nodes: inc)`)
}

func TestNilTypedSliceAppendsNothing(t *testing.T) {
	reg := graph.NewRegistry()
	reg.Register("none", "", func(context.Context, graph.Input) (graph.Update, error) {
		var none []string
		return graph.Update{"out": none}, nil
	})
	g := mustGraph(t, reg, `
name: nilslice
state: {out: {type: list, reducer: append}}
nodes: {none: {run: none}}
edges: [{from: START, to: none}, {from: none, to: END}]
`)
	res, err := graph.NewEngine(graph.Options{}).Run(context.Background(), g, graph.RunOptions{})
	require.NoError(t, err)
	assert.Equal(t, []any{}, res.State["out"])
}

func TestFieldConstraints(t *testing.T) {
	reg := graph.NewRegistry()
	reg.Register("pick", "", func(_ context.Context, in graph.Input) (graph.Update, error) {
		return graph.Update{"level": in.State["wanted"]}, nil
	})
	g := mustGraph(t, reg, `
name: constraints
state:
  document: {type: string, required: true, doc: "the file to read"}
  count: {type: int, default: 2, min: 1, max: 10}
  wanted: {type: string, default: easy}
  level: {type: string, enum: [easy, hard], default: easy}
nodes: {pick: {run: pick}}
edges: [{from: START, to: pick}, {from: pick, to: END}]
`)
	e := graph.NewEngine(graph.Options{})
	cases := []struct {
		name  string
		input map[string]any
		field string
		want  string
	}{
		{"a required field left out is refused with its doc", map[string]any{},
			"document", "input field document: is required (the file to read)"},
		{"a value under the minimum is refused", map[string]any{"document": "d", "count": 0},
			"count", "0 is below the minimum 1"},
		{"a value over the maximum is refused", map[string]any{"document": "d", "count": 11.0},
			"count", "11 is above the maximum 10"},
		{"a value outside the enum lists the choices", map[string]any{"document": "d", "level": "mid"},
			"level", `"mid" is not one of "easy", "hard"`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := e.Run(context.Background(), g, graph.RunOptions{Input: tc.input})
			var ie *graph.InputError
			require.ErrorAs(t, err, &ie)
			assert.Equal(t, tc.field, ie.Field)
			assert.Contains(t, err.Error(), tc.want)
		})
	}
	t.Run("a node writing a value outside the enum fails with the field named", func(t *testing.T) {
		_, err := e.Run(context.Background(), g, graph.RunOptions{
			Input: map[string]any{"document": "d", "wanted": "mid"}})
		var ue *graph.UpdateError
		require.ErrorAs(t, err, &ue)
		assert.Equal(t, "level", ue.Field)
	})
	t.Run("valid input runs", func(t *testing.T) {
		res, err := e.Run(context.Background(), g, graph.RunOptions{
			Input: map[string]any{"document": "d", "wanted": "hard", "count": 10}})
		require.NoError(t, err)
		assert.Equal(t, "hard", res.State["level"])
	})
}

func TestThreadIDsAreChecked(t *testing.T) {
	reg := graph.NewRegistry()
	reg.Register("inc", "", set("n", 1))
	g := mustGraph(t, reg, loopGraph)
	e := graph.NewEngine(graph.Options{})
	for _, id := range []string{"../x", "a/b", ".hidden", "-flag", "sp ace", strings.Repeat("x", 129)} {
		_, err := e.Run(context.Background(), g, graph.RunOptions{Thread: id})
		assert.ErrorIs(t, err, graph.ErrThreadID, id)
	}
	_, err := e.Run(context.Background(), g, graph.RunOptions{Thread: "quiz-2026.12_a"})
	assert.NoError(t, err)
}

func TestAConditionFailingAtRunTimeIsOneClearLine(t *testing.T) {
	reg := graph.NewRegistry()
	reg.Register("noop", "", func(context.Context, graph.Input) (graph.Update, error) { return nil, nil })
	g := mustGraph(t, reg, `
name: rt
state: {m: map}
nodes: {one: {run: noop}}
edges:
  - {from: START, to: one}
  - from: one
    switch:
      - {when: "m.x.y > 2", to: END}
      - {to: END}
`)
	res, err := graph.NewEngine(graph.Options{}).Run(context.Background(), g,
		graph.RunOptions{Input: map[string]any{"m": map[string]any{"x": 1}}})
	require.Error(t, err)
	assert.Equal(t, "no_route", res.Error.Class)
	assert.NotContains(t, res.Error.Message, "\n")
	assert.NotContains(t, res.Error.Message, "unknown in node", "the class is said once")
	assert.Contains(t, res.Error.Message, `evaluate "m.x.y > 2": cannot fetch y`)
}

// TestWideStepConcurrency runs steps of tasks that wait for each other:
// the worker pool, which starts small for quick tasks, must grow to the
// step's whole concurrency, and never past a map's bound or the engine's
// limit.
func TestWideStepConcurrency(t *testing.T) {
	cases := []struct {
		name     string
		tasks    int
		bound    string // the map edge's concurrency, if any
		limit    int    // the engine's MaxConcurrency
		wantPeak int
	}{
		{name: "the default limit of 64", tasks: 100, wantPeak: 64},
		{name: "an engine limit", tasks: 40, limit: 10, wantPeak: 10},
		{name: "a map bound under the limit", tasks: 50, bound: ", concurrency: 7", wantPeak: 7},
		{name: "fewer tasks than the limit", tasks: 20, wantPeak: 20},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var (
				mu     sync.Mutex
				filled sync.Once
			)
			running, peak := 0, 0
			full := make(chan struct{})
			reg := graph.NewRegistry()
			items := make([]any, tc.tasks)
			reg.Register("split", "", set("items", items))
			reg.Register("work", "", func(ctx context.Context, in graph.Input) (graph.Update, error) {
				mu.Lock()
				running++
				peak = max(peak, running)
				if running == tc.wantPeak {
					filled.Do(func() { close(full) })
				}
				mu.Unlock()
				// Every task waits until the peak is reached: it is only
				// reached when the pool grows to it.
				select {
				case <-full:
				case <-ctx.Done():
					return nil, ctx.Err()
				}
				mu.Lock()
				running--
				mu.Unlock()
				return graph.Update{"out": 1}, nil
			})
			g := mustGraph(t, reg, `
name: wide
state:
  items: list
  out: {type: list, reducer: append}
nodes: {split: {run: split}, work: {run: work}}
edges:
  - {from: START, to: split}
  - {from: split, map: {over: items, to: work`+tc.bound+`}}
  - {from: work, to: END}
`)
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			res, err := graph.NewEngine(graph.Options{MaxConcurrency: tc.limit}).Run(ctx, g, graph.RunOptions{})
			require.NoError(t, err, "the pool did not reach %d tasks at once", tc.wantPeak)
			assert.Len(t, res.State["out"], tc.tasks)
			assert.Equal(t, tc.wantPeak, peak)
		})
	}
}

func TestInputCheckRefusesARunBeforeAnythingRuns(t *testing.T) {
	const src = `
name: checked
check: has_file
state:
  file: {type: string, required: true}
  size: int
nodes: {measure: {run: measure}}
edges:
  - {from: START, to: measure}
  - {from: measure, to: END}
`
	cases := []struct {
		name  string
		check graph.CheckFunc
		want  string // the error, or "" when the run goes ahead
		field string
	}{
		{name: "an input the check accepts runs",
			check: func(context.Context, graph.Input) error { return nil }},
		{name: "an input error names its field",
			check: func(_ context.Context, in graph.Input) error {
				return &graph.InputError{Field: "file", Msg: in.State["file"].(string) + " is missing",
					Hint: "give an existing file"}
			},
			want: "input field file: notes.md is missing (give an existing file)", field: "file"},
		{name: "any other error refuses the input as a whole",
			check: func(context.Context, graph.Input) error {
				return policies.Errorf(policies.BadRequest, "the service refuses it")
			},
			want: "input: the service refuses it"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			reg := graph.NewRegistry()
			ran := false
			reg.Register("measure", "", func(context.Context, graph.Input) (graph.Update, error) {
				ran = true
				return graph.Update{"size": 3}, nil
			})
			reg.RegisterCheck("has_file", tc.check)
			g := mustGraph(t, reg, src)
			store := memory.New()
			e := graph.NewEngine(graph.Options{Store: store})
			res, err := e.Run(context.Background(), g, graph.RunOptions{Thread: "t1",
				Input: map[string]any{"file": "notes.md"}})
			if tc.want == "" {
				require.NoError(t, err)
				assert.Equal(t, 3, res.State["size"])
				return
			}
			var ie *graph.InputError
			require.ErrorAs(t, err, &ie)
			assert.Equal(t, tc.want, err.Error())
			assert.Equal(t, tc.field, ie.Field)
			assert.Nil(t, res)
			assert.False(t, ran, "no node ran")
			_, err = store.Load(context.Background(), "t1")
			assert.ErrorIs(t, err, graph.ErrThreadNotFound, "no thread is left behind")
		})
	}

	t.Run("an unregistered check is a load error that lists the registered ones", func(t *testing.T) {
		reg := graph.NewRegistry()
		reg.Register("measure", "", set("size", 1))
		reg.RegisterCheck("has_files", func(context.Context, graph.Input) error { return nil })
		spec, err := graph.Parse([]byte(src), "checked.yaml")
		require.NoError(t, err)
		_, err = graph.Compile(spec, reg)
		require.Error(t, err)
		assert.Equal(t, "checked.yaml: 1 problem(s)\n  checked.yaml:3:8: check: unknown input check "+
			`"has_file" (did you mean "has_files"? registered: has_files)`, err.Error())
	})
}

// countersGraph fans out to tasks that retry, then joins.
const countersGraph = `
name: counters
state:
  items: list
  seen: {type: list, reducer: append}
  joined: map
policies:
  retry_once:
    retry: {max_attempts: 2, initial_interval: 1ms, jitter: 0}
nodes:
  split: {run: split}
  work: {run: work, policy: retry_once}
  join: {run: join}
edges:
  - {from: START, to: split}
  - {from: split, map: {over: items, to: work}}
  - {from: work, to: join}
  - {from: join, to: END}
`

func TestTasksReadTheCountersAsTheirStepBegan(t *testing.T) {
	reg := graph.NewRegistry()
	reg.Register("split", "", set("items", []any{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}))
	var failed sync.Map
	reg.Register("work", "", func(_ context.Context, in graph.Input) (graph.Update, error) {
		// Odd items fail their first attempt once per run.
		key := in.Run + in.Task
		if in.Index%2 == 1 && in.Attempt == 1 {
			if _, again := failed.LoadOrStore(key, true); !again {
				return nil, policies.Errorf(policies.ServerError, "try again")
			}
		}
		return graph.Update{"seen": float64(in.Counters.Attempts)}, nil
	})
	reg.Register("join", "", func(_ context.Context, in graph.Input) (graph.Update, error) {
		return graph.Update{"joined": map[string]any{
			"attempts": in.Counters.Attempts, "retries": in.Counters.Retries}}, nil
	})
	g := mustGraph(t, reg, countersGraph)

	for _, tc := range []struct {
		name  string
		store graph.Store
	}{
		{"without a store", nil},
		{"with a store", memory.New()},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := graph.NewEngine(graph.Options{Store: tc.store})
			// A second run reuses the buffers of the first one's wide step.
			for run := range 2 {
				res, err := e.Run(context.Background(), g, graph.RunOptions{})
				require.NoError(t, err, "run %d", run)
				seen := res.State["seen"].([]any)
				require.Len(t, seen, 10)
				for i, v := range seen {
					assert.Equal(t, 1.0, v, "run %d: task %d saw the attempts of split alone", run, i)
				}
				assert.Equal(t, map[string]any{"attempts": 16.0, "retries": 5.0}, res.State["joined"],
					"run %d: join sees split's attempt and the ten tasks' fifteen", run)
				assert.Equal(t, graph.Counters{Attempts: 17, Retries: 5}, res.Counters, "run %d", run)
			}
		})
	}
}

func TestTasksOfAWideStepRouteOnTheirOwnWrites(t *testing.T) {
	reg := graph.NewRegistry()
	reg.Register("a", "", func(context.Context, graph.Input) (graph.Update, error) {
		return graph.Update{"n": 1, "tags": map[string]any{"a": true}}, nil
	})
	reg.Register("b", "", func(context.Context, graph.Input) (graph.Update, error) {
		return graph.Update{"tags": map[string]any{"b": true}, "items": []any{"x", "y"}}, nil
	})
	reg.Register("good", "", set("verdict", "good"))
	reg.Register("bad", "", set("verdict", "bad"))
	reg.Register("each", "", func(_ context.Context, in graph.Input) (graph.Update, error) {
		return graph.Update{"seen": in.Item}, nil
	})
	g := mustGraph(t, reg, `
name: wide
state:
  n: {type: int, reducer: add}
  tags: {type: map, reducer: merge}
  items: list
  seen: {type: list, reducer: append}
  verdict: string
nodes:
  a: {run: a}
  b: {run: b}
  good: {run: good}
  bad: {run: bad}
  each: {run: each}
edges:
  - {from: START, to: [a, b]}
  - from: a
    switch:
      - {when: "n == 1 && tags.a == true && !('b' in tags)", to: good}
      - {to: bad}
  - {from: b, map: {over: items, to: each}}
  - {from: good, to: END}
  - {from: bad, to: END}
  - {from: each, to: END}
`)
	res, err := graph.NewEngine(graph.Options{}).Run(context.Background(), g, graph.RunOptions{})
	require.NoError(t, err)
	assert.Equal(t, "good", res.State["verdict"], "a routes on its own writes, not on b's")
	assert.Equal(t, []any{"x", "y"}, res.State["seen"], "b's map reads the items b wrote")
	assert.Equal(t, map[string]any{"a": true, "b": true}, res.State["tags"], "both merges apply")
	assert.Equal(t, 1, res.State["n"])
}

func TestAStepAllocatesTheSameWhateverTheStepCount(t *testing.T) {
	reg := graph.NewRegistry()
	reg.Register("inc", "", set("n", 1.0))
	allocs := func(steps int) float64 {
		// loopGraph with a float counter, whose every value is boxed.
		g := mustGraph(t, reg, strings.NewReplacer("type: int", "type: float",
			"n < 1000", fmt.Sprintf("n < %d", steps)).Replace(loopGraph))
		e := graph.NewEngine(graph.Options{})
		return testing.AllocsPerRun(5, func() {
			res, err := e.Run(context.Background(), g, graph.RunOptions{})
			if err != nil || res.Steps != steps {
				t.Fatalf("run: %v, %d steps", err, res.Steps)
			}
		})
	}
	// A pool emptied by a collection costs a few allocations now and
	// then: the tolerance takes them, not one more allocation a step.
	short, mid, long := allocs(500), allocs(1000), allocs(2000)
	early := (mid - short) / 500
	late := (long - mid) / 1000
	assert.InDelta(t, early, late, 0.03,
		"allocations per step: %.3f over steps 500-1000, %.3f over steps 1000-2000", early, late)
	assert.Less(t, late, 4.1, "allocations per step: the update map and its group, "+
		"the boxed sum and the task id")
}

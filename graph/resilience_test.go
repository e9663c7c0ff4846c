package graph_test

import (
	"context"
	"math/rand/v2"
	"strconv"
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
	"github.com/graphrun/graphrun/policies/policiestest"
)

// flakyGraph calls a flaky service under a retry policy, with an offline
// fallback and a shared breaker.
const flakyGraph = `
name: flaky
state:
  answer: string
breakers:
  service: {failures: FAILURES, cooldown: 1h, half_open_probes: 1}
policies:
  service:
    retry: {max_attempts: 8, initial_interval: 100ms, max_interval: 2s, jitter: 0.5, max_wait: 10s}
    breaker: service
    fallback:
      - {on: [any], to: offline}
nodes:
  call: {run: call, policy: service}
  offline: {run: offline}
edges:
  - {from: START, to: call}
  - {from: call, to: END}
  - {from: offline, to: END}
`

// flaky is flakyGraph with a breaker that opens after failures failures.
func flaky(failures int) string {
	return strings.Replace(flakyGraph, "FAILURES", strconv.Itoa(failures), 1)
}

const requestedWait = 1500 * time.Millisecond

// transient fails a call at rate 30% with a transient class; rate limits
// ask for requestedWait.
func transient(seed uint64) graph.Func {
	var mu sync.Mutex
	rng := rand.New(rand.NewPCG(seed, 1))
	classes := []policies.Class{policies.RateLimit, policies.Timeout, policies.ServerError}
	return func(context.Context, graph.Input) (graph.Update, error) {
		mu.Lock()
		fail, class := rng.Float64() < 0.3, classes[rng.IntN(len(classes))]
		mu.Unlock()
		if !fail {
			return graph.Update{"answer": "service"}, nil
		}
		e := policies.Errorf(class, "injected %s", class)
		if class == policies.RateLimit {
			e.RetryAfter = requestedWait
		}
		return nil, e
	}
}

func TestChaosOnAGraphRecoversAndHonoursWaits(t *testing.T) {
	t.Run("with 30% transient failures at least 99.9% of 1,000 runs succeed through retries", func(t *testing.T) {
		reg := graph.NewRegistry()
		reg.Register("call", "", transient(42))
		reg.Register("offline", "", set("answer", "offline"))
		// A breaker that trips on a run of 20 failures ignores transient
		// noise.
		g := mustGraph(t, reg, flaky(20))
		clock := policiestest.NewFakeClock(policiestest.Epoch)
		var (
			mu      sync.Mutex
			retries []graph.Event
		)
		e := graph.NewEngine(graph.Options{Clock: clock, Listeners: []graph.Listener{func(ev graph.Event) {
			if ev.Kind == graph.RetryScheduled {
				mu.Lock()
				retries = append(retries, ev)
				mu.Unlock()
			}
		}}})
		served := 0
		for range 1000 {
			res, err := e.Run(context.Background(), g, graph.RunOptions{})
			require.NoError(t, err)
			if res.State["answer"] == "service" {
				served++
			}
		}
		assert.GreaterOrEqual(t, served, 999)
		require.NotEmpty(t, retries)
		waited := 0
		for _, ev := range retries {
			if ev.Class == string(policies.RateLimit) {
				waited++
				assert.Equal(t, requestedWait, ev.Delay, "the server's wait wins over backoff")
				assert.Equal(t, policies.ReasonRetryAfter, ev.Reason)
			} else {
				assert.LessOrEqual(t, ev.Delay, 2*time.Second, "backoff stays under max_interval")
			}
		}
		assert.Positive(t, waited)
	})

	t.Run("with permanent failures the fallback completes every run and the breaker stops calls", func(t *testing.T) {
		var calls atomic.Int32
		reg := graph.NewRegistry()
		reg.Register("call", "", func(context.Context, graph.Input) (graph.Update, error) {
			calls.Add(1)
			return nil, policies.Errorf(policies.ServerError, "down for good")
		})
		reg.Register("offline", "", set("answer", "offline"))
		g := mustGraph(t, reg, flaky(3))
		e := graph.NewEngine(graph.Options{Clock: policiestest.NewFakeClock(policiestest.Epoch)})
		for i := range 20 {
			res, err := e.Run(context.Background(), g, graph.RunOptions{})
			require.NoError(t, err)
			assert.Equal(t, "offline", res.State["answer"])
			assert.Equal(t, "breaker_open", res.State["last_error"].(map[string]any)["class"],
				"the third failure opens the breaker, which then refuses the call")
			if i == 0 {
				var opened bool
				for _, ev := range res.Handled {
					opened = opened || ev.Kind == graph.BreakerChanged && ev.To == "open"
				}
				assert.True(t, opened, "the first run reports the breaker opening")
			}
		}
		assert.Equal(t, int32(3), calls.Load(), "three failures open the breaker; then no call is made")
		assert.Equal(t, []string{"service"}, e.Breakers().Open())
	})
}

func TestTwoHundredRunsShareOneBreaker(t *testing.T) {
	var calls atomic.Int32
	reg := graph.NewRegistry()
	reg.Register("call", "", func(context.Context, graph.Input) (graph.Update, error) {
		calls.Add(1)
		return nil, policies.Errorf(policies.ServerError, "down")
	})
	reg.Register("offline", "", set("answer", "offline"))
	g := mustGraph(t, reg, flaky(3))
	breakers := policies.NewBreakers()
	var (
		mu          sync.Mutex
		transitions []string
	)
	defer breakers.Subscribe(func(c policies.BreakerChange) {
		mu.Lock()
		transitions = append(transitions, c.From+">"+c.To)
		mu.Unlock()
	})()
	e := graph.NewEngine(graph.Options{Breakers: breakers, Clock: policiestest.NewFakeClock(policiestest.Epoch)})
	var wg sync.WaitGroup
	for range 200 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			res, err := e.Run(context.Background(), g, graph.RunOptions{})
			assert.NoError(t, err)
			assert.Equal(t, "offline", res.State["answer"])
		}()
	}
	wg.Wait()
	mu.Lock()
	defer mu.Unlock()
	assert.Equal(t, []string{"closed>open"}, transitions, "one trip, shared by every run")
	assert.Less(t, int(calls.Load()), 200*8, "the open breaker stopped most calls")
}

func TestRunDeadlineFailsTheRunAndCompensates(t *testing.T) {
	var undone, reserved atomic.Int32
	reg := graph.NewRegistry()
	reg.Register("reserve", "", func(context.Context, graph.Input) (graph.Update, error) {
		reserved.Add(1)
		return graph.Update{"n": 1}, nil
	})
	reg.Register("release", "", func(context.Context, graph.Input) (graph.Update, error) {
		undone.Add(1)
		return nil, nil
	})
	reg.Register("wait", "", func(ctx context.Context, _ graph.Input) (graph.Update, error) {
		<-ctx.Done()
		return nil, ctx.Err()
	})
	g := mustGraph(t, reg, `
name: deadline
limits: {deadline: 1h}
state: {n: int}
nodes:
  reserve: {run: reserve, compensate: release}
  wait: {run: wait}
edges:
  - {from: START, to: reserve}
  - {from: reserve, to: wait}
  - {from: wait, to: END}
`)
	growDeadline(t, func(deadline time.Duration) bool {
		undone.Store(0)
		reserved.Store(0)
		res, err := graph.NewEngine(graph.Options{}).Run(context.Background(), g,
			graph.RunOptions{Deadline: deadline})
		var le *graph.LimitError
		require.ErrorAs(t, err, &le)
		assert.Equal(t, "deadline", le.Limit)
		assert.Equal(t, graph.Failed, res.Status)
		if reserved.Load() == 0 {
			return false
		}
		assert.Equal(t, int32(1), undone.Load())
		assert.Equal(t, 1, res.Steps, "the step in flight at the deadline is not committed")
		return true
	})
}

// growDeadline calls try with a run deadline that doubles from 20ms until
// try says the run got as far as the test needs: on a busy machine a
// short deadline may pass before the first step starts.
func growDeadline(t *testing.T, try func(deadline time.Duration) bool) {
	t.Helper()
	for deadline := 20 * time.Millisecond; deadline <= 5*time.Second; deadline *= 2 {
		if try(deadline) {
			return
		}
	}
	t.Fatal("the run never reached its first step before its deadline")
}

func TestHandledEventsListHowFailuresWereMet(t *testing.T) {
	reg := graph.NewRegistry()
	var n atomic.Int32
	reg.Register("call", "", func(context.Context, graph.Input) (graph.Update, error) {
		if n.Add(1) == 1 {
			return nil, &policies.Error{Class: policies.RateLimit, RetryAfter: time.Second}
		}
		return nil, policies.Errorf(policies.Quota, "no credit")
	})
	reg.Register("offline", "", set("answer", "offline"))
	g := mustGraph(t, reg, flaky(3))
	res, err := graph.NewEngine(graph.Options{Clock: policiestest.NewFakeClock(policiestest.Epoch)}).
		Run(context.Background(), g, graph.RunOptions{})
	require.NoError(t, err)
	var kinds []graph.EventKind
	for _, ev := range res.Handled {
		kinds = append(kinds, ev.Kind)
	}
	assert.Equal(t, []graph.EventKind{graph.RetryScheduled, graph.NodeFailed, graph.FallbackTaken}, kinds)
	assert.Equal(t, time.Second, res.Handled[0].Delay)
}

func TestFallbackChainKeepsTheFirstCause(t *testing.T) {
	reg := graph.NewRegistry()
	reg.Register("primary", "", func(context.Context, graph.Input) (graph.Update, error) {
		return nil, policies.Errorf(policies.RateLimit, "slow down")
	})
	reg.Register("backup", "", func(context.Context, graph.Input) (graph.Update, error) {
		return nil, policies.Errorf(policies.Quota, "no credit")
	})
	var seen *graph.ErrorRecord
	reg.Register("offline", "", func(_ context.Context, in graph.Input) (graph.Update, error) {
		seen = in.Error
		return nil, nil
	})
	g := mustGraph(t, reg, `
name: chain
state: {}
policies:
  p: {retry: {max_attempts: 2, initial_interval: 1ms}, fallback: [{on: [any], to: backup}]}
  b: {fallback: [{on: [any], to: offline}]}
nodes:
  primary: {run: primary, policy: p}
  backup: {run: backup, policy: b}
  offline: {run: offline}
edges:
  - {from: START, to: primary}
  - {from: primary, to: END}
  - {from: backup, to: END}
  - {from: offline, to: END}
`)
	res, err := graph.NewEngine(graph.Options{Clock: policiestest.NewFakeClock(policiestest.Epoch)}).
		Run(context.Background(), g, graph.RunOptions{})
	require.NoError(t, err)
	require.NotNil(t, seen)
	assert.Equal(t, "rate_limit", seen.First().Class)
	assert.Equal(t, "rate_limit in primary after 2 attempts: slow down; then quota in backup: no credit",
		seen.String())
	cause := res.State["last_error"].(map[string]any)["cause"].(map[string]any)
	assert.Equal(t, "rate_limit", cause["class"])
}

func TestADeadlineMetAtACheckpointFailsOnTheDeadline(t *testing.T) {
	reg := graph.NewRegistry()
	var started atomic.Bool
	reg.Register("inc", "", func(ctx context.Context, _ graph.Input) (graph.Update, error) {
		started.Store(true)
		<-ctx.Done() // the step outlives the run's deadline, then finishes
		return graph.Update{"n": 1}, nil
	})
	g := mustGraph(t, reg, loopGraph)
	growDeadline(t, func(deadline time.Duration) bool {
		started.Store(false)
		store := memory.New()
		res, err := graph.NewEngine(graph.Options{Store: store}).Run(context.Background(), g,
			graph.RunOptions{Thread: "late", Deadline: deadline})
		var le *graph.LimitError
		require.ErrorAs(t, err, &le, "not a storage failure")
		assert.Equal(t, "deadline", le.Limit)
		assert.Equal(t, graph.Failed, res.Status)
		if !started.Load() {
			return false
		}
		h, err := store.Load(context.Background(), "late")
		require.NoError(t, err)
		assert.Len(t, h.Checkpoints, 2, "the step that finished was committed")
		return true
	})
}

// conditionalGraph routes a failed call to backup only while the state
// says a backup exists; otherwise, and for every other failure, to
// offline.
const conditionalGraph = `
name: conditional
state:
  backup: bool
  tier: int
  answer: string
policies:
  service:
    fallback:
      - {on: [quota, rate_limit], when: "backup && tier > 0", to: backup}
      - {on: [any], to: offline}
nodes:
  call: {run: call, policy: service}
  backup: {run: backup}
  offline: {run: offline}
edges:
  - {from: START, to: call}
  - {from: call, to: END}
  - {from: backup, to: END}
  - {from: offline, to: END}
`

func TestFallbackRouteWhen(t *testing.T) {
	cases := []struct {
		name   string
		input  map[string]any
		class  policies.Class
		answer string
	}{
		{name: "the condition holds", input: map[string]any{"backup": true, "tier": 1},
			class: policies.Quota, answer: "backup"},
		{name: "the condition is false: the next route", input: map[string]any{"backup": false, "tier": 1},
			class: policies.Quota, answer: "offline"},
		{name: "half the condition is false", input: map[string]any{"backup": true, "tier": 0},
			class: policies.RateLimit, answer: "offline"},
		{name: "the class does not match: the condition is not read", input: map[string]any{"backup": true, "tier": 1},
			class: policies.Auth, answer: "offline"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			reg := graph.NewRegistry()
			reg.Register("call", "", func(context.Context, graph.Input) (graph.Update, error) {
				return graph.Update{"answer": "never kept"}, policies.Errorf(tc.class, "refused")
			})
			reg.Register("backup", "", set("answer", "backup"))
			reg.Register("offline", "", set("answer", "offline"))
			g := mustGraph(t, reg, conditionalGraph)
			res, err := graph.NewEngine(graph.Options{}).Run(context.Background(), g,
				graph.RunOptions{Input: tc.input})
			require.NoError(t, err)
			assert.Equal(t, tc.answer, res.State["answer"])
			require.Len(t, res.Handled, 2, "the failure, then the route taken")
			assert.Equal(t, tc.answer, res.Handled[1].Target)
		})
	}

	t.Run("a condition that fails to evaluate fails the run and names the route", func(t *testing.T) {
		reg := graph.NewRegistry()
		reg.Register("call", "", func(context.Context, graph.Input) (graph.Update, error) {
			return nil, policies.Errorf(policies.Quota, "refused")
		})
		reg.Register("offline", "", set("answer", "offline"))
		g := mustGraph(t, reg, `
name: broken_when
state: {limits: map, answer: string}
policies:
  service:
    fallback:
      - {on: [quota], when: "limits.backup > 1", to: offline}
nodes:
  call: {run: call, policy: service}
  offline: {run: offline}
edges:
  - {from: START, to: call}
  - {from: call, to: END}
  - {from: offline, to: END}
`)
		_, err := graph.NewEngine(graph.Options{}).Run(context.Background(), g, graph.RunOptions{})
		require.Error(t, err)
		var re *graph.RouteError
		require.ErrorAs(t, err, &re)
		assert.Equal(t, "call", re.Node)
		assert.Equal(t, 7, re.Pos.Line, "the position of the route's when")
		assert.Contains(t, err.Error(), `evaluate "limits.backup > 1"`)
		assert.Contains(t, err.Error(), "after: quota in node call (attempt 1): refused",
			"the failure the route was meant for is kept")
	})
}

package storetest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/graphrun/graphrun/graph"
	"github.com/graphrun/graphrun/graph/checkpoint"
)

// Run checks that the stores newStore returns behave as every
// [graph.Store] must. newStore is called once per subtest and must return
// an empty store; Run closes it when the subtest ends.
func Run(t *testing.T, newStore func(t *testing.T) graph.Store) {
	open := func(t *testing.T) graph.Store {
		t.Helper()
		s := newStore(t)
		t.Cleanup(func() { assert.NoError(t, s.Close()) })
		return s
	}
	for _, c := range slices.Concat(cases, statusCases) {
		t.Run(c.name, func(t *testing.T) { c.run(t, open(t)) })
	}
}

// testCase is one behaviour of the suite.
type testCase struct {
	name string
	run  func(t *testing.T, s graph.Store)
}

var cases = []testCase{
	{"a committed checkpoint reads back field for field", roundTrip},
	{"loading an unknown thread fails with ErrThreadNotFound", unknownThread},
	{"committing a step twice fails with ErrConflict", conflict},
	{"committing an earlier step fails with ErrConflict", earlierStep},
	{"checkpoints load in step order", stepOrder},
	{"pending results load in put order and a re-put replaces in place", pendingOrder},
	{"only results of the step after the last checkpoint are pending", pendingStep},
	{"a commit drops the pending results of its step", commitDropsPending},
	{"putting a result for a committed step fails with ErrConflict", putCommitted},
	{"invalid input is refused with ErrInvalid", invalid},
	{"stored values do not alias the caller's", noAliasing},
	{"threads list newest first with their latest status", threadsListing},
	{"threads filter by graph and status and honour the limit", threadsFilter},
	{"prune deletes finished threads older than the cutoff", pruneOlder},
	{"prune keeps the most recently updated threads", pruneKeepLast},
	{"prune never deletes a running thread", pruneRunning},
	{"prune deletes pending results with their thread", prunePending},
	{"concurrent commits of one step have exactly one winner", oneWinner},
	{"concurrent threads do not disturb each other", manyThreads},
	{"a canceled context fails the call", canceled},
}

func ctx(t *testing.T) context.Context { return t.Context() }

func commit(t *testing.T, s graph.Store, cps ...*graph.Checkpoint) {
	t.Helper()
	for _, cp := range cps {
		require.NoError(t, s.Commit(ctx(t), cp), "commit %s step %d", cp.Thread, cp.Step)
	}
}

func roundTrip(t *testing.T, s graph.Store) {
	commit(t, s, full("t-full"))

	h, err := s.Load(ctx(t), "t-full")
	require.NoError(t, err)
	require.Len(t, h.Checkpoints, 1)
	assert.Equal(t, fullDecoded("t-full"), h.Checkpoints[0])
	assert.Equal(t, time.UTC, h.Checkpoints[0].Time.Location())
	assert.Empty(t, h.Pending)
}

func unknownThread(t *testing.T, s graph.Store) {
	commit(t, s, checkpointAt("t-known", 0, 0))

	_, err := s.Load(ctx(t), "t-unknown")
	require.ErrorIs(t, err, graph.ErrThreadNotFound)
}

func conflict(t *testing.T, s graph.Store) {
	commit(t, s, checkpointAt("t-c", 0, 0), checkpointAt("t-c", 1, 0))

	second := checkpointAt("t-c", 1, 0)
	second.Run = "run-2"
	require.ErrorIs(t, s.Commit(ctx(t), second), graph.ErrConflict)

	h, err := s.Load(ctx(t), "t-c")
	require.NoError(t, err)
	require.Len(t, h.Checkpoints, 2)
	assert.Equal(t, "run-1", h.Checkpoints[1].Run, "the first commit must win")
}

func earlierStep(t *testing.T, s graph.Store) {
	commit(t, s, checkpointAt("t-e", 0, 0), checkpointAt("t-e", 1, 0),
		checkpointAt("t-e", 3, 0))

	require.ErrorIs(t, s.Commit(ctx(t), checkpointAt("t-e", 2, 0)), graph.ErrConflict)
}

func stepOrder(t *testing.T, s graph.Store) {
	for step := range 12 {
		commit(t, s, checkpointAt("t-o", step, 0))
	}
	h, err := s.Load(ctx(t), "t-o")
	require.NoError(t, err)
	require.Len(t, h.Checkpoints, 12)
	for i, cp := range h.Checkpoints {
		assert.Equal(t, i, cp.Step)
		assert.Equal(t, []graph.Write{{Field: "questions", Value: fmt.Sprintf("q%d", i)}},
			cp.Writes)
	}
	assert.Equal(t, 11, h.Last().Step)
}

func pendingOrder(t *testing.T, s graph.Store) {
	commit(t, s, checkpointAt("t-p", 0, 0))
	for _, id := range []string{"1:b", "1:a", "1:c"} {
		require.NoError(t, s.PutTask(ctx(t), "t-p", 1, result(id, "first "+id)))
	}
	require.NoError(t, s.PutTask(ctx(t), "t-p", 1, result("1:a", "second 1:a")))

	h, err := s.Load(ctx(t), "t-p")
	require.NoError(t, err)
	require.Len(t, h.Pending, 3)
	var got []string
	for _, r := range h.Pending {
		got = append(got, r.Task.ID+"="+r.Writes[0].Value.(string))
	}
	assert.Equal(t, []string{"1:b=first 1:b", "1:a=second 1:a", "1:c=first 1:c"}, got)
	assert.Equal(t, result("1:b", "first 1:b"), h.Pending[0])
}

func pendingStep(t *testing.T, s graph.Store) {
	commit(t, s, checkpointAt("t-ps", 0, 0))
	require.NoError(t, s.PutTask(ctx(t), "t-ps", 2, result("2:x", "later")))
	require.NoError(t, s.PutTask(ctx(t), "t-ps", 1, result("1:x", "now")))

	h, err := s.Load(ctx(t), "t-ps")
	require.NoError(t, err)
	require.Len(t, h.Pending, 1)
	assert.Equal(t, "1:x", h.Pending[0].Task.ID)
}

func commitDropsPending(t *testing.T, s graph.Store) {
	commit(t, s, checkpointAt("t-d", 0, 0))
	require.NoError(t, s.PutTask(ctx(t), "t-d", 1, result("1:x", "x")))
	require.NoError(t, s.PutTask(ctx(t), "t-d", 1, result("1:y", "y")))
	commit(t, s, checkpointAt("t-d", 1, 0))

	h, err := s.Load(ctx(t), "t-d")
	require.NoError(t, err)
	assert.Empty(t, h.Pending)
	require.NoError(t, s.PutTask(ctx(t), "t-d", 2, result("2:x", "x")))
	h, err = s.Load(ctx(t), "t-d")
	require.NoError(t, err)
	require.Len(t, h.Pending, 1)
	assert.Equal(t, "2:x", h.Pending[0].Task.ID)
}

func putCommitted(t *testing.T, s graph.Store) {
	commit(t, s, checkpointAt("t-pc", 0, 0), checkpointAt("t-pc", 1, 0))

	err := s.PutTask(ctx(t), "t-pc", 1, result("1:late", "late"))
	require.ErrorIs(t, err, graph.ErrConflict)
	h, err := s.Load(ctx(t), "t-pc")
	require.NoError(t, err)
	assert.Empty(t, h.Pending)
}

func invalid(t *testing.T, s graph.Store) {
	tests := []struct {
		name string
		call func() error
	}{
		{"a nil checkpoint", func() error { return s.Commit(ctx(t), nil) }},
		{"an empty thread", func() error { return s.Commit(ctx(t), checkpointAt("", 0, 0)) }},
		{"a negative step", func() error { return s.Commit(ctx(t), checkpointAt("t", -1, 0)) }},
		{"a nil result", func() error { return s.PutTask(ctx(t), "t", 1, nil) }},
		{"an empty task id", func() error { return s.PutTask(ctx(t), "t", 1, result("", "")) }},
		{"a result without thread", func() error {
			return s.PutTask(ctx(t), "", 1, result("1:x", ""))
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name+" is refused", func(t *testing.T) {
			require.ErrorIs(t, tt.call(), checkpoint.ErrInvalid)
		})
	}
	_, err := s.Load(ctx(t), "t")
	require.ErrorIs(t, err, graph.ErrThreadNotFound, "nothing may have been stored")
}

func noAliasing(t *testing.T, s graph.Store) {
	cp := checkpointAt("t-a", 0, 0)
	list := []any{"a"}
	cp.Writes[0].Value = list
	commit(t, s, cp)
	list[0] = "changed"
	cp.Writes[0].Field = "changed"

	h, err := s.Load(ctx(t), "t-a")
	require.NoError(t, err)
	assert.Equal(t, []graph.Write{{Field: "questions", Value: []any{"a"}}},
		h.Checkpoints[0].Writes)
	h.Checkpoints[0].Writes[0].Value.([]any)[0] = "mutated"

	h, err = s.Load(ctx(t), "t-a")
	require.NoError(t, err)
	assert.Equal(t, []any{"a"}, h.Checkpoints[0].Writes[0].Value)
}

func threadsListing(t *testing.T, s graph.Store) {
	commit(t, s, checkpointAt("t-old", 0, 0), checkpointAt("t-new", 0, time.Hour))
	done := checkpointAt("t-old", 1, 2*time.Hour)
	done.Status = graph.Failed
	done.Error = &graph.ErrorRecord{Class: "auth", Message: "bad key", Node: "generate"}
	commit(t, s, done)

	got, err := s.Threads(ctx(t), graph.ThreadFilter{})
	require.NoError(t, err)
	want := []graph.ThreadInfo{
		{
			Thread: "t-old", Graph: "mcq", Status: graph.Failed, Step: 1,
			Created: stepTime(0, 0), Updated: stepTime(2*time.Hour, 1),
			Error: "auth: bad key",
		},
		{
			Thread: "t-new", Graph: "mcq", Status: graph.Running, Step: 0,
			Created: stepTime(time.Hour, 0), Updated: stepTime(time.Hour, 0),
		},
	}
	assert.Equal(t, want, got)
}

func threadsFilter(t *testing.T, s graph.Store) {
	for i := range 5 {
		cp := checkpointAt(fmt.Sprintf("t-%d", i), 0, time.Duration(i)*time.Minute)
		if i%2 == 1 {
			cp.Status = graph.Succeeded
		}
		if i == 4 {
			cp.Graph = "other"
		}
		commit(t, s, cp)
	}
	tests := []struct {
		name string
		f    graph.ThreadFilter
		want []string
	}{
		{"no filter lists every thread", graph.ThreadFilter{},
			[]string{"t-4", "t-3", "t-2", "t-1", "t-0"}},
		{"a graph filter lists that graph", graph.ThreadFilter{Graph: "other"},
			[]string{"t-4"}},
		{"a status filter lists that status", graph.ThreadFilter{Status: graph.Succeeded},
			[]string{"t-3", "t-1"}},
		{"both filters combine", graph.ThreadFilter{Graph: "mcq", Status: graph.Running},
			[]string{"t-2", "t-0"}},
		{"a limit keeps the newest", graph.ThreadFilter{Limit: 2},
			[]string{"t-4", "t-3"}},
		{"an unmatched filter lists nothing", graph.ThreadFilter{Graph: "none"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := s.Threads(ctx(t), tt.f)
			require.NoError(t, err)
			assert.Equal(t, tt.want, names(got))
		})
	}
}

func names(infos []graph.ThreadInfo) []string {
	var out []string
	for _, i := range infos {
		out = append(out, i.Thread)
	}
	return out
}

// seedFinished commits n finished threads "f-0".."f-(n-1)", thread i
// updated i hours after base.
func seedFinished(t *testing.T, s graph.Store, n int) {
	for i := range n {
		cp := checkpointAt(fmt.Sprintf("f-%d", i), 0, time.Duration(i)*time.Hour)
		cp.Status = graph.Succeeded
		commit(t, s, cp)
	}
}

func remaining(t *testing.T, s graph.Store) []string {
	got, err := s.Threads(ctx(t), graph.ThreadFilter{})
	require.NoError(t, err)
	return names(got)
}

func pruneOlder(t *testing.T, s graph.Store) {
	seedFinished(t, s, 4)
	n, err := s.Prune(ctx(t), graph.PruneOptions{OlderThan: stepTime(2*time.Hour, 0)})
	require.NoError(t, err)
	assert.Equal(t, 2, n)
	assert.Equal(t, []string{"f-3", "f-2"}, remaining(t, s))
	_, err = s.Load(ctx(t), "f-0")
	require.ErrorIs(t, err, graph.ErrThreadNotFound)
}

func pruneKeepLast(t *testing.T, s graph.Store) {
	seedFinished(t, s, 5)
	tests := []struct {
		name string
		o    graph.PruneOptions
		n    int
		want []string
	}{
		{"keeping four of five deletes the oldest", graph.PruneOptions{KeepLast: 4},
			1, []string{"f-4", "f-3", "f-2", "f-1"}},
		{"both criteria must match", graph.PruneOptions{
			KeepLast: 1, OlderThan: stepTime(3*time.Hour, 0),
		}, 2, []string{"f-4", "f-3"}},
		{"keeping more than exist deletes nothing", graph.PruneOptions{KeepLast: 9},
			0, []string{"f-4", "f-3"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n, err := s.Prune(ctx(t), tt.o)
			require.NoError(t, err)
			assert.Equal(t, tt.n, n)
			assert.Equal(t, tt.want, remaining(t, s))
		})
	}
}

func pruneRunning(t *testing.T, s graph.Store) {
	commit(t, s, checkpointAt("r-0", 0, 0))
	seedFinished(t, s, 1)
	n, err := s.Prune(ctx(t), graph.PruneOptions{OlderThan: base.Add(1000 * time.Hour)})
	require.NoError(t, err)
	assert.Equal(t, 1, n)
	assert.Equal(t, []string{"r-0"}, remaining(t, s))
}

func prunePending(t *testing.T, s graph.Store) {
	done := checkpointAt("t-pp", 0, 0)
	done.Status = graph.Failed
	commit(t, s, done)
	require.NoError(t, s.PutTask(ctx(t), "t-pp", 1, result("1:x", "x")))
	n, err := s.Prune(ctx(t), graph.PruneOptions{})
	require.NoError(t, err)
	require.Equal(t, 1, n)

	// A new thread under the same id must start clean.
	commit(t, s, checkpointAt("t-pp", 0, 0))
	h, err := s.Load(ctx(t), "t-pp")
	require.NoError(t, err)
	assert.Len(t, h.Checkpoints, 1)
	assert.Empty(t, h.Pending)
}

func oneWinner(t *testing.T, s graph.Store) {
	const writers = 8
	commit(t, s, checkpointAt("t-w", 0, 0))
	for step := 1; step <= 3; step++ {
		errs := make([]error, writers)
		var wg sync.WaitGroup
		for i := range writers {
			wg.Go(func() {
				cp := checkpointAt("t-w", step, 0)
				cp.Run = fmt.Sprintf("run-%d", i)
				errs[i] = s.Commit(context.Background(), cp)
			})
		}
		wg.Wait()
		won := 0
		for _, err := range errs {
			if err == nil {
				won++
				continue
			}
			require.ErrorIs(t, err, graph.ErrConflict)
		}
		require.Equal(t, 1, won, "step %d", step)
	}
	h, err := s.Load(ctx(t), "t-w")
	require.NoError(t, err)
	assert.Len(t, h.Checkpoints, 4)
}

func manyThreads(t *testing.T, s graph.Store) {
	const threads, steps = 8, 6
	errs := make(chan error, threads)
	var wg sync.WaitGroup
	for i := range threads {
		wg.Go(func() { errs <- runThread(s, fmt.Sprintf("c-%d", i), steps) })
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
	for i := range threads {
		h, err := s.Load(ctx(t), fmt.Sprintf("c-%d", i))
		require.NoError(t, err)
		require.Len(t, h.Checkpoints, steps)
		require.Len(t, h.Pending, 1)
		assert.Equal(t, fmt.Sprintf("%d:c-%d", steps, i), h.Pending[0].Task.ID)
	}
	all, err := s.Threads(ctx(t), graph.ThreadFilter{})
	require.NoError(t, err)
	assert.Len(t, all, threads)
}

// runThread plays the part of one run: put a result, commit, read back.
func runThread(s graph.Store, thread string, steps int) error {
	c := context.Background()
	for step := range steps {
		if step > 0 {
			id := fmt.Sprintf("%d:%s", step, thread)
			if err := s.PutTask(c, thread, step, result(id, thread)); err != nil {
				return err
			}
		}
		if err := s.Commit(c, checkpointAt(thread, step, 0)); err != nil {
			return err
		}
		h, err := s.Load(c, thread)
		if err != nil {
			return err
		}
		if h.Last().Step != step || h.Last().Thread != thread || len(h.Pending) != 0 {
			return fmt.Errorf("thread %s step %d: read back step %d of %s with %d pending",
				thread, step, h.Last().Step, h.Last().Thread, len(h.Pending))
		}
	}
	id := fmt.Sprintf("%d:%s", steps, thread)
	return s.PutTask(c, thread, steps, result(id, thread))
}

func canceled(t *testing.T, s graph.Store) {
	commit(t, s, checkpointAt("t-x", 0, 0))
	c, cancel := context.WithCancel(context.Background())
	cancel()
	calls := map[string]func() error{
		"commit": func() error { return s.Commit(c, checkpointAt("t-x", 1, 0)) },
		"put task": func() error {
			return s.PutTask(c, "t-x", 1, result("1:x", "x"))
		},
		"load": func() error { _, err := s.Load(c, "t-x"); return err },
		"threads": func() error {
			_, err := s.Threads(c, graph.ThreadFilter{})
			return err
		},
		"prune": func() error { _, err := s.Prune(c, graph.PruneOptions{}); return err },
	}
	for name, call := range calls {
		t.Run(name+" returns the context's error", func(t *testing.T) {
			require.True(t, errors.Is(call(), context.Canceled))
		})
	}
	h, err := s.Load(ctx(t), "t-x")
	require.NoError(t, err)
	assert.Len(t, h.Checkpoints, 1)
	assert.Empty(t, h.Pending)
}

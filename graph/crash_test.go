package graph_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/graphrun/graphrun/graph"
	"github.com/graphrun/graphrun/graph/checkpoint/sqlite"
)

// The crash test runs a graph in a child process with the SQLite store,
// kills the child with SIGKILL at chosen points and resumes the thread in
// a new child until it succeeds. The test binary is its own child: when
// crashChildEnv is set, TestMain runs the graph instead of the tests.
const (
	crashChildEnv  = "GRAPHRUN_CRASH_CHILD"
	crashDBEnv     = "GRAPHRUN_CRASH_DB"
	crashTraceEnv  = "GRAPHRUN_CRASH_TRACE"
	crashThreadEnv = "GRAPHRUN_CRASH_THREAD"
	crashHoldEnv   = "GRAPHRUN_CRASH_HOLD"
)

func TestMain(m *testing.M) {
	if os.Getenv(crashChildEnv) != "" {
		os.Exit(crashChild())
	}
	os.Exit(m.Run())
}

// crashGraphSrc splits six items over parallel tasks, three at a time,
// then loops fifteen times, each step appending an item of 300 bytes, and
// ends with a count.
const crashGraphSrc = `
name: crash
state:
  items: list
  out: {type: list, reducer: append}
  n: {type: int, reducer: add}
  total: int
nodes:
  split: {run: split}
  work: {run: work}
  grow: {run: grow}
  finish: {run: finish}
edges:
  - {from: START, to: split}
  - {from: split, map: {over: items, to: work, concurrency: 3}}
  - {from: work, to: grow}
  - from: grow
    switch:
      - {when: "n < 15", to: grow}
      - {to: finish}
  - {from: finish, to: END}
`

const (
	crashItems  = 6
	crashBound  = 3 // the map's concurrency
	crashLoops  = 15
	crashTasks  = 1 + crashItems + crashLoops + 1
	crashThread = "crash"
	// crashDeadline only keeps a stuck child from hanging the suite.
	crashDeadline = 30 * time.Second
)

// crashGraph compiles the crash graph with each node function passed
// through wrap.
func crashGraph(wrap func(graph.Func) graph.Func) (*graph.Graph, error) {
	nodes := map[string]graph.Func{
		"split": func(context.Context, graph.Input) (graph.Update, error) {
			items := make([]any, crashItems)
			for i := range items {
				items[i] = fmt.Sprintf("item-%d", i)
			}
			return graph.Update{"items": items}, nil
		},
		"work": func(_ context.Context, in graph.Input) (graph.Update, error) {
			return graph.Update{"out": []any{fmt.Sprintf("worked %v", in.Item)}}, nil
		},
		"grow": func(_ context.Context, in graph.Input) (graph.Update, error) {
			head := fmt.Sprintf("%s after %v: ", in.Task, in.State["n"])
			item := head + strings.Repeat("x", 300-len(head))
			return graph.Update{"n": 1, "out": []any{item}}, nil
		},
		"finish": func(_ context.Context, in graph.Input) (graph.Update, error) {
			return graph.Update{"total": len(in.State["out"].([]any))}, nil
		},
	}
	reg := graph.NewRegistry()
	for name, fn := range nodes {
		reg.Register(name, "", wrap(fn))
	}
	spec, err := graph.Parse([]byte(crashGraphSrc), "crash.yaml")
	if err != nil {
		return nil, err
	}
	return graph.Compile(spec, reg)
}

// crashTrace appends one line per event to the file the parent reads:
// "<task>" when a task starts, "<task> done" when its function returned,
// "<task> recorded" once the store holds its result, and "checkpoint <step>"
// and "checkpoint <step> saved" around each commit.
type crashTrace struct {
	mu   sync.Mutex
	f    *os.File
	hold string
}

// note appends line. When line is the hold line, the process parks for
// good with the lock held, so nothing else is traced before the parent
// kills it.
func (tr *crashTrace) note(line string) {
	tr.mu.Lock()
	defer tr.mu.Unlock()
	if _, err := tr.f.WriteString(line + "\n"); err != nil {
		panic(err)
	}
	if line == tr.hold {
		// Block in a read of the pipe the parent never writes to; a read in
		// a system call keeps the runtime from declaring a deadlock.
		_, _ = io.Copy(io.Discard, os.Stdin)
		panic("the parent closed the hold pipe before killing the child")
	}
}

// crashStore traces the commits and task results of the store it wraps.
type crashStore struct {
	graph.Store
	tr *crashTrace
}

func (s crashStore) Commit(ctx context.Context, cp *graph.Checkpoint) error {
	s.tr.note("checkpoint " + strconv.Itoa(cp.Step))
	if err := s.Store.Commit(ctx, cp); err != nil {
		return err
	}
	s.tr.note("checkpoint " + strconv.Itoa(cp.Step) + " saved")
	return nil
}

func (s crashStore) PutTask(ctx context.Context, thread string, step int,
	r *graph.TaskResult) error {
	if err := s.Store.PutTask(ctx, thread, step, r); err != nil {
		return err
	}
	s.tr.note(r.Task.ID + " recorded")
	return nil
}

// crashChild runs or resumes the thread as the environment says and
// returns the process's exit code.
func crashChild() int {
	if err := runCrashChild(); err != nil {
		fmt.Fprintln(os.Stderr, "crash child:", err)
		return 1
	}
	return 0
}

func runCrashChild() error {
	f, err := os.OpenFile(os.Getenv(crashTraceEnv), os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
	if err != nil {
		return err
	}
	defer f.Close()
	tr := &crashTrace{f: f, hold: os.Getenv(crashHoldEnv)}
	store, err := sqlite.Open(os.Getenv(crashDBEnv), sqlite.Options{})
	if err != nil {
		return err
	}
	defer store.Close()
	g, err := crashGraph(func(fn graph.Func) graph.Func {
		return func(ctx context.Context, in graph.Input) (graph.Update, error) {
			tr.note(in.Task)
			upd, err := fn(ctx, in)
			if err == nil {
				tr.note(in.Task + " done")
			}
			return upd, err
		}
	})
	if err != nil {
		return err
	}

	e := graph.NewEngine(graph.Options{Store: crashStore{Store: store, tr: tr}})
	ctx := context.Background()
	thread := os.Getenv(crashThreadEnv)
	_, err = e.Resume(ctx, g, thread, graph.RunOptions{})
	if errors.Is(err, graph.ErrThreadNotFound) {
		_, err = e.Run(ctx, g, graph.RunOptions{Thread: thread})
	}
	return err
}

// crashKill says when the parent kills a child: once the child has traced
// the line hold, where it parks, or else once it has traced this many
// lines of its own.
type crashKill struct {
	hold  string
	lines int
}

func (k crashKill) String() string {
	if k.hold != "" {
		return fmt.Sprintf("right after %q", k.hold)
	}
	return fmt.Sprintf("after %d lines", k.lines)
}

// crashChildRun is what one child process did and left in the store.
type crashChildRun struct {
	kill *crashKill // nil for the child meant to finish the thread
	// killed is false when the child finished before its kill point.
	killed bool
	lines  []string
	// recorded holds the tasks whose results the store held once the
	// child had ended; last is the last committed step, -1 for none.
	recorded map[string]bool
	last     int
}

// crashSequence starts a child for each kill and one more that must
// finish the thread, and returns what each did and the final state.
func crashSequence(t *testing.T, kills []crashKill) ([]crashChildRun, graph.State) {
	t.Helper()
	dir := t.TempDir()
	db, tracePath := filepath.Join(dir, "crash.db"), filepath.Join(dir, "trace")
	var runs []crashChildRun
	for i := 0; i <= len(kills); i++ {
		run := crashChildRun{}
		if i < len(kills) {
			run.kill = &kills[i]
		}
		run.lines, run.killed = crashRunChild(t, db, tracePath, run.kill)
		run.recorded, run.last = crashRecorded(t, db)
		runs = append(runs, run)
	}
	return runs, crashFinalState(t, db)
}

// crashRunChild runs one child and, when k is set, kills it at k. It
// returns the lines the child traced and whether it was killed.
func crashRunChild(t *testing.T, db, tracePath string, k *crashKill) ([]string, bool) {
	t.Helper()
	before := len(readCrashTrace(t, tracePath))
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), crashChildEnv+"=1", crashDBEnv+"="+db,
		crashTraceEnv+"="+tracePath, crashThreadEnv+"="+crashThread,
		// Under the race detector, skip its pause at exit.
		"GORACE="+strings.TrimSpace(os.Getenv("GORACE")+" atexit_sleep_ms=0"))
	if k != nil && k.hold != "" {
		cmd.Env = append(cmd.Env, crashHoldEnv+"="+k.hold)
	}
	var output bytes.Buffer
	cmd.Stdout, cmd.Stderr = &output, &output
	// The child parks on this pipe at its hold line; it is closed only
	// once the child is gone.
	hold, err := cmd.StdinPipe()
	require.NoError(t, err)
	defer hold.Close()
	require.NoError(t, cmd.Start())
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	own := func() []string { return readCrashTrace(t, tracePath)[before:] }

	// Poll the trace until the kill point, the child's end or the deadline.
	tick := time.NewTicker(200 * time.Microsecond)
	defer tick.Stop()
	deadline := time.NewTimer(crashDeadline)
	defer deadline.Stop()
	for {
		select {
		case err := <-exited:
			require.NoError(t, err, "child output:\n%s", output.String())
			require.True(t, k == nil || k.hold == "",
				"the child finished without tracing the hold line %q", k)
			return own(), false
		case <-deadline.C:
			_ = cmd.Process.Signal(syscall.SIGKILL)
			<-exited
			t.Fatalf("the child neither finished nor reached its kill point; output:\n%s",
				output.String())
		case <-tick.C:
		}
		lines := own()
		if k == nil || !(slices.Contains(lines, k.hold) || k.hold == "" && len(lines) >= k.lines) {
			continue
		}
		if err := cmd.Process.Signal(syscall.SIGKILL); !errors.Is(err, os.ErrProcessDone) {
			require.NoError(t, err)
		}
		err := <-exited
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			ws, ok := ee.Sys().(syscall.WaitStatus)
			require.True(t, ok && ws.Signaled() && ws.Signal() == syscall.SIGKILL,
				"the child ended with %v, not by the kill; output:\n%s", err, output.String())
			return own(), true
		}
		// The child finished between the last read and the kill.
		require.NoError(t, err, "child output:\n%s", output.String())
		return own(), false
	}
}

// readCrashTrace returns the complete lines of the trace file.
func readCrashTrace(t *testing.T, path string) []string {
	t.Helper()
	data, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	require.NoError(t, err)
	lines := strings.Split(string(data), "\n")
	return lines[:len(lines)-1]
}

// crashRecorded returns the ids of the tasks whose results the store
// holds, committed or pending, and the last committed step.
func crashRecorded(t *testing.T, db string) (map[string]bool, int) {
	t.Helper()
	s, err := sqlite.Open(db, sqlite.Options{})
	require.NoError(t, err)
	defer s.Close()
	h, err := s.Load(context.Background(), crashThread)
	if errors.Is(err, graph.ErrThreadNotFound) {
		return map[string]bool{}, -1
	}
	require.NoError(t, err, "the store must load after a kill")
	ids := map[string]bool{}
	for _, cp := range h.Checkpoints {
		for _, rec := range cp.Tasks {
			ids[rec.ID] = true
		}
	}
	for _, p := range h.Pending {
		ids[p.Task.ID] = true
	}
	return ids, h.Last().Step
}

// crashFinalState resumes the finished thread, which runs no node, and
// returns its state.
func crashFinalState(t *testing.T, db string) graph.State {
	t.Helper()
	g, err := crashGraph(func(graph.Func) graph.Func {
		return func(_ context.Context, in graph.Input) (graph.Update, error) {
			return nil, fmt.Errorf("task %s ran in a finished thread", in.Task)
		}
	})
	require.NoError(t, err)
	s, err := sqlite.Open(db, sqlite.Options{})
	require.NoError(t, err)
	defer s.Close()
	res, err := graph.NewEngine(graph.Options{Store: s}).
		Resume(context.Background(), g, crashThread, graph.RunOptions{})
	require.NoError(t, err)
	require.Equal(t, graph.Succeeded, res.Status)
	return res.State
}

// taskStarts returns the ids of the tasks started in lines, in order.
func taskStarts(lines []string) []string {
	var ids []string
	for _, l := range lines {
		if !strings.Contains(l, " ") {
			ids = append(ids, l)
		}
	}
	return ids
}

// lineStep returns the step a trace line belongs to.
func lineStep(line string) int {
	first, rest, _ := strings.Cut(line, " ")
	if first == "checkpoint" {
		first, _, _ = strings.Cut(rest, " ")
	} else {
		first, _, _ = strings.Cut(first, ":")
	}
	n, err := strconv.Atoi(first)
	if err != nil {
		panic("trace line without a step: " + line)
	}
	return n
}

// checkCrashRuns checks the final state against want and that each kill
// cost at most the tasks in flight in the step after the last commit.
func checkCrashRuns(t *testing.T, runs []crashChildRun, got, want graph.State) {
	t.Helper()
	assert.Equal(t, want, got, "the resumed thread ends in the state of an uninterrupted run")
	out, _ := got["out"].([]any)
	seen := map[string]int{}
	for _, v := range out {
		seen[fmt.Sprint(v)]++
	}
	for v, n := range seen {
		assert.Equal(t, 1, n, "item %.24q is in the list %d times", v, n)
	}
	assert.Len(t, out, crashItems+crashLoops, "items were lost or added")

	starts := map[string]int{} // task id: times started
	lost := map[string]int{}   // task id: kills that lost its result
	stored := map[string]bool{}
	for i, run := range runs {
		for _, id := range taskStarts(run.lines) {
			starts[id]++
			assert.False(t, stored[id], "child %d started task %s again, although the store "+
				"held its result after child %d was killed %v", i+1, id, i, runs[max(i-1, 0)].kill)
		}
		stored = run.recorded
		if !run.killed {
			continue
		}
		var gone []string
		for _, id := range taskStarts(run.lines) {
			if run.recorded[id] || slices.Contains(gone, id) {
				continue
			}
			gone = append(gone, id)
			lost[id]++
			assert.Equal(t, run.last+1, lineStep(id), "killed %v, child %d lost task %s, "+
				"although its step had committed (last step %d)", run.kill, i+1, id, run.last)
		}
		bound := 1
		if run.last+1 == 2 {
			bound = crashBound
		}
		assert.LessOrEqual(t, len(gone), bound, "killed %v, child %d lost tasks %v "+
			"(last step %d)", run.kill, i+1, gone, run.last)
		t.Logf("child %d killed %v, at line %d of its trace: step %d committed, lost %v",
			i+1, run.kill, len(run.lines), run.last, gone)
	}
	assert.Len(t, starts, crashTasks, "every task ran")
	for id, n := range starts {
		assert.LessOrEqual(t, n-1, lost[id], "task %s started %d times but was lost "+
			"at only %d kills", id, n, lost[id])
	}
}

func TestCrashedThreadResumesToTheUninterruptedResult(t *testing.T) {
	// The uninterrupted run gives the expected state and the kill points.
	ref, want := crashSequence(t, nil)
	reference := ref[0].lines
	checkCrashRuns(t, ref, want, want)
	require.Equal(t, crashLoops, want["n"])
	for _, id := range taskStarts(reference) {
		start, done := slices.Index(reference, id), slices.Index(reference, id+" done")
		require.Less(t, start, done, "task %s started, then finished", id)
	}

	// Every line of the first, fan-out, loop and last steps is a kill
	// point; the middle of the loop is sampled once.
	var holds []string
	for _, l := range reference {
		if s := lineStep(l); s <= 4 || s == 10 || s >= crashLoops+1 {
			holds = append(holds, l)
		}
	}
	for _, hold := range holds {
		t.Run("killed right after "+hold, func(t *testing.T) {
			t.Parallel()
			runs, got := crashSequence(t, []crashKill{{hold: hold}})
			checkCrashRuns(t, runs, got, want)
		})
	}

	// Kills that land wherever the child is once the parent sees its
	// trace reach a length, including inside SQLite's commits.
	for _, n := range []int{1, 2, 4, 7, 11, 16, 22, 28, 35, 45, 55, 65, 75, 85} {
		t.Run(fmt.Sprintf("killed after %d lines", n), func(t *testing.T) {
			t.Parallel()
			runs, got := crashSequence(t, []crashKill{{lines: n}})
			checkCrashRuns(t, runs, got, want)
		})
	}

	t.Run("killed again and again at chosen points", func(t *testing.T) {
		t.Parallel()
		var kills []crashKill
		for _, hold := range []string{"checkpoint 0", "1:split done", "2:work:1 done",
			"checkpoint 2", "4:grow done", "4:grow", "checkpoint 10 saved",
			"18:finish done", "checkpoint 18"} {
			kills = append(kills, crashKill{hold: hold})
		}
		runs, got := crashSequence(t, kills)
		checkCrashRuns(t, runs, got, want)
		for i, run := range runs[:len(kills)] {
			assert.True(t, run.killed, "child %d was killed", i+1)
		}
	})
	t.Run("killed again and again every few lines", func(t *testing.T) {
		t.Parallel()
		kills := slices.Repeat([]crashKill{{lines: 9}}, 8)
		runs, got := crashSequence(t, kills)
		checkCrashRuns(t, runs, got, want)
	})
}

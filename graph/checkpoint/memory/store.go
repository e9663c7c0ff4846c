package memory

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/graphrun/graphrun/graph"
	"github.com/graphrun/graphrun/graph/checkpoint"
)

// Store is an in-memory [graph.Store]. The zero value is not usable; call
// [New]. A Store is safe for concurrent use by many goroutines.
type Store struct {
	mu      sync.RWMutex
	threads map[string]*thread
}

// thread is what the store holds about one thread. Encoded values are
// never modified once stored, so readers may decode them outside the lock.
type thread struct {
	graph   string
	created time.Time
	// last is what a listing shows according to the last checkpoint.
	last checkpoint.Shown
	// checkpoints holds encoded checkpoints in step order.
	checkpoints []stored
	// pending maps a step to the results put for it, in put order.
	pending map[int][]stored
	// status is the encoded status last set, set its decoded form.
	status []byte
	set    *graph.ThreadStatus
}

// stored is one encoded value with its key: a step for checkpoints, a task
// id for pending results.
type stored struct {
	step int
	task string
	data []byte
}

var _ graph.Store = (*Store)(nil)

// New returns an empty store.
func New() *Store {
	return &Store{threads: make(map[string]*thread)}
}

// step returns the thread's last committed step, or -1 before its first
// commit.
func (t *thread) step() int {
	if len(t.checkpoints) == 0 {
		return -1
	}
	return t.checkpoints[len(t.checkpoints)-1].step
}

// info returns the thread's listing entry.
func (t *thread) info(id string) graph.ThreadInfo {
	sh := t.last.With(t.set)
	return graph.ThreadInfo{
		Thread: id, Graph: t.graph, Status: sh.Status, Step: t.step(),
		Created: t.created, Updated: sh.Updated, Error: sh.Error,
	}
}

// Commit records cp and drops the pending results of its step. It fails
// with [graph.ErrConflict] when the thread already has a checkpoint for
// cp.Step or a later step.
func (s *Store) Commit(ctx context.Context, cp *graph.Checkpoint) error {
	if err := checkpoint.Check(cp); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	data, err := checkpoint.Encode(cp)
	if err != nil {
		return fmt.Errorf("commit: %w", err)
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	t := s.threads[cp.Thread]
	if t == nil {
		t = newThread()
		s.threads[cp.Thread] = t
	}
	if cp.Step <= t.step() {
		return fmt.Errorf("commit thread %s step %d: %w", cp.Thread, cp.Step, graph.ErrConflict)
	}
	if len(t.checkpoints) == 0 {
		t.created = cp.Time.UTC()
	}
	t.checkpoints = append(t.checkpoints, stored{step: cp.Step, data: data})
	delete(t.pending, cp.Step)
	t.graph = cp.Graph
	t.last = checkpoint.ShownOf(cp)
	return nil
}

// PutTask records r as a pending result of step step of thread, replacing
// an earlier result of the same task. It fails with [graph.ErrConflict]
// when the step has already committed.
func (s *Store) PutTask(ctx context.Context, thread string, step int, r *graph.TaskResult) error {
	if err := checkpoint.CheckResult(thread, step, r); err != nil {
		return fmt.Errorf("put task: %w", err)
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("put task: %w", err)
	}
	data, err := checkpoint.EncodeResult(r)
	if err != nil {
		return fmt.Errorf("put task: %w", err)
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	t := s.threads[thread]
	if t == nil {
		t = newThread()
		s.threads[thread] = t
	}
	if step <= t.step() {
		return fmt.Errorf("put task %s: thread %s step %d has committed: %w",
			r.Task.ID, thread, step, graph.ErrConflict)
	}
	rs := t.pending[step]
	i := slices.IndexFunc(rs, func(x stored) bool { return x.task == r.Task.ID })
	if i >= 0 {
		rs[i].data = data
		return nil
	}
	t.pending[step] = append(rs, stored{step: step, task: r.Task.ID, data: data})
	return nil
}

// SetStatus records st as the thread's status, replacing the one set
// before. It fails with [graph.ErrThreadNotFound] when the thread has no
// checkpoint.
func (s *Store) SetStatus(ctx context.Context, thread string, st graph.ThreadStatus) error {
	if err := checkpoint.CheckStatus(thread, st); err != nil {
		return fmt.Errorf("set status: %w", err)
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("set status: %w", err)
	}
	data, err := checkpoint.EncodeStatus(&st)
	if err != nil {
		return fmt.Errorf("set status: %w", err)
	}
	set, err := checkpoint.DecodeStatus(data)
	if err != nil {
		return fmt.Errorf("set status: %w", err)
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	t := s.threads[thread]
	if t == nil || len(t.checkpoints) == 0 {
		return fmt.Errorf("set status of thread %s: %w", thread, graph.ErrThreadNotFound)
	}
	t.status, t.set = data, set
	return nil
}

// Load returns the thread's checkpoints, the pending results of the step
// after the last one and the status last set, all decoded afresh, or
// [graph.ErrThreadNotFound].
func (s *Store) Load(ctx context.Context, thread string) (*graph.History, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("load: %w", err)
	}
	s.mu.RLock()
	t := s.threads[thread]
	if t == nil || len(t.checkpoints) == 0 {
		s.mu.RUnlock()
		return nil, fmt.Errorf("load thread %s: %w", thread, graph.ErrThreadNotFound)
	}
	cps := slices.Clone(t.checkpoints)
	pending := slices.Clone(t.pending[t.step()+1])
	status := t.status
	s.mu.RUnlock()

	h := &graph.History{Checkpoints: make([]*graph.Checkpoint, 0, len(cps))}
	for _, c := range cps {
		cp, err := checkpoint.Decode(c.data)
		if err := checkpoint.CorruptAt(thread, c.step, cp, err); err != nil {
			return nil, fmt.Errorf("load: %w", err)
		}
		h.Checkpoints = append(h.Checkpoints, cp)
	}
	for _, p := range pending {
		r, err := checkpoint.DecodeResult(p.data)
		if err := checkpoint.CorruptAt(thread, p.step, nil, err); err != nil {
			return nil, fmt.Errorf("load: %w", err)
		}
		h.Pending = append(h.Pending, r)
	}
	if status != nil {
		st, err := checkpoint.DecodeStatus(status)
		if err := checkpoint.CorruptAt(thread, h.Last().Step, nil, err); err != nil {
			return nil, fmt.Errorf("load: %w", err)
		}
		h.Status = st
	}
	return h, nil
}

// Threads lists the threads that match f, most recently updated first.
func (s *Store) Threads(ctx context.Context, f graph.ThreadFilter) ([]graph.ThreadInfo, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("threads: %w", err)
	}
	s.mu.RLock()
	var out []graph.ThreadInfo
	for id, t := range s.threads {
		if len(t.checkpoints) == 0 {
			continue
		}
		info := t.info(id)
		if f.Graph != "" && info.Graph != f.Graph || f.Status != "" && info.Status != f.Status {
			continue
		}
		out = append(out, info)
	}
	s.mu.RUnlock()
	slices.SortFunc(out, newestFirst)
	if f.Limit > 0 && len(out) > f.Limit {
		out = out[:f.Limit]
	}
	return out, nil
}

// Prune deletes every thread that is not running and matches o, with its
// pending results, and returns how many it deleted.
func (s *Store) Prune(ctx context.Context, o graph.PruneOptions) (int, error) {
	if err := ctx.Err(); err != nil {
		return 0, fmt.Errorf("prune: %w", err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	all := make([]graph.ThreadInfo, 0, len(s.threads))
	for id, t := range s.threads {
		if len(t.checkpoints) > 0 {
			all = append(all, t.info(id))
		}
	}
	slices.SortFunc(all, newestFirst)
	n := 0
	for i, info := range all {
		if checkpoint.Prunable(info, i, o) {
			delete(s.threads, info.Thread)
			n++
		}
	}
	return n, nil
}

// Close does nothing; a memory store holds no outside resources.
func (s *Store) Close() error { return nil }

// newestFirst orders listings by update time, newest first, then by
// thread id so that ties have a stable order.
func newestFirst(a, b graph.ThreadInfo) int {
	if c := b.Updated.Compare(a.Updated); c != 0 {
		return c
	}
	return cmp.Compare(a.Thread, b.Thread)
}

func newThread() *thread {
	return &thread{pending: make(map[int][]stored)}
}

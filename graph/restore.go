package graph

import "fmt"

// restore rebuilds the state and schedule of a thread from its history.
func (r *runner) restore(h *History) error {
	r.resumed = true
	if err := r.defaults(); err != nil {
		return err
	}
	for _, cp := range h.Checkpoints {
		if cp.Graph != "" && cp.Graph != r.g.Name() {
			return fmt.Errorf("thread %s belongs to graph %s, not %s", r.thread, cp.Graph, r.g.Name())
		}
		for _, w := range cp.Writes {
			if err := r.replay(cp.Step, w); err != nil {
				return &CorruptError{Thread: r.thread, Step: cp.Step, Err: err}
			}
		}
		for _, t := range cp.Tasks {
			r.keep(t)
		}
	}
	last := h.Last()
	r.step = last.Step
	r.counters = last.Counters
	r.next = last.Next
	for _, t := range r.next {
		if _, ok := r.g.nodes[t.Node]; !ok {
			return fmt.Errorf("thread %s waits on node %s, which graph %s no longer has",
				r.thread, t.Node, r.g.Name())
		}
	}
	r.pending = make(map[string]*TaskResult, len(h.Pending))
	for _, p := range h.Pending {
		p.fromStore = true
		r.pending[p.Task.ID] = p
	}
	if h.Status != nil {
		r.compensated = h.Status.Compensated
	}
	return nil
}

// keep remembers a completed task whose node has a compensation, which
// a failure of the run will call.
func (r *runner) keep(t TaskRecord) {
	if !r.g.hasComp {
		return
	}
	if n := r.g.nodes[t.Node]; n != nil && n.comp != nil && t.Error == nil {
		r.tasks = append(r.tasks, t)
	}
}

// replay applies one stored write to the state being rebuilt.
func (r *runner) replay(step int, w Write) error {
	f, ok := r.g.Field(w.Field)
	if !ok {
		return fmt.Errorf("write to undeclared field %s", w.Field)
	}
	if step == 0 {
		v, err := coerce(f.Type, w.Value)
		if err != nil {
			return fmt.Errorf("field %s: %w", w.Field, err)
		}
		r.state[w.Field] = v
		return nil
	}
	v, err := coerceUpdate(&f, w.Value)
	if err != nil {
		return fmt.Errorf("field %s: %w", w.Field, err)
	}
	nv, err := reduce(&f, r.state[w.Field], v)
	if err != nil {
		return fmt.Errorf("field %s: %w", w.Field, err)
	}
	r.state[w.Field] = nv
	return nil
}

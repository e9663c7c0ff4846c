package graph

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/expr-lang/expr/vm"
)

// route picks the tasks that follow node n, reading the state as it will
// be once n's own writes are applied.
func (r *runner) route(n *node, writes []Write) ([]Task, error) {
	needsState := false
	for _, e := range n.out {
		if e.Switch != nil || e.Map != nil {
			needsState = true
		}
	}
	env := r.state
	if needsState && len(writes) > 0 {
		env = make(State, len(r.state))
		for k, v := range r.state {
			env[k] = v
		}
		for _, w := range writes {
			f := r.fieldOf(w)
			cur := env[w.Field]
			if l, ok := cur.([]any); ok {
				cur = slices.Clip(l)
			}
			v, err := reduce(f, cur, w.Value)
			if err != nil {
				return nil, err
			}
			env[w.Field] = v
		}
	}
	return r.routeEdgesInto(nil, n.out, n.Name, env, nil)
}

// routeInPlace is route for a step with a single task: it applies the
// writes to the state itself, so no copy is made, and takes them back when
// routing fails.
func (r *runner) routeInPlace(n *node, writes []Write) ([]Task, error) {
	var saved [4]any
	old := saved[:0]
	for _, w := range writes {
		f := r.fieldOf(w)
		cur := r.state[w.Field]
		old = append(old, cur)
		v, err := reduce(f, cur, w.Value)
		if err != nil {
			r.undo(writes[:len(old)-1], old)
			return nil, err
		}
		r.state[w.Field] = v
	}
	var into []Task
	if r.inlineSolo {
		// Alternate two buffers: the step's own tasks sit in one while
		// routing fills the other, and the checkpoint that lists them is
		// encoded before the buffer comes round again.
		r.flip = !r.flip
		into = r.nextBuf[b2i(r.flip)][:0]
	}
	next, err := r.routeEdgesInto(into, n.out, n.Name, r.state, r.evaluator())
	if err != nil {
		r.undo(writes, old)
		return nil, err
	}
	return next, nil
}

// undo puts back the values writes replaced, newest first.
func (r *runner) undo(writes []Write, old []any) {
	for i := len(writes) - 1; i >= 0; i-- {
		r.state[writes[i].Field] = old[i]
	}
}

// routeEdgesInto evaluates the edges leaving from against env, appending
// the tasks they schedule to into. Conditions run on m, or on a machine
// from the pool when m is nil: a machine serves one goroutine at a time.
func (r *runner) routeEdgesInto(into []Task, edges []*edge, from string, env State,
	m *vm.VM) ([]Task, error) {
	next := into
	for _, e := range edges {
		switch {
		case e.Map != nil:
			items, _ := env[e.Map.Over].([]any)
			next = slices.Grow(next, len(items))
			for i, item := range items {
				next = append(next, Task{Node: e.Map.To, Index: i, Item: item, HasItem: true})
			}
		case len(e.Switch) > 0:
			to, err := r.pick(e, from, env, m)
			if err != nil {
				return nil, err
			}
			if to != End {
				next = append(next, Task{Node: to})
			}
		default:
			for _, to := range e.To {
				if to != End {
					next = append(next, Task{Node: to})
				}
			}
		}
	}
	return next, nil
}

// pick returns the target of the first matching case of a switch edge.
func (r *runner) pick(e *edge, from string, env State, m *vm.VM) (string, error) {
	for i, c := range e.Switch {
		prog := e.cases[i]
		if prog == nil {
			return c.To, nil
		}
		ok, err := evalWhen(m, prog, c.When, from, c.Pos, env)
		if err != nil {
			return "", err
		}
		if ok {
			return c.To, nil
		}
	}
	return "", &RouteError{Node: from, Pos: e.Pos,
		Msg: "no case matched and the switch has no default (add a case without `when`)"}
}

// evalWhen evaluates a compiled condition against env on m, or on a
// machine from the pool when m is nil. A failure is a [*RouteError] of
// node from.
func evalWhen(m *vm.VM, prog *vm.Program, when, from string, pos Pos, env State) (bool, error) {
	if m == nil {
		m = vmPool.Get().(*vm.VM)
		defer vmPool.Put(m)
	}
	out, err := m.Run(prog, map[string]any(env))
	if err != nil {
		// expr adds a drawing of the expression under its first line.
		msg, _, _ := strings.Cut(err.Error(), "\n")
		return false, &RouteError{Node: from, Pos: pos,
			Msg: fmt.Sprintf("evaluate %q: %s", when, msg)}
	}
	b, _ := out.(bool)
	return b, nil
}

// deferred splits the scheduled tasks into those that run now and the
// deferred ones held back while anything else is scheduled.
func (r *runner) deferred(tasks []Task) (run, held []Task) {
	if !r.g.hasDefer {
		return tasks, nil
	}
	for _, t := range tasks {
		if r.g.nodes[t.Node].Defer {
			held = append(held, t)
		} else {
			run = append(run, t)
		}
	}
	if len(run) == 0 || len(held) == 0 {
		return tasks, nil
	}
	for i := range held {
		held[i].ID = ""
	}
	return run, held
}

// assignIDs gives the tasks of a step their ids, in place: the slice is
// the step's own, fresh from routing or gathering. Plain tasks of one node
// run once per step; map and fallback tasks each run.
func (r *runner) assignIDs(step int, tasks []Task) []Task {
	if len(tasks) == 0 {
		return nil
	}
	if len(tasks) == 1 {
		// The id built in one allocation.
		t := &tasks[0]
		var buf [64]byte
		b := strconv.AppendInt(buf[:0], int64(step), 10)
		b = append(append(b, ':'), t.Node...)
		if t.HasItem {
			b = strconv.AppendInt(append(b, ':'), int64(t.Index), 10)
		}
		t.ID = string(b)
		return tasks[:1:1]
	}
	// The ids are cut from one string, built in one allocation.
	var (
		b      strings.Builder
		num    [20]byte
		endBuf [128]int
		used   map[string]int
	)
	prefix := strconv.AppendInt(num[:0], int64(step), 10)
	size := 0
	for _, t := range tasks {
		size += len(prefix) + len(t.Node) + 8
	}
	b.Grow(size)
	ends := endBuf[:0]
	for _, t := range tasks {
		start := b.Len()
		b.Write(prefix)
		b.WriteByte(':')
		b.WriteString(t.Node)
		if t.HasItem {
			b.WriteByte(':')
			b.Write(strconv.AppendInt(num[len(prefix):len(prefix)], int64(t.Index), 10))
		}
		if t.Error != nil || !t.HasItem {
			// Fallback tasks, and a plain task beside fallback tasks of
			// its node, may share a name: number the repeats.
			if used == nil {
				used = map[string]int{}
			}
			name := b.String()[start:]
			if n := used[name]; n > 0 {
				b.WriteByte('#')
				b.WriteString(strconv.Itoa(n + 1))
			}
			used[name]++
		}
		ends = append(ends, b.Len())
	}
	ids := b.String()
	begin := 0
	for i := range tasks {
		tasks[i].ID = ids[begin:ends[i]]
		begin = ends[i]
	}
	return tasks
}

// vmPool holds expression machines for reuse across evaluations.
var vmPool = sync.Pool{New: func() any { return new(vm.VM) }}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

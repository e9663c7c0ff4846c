package graph

import (
	"context"
	"sync"
)

// Durability says when the engine writes a step's checkpoint.
type Durability string

// The durability modes. See docs/checkpoints.md for what each risks.
const (
	// Sync writes each checkpoint before the next step starts: a killed
	// process loses at most the step in flight. It is the default.
	Sync Durability = "sync"
	// Async writes checkpoints in the background, in order, while the next
	// step runs: a killed process may lose the last few steps, and a run
	// reports a write failure at its end.
	Async Durability = "async"
	// Exit keeps checkpoints in memory and writes them when the run ends,
	// fails or is interrupted: a killed process loses the whole run.
	Exit Durability = "exit"
)

// committer writes checkpoints with the engine's durability.
type committer struct {
	store Store
	mode  Durability
	mu    sync.Mutex
	queue []func(context.Context) error // Exit: writes kept until flush
	ops   chan func(context.Context) error
	done  chan struct{}
	err   error
}

func newCommitter(s Store, mode Durability) *committer {
	return &committer{store: s, mode: mode}
}

// do performs or schedules a store write.
func (c *committer) do(ctx context.Context, op func(context.Context) error) error {
	if c.store == nil {
		return nil
	}
	switch c.mode {
	case Exit:
		c.mu.Lock()
		c.queue = append(c.queue, op)
		c.mu.Unlock()
		return nil
	case Async:
		c.mu.Lock()
		if c.ops == nil {
			c.ops = make(chan func(context.Context) error, 256)
			c.done = make(chan struct{})
			go c.drain(context.WithoutCancel(ctx))
		}
		err := c.err
		c.mu.Unlock()
		if err != nil {
			return err
		}
		c.ops <- op
		return nil
	}
	return op(ctx)
}

func (c *committer) drain(ctx context.Context) {
	defer close(c.done)
	for op := range c.ops {
		c.mu.Lock()
		failed := c.err != nil
		c.mu.Unlock()
		if failed {
			continue
		}
		if err := op(ctx); err != nil {
			c.mu.Lock()
			c.err = err
			c.mu.Unlock()
		}
	}
}

// flush waits for every scheduled write and returns the first error.
func (c *committer) flush(ctx context.Context) error {
	switch c.mode {
	case Exit:
		c.mu.Lock()
		q := c.queue
		c.queue = nil
		c.mu.Unlock()
		for _, op := range q {
			if err := op(context.WithoutCancel(ctx)); err != nil {
				return err
			}
		}
	case Async:
		c.mu.Lock()
		ops := c.ops
		c.ops = nil
		c.mu.Unlock()
		if ops != nil {
			close(ops)
			<-c.done
		}
		c.mu.Lock()
		defer c.mu.Unlock()
		return c.err
	}
	return nil
}

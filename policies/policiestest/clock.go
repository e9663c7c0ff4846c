package policiestest

import (
	"context"
	"slices"
	"sync"
	"time"
)

// Epoch is the time a [FakeClock] made by [NewFakeClock] starts at when
// given the zero time.
var Epoch = time.Date(2030, time.January, 1, 0, 0, 0, 0, time.UTC)

// FakeClock is a clock for tests. Its time moves only when Sleep or Advance
// is called; Sleep never blocks. It records every wait asked of it. It
// satisfies the Clock interface of package policies and is safe for
// concurrent use.
type FakeClock struct {
	mu    sync.Mutex
	now   time.Time
	waits []time.Duration
}

// NewFakeClock returns a fake clock that reads start, or [Epoch] when start
// is the zero time.
func NewFakeClock(start time.Time) *FakeClock {
	if start.IsZero() {
		start = Epoch
	}
	return &FakeClock{now: start}
}

// Now returns the clock's current time.
func (c *FakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Sleep records d and moves the clock forward by d, without blocking. When
// ctx has already ended it records nothing and returns ctx.Err().
func (c *FakeClock) Sleep(ctx context.Context, d time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.waits = append(c.waits, d)
	if d > 0 {
		c.now = c.now.Add(d)
	}
	return nil
}

// Advance moves the clock forward by d without recording a wait.
func (c *FakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// Waits returns a copy of the waits recorded by Sleep, in call order.
func (c *FakeClock) Waits() []time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	return slices.Clone(c.waits)
}

// Slept returns the sum of the waits recorded by Sleep.
func (c *FakeClock) Slept() time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	var total time.Duration
	for _, d := range c.waits {
		total += d
	}
	return total
}

// Reset forgets the recorded waits; the time stays where it is.
func (c *FakeClock) Reset() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.waits = nil
}

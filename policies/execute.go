package policies

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// Hooks are optional callbacks that let the caller of [Policy.Execute]
// report what happens inside it. They run on the goroutine that called
// Execute; nil fields are skipped.
type Hooks struct {
	// OnAttempt is called as an attempt starts, with its 1-based number,
	// before the breaker is asked for a permit.
	OnAttempt func(attempt int)
	// OnRetry is called when a retry is scheduled, before the wait.
	OnRetry func(r RetryInfo)
	// OnBreaker is called for each state change of the policy's breaker
	// that this call made or was the first to see.
	OnBreaker func(c BreakerChange)
}

// RetryInfo describes a scheduled retry.
type RetryInfo struct {
	// Attempt is the attempt that failed; the retry is Attempt+1.
	Attempt int
	// Class is the failed attempt's class.
	Class Class
	// Delay is the wait before the retry.
	Delay time.Duration
	// Reason is [ReasonBackoff] or [ReasonRetryAfter].
	Reason string
	// Err is the failed attempt's error.
	Err *Error
}

// Execute runs fn under the policy and returns the number of attempts it
// made and the final error, nil on success. The layers, from the outside
// in, are the node deadline, retry, the breaker, chaos and the per-attempt
// timeout; fallback routes are the caller's (see [MatchRoute]).
//
// A non-nil error is always an [*Error] whose Class is one of [Classes]
// and whose Attempt is the attempt it came from; its Node is left empty.
// fn receives a context bounded by the node deadline and the per-attempt
// timeout, and the 1-based attempt number.
//
// With the nil *Policy, or one without timeout, deadline, retry, breaker
// or chaos, Execute calls fn once and allocates nothing on success.
func (p *Policy) Execute(ctx context.Context, h Hooks,
	fn func(ctx context.Context, attempt int) error) (attempts int, err error) {
	if p == nil || p.plain {
		if h.OnAttempt != nil {
			h.OnAttempt(1)
		}
		if err := fn(ctx, 1); err != nil {
			e, _ := outcome(ctx, ctx, ctx, 0, 1, err)
			return 1, e
		}
		return 1, nil
	}
	return p.execute(ctx, h, fn)
}

// execute is the retry loop.
func (p *Policy) execute(ctx context.Context, h Hooks,
	fn func(ctx context.Context, attempt int) error) (int, error) {
	// The node deadline bounds fn through its context and the waits
	// through the clock.
	node := ctx
	var deadline time.Time
	if p.spec.Deadline > 0 {
		var cancel context.CancelFunc
		node, cancel = context.WithTimeout(ctx, p.spec.Deadline)
		defer cancel()
		deadline = p.clock.Now().Add(p.spec.Deadline)
	}

	maxAttempts := 1
	var bo backoffer
	if p.retry != nil {
		maxAttempts = p.retry.MaxAttempts
		bo = backoffer{spec: p.retry, jitter: p.jitter}
	}

	var last *Error // the last failure of the work itself
	for n := 1; ; n++ {
		if h.OnAttempt != nil {
			h.OnAttempt(n)
		}
		e, final := p.attempt(ctx, node, h, n, fn)
		if e == nil {
			return n, nil
		}
		if e.Class == BreakerOpen && last != nil {
			// The breaker opened during this node's own retries: say what
			// opened it, which is the cause worth reporting.
			e.Err = fmt.Errorf("%w, after %s: %w", e.Err, last.Class, last.Err)
		} else if e.Class != BreakerOpen {
			last = e
		}
		if final || n >= maxAttempts || !p.retries(e.Class) {
			return n, e
		}

		// Pick the wait; give up rather than wait too long or into a
		// certain timeout.
		delay, reason := bo.delay(p.clock, e)
		if reason == ReasonRetryAfter && delay > p.retry.MaxWait {
			return n, e
		}
		if !p.fits(ctx, deadline, delay) {
			return n, e
		}

		if h.OnRetry != nil {
			h.OnRetry(RetryInfo{Attempt: n, Class: e.Class, Delay: delay, Reason: reason, Err: e})
		}
		if err := p.clock.Sleep(node, delay); err != nil {
			return n, waitFailed(ctx, n, delay, err, e)
		}
	}
}

// retries reports whether a failure of class c may be retried.
func (p *Policy) retries(c Class) bool {
	return c != Canceled && p.retryOn[c]
}

// fits reports whether a wait of d ends before the node deadline (by the
// policy's clock) and before ctx's deadline (by the wall clock).
func (p *Policy) fits(ctx context.Context, deadline time.Time, d time.Duration) bool {
	if !deadline.IsZero() && !p.clock.Now().Add(d).Before(deadline) {
		return false
	}
	if dl, ok := ctx.Deadline(); ok && time.Until(dl) <= d {
		return false
	}
	return true
}

// attempt runs attempt n through the breaker. It returns nil on success,
// or the classified failure and whether it must end the retries.
func (p *Policy) attempt(parent, node context.Context, h Hooks, n int,
	fn func(ctx context.Context, attempt int) error) (e *Error, final bool) {
	if p.breaker == nil {
		return p.try(parent, node, n, fn)
	}

	done, changes, err := p.breaker.allow()
	p.report(h, changes)
	if err != nil {
		err.Attempt = n
		return err, false
	}

	// A panic in fn still returns the permit, as a failure the breaker
	// does not count, and goes on up.
	finished := false
	defer func() {
		if !finished {
			p.breaker.finish(done, New(Unknown, errors.New("node panicked")))
		}
	}()
	e, final = p.try(parent, node, n, fn)
	finished = true

	var result error
	if e != nil {
		result = e
	}
	p.report(h, p.breaker.finish(done, result))
	return e, final
}

// try runs attempt n: an injected fault, or fn under the per-attempt
// timeout.
func (p *Policy) try(parent, node context.Context, n int,
	fn func(ctx context.Context, attempt int) error) (*Error, bool) {
	if p.chaos != nil {
		if e := p.chaos.inject(n); e != nil {
			return e, false
		}
	}
	actx := node
	if p.spec.Timeout > 0 {
		var cancel context.CancelFunc
		actx, cancel = context.WithTimeout(node, p.spec.Timeout)
		defer cancel()
	}
	err := fn(actx, n)
	if err == nil {
		return nil, false
	}
	return outcome(parent, node, actx, p.spec.Timeout, n, err)
}

// report passes the breaker changes to the hook, then to the subscribers.
func (p *Policy) report(h Hooks, changes []BreakerChange) {
	if len(changes) == 0 {
		return
	}
	if h.OnBreaker != nil {
		for _, c := range changes {
			h.OnBreaker(c)
		}
	}
	p.breaker.set.flush()
}

// outcome classifies the failure err of attempt n. When a context has
// ended, the context decides: the caller's cancellation is [Canceled],
// the caller's or the node's deadline is a final [Timeout], and the
// attempt's own timeout is a [Timeout] that may be retried. Otherwise err
// keeps its own class.
func outcome(parent, node, attempt context.Context, timeout time.Duration,
	n int, err error) (*Error, bool) {
	switch {
	case parent.Err() != nil:
		c := Timeout
		if errors.Is(parent.Err(), context.Canceled) {
			c = Canceled
		}
		return &Error{Class: c, Attempt: n, Err: err}, true
	case node != parent && node.Err() != nil:
		return &Error{Class: Timeout, Attempt: n,
			Err: fmt.Errorf("node deadline passed: %w", err)}, true
	case attempt != node && attempt.Err() != nil:
		return &Error{Class: Timeout, Attempt: n,
			Err: fmt.Errorf("attempt timed out after %s: %w", timeout, err)}, false
	}
	return classify(n, err), false
}

// classify returns err as an [*Error] of attempt n. An *Error is copied
// rather than wrapped, so that its message does not repeat the class.
func classify(n int, err error) *Error {
	if e, ok := err.(*Error); ok {
		c := *e
		c.Class = e.class()
		c.Attempt = n
		return &c
	}
	return &Error{Class: ClassOf(err), Attempt: n, RetryAfter: RetryAfterOf(err), Err: err}
}

// waitFailed is the error of a call whose context ended during the wait
// before a retry.
func waitFailed(parent context.Context, n int, d time.Duration, ctxErr error,
	last *Error) *Error {
	c := Timeout
	if errors.Is(parent.Err(), context.Canceled) {
		c = Canceled
	}
	return &Error{Class: c, Attempt: n,
		Err: fmt.Errorf("waiting %s to retry: %w; last error: %w", d, ctxErr, last)}
}

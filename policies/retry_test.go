package policies_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/graphrun/graphrun/policies"
	"github.com/graphrun/graphrun/policies/policiestest"
)

func TestRetry(t *testing.T) {
	limited := &policies.Error{Class: policies.RateLimit, RetryAfter: 7 * time.Second}
	tooLong := &policies.Error{Class: policies.RateLimit, RetryAfter: 2 * time.Minute}

	tests := []struct {
		name     string
		retry    policies.RetrySpec
		errs     []error
		attempts int
		class    policies.Class // "" means success
		waits    []time.Duration
		reasons  []string
	}{
		{
			name:     "a server error is retried until the node succeeds",
			errs:     times(2, classed(policies.ServerError)),
			attempts: 3,
			waits:    seconds(1, 2),
			reasons:  []string{policies.ReasonBackoff, policies.ReasonBackoff},
		},
		{
			name:     "retries stop at max attempts with the last error",
			retry:    policies.RetrySpec{MaxAttempts: 4},
			errs:     times(9, classed(policies.Timeout)),
			attempts: 4,
			class:    policies.Timeout,
			waits:    seconds(1, 2, 4),
		},
		{
			name:     "max attempts of one means no retry",
			retry:    policies.RetrySpec{MaxAttempts: 1},
			errs:     times(9, classed(policies.ServerError)),
			attempts: 1,
			class:    policies.ServerError,
		},
		{
			name:     "quota is not retried",
			errs:     times(9, classed(policies.Quota)),
			attempts: 1,
			class:    policies.Quota,
		},
		{
			name:     "auth is not retried",
			errs:     times(9, classed(policies.Auth)),
			attempts: 1,
			class:    policies.Auth,
		},
		{
			name:     "bad request is not retried",
			errs:     times(9, classed(policies.BadRequest)),
			attempts: 1,
			class:    policies.BadRequest,
		},
		{
			name:     "content too long is not retried",
			errs:     times(9, classed(policies.ContentTooLong)),
			attempts: 1,
			class:    policies.ContentTooLong,
		},
		{
			name:     "an unclassified error is unknown and not retried by default",
			errs:     times(9, assert.AnError),
			attempts: 1,
			class:    policies.Unknown,
		},
		{
			name:     "a listed class is retried and an unlisted one is not",
			retry:    policies.RetrySpec{On: []policies.Class{policies.Quota}},
			errs:     []error{classed(policies.Quota), classed(policies.ServerError)},
			attempts: 2,
			class:    policies.ServerError,
			waits:    seconds(1),
		},
		{
			name:     "any retries every class but canceled",
			retry:    policies.RetrySpec{On: []policies.Class{policies.Any}},
			errs:     []error{classed(policies.Auth), classed(policies.Canceled)},
			attempts: 2,
			class:    policies.Canceled,
			waits:    seconds(1),
		},
		{
			name:     "the server's retry-after wins over the backoff",
			errs:     []error{limited, classed(policies.ServerError)},
			attempts: 3,
			waits:    seconds(7, 2),
			reasons:  []string{policies.ReasonRetryAfter, policies.ReasonBackoff},
		},
		{
			name:     "a retry-after beyond max wait ends the retries at once",
			errs:     times(9, tooLong),
			attempts: 1,
			class:    policies.RateLimit,
		},
		{
			name:     "a retry-after within a raised max wait is honoured",
			retry:    policies.RetrySpec{MaxWait: 3 * time.Minute},
			errs:     []error{tooLong},
			attempts: 2,
			waits:    []time.Duration{2 * time.Minute},
			reasons:  []string{policies.ReasonRetryAfter},
		},
		{
			name: "delays grow by the multiplier and stop at max interval",
			retry: policies.RetrySpec{MaxAttempts: 7, InitialInterval: 500 * time.Millisecond,
				Multiplier: 3, MaxInterval: 10 * time.Second},
			errs:     times(9, classed(policies.Timeout)),
			attempts: 7,
			class:    policies.Timeout,
			waits:    seconds(0.5, 1.5, 4.5, 10, 10, 10),
		},
		{
			name: "an initial interval above max interval is capped",
			retry: policies.RetrySpec{InitialInterval: time.Minute,
				MaxInterval: 5 * time.Second},
			errs:     times(9, classed(policies.Timeout)),
			attempts: 3,
			class:    policies.Timeout,
			waits:    seconds(5, 5),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clock := policiestest.NewFakeClock(time.Time{})
			retry := tt.retry
			p := compile(t, policies.Spec{Name: "p", Retry: &retry}, nil, clock)
			s := fails(tt.errs...)

			var reasons []string
			var started []int
			h := policies.Hooks{
				OnRetry: func(r policies.RetryInfo) {
					reasons = append(reasons, r.Reason)
					assert.Equal(t, len(reasons)-1, len(clock.Waits()), "hook runs before the wait")
				},
				OnAttempt: func(n int) { started = append(started, n) },
			}
			attempts, err := p.Execute(context.Background(), h, s.fn)

			assert.Equal(t, tt.attempts, attempts)
			assert.Equal(t, tt.attempts, s.count())
			assert.Len(t, started, tt.attempts)
			if tt.class == "" {
				require.NoError(t, err)
			} else {
				e := requireClassified(t, err, tt.attempts)
				assert.Equal(t, tt.class, e.Class)
			}
			assert.Equal(t, tt.waits, nilIfEmpty(clock.Waits()))
			if tt.reasons != nil {
				assert.Equal(t, tt.reasons, reasons)
			}
		})
	}
}

func nilIfEmpty(d []time.Duration) []time.Duration {
	if len(d) == 0 {
		return nil
	}
	return d
}

func TestRetryJitter(t *testing.T) {
	t.Run("jittered delays stay within the spread and the cap", func(t *testing.T) {
		retry := &policies.RetrySpec{MaxAttempts: 6, InitialInterval: time.Second,
			MaxInterval: 6 * time.Second, Jitter: 0.5}
		base := seconds(1, 2, 4, 6, 6)
		distinct := map[time.Duration]bool{}
		for seed := range uint64(50) {
			clock := policiestest.NewFakeClock(time.Time{})
			p := compile(t, policies.Spec{Retry: retry}, nil, clock).WithJitterSeed(seed)
			_, err := p.Execute(context.Background(), policies.Hooks{},
				fails(times(9, classed(policies.ServerError))...).fn)
			requireClassified(t, err, 6)

			waits := clock.Waits()
			require.Len(t, waits, len(base))
			for i, w := range waits {
				assert.GreaterOrEqual(t, w, base[i]/2, "wait %d", i)
				assert.LessOrEqual(t, w, min(base[i]*3/2, 6*time.Second), "wait %d", i)
				distinct[w] = true
			}
		}
		assert.Greater(t, len(distinct), 100, "jitter should spread the delays")
	})

	t.Run("the same jitter seed gives the same delays", func(t *testing.T) {
		run := func() []time.Duration {
			clock := policiestest.NewFakeClock(time.Time{})
			p := compile(t, policies.Spec{Retry: &policies.RetrySpec{MaxAttempts: 5,
				Jitter: 0.3}}, nil, clock).WithJitterSeed(42)
			_, _ = p.Execute(context.Background(), policies.Hooks{},
				fails(times(9, classed(policies.Timeout))...).fn)
			return clock.Waits()
		}
		first := run()
		require.Len(t, first, 4)
		assert.Equal(t, first, run())
	})
}

func TestRetryDeadlines(t *testing.T) {
	t.Run("the node deadline ends retries before a wait that would pass it",
		func(t *testing.T) {
			clock := policiestest.NewFakeClock(time.Time{})
			p := compile(t, policies.Spec{Deadline: 10 * time.Second,
				Retry: &policies.RetrySpec{MaxAttempts: 10}}, nil, clock)
			attempts, err := p.Execute(context.Background(), policies.Hooks{},
				fails(times(20, classed(policies.ServerError))...).fn)

			e := requireClassified(t, err, 4)
			assert.Equal(t, 4, attempts)
			assert.Equal(t, policies.ServerError, e.Class)
			assert.Equal(t, seconds(1, 2, 4), clock.Waits())
		})

	t.Run("a wait that would end exactly at the node deadline is not taken",
		func(t *testing.T) {
			clock := policiestest.NewFakeClock(time.Time{})
			p := compile(t, policies.Spec{Deadline: 3 * time.Second,
				Retry: &policies.RetrySpec{MaxAttempts: 10}}, nil, clock)
			attempts, _ := p.Execute(context.Background(), policies.Hooks{},
				fails(times(20, classed(policies.ServerError))...).fn)
			assert.Equal(t, 2, attempts)
			assert.Equal(t, seconds(1), clock.Waits())
		})

	t.Run("the caller's deadline ends retries before a wait that would pass it",
		func(t *testing.T) {
			clock := policiestest.NewFakeClock(time.Time{})
			p := compile(t, policies.Spec{Retry: &policies.RetrySpec{
				InitialInterval: 2 * time.Hour, MaxInterval: 2 * time.Hour}}, nil, clock)
			ctx, cancel := context.WithTimeout(context.Background(), time.Hour)
			defer cancel()
			attempts, err := p.Execute(ctx, policies.Hooks{},
				fails(times(9, classed(policies.ServerError))...).fn)

			e := requireClassified(t, err, 1)
			assert.Equal(t, 1, attempts)
			assert.Equal(t, policies.ServerError, e.Class)
			assert.Empty(t, clock.Waits())
		})

	t.Run("the node deadline passing during an attempt is a final timeout",
		func(t *testing.T) {
			p := compile(t, policies.Spec{Deadline: time.Millisecond,
				Retry: &policies.RetrySpec{MaxAttempts: 5}}, nil,
				policiestest.NewFakeClock(time.Time{}))
			attempts, err := p.Execute(context.Background(), policies.Hooks{},
				func(ctx context.Context, _ int) error {
					<-ctx.Done()
					return ctx.Err()
				})
			e := requireClassified(t, err, 1)
			assert.Equal(t, 1, attempts)
			assert.Equal(t, policies.Timeout, e.Class)
			assert.ErrorIs(t, err, context.DeadlineExceeded)
		})
}

func TestAttemptTimeout(t *testing.T) {
	blockThenSucceed := func(ctx context.Context, attempt int) error {
		if attempt == 1 {
			<-ctx.Done()
			return policies.New(policies.ServerError, ctx.Err())
		}
		return nil
	}

	t.Run("an attempt that runs out of its timeout is a timeout and is retried",
		func(t *testing.T) {
			clock := policiestest.NewFakeClock(time.Time{})
			p := compile(t, policies.Spec{Timeout: time.Millisecond,
				Retry: &policies.RetrySpec{}}, nil, clock)
			var classes []policies.Class
			attempts, err := p.Execute(context.Background(), policies.Hooks{
				OnRetry: func(r policies.RetryInfo) { classes = append(classes, r.Class) },
			}, blockThenSucceed)
			require.NoError(t, err)
			assert.Equal(t, 2, attempts)
			assert.Equal(t, []policies.Class{policies.Timeout}, classes)
		})

	t.Run("a timed out attempt without retry fails as a timeout", func(t *testing.T) {
		p := compile(t, policies.Spec{Timeout: time.Millisecond}, nil, nil)
		attempts, err := p.Execute(context.Background(), policies.Hooks{}, blockThenSucceed)
		e := requireClassified(t, err, 1)
		assert.Equal(t, 1, attempts)
		assert.Equal(t, policies.Timeout, e.Class)
		assert.Contains(t, e.Error(), "attempt timed out after 1ms")
	})

	t.Run("the attempt context carries the timeout", func(t *testing.T) {
		clock := policiestest.NewFakeClock(time.Time{})
		p := compile(t, policies.Spec{Timeout: time.Hour}, nil, clock)
		_, err := p.Execute(context.Background(), policies.Hooks{},
			func(ctx context.Context, _ int) error {
				_, ok := ctx.Deadline()
				assert.True(t, ok)
				return nil
			})
		require.NoError(t, err)
	})
}

func TestCancel(t *testing.T) {
	t.Run("a caller's cancellation is canceled and never retried", func(t *testing.T) {
		clock := policiestest.NewFakeClock(time.Time{})
		p := compile(t, policies.Spec{Timeout: time.Hour, Retry: &policies.RetrySpec{
			MaxAttempts: 5, On: []policies.Class{policies.Any}}}, nil, clock)
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		attempts, err := p.Execute(ctx, policies.Hooks{},
			func(ctx context.Context, _ int) error {
				cancel()
				return policies.New(policies.ServerError, ctx.Err())
			})
		e := requireClassified(t, err, 1)
		assert.Equal(t, 1, attempts)
		assert.Equal(t, policies.Canceled, e.Class)
		assert.Empty(t, clock.Waits())
	})

	t.Run("a cancellation during the wait ends the call as canceled", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		p := compile(t, policies.Spec{Retry: &policies.RetrySpec{}}, nil,
			policiestest.NewFakeClock(time.Time{}))
		attempts, err := p.Execute(ctx, policies.Hooks{
			OnRetry: func(policies.RetryInfo) { cancel() },
		}, fails(times(9, classed(policies.ServerError))...).fn)
		e := requireClassified(t, err, 1)
		assert.Equal(t, 1, attempts)
		assert.Equal(t, policies.Canceled, e.Class)
		assert.ErrorIs(t, err, context.Canceled)
		assert.ErrorIs(t, err, policies.ErrClass(policies.ServerError))
	})
}

func TestNilPolicy(t *testing.T) {
	var p *policies.Policy
	tests := []struct {
		name  string
		err   error
		ctx   func() context.Context
		class policies.Class
	}{
		{name: "a success is nil", ctx: context.Background},
		{name: "an unclassified error is unknown", err: assert.AnError,
			ctx: context.Background, class: policies.Unknown},
		{name: "a classified error keeps its class and retry-after",
			err: &policies.Error{Class: policies.RateLimit, RetryAfter: time.Second},
			ctx: context.Background, class: policies.RateLimit},
		{name: "an error after the caller canceled is canceled", err: assert.AnError,
			ctx: func() context.Context {
				ctx, cancel := context.WithCancel(context.Background())
				cancel()
				return ctx
			}, class: policies.Canceled},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := fails(tt.err)
			attempts, err := p.Execute(tt.ctx(), policies.Hooks{}, s.fn)
			assert.Equal(t, 1, attempts)
			assert.Equal(t, 1, s.count())
			if tt.class == "" {
				require.NoError(t, err)
				return
			}
			e := requireClassified(t, err, 1)
			assert.Equal(t, tt.class, e.Class)
			assert.Equal(t, policies.RetryAfterOf(tt.err), e.RetryAfter)
			assert.ErrorIs(t, err, tt.err)
		})
	}

	t.Run("the nil policy has an empty spec", func(t *testing.T) {
		assert.Equal(t, policies.Spec{}, p.Spec())
		assert.Empty(t, p.Name())
	})
}

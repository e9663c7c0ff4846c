package policies_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/graphrun/graphrun/policies"
	"github.com/graphrun/graphrun/policies/policiestest"
)

func TestChaosRecovers(t *testing.T) {
	for _, class := range policies.DefaultRetryOn {
		t.Run(fmt.Sprintf("a 30%% rate of %s is absorbed by retries", class),
			func(t *testing.T) {
				const wait = 1500 * time.Millisecond
				clock := policiestest.NewFakeClock(time.Time{})
				p := compile(t, policies.Spec{
					Retry: &policies.RetrySpec{MaxAttempts: 8},
					Chaos: &policies.ChaosSpec{Class: class, Rate: 0.3, Seed: 7,
						RetryAfter: wait},
				}, nil, clock)

				var ok, injected, calls int
				h := policies.Hooks{OnRetry: func(r policies.RetryInfo) {
					if errors.Is(r.Err, policies.ErrInjected) {
						injected++
						assert.Equal(t, policies.ReasonRetryAfter, r.Reason)
						assert.Equal(t, wait, r.Delay)
					}
				}}
				for range 1000 {
					_, err := p.Execute(context.Background(), h,
						func(context.Context, int) error { calls++; return nil })
					if err == nil {
						ok++
					} else {
						requireClassified(t, err, 8)
					}
				}
				assert.GreaterOrEqual(t, ok, 999)
				assert.Greater(t, injected, 300)
				assert.Equal(t, ok, calls)
				for i, w := range clock.Waits() {
					require.Equal(t, wait, w, "wait %d", i)
				}
				assert.Len(t, clock.Waits(), injected)
			})
	}
}

func TestChaosPermanent(t *testing.T) {
	t.Run("a rate of one fails every call and opens a shared breaker", func(t *testing.T) {
		b := policies.NewBreakers()
		require.NoError(t, b.Declare(policies.BreakerSpec{Name: "llm", Failures: 3,
			Cooldown: time.Hour}))
		clock := policiestest.NewFakeClock(time.Time{})
		p := compile(t, policies.Spec{
			Breaker: "llm",
			Retry:   &policies.RetrySpec{MaxAttempts: 2},
			Chaos:   &policies.ChaosSpec{Class: policies.ServerError, Rate: 1},
		}, b, clock)

		var classes []policies.Class
		var calls int
		for range 10 {
			_, err := p.Execute(context.Background(), policies.Hooks{},
				func(context.Context, int) error { calls++; return nil })
			require.Error(t, err)
			classes = append(classes, policies.ClassOf(err))
		}
		assert.Zero(t, calls)
		assert.Equal(t, []string{"llm"}, b.Open())
		// Attempts 1, 2 and 3 are injected; the third opens the breaker;
		// the fourth, the second call's retry, is refused.
		assert.Equal(t, policies.ServerError, classes[0])
		for i, c := range classes[1:] {
			assert.Equal(t, policies.BreakerOpen, c, "call %d", i+2)
		}
	})
}

func TestChaosDeterminism(t *testing.T) {
	outcomes := func(p *policies.Policy) []bool {
		var out []bool
		for range 200 {
			_, err := p.Execute(context.Background(), policies.Hooks{},
				func(context.Context, int) error { return nil })
			out = append(out, err == nil)
		}
		return out
	}
	spec := &policies.ChaosSpec{Class: policies.Timeout, Rate: 0.5, Seed: 99}

	t.Run("the same seed injects the same faults", func(t *testing.T) {
		var base *policies.Policy
		a := outcomes(base.WithChaos(spec))
		assert.Equal(t, a, outcomes(base.WithChaos(spec)))
		assert.Contains(t, a, true)
		assert.Contains(t, a, false)
	})

	t.Run("another seed injects other faults", func(t *testing.T) {
		var base *policies.Policy
		other := *spec
		other.Seed = 100
		assert.NotEqual(t, outcomes(base.WithChaos(spec)), outcomes(base.WithChaos(&other)))
	})

	t.Run("with chaos removed nothing is injected", func(t *testing.T) {
		p := compile(t, policies.Spec{Chaos: spec}, nil, nil).WithChaos(nil)
		assert.NotContains(t, outcomes(p), false)
		assert.Nil(t, p.Spec().Chaos)
	})

	t.Run("an override replaces the spec's chaos and keeps the rest", func(t *testing.T) {
		p := compile(t, policies.Spec{Name: "call", Timeout: time.Hour}, nil, nil)
		q := p.WithChaos(&policies.ChaosSpec{Class: policies.Quota, Rate: 1,
			RetryAfter: time.Second})
		_, err := q.Execute(context.Background(), policies.Hooks{},
			func(context.Context, int) error { return nil })
		e := requireClassified(t, err, 1)
		assert.Equal(t, policies.Quota, e.Class)
		assert.Equal(t, time.Second, e.RetryAfter)
		assert.ErrorIs(t, err, policies.ErrInjected)
		assert.Equal(t, time.Hour, q.Spec().Timeout)
		assert.Nil(t, p.Spec().Chaos, "the original is unchanged")
	})
}

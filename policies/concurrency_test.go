package policies_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/graphrun/graphrun/policies"
	"github.com/graphrun/graphrun/policies/policiestest"
)

// validStep lists the state changes a breaker can make.
var validStep = map[string]bool{
	"closed->open":      true,
	"open->half-open":   true,
	"half-open->closed": true,
	"half-open->open":   true,
}

func TestBreakerShared(t *testing.T) {
	t.Run("many runs sharing one breaker see a valid order of changes",
		func(t *testing.T) {
			b := policies.NewBreakers()
			require.NoError(t, b.Declare(policies.BreakerSpec{Name: "llm", Failures: 3,
				Cooldown: time.Nanosecond, HalfOpenProbes: 2}))
			var log changeLog
			defer b.Subscribe(log.add)()
			clock := policiestest.NewFakeClock(time.Time{})

			// Each run compiles its own policy, as concurrent graphs do.
			newPolicy := func() *policies.Policy {
				return compile(t, policies.Spec{Breaker: "llm",
					Retry: &policies.RetrySpec{MaxAttempts: 2}}, b, clock)
			}

			// Trip it once for sure before the crowd arrives.
			first := newPolicy()
			for range 3 {
				_ = run(first, policies.Hooks{}, classed(policies.ModelUnavailable))
			}
			require.Equal(t, []string{"closed->open"}, log.steps())

			const runs = 200
			var wg sync.WaitGroup
			hookSteps := make([][]string, runs)
			for i := range runs {
				wg.Go(func() {
					p := newPolicy()
					h := policies.Hooks{OnBreaker: func(c policies.BreakerChange) {
						hookSteps[i] = append(hookSteps[i], c.From+"->"+c.To)
					}}
					for j := range 20 {
						var err error
						if (i+j)%3 != 0 {
							err = classed(policies.ServerError)
						}
						_, _ = p.Execute(context.Background(), h, fails(err).fn)
					}
				})
			}
			wg.Wait()
			b.States()

			steps := log.steps()
			require.Greater(t, len(steps), 1)
			prev := policies.StateClosed
			for i, s := range steps {
				require.True(t, validStep[s], "change %d is %s", i, s)
				require.Equal(t, prev+"->", s[:len(prev)+2], "change %d is %s", i, s)
				prev = s[len(prev)+2:]
			}

			// What the hooks saw is what the subscriber saw, shared out.
			var fromHooks int
			for _, s := range hookSteps {
				fromHooks += len(s)
				for _, step := range s {
					assert.True(t, validStep[step], step)
				}
			}
			assert.LessOrEqual(t, fromHooks, len(steps)-1)
		})
}

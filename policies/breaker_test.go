package policies_test

import (
	"context"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/graphrun/graphrun/policies"
	"github.com/graphrun/graphrun/policies/policiestest"
)

// changeLog collects breaker changes from a subscriber.
type changeLog struct {
	mu      sync.Mutex
	changes []policies.BreakerChange
}

func (l *changeLog) add(c policies.BreakerChange) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.changes = append(l.changes, c)
}

func (l *changeLog) steps() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	out := make([]string, len(l.changes))
	for i, c := range l.changes {
		out[i] = c.From + "->" + c.To
	}
	return out
}

// breakerPolicy declares one breaker named llm and compiles a policy that
// uses it, without retry.
func breakerPolicy(t *testing.T, bs policies.BreakerSpec) (*policies.Breakers,
	*policies.Policy) {
	t.Helper()
	bs.Name = "llm"
	b := policies.NewBreakers()
	require.NoError(t, b.Declare(bs))
	p := compile(t, policies.Spec{Name: "call", Breaker: "llm"}, b,
		policiestest.NewFakeClock(time.Time{}))
	return b, p
}

func run(p *policies.Policy, h policies.Hooks, err error) error {
	_, got := p.Execute(context.Background(), h, fails(err).fn)
	return got
}

// waitHalfOpen reads the states until the breaker's cooldown is over. The
// cooldown of the breakers it is used on is one nanosecond, so the loop
// ends at once in practice; its bound only keeps a broken breaker from
// hanging the test.
func waitHalfOpen(t *testing.T, b *policies.Breakers, name string) {
	t.Helper()
	for range 1_000_000 {
		if b.States()[name] == policies.StateHalfOpen {
			return
		}
		runtime.Gosched()
	}
	require.Fail(t, "breaker never became half-open", "state %s", b.States()[name])
}

func TestBreakerOpens(t *testing.T) {
	t.Run("it opens on the nth consecutive counted failure", func(t *testing.T) {
		b, p := breakerPolicy(t, policies.BreakerSpec{Failures: 3, Cooldown: time.Hour})
		var seen []policies.BreakerChange
		h := policies.Hooks{OnBreaker: func(c policies.BreakerChange) { seen = append(seen, c) }}

		for range 2 {
			require.Error(t, run(p, h, classed(policies.ServerError)))
			assert.Equal(t, policies.StateClosed, b.States()["llm"])
		}
		require.Error(t, run(p, h, classed(policies.Timeout)))
		assert.Equal(t, policies.StateOpen, b.States()["llm"])
		assert.Equal(t, []string{"llm"}, b.Open())
		require.Len(t, seen, 1)
		assert.Equal(t, "llm", seen[0].Name)
		assert.Equal(t, policies.StateClosed, seen[0].From)
		assert.Equal(t, policies.StateOpen, seen[0].To)
	})

	t.Run("a success resets the count of consecutive failures", func(t *testing.T) {
		b, p := breakerPolicy(t, policies.BreakerSpec{Failures: 2, Cooldown: time.Hour})
		require.Error(t, run(p, policies.Hooks{}, classed(policies.ServerError)))
		require.NoError(t, run(p, policies.Hooks{}, nil))
		require.Error(t, run(p, policies.Hooks{}, classed(policies.ServerError)))
		assert.Equal(t, policies.StateClosed, b.States()["llm"])
	})

	t.Run("an excluded failure neither counts nor resets the count", func(t *testing.T) {
		b, p := breakerPolicy(t, policies.BreakerSpec{Failures: 2, Cooldown: time.Hour})
		require.Error(t, run(p, policies.Hooks{}, classed(policies.ServerError)))
		require.Error(t, run(p, policies.Hooks{}, classed(policies.BadRequest)))
		assert.Equal(t, policies.StateClosed, b.States()["llm"])
		require.Error(t, run(p, policies.Hooks{}, classed(policies.ServerError)))
		assert.Equal(t, policies.StateOpen, b.States()["llm"])
	})
}

func TestBreakerExcludes(t *testing.T) {
	tests := []struct {
		name  string
		on    []policies.Class
		class policies.Class
	}{
		{name: "bad request never trips a default breaker", class: policies.BadRequest},
		{name: "content too long never trips a default breaker",
			class: policies.ContentTooLong},
		{name: "content filter never trips a default breaker",
			class: policies.ContentFilter},
		{name: "canceled never trips a default breaker", class: policies.Canceled},
		{name: "invalid response does not trip a default breaker",
			class: policies.InvalidResponse},
		{name: "unknown does not trip a default breaker", class: policies.Unknown},
		{name: "bad request never trips even a breaker on any",
			on: []policies.Class{policies.Any}, class: policies.BadRequest},
		{name: "canceled never trips even a breaker that lists it",
			on: []policies.Class{policies.Canceled}, class: policies.Canceled},
		{name: "an unlisted class does not trip a breaker with a list",
			on: []policies.Class{policies.Quota}, class: policies.ServerError},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, p := breakerPolicy(t, policies.BreakerSpec{Failures: 1, On: tt.on})
			for range 10 {
				err := run(p, policies.Hooks{}, classed(tt.class))
				assert.Equal(t, tt.class, policies.ClassOf(err))
			}
			assert.Equal(t, policies.StateClosed, b.States()["llm"])
			assert.Empty(t, b.Open())
		})
	}

	t.Run("invalid response trips a breaker that lists it", func(t *testing.T) {
		b, p := breakerPolicy(t, policies.BreakerSpec{Failures: 1,
			On: []policies.Class{policies.InvalidResponse}})
		require.Error(t, run(p, policies.Hooks{}, classed(policies.InvalidResponse)))
		assert.Equal(t, policies.StateOpen, b.States()["llm"])
	})
}

func TestBreakerOpenFailsFast(t *testing.T) {
	b := policies.NewBreakers()
	require.NoError(t, b.Declare(policies.BreakerSpec{Name: "llm", Failures: 1,
		Cooldown: time.Hour}))
	clock := policiestest.NewFakeClock(time.Time{})
	p := compile(t, policies.Spec{Breaker: "llm", Retry: &policies.RetrySpec{
		MaxAttempts: 5}}, b, clock)

	// The first call opens the breaker on its first attempt, and its
	// second attempt is refused, which ends the retries.
	s := fails(times(9, classed(policies.ServerError))...)
	attempts, err := p.Execute(context.Background(), policies.Hooks{}, s.fn)
	e := requireClassified(t, err, 2)
	assert.Equal(t, 2, attempts)
	assert.Equal(t, 1, s.count())
	assert.Equal(t, policies.BreakerOpen, e.Class)
	assert.Contains(t, e.Error(), `breaker "llm" is open`)

	t.Run("an open breaker refuses calls without running them", func(t *testing.T) {
		s := fails()
		attempts, err := p.Execute(context.Background(), policies.Hooks{}, s.fn)
		e := requireClassified(t, err, 1)
		assert.Equal(t, 1, attempts)
		assert.Equal(t, policies.BreakerOpen, e.Class)
		assert.Zero(t, s.count())
	})

	t.Run("every policy naming the breaker is refused", func(t *testing.T) {
		other := compile(t, policies.Spec{Name: "other", Breaker: "llm"}, b, clock)
		err := run(other, policies.Hooks{}, nil)
		assert.Equal(t, policies.BreakerOpen, policies.ClassOf(err))
	})
}

func TestBreakerHalfOpen(t *testing.T) {
	t.Run("the probes close it once the cooldown is over", func(t *testing.T) {
		b, p := breakerPolicy(t, policies.BreakerSpec{Failures: 1,
			Cooldown: time.Nanosecond, HalfOpenProbes: 2})
		var log changeLog
		defer b.Subscribe(log.add)()

		require.Error(t, run(p, policies.Hooks{}, classed(policies.ServerError)))
		waitHalfOpen(t, b, "llm")
		require.NoError(t, run(p, policies.Hooks{}, nil))
		assert.Equal(t, policies.StateHalfOpen, b.States()["llm"])

		var seen []policies.BreakerChange
		require.NoError(t, run(p, policies.Hooks{
			OnBreaker: func(c policies.BreakerChange) { seen = append(seen, c) },
		}, nil))
		assert.Equal(t, policies.StateClosed, b.States()["llm"])
		require.Len(t, seen, 1)
		assert.Equal(t, policies.StateClosed, seen[0].To)
		assert.Equal(t, []string{"closed->open", "open->half-open", "half-open->closed"},
			log.steps())
	})

	t.Run("a failed probe opens it again", func(t *testing.T) {
		b, p := breakerPolicy(t, policies.BreakerSpec{Failures: 1,
			Cooldown: time.Nanosecond, HalfOpenProbes: 2})
		var log changeLog
		defer b.Subscribe(log.add)()

		require.Error(t, run(p, policies.Hooks{}, classed(policies.ServerError)))
		waitHalfOpen(t, b, "llm")
		require.Error(t, run(p, policies.Hooks{}, classed(policies.ServerError)))
		assert.Equal(t, []string{"closed->open", "open->half-open", "half-open->open"},
			log.steps())
	})

	t.Run("a half-open breaker refuses calls beyond its probes", func(t *testing.T) {
		b, p := breakerPolicy(t, policies.BreakerSpec{Failures: 1,
			Cooldown: time.Nanosecond, HalfOpenProbes: 1})
		require.Error(t, run(p, policies.Hooks{}, classed(policies.ServerError)))
		waitHalfOpen(t, b, "llm")

		// The probe is still running when a second call arrives.
		var inner error
		_, err := p.Execute(context.Background(), policies.Hooks{},
			func(context.Context, int) error {
				inner = run(p, policies.Hooks{}, nil)
				return nil
			})
		require.NoError(t, err)
		assert.Equal(t, policies.BreakerOpen, policies.ClassOf(inner))
		assert.Contains(t, inner.Error(), "half-open")
		assert.Equal(t, policies.StateClosed, b.States()["llm"])
	})
}

func TestBreakerPanic(t *testing.T) {
	t.Run("a panicking node gives back its half-open permit", func(t *testing.T) {
		b, p := breakerPolicy(t, policies.BreakerSpec{Failures: 1,
			Cooldown: time.Nanosecond, HalfOpenProbes: 1})
		require.Error(t, run(p, policies.Hooks{}, classed(policies.ServerError)))
		waitHalfOpen(t, b, "llm")

		assert.Panics(t, func() {
			_, _ = p.Execute(context.Background(), policies.Hooks{},
				func(context.Context, int) error { panic("boom") })
		})
		require.NoError(t, run(p, policies.Hooks{}, nil))
		assert.Equal(t, policies.StateClosed, b.States()["llm"])
	})
}

func TestBreakersDeclare(t *testing.T) {
	t.Run("a second declaration with the same settings is accepted", func(t *testing.T) {
		b := policies.NewBreakers()
		require.NoError(t, b.Declare(policies.BreakerSpec{Name: "llm"}))
		require.NoError(t, b.Declare(policies.BreakerSpec{Name: "llm", Failures: 5,
			Cooldown: 30 * time.Second, HalfOpenProbes: 1, On: policies.DefaultBreakerOn}))
	})

	t.Run("a second declaration with other settings is refused", func(t *testing.T) {
		b := policies.NewBreakers()
		require.NoError(t, b.Declare(policies.BreakerSpec{Name: "llm", Failures: 3}))
		err := b.Declare(policies.BreakerSpec{Name: "llm", Failures: 4})
		require.Error(t, err)
		assert.Contains(t, err.Error(), `breaker "llm"`)
		assert.Contains(t, err.Error(), "failures: 3")
		assert.Contains(t, err.Error(), "failures: 4")
	})

	t.Run("a breaker without a name is refused", func(t *testing.T) {
		err := policies.NewBreakers().Declare(policies.BreakerSpec{})
		var se *policies.SpecError
		require.ErrorAs(t, err, &se)
	})

	t.Run("a policy naming an undeclared breaker does not compile", func(t *testing.T) {
		_, err := policies.Compile(policies.Spec{Name: "call", Breaker: "nope"},
			policies.NewBreakers(), nil)
		var se *policies.SpecError
		require.ErrorAs(t, err, &se)
		assert.Equal(t, "policies.call.breaker", se.Path())
		assert.Contains(t, err.Error(), `breaker "nope" is not declared`)
	})

	t.Run("open breakers are listed by name in order", func(t *testing.T) {
		b := policies.NewBreakers()
		for _, name := range []string{"zeta", "alpha", "mid"} {
			require.NoError(t, b.Declare(policies.BreakerSpec{Name: name, Failures: 1,
				Cooldown: time.Hour}))
		}
		for _, name := range []string{"zeta", "alpha"} {
			p := compile(t, policies.Spec{Breaker: name}, b, nil)
			require.Error(t, run(p, policies.Hooks{}, classed(policies.ServerError)))
		}
		assert.Equal(t, []string{"alpha", "zeta"}, b.Open())
		assert.Equal(t, map[string]string{"alpha": "open", "mid": "closed", "zeta": "open"},
			b.States())
	})

	t.Run("a canceled subscription hears nothing more", func(t *testing.T) {
		b, p := breakerPolicy(t, policies.BreakerSpec{Failures: 1, Cooldown: time.Hour})
		var log changeLog
		b.Subscribe(log.add)()
		require.Error(t, run(p, policies.Hooks{}, classed(policies.ServerError)))
		assert.Empty(t, log.steps())
		assert.Equal(t, policies.StateOpen, b.States()["llm"])
	})

	t.Run("the nil set is empty", func(t *testing.T) {
		var b *policies.Breakers
		assert.Empty(t, b.States())
		assert.Empty(t, b.Open())
		b.Subscribe(func(policies.BreakerChange) {})()
		assert.Error(t, b.Declare(policies.BreakerSpec{Name: "x"}))
	})
}

func TestBreakerOpenedByOwnRetriesKeepsTheCause(t *testing.T) {
	b := policies.NewBreakers()
	require.NoError(t, b.Declare(policies.BreakerSpec{Name: "svc", Failures: 2, Cooldown: time.Hour}))
	p, err := policies.Compile(policies.Spec{Name: "p", Breaker: "svc",
		Retry: &policies.RetrySpec{MaxAttempts: 5, InitialInterval: time.Millisecond}}, b,
		policiestest.NewFakeClock(time.Time{}))
	require.NoError(t, err)
	_, err = p.Execute(context.Background(), policies.Hooks{}, func(context.Context, int) error {
		return policies.Errorf(policies.RateLimit, "slow down")
	})
	require.Equal(t, policies.BreakerOpen, policies.ClassOf(err))
	assert.Contains(t, err.Error(), "after rate_limit: slow down")
}

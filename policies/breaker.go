package policies

import (
	"errors"
	"slices"
	"sync"
	"time"

	"github.com/sony/gobreaker/v2"
)

// breaker is one named circuit breaker. It wraps a two-step gobreaker
// breaker and serialises the short calls into it, so that the state changes
// made during a call can be told to that call's hooks.
type breaker struct {
	set     *Breakers
	spec    BreakerSpec // with defaults
	counted map[Class]bool
	cb      *gobreaker.TwoStepCircuitBreaker[struct{}]

	// mu is held around every call into cb; changed collects the state
	// changes that the call holding mu made.
	mu      sync.Mutex
	changed []BreakerChange
}

func newBreaker(set *Breakers, s BreakerSpec) *breaker {
	br := &breaker{set: set, spec: s, counted: countedClasses(s.On)}
	br.cb = gobreaker.NewTwoStepCircuitBreaker[struct{}](gobreaker.Settings{
		Name:        s.Name,
		MaxRequests: s.HalfOpenProbes,
		Timeout:     s.Cooldown,
		ReadyToTrip: func(c gobreaker.Counts) bool {
			return c.ConsecutiveFailures >= s.Failures
		},
		IsExcluded:    br.excluded,
		OnStateChange: br.onChange,
	})
	return br
}

// countedClasses returns the classes a breaker with the given On counts.
func countedClasses(on []Class) map[Class]bool {
	counted := map[Class]bool{}
	if slices.Contains(on, Any) {
		on = Classes
	}
	for _, c := range on {
		counted[c] = true
	}
	for _, c := range callerMistakes {
		delete(counted, c)
	}
	delete(counted, BreakerOpen)
	return counted
}

// excluded reports whether err neither succeeds nor fails as far as the
// breaker is concerned.
func (br *breaker) excluded(err error) bool {
	return err != nil && !br.counted[ClassOf(err)]
}

// onChange runs inside gobreaker, under its lock and under br.mu.
func (br *breaker) onChange(name string, from, to gobreaker.State) {
	c := BreakerChange{Name: name, From: from.String(), To: to.String(), Time: time.Now()}
	br.changed = append(br.changed, c)
	br.set.enqueue(c)
}

// takeChanged returns and clears the changes made under br.mu. The caller
// holds br.mu.
func (br *breaker) takeChanged() []BreakerChange {
	if len(br.changed) == 0 {
		return nil
	}
	out := slices.Clone(br.changed)
	br.changed = br.changed[:0]
	return out
}

// allow asks for a permit. It returns the function that reports the
// outcome, or a [BreakerOpen] error; and the state changes it made.
func (br *breaker) allow() (done func(error), changes []BreakerChange, refused *Error) {
	br.mu.Lock()
	done, err := br.cb.Allow()
	changes = br.takeChanged()
	br.mu.Unlock()

	if err != nil {
		state := StateOpen
		if errors.Is(err, gobreaker.ErrTooManyRequests) {
			state = StateHalfOpen
		}
		refused = Errorf(BreakerOpen, "breaker %q is %s: %w", br.spec.Name, state, err)
	}
	return done, changes, refused
}

// finish reports the outcome of a permitted call: nil for a success or the
// classified error. It returns the state changes it made.
func (br *breaker) finish(done func(error), outcome error) []BreakerChange {
	br.mu.Lock()
	defer br.mu.Unlock()
	done(outcome)
	return br.takeChanged()
}

// state returns the breaker's state and whether reading it changed it.
func (br *breaker) state() (string, bool) {
	br.mu.Lock()
	defer br.mu.Unlock()
	st := br.cb.State().String()
	return st, len(br.takeChanged()) > 0
}

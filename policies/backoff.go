package policies

import (
	"math/rand/v2"
	"sync"
	"time"

	"github.com/cenkalti/backoff/v4"
)

// Reasons for a retry's delay, as [RetryInfo.Reason] spells them.
const (
	// ReasonBackoff means the delay came from the exponential backoff.
	ReasonBackoff = "backoff"
	// ReasonRetryAfter means the server asked for the delay.
	ReasonRetryAfter = "retry_after"
)

// jitterSource picks the jitter of retry delays. The nil *jitterSource uses
// the process-wide random source.
type jitterSource struct {
	mu  sync.Mutex
	rng *rand.Rand
}

// float returns a number in [0, 1).
func (j *jitterSource) float() float64 {
	if j == nil {
		return rand.Float64()
	}
	j.mu.Lock()
	defer j.mu.Unlock()
	return j.rng.Float64()
}

// backoffer computes the delays of one Execute call. The exponential
// growth and its cap come from cenkalti/backoff with no randomization; the
// jitter is applied here so that its source can be seeded.
type backoffer struct {
	spec   *RetrySpec
	jitter *jitterSource
	exp    *backoff.ExponentialBackOff
}

// next returns the delay after the failed attempt that is the i-th in the
// call (the first call gives the delay before the second attempt).
func (b *backoffer) next(clock Clock) time.Duration {
	if b.exp == nil {
		b.exp = &backoff.ExponentialBackOff{
			InitialInterval: b.spec.InitialInterval,
			Multiplier:      b.spec.Multiplier,
			MaxInterval:     b.spec.MaxInterval,
			Stop:            backoff.Stop,
			Clock:           clock,
		}
		b.exp.Reset()
	}
	d := min(b.exp.NextBackOff(), b.spec.MaxInterval)
	return jittered(d, b.spec.Jitter, b.jitter.float(), b.spec.MaxInterval)
}

// jittered spreads d uniformly over [d*(1-j), d*(1+j)] using u in [0, 1),
// then caps the result at limit.
func jittered(d time.Duration, j, u float64, limit time.Duration) time.Duration {
	if j > 0 {
		d = time.Duration(float64(d) * (1 - j + 2*j*u))
	}
	return min(d, limit)
}

// delay returns how long to wait after the failure e and why: the
// server's requested wait when there is one, else the backoff's.
func (b *backoffer) delay(clock Clock, e *Error) (time.Duration, string) {
	computed := b.next(clock)
	if e.RetryAfter > 0 {
		return e.RetryAfter, ReasonRetryAfter
	}
	return computed, ReasonBackoff
}

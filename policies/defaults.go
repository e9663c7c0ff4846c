package policies

import "time"

// The values that zero fields of [RetrySpec] and [BreakerSpec] stand for.
const (
	DefaultMaxAttempts     = 3
	DefaultInitialInterval = time.Second
	DefaultMaxInterval     = 30 * time.Second
	DefaultMultiplier      = 2.0
	DefaultMaxWait         = 60 * time.Second

	DefaultFailures       = 5
	DefaultCooldown       = 30 * time.Second
	DefaultHalfOpenProbes = 1
)

// callerMistakes are the classes that say the request, not the service, is
// at fault. No breaker ever counts them, whatever its On says.
var callerMistakes = []Class{BadRequest, ContentTooLong, ContentFilter, Canceled}

// withDefaults returns r with every zero field replaced by its default.
func (r RetrySpec) withDefaults() RetrySpec {
	if r.MaxAttempts == 0 {
		r.MaxAttempts = DefaultMaxAttempts
	}
	if r.InitialInterval == 0 {
		r.InitialInterval = DefaultInitialInterval
	}
	if r.MaxInterval == 0 {
		r.MaxInterval = DefaultMaxInterval
	}
	if r.Multiplier == 0 {
		r.Multiplier = DefaultMultiplier
	}
	if r.MaxWait == 0 {
		r.MaxWait = DefaultMaxWait
	}
	if len(r.On) == 0 {
		r.On = DefaultRetryOn
	}
	return r
}

// withDefaults returns s with every zero field replaced by its default.
func (s BreakerSpec) withDefaults() BreakerSpec {
	if s.Failures == 0 {
		s.Failures = DefaultFailures
	}
	if s.Cooldown == 0 {
		s.Cooldown = DefaultCooldown
	}
	if s.HalfOpenProbes == 0 {
		s.HalfOpenProbes = DefaultHalfOpenProbes
	}
	if len(s.On) == 0 {
		s.On = DefaultBreakerOn
	}
	return s
}

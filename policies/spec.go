package policies

import "time"

// Spec is a named policy as declared under `policies:` in a graph file. The
// zero value is a policy that does nothing: one attempt, no timeout, no
// breaker, no fallback.
type Spec struct {
	// Name is the policy's name in the graph file.
	Name string
	// Timeout bounds one attempt; zero means no per-attempt timeout.
	Timeout time.Duration
	// Deadline bounds the node with all its attempts and waits; zero means
	// only the run's own deadline applies.
	Deadline time.Duration
	// Retry says when and how to try again; nil means a single attempt.
	Retry *RetrySpec
	// Breaker names a breaker declared under `breakers:`; empty means none.
	Breaker string
	// Fallback lists the routes tried, in order, when the node finally
	// fails. The executor, not this package, follows them.
	Fallback []Route
	// Chaos injects faults before each attempt; nil injects none.
	Chaos *ChaosSpec
}

// RetrySpec configures retries with capped exponential backoff and jitter.
type RetrySpec struct {
	// MaxAttempts is the total number of attempts, the first included, so
	// 1 means no retry. Zero means 3.
	MaxAttempts int
	// InitialInterval is the delay before the second attempt. Zero means 1s.
	InitialInterval time.Duration
	// MaxInterval caps one computed delay. Zero means 30s.
	MaxInterval time.Duration
	// Multiplier grows the delay after each attempt. Zero means 2.
	Multiplier float64
	// Jitter is the randomization factor in [0, 1]: a delay d becomes a
	// uniform pick in [d*(1-Jitter), d*(1+Jitter)]. Zero means no jitter.
	Jitter float64
	// MaxWait caps a wait the server asks for (Retry-After). A longer wait
	// ends the retries so that a fallback can run at once. Zero means 60s.
	MaxWait time.Duration
	// On lists the classes worth retrying. Empty means [DefaultRetryOn].
	On []Class
}

// DefaultRetryOn is the list of classes retried when a retry block names
// none: the transient ones.
var DefaultRetryOn = []Class{RateLimit, Timeout, ServerError, InvalidResponse}

// Route sends a failed node to another node when its error's class is one
// of On, like a Step Functions Catch.
type Route struct {
	// On lists the classes this route catches; [Any] catches all.
	On []Class
	// When, if set, is a condition on the run's state that must also hold
	// for the route to be taken. The graph package compiles and evaluates
	// it; [MatchRoute] ignores it.
	When string
	// To is the node that runs instead.
	To string
}

// BreakerSpec declares a named circuit breaker under `breakers:`.
type BreakerSpec struct {
	// Name is the breaker's name in the graph file.
	Name string
	// Failures is the number of consecutive counted failures that opens the
	// breaker. Zero means 5.
	Failures uint32
	// Cooldown is how long an open breaker refuses calls before it lets
	// probes through. Zero means 30s.
	Cooldown time.Duration
	// HalfOpenProbes is the number of calls let through while half-open;
	// that many successes close the breaker. Zero means 1.
	HalfOpenProbes uint32
	// On lists the classes that count as failures. Empty means
	// [DefaultBreakerOn]. Caller mistakes never count, whatever it says:
	// bad_request, content_too_long, content_filter, canceled.
	On []Class
}

// DefaultBreakerOn lists the classes a breaker counts when it names none:
// the ones that say the service, not the request, is in trouble.
var DefaultBreakerOn = []Class{RateLimit, Timeout, ServerError, ModelUnavailable, Quota, Auth}

// ChaosSpec injects faults of one class at a rate, from a seeded source, so
// that a person can watch a graph recover.
type ChaosSpec struct {
	// Class is the class of the injected error.
	Class Class
	// Rate is the probability in [0, 1] that an attempt fails.
	Rate float64
	// Seed seeds the random source; runs with the same seed inject the same
	// faults in the same order.
	Seed int64
	// RetryAfter is the wait the injected error asks for; zero means none.
	RetryAfter time.Duration
}

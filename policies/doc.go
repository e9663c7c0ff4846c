// Package policies holds the resilience policies that graphrun attaches to
// nodes by name: the closed set of error classes, the typed [Error] that
// carries a class through wrapping, retry with exponential backoff and jitter
// that honours a server's requested wait, named circuit breakers shared by
// every run in a process, per-attempt timeouts, node deadlines, fallback
// route matching, and seeded fault injection (chaos).
//
// The package knows nothing about graphs. The executor in package graph
// wraps each node attempt with [Policy.Execute] and handles fallback routes
// itself, so the wrapping order, from the outside in, is: fallback, node
// deadline, retry, breaker, per-attempt timeout.
//
// How the pieces fit:
//
//   - [Spec], [RetrySpec], [BreakerSpec] and [ChaosSpec] are the
//     declarations as read from a graph file; [Spec.Check] and
//     [BreakerSpec.Check] report every problem as a [SpecError] that names
//     the field at fault.
//   - [Breakers] is the process-wide set of named breakers. Declare each
//     breaker once, then [Compile] each policy against the set.
//   - [Policy.Execute] runs one node under its policy. All waiting goes
//     through a [Clock], so tests can use the fake clock of package
//     policiestest and never sleep.
//   - [MatchRoute] picks the fallback route for a final error's class.
//   - [Policy.WithChaos] and [ParseChaos] attach fault injection at run
//     time.
//
// docs/policies.md describes every field, its default, and the handling of
// each class.
package policies

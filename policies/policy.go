package policies

import (
	"errors"
	"fmt"
	"slices"
)

// Policy is a [Spec] compiled and bound to a breaker set and a clock. It is
// immutable and safe for concurrent use; its random sources are guarded.
// The nil *Policy runs a function once and only classifies its error.
type Policy struct {
	spec    Spec
	clock   Clock
	retry   *RetrySpec // with defaults; nil means one attempt
	retryOn map[Class]bool
	breaker *breaker
	chaos   *chaos
	jitter  *jitterSource

	// plain means no timeout, deadline, retry, breaker or chaos: Execute
	// then only calls the function.
	plain bool
}

// Compile checks s and binds it to the breaker set b and the clock c. A
// nil c means [SystemClock]; b may be nil when s names no breaker. The
// breaker s names must already be declared in b.
func Compile(s Spec, b *Breakers, c Clock) (*Policy, error) {
	if problems := s.Check(); len(problems) > 0 {
		errs := make([]error, len(problems))
		for i, p := range problems {
			errs[i] = p
		}
		return nil, errors.Join(errs...)
	}
	if c == nil {
		c = SystemClock
	}
	p := &Policy{spec: s, clock: c}

	if s.Retry != nil {
		r := s.Retry.withDefaults()
		p.retry = &r
		p.retryOn = map[Class]bool{}
		on := r.On
		if slices.Contains(on, Any) {
			on = Classes
		}
		for _, cl := range on {
			p.retryOn[cl] = true
		}
	}
	if s.Breaker != "" {
		p.breaker = b.get(s.Breaker)
		if p.breaker == nil {
			return nil, &SpecError{Section: "policies", Name: s.Name, Field: "breaker",
				Msg:  fmt.Sprintf("breaker %q is not declared", s.Breaker),
				Hint: "declare it under breakers:, or remove the field"}
		}
	}
	if s.Chaos != nil {
		p.chaos = newChaos(*s.Chaos)
	}
	p.setPlain()
	return p, nil
}

func (p *Policy) setPlain() {
	p.plain = p.spec.Timeout == 0 && p.spec.Deadline == 0 && p.retry == nil &&
		p.breaker == nil && p.chaos == nil
}

// Spec returns the spec p was compiled from, with the chaos override if
// any. The nil *Policy returns the zero Spec.
func (p *Policy) Spec() Spec {
	if p == nil {
		return Spec{}
	}
	return p.spec
}

// Name returns the policy's name, or "" for the nil *Policy.
func (p *Policy) Name() string { return p.Spec().Name }

// WithChaos returns a copy of p whose chaos is c instead of the spec's,
// with a fresh random source seeded from c.Seed; a nil c removes chaos.
// The copy shares p's breaker and clock. On the nil *Policy it returns a
// policy that has only the chaos and uses [SystemClock]. It panics when c
// fails [Spec.Check]; check flags with [ParseChaos] first.
func (p *Policy) WithChaos(c *ChaosSpec) *Policy {
	q := &Policy{clock: SystemClock}
	if p != nil {
		*q = *p
	}
	q.spec.Chaos = nil
	q.chaos = nil
	if c != nil {
		ck := &checker{section: "policies", name: q.spec.Name}
		checkChaos(ck, "chaos.", *c)
		if len(ck.problems) > 0 {
			panic(ck.problems[0])
		}
		cc := *c
		q.spec.Chaos = &cc
		q.chaos = newChaos(cc)
	}
	q.setPlain()
	return q
}

// WithJitterSeed returns a copy of p whose retry jitter comes from a
// source seeded with seed, so that its delays repeat from run to run. By
// default the jitter comes from the process-wide random source.
func (p *Policy) WithJitterSeed(seed uint64) *Policy {
	q := &Policy{clock: SystemClock}
	if p != nil {
		*q = *p
	}
	q.jitter = &jitterSource{rng: seeded(seed)}
	q.setPlain()
	return q
}

package policies

import (
	"fmt"
	"strings"
)

// SpecError is one problem with a policy or breaker declaration. It names
// the section, the item and the field at fault, in the graph file's terms,
// so that a loader can point at the line that declared it.
type SpecError struct {
	// Section is "policies" or "breakers".
	Section string
	// Name is the policy's or breaker's name.
	Name string
	// Field is the YAML path of the field inside the item, like
	// "retry.jitter"; empty when the item as a whole is at fault.
	Field string
	// Msg says what is wrong, in lowercase.
	Msg string
	// Hint says what to do about it.
	Hint string
}

// Path returns the full YAML path of the field at fault, like
// "policies.llm_call.retry.jitter".
func (e *SpecError) Path() string {
	p := e.Section + "." + e.Name
	if e.Field != "" {
		p += "." + e.Field
	}
	return p
}

// Error formats e as "path: msg (hint)".
func (e *SpecError) Error() string {
	var b strings.Builder
	b.WriteString(e.Path())
	b.WriteString(": ")
	b.WriteString(e.Msg)
	if e.Hint != "" {
		b.WriteString(" (")
		b.WriteString(e.Hint)
		b.WriteString(")")
	}
	return b.String()
}

// checker collects the problems of one item.
type checker struct {
	section, name string
	problems      []*SpecError
}

func (c *checker) add(field, hint, format string, args ...any) {
	c.problems = append(c.problems, &SpecError{
		Section: c.section, Name: c.name, Field: field,
		Msg: fmt.Sprintf(format, args...), Hint: hint,
	})
}

func (c *checker) classes(field string, list []Class) {
	for i, cl := range list {
		c.class(fmt.Sprintf("%s[%d]", field, i), cl, true)
	}
}

func (c *checker) class(field string, cl Class, allowAny bool) {
	switch {
	case cl == Any && !allowAny:
		c.add(field, "name one class", "any is not allowed here")
	case !cl.Valid():
		c.add(field, "see the class table in docs/policies.md",
			"unknown error class %q", cl)
	}
}

func (c *checker) nonNegative(field string, v int64) {
	if v < 0 {
		c.add(field, "use a positive value, or leave it out for the default",
			"is negative")
	}
}

// Check returns every problem with s, or nil when it is sound. It does not
// check that s.Breaker is declared or that fallback targets exist; that
// takes the whole graph.
func (s Spec) Check() []*SpecError {
	c := &checker{section: "policies", name: s.Name}
	c.nonNegative("timeout", int64(s.Timeout))
	c.nonNegative("deadline", int64(s.Deadline))
	if r := s.Retry; r != nil {
		c.nonNegative("retry.max_attempts", int64(r.MaxAttempts))
		c.nonNegative("retry.initial_interval", int64(r.InitialInterval))
		c.nonNegative("retry.max_interval", int64(r.MaxInterval))
		c.nonNegative("retry.max_wait", int64(r.MaxWait))
		if r.Multiplier != 0 && r.Multiplier < 1 {
			c.add("retry.multiplier", "use 1 for a constant delay, 2 to double it",
				"is %g; it must be at least 1", r.Multiplier)
		}
		if r.Jitter < 0 || r.Jitter > 1 {
			c.add("retry.jitter", "0.5 spreads a delay d over [d/2, 3d/2]",
				"is %g; it must be from 0 to 1", r.Jitter)
		}
		c.classes("retry.on", r.On)
	}
	for i, rt := range s.Fallback {
		f := fmt.Sprintf("fallback[%d]", i)
		if len(rt.On) == 0 {
			c.add(f+".on", "list classes, or [any]", "is empty")
		}
		c.classes(f+".on", rt.On)
		if rt.To == "" {
			c.add(f+".to", "name the node that handles the failure", "is empty")
		}
	}
	if ch := s.Chaos; ch != nil {
		checkChaos(c, "chaos.", *ch)
	}
	return c.problems
}

func checkChaos(c *checker, prefix string, ch ChaosSpec) {
	switch {
	case ch.Class == "":
		c.add(prefix+"class", "name the class of the injected error", "is missing")
	default:
		c.class(prefix+"class", ch.Class, false)
	}
	if ch.Rate < 0 || ch.Rate > 1 {
		c.add(prefix+"rate", "0.3 fails three attempts in ten",
			"is %g; it must be from 0 to 1", ch.Rate)
	}
	c.nonNegative(prefix+"retry_after", int64(ch.RetryAfter))
}

// Check returns every problem with s, or nil when it is sound.
func (s BreakerSpec) Check() []*SpecError {
	c := &checker{section: "breakers", name: s.Name}
	if s.Name == "" {
		c.add("", "give the breaker a name", "has no name")
	}
	c.nonNegative("cooldown", int64(s.Cooldown))
	c.classes("on", s.On)
	return c.problems
}

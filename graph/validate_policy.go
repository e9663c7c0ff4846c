package graph

import (
	"cmp"
	"fmt"
	"slices"
	"time"

	"github.com/graphrun/graphrun/policies"
)

// checkPolicies checks every policy, in file order.
func (v *validator) checkPolicies() {
	for _, name := range v.inFileOrder("policies", validateKeys(v.s.Policies)) {
		p := v.s.Policies[name]
		path := "policies." + name
		v.checkDuration(path+".timeout", p.Timeout)
		v.checkDuration(path+".deadline", p.Deadline)
		if p.Retry != nil {
			v.checkRetry(path+".retry", p.Retry)
		}
		if p.Breaker != "" {
			if _, ok := v.s.Breakers[p.Breaker]; !ok {
				v.report(path+".breaker", Pos{},
					fmt.Sprintf("breaker %q is not declared", p.Breaker),
					validateRefHint(p.Breaker, validateKeys(v.s.Breakers), "breakers"))
			}
		}
		v.checkRoutes(path+".fallback", p.Fallback)
		if p.Chaos != nil {
			v.checkChaos(path+".chaos", p.Chaos)
		}
	}
}

// checkRetry checks a retry block. A zero max_attempts or multiplier means
// the default in Go, but written in a file it is a mistake.
func (v *validator) checkRetry(path string, r *policies.RetrySpec) {
	_, attemptsWritten := v.s.Pos[path+".max_attempts"]
	if r.MaxAttempts < 0 || (r.MaxAttempts == 0 && attemptsWritten) {
		v.report(path+".max_attempts", Pos{}, fmt.Sprintf("max_attempts is %d", r.MaxAttempts),
			"count the first attempt too: 1 means no retry, 3 means two retries")
	}
	_, multWritten := v.s.Pos[path+".multiplier"]
	if r.Multiplier < 0 || (r.Multiplier < 1 && (r.Multiplier != 0 || multWritten)) {
		v.report(path+".multiplier", Pos{}, fmt.Sprintf("multiplier is %g", r.Multiplier),
			"use 1 for a constant delay or more for a growing one, e.g. 2")
	}
	if r.Jitter < 0 || r.Jitter > 1 {
		v.report(path+".jitter", Pos{}, fmt.Sprintf("jitter is %g", r.Jitter),
			"use a fraction from 0 (none) to 1, e.g. 0.2")
	}
	v.checkDuration(path+".initial_interval", r.InitialInterval)
	v.checkDuration(path+".max_interval", r.MaxInterval)
	v.checkDuration(path+".max_wait", r.MaxWait)
	if r.InitialInterval > 0 && r.MaxInterval > 0 && r.InitialInterval > r.MaxInterval {
		v.report(path+".initial_interval", Pos{},
			fmt.Sprintf("initial_interval %s is longer than max_interval %s",
				r.InitialInterval, r.MaxInterval),
			"make max_interval at least as long as initial_interval")
	}
	v.checkClasses(path+".on", r.On)
}

// checkRoutes checks the fallback routes of a policy.
func (v *validator) checkRoutes(path string, routes []policies.Route) {
	for i, r := range routes {
		rpath := fmt.Sprintf("%s[%d]", path, i)
		if len(r.On) == 0 {
			v.report(rpath+".on", Pos{}, "the route catches no error class",
				"list the classes it catches, e.g. on: [timeout], or on: [any]")
		}
		v.checkClasses(rpath+".on", r.On)
		if slices.Contains(r.On, policies.Any) && r.When == "" && i < len(routes)-1 {
			v.report(rpath+".on", Pos{}, "only the last route may catch any without a when",
				"a route on any catches every error, so the routes after it never run; "+
					"move it to the end, or give it a when")
		}
		if r.When != "" {
			v.checkWhen(rpath+".when", r.When, Pos{})
		}
		switch {
		case r.To == "":
			v.report(rpath+".to", Pos{}, "the route has no to",
				"name the node that runs instead")
		case v.nodes[r.To] == nil:
			v.report(rpath+".to", Pos{}, fmt.Sprintf("unknown node %q", r.To),
				validateRefHint(r.To, v.nodeNames(), "nodes"))
		}
	}
}

// checkChaos checks a chaos block.
func (v *validator) checkChaos(path string, c *policies.ChaosSpec) {
	switch {
	case c.Class == "":
		v.report(path+".class", Pos{}, "chaos has no class",
			"name the class of the injected errors, e.g. class: server_error")
	case c.Class == policies.Any:
		v.report(path+".class", Pos{}, "chaos cannot inject any",
			"name one concrete class, e.g. class: server_error")
	default:
		v.checkClasses(path+".class", []policies.Class{c.Class})
	}
	if c.Rate < 0 || c.Rate > 1 {
		v.report(path+".rate", Pos{}, fmt.Sprintf("rate is %g", c.Rate),
			"use a probability from 0 to 1, e.g. 0.3")
	}
	v.checkDuration(path+".retry_after", c.RetryAfter)
}

// checkBreakers checks every breaker, in file order.
func (v *validator) checkBreakers() {
	for _, name := range v.inFileOrder("breakers", validateKeys(v.s.Breakers)) {
		b := v.s.Breakers[name]
		path := "breakers." + name
		v.checkDuration(path+".cooldown", b.Cooldown)
		v.checkClasses(path+".on", b.On)
	}
}

// checkDuration checks that d is not negative.
func (v *validator) checkDuration(path string, d time.Duration) {
	if d < 0 {
		v.report(path, Pos{}, fmt.Sprintf("the duration %s is negative", d),
			"use 0 for none or a positive duration such as 30s")
	}
}

// checkClasses checks error class names; the list at path is either a
// single class or a list whose elements are at path[i].
func (v *validator) checkClasses(path string, classes []policies.Class) {
	for i, c := range classes {
		if c.Valid() {
			continue
		}
		ipath := fmt.Sprintf("%s[%d]", path, i)
		if _, ok := v.s.Pos[ipath]; !ok {
			ipath = path
		}
		v.report(ipath, Pos{}, fmt.Sprintf("unknown error class %q", c),
			validateChoiceHint(string(c), validateClassNames()))
	}
}

// inFileOrder sorts the names of a section by where they were declared,
// then by name.
func (v *validator) inFileOrder(section string, names []string) []string {
	slices.SortFunc(names, func(a, b string) int {
		pa, pb := v.s.Pos[section+"."+a], v.s.Pos[section+"."+b]
		return cmp.Or(cmp.Compare(pa.Line, pb.Line), cmp.Compare(pa.Column, pb.Column),
			cmp.Compare(a, b))
	})
	return names
}

// validateClassNames lists the class names a file may use.
func validateClassNames() []string {
	names := make([]string, 0, len(policies.Classes)+1)
	for _, c := range policies.Classes {
		names = append(names, string(c))
	}
	return append(names, string(policies.Any))
}

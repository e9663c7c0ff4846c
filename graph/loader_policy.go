package graph

import (
	"fmt"

	"gopkg.in/yaml.v3"

	"github.com/graphrun/graphrun/policies"
)

// policies decodes the `policies:` section.
func (l *loader) policies(n *yaml.Node) {
	for _, e := range l.entries(n, "policies", nil) {
		path := "policies." + e.key
		l.markName(path, e)
		p := policies.Spec{Name: e.key}
		for _, pe := range l.entries(e.value, path, loadPolicyKeys) {
			sub := path + "." + pe.key
			l.mark(sub, pe)
			switch pe.key {
			case "timeout":
				p.Timeout = l.duration(pe.value, sub)
			case "deadline":
				p.Deadline = l.duration(pe.value, sub)
			case "retry":
				p.Retry = l.retry(pe.value, sub)
			case "breaker":
				p.Breaker = l.str(pe.value, sub)
			case "fallback":
				p.Fallback = l.routes(pe.value, sub)
			case "chaos":
				p.Chaos = l.chaos(pe.value, sub)
			}
		}
		l.spec.Policies[e.key] = p
	}
}

// retry decodes a policy's `retry:` block.
func (l *loader) retry(n *yaml.Node, path string) *policies.RetrySpec {
	r := &policies.RetrySpec{}
	for _, e := range l.entries(n, path, loadRetryKeys) {
		sub := path + "." + e.key
		l.mark(sub, e)
		switch e.key {
		case "max_attempts":
			r.MaxAttempts = l.integer(e.value, sub)
		case "initial_interval":
			r.InitialInterval = l.duration(e.value, sub)
		case "max_interval":
			r.MaxInterval = l.duration(e.value, sub)
		case "multiplier":
			r.Multiplier = l.number(e.value, sub)
		case "jitter":
			r.Jitter = l.number(e.value, sub)
		case "max_wait":
			r.MaxWait = l.duration(e.value, sub)
		case "on":
			r.On = l.classes(e.value, sub)
		}
	}
	return r
}

// routes decodes a policy's `fallback:` list.
func (l *loader) routes(n *yaml.Node, path string) []policies.Route {
	var out []policies.Route
	for i, item := range l.items(n, path) {
		rpath := fmt.Sprintf("%s[%d]", path, i)
		l.spec.Pos[rpath] = l.pos(item)
		var r policies.Route
		for _, e := range l.entries(item, rpath, loadRouteKeys) {
			sub := rpath + "." + e.key
			l.mark(sub, e)
			switch e.key {
			case "on":
				r.On = l.classes(e.value, sub)
			case "when":
				r.When = l.str(e.value, sub)
			case "to":
				r.To = l.str(e.value, sub)
			}
		}
		out = append(out, r)
	}
	return out
}

// chaos decodes a policy's `chaos:` block.
func (l *loader) chaos(n *yaml.Node, path string) *policies.ChaosSpec {
	c := &policies.ChaosSpec{}
	for _, e := range l.entries(n, path, loadChaosKeys) {
		sub := path + "." + e.key
		l.mark(sub, e)
		switch e.key {
		case "class":
			c.Class = policies.Class(l.str(e.value, sub))
		case "rate":
			c.Rate = l.number(e.value, sub)
		case "seed":
			c.Seed = int64(l.integer(e.value, sub))
		case "retry_after":
			c.RetryAfter = l.duration(e.value, sub)
		}
	}
	return c
}

// breakers decodes the `breakers:` section.
func (l *loader) breakers(n *yaml.Node) {
	for _, e := range l.entries(n, "breakers", nil) {
		path := "breakers." + e.key
		l.markName(path, e)
		b := policies.BreakerSpec{Name: e.key}
		for _, be := range l.entries(e.value, path, loadBreakerKeys) {
			sub := path + "." + be.key
			l.mark(sub, be)
			switch be.key {
			case "failures":
				b.Failures = l.count(be.value, sub)
			case "cooldown":
				b.Cooldown = l.duration(be.value, sub)
			case "half_open_probes":
				b.HalfOpenProbes = l.count(be.value, sub)
			case "on":
				b.On = l.classes(be.value, sub)
			}
		}
		l.spec.Breakers[e.key] = b
	}
}

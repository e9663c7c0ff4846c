package policies

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strconv"
	"strings"
	"sync"
	"time"
)

// chaos injects faults from a seeded source. It is safe for concurrent
// use; the faults depend only on the seed and the order of the calls.
type chaos struct {
	spec ChaosSpec
	mu   sync.Mutex
	rng  *rand.Rand
}

func newChaos(s ChaosSpec) *chaos {
	return &chaos{spec: s, rng: seeded(uint64(s.Seed))}
}

// seeded returns a random source that yields the same numbers for the same
// seed.
func seeded(seed uint64) *rand.Rand {
	return rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
}

// inject returns the fault for attempt n, or nil when this attempt runs.
func (c *chaos) inject(n int) *Error {
	if c.spec.Rate <= 0 {
		return nil
	}
	c.mu.Lock()
	roll := c.rng.Float64()
	c.mu.Unlock()
	if roll >= c.spec.Rate {
		return nil
	}
	return &Error{
		Class:      c.spec.Class,
		Attempt:    n,
		RetryAfter: c.spec.RetryAfter,
		Err:        ErrInjected,
	}
}

// ParseChaos reads a chaos setting as given on the command line:
// "node=class:rate" or "node=class:rate:retry_after", for instance
// "generate=rate_limit:0.3" or "generate=rate_limit:0.3:2s". The rate is a
// probability from 0 to 1, or a percentage like "30%". The seed is not part
// of the setting and is left zero.
func ParseChaos(s string) (node string, c ChaosSpec, err error) {
	const want = `want node=class:rate[:retry_after], like "generate=rate_limit:0.3:2s"`
	node, rest, ok := strings.Cut(s, "=")
	node = strings.TrimSpace(node)
	switch {
	case !ok:
		return "", ChaosSpec{}, fmt.Errorf("chaos %q: =class:rate is missing (%s)", s, want)
	case node == "":
		return "", ChaosSpec{}, fmt.Errorf("chaos %q: no node name (%s)", s, want)
	}
	parts := strings.Split(rest, ":")
	if len(parts) < 2 || len(parts) > 3 {
		return "", ChaosSpec{}, fmt.Errorf("chaos %q: %s", s, want)
	}

	class, err := ParseClass(strings.TrimSpace(parts[0]))
	if err != nil {
		return "", ChaosSpec{}, fmt.Errorf("chaos %q: %w", s, err)
	}
	if class == Any {
		return "", ChaosSpec{}, fmt.Errorf("chaos %q: class any cannot be injected "+
			"(name one class)", s)
	}
	rate, err := parseRate(strings.TrimSpace(parts[1]))
	if err != nil {
		return "", ChaosSpec{}, fmt.Errorf("chaos %q: %w", s, err)
	}
	c = ChaosSpec{Class: class, Rate: rate}

	if len(parts) == 3 {
		d, err := time.ParseDuration(strings.TrimSpace(parts[2]))
		if err != nil || d < 0 {
			return "", ChaosSpec{}, fmt.Errorf("chaos %q: retry_after %q is not a "+
				"duration like 2s or 500ms", s, parts[2])
		}
		c.RetryAfter = d
	}
	return node, c, nil
}

func parseRate(s string) (float64, error) {
	scale := 1.0
	if p, ok := strings.CutSuffix(s, "%"); ok {
		s, scale = p, 100
	}
	r, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(r) {
		return 0, fmt.Errorf("rate %q is not a number (use 0.3 or 30%%)", s)
	}
	r /= scale
	if r < 0 || r > 1 {
		return 0, fmt.Errorf("rate %g is out of range (use a value from 0 to 1, "+
			"or 0%% to 100%%)", r)
	}
	return r, nil
}

package llmsim

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/graphrun/graphrun/policies"
)

// DefaultModel is the model name the server reports when [Options.Model]
// is empty.
const DefaultModel = "sim-mcq-1"

// DefaultHold is how long a timeout fault holds a request when
// [Options.Hold] is zero and the client does not give up first.
const DefaultHold = 60 * time.Second

// Options configures a [Server]. The zero value answers every request
// correctly, at once.
type Options struct {
	// Seed seeds every random choice; the same seed and prompt give the
	// same answer and the same faults.
	Seed int64
	// Latency delays every answer; zero answers at once.
	Latency time.Duration
	// Faults maps a class to the rate in [0, 1] at which requests fail with
	// it. The classes that can be injected are listed by [FaultClasses];
	// invalid_response is an alias for Malformed. Nil injects none.
	Faults map[policies.Class]float64
	// Truncate is the rate of answers cut short with finish_reason
	// "length".
	Truncate float64
	// Malformed is the rate of 200 answers whose content is broken JSON.
	Malformed float64
	// RetryAfter is the wait sent with rate_limit faults, in retry-after
	// and retry-after-ms headers; zero sends no wait.
	RetryAfter time.Duration
	// ContextTokens is the largest passage, in estimated tokens, that the
	// model accepts; a longer one gets a 400 context_length_exceeded. Only
	// the passage counts, not the instructions around it, so that splitting
	// a passage always helps. Zero means no limit.
	ContextTokens int
	// Model is the model name in answers and in /v1/models; empty means
	// [DefaultModel].
	Model string
	// Hold bounds how long a timeout fault keeps a request before it sends
	// a 504; zero means [DefaultHold].
	Hold time.Duration
	// RejectSchema makes the server refuse a json_schema response_format
	// with a 400 naming the response_format param, like servers without
	// structured output.
	RejectSchema bool
	// APIKey, when set, is the only bearer token accepted; other requests
	// get a 401.
	APIKey string
}

// FaultClasses lists the classes [Options.Faults] can inject.
var FaultClasses = []policies.Class{
	policies.RateLimit, policies.Quota, policies.Timeout, policies.ServerError,
	policies.ModelUnavailable, policies.ContentTooLong, policies.ContentFilter,
	policies.InvalidResponse, policies.Auth, policies.BadRequest,
}

// ErrOptions reports options that cannot work.
var ErrOptions = errors.New("llmsim: bad options")

// Validate reports the first option that cannot work, naming it.
func (o Options) Validate() error {
	total := o.Truncate + o.Malformed
	for _, c := range sortedClasses(o.Faults) {
		rate := o.Faults[c]
		if !injectable(c) {
			return fmt.Errorf("%w: fault class %q cannot be injected (use one of %s)",
				ErrOptions, c, classList())
		}
		if err := checkRate("fault "+string(c), rate); err != nil {
			return err
		}
		total += rate
	}
	for name, rate := range map[string]float64{"truncate": o.Truncate, "malformed": o.Malformed} {
		if err := checkRate(name, rate); err != nil {
			return err
		}
	}
	if total > 1+1e-9 {
		return fmt.Errorf("%w: the fault, truncate and malformed rates add up to %.3g "+
			"(lower them so that they add up to at most 1)", ErrOptions, total)
	}
	for name, d := range map[string]time.Duration{
		"latency": o.Latency, "retry_after": o.RetryAfter, "hold": o.Hold,
	} {
		if d < 0 {
			return fmt.Errorf("%w: %s is negative (%s)", ErrOptions, name, d)
		}
	}
	if o.ContextTokens < 0 {
		return fmt.Errorf("%w: context_tokens is negative (%d); use 0 for no limit",
			ErrOptions, o.ContextTokens)
	}
	return nil
}

func checkRate(name string, rate float64) error {
	if rate < 0 || rate > 1 || rate != rate {
		return fmt.Errorf("%w: %s rate %v is not between 0 and 1", ErrOptions, name, rate)
	}
	return nil
}

func injectable(c policies.Class) bool { return slices.Contains(FaultClasses, c) }

func classList() string {
	names := make([]string, len(FaultClasses))
	for i, c := range FaultClasses {
		names[i] = string(c)
	}
	return strings.Join(names, ", ")
}

// sortedClasses returns the keys of m in [FaultClasses] order, unknown
// ones last by name, so that rolls are stable across map iteration.
func sortedClasses(m map[policies.Class]float64) []policies.Class {
	out := make([]policies.Class, 0, len(m))
	for c := range m {
		out = append(out, c)
	}
	rank := func(c policies.Class) int {
		if i := slices.Index(FaultClasses, c); i >= 0 {
			return i
		}
		return len(FaultClasses)
	}
	slices.SortFunc(out, func(a, b policies.Class) int {
		if d := rank(a) - rank(b); d != 0 {
			return d
		}
		return strings.Compare(string(a), string(b))
	})
	return out
}

// ParseFaults reads a fault list written as "rate_limit=0.2,server_error=0.1".
// An empty string gives no faults.
func ParseFaults(s string) (map[policies.Class]float64, error) {
	out := map[policies.Class]float64{}
	for _, part := range strings.Split(s, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		name, value, ok := strings.Cut(part, "=")
		if !ok {
			return nil, fmt.Errorf("%w: fault %q has no rate (write it as class=rate, "+
				"like rate_limit=0.2)", ErrOptions, part)
		}
		c := policies.Class(strings.TrimSpace(name))
		if !injectable(c) {
			return nil, fmt.Errorf("%w: fault class %q cannot be injected (use one of %s)",
				ErrOptions, c, classList())
		}
		rate, err := strconv.ParseFloat(strings.TrimSpace(value), 64)
		if err != nil {
			return nil, fmt.Errorf("%w: fault %q: rate %q is not a number", ErrOptions, c, value)
		}
		if err := checkRate("fault "+string(c), rate); err != nil {
			return nil, err
		}
		out[c] = rate
	}
	return out, nil
}

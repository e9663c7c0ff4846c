package policies_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/graphrun/graphrun/policies"
	"github.com/graphrun/graphrun/policies/policiestest"
)

var _ policies.Clock = (*policiestest.FakeClock)(nil)

// script is a node function that returns its errors in turn, one per
// attempt, and succeeds once they run out. It counts its calls.
type script struct {
	mu    sync.Mutex
	errs  []error
	calls int
}

func fails(errs ...error) *script { return &script{errs: errs} }

func (s *script) fn(_ context.Context, _ int) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls++
	if s.calls <= len(s.errs) {
		return s.errs[s.calls-1]
	}
	return nil
}

func (s *script) count() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.calls
}

// times repeats one error n times.
func times(n int, err error) []error {
	errs := make([]error, n)
	for i := range errs {
		errs[i] = err
	}
	return errs
}

func classed(c policies.Class) error {
	return policies.Errorf(c, "the service said %s", c)
}

func compile(t *testing.T, s policies.Spec, b *policies.Breakers,
	c policies.Clock) *policies.Policy {
	t.Helper()
	p, err := policies.Compile(s, b, c)
	require.NoError(t, err)
	return p
}

// requireClassified checks the contract every error of Execute keeps, and
// returns it as an *Error.
func requireClassified(t *testing.T, err error, attempts int) *policies.Error {
	t.Helper()
	require.Error(t, err)
	var e *policies.Error
	require.True(t, errors.As(err, &e), "error %v is not a *policies.Error", err)
	require.Contains(t, policies.Classes, e.Class)
	require.Equal(t, attempts, e.Attempt)
	require.Empty(t, e.Node)
	return e
}

func seconds(ns ...float64) []time.Duration {
	out := make([]time.Duration, len(ns))
	for i, n := range ns {
		out[i] = time.Duration(n * float64(time.Second))
	}
	return out
}

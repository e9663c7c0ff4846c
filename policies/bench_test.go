package policies_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/graphrun/graphrun/policies"
)

func succeed(context.Context, int) error { return nil }

func TestExecuteAllocations(t *testing.T) {
	plain, err := policies.Compile(policies.Spec{Name: "plain"}, nil, nil)
	assert.NoError(t, err)
	tests := []struct {
		name string
		p    *policies.Policy
	}{
		{name: "a nil policy allocates nothing on success"},
		{name: "a policy without retry or breaker allocates nothing on success", p: plain},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			allocs := testing.AllocsPerRun(100, func() {
				_, _ = tt.p.Execute(ctx, policies.Hooks{}, succeed)
			})
			assert.Zero(t, allocs)
		})
	}
}

func BenchmarkExecute(b *testing.B) {
	breakers := policies.NewBreakers()
	if err := breakers.Declare(policies.BreakerSpec{Name: "llm"}); err != nil {
		b.Fatal(err)
	}
	specs := []struct {
		name string
		spec *policies.Spec
	}{
		{name: "nil"},
		{name: "plain", spec: &policies.Spec{}},
		{name: "retry", spec: &policies.Spec{Retry: &policies.RetrySpec{}}},
		{name: "breaker", spec: &policies.Spec{Breaker: "llm"}},
		{name: "timeout", spec: &policies.Spec{Timeout: time.Minute}},
	}
	for _, s := range specs {
		var p *policies.Policy
		if s.spec != nil {
			var err error
			if p, err = policies.Compile(*s.spec, breakers, nil); err != nil {
				b.Fatal(err)
			}
		}
		b.Run(s.name, func(b *testing.B) {
			ctx := context.Background()
			b.ReportAllocs()
			for b.Loop() {
				_, _ = p.Execute(ctx, policies.Hooks{}, succeed)
			}
		})
	}
}

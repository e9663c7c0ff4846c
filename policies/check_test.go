package policies_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/graphrun/graphrun/policies"
)

func TestSpecCheck(t *testing.T) {
	tests := []struct {
		name  string
		spec  policies.Spec
		paths []string
	}{
		{name: "the zero spec is sound", spec: policies.Spec{Name: "p"}},
		{
			name: "a full spec is sound",
			spec: policies.Spec{Name: "p", Timeout: time.Second, Deadline: time.Minute,
				Retry: &policies.RetrySpec{MaxAttempts: 4, Jitter: 1, Multiplier: 1,
					On: []policies.Class{policies.Any}},
				Fallback: []policies.Route{{On: []policies.Class{policies.Any}, To: "x"}},
				Chaos:    &policies.ChaosSpec{Class: policies.Timeout, Rate: 1}},
		},
		{
			name:  "negative durations are named by field",
			spec:  policies.Spec{Name: "p", Timeout: -1, Deadline: -1},
			paths: []string{"policies.p.timeout", "policies.p.deadline"},
		},
		{
			name: "retry fields out of range are named by field",
			spec: policies.Spec{Name: "p", Retry: &policies.RetrySpec{MaxAttempts: -1,
				Multiplier: 0.5, Jitter: 1.5, MaxWait: -time.Second,
				On: []policies.Class{"rate_limit", "flaky"}}},
			paths: []string{"policies.p.retry.max_attempts", "policies.p.retry.max_wait",
				"policies.p.retry.multiplier", "policies.p.retry.jitter",
				"policies.p.retry.on[1]"},
		},
		{
			name: "a fallback route needs classes and a target",
			spec: policies.Spec{Name: "p", Fallback: []policies.Route{
				{On: []policies.Class{policies.Quota}, To: "a"}, {}}},
			paths: []string{"policies.p.fallback[1].on", "policies.p.fallback[1].to"},
		},
		{
			name: "chaos needs one real class and a rate from 0 to 1",
			spec: policies.Spec{Name: "p", Chaos: &policies.ChaosSpec{Class: policies.Any,
				Rate: 2}},
			paths: []string{"policies.p.chaos.class", "policies.p.chaos.rate"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var paths []string
			for _, p := range tt.spec.Check() {
				paths = append(paths, p.Path())
				assert.NotEmpty(t, p.Hint, p.Error())
			}
			assert.Equal(t, tt.paths, paths)

			_, err := policies.Compile(tt.spec, nil, nil)
			if tt.paths == nil {
				require.NoError(t, err)
				return
			}
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.paths[0])
		})
	}
}

func TestBreakerSpecCheck(t *testing.T) {
	problems := policies.BreakerSpec{Name: "llm", Cooldown: -1,
		On: []policies.Class{"nope"}}.Check()
	require.Len(t, problems, 2)
	assert.Equal(t, "breakers.llm.cooldown", problems[0].Path())
	assert.Equal(t, `breakers.llm.on[0]: unknown error class "nope" `+
		`(see the class table in docs/policies.md)`, problems[1].Error())
}

func TestMatchRoute(t *testing.T) {
	routes := []policies.Route{
		{On: []policies.Class{policies.ContentTooLong}, To: "split"},
		{On: []policies.Class{policies.RateLimit, policies.BreakerOpen}, To: "backup"},
		{On: []policies.Class{policies.Any}, To: "template"},
	}
	tests := []struct {
		name   string
		routes []policies.Route
		class  policies.Class
		to     string
	}{
		{name: "the first route that lists the class wins", routes: routes,
			class: policies.ContentTooLong, to: "split"},
		{name: "a class listed second in a route matches", routes: routes,
			class: policies.BreakerOpen, to: "backup"},
		{name: "any catches the rest", routes: routes, class: policies.Auth, to: "template"},
		{name: "no route catches an unlisted class", routes: routes[:2],
			class: policies.Auth},
		{name: "no routes catch nothing", class: policies.Unknown},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, ok := policies.MatchRoute(tt.routes, tt.class)
			assert.Equal(t, tt.to != "", ok)
			assert.Equal(t, tt.to, r.To)
		})
	}
}

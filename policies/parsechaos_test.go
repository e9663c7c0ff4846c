package policies_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/graphrun/graphrun/policies"
)

func TestParseChaos(t *testing.T) {
	tests := []struct {
		name  string
		in    string
		node  string
		chaos policies.ChaosSpec
		err   string
	}{
		{name: "a class and a rate are read", in: "generate=rate_limit:0.3",
			node: "generate", chaos: policies.ChaosSpec{Class: policies.RateLimit, Rate: 0.3}},
		{name: "a retry-after is read", in: "generate=rate_limit:1:2s", node: "generate",
			chaos: policies.ChaosSpec{Class: policies.RateLimit, Rate: 1,
				RetryAfter: 2 * time.Second}},
		{name: "a percentage is read as a rate", in: " gen = timeout : 25% ", node: "gen",
			chaos: policies.ChaosSpec{Class: policies.Timeout, Rate: 0.25}},
		{name: "a missing node is refused", in: "=timeout:0.1", err: "no node name"},
		{name: "a missing equals sign is refused", in: "timeout:0.1", err: "=class:rate is missing"},
		{name: "a bare node name is refused", in: "template", err: "=class:rate is missing"},
		{name: "a missing rate is refused", in: "gen=timeout", err: "want node=class:rate"},
		{name: "extra parts are refused", in: "gen=timeout:0.1:1s:x",
			err: "want node=class:rate"},
		{name: "an unknown class is refused", in: "gen=flaky:0.1",
			err: `unknown error class "flaky"`},
		{name: "class any is refused", in: "gen=any:0.1", err: "class any cannot"},
		{name: "a rate above one is refused", in: "gen=timeout:1.5", err: "out of range"},
		{name: "a negative percentage is refused", in: "gen=timeout:-5%",
			err: "out of range"},
		{name: "a rate that is not a number is refused", in: "gen=timeout:NaN",
			err: "not a number"},
		{name: "a bad retry-after is refused", in: "gen=timeout:0.1:soon",
			err: "is not a duration"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			node, c, err := policies.ParseChaos(tt.in)
			if tt.err != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), tt.err)
				assert.Contains(t, err.Error(), tt.in)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.node, node)
			assert.Equal(t, tt.chaos, c)
		})
	}
}

func FuzzParseChaos(f *testing.F) {
	for _, s := range []string{"generate=rate_limit:0.3", "g=timeout:30%:2s", "=", "a=b:c:d",
		"x=quota:1e-3", "n=server_error:100%"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		node, c, err := policies.ParseChaos(s)
		if err != nil {
			return
		}
		if node == "" || c.Rate < 0 || c.Rate > 1 || c.RetryAfter < 0 {
			t.Fatalf("ParseChaos(%q) accepted node %q and %+v", s, node, c)
		}
		if problems := (policies.Spec{Chaos: &c}).Check(); len(problems) > 0 {
			t.Fatalf("ParseChaos(%q) gave a spec that fails its check: %v", s, problems[0])
		}
	})
}

package main

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/graphrun/graphrun/nodes/llm/llmsim"
	"github.com/graphrun/graphrun/policies"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestLLMSimFlags(t *testing.T) {
	tests := []struct {
		name string
		args []string
		ok   bool
	}{
		{"loopback with faults is accepted",
			[]string{"--addr", "127.0.0.1:0", "--fail", "rate_limit=0.2,server_error=0.1"}, true},
		{"an IPv6 loopback is accepted", []string{"--addr", "[::1]:0"}, true},
		{"localhost is accepted", []string{"--addr", "localhost:0"}, true},
		{"all interfaces are refused", []string{"--addr", ":8089"}, false},
		{"a public address is refused", []string{"--addr", "0.0.0.0:8089"}, false},
		{"an unknown fault class is refused", []string{"--fail", "storage=0.5"}, false},
		{"a fault without a rate is refused", []string{"--fail", "rate_limit"}, false},
		{"rates adding up past one are refused",
			[]string{"--fail", "rate_limit=0.7", "--truncate", "0.5"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cmd := newLLMSimCmd()
			require.NoError(t, cmd.ParseFlags(tt.args))
			var f llmSimFlags
			f.addr, _ = cmd.Flags().GetString("addr")
			f.fail, _ = cmd.Flags().GetString("fail")
			f.truncate, _ = cmd.Flags().GetFloat64("truncate")
			_, err := f.options()
			if tt.ok {
				assert.NoError(t, err)
				return
			}
			require.Error(t, err)
			assert.Equal(t, exitUsage, exitCode(err))
		})
	}
	t.Run("the fault list reaches the options", func(t *testing.T) {
		o, err := llmSimFlags{addr: "127.0.0.1:0", fail: "quota=0.25"}.options()
		require.NoError(t, err)
		assert.Equal(t, map[policies.Class]float64{policies.Quota: 0.25}, o.Faults)
	})
}

// lineWriter hands the first write to a channel.
type lineWriter chan string

func (w lineWriter) Write(p []byte) (int, error) {
	w <- string(p)
	return len(p), nil
}

func TestServeLLMSimAnswersUntilCanceled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	out := make(lineWriter, 1)
	done := make(chan error, 1)
	go func() { done <- serveLLMSim(ctx, "127.0.0.1:0", llmsim.Options{Model: "m"}, out) }()

	line := <-out
	require.Contains(t, line, "OPENAI_BASE_URL=http://127.0.0.1:")
	base := strings.TrimSpace(line[strings.Index(line, "OPENAI_BASE_URL=")+len("OPENAI_BASE_URL="):])
	resp, err := http.Get(strings.TrimSuffix(base, "/v1") + "/healthz")
	require.NoError(t, err)
	body, _ := io.ReadAll(resp.Body)
	_ = resp.Body.Close()
	assert.Equal(t, "ok\n", string(body))

	cancel()
	assert.NoError(t, <-done)
}

func TestLLMSimCommandRefusesAPublicAddress(t *testing.T) {
	assert.Equal(t, exitUsage, run([]string{"llm-sim", "--addr", "0.0.0.0:8089"}))
}

package telemetry_test

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/graphrun/graphrun/graph"
	"github.com/graphrun/graphrun/telemetry"
)

func TestRedact(t *testing.T) {
	tests := []struct {
		name, in, secret string
	}{
		{"a bearer token is masked", "sent Authorization: Bearer abc.def-123", "abc.def-123"},
		{"a key shaped like an API key is masked", "bad key sk-test-LEAK123456 given",
			"sk-test-LEAK123456"},
		{"an api_key assignment is masked", `api_key="hunter2hunter2"`, "hunter2hunter2"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := telemetry.Redact(tt.in)
			assert.NotContains(t, got, tt.secret)
			assert.Contains(t, got, telemetry.Redacted)
		})
	}
	t.Run("plain text is left alone", func(t *testing.T) {
		assert.Equal(t, "node generate failed", telemetry.Redact("node generate failed"))
	})
}

func TestLoggerMasksSecretsInEventErrors(t *testing.T) {
	var buf bytes.Buffer
	l, err := telemetry.NewLogger(&buf, "json", "info")
	require.NoError(t, err)
	telemetry.LogEvents(l)(graph.Event{Kind: graph.NodeFailed, Node: "generate",
		Error: "401 from server: Incorrect API key provided: sk-test-LEAKCHECK-999"})
	l.Info("request", "authorization", "Bearer sk-test-LEAKCHECK-999")
	assert.NotContains(t, buf.String(), "LEAKCHECK")
}

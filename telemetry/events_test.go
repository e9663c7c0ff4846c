package telemetry_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/graphrun/graphrun/graph"
	"github.com/graphrun/graphrun/telemetry"
)

func TestLogEventsWritesTheSameKeysOnEveryLine(t *testing.T) {
	var buf bytes.Buffer
	l, err := telemetry.NewLogger(&buf, "json", "debug")
	require.NoError(t, err)
	runFlaky(t, telemetry.LogEvents(l))

	var msgs []string
	sc := bufio.NewScanner(&buf)
	for sc.Scan() {
		var line map[string]any
		require.NoError(t, json.Unmarshal(sc.Bytes(), &line))
		for _, k := range telemetry.Keys {
			assert.Contains(t, line, k, "line %s", sc.Text())
		}
		msg := line["msg"].(string)
		assert.Equal(t, strings.ToLower(msg), msg)
		msgs = append(msgs, msg)
	}
	for _, want := range []string{"run started", "retry scheduled", "node failed",
		"fallback taken", "checkpoint saved", "run finished"} {
		assert.Contains(t, msgs, want)
	}
}

func TestLogEventsLevels(t *testing.T) {
	tests := []struct {
		name  string
		level string
		ev    graph.Event
		want  string
	}{
		{"a failed run logs at error", "info",
			graph.Event{Kind: graph.RunFinished, Status: graph.Failed}, "level=ERROR"},
		{"an interrupted run logs at warn", "warn",
			graph.Event{Kind: graph.RunFinished, Status: graph.Running}, "level=WARN"},
		{"an interrupted run says so", "info",
			graph.Event{Kind: graph.RunFinished, Status: graph.Running},
			"status=running interrupted=true"},
		{"a succeeded run is not called interrupted", "info",
			graph.Event{Kind: graph.RunFinished, Status: graph.Succeeded}, "status=succeeded\n"},
		{"a failed node logs at warn", "warn",
			graph.Event{Kind: graph.NodeFailed, Node: "a"}, "level=WARN"},
		{"a saved checkpoint is hidden at info", "info",
			graph.Event{Kind: graph.CheckpointSaved}, ""},
		{"a saved checkpoint shows at debug", "debug",
			graph.Event{Kind: graph.CheckpointSaved}, "msg=\"checkpoint saved\""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			l, err := telemetry.NewLogger(&buf, "text", tt.level)
			require.NoError(t, err)
			telemetry.LogEvents(l)(tt.ev)
			if tt.want == "" {
				assert.Empty(t, buf.String())
				return
			}
			assert.Contains(t, buf.String(), tt.want)
		})
	}
}

func TestNewLoggerRefusesUnknownSettings(t *testing.T) {
	tests := []struct {
		name, format, level string
	}{
		{"an unknown format is refused", "xml", "info"},
		{"an unknown level is refused", "json", "loud"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := telemetry.NewLogger(&bytes.Buffer{}, tt.format, tt.level)
			assert.Error(t, err)
		})
	}
}

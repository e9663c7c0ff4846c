package checkpoint_test

import (
	"errors"
	"flag"
	"math"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/graphrun/graphrun/graph"
	"github.com/graphrun/graphrun/graph/checkpoint"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

func sample() *graph.Checkpoint {
	at := time.Date(2025, 6, 1, 12, 30, 0, 123456789, time.FixedZone("CEST", 7200))
	return &graph.Checkpoint{
		Thread: "th-1", Run: "run-1", Graph: "mcq", Digest: "sha256:ff", Step: 3,
		Status: graph.Running,
		Writes: []graph.Write{{Field: "questions", Value: []any{"What is 2+2?"}}},
		Tasks: []graph.TaskRecord{{
			ID: "3:generate", Node: "generate", Attempts: 2, Started: at,
			Duration: 2 * time.Second,
		}},
		Next:     []graph.Task{{ID: "4:validate", Node: "validate"}},
		Counters: graph.Counters{Attempts: 5, Retries: 1},
		Time:     at,
	}
}

func TestGolden(t *testing.T) {
	t.Run("version 1 checkpoints keep decoding", func(t *testing.T) {
		path := filepath.Join("testdata", "v1", "checkpoint.json")
		if *update {
			data, err := checkpoint.Encode(sample())
			require.NoError(t, err)
			require.NoError(t, os.WriteFile(path, append(data, '\n'), 0o644))
		}
		data, err := os.ReadFile(path)
		require.NoError(t, err)
		got, err := checkpoint.Decode(data)
		require.NoError(t, err)
		want := sample()
		want.Time = want.Time.UTC()
		want.Tasks[0].Started = want.Tasks[0].Started.UTC()
		assert.Equal(t, want, got)
	})
}

func TestDecode(t *testing.T) {
	tests := []struct {
		name, data string
		version    bool
	}{
		{"empty input", "", false},
		{"a JSON string", `"checkpoint"`, false},
		{"a missing version", `{"thread":"t"}`, true},
		{"a newer version", `{"v":2,"thread":"t"}`, true},
		{"an unknown field", `{"v":1,"thread":"t","extra":1}`, false},
		{"a field of the wrong type", `{"v":1,"step":"3"}`, false},
		{"trailing data", `{"v":1} x`, false},
	}
	for _, tt := range tests {
		t.Run(tt.name+" is an error", func(t *testing.T) {
			_, err := checkpoint.Decode([]byte(tt.data))
			require.Error(t, err)
			assert.Equal(t, tt.version, isVersion(err))
			_, err = checkpoint.DecodeResult([]byte(tt.data))
			require.Error(t, err)
			_, err = checkpoint.DecodeStatus([]byte(tt.data))
			require.Error(t, err)
		})
	}
	t.Run("a task result is not a checkpoint", func(t *testing.T) {
		data, err := checkpoint.EncodeResult(&graph.TaskResult{Task: graph.Task{ID: "1:a"}})
		require.NoError(t, err)
		_, err = checkpoint.Decode(data)
		require.Error(t, err)
	})
}

func isVersion(err error) bool { return errors.Is(err, checkpoint.ErrVersion) }

func TestNanos(t *testing.T) {
	tests := []struct {
		name string
		in   time.Time
		want time.Time
	}{
		{"the zero time reads back as zero", time.Time{}, time.Time{}},
		{"a zoned time reads back in UTC", time.Date(2030, 1, 1, 1, 0, 0, 5,
			time.FixedZone("X", 3600)), time.Date(2030, 1, 1, 0, 0, 0, 5, time.UTC)},
		{"the epoch reads back", time.Unix(0, 0), time.Unix(0, 0).UTC()},
		{"a far future is clamped", time.Date(3000, 1, 1, 0, 0, 0, 0, time.UTC),
			time.Unix(0, math.MaxInt64).UTC()},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, checkpoint.FromNanos(checkpoint.Nanos(tt.in)))
		})
	}
}

func TestShown(t *testing.T) {
	at := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	cp := &graph.Checkpoint{Status: graph.Running, Time: at}
	tests := []struct {
		name string
		st   *graph.ThreadStatus
		want graph.Status
	}{
		{"no set status shows the checkpoint", nil, graph.Running},
		{"an older status shows the checkpoint",
			&graph.ThreadStatus{Status: graph.Failed, Time: at.Add(-1)}, graph.Running},
		{"a status of the same instant wins",
			&graph.ThreadStatus{Status: graph.Failed, Time: at}, graph.Failed},
		{"a newer status wins",
			&graph.ThreadStatus{Status: graph.Succeeded, Time: at.Add(1)}, graph.Succeeded},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, checkpoint.ShownOf(cp).With(tt.st).Status)
		})
	}
}

func FuzzDecode(f *testing.F) {
	data, err := checkpoint.Encode(sample())
	require.NoError(f, err)
	f.Add(data)
	f.Add([]byte(`{"v":1}`))
	f.Add([]byte(`{"v":1,"writes":[{"field":"a","value":{"b":[1,2]}}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		cp, err := checkpoint.Decode(data)
		if err != nil {
			return
		}
		// Whatever decodes must encode and decode to the same checkpoint.
		again, err := checkpoint.Encode(cp)
		require.NoError(t, err)
		back, err := checkpoint.Decode(again)
		require.NoError(t, err)
		assert.Equal(t, cp, back)
	})
}

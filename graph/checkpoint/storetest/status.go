package storetest

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/graphrun/graphrun/graph"
)

var statusCases = []testCase{
	{"a set status loads back and survives later commits", statusRoundTrip},
	{"setting the status of an unknown thread fails with ErrThreadNotFound", statusUnknown},
	{"listings show the newer of the set status and the last checkpoint", statusListing},
	{"prune goes by the status a listing shows", statusPrune},
}

// failure returns a failed status set at the time of step step.
func failure(step int, offset time.Duration) graph.ThreadStatus {
	return graph.ThreadStatus{
		Status: graph.Failed,
		Error: &graph.ErrorRecord{
			Class: "timeout", Message: "no answer", Node: "generate", Attempts: 4,
		},
		Compensated: []string{"2:save"},
		Time:        stepTime(offset, step).In(zone),
	}
}

func statusRoundTrip(t *testing.T, s graph.Store) {
	commit(t, s, checkpointAt("t-s", 0, 0), checkpointAt("t-s", 1, 0))
	h, err := s.Load(ctx(t), "t-s")
	require.NoError(t, err)
	assert.Nil(t, h.Status, "no status was set")

	require.NoError(t, s.SetStatus(ctx(t), "t-s", graph.ThreadStatus{
		Status: graph.Running, Time: stepTime(0, 1),
	}))
	require.NoError(t, s.SetStatus(ctx(t), "t-s", failure(1, time.Millisecond)))
	commit(t, s, checkpointAt("t-s", 2, 0))

	h, err = s.Load(ctx(t), "t-s")
	require.NoError(t, err)
	want := failure(1, time.Millisecond)
	want.Time = want.Time.UTC()
	require.NotNil(t, h.Status)
	assert.Equal(t, &want, h.Status)
	assert.Len(t, h.Checkpoints, 3)
}

func statusUnknown(t *testing.T, s graph.Store) {
	err := s.SetStatus(ctx(t), "t-none", failure(0, 0))
	require.ErrorIs(t, err, graph.ErrThreadNotFound)
}

func statusListing(t *testing.T, s graph.Store) {
	commit(t, s, checkpointAt("t-l", 0, 0), checkpointAt("t-l", 1, 0))
	show := func(t *testing.T) (graph.Status, string, time.Time) {
		t.Helper()
		got, err := s.Threads(ctx(t), graph.ThreadFilter{})
		require.NoError(t, err)
		require.Len(t, got, 1)
		assert.Equal(t, stepTime(0, 0), got[0].Created)
		return got[0].Status, got[0].Error, got[0].Updated
	}

	t.Run("a status set after the last commit is shown", func(t *testing.T) {
		require.NoError(t, s.SetStatus(ctx(t), "t-l", failure(1, time.Millisecond)))
		st, msg, at := show(t)
		assert.Equal(t, graph.Failed, st)
		assert.Equal(t, "timeout: no answer", msg)
		assert.Equal(t, stepTime(time.Millisecond, 1), at)
	})
	t.Run("a status set at the time of the last commit is shown", func(t *testing.T) {
		require.NoError(t, s.SetStatus(ctx(t), "t-l", failure(1, 0)))
		st, _, _ := show(t)
		assert.Equal(t, graph.Failed, st)
	})
	t.Run("a later commit is shown over an older status", func(t *testing.T) {
		commit(t, s, checkpointAt("t-l", 2, 0))
		st, msg, at := show(t)
		assert.Equal(t, graph.Running, st)
		assert.Empty(t, msg)
		assert.Equal(t, stepTime(0, 2), at)
	})
	t.Run("filters match the shown status", func(t *testing.T) {
		require.NoError(t, s.SetStatus(ctx(t), "t-l", failure(3, 0)))
		got, err := s.Threads(ctx(t), graph.ThreadFilter{Status: graph.Failed})
		require.NoError(t, err)
		assert.Equal(t, []string{"t-l"}, names(got))
		got, err = s.Threads(ctx(t), graph.ThreadFilter{Status: graph.Running})
		require.NoError(t, err)
		assert.Empty(t, got)
	})
}

func statusPrune(t *testing.T, s graph.Store) {
	commit(t, s, checkpointAt("t-failed", 0, 0), checkpointAt("t-running", 0, 0))
	require.NoError(t, s.SetStatus(ctx(t), "t-failed", failure(0, time.Second)))
	stuck := failure(0, -time.Second)
	require.NoError(t, s.SetStatus(ctx(t), "t-running", stuck))

	n, err := s.Prune(ctx(t), graph.PruneOptions{})
	require.NoError(t, err)
	assert.Equal(t, 1, n)
	assert.Equal(t, []string{"t-running"}, remaining(t, s))
}

package sqlite_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/graphrun/graphrun/graph"
	"github.com/graphrun/graphrun/graph/checkpoint/sqlite"
)

func TestResultsLeftByAnotherProcessAreDroppedByTheCommitOfTheirStep(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "graphrun.db")
	cp := func(step int) *graph.Checkpoint {
		return &graph.Checkpoint{Thread: "t", Graph: "g", Step: step, Status: graph.Running,
			Time: time.Unix(int64(step), 0)}
	}

	// The first process records a task of step 1 and dies before the step
	// commits.
	first, err := sqlite.Open(path, sqlite.Options{})
	require.NoError(t, err)
	require.NoError(t, first.Commit(ctx, cp(0)))
	require.NoError(t, first.PutTask(ctx, "t", 1, &graph.TaskResult{
		Task: graph.Task{ID: "1:a", Node: "a"}, Record: graph.TaskRecord{ID: "1:a", Node: "a"}}))
	require.NoError(t, first.Close())

	// The second loads the thread, as a resume does, and commits step 1.
	second, err := sqlite.Open(path, sqlite.Options{})
	require.NoError(t, err)
	defer second.Close()
	h, err := second.Load(ctx, "t")
	require.NoError(t, err)
	require.Len(t, h.Pending, 1)
	require.NoError(t, second.Commit(ctx, cp(1)))

	var left int
	require.NoError(t, second.DB().QueryRow(
		`SELECT count(*) FROM checkpoint_pending WHERE thread = 't'`).Scan(&left))
	assert.Zero(t, left, "the commit dropped the results of its step")
}

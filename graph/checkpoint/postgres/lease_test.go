package postgres_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/graphrun/graphrun/graph"
	"github.com/graphrun/graphrun/graph/checkpoint/postgres"
)

// expired is a lease duration that ends before it starts, standing in for
// a worker that stopped renewing long ago.
const expired = -time.Minute

func TestLeases(t *testing.T) {
	dsn := schemaDSN(t)
	a, b := open(t, dsn), open(t, dsn)
	ctx := t.Context()
	require.NoError(t, a.Commit(ctx, cp("t", 0)))

	t.Run("a free thread is acquired", func(t *testing.T) {
		ok, err := a.Acquire(ctx, "t", "worker-a", time.Minute)
		require.NoError(t, err)
		assert.True(t, ok)
	})
	t.Run("a held lease is refused to another worker", func(t *testing.T) {
		ok, err := b.Acquire(ctx, "t", "worker-b", time.Minute)
		require.NoError(t, err)
		assert.False(t, ok)
		require.ErrorIs(t, b.Renew(ctx, "t", "worker-b", time.Minute), postgres.ErrLeaseLost)
	})
	t.Run("the holder renews and re-acquires its lease", func(t *testing.T) {
		require.NoError(t, a.Renew(ctx, "t", "worker-a", time.Minute))
		ok, err := a.Acquire(ctx, "t", "worker-a", time.Minute)
		require.NoError(t, err)
		assert.True(t, ok)
	})
	t.Run("an unexpired lease is not listed as expired", func(t *testing.T) {
		got, err := b.Expired(ctx)
		require.NoError(t, err)
		assert.Empty(t, got)
	})
	t.Run("an expired lease is listed and taken over", func(t *testing.T) {
		ok, err := a.Acquire(ctx, "t", "worker-a", expired)
		require.NoError(t, err)
		require.True(t, ok)

		got, err := b.Expired(ctx)
		require.NoError(t, err)
		assert.Equal(t, []string{"t"}, got)
		ok, err = b.Acquire(ctx, "t", "worker-b", time.Minute)
		require.NoError(t, err)
		assert.True(t, ok)
		require.ErrorIs(t, a.Renew(ctx, "t", "worker-a", time.Minute), postgres.ErrLeaseLost)
		got, err = a.Expired(ctx)
		require.NoError(t, err)
		assert.Empty(t, got)
	})
	t.Run("a released lease is free for another worker", func(t *testing.T) {
		require.NoError(t, a.Release(ctx, "t", "worker-a"), "releasing another's lease is a no-op")
		ok, err := a.Acquire(ctx, "t", "worker-a", time.Minute)
		require.NoError(t, err)
		require.False(t, ok)

		require.NoError(t, b.Release(ctx, "t", "worker-b"))
		ok, err = a.Acquire(ctx, "t", "worker-a", time.Minute)
		require.NoError(t, err)
		assert.True(t, ok)
	})
	t.Run("a finished thread is not listed as expired", func(t *testing.T) {
		require.NoError(t, a.Commit(ctx, cp("done", 0)))
		ok, err := a.Acquire(ctx, "done", "worker-a", expired)
		require.NoError(t, err)
		require.True(t, ok)
		require.NoError(t, a.SetStatus(ctx, "done", graph.ThreadStatus{
			Status: graph.Succeeded, Time: cp("done", 1).Time,
		}))
		got, err := b.Expired(ctx)
		require.NoError(t, err)
		assert.NotContains(t, got, "done")
	})
}

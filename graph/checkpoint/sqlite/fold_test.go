package sqlite

import (
	"context"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/graphrun/graphrun/graph"
)

func TestFold(t *testing.T) {
	commit := func(s *Store, thread string, step int) error {
		return s.Commit(context.Background(), &graph.Checkpoint{
			Thread: thread, Graph: "g", Step: step, Status: graph.Running,
			Writes: []graph.Write{{Field: "n", Value: step}},
			Time:   time.Unix(int64(step), 0).UTC(),
		})
	}
	// logPages returns the pages in the log, folding nothing: a fold that
	// is already complete has nothing to copy.
	logPages := func(t *testing.T, s *Store) (pages, folded int) {
		t.Helper()
		var blocked int
		require.NoError(t, s.DB().QueryRow(foldQuery).Scan(&blocked, &pages, &folded))
		return pages, folded
	}

	t.Run("after a fold the next commit starts the log over", func(t *testing.T) {
		s, err := Open(filepath.Join(t.TempDir(), "f.db"), Options{})
		require.NoError(t, err)
		t.Cleanup(func() { s.Close() })
		for step := range 50 {
			require.NoError(t, commit(s, "t", step))
		}
		require.NoError(t, s.fold.fold(t.Context()))
		require.NoError(t, commit(s, "t", 50))

		pages, folded := logPages(t, s)
		assert.Less(t, pages, 10, "the log holds only the last commit")
		assert.Equal(t, pages, folded)
	})
	t.Run("commits made during folds are all kept", func(t *testing.T) {
		s, err := Open(filepath.Join(t.TempDir(), "f.db"), Options{})
		require.NoError(t, err)
		t.Cleanup(func() { s.Close() })
		const steps = 600
		var wg sync.WaitGroup
		errs := make(chan error, steps)
		wg.Go(func() {
			for step := range steps {
				errs <- commit(s, "t", step)
			}
		})
		stop := make(chan struct{})
		var folds sync.WaitGroup
		folds.Go(func() {
			for {
				select {
				case <-stop:
					return
				default:
					assert.NoError(t, s.fold.fold(context.Background()))
				}
			}
		})
		wg.Wait()
		close(stop)
		folds.Wait()
		close(errs)
		for err := range errs {
			require.NoError(t, err)
		}
		h, err := s.Load(t.Context(), "t")
		require.NoError(t, err)
		assert.Len(t, h.Checkpoints, steps)
	})
	t.Run("the store asks for a fold every foldEvery writes", func(t *testing.T) {
		s, err := Open(filepath.Join(t.TempDir(), "f.db"), Options{})
		require.NoError(t, err)
		for step := range foldEvery + 1 {
			require.NoError(t, commit(s, "t", step))
		}
		// Stopping waits for the fold asked for, which leaves in the log
		// at most the one commit made after it.
		require.NoError(t, s.fold.stop())
		pages, folded := logPages(t, s)
		assert.Less(t, pages-folded, 10)
		require.NoError(t, s.Close())
		require.NoError(t, s.Close(), "a second close is a no-op")
	})
}

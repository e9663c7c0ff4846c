package sqlite_test

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/graphrun/graphrun/graph"
	"github.com/graphrun/graphrun/graph/checkpoint"
	"github.com/graphrun/graphrun/graph/checkpoint/sqlite"
)

func open(t *testing.T, path string, o sqlite.Options) *sqlite.Store {
	t.Helper()
	s, err := sqlite.Open(path, o)
	require.NoError(t, err)
	t.Cleanup(func() { s.Close() })
	return s
}

func cp(thread string, step int) *graph.Checkpoint {
	return &graph.Checkpoint{
		Thread: thread, Graph: "mcq", Step: step, Status: graph.Running,
		Writes: []graph.Write{{Field: "questions", Value: []any{"q"}}},
		Time:   time.Date(2025, 1, 2, 3, 4, 5, 6, time.UTC).Add(time.Duration(step)),
	}
}

func TestOpen(t *testing.T) {
	t.Run("the parent directory is created", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "a", "b", "graphrun.db")
		s := open(t, path, sqlite.Options{})
		assert.Equal(t, path, s.Path())
		require.NoError(t, s.Commit(t.Context(), cp("t", 0)))
	})
	t.Run("the pragmas follow the options", func(t *testing.T) {
		for sync, want := range map[string]int{"": 1, "normal": 1, "FULL": 2} {
			s := open(t, filepath.Join(t.TempDir(), "x.db"), sqlite.Options{Synchronous: sync})
			var mode string
			var got, fk int
			db := s.DB()
			require.NoError(t, db.QueryRow("PRAGMA journal_mode").Scan(&mode))
			require.NoError(t, db.QueryRow("PRAGMA synchronous").Scan(&got))
			require.NoError(t, db.QueryRow("PRAGMA foreign_keys").Scan(&fk))
			assert.Equal(t, "wal", mode)
			assert.Equal(t, want, got, "synchronous %q", sync)
			assert.Equal(t, 1, fk)
		}
	})
	t.Run("bad arguments are refused with a hint", func(t *testing.T) {
		dir := t.TempDir()
		tests := []struct {
			path, sync, want string
		}{
			{"", "", "empty path"},
			{":memory:", "", "memory store"},
			{filepath.Join(dir, "a?b.db"), "", "rename the file"},
			{filepath.Join(dir, "ok.db"), "off", `"normal" or "full"`},
		}
		for _, tt := range tests {
			_, err := sqlite.Open(tt.path, sqlite.Options{Synchronous: tt.sync})
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.want)
		}
	})
	t.Run("a reopened file keeps its checkpoints", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "keep.db")
		s, err := sqlite.Open(path, sqlite.Options{})
		require.NoError(t, err)
		require.NoError(t, s.Commit(t.Context(), cp("t", 0)))
		require.NoError(t, s.Close())

		h, err := open(t, path, sqlite.Options{}).Load(t.Context(), "t")
		require.NoError(t, err)
		assert.Len(t, h.Checkpoints, 1)
	})
	t.Run("a file from a newer build is refused", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "new.db")
		s, err := sqlite.Open(path, sqlite.Options{})
		require.NoError(t, err)
		_, err = s.DB().Exec(`INSERT INTO checkpoint_migrations VALUES (?, 0)`,
			sqlite.SchemaVersion+1)
		require.NoError(t, err)
		require.NoError(t, s.Close())

		_, err = sqlite.Open(path, sqlite.Options{})
		require.ErrorIs(t, err, checkpoint.ErrSchemaVersion)
		assert.Contains(t, err.Error(), path)
		assert.Contains(t, err.Error(), "upgrade graphrun")
	})
}

func TestCorrupt(t *testing.T) {
	tests := []struct {
		name, table, set string
		step             int
	}{
		{"a checkpoint that is not JSON", "checkpoint_checkpoints",
			`payload = x'7b7b'`, 1},
		{"a checkpoint of an unknown codec version", "checkpoint_checkpoints",
			`payload = '{"v":99}'`, 1},
		{"a checkpoint with a field of the wrong type", "checkpoint_checkpoints",
			`payload = replace(payload, '"step":1', '"step":"one"')`, 1},
		{"a checkpoint stored under another step", "checkpoint_checkpoints",
			`payload = replace(payload, '"step":1', '"step":7')`, 1},
		{"a pending result that is not JSON", "checkpoint_pending", `payload = 'oops'`, 2},
		{"a set status of an unknown version", "checkpoint_threads",
			`set_payload = '{"v":2}'`, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name+" fails the load with a CorruptError", func(t *testing.T) {
			ctx := t.Context()
			s := open(t, filepath.Join(t.TempDir(), "c.db"), sqlite.Options{})
			require.NoError(t, s.Commit(ctx, cp("t", 0)))
			require.NoError(t, s.Commit(ctx, cp("t", 1)))
			require.NoError(t, s.PutTask(ctx, "t", 2, &graph.TaskResult{
				Task: graph.Task{ID: "2:n", Node: "n"},
			}))
			require.NoError(t, s.SetStatus(ctx, "t", graph.ThreadStatus{
				Status: graph.Failed, Time: cp("t", 1).Time,
			}))
			where := " WHERE thread = 't'"
			if tt.table == "checkpoint_checkpoints" {
				where += " AND step = 1"
			}
			res, err := s.DB().Exec("UPDATE " + tt.table + " SET " + tt.set + where)
			require.NoError(t, err)
			n, err := res.RowsAffected()
			require.NoError(t, err)
			require.EqualValues(t, 1, n)

			_, err = s.Load(ctx, "t")
			var corrupt *graph.CorruptError
			require.ErrorAs(t, err, &corrupt)
			assert.Equal(t, "t", corrupt.Thread)
			assert.Equal(t, tt.step, corrupt.Step)
		})
	}
}

func TestSharedFile(t *testing.T) {
	t.Run("two stores on one file commit without losing a step", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "shared.db")
		stores := []*sqlite.Store{open(t, path, sqlite.Options{}), open(t, path, sqlite.Options{})}
		const steps = 20
		var wg sync.WaitGroup
		errs := make(chan error, 2*steps)
		for i, s := range stores {
			wg.Go(func() {
				for step := range steps {
					errs <- s.Commit(context.Background(), cp(fmt.Sprint("t-", i), step))
				}
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			require.NoError(t, err)
		}
		for i := range stores {
			h, err := stores[1-i].Load(t.Context(), fmt.Sprint("t-", i))
			require.NoError(t, err)
			assert.Len(t, h.Checkpoints, steps)
		}
	})
	t.Run("two stores on one file resolve a conflict with one winner", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "race.db")
		a, b := open(t, path, sqlite.Options{}), open(t, path, sqlite.Options{})
		require.NoError(t, a.Commit(t.Context(), cp("t", 0)))
		errs := make(chan error, 2)
		var wg sync.WaitGroup
		for _, s := range []*sqlite.Store{a, b} {
			wg.Go(func() { errs <- s.Commit(context.Background(), cp("t", 1)) })
		}
		wg.Wait()
		close(errs)
		var ok, conflicts int
		for err := range errs {
			switch {
			case err == nil:
				ok++
			case errors.Is(err, graph.ErrConflict):
				conflicts++
			default:
				t.Fatalf("unexpected error: %v", err)
			}
		}
		assert.Equal(t, 1, ok)
		assert.Equal(t, 1, conflicts)
	})
}

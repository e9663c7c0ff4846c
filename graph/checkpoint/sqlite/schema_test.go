package sqlite

import (
	"database/sql"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/graphrun/graphrun/graph"
	"github.com/graphrun/graphrun/graph/checkpoint"
)

func TestMigrate(t *testing.T) {
	t.Run("a file at version 1 is brought to the current version with its threads", func(t *testing.T) {
		ctx := t.Context()
		path := filepath.Join(t.TempDir(), "v1.db")
		dsn, err := dataSource(path, Options{})
		require.NoError(t, err)
		db, err := sql.Open("sqlite", dsn)
		require.NoError(t, err)
		require.NoError(t, migrateTo(ctx, db, path, 1))

		// Write a thread the way version 1 did.
		at := time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)
		cp := &graph.Checkpoint{Thread: "t", Graph: "mcq", Status: graph.Running, Time: at}
		data, err := checkpoint.Encode(cp)
		require.NoError(t, err)
		nanos := checkpoint.Nanos(at)
		_, err = db.Exec(`INSERT INTO checkpoint_threads (thread, graph, step, created,
			cp_status, cp_error, cp_time, status, error, updated)
			VALUES ('t', 'mcq', 0, ?1, 'running', '', ?1, 'running', '', ?1)`, nanos)
		require.NoError(t, err)
		_, err = db.Exec(`INSERT INTO checkpoint_checkpoints VALUES
			('t', 0, 'running', 'mcq', ?, ?)`, nanos, data)
		require.NoError(t, err)
		require.NoError(t, db.Close())

		s, err := Open(path, Options{})
		require.NoError(t, err)
		t.Cleanup(func() { s.Close() })
		var version, indexes int
		require.NoError(t, s.DB().QueryRow(
			`SELECT MAX(version) FROM checkpoint_migrations`).Scan(&version))
		require.NoError(t, s.DB().QueryRow(`SELECT COUNT(*) FROM sqlite_schema
			WHERE type = 'index' AND tbl_name = 'checkpoint_threads'
			AND name NOT LIKE 'sqlite_autoindex%'`).Scan(&indexes))
		assert.Equal(t, SchemaVersion, version)
		assert.Zero(t, indexes)

		require.NoError(t, s.Commit(ctx, &graph.Checkpoint{Thread: "t", Graph: "mcq",
			Step: 1, Status: graph.Succeeded, Time: at.Add(time.Second)}))
		h, err := s.Load(ctx, "t")
		require.NoError(t, err)
		assert.Len(t, h.Checkpoints, 2)
		infos, err := s.Threads(ctx, graph.ThreadFilter{Status: graph.Succeeded})
		require.NoError(t, err)
		require.Len(t, infos, 1)
		assert.Equal(t, at, infos[0].Created)
		assert.Equal(t, 1, infos[0].Step)
	})
}

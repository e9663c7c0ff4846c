package postgres_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/graphrun/graphrun/graph"
	"github.com/graphrun/graphrun/graph/checkpoint"
	"github.com/graphrun/graphrun/graph/checkpoint/postgres"
	"github.com/graphrun/graphrun/graph/checkpoint/storetest"
)

// baseDSN names the test server; GRAPHRUN_TEST_POSTGRES overrides it.
func baseDSN() string {
	if dsn := os.Getenv("GRAPHRUN_TEST_POSTGRES"); dsn != "" {
		return dsn
	}
	return "postgres://postgres@127.0.0.1:5432/test?sslmode=disable"
}

// schemaDSN creates a schema of its own for the calling test, drops it
// when the test ends, and returns a DSN whose search_path selects it.
func schemaDSN(t *testing.T) string {
	t.Helper()
	buf := make([]byte, 6)
	_, err := rand.Read(buf)
	require.NoError(t, err)
	schema := "checkpoint_test_" + hex.EncodeToString(buf)

	conn, err := pgx.Connect(t.Context(), baseDSN())
	require.NoError(t, err, "the tests need PostgreSQL at %s", baseDSN())
	defer conn.Close(context.Background())
	_, err = conn.Exec(t.Context(), "CREATE SCHEMA "+schema)
	require.NoError(t, err)
	t.Cleanup(func() {
		conn, err := pgx.Connect(context.Background(), baseDSN())
		if !assert.NoError(t, err) {
			return
		}
		defer conn.Close(context.Background())
		_, err = conn.Exec(context.Background(), "DROP SCHEMA "+schema+" CASCADE")
		assert.NoError(t, err)
	})
	return baseDSN() + "&search_path=" + schema
}

func open(t *testing.T, dsn string) *postgres.Store {
	t.Helper()
	s, err := postgres.Open(t.Context(), dsn)
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

func TestStore(t *testing.T) {
	storetest.Run(t, func(t *testing.T) graph.Store {
		s, err := postgres.Open(t.Context(), schemaDSN(t))
		require.NoError(t, err)
		return s
	})
}

func TestOpen(t *testing.T) {
	t.Run("workers opening together migrate once", func(t *testing.T) {
		dsn := schemaDSN(t)
		var wg sync.WaitGroup
		errs := make(chan error, 4)
		for range 4 {
			wg.Go(func() {
				s, err := postgres.Open(context.Background(), dsn)
				if err == nil {
					s.Close()
				}
				errs <- err
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			require.NoError(t, err)
		}
		var n int
		s := open(t, dsn)
		err := s.Pool().QueryRow(t.Context(),
			"SELECT count(*) FROM checkpoint_migrations").Scan(&n)
		require.NoError(t, err)
		assert.Equal(t, postgres.SchemaVersion, n)
	})
	t.Run("a database from a newer build is refused", func(t *testing.T) {
		dsn := schemaDSN(t)
		s := open(t, dsn)
		_, err := s.Pool().Exec(t.Context(),
			"INSERT INTO checkpoint_migrations (version) VALUES ($1)", postgres.SchemaVersion+1)
		require.NoError(t, err)

		_, err = postgres.Open(t.Context(), dsn)
		require.ErrorIs(t, err, checkpoint.ErrSchemaVersion)
		assert.Contains(t, err.Error(), "upgrade graphrun")
	})
	t.Run("a malformed DSN is refused without echoing it", func(t *testing.T) {
		_, err := postgres.Open(t.Context(), "postgres://u:secret@[bad")
		require.Error(t, err)
		assert.NotContains(t, err.Error(), "secret")
	})
}

func TestCorrupt(t *testing.T) {
	tests := []struct {
		name, set string
	}{
		{"a checkpoint that is not JSON", `payload = '\x7b7b'::bytea`},
		{"a checkpoint of an unknown codec version", `payload = convert_to('{"v":99}', 'UTF8')`},
	}
	for _, tt := range tests {
		t.Run(tt.name+" fails the load with a CorruptError", func(t *testing.T) {
			s := open(t, schemaDSN(t))
			require.NoError(t, s.Commit(t.Context(), cp("t", 0)))
			require.NoError(t, s.Commit(t.Context(), cp("t", 1)))
			tag, err := s.Pool().Exec(t.Context(), "UPDATE checkpoint_checkpoints SET "+
				tt.set+" WHERE thread = 't' AND step = 1")
			require.NoError(t, err)
			require.EqualValues(t, 1, tag.RowsAffected())

			_, err = s.Load(t.Context(), "t")
			var corrupt *graph.CorruptError
			require.ErrorAs(t, err, &corrupt)
			assert.Equal(t, "t", corrupt.Thread)
			assert.Equal(t, 1, corrupt.Step)
		})
	}
}

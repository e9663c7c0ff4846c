package sqlite_test

import (
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/graphrun/graphrun/graph"
	"github.com/graphrun/graphrun/graph/checkpoint/sqlite"
	"github.com/graphrun/graphrun/graph/checkpoint/storetest"
)

func TestStore(t *testing.T) {
	for _, sync := range []string{"", "full"} {
		t.Run("with synchronous "+sync+" the store conforms", func(t *testing.T) {
			storetest.Run(t, func(t *testing.T) graph.Store {
				s, err := sqlite.Open(filepath.Join(t.TempDir(), "cp.db"),
					sqlite.Options{Synchronous: sync})
				require.NoError(t, err)
				return s
			})
		})
	}
}

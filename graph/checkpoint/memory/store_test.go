package memory_test

import (
	"testing"

	"github.com/graphrun/graphrun/graph"
	"github.com/graphrun/graphrun/graph/checkpoint/memory"
	"github.com/graphrun/graphrun/graph/checkpoint/storetest"
)

func TestStore(t *testing.T) {
	storetest.Run(t, func(*testing.T) graph.Store { return memory.New() })
}

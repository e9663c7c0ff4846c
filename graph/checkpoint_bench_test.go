package graph_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/graphrun/graphrun/graph"
	"github.com/graphrun/graphrun/graph/checkpoint/sqlite"
)

// sqliteBenchModes are the checkpoint settings the SQLite benchmarks
// compare: the default, a disk flush per commit, and background writes.
var sqliteBenchModes = []struct {
	name       string
	store      sqlite.Options
	durability graph.Durability
}{
	{"sync", sqlite.Options{}, graph.Sync},
	{"sync+full", sqlite.Options{Synchronous: "full"}, graph.Sync},
	{"async", sqlite.Options{}, graph.Async},
}

// openBenchSQLite opens a SQLite store in a fresh directory and returns it
// with its file's path.
func openBenchSQLite(b *testing.B, o sqlite.Options) (*sqlite.Store, string) {
	b.Helper()
	path := filepath.Join(b.TempDir(), "bench.db")
	s, err := sqlite.Open(path, o)
	if err != nil {
		b.Fatal(err)
	}
	return s, path
}

// BenchmarkW1SQLite measures a step of the one-node loop of
// [BenchmarkW1LoopStep] with every step checkpointed to SQLite.
func BenchmarkW1SQLite(b *testing.B) {
	reg := graph.NewRegistry()
	reg.Register("inc", "", set("n", 1))
	g := mustGraph(b, reg, loopGraph)
	ctx := context.Background()
	for _, m := range sqliteBenchModes {
		b.Run(m.name, func(b *testing.B) {
			s, _ := openBenchSQLite(b, m.store)
			b.Cleanup(func() { s.Close() })
			e := graph.NewEngine(graph.Options{Store: s, Durability: m.durability})
			b.ReportAllocs()
			for b.Loop() {
				res, err := e.Run(ctx, g, graph.RunOptions{})
				if err != nil || res.Steps != 1000 {
					b.Fatalf("run: %v, %d steps", err, res.Steps)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*1000), "ns/step")
		})
	}
}

// growingGraph is the one-node loop with a list that grows by one item a
// step.
const growingGraph = `
name: growing
state:
  n: {type: int, reducer: add}
  out: {type: list, reducer: append}
nodes:
  inc: {run: inc}
edges:
  - {from: START, to: inc}
  - from: inc
    switch:
      - {when: "n < 1000", to: inc}
      - {to: END}
`

// BenchmarkGrowingListSQLite measures the loop of [BenchmarkW1SQLite]
// when each step also appends an item of 300 bytes to a list. Besides the
// mean, it reports the time of a step over the first and the last hundred
// steps of a run and their ratio, which stays near 1 when a checkpoint
// costs what its step changed rather than what the state holds, and the
// bytes of database file each run of 1,000 steps leaves.
func BenchmarkGrowingListSQLite(b *testing.B) {
	reg := graph.NewRegistry()
	item := strings.Repeat("q", 300)
	reg.Register("inc", "", func(context.Context, graph.Input) (graph.Update, error) {
		return graph.Update{"n": 1, "out": []any{item}}, nil
	})
	g := mustGraph(b, reg, growingGraph)
	ctx := context.Background()
	for _, m := range sqliteBenchModes {
		b.Run(m.name, func(b *testing.B) {
			s, path := openBenchSQLite(b, m.store)
			e := graph.NewEngine(graph.Options{Store: s, Durability: m.durability})

			// Time the first and the last tenth of each run's steps.
			var first, last time.Duration
			timer := func(ev graph.Event) {
				switch {
				case ev.Kind != graph.StepDone:
				case ev.Step <= 100:
					first += ev.Duration
				case ev.Step > 900:
					last += ev.Duration
				}
			}
			o := graph.RunOptions{Listeners: []graph.Listener{timer}}
			b.ReportAllocs()
			for b.Loop() {
				res, err := e.Run(ctx, g, o)
				if err != nil || res.Steps != 1000 {
					b.Fatalf("run: %v, %d steps", err, res.Steps)
				}
			}
			steps := float64(b.N * 1000)
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/steps, "ns/step")
			b.ReportMetric(float64(first.Nanoseconds())/(steps/10), "first-ns/step")
			b.ReportMetric(float64(last.Nanoseconds())/(steps/10), "last-ns/step")
			b.ReportMetric(float64(last)/float64(first), "last/first")

			// Closing the store folds its log into the database file.
			if err := s.Close(); err != nil {
				b.Fatal(err)
			}
			b.ReportMetric(float64(fileSizes(b, path, path+"-wal"))/float64(b.N), "db-bytes")
		})
	}
}

// fileSizes returns the total size of the files that exist among paths.
func fileSizes(b *testing.B, paths ...string) int64 {
	b.Helper()
	var n int64
	for _, p := range paths {
		fi, err := os.Stat(p)
		if os.IsNotExist(err) {
			continue
		}
		if err != nil {
			b.Fatal(err)
		}
		n += fi.Size()
	}
	return n
}

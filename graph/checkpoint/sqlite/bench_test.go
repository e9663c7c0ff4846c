package sqlite_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/graphrun/graphrun/graph"
	"github.com/graphrun/graphrun/graph/checkpoint"
	"github.com/graphrun/graphrun/graph/checkpoint/sqlite"
)

var syncModes = []string{"normal", "full"}

func benchStore(b *testing.B, sync string) (*sqlite.Store, string) {
	b.Helper()
	path := filepath.Join(b.TempDir(), "bench.db")
	s, err := sqlite.Open(path, sqlite.Options{Synchronous: sync})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close() })
	return s, path
}

// BenchmarkCommit commits small checkpoints, two writes each, to one
// thread.
func BenchmarkCommit(b *testing.B) {
	for _, sync := range syncModes {
		b.Run("synchronous="+sync, func(b *testing.B) {
			s, _ := benchStore(b, sync)
			ctx := context.Background()
			start := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
			step := 0
			for b.Loop() {
				cp := &graph.Checkpoint{
					Thread: "bench", Graph: "mcq", Step: step, Status: graph.Running,
					Writes: []graph.Write{
						{Field: "target", Value: 10},
						{Field: "chunks", Value: []any{"a short chunk"}},
					},
					Next: []graph.Task{{ID: fmt.Sprintf("%d:generate", step+1), Node: "generate"}},
					Time: start.Add(time.Duration(step) * time.Second),
				}
				if err := s.Commit(ctx, cp); err != nil {
					b.Fatal(err)
				}
				step++
			}
		})
	}
}

// BenchmarkCommitGrowing runs threads of 1,000 steps whose append-list
// grows by one 300-byte item per step, each checkpoint carrying only the
// new item. It reports the time and encoded bytes of a commit over the
// first and the last hundred steps, which stay flat, and the size of the
// database file after each thread.
func BenchmarkCommitGrowing(b *testing.B) {
	const steps, tenth = 1000, 100
	item := strings.Repeat("x", 300)
	for _, sync := range syncModes {
		b.Run("synchronous="+sync, func(b *testing.B) {
			s, path := benchStore(b, sync)
			ctx := context.Background()
			var firstNs, lastNs, firstB, lastB float64
			run := 0
			for b.Loop() {
				thread := fmt.Sprintf("bench-%d", run)
				run++
				for step := range steps {
					cp := &graph.Checkpoint{
						Thread: thread, Graph: "mcq", Step: step, Status: graph.Running,
						Writes: []graph.Write{{Field: "questions", Value: []any{item}}},
						Time:   time.Unix(int64(step), 0).UTC(),
					}
					data, err := checkpoint.Encode(cp)
					if err != nil {
						b.Fatal(err)
					}
					began := time.Now()
					if err := s.Commit(ctx, cp); err != nil {
						b.Fatal(err)
					}
					took := float64(time.Since(began).Nanoseconds())
					switch {
					case step < tenth:
						firstNs, firstB = firstNs+took, firstB+float64(len(data))
					case step >= steps-tenth:
						lastNs, lastB = lastNs+took, lastB+float64(len(data))
					}
				}
			}
			commits := float64(run * tenth)
			b.ReportMetric(firstNs/commits, "first-ns/commit")
			b.ReportMetric(lastNs/commits, "last-ns/commit")
			b.ReportMetric(firstB/commits, "first-B/commit")
			b.ReportMetric(lastB/commits, "last-B/commit")
			b.ReportMetric(fileSize(b, s, path)/float64(run), "db-B/thread")
		})
	}
}

// fileSize returns the size of the database file once its write-ahead
// log is folded into it.
func fileSize(b *testing.B, s *sqlite.Store, path string) float64 {
	b.Helper()
	if _, err := s.DB().Exec("PRAGMA wal_checkpoint(TRUNCATE)"); err != nil {
		b.Fatal(err)
	}
	fi, err := os.Stat(path)
	if err != nil {
		b.Fatal(err)
	}
	return float64(fi.Size())
}

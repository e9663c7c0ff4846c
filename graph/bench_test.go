package graph_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/graphrun/graphrun/graph"
)

// BenchmarkW1LoopStep measures one step of a one-node loop whose switch
// edge sends it back to itself while n < 1000: time per step.
func BenchmarkW1LoopStep(b *testing.B) {
	reg := graph.NewRegistry()
	reg.Register("inc", "", set("n", 1))
	g := mustGraph(b, reg, loopGraph)
	e := graph.NewEngine(graph.Options{})
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		res, err := e.Run(ctx, g, graph.RunOptions{})
		if err != nil || res.Steps != 1000 {
			b.Fatalf("run: %v, %d steps", err, res.Steps)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*1000), "ns/step")
}

// w2Graph is the W2 graph: a fan-out of one task per item, then a join.
const w2Graph = `
name: w2
state:
  items: list
  out: {type: list, reducer: append}
  joined: int
nodes: {split: {run: split}, work: {run: work}, join: {run: join}}
edges:
  - {from: START, to: split}
  - {from: split, map: {over: items, to: work}}
  - {from: work, to: join}
  - {from: join, to: END}
`

// BenchmarkW2FanOut measures a fan-out of 100 parallel tasks that each
// append one item to a list, then a join: time per run.
func BenchmarkW2FanOut(b *testing.B) {
	reg := graph.NewRegistry()
	items := make([]any, 100)
	for i := range items {
		items[i] = i
	}
	reg.Register("split", "", set("items", items))
	reg.Register("work", "", func(_ context.Context, in graph.Input) (graph.Update, error) {
		return graph.Update{"out": in.Item}, nil
	})
	reg.Register("join", "", func(_ context.Context, in graph.Input) (graph.Update, error) {
		return graph.Update{"joined": len(in.State["out"].([]any))}, nil
	})
	g := mustGraph(b, reg, w2Graph)
	e := graph.NewEngine(graph.Options{})
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		res, err := e.Run(ctx, g, graph.RunOptions{})
		if err != nil || res.State["joined"] != 100 {
			b.Fatalf("run: %v", err)
		}
	}
}

// BenchmarkFanOutWaiting runs W2's graph with tasks that wait 2 ms each,
// as model calls do, to show what the worker pool's late growth costs a
// step like it: with the default limit of 64, two waves of 2 ms are the
// floor.
func BenchmarkFanOutWaiting(b *testing.B) {
	reg := graph.NewRegistry()
	items := make([]any, 100)
	reg.Register("split", "", set("items", items))
	reg.Register("work", "", func(_ context.Context, in graph.Input) (graph.Update, error) {
		time.Sleep(2 * time.Millisecond)
		return graph.Update{"out": in.Index}, nil
	})
	reg.Register("join", "", set("joined", 1))
	g := mustGraph(b, reg, w2Graph)
	e := graph.NewEngine(graph.Options{})
	ctx := context.Background()
	for b.Loop() {
		if _, err := e.Run(ctx, g, graph.RunOptions{}); err != nil {
			b.Fatal(err)
		}
	}
}

// mcqShaped is the W3 graph: chunk, generate, validate, back to generate
// until 20 items of about 300 bytes, then save.
const mcqShaped = `
name: w3
state:
  chunks: list
  questions: {type: list, reducer: append}
  saved: int
  target: {type: int, default: 20}
nodes:
  chunk: {run: chunk}
  generate: {run: generate}
  validate: {run: validate}
  save: {run: save}
edges:
  - {from: START, to: chunk}
  - {from: chunk, to: generate}
  - {from: generate, to: validate}
  - from: validate
    switch:
      - {when: "len(questions) >= target", to: save}
      - {to: generate}
  - {from: save, to: END}
`

// BenchmarkW3MCQShaped measures a run of the MCQ-shaped loop.
func BenchmarkW3MCQShaped(b *testing.B) {
	reg := graph.NewRegistry()
	item := map[string]any{"question": strings.Repeat("q", 200), "options": []any{"a1", "b2", "c3", "d4"},
		"answer_index": 0.0, "explanation": strings.Repeat("e", 60)}
	reg.Register("chunk", "", set("chunks", []any{"one", "two", "three"}))
	reg.Register("generate", "", set("questions", item))
	reg.Register("validate", "", func(context.Context, graph.Input) (graph.Update, error) {
		return nil, nil
	})
	reg.Register("save", "", func(_ context.Context, in graph.Input) (graph.Update, error) {
		return graph.Update{"saved": len(in.State["questions"].([]any))}, nil
	})
	g := mustGraph(b, reg, mcqShaped)
	e := graph.NewEngine(graph.Options{})
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		res, err := e.Run(ctx, g, graph.RunOptions{})
		if err != nil || res.State["saved"] != 20 {
			b.Fatalf("run: %v %v", err, res.State["saved"])
		}
	}
}

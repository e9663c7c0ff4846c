package main

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/graphrun/graphrun/graph"
)

// progress prints a run's events as plain lines, one per event worth a
// person's attention.
type progress struct {
	w io.Writer
}

func newProgress(w io.Writer) *progress { return &progress{w: w} }

func (p *progress) listen(ev graph.Event) {
	switch ev.Kind {
	case graph.RunStarted:
		fmt.Fprintf(p.w, "run %s: graph %s, thread %s (%s)\n", ev.Run, ev.Graph, ev.Thread, ev.Reason)
	case graph.StepStarted:
		fmt.Fprintf(p.w, "step %d: %s\n", ev.Step, summarizeNodes(ev.Nodes))
	case graph.RetryScheduled:
		fmt.Fprintf(p.w, "  retry %s in %s after %s (attempt %d, %s)\n",
			ev.Node, ev.Delay.Round(time.Millisecond), ev.Class, ev.Attempt, ev.Reason)
	case graph.NodeFailed:
		fmt.Fprintf(p.w, "  %s failed: %s\n", ev.Node, ev.Error)
	case graph.FallbackTaken:
		fmt.Fprintf(p.w, "  fallback %s -> %s (%s)\n", ev.Node, ev.Target, ev.Class)
	case graph.BreakerChanged:
		fmt.Fprintf(p.w, "  breaker %s: %s -> %s\n", ev.Breaker, ev.From, ev.To)
	case graph.CompensationRun:
		fmt.Fprintf(p.w, "  compensated %s\n", ev.Task)
	case graph.CompensationFail:
		fmt.Fprintf(p.w, "  compensation of %s failed: %s\n", ev.Task, ev.Error)
	case graph.RunFinished:
		line := fmt.Sprintf("run %s %s after %s", ev.Run, ev.Status, ev.Duration.Round(time.Millisecond))
		if ev.Error != "" {
			line += ": " + ev.Error
		}
		fmt.Fprintln(p.w, line)
	}
}

// summarizeNodes lists a step's nodes, counting repeats: "generate x12, save".
func summarizeNodes(nodes []string) string {
	var order []string
	count := map[string]int{}
	for _, n := range nodes {
		if count[n] == 0 {
			order = append(order, n)
		}
		count[n]++
	}
	parts := make([]string, len(order))
	for i, n := range order {
		parts[i] = n
		if count[n] > 1 {
			parts[i] += fmt.Sprintf(" x%d", count[n])
		}
	}
	return strings.Join(parts, ", ")
}

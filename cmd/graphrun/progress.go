package main

import (
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
	"time"

	"golang.org/x/term"

	"github.com/graphrun/graphrun/graph"
)

// progress shows a run's events to a person. On a terminal it keeps one
// status line up to date (step, nodes running, questions so far, retries
// and fallbacks) and prints the events worth attention above it; anywhere
// else it prints one plain line per such event. finish prints a summary.
type progress struct {
	w    io.Writer
	live bool
	// count names the list field whose length is shown (the questions
	// of the MCQ graph); empty means none.
	count string
	// resumeFlags are the flags a resume of this run needs, such as --db.
	resumeFlags string

	step      int
	running   map[string]string // task id: node
	retries   int
	fallbacks int
	asked     int
	started   time.Time
	drawn     bool
}

func newProgress(w io.Writer) *progress {
	return &progress{w: w, live: isTerminal(w), running: map[string]string{}}
}

// isTerminal says whether w is a terminal.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

func (p *progress) listen(ev graph.Event) {
	switch ev.Kind {
	case graph.RunStarted:
		p.started = ev.Time
		p.println("run %s: graph %s, thread %s (%s)", ev.Run, ev.Graph, ev.Thread, ev.Reason)
	case graph.StepStarted:
		p.step = ev.Step
		if !p.live {
			p.println("step %d: %s", ev.Step, summarizeNodes(ev.Nodes))
		}
	case graph.NodeStarted:
		p.running[ev.Task] = ev.Node
	case graph.NodeSucceeded:
		delete(p.running, ev.Task)
	case graph.RetryScheduled:
		p.retries++
		p.println("  retry %s in %s after %s (attempt %d, %s): %s",
			ev.Task, ev.Delay.Round(time.Millisecond), ev.Class, ev.Attempt, ev.Reason,
			truncateText(ev.Error, 120))
	case graph.NodeFailed:
		delete(p.running, ev.Task)
		p.println("  %s failed (%s): %s", ev.Task, ev.Class, ev.Error)
	case graph.FallbackTaken:
		p.fallbacks++
		p.println("  fallback %s -> %s (%s)", ev.Task, ev.Target, ev.Class)
	case graph.BreakerChanged:
		p.println("  breaker %s: %s -> %s", ev.Breaker, ev.From, ev.To)
	case graph.StepDone:
		if n, ok := ev.Lists[p.count]; ok {
			p.asked = n
		}
	case graph.CompensationRun:
		p.println("  compensated %s", ev.Task)
	case graph.CompensationFail:
		p.println("  compensation of %s failed: %s", ev.Task, ev.Error)
	case graph.RunFinished:
		status := statusWord(ev.Status)
		line := fmt.Sprintf("run %s %s after %s", ev.Run, status, ev.Duration.Round(time.Millisecond))
		if ev.Error != "" {
			line += ": " + ev.Error
		}
		p.running = map[string]string{}
		p.println("%s", line)
		return
	}
	p.draw(ev.Time)
}

// println prints a line, above the status line on a terminal.
func (p *progress) println(format string, args ...any) {
	p.clear()
	fmt.Fprintf(p.w, format+"\n", args...)
}

// clear erases the status line.
func (p *progress) clear() {
	if p.drawn {
		fmt.Fprint(p.w, "\r\x1b[K")
		p.drawn = false
	}
}

// draw redraws the status line on a terminal.
func (p *progress) draw(now time.Time) {
	if !p.live {
		return
	}
	nodes := make([]string, 0, len(p.running))
	for _, n := range p.running {
		nodes = append(nodes, n)
	}
	sort.Strings(nodes)
	parts := []string{fmt.Sprintf("step %d", p.step)}
	if len(nodes) > 0 {
		parts = append(parts, "running "+summarizeNodes(nodes))
	}
	if p.count != "" {
		parts = append(parts, fmt.Sprintf("%d %s made", p.asked, p.count))
	}
	parts = append(parts, fmt.Sprintf("%d retries", p.retries),
		fmt.Sprintf("%d fallbacks", p.fallbacks))
	if !p.started.IsZero() {
		parts = append(parts, now.Sub(p.started).Round(100*time.Millisecond).String())
	}
	p.clear()
	fmt.Fprint(p.w, strings.Join(parts, " · "))
	p.drawn = true
}

// finish prints a short summary of res, which may be nil.
func (p *progress) finish(res *graph.Result) {
	p.clear()
	if res == nil {
		return
	}
	c := res.Counters
	// The run's time is on the run_finished line just above.
	line := fmt.Sprintf("%s: %d steps, %d attempts, %d retries, %d errors, %d fallbacks",
		statusWord(res.Status), res.Steps, c.Attempts, c.Retries, c.Errors, c.Fallbacks)
	if c.Compensations > 0 {
		line += fmt.Sprintf(", %d compensations", c.Compensations)
	}
	fmt.Fprintln(p.w, line)
	if res.Status == graph.Running {
		fmt.Fprintf(p.w, "resume it with: graphrun resume %s%s\n", res.Thread, p.resumeFlags)
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

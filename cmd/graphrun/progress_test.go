package main

import (
	"bytes"
	"context"
	"os"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/graphrun/graphrun/graph"
)

func TestProgressPrintsPlainLinesOffATerminal(t *testing.T) {
	var buf bytes.Buffer
	p := newProgress(&buf)
	p.count = "questions"
	for _, ev := range []graph.Event{
		{Kind: graph.RunStarted, Run: "r1", Graph: "mcq", Thread: "t1", Reason: "start"},
		{Kind: graph.StepStarted, Step: 1, Nodes: []string{"generate", "generate", "save"}},
		{Kind: graph.RetryScheduled, Node: "generate", Task: "1:generate:3", Class: "rate_limit",
			Attempt: 1, Delay: time.Second, Reason: "backoff", Error: "slow down"},
		{Kind: graph.FallbackTaken, Node: "generate", Task: "1:generate:4", Target: "template",
			Class: "timeout"},
		{Kind: graph.RunFinished, Run: "r1", Status: graph.Succeeded, Duration: time.Second},
	} {
		p.listen(ev)
	}
	p.finish(&graph.Result{Status: graph.Succeeded, Steps: 3,
		State:    graph.State{"questions": []any{1, 2, 3, 4}},
		Counters: graph.Counters{Attempts: 5, Retries: 1, Fallbacks: 1}})
	out := buf.String()

	tests := []struct{ name, want string }{
		{"the step lists its nodes", "step 1: generate x2, save\n"},
		{"a retry is printed as it happens", "retry 1:generate:3 in 1s after rate_limit (attempt 1, backoff): slow down"},
		{"a fallback is printed as it happens", "fallback 1:generate:4 -> template (timeout)"},
		{"the summary counts the run's work", "3 steps, 5 attempts, 1 retries, 0 errors, 1 fallbacks\n"},
		{"the run's time is said once", "run r1 succeeded after 1s\nsucceeded: 3 steps"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Contains(t, out, tt.want)
		})
	}
	t.Run("no terminal control codes are written", func(t *testing.T) {
		assert.NotContains(t, out, "\x1b")
	})
}

func TestRunLogFlagsRefuseUnknownFormats(t *testing.T) {
	assert.Equal(t, exitUsage, run([]string{"run", "mcq", "--log-format", "xml", "--db",
		t.TempDir() + "/g.db"}))
}

func TestProgressSaysHowToResumeAnInterruptedRun(t *testing.T) {
	var buf bytes.Buffer
	newProgress(&buf).finish(&graph.Result{Status: graph.Running, Thread: "t9", Steps: 2})
	assert.Contains(t, buf.String(),
		"interrupted: 2 steps")
	assert.Contains(t, buf.String(), "resume it with: graphrun resume t9")
}

func TestAnInterruptStopsAtACheckpointThenAtOnce(t *testing.T) {
	var notices bytes.Buffer
	ctx, stop, done := interrupts(context.Background(), &notices)
	defer done()
	interrupt := func() { require.NoError(t, syscall.Kill(os.Getpid(), syscall.SIGINT)) }

	interrupt()
	select {
	case <-stop:
	case <-time.After(10 * time.Second):
		t.Fatal("the first interrupt did not ask for a stop")
	}
	assert.NoError(t, ctx.Err(), "the first interrupt lets the step under way finish")
	assert.Contains(t, notices.String(), "stopping at the next checkpoint")

	interrupt()
	select {
	case <-ctx.Done():
	case <-time.After(10 * time.Second):
		t.Fatal("the second interrupt did not cancel the run")
	}
	assert.EqualError(t, context.Cause(ctx), "interrupted twice")
}

package server_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/graphrun/graphrun/graph"
	"github.com/graphrun/graphrun/server"
)

func TestShutdownDrainsRunsToACheckpoint(t *testing.T) {
	tests := []struct {
		name  string
		graph string
		// open says the node under way returns during the drain.
		open    bool
		timeout time.Duration
		status  graph.Status
		step    int
		log     string
		// canceled says the node under way saw its context end.
		canceled bool
	}{
		{"a run stops at the checkpoint of the step under way", "gate", true, time.Minute,
			graph.Running, 1, "run drained at a checkpoint", false},
		{"a run in its last step finishes", "hold", true, time.Minute,
			graph.Succeeded, 1, "run finished while draining", false},
		{"a run that reaches no checkpoint by the drain timeout is canceled", "gate", false,
			200 * time.Millisecond, graph.Running, 0, "run interrupted at the drain timeout", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t, options{})
			thread := f.start(t, tt.graph, `{}`)
			until(t, f.stream(t, thread), graph.NodeStarted)

			ctx, cancel := context.WithTimeout(context.Background(), tt.timeout)
			defer cancel()
			drained := make(chan error, 1)
			go func() { drained <- f.srv.Shutdown(ctx) }()

			// Once /readyz says so, the drain has asked the run to stop.
			require.Eventually(t, func() bool {
				status, _ := f.do(t, "GET", "/readyz", "")
				return status != http.StatusOK
			}, 20*time.Second, time.Millisecond)
			status, body := f.do(t, "POST", "/v1/graphs/hello/runs", `{"input": {"name": "x"}}`)
			assert.Equal(t, http.StatusServiceUnavailable, status)
			assert.Equal(t, server.CodeDraining, errorCode(t, body))
			assert.Contains(t, errorOf(t, body).Message, "takes no new runs")

			if tt.open {
				close(f.gate)
			}
			err := <-drained
			if tt.canceled {
				assert.ErrorIs(t, err, context.DeadlineExceeded)
			} else {
				assert.NoError(t, err)
			}
			assert.Equal(t, tt.canceled, f.canceled.Load(), "the node's context was canceled")
			info := f.run(t, thread)
			assert.Equal(t, tt.status, info.Status)
			assert.Equal(t, tt.step, info.Step)
			assert.False(t, info.Active)
			assert.Equal(t, tt.status == graph.Running, info.Interrupted)
			assert.Contains(t, f.logs.String(),
				`msg="`+tt.log+`" graph=`+tt.graph+" thread="+thread)
		})
	}
}

func TestARunDrainedAtACheckpointResumesFromIt(t *testing.T) {
	db := t.TempDir() + "/graphrun.db"
	first := newFixture(t, options{dbPath: db})
	thread := first.start(t, "gate", `{}`)
	until(t, first.stream(t, thread), graph.NodeStarted)
	drained := make(chan error, 1)
	go func() { drained <- first.srv.Shutdown(context.Background()) }()
	require.Eventually(t, func() bool {
		status, _ := first.do(t, "GET", "/readyz", "")
		return status != http.StatusOK
	}, 20*time.Second, time.Millisecond)
	close(first.gate)
	require.NoError(t, <-drained)
	first.http.Close()
	first.store.Close()

	second := newFixture(t, options{dbPath: db})
	resumed, err := second.srv.ResumeInterrupted(context.Background())
	require.NoError(t, err)
	require.Equal(t, []string{thread}, resumed)
	events := second.stream(t, thread)
	second.srv.Wait()

	t.Run("the resume runs only the steps left", func(t *testing.T) {
		var nodes []string
		for ev := range events {
			if ev.Kind == string(graph.NodeStarted) {
				nodes = append(nodes, ev.Data.Node)
			}
		}
		assert.Equal(t, []string{"after"}, nodes)
	})
	t.Run("the resumed run succeeds", func(t *testing.T) {
		info := second.run(t, thread)
		assert.Equal(t, graph.Succeeded, info.Status)
		assert.Equal(t, 2, info.Step)
	})
}

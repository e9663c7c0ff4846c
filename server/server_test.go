package server_test

import (
	"context"
	"encoding/json"
	"net/http"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/graphrun/graphrun/graph"
	"github.com/graphrun/graphrun/server"
)

func TestStartAndWatchARun(t *testing.T) {
	f := newFixture(t, options{})
	thread := f.start(t, "gate", `{}`)
	events := f.stream(t, thread)

	t.Run("the stream shows the run starting", func(t *testing.T) {
		ev := until(t, events, graph.NodeStarted)
		assert.Equal(t, "wait", ev.Data.Node)
		info := f.run(t, thread)
		assert.True(t, info.Active)
		assert.False(t, info.Interrupted, "an active run is not interrupted")
	})
	t.Run("the stream ends with the run", func(t *testing.T) {
		close(f.gate)
		ev := until(t, events, graph.RunFinished)
		assert.Equal(t, graph.Succeeded, ev.Data.Status)
		for range events {
		}
	})
	t.Run("the status says the run succeeded", func(t *testing.T) {
		f.srv.Wait()
		info := f.run(t, thread)
		assert.Equal(t, graph.Succeeded, info.Status)
		assert.False(t, info.Active)
		assert.Equal(t, 2, info.Step)
	})
	t.Run("the state holds the run's writes", func(t *testing.T) {
		status, body := f.do(t, "GET", "/v1/runs/"+thread+"/state", "")
		require.Equal(t, http.StatusOK, status)
		assert.Contains(t, body, `"passed": true`)
	})
	t.Run("the events of a finished run are replayed", func(t *testing.T) {
		var kinds []string
		for ev := range f.stream(t, thread) {
			kinds = append(kinds, ev.Kind)
		}
		assert.Equal(t, "run_started", kinds[0])
		assert.Equal(t, "run_finished", kinds[len(kinds)-1])
	})
	t.Run("a finished run has nothing to resume and keeps its events", func(t *testing.T) {
		status, body := f.do(t, "POST", "/v1/runs/"+thread+"/resume", "")
		assert.Equal(t, http.StatusConflict, status)
		assert.Contains(t, body, server.CodeRunFinished)
		var kinds []string
		for ev := range f.stream(t, thread) {
			kinds = append(kinds, ev.Kind)
		}
		assert.NotEmpty(t, kinds)
	})
}

func TestRunReportAndGraphs(t *testing.T) {
	f := newFixture(t, options{})
	thread := f.start(t, "hello", `{"input": {"name": "ada"}}`)
	f.srv.Wait()

	t.Run("the report carries the output field", func(t *testing.T) {
		info := f.run(t, thread)
		assert.Equal(t, "hello ada", info.Output)
		require.NotNil(t, info.Report)
		assert.Equal(t, 1, info.Report.Attempts)
	})
	t.Run("the run is listed", func(t *testing.T) {
		status, body := f.do(t, "GET", "/v1/runs?graph=hello", "")
		require.Equal(t, http.StatusOK, status)
		assert.Contains(t, body, thread)
	})
	t.Run("the graphs are listed", func(t *testing.T) {
		status, body := f.do(t, "GET", "/v1/graphs", "")
		require.Equal(t, http.StatusOK, status)
		var out struct{ Graphs []server.GraphInfo }
		require.NoError(t, json.Unmarshal([]byte(body), &out))
		var names []string
		for _, g := range out.Graphs {
			names = append(names, g.Name)
		}
		assert.Equal(t, []string{"flaky", "gate", "hello", "hold", "needs"}, names)
	})
	t.Run("a graph is drawn in mermaid", func(t *testing.T) {
		status, body := f.do(t, "GET", "/v1/graphs/hello/mermaid", "")
		require.Equal(t, http.StatusOK, status)
		assert.True(t, strings.HasPrefix(body, "flowchart") || strings.Contains(body, "greet"), body)
	})
}

func TestResumeAfterARestart(t *testing.T) {
	db := filepath.Join(t.TempDir(), "graphrun.db")
	first := newFixture(t, options{dbPath: db})
	thread := first.start(t, "gate", `{}`)
	until(t, first.stream(t, thread), graph.NodeStarted)

	// The run waits at the gate: it reaches no checkpoint by the drain
	// timeout, here at once, and is canceled.
	require.ErrorIs(t, first.srv.Shutdown(canceled()), context.Canceled)
	t.Run("a draining server takes no new runs", func(t *testing.T) {
		status, body := first.do(t, "POST", "/v1/graphs/hello/runs", `{}`)
		assert.Equal(t, http.StatusServiceUnavailable, status)
		assert.Equal(t, server.CodeDraining, errorCode(t, body))
		status, _ = first.do(t, "GET", "/readyz", "")
		assert.Equal(t, http.StatusServiceUnavailable, status)
	})
	t.Run("the interrupted thread stays running", func(t *testing.T) {
		info := first.run(t, thread)
		assert.Equal(t, graph.Running, info.Status)
		assert.False(t, info.Active)
		assert.True(t, info.Interrupted)
	})
	t.Run("the list marks the thread interrupted", func(t *testing.T) {
		status, body := first.do(t, "GET", "/v1/runs?status=running", "")
		require.Equal(t, http.StatusOK, status)
		var out struct{ Runs []server.RunInfo }
		require.NoError(t, json.Unmarshal([]byte(body), &out))
		require.Len(t, out.Runs, 1)
		assert.True(t, out.Runs[0].Interrupted)
	})
	first.http.Close()
	first.store.Close()

	second := newFixture(t, options{dbPath: db})
	close(second.gate)
	resumed, err := second.srv.ResumeInterrupted(context.Background())
	require.NoError(t, err)
	t.Run("the restarted server resumes it", func(t *testing.T) {
		assert.Equal(t, []string{thread}, resumed)
		second.srv.Wait()
		info := second.run(t, thread)
		assert.Equal(t, graph.Succeeded, info.Status)
		assert.False(t, info.Interrupted)
	})
}

func TestResumeAFailedRun(t *testing.T) {
	f := newFixture(t, options{})
	f.failing.Store(true)
	thread := f.start(t, "flaky", `{}`)
	f.srv.Wait()
	require.Equal(t, graph.Failed, f.run(t, thread).Status)

	t.Run("the state of a failed run of this process is served", func(t *testing.T) {
		status, body := f.do(t, "GET", "/v1/runs/"+thread+"/state", "")
		assert.Equal(t, http.StatusOK, status, body)
	})
	t.Run("a resume runs the thread again", func(t *testing.T) {
		f.failing.Store(false)
		status, body := f.do(t, "POST", "/v1/runs/"+thread+"/resume", "")
		require.Equal(t, http.StatusAccepted, status, body)
		f.srv.Wait()
	})
	t.Run("resuming an unknown thread is not found", func(t *testing.T) {
		status, body := f.do(t, "POST", "/v1/runs/nope/resume", "")
		assert.Equal(t, http.StatusNotFound, status)
		assert.Equal(t, server.CodeRunNotFound, errorCode(t, body))
	})
}

func TestHealthFollowsTheBreakers(t *testing.T) {
	f := newFixture(t, options{})
	health := func() server.Health {
		status, body := f.do(t, "GET", "/healthz", "")
		require.Equal(t, http.StatusOK, status)
		var h server.Health
		require.NoError(t, json.Unmarshal([]byte(body), &h))
		return h
	}
	t.Run("health is ok before any failure", func(t *testing.T) {
		assert.Equal(t, "ok", health().Status)
	})
	t.Run("an open breaker makes health degraded", func(t *testing.T) {
		f.failing.Store(true)
		f.start(t, "flaky", `{}`)
		f.srv.Wait()
		h := health()
		assert.Equal(t, "degraded", h.Status)
		assert.Equal(t, []string{"upstream"}, h.OpenBreakers)
	})
	t.Run("health is ok again once the breaker closes", func(t *testing.T) {
		f.failing.Store(false)
		for health().Status == "degraded" { // the cooldown is under way
		}
		f.start(t, "flaky", `{}`)
		f.srv.Wait()
		assert.Equal(t, "ok", health().Status)
		assert.Equal(t, "closed", f.breakers.States()["upstream"])
	})
}

func TestMetricsAfterAKnownRun(t *testing.T) {
	f := newFixture(t, options{})
	f.start(t, "hello", `{"input": {"name": "ada"}}`)
	f.srv.Wait()
	status, body := f.do(t, "GET", "/metrics", "")
	require.Equal(t, http.StatusOK, status)
	for _, want := range []string{
		`graphrun_runs_started_total{graph="hello"} 1`,
		`graphrun_runs_finished_total{graph="hello",status="succeeded"} 1`,
		`graphrun_runs_active{graph="hello"} 0`,
		`graphrun_node_duration_seconds_count{graph="hello",node="greet",outcome="ok"} 1`,
		`graphrun_checkpoint_write_duration_seconds_count{graph="hello"} 2`,
	} {
		t.Run("metrics show "+want, func(t *testing.T) {
			assert.Contains(t, body, want)
		})
	}
}

func TestARefusedStartLeavesTheThreadAsItWas(t *testing.T) {
	f := newFixture(t, options{})
	thread := f.start(t, "hello", `{"thread": "kept", "input": {"name": "ada"}}`)
	f.srv.Wait()
	kinds := func() []string {
		var out []string
		for ev := range f.stream(t, thread) {
			out = append(out, ev.Kind)
		}
		return out
	}
	before := kinds()
	require.NotEmpty(t, before)

	tests := []struct {
		name, body string
	}{
		{"a start with the thread's id", `{"thread": "kept", "input": {"name": "bob"}}`},
		{"a start with the thread's id and bad input", `{"thread": "kept", "input": {"nope": 1}}`},
	}
	for _, tt := range tests {
		t.Run(tt.name+" is refused and keeps the thread's events and output", func(t *testing.T) {
			status, body := f.do(t, "POST", "/v1/graphs/hello/runs", tt.body)
			require.Equal(t, http.StatusConflict, status, body)
			assert.Equal(t, server.CodeThreadExists, errorCode(t, body))
			f.srv.Wait()
			assert.Equal(t, before, kinds())
			info := f.run(t, thread)
			assert.Equal(t, graph.Succeeded, info.Status)
			assert.Equal(t, "hello ada", info.Output)
		})
	}
}

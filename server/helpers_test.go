package server_test

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/graphrun/graphrun/graph"
	"github.com/graphrun/graphrun/graph/checkpoint/sqlite"
	"github.com/graphrun/graphrun/policies"
	"github.com/graphrun/graphrun/server"
	"github.com/graphrun/graphrun/telemetry"
)

const helloGraph = `
name: hello
output: greeting
state:
  name: string
  greeting: string
nodes:
  greet: {run: test.greet}
edges:
  - {from: START, to: greet}
  - {from: greet, to: END}
`

// gateGraph waits in its first node until the test opens the gate.
const gateGraph = `
name: gate
state:
  passed: {type: bool}
nodes:
  wait: {run: test.wait}
  after: {run: test.after}
edges:
  - {from: START, to: wait}
  - {from: wait, to: after}
  - {from: after, to: END}
`

// flakyGraph fails through a breaker that one failure opens.
const flakyGraph = `
name: flaky
state:
  ok: {type: bool}
breakers:
  upstream: {failures: 1, cooldown: 1s}
policies:
  guarded: {breaker: upstream}
nodes:
  call: {run: test.call, policy: guarded}
edges:
  - {from: START, to: call}
  - {from: call, to: END}
`

// needsGraph has a required field.
const needsGraph = `
name: needs
output: greeting
state:
  name: {type: string, required: true, doc: "who to greet"}
  loud: {type: bool, default: false, doc: "shout the greeting"}
  greeting: string
nodes:
  greet: {run: test.greet}
edges:
  - {from: START, to: greet}
  - {from: greet, to: END}
`

// holdGraph waits in its only node until the test opens the gate.
const holdGraph = `
name: hold
state:
  passed: {type: bool}
nodes:
  wait: {run: test.wait}
edges:
  - {from: START, to: wait}
  - {from: wait, to: END}
`

// fixture is a server under test and what it runs on.
type fixture struct {
	srv      *server.Server
	http     *httptest.Server
	store    graph.Store
	metrics  *telemetry.Metrics
	breakers *policies.Breakers
	logs     *logBuffer
	gate     chan struct{}
	failing  atomic.Bool
	// canceled says a test.wait node saw its context end.
	canceled atomic.Bool
}

// logBuffer holds the server's log lines. It is safe for concurrent use.
type logBuffer struct {
	mu  sync.Mutex
	buf strings.Builder
}

func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *logBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// canceled returns a context that has ended: a shutdown given it cancels
// the runs left at once.
func canceled() context.Context {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	return ctx
}

type options struct {
	dbPath  string
	token   string
	maxBody int64
}

func newFixture(t *testing.T, o options) *fixture {
	t.Helper()
	if o.dbPath == "" {
		o.dbPath = filepath.Join(t.TempDir(), "graphrun.db")
	}
	store, err := sqlite.Open(o.dbPath, sqlite.Options{})
	require.NoError(t, err)
	f := &fixture{store: store, metrics: telemetry.NewMetrics(),
		breakers: policies.NewBreakers(), logs: &logBuffer{}, gate: make(chan struct{})}
	reg := f.registry()
	graphs := map[string]*graph.Graph{}
	for _, src := range []string{helloGraph, gateGraph, holdGraph, flakyGraph, needsGraph} {
		g, err := graph.LoadData([]byte(src), "test.yaml", reg)
		require.NoError(t, err)
		graphs[g.Name()] = g
	}
	e := graph.NewEngine(graph.Options{Store: store, Breakers: f.breakers,
		Listeners: []graph.Listener{f.metrics.Listen}})
	f.srv, err = server.New(server.Config{Engine: e, Graphs: graphs, Metrics: f.metrics,
		Logger: slog.New(slog.NewTextHandler(f.logs, nil)), Token: o.token,
		MaxBodyBytes: o.maxBody})
	require.NoError(t, err)
	f.http = httptest.NewServer(f.srv)
	t.Cleanup(func() {
		f.http.Close()
		_ = f.srv.Shutdown(canceled())
		store.Close()
	})
	return f
}

func (f *fixture) registry() *graph.Registry {
	reg := graph.NewRegistry()
	reg.Register("test.greet", "greets", func(_ context.Context,
		in graph.Input) (graph.Update, error) {
		return graph.Update{"greeting": "hello " + in.State["name"].(string)}, nil
	})
	reg.Register("test.wait", "waits for the gate", func(ctx context.Context,
		_ graph.Input) (graph.Update, error) {
		select {
		case <-f.gate:
			return nil, nil
		case <-ctx.Done():
			f.canceled.Store(true)
			return nil, ctx.Err()
		}
	})
	reg.Register("test.after", "passes", func(context.Context, graph.Input) (graph.Update, error) {
		return graph.Update{"passed": true}, nil
	})
	reg.Register("test.call", "fails while failing is set", func(context.Context,
		graph.Input) (graph.Update, error) {
		if f.failing.Load() {
			return nil, policies.New(policies.ServerError, errors.New("upstream broke"))
		}
		return graph.Update{"ok": true}, nil
	})
	return reg
}

// do sends a request and returns the status and body.
func (f *fixture) do(t *testing.T, method, path, body string, header ...string) (int, string) {
	t.Helper()
	resp, data := f.send(t, method, path, body, header...)
	return resp.StatusCode, data
}

// send sends a request and returns the response, its body read and
// closed, and the body.
func (f *fixture) send(t *testing.T, method, path, body string,
	header ...string) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequest(method, f.http.URL+path, strings.NewReader(body))
	require.NoError(t, err)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp, string(data)
}

// start starts a run of name and returns its thread.
func (f *fixture) start(t *testing.T, name, body string) string {
	t.Helper()
	status, resp := f.do(t, "POST", "/v1/graphs/"+name+"/runs", body)
	require.Equal(t, http.StatusAccepted, status, resp)
	var info server.RunInfo
	require.NoError(t, json.Unmarshal([]byte(resp), &info))
	return info.Thread
}

// run gets a run's info.
func (f *fixture) run(t *testing.T, thread string) server.RunInfo {
	t.Helper()
	status, body := f.do(t, "GET", "/v1/runs/"+thread, "")
	require.Equal(t, http.StatusOK, status, body)
	var info server.RunInfo
	require.NoError(t, json.Unmarshal([]byte(body), &info))
	return info
}

// errorCode returns the code of an error body.
func errorCode(t *testing.T, body string) string {
	t.Helper()
	return errorOf(t, body).Code
}

// errorOf decodes an error body.
func errorOf(t *testing.T, body string) server.Error {
	t.Helper()
	var e struct {
		Error server.Error `json:"error"`
	}
	require.NoError(t, json.Unmarshal([]byte(body), &e), body)
	return e.Error
}

// sseEvent is one Server-Sent Event.
type sseEvent struct {
	Kind string
	Data graph.Event
}

// stream opens a thread's event stream and returns its events on a
// channel, closed when the stream ends.
func (f *fixture) stream(t *testing.T, thread string) <-chan sseEvent {
	t.Helper()
	resp, err := http.Get(f.http.URL + "/v1/runs/" + thread + "/events")
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, resp.StatusCode)
	require.Equal(t, "text/event-stream", resp.Header.Get("Content-Type"))
	out := make(chan sseEvent, 64)
	go func() {
		defer close(out)
		defer resp.Body.Close()
		sc := bufio.NewScanner(resp.Body)
		var ev sseEvent
		for sc.Scan() {
			line := sc.Text()
			switch {
			case strings.HasPrefix(line, "event: "):
				ev.Kind = strings.TrimPrefix(line, "event: ")
			case strings.HasPrefix(line, "data: "):
				_ = json.Unmarshal([]byte(strings.TrimPrefix(line, "data: ")), &ev.Data)
			case line == "":
				out <- ev
				ev = sseEvent{}
			}
		}
	}()
	return out
}

// until reads events until one of kind arrives and returns it.
func until(t *testing.T, events <-chan sseEvent, kind graph.EventKind) sseEvent {
	t.Helper()
	for ev := range events {
		if ev.Kind == string(kind) {
			return ev
		}
	}
	require.FailNow(t, "the stream ended before event "+string(kind))
	return sseEvent{}
}

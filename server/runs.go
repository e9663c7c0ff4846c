package server

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/graphrun/graphrun/graph"
	"github.com/graphrun/graphrun/graph/checkpoint"
)

// StartRequest is the body of a request to start a run.
type StartRequest struct {
	// Input sets state fields before the first step.
	Input map[string]any `json:"input"`
	// Thread is the new thread's id; empty means a random one.
	Thread string `json:"thread,omitempty"`
}

// RunInfo is what the API reports of a run.
type RunInfo struct {
	Thread string       `json:"thread"`
	Graph  string       `json:"graph"`
	Status graph.Status `json:"status"`
	Step   int          `json:"step"`
	Active bool         `json:"active"`
	// Interrupted means the store shows the thread running but no run of
	// it is active in this process: a stopped server or a killed process
	// left it, and a resume picks it up. A run of the thread in another
	// process that shares the store looks the same.
	Interrupted bool            `json:"interrupted,omitempty"`
	Updated     time.Time       `json:"updated,omitzero"`
	Error       string          `json:"error,omitempty"`
	Report      *graph.Counters `json:"counters,omitempty"`
	// Output is the value of the graph's output field, when the run in
	// this process has ended and the graph names one.
	Output any `json:"output,omitempty"`
}

func (s *Server) startRun(w http.ResponseWriter, r *http.Request) {
	g, ok := s.graphOr404(w, r.PathValue("name"))
	if !ok {
		return
	}
	var req StartRequest
	if !s.decodeBody(w, r, &req, startShape) {
		return
	}
	thread := req.Thread
	if thread == "" {
		thread = newThreadID()
	}
	o := graph.RunOptions{Thread: thread, Input: req.Input}
	s.launch(w, g, thread, func(ctx context.Context, o2 graph.RunOptions) (*graph.Result, error) {
		o.Listeners, o.Stop = o2.Listeners, o2.Stop
		return s.cfg.Engine.Run(ctx, g, o)
	})
}

func (s *Server) resumeRun(w http.ResponseWriter, r *http.Request) {
	thread := r.PathValue("thread")
	h, ok := s.loadOr404(w, r, thread)
	if !ok {
		return
	}
	name := h.Checkpoints[0].Graph
	g, ok := s.graphOr404(w, name)
	if !ok {
		return
	}
	// A thread that ended for good has nothing to resume; its result and
	// events stay where they are.
	shown := checkpoint.ShownOf(h.Last()).With(h.Status)
	compensated := h.Status != nil && len(h.Status.Compensated) > 0
	if shown.Status == graph.Succeeded || shown.Status == graph.Failed && compensated {
		writeError(w, http.StatusConflict, CodeRunFinished, fmt.Sprintf("thread %s has %s "+
			"and has nothing to resume; read it at GET /v1/runs/%s, or start a new run",
			thread, shown.Status, thread))
		return
	}
	s.launch(w, g, thread, func(ctx context.Context, o graph.RunOptions) (*graph.Result, error) {
		return s.cfg.Engine.Resume(ctx, g, thread, o)
	})
}

// launch starts fn in the background as the thread's execution and
// answers once the run has started, or with the error that kept it from
// starting.
func (s *Server) launch(w http.ResponseWriter, g *graph.Graph, thread string,
	fn func(context.Context, graph.RunOptions) (*graph.Result, error)) {
	x, code, msg := s.admit(g.Name(), thread)
	if x == nil {
		status := http.StatusConflict
		switch code {
		case CodeDraining:
			status = http.StatusServiceUnavailable
		case CodeTooManyRuns:
			status = http.StatusTooManyRequests
		}
		writeError(w, status, code, msg)
		return
	}
	s.spawn(x, fn)

	// The engine checks the input and the thread before run_started, so
	// an error that comes before it is the request's, answered here.
	<-x.started
	if res, err, done := x.outcome(); done && res == nil {
		s.startFailed(w, err)
		return
	}
	writeJSON(w, http.StatusAccepted, RunInfo{Thread: thread, Graph: g.Name(),
		Status: graph.Running, Active: true})
}

// spawn runs fn in the background as the admitted execution x, in x's
// context. Once the run starts, x becomes the thread's execution here;
// a run that returns without starting leaves no trace, so the thread's
// previous execution, events and all, stays what the API shows.
func (s *Server) spawn(x *execution,
	fn func(context.Context, graph.RunOptions) (*graph.Result, error)) {
	x.onStart = func() { s.promote(x) }
	go func() {
		defer s.wg.Done()
		res, err := fn(x.ctx, graph.RunOptions{Listeners: []graph.Listener{x.listen}, Stop: x.stop})
		if err != nil && res == nil {
			s.cfg.Logger.Warn("run did not start", "graph", x.graph, "thread", x.thread,
				"error", err.Error())
			s.withdraw(x)
		}
		x.finish(res, err)
	}()
}

// admit registers a new execution of thread as starting, unless the
// server is draining, at its bound, or already running the thread.
func (s *Server) admit(graphName, thread string) (*execution, string, string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.draining {
		return nil, CodeDraining, msgDraining
	}
	active := len(s.starting)
	for _, x := range s.execs {
		if _, _, done := x.outcome(); !done {
			active++
		}
	}
	if _, ok := s.starting[thread]; ok {
		return nil, CodeRunActive, "thread " + thread + " is starting here already"
	}
	if old, ok := s.execs[thread]; ok {
		if _, _, done := old.outcome(); !done {
			return nil, CodeRunActive, "thread " + thread + " is running here already"
		}
	}
	if s.cfg.MaxRuns > 0 && active >= s.cfg.MaxRuns {
		return nil, CodeTooManyRuns, fmt.Sprintf("%d runs in progress; try again later", active)
	}
	x := newExecution(s.base, graphName, thread)
	s.starting[thread] = x
	s.wg.Add(1)
	return x, "", ""
}

// msgDraining is what a request for a new run hears while the server
// drains.
const msgDraining = "the server is shutting down: it takes no new runs while those in " +
	"progress stop at a checkpoint; send the request again once it is back, or to " +
	"another instance"

// promote makes the started execution x the thread's execution here.
func (s *Server) promote(x *execution) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.starting[x.thread] == x {
		delete(s.starting, x.thread)
	}
	s.execs[x.thread] = x
}

// withdraw forgets the execution x, which returned without starting.
func (s *Server) withdraw(x *execution) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.starting[x.thread] == x {
		delete(s.starting, x.thread)
	}
}

// startFailed answers a run that returned an error without starting.
func (s *Server) startFailed(w http.ResponseWriter, err error) {
	var ie *graph.InputError
	switch {
	case errors.As(err, &ie):
		writeJSON(w, http.StatusUnprocessableEntity, errorBody{Error{
			Code: CodeInvalidInput, Message: s.plainText(ie.Error()), Field: ie.Field}})
	case errors.Is(err, graph.ErrThreadID):
		writeJSON(w, http.StatusUnprocessableEntity, errorBody{Error{
			Code: CodeInvalidInput, Message: err.Error(), Field: "thread"}})
	case errors.Is(err, graph.ErrThreadExists):
		writeError(w, http.StatusConflict, CodeThreadExists, err.Error())
	case errors.Is(err, graph.ErrThreadNotFound):
		writeError(w, http.StatusNotFound, CodeRunNotFound, err.Error())
	default:
		s.internal(w, "start run", err)
	}
}

// startingExecution returns the execution of thread admitted and not
// started yet, or nil.
func (s *Server) startingExecution(thread string) *execution {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.starting[thread]
}

// execution returns the latest started execution of thread here, or nil.
func (s *Server) execution(thread string) *execution {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.execs[thread]
}

func (s *Server) listRuns(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	f := graph.ThreadFilter{Graph: q.Get("graph"), Status: graph.Status(q.Get("status")), Limit: 100}
	switch f.Status {
	case "", graph.Running, graph.Succeeded, graph.Failed:
	default:
		writeError(w, http.StatusBadRequest, CodeBadQuery,
			fmt.Sprintf("status %q: want running, succeeded or failed", f.Status))
		return
	}
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 1000 {
			writeError(w, http.StatusBadRequest, CodeBadQuery,
				fmt.Sprintf("limit %q: want a whole number from 1 to 1000", v))
			return
		}
		f.Limit = n
	}
	infos, err := s.cfg.Engine.Store().Threads(r.Context(), f)
	if err != nil {
		s.internal(w, "list threads", err)
		return
	}
	out := make([]RunInfo, 0, len(infos))
	for _, in := range infos {
		active := s.active(in.Thread)
		out = append(out, RunInfo{Thread: in.Thread, Graph: in.Graph, Status: in.Status,
			Step: in.Step, Updated: in.Updated, Error: s.plainText(in.Error),
			Active: active, Interrupted: checkpoint.IsInterrupted(in.Status, active)})
	}
	writeJSON(w, http.StatusOK, map[string]any{"runs": out})
}

func (s *Server) active(thread string) bool {
	x := s.execution(thread)
	if x == nil {
		return false
	}
	_, _, done := x.outcome()
	return !done
}

func (s *Server) getRun(w http.ResponseWriter, r *http.Request) {
	thread := r.PathValue("thread")
	h, ok := s.loadOr404(w, r, thread)
	if !ok {
		return
	}
	last := h.Last()
	shown := checkpoint.ShownOf(last).With(h.Status)
	active := s.active(thread)
	info := RunInfo{Thread: thread, Graph: last.Graph, Status: shown.Status, Step: last.Step,
		Updated: shown.Updated, Error: s.plainText(shown.Error), Report: &last.Counters,
		Active: active, Interrupted: checkpoint.IsInterrupted(shown.Status, active)}
	if x := s.execution(thread); x != nil {
		if res, _, done := x.outcome(); done && res != nil {
			info.Report = &res.Counters
			if g := s.cfg.Graphs[res.Graph]; g != nil && g.Spec().Output != "" {
				info.Output = res.State[g.Spec().Output]
			}
		}
	}
	writeJSON(w, http.StatusOK, info)
}

func (s *Server) getState(w http.ResponseWriter, r *http.Request) {
	thread := r.PathValue("thread")
	h, ok := s.loadOr404(w, r, thread)
	if !ok {
		return
	}
	if x := s.execution(thread); x != nil {
		if res, _, done := x.outcome(); done && res != nil {
			writeJSON(w, http.StatusOK, map[string]any{"thread": thread, "state": res.State})
			return
		}
	}
	// A succeeded thread's result, state included, comes back from a
	// resume at once, without running anything.
	if shown := checkpoint.ShownOf(h.Last()).With(h.Status); shown.Status == graph.Succeeded {
		if g := s.cfg.Graphs[h.Last().Graph]; g != nil {
			res, err := s.cfg.Engine.Resume(r.Context(), g, thread, graph.RunOptions{})
			if err == nil {
				writeJSON(w, http.StatusOK, map[string]any{"thread": thread, "state": res.State})
				return
			}
		}
	}
	// Any other thread: its state as of its last checkpoint.
	if g := s.cfg.Graphs[h.Last().Graph]; g != nil {
		if st, err := s.cfg.Engine.State(g, thread, h); err == nil {
			writeJSON(w, http.StatusOK, map[string]any{"thread": thread, "state": st})
			return
		}
	}
	writeError(w, http.StatusConflict, CodeStateUnavailable,
		"the state of thread "+thread+" is available once its run ends; "+
			"stream its events or resume it")
}

// loadOr404 loads a thread's history, answering 404 when there is none.
func (s *Server) loadOr404(w http.ResponseWriter, r *http.Request,
	thread string) (*graph.History, bool) {
	h, err := s.cfg.Engine.Store().Load(r.Context(), thread)
	switch {
	case errors.Is(err, graph.ErrThreadNotFound):
		writeError(w, http.StatusNotFound, CodeRunNotFound, "no thread "+thread)
		return nil, false
	case err != nil:
		s.internal(w, "load thread", err)
		return nil, false
	case len(h.Checkpoints) == 0:
		writeError(w, http.StatusNotFound, CodeRunNotFound, "no checkpoint of thread "+thread)
		return nil, false
	}
	return h, true
}

func (s *Server) internal(w http.ResponseWriter, what string, err error) {
	s.cfg.Logger.Error(what+" failed", "error", err.Error())
	writeError(w, http.StatusInternalServerError, CodeInternal, what+" failed")
}

// newThreadID returns a random 12-character hexadecimal id.
func newThreadID() string {
	var b [6]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

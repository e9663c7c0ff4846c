package server

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/graphrun/graphrun/graph"
)

// returnWait is how long [Server.Shutdown] waits, once it has canceled the
// runs left at the drain timeout, for them to return.
const returnWait = 10 * time.Second

// errDrainTimeout is the cause with which a shutdown cancels a run that
// had not reached a checkpoint by the drain timeout.
var errDrainTimeout = errors.New("the server is shutting down: the drain timeout passed " +
	"before the step reached a checkpoint")

// Shutdown drains the server: it stops taking runs, answering a request
// for one with 503 draining, and lets every run in progress go on until
// its next checkpoint, where it stops with status running, resumable by
// [Server.ResumeInterrupted] or a resume request; a run in its last step
// finishes instead. Model calls under way complete and are kept. When ctx
// ends first, Shutdown cancels the runs left, which the engine stops at
// once, keeping the finished tasks of their step, and waits up to 10
// seconds for them to return. It logs how each run ended, and returns an
// error wrapping ctx's when a run had to be canceled. The HTTP handler
// keeps answering throughout, so clients can follow the drain. Calling
// Shutdown again drains what is left.
func (s *Server) Shutdown(ctx context.Context) error {
	runs := s.beginDrain()
	if len(runs) > 0 {
		s.cfg.Logger.Info("draining: runs stop at their next checkpoint", "runs", len(runs))
	}
	timedOut := !s.waitRuns(ctx)
	if timedOut {
		for _, x := range runs {
			if _, _, done := x.outcome(); !done {
				x.interrupt()
			}
		}
		s.cancel()
		wait, cancel := context.WithTimeout(context.Background(), returnWait)
		s.waitRuns(wait)
		cancel()
	}
	s.cancel()

	stuck, interrupted := s.report(runs)
	switch {
	case stuck > 0:
		return fmt.Errorf("drain: %d runs still in progress %s after they were canceled: %w",
			stuck, returnWait, ctx.Err())
	case interrupted > 0:
		return fmt.Errorf("drain: %d runs interrupted before their next checkpoint: %w",
			interrupted, ctx.Err())
	}
	return nil
}

// beginDrain stops admitting runs and asks every run in progress to stop
// at its next checkpoint. It returns those runs.
func (s *Server) beginDrain() []*execution {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.draining = true
	var runs []*execution
	for _, set := range []map[string]*execution{s.execs, s.starting} {
		for _, x := range set {
			if _, _, done := x.outcome(); !done {
				x.drain()
				runs = append(runs, x)
			}
		}
	}
	return runs
}

// waitRuns waits for every run to return, or for ctx to end. It reports
// whether the runs returned.
func (s *Server) waitRuns(ctx context.Context) bool {
	done := make(chan struct{})
	go func() {
		s.wg.Wait()
		close(done)
	}()
	select {
	case <-done:
		return true
	case <-ctx.Done():
		return false
	}
}

// report logs how the drain ended each of runs, and a line for them all.
// It returns how many are still in progress and how many were interrupted
// before a checkpoint. The step logged is that of the last checkpoint the
// run saved here, when it saved one.
func (s *Server) report(runs []*execution) (stuck, interrupted int) {
	log := s.cfg.Logger
	finished, drained := 0, 0
	for _, x := range runs {
		res, err, done := x.outcome()
		step, forced := x.drainState()
		attrs := []any{"graph", x.graph, "thread", x.thread}
		if step >= 0 {
			attrs = append(attrs, "step", step)
		}
		switch {
		case !done:
			stuck++
			log.Error("run still in progress after its cancel", attrs...)
		case res == nil: // it did not start, and said so
		case res.Status != graph.Running:
			finished++
			log.Info("run finished while draining", append(attrs, "status", res.Status)...)
		case errors.Is(err, graph.ErrStopped):
			drained++
			log.Info("run drained at a checkpoint", attrs...)
		case forced:
			interrupted++
			log.Warn("run interrupted at the drain timeout", attrs...)
		default:
			interrupted++
			msg := ""
			if err != nil {
				msg = err.Error()
			}
			log.Warn("run stopped by an error while draining", append(attrs, "error", msg)...)
		}
	}
	if len(runs) > 0 {
		log.Info("drain done", "runs", len(runs), "finished", finished, "drained", drained,
			"interrupted", interrupted, "still_running", stuck)
	}
	return stuck, interrupted
}

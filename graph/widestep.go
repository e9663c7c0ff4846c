package graph

// wideStep holds what a step of several tasks fills: a result and an error
// per task, the results stored in one batch.
type wideStep struct {
	results []*TaskResult
	errs    []error
	batch   []TaskResult
}

// wideStep returns buffers for a step of n tasks, reused from earlier steps
// when they are large enough.
func (e *Engine) wideStep(n int) *wideStep {
	w, _ := e.wide.Get().(*wideStep)
	if w == nil || cap(w.batch) < n {
		return &wideStep{
			results: make([]*TaskResult, n),
			errs:    make([]error, n),
			batch:   make([]TaskResult, n),
		}
	}
	w.results, w.errs, w.batch = w.results[:n], w.errs[:n], w.batch[:n]
	return w
}

// release returns a wide step's buffers for reuse, cleared so that they
// hold on to no values. Only a step whose results nothing keeps, as when
// the engine has no store, may be released.
func (e *Engine) release(w *wideStep) {
	clear(w.results)
	clear(w.errs)
	clear(w.batch)
	e.wide.Put(w)
}

package server

import (
	"encoding/json"
	"fmt"
	"net/http"

	"github.com/graphrun/graphrun/graph"
)

// streamEvents streams a thread's events as Server-Sent Events: those of
// its latest execution in this process so far, then the rest as they
// happen. The stream ends when the run returns. A run of the thread that
// is starting is waited for: it becomes the latest execution if it starts.
func (s *Server) streamEvents(w http.ResponseWriter, r *http.Request) {
	thread := r.PathValue("thread")
	if st := s.startingExecution(thread); st != nil {
		select {
		case <-st.started:
		case <-r.Context().Done():
			return
		}
	}
	x := s.execution(thread)
	if x == nil {
		if _, ok := s.loadOr404(w, r, thread); !ok {
			return
		}
	}
	flusher, ok := w.(http.Flusher)
	if !ok {
		writeError(w, http.StatusInternalServerError, CodeInternal, "streaming unsupported")
		return
	}
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-cache")
	w.WriteHeader(http.StatusOK)
	flusher.Flush()
	if x == nil {
		return
	}

	past, ch := x.subscribe()
	for _, ev := range past {
		s.writeEvent(w, ev)
	}
	flusher.Flush()
	if ch == nil {
		return
	}
	defer x.unsubscribe(ch)
	for {
		select {
		case ev, ok := <-ch:
			if !ok {
				return
			}
			s.writeEvent(w, ev)
			flusher.Flush()
		case <-r.Context().Done():
			return
		}
	}
}

// writeEvent writes ev as a Server-Sent Event, its error in the words of
// the API.
func (s *Server) writeEvent(w http.ResponseWriter, ev graph.Event) {
	ev.Error = s.plainText(ev.Error)
	data, err := json.Marshal(ev)
	if err != nil {
		return
	}
	fmt.Fprintf(w, "event: %s\ndata: %s\n\n", ev.Kind, data)
}

package server

import (
	"encoding/json"
	"fmt"
	"net/http"

	"github.com/graphrun/graphrun/graph"
)

// streamEvents streams a thread's events as Server-Sent Events: those of
// its latest execution in this process so far, then the rest as they
// happen. The stream ends when the run returns.
func (s *Server) streamEvents(w http.ResponseWriter, r *http.Request) {
	thread := r.PathValue("thread")
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
		writeEvent(w, ev)
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
			writeEvent(w, ev)
			flusher.Flush()
		case <-r.Context().Done():
			return
		}
	}
}

func writeEvent(w http.ResponseWriter, ev graph.Event) {
	data, err := json.Marshal(ev)
	if err != nil {
		return
	}
	fmt.Fprintf(w, "event: %s\ndata: %s\n\n", ev.Kind, data)
}

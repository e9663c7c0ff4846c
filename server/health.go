package server

import "net/http"

// Health is the body of /healthz.
type Health struct {
	// Status is "ok", or "degraded" when a breaker is open.
	Status string `json:"status"`
	// OpenBreakers names the open breakers.
	OpenBreakers []string `json:"open_breakers,omitempty"`
}

// healthz answers ok, or degraded with the open breakers named. A
// degraded service still answers 200: it runs graphs, down their
// fallback routes.
func (s *Server) healthz(w http.ResponseWriter, _ *http.Request) {
	h := Health{Status: "ok"}
	if open := s.cfg.Engine.Breakers().Open(); len(open) > 0 {
		h = Health{Status: "degraded", OpenBreakers: open}
	}
	writeJSON(w, http.StatusOK, h)
}

// readyz answers 200 while the server takes runs and 503 once it drains.
func (s *Server) readyz(w http.ResponseWriter, _ *http.Request) {
	s.mu.Lock()
	draining := s.draining
	s.mu.Unlock()
	if draining {
		writeError(w, http.StatusServiceUnavailable, CodeDraining, "the server is shutting down")
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"status": "ready"})
}

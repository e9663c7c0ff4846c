package llmsim

import (
	"encoding/json"
	"hash/fnv"
	"math/rand/v2"
	"net/http"
	"sync"
	"time"

	"github.com/graphrun/graphrun/policies"
)

// Server is the simulated model. It implements [http.Handler] and is safe
// for concurrent use.
type Server struct {
	opts Options
	mux  *http.ServeMux

	mu    sync.Mutex
	stats Stats
	// seen counts the requests per prompt, so that a retry of the same
	// prompt rolls new dice while the sequence stays reproducible.
	seen map[uint64]int
}

// New returns a server with options o. Options that [Options.Validate]
// refuses are used as they are: unknown fault classes are never injected.
func New(o Options) *Server {
	if o.Model == "" {
		o.Model = DefaultModel
	}
	if o.Hold == 0 {
		o.Hold = DefaultHold
	}
	s := &Server{
		opts: o,
		mux:  http.NewServeMux(),
		seen: map[uint64]int{},
		stats: Stats{
			Faults:   map[policies.Class]int{},
			Passages: map[string]int{},
		},
	}
	s.mux.HandleFunc("POST /v1/chat/completions", s.chat)
	s.mux.HandleFunc("GET /v1/models", s.models)
	s.mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		_, _ = w.Write([]byte("ok\n"))
	})
	s.mux.HandleFunc("GET /sim/stats", func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, http.StatusOK, s.Stats())
	})
	return s
}

// ServeHTTP answers one request.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.mux.ServeHTTP(w, r) }

// Stats returns a copy of the counters.
func (s *Server) Stats() Stats {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.stats.clone()
}

// Model returns the model name the server reports.
func (s *Server) Model() string { return s.opts.Model }

func (s *Server) models(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, map[string]any{
		"object": "list",
		"data": []any{map[string]any{
			"id": s.opts.Model, "object": "model", "created": 0, "owned_by": "llmsim",
		}},
	})
}

// count updates the counters under the lock.
func (s *Server) count(update func(st *Stats)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	update(&s.stats)
}

// rollFor returns the random source of one request: seeded by the
// options' seed, the prompt, and how many times that prompt came before.
func (s *Server) rollFor(promptKey uint64) *rand.Rand {
	s.mu.Lock()
	n := s.seen[promptKey]
	s.seen[promptKey] = n + 1
	s.mu.Unlock()
	return rand.New(rand.NewPCG(uint64(s.opts.Seed), promptKey^uint64(n)*0x9e3779b97f4a7c15))
}

// hashOf hashes the parts, separated, with FNV-1a.
func hashOf(parts ...string) uint64 {
	h := fnv.New64a()
	for _, p := range parts {
		_, _ = h.Write([]byte(p))
		_, _ = h.Write([]byte{0})
	}
	return h.Sum64()
}

// wait pauses for d or until the request ends; it reports whether the
// request is still wanted.
func wait(r *http.Request, d time.Duration) bool {
	if d <= 0 {
		return r.Context().Err() == nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-r.Context().Done():
		return false
	}
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

package server

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/graphrun/graphrun/graph"
	"github.com/graphrun/graphrun/telemetry"
)

// DefaultMaxBodyBytes bounds a request body when [Config.MaxBodyBytes] is
// zero.
const DefaultMaxBodyBytes = 1 << 20

// Config configures a [Server].
type Config struct {
	// Engine runs the graphs. It is required; its store must not be nil.
	Engine *graph.Engine
	// Graphs are the graphs the server runs, by name.
	Graphs map[string]*graph.Graph
	// Metrics are served on /metrics; nil means a new set. The engine's
	// listeners should include [telemetry.Metrics.Listen] of the same set.
	Metrics *telemetry.Metrics
	// Logger receives a line per failed request, per run the server could
	// not start or resume, and per run a shutdown stopped; nil discards
	// them.
	Logger *slog.Logger
	// Token is the bearer token the API and /metrics require; empty means
	// none is required.
	Token string
	// MaxBodyBytes bounds a request body; zero means
	// [DefaultMaxBodyBytes].
	MaxBodyBytes int64
	// MaxRuns bounds the runs in progress at once; zero means no bound.
	MaxRuns int
	// Root is the directory runs read and write files in, named in the
	// messages about a file there; empty means they say "the served root"
	// without naming it. The node functions, not the server, confine
	// runs to it.
	Root string
}

// Server is the HTTP service. It is safe for concurrent use.
type Server struct {
	cfg Config
	mux *http.ServeMux

	// base is the parent of every run's context; Shutdown cancels it once
	// the drain timeout passes.
	base   context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup

	mu       sync.Mutex
	draining bool
	execs    map[string]*execution // thread: its latest started execution here
	// starting holds, by thread, the executions admitted and not started
	// yet: a run refused before run_started never shows in execs.
	starting map[string]*execution
}

// Route is a method and path pattern the server answers.
type Route struct {
	Method, Path string
}

// ErrNoStore means the engine has no checkpoint store.
var ErrNoStore = errors.New("the server needs an engine with a checkpoint store")

// New returns a server for cfg.
func New(cfg Config) (*Server, error) {
	if cfg.Engine == nil || cfg.Engine.Store() == nil {
		return nil, ErrNoStore
	}
	if cfg.Metrics == nil {
		cfg.Metrics = telemetry.NewMetrics()
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.MaxBodyBytes <= 0 {
		cfg.MaxBodyBytes = DefaultMaxBodyBytes
	}
	if cfg.Graphs == nil {
		cfg.Graphs = map[string]*graph.Graph{}
	}
	s := &Server{cfg: cfg, mux: http.NewServeMux(), execs: map[string]*execution{},
		starting: map[string]*execution{}}
	s.base, s.cancel = context.WithCancel(context.Background())
	allowed := map[string][]string{} // path: its methods
	open := map[string]bool{}
	var paths []string
	for _, rt := range s.routes() {
		h := http.Handler(rt.handler)
		if !rt.open {
			h = s.authorize(h)
		}
		s.mux.Handle(rt.Method+" "+rt.Path, h)
		if _, ok := allowed[rt.Path]; !ok {
			paths = append(paths, rt.Path)
		}
		allowed[rt.Path] = append(allowed[rt.Path], rt.Method)
		open[rt.Path] = rt.open
	}

	// A known path asked with another method matches the pattern without
	// a method, which answers 405.
	for _, path := range paths {
		h := methodNotAllowed(allowed[path])
		if !open[path] {
			h = s.authorize(h)
		}
		s.mux.Handle(path, h)
	}
	s.mux.Handle("/", s.authorize(http.HandlerFunc(s.notFound)))
	return s, nil
}

// route is a [Route] with its handler.
type route struct {
	Route
	handler http.HandlerFunc
	// open routes need no token.
	open bool
}

func (s *Server) routes() []route {
	return []route{
		{Route{"GET", "/v1/graphs"}, s.listGraphs, false},
		{Route{"GET", "/v1/graphs/{name}/mermaid"}, s.mermaid, false},
		{Route{"POST", "/v1/graphs/{name}/runs"}, s.startRun, false},
		{Route{"GET", "/v1/runs"}, s.listRuns, false},
		{Route{"GET", "/v1/runs/{thread}"}, s.getRun, false},
		{Route{"GET", "/v1/runs/{thread}/state"}, s.getState, false},
		{Route{"GET", "/v1/runs/{thread}/events"}, s.streamEvents, false},
		{Route{"POST", "/v1/runs/{thread}/resume"}, s.resumeRun, false},
		{Route{"GET", "/metrics"}, s.cfg.Metrics.Handler().ServeHTTP, false},
		{Route{"GET", "/healthz"}, s.healthz, true},
		{Route{"GET", "/readyz"}, s.readyz, true},
	}
}

// Routes lists the method and path pattern of every route, sorted.
func (s *Server) Routes() []Route {
	var out []Route
	for _, rt := range s.routes() {
		out = append(out, rt.Route)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Path != out[j].Path {
			return out[i].Path < out[j].Path
		}
		return out[i].Method < out[j].Method
	})
	return out
}

// ServeHTTP answers a request.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, s.cfg.MaxBodyBytes)
	s.mux.ServeHTTP(w, r)
}

func (s *Server) notFound(w http.ResponseWriter, r *http.Request) {
	writeError(w, http.StatusNotFound, CodeNotFound, "no route for "+r.Method+" "+r.URL.Path)
}

// methodNotAllowed answers 405 naming the methods the path allows.
func methodNotAllowed(methods []string) http.Handler {
	methods = slices.Sorted(slices.Values(methods))
	allow := strings.Join(methods, ", ")
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Allow", allow)
		writeError(w, http.StatusMethodNotAllowed, CodeMethodNotAllowed,
			r.URL.Path+" takes "+allow+", not "+r.Method)
	})
}

// Wait blocks until every run started so far has returned.
func (s *Server) Wait() { s.wg.Wait() }

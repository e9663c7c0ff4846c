package main

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/graphrun/graphrun/graph"
	"github.com/graphrun/graphrun/graphs"
	"github.com/graphrun/graphrun/server"
	"github.com/graphrun/graphrun/telemetry"
)

func init() { subcommands = append(subcommands, newServeCmd) }

// serveFlags are the flags of graphrun serve.
type serveFlags struct {
	store   storeFlags
	log     logFlags
	addr    string
	token   string
	graphs  string
	root    string
	maxBody int64
	maxRuns int
	drain   time.Duration
}

func newServeCmd() *cobra.Command {
	var f serveFlags
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Serve graph runs over HTTP, with health checks and Prometheus metrics",
		Long: `Serve an HTTP API that starts, watches and resumes runs of the built-in
graphs and of the graph files in --graphs DIR. The API is described in
docs/openapi.yaml; /healthz, /readyz and /metrics sit beside it.

A bearer token (--token or GRAPHRUN_TOKEN) guards the API and /metrics; the
server refuses to listen beyond loopback without one. On SIGTERM or SIGINT
it stops taking runs, lets those in progress reach a checkpoint and exits;
on start it resumes the runs a previous server left interrupted.

Runs read and write files only inside --root (default: the current
directory): a document or export path outside it fails the run. The server
works from --root, so relative paths in a run's input are resolved against
it.`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return serve(cmd, &f) },
	}
	f.store.register(cmd)
	f.log.register(cmd, "text")
	fl := cmd.Flags()
	fl.StringVar(&f.addr, "addr", "127.0.0.1:8080", "address to listen on")
	fl.StringVar(&f.token, "token", "", "bearer token the API requires (default $GRAPHRUN_TOKEN)")
	fl.StringVar(&f.graphs, "graphs", "", "directory of extra graph files (*.yaml) to serve")
	fl.StringVar(&f.root, "root", "",
		"directory runs may read and write files in (default: the current directory)")
	fl.Int64Var(&f.maxBody, "max-body", server.DefaultMaxBodyBytes, "largest request body, in bytes")
	fl.IntVar(&f.maxRuns, "max-runs", 0, "most runs in progress at once (0: no bound)")
	fl.DurationVar(&f.drain, "drain-timeout", 30*time.Second,
		"how long to wait on shutdown for runs to reach a checkpoint")
	refuseNegative(fl, "max-body", "give a size in bytes, or 0 for the default")
	refuseNegative(fl, "max-runs", "0 sets no bound")
	refuseNegative(fl, "drain-timeout", "give how long to wait, like 30s")
	return cmd
}

func serve(cmd *cobra.Command, f *serveFlags) error {
	if f.token == "" {
		f.token = os.Getenv("GRAPHRUN_TOKEN")
	}
	if err := checkAddr(f.addr, "127.0.0.1:8080"); err != nil {
		return err
	}
	if err := server.CheckListen(f.addr, f.token); err != nil {
		return usageError{fmt.Errorf("--addr %s: %w", f.addr, err)}
	}
	logger, err := f.log.logger(cmd.ErrOrStderr())
	if err != nil {
		return err
	}
	root, err := serveRoot(f.root)
	if err != nil {
		return err
	}
	if f.graphs != "" {
		if err := checkIsDir("--graphs "+f.graphs, f.graphs); err != nil {
			return err
		}
	}
	s, err := openSession(cmd, &f.store)
	if err != nil {
		return err
	}
	defer s.close()
	set, err := loadGraphs(s.reg, f.graphs)
	if err != nil {
		return err
	}
	// Documents and exports resolve inside root, relative names included.
	s.deps.Root = root

	metrics := telemetry.NewMetrics()
	s.deps.Tokens = metrics.AddTokens
	e := graph.NewEngine(graph.Options{Store: s.store,
		Listeners: []graph.Listener{metrics.Listen, telemetry.LogEvents(logger)}})
	defer metrics.WatchBreakers(e.Breakers())()
	srv, err := server.New(server.Config{Engine: e, Graphs: set, Metrics: metrics,
		Logger: logger, Token: f.token, MaxBodyBytes: f.maxBody, MaxRuns: f.maxRuns, Root: root})
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", f.addr)
	if err != nil {
		return listenError(f.addr, err)
	}
	hs := &http.Server{Handler: srv, ReadHeaderTimeout: 10 * time.Second}
	ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	resumed, err := srv.ResumeInterrupted(ctx)
	if err != nil {
		logger.Error("resume interrupted runs failed", "error", err.Error())
	}
	for _, th := range resumed {
		logger.Info("resuming interrupted run", "thread", th)
	}
	logger.Info("serving", "addr", ln.Addr().String(), "graphs", len(set), "root", root)
	served := make(chan error, 1)
	go func() { served <- hs.Serve(ln) }()

	select {
	case err := <-served:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	// A second signal ends the process at once.
	stop()
	drainCtx, cancel := context.WithTimeout(context.Background(), f.drain)
	defer cancel()
	if err := srv.Shutdown(drainCtx); err != nil {
		logger.Warn("runs still in progress at the drain timeout", "error", err.Error())
	}
	// The drain may have used all of its time: closing the listener and
	// the idle connections gets a few seconds of its own.
	closeCtx, cancelClose := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancelClose()
	if err := hs.Shutdown(closeCtx); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("shut down: %w", err)
	}
	logger.Info("stopped")
	return nil
}

// serveRoot returns the absolute form of the --root directory, the
// current directory when dir is empty, and checks that it is a directory.
func serveRoot(dir string) (string, error) {
	abs, err := filepath.Abs(cmp.Or(dir, "."))
	if err != nil {
		return "", fmt.Errorf("--root %s: %w", dir, err)
	}
	if err := checkIsDir("--root "+dir, abs); err != nil {
		return "", err
	}
	return abs, nil
}

// checkIsDir refuses dir, the directory a flag names, when it does not
// exist or is something else; what is the flag and its value.
func checkIsDir(what, dir string) error {
	fi, err := os.Stat(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return usageError{fmt.Errorf("%s: the directory does not exist; create it "+
			"(mkdir -p %s) or name one that exists", what, dir)}
	case err != nil:
		return usageError{fmt.Errorf("%s: cannot use the directory: %s", what, reason(err))}
	case !fi.IsDir():
		return usageError{fmt.Errorf("%s is a file, not a directory: name a directory", what)}
	}
	return nil
}

// loadGraphs loads the built-in graphs and the *.yaml files in dir, which
// may be empty. Two graphs of one name are refused, whether both are files
// or one is built in, except a file that holds a built-in graph's very
// text, such as graphs/mcq.yaml in a checkout: it is served once.
func loadGraphs(reg *graph.Registry, dir string) (map[string]*graph.Graph, error) {
	set := map[string]*graph.Graph{}
	builtin := map[string][]byte{}
	for _, name := range graphs.Names() {
		data, file, _ := graphs.Lookup(name)
		g, err := graph.LoadData(data, file, reg)
		if err != nil {
			return nil, fmt.Errorf("built-in graph %s: %w", name, err)
		}
		set[g.Name()] = g
		builtin[g.Name()] = data
	}
	if dir == "" {
		return set, nil
	}
	if err := checkIsDir("--graphs "+dir, dir); err != nil {
		return nil, err
	}
	files, err := filepath.Glob(filepath.Join(dir, "*.yaml"))
	if err != nil {
		return nil, usageError{fmt.Errorf("--graphs %s: %w", dir, err)}
	}
	if len(files) == 0 {
		return nil, usageError{fmt.Errorf("--graphs %s: the directory holds no *.yaml files; "+
			"name the directory of your graph files", dir)}
	}
	for _, file := range files {
		g, err := graph.Load(file, reg)
		if err != nil {
			return nil, err
		}
		old, taken := set[g.Name()]
		data, isBuiltin := builtin[g.Name()]
		switch {
		case !taken:
		case isBuiltin && sameFile(file, data):
			continue
		case isBuiltin:
			return nil, usageError{fmt.Errorf("--graphs %s: %s names its graph %s, like the "+
				"built-in graph %s: rename the graph (its name: field) to serve it beside the "+
				"built-in one, or remove the file", dir, file, g.Name(), g.Name())}
		default:
			return nil, usageError{fmt.Errorf("--graphs %s: graph %s is in both %s and %s: "+
				"rename one of them (its name: field) or remove one file",
				dir, g.Name(), old.Source(), file)}
		}
		set[g.Name()] = g
	}
	return set, nil
}

// sameFile reports whether the file at path holds the text data, with
// either line ending.
func sameFile(path string, data []byte) bool {
	got, err := os.ReadFile(path)
	crlf, lf := []byte("\r\n"), []byte("\n")
	return err == nil && bytes.Equal(bytes.ReplaceAll(got, crlf, lf), bytes.ReplaceAll(data, crlf, lf))
}

package main

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/graphrun/graphrun/graph"
	"github.com/graphrun/graphrun/graphs"
	"github.com/graphrun/graphrun/nodes"
	"github.com/graphrun/graphrun/policies"
)

func init() { subcommands = append(subcommands, newRunCmd, newResumeCmd) }

// runFlags are the flags shared by run and resume.
type runFlags struct {
	store      storeFlags
	maxSteps   int
	deadline   time.Duration
	maxErrors  int
	chaos      []string
	chaosSeed  int64
	durability string
	jsonOut    bool
	events     string
	quiet      bool
	log        logFlags
	metricsOut string
}

func (f *runFlags) register(cmd *cobra.Command) {
	f.store.register(cmd)
	fl := cmd.Flags()
	fl.IntVar(&f.maxSteps, "max-steps", 0, "override the graph's max_steps (0 keeps the graph's)")
	fl.DurationVar(&f.deadline, "deadline", 0,
		"override the graph's run deadline, e.g. 10m (0 keeps the graph's)")
	fl.IntVar(&f.maxErrors, "max-errors", 0, "override the graph's max_errors (0 keeps the graph's)")
	refuseNegative(fl, "max-steps", "0 keeps the graph's max_steps")
	refuseNegative(fl, "deadline", "0 keeps the graph's deadline; otherwise give one like 10m")
	refuseNegative(fl, "max-errors", "0 keeps the graph's max_errors")
	fl.StringArrayVar(&f.chaos, "chaos", nil,
		"inject faults: NODE=CLASS:RATE, e.g. generate=rate_limit:0.3 (repeatable)")
	fl.Int64Var(&f.chaosSeed, "chaos-seed", 1, "seed of the injected faults")
	fl.StringVar(&f.durability, "durability", "sync", "when checkpoints are written: sync, async or exit")
	fl.BoolVar(&f.jsonOut, "json", false, "print the whole result as JSON")
	fl.StringVar(&f.events, "events", "", "stream events to stdout: jsonl")
	fl.BoolVarP(&f.quiet, "quiet", "q", false, "print no progress")
	f.log.register(cmd, "")
	fl.StringVar(&f.metricsOut, "metrics-out", "",
		"write the run's metrics to this file in the Prometheus text format")
}

// options turns the flags into run options.
func (f *runFlags) options() (graph.RunOptions, error) {
	o := graph.RunOptions{MaxSteps: f.maxSteps, Deadline: f.deadline, MaxErrors: f.maxErrors}
	for _, c := range f.chaos {
		if !strings.Contains(c, "=") {
			return o, usageError{fmt.Errorf("--chaos %s: =CLASS:RATE is missing after the node name; "+
				"want NODE=CLASS:RATE, like %s=rate_limit:0.3", c, strings.TrimSpace(c))}
		}
		node, spec, err := policies.ParseChaos(c)
		if err != nil {
			return o, usageError{fmt.Errorf("--chaos %s: %w", c, err)}
		}
		if o.Chaos == nil {
			o.Chaos = map[string]*policies.ChaosSpec{}
		}
		spec.Seed = f.chaosSeed
		o.Chaos[node] = &spec
	}
	switch graph.Durability(f.durability) {
	case graph.Sync, graph.Async, graph.Exit:
	default:
		return o, usageError{fmt.Errorf("--durability %q: want sync, async or exit", f.durability)}
	}
	switch f.events {
	case "", "jsonl":
	default:
		return o, usageError{fmt.Errorf("--events %q: the only format is jsonl", f.events)}
	}
	if err := f.log.check(); err != nil {
		return o, err
	}
	// The metrics are written when the run ends: a file that cannot be
	// written is refused now, before the run spends any work.
	if f.metricsOut != "" {
		if err := checkWritable("--metrics-out "+f.metricsOut, f.metricsOut, "run.prom"); err != nil {
			return o, err
		}
	}
	return o, nil
}

// checkChaos refuses a --chaos flag that names a node g does not have,
// and lists the nodes it has.
func (f *runFlags) checkChaos(g *graph.Graph) error {
	var names []string
	for _, n := range g.Spec().Nodes {
		names = append(names, n.Name)
	}
	for _, c := range f.chaos {
		node, _, _ := strings.Cut(c, "=")
		if node = strings.TrimSpace(node); !slices.Contains(names, node) {
			return usageError{fmt.Errorf("--chaos %s: graph %s has no node %q (nodes: %s)",
				c, g.Name(), node, strings.Join(names, ", "))}
		}
	}
	return nil
}

func newRunCmd() *cobra.Command {
	var (
		f         runFlags
		thread    string
		sets      []string
		stateFile string
	)
	cmd := &cobra.Command{
		Use:   "run GRAPH",
		Short: "Run a graph file (or a built-in graph by name) and print its result",
		Long: `Run a graph from START to END, checkpointing every step.

GRAPH is a YAML file, or the name of a built-in graph such as mcq.
Initial state comes from --state FILE.json and --set field=value, each value
read by the field's declared type. The final state is printed as JSON, or
the field the graph names in its output: key.`,
		Args: needArg("a graph file or the name of a built-in graph",
			"graphrun run mcq --set document=notes.md"),
		RunE: func(cmd *cobra.Command, args []string) error {
			o, err := f.options()
			if err != nil {
				return err
			}
			s, err := openSession(cmd, &f.store)
			if err != nil {
				return err
			}
			defer s.close()
			// The thread records the graph file's absolute path, so that
			// a resume from another directory finds it.
			path := args[0]
			if abs, err := filepath.Abs(path); err == nil && fileExists(path) {
				path = abs
			}
			g, err := resolveGraph(path, s.reg)
			if err != nil {
				return err
			}
			input, err := readInput(g, stateFile, sets)
			if err != nil {
				return err
			}
			if err := f.checkChaos(g); err != nil {
				return err
			}
			o.Thread = thread
			o.Input = input
			return execute(cmd, &f, s, g, func(ctx context.Context, e *graph.Engine,
				stop <-chan struct{}) (*graph.Result, error) {
				o.Stop = stop
				res, err := e.Run(ctx, g, o)
				var ie *graph.InputError
				if errors.As(err, &ie) && stateFile != "" && !setByFlag(sets, ie.Field) {
					err = fmt.Errorf("--state %s: %w", stateFile, err)
				}
				return res, err
			})
		},
	}
	f.register(cmd)
	cmd.Flags().StringVar(&thread, "thread", "", "thread id (default: a new random id)")
	cmd.Flags().StringArrayVar(&sets, "set", nil, "set a state field: field=value (repeatable)")
	cmd.Flags().StringVar(&stateFile, "state", "", "JSON file with initial state fields")
	return cmd
}

func newResumeCmd() *cobra.Command {
	var (
		f         runFlags
		graphPath string
		step      int
	)
	cmd := &cobra.Command{
		Use:   "resume THREAD",
		Short: "Finish an interrupted or failed thread from its last checkpoint",
		Long: `Resume a thread from its last checkpoint. Tasks that finished are not run
again; failed or interrupted tasks run again from their start. The graph is the
file the thread was started from, unless --graph names another.`,
		Args: needArg("a thread id", "graphrun resume 3f2a9c1b7d04 (graphrun runs list shows them)"),
		RunE: func(cmd *cobra.Command, args []string) error {
			o, err := f.options()
			if err != nil {
				return err
			}
			s, err := openSession(cmd, &f.store)
			if err != nil {
				return err
			}
			defer s.close()
			h, err := s.store.Load(cmd.Context(), args[0])
			if err != nil {
				return threadError(args[0], &f.store, err)
			}
			first := h.Checkpoints[0]
			if graphPath == "" {
				graphPath = cmp.Or(first.Source, first.Graph)
			}
			g, err := resolveGraph(graphPath, s.reg)
			if err != nil {
				var ue usageError
				if errors.As(err, &ue) && first.Source != "" && !filepath.IsAbs(first.Source) {
					err = usageError{fmt.Errorf("%w; thread %s was started with the graph file %s, "+
						"relative to the directory it was started in: resume from there, or name "+
						"the file with --graph FILE", err, args[0], first.Source)}
				}
				return err
			}
			if err := f.checkChaos(g); err != nil {
				return err
			}
			if h.Last().Status == graph.Succeeded {
				fmt.Fprintf(cmd.ErrOrStderr(), "thread %s had already succeeded; its result:\n", args[0])
			}
			return execute(cmd, &f, s, g, func(ctx context.Context, e *graph.Engine,
				stop <-chan struct{}) (*graph.Result, error) {
				o.Step, o.Stop = step, stop
				return e.Resume(ctx, g, args[0], o)
			})
		},
	}
	f.store.existing = true
	f.register(cmd)
	cmd.Flags().IntVar(&step, "step", 0, "step of the checkpoint to resume from; only the last "+
		"is allowed, and it is the default (graphrun runs show THREAD lists the steps)")
	cmd.Flags().StringVar(&graphPath, "graph", "", "graph file to resume with (default: the one the thread started from)")
	return cmd
}

// session holds what a command that runs graphs opens: the checkpoint
// store, the node dependencies and the registry bound to them.
type session struct {
	store graph.Store
	deps  *nodes.Deps
	reg   *graph.Registry
}

func openSession(cmd *cobra.Command, f *storeFlags) (*session, error) {
	store, err := f.open()
	if err != nil {
		return nil, err
	}
	deps, err := nodes.DepsFromEnv(f.path(), cmd.ErrOrStderr())
	if err != nil {
		store.Close()
		return nil, usageError{err}
	}
	return &session{store: store, deps: deps, reg: nodes.NewRegistry(deps)}, nil
}

func (s *session) close() {
	s.deps.Close()
	s.store.Close()
}

// fileExists says whether path names something that exists.
func fileExists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

// resolveGraph loads a graph file, or a built-in graph by name.
func resolveGraph(arg string, reg *graph.Registry) (*graph.Graph, error) {
	if fi, err := os.Stat(arg); err == nil {
		if fi.IsDir() {
			return nil, usageError{fmt.Errorf("%s is a directory: name graph files, "+
				"e.g. %s/*.yaml", arg, strings.TrimSuffix(arg, "/"))}
		}
		return graph.Load(arg, reg)
	}
	if data, file, ok := graphs.Lookup(arg); ok {
		return graph.LoadData(data, file, reg)
	}
	if data, file, ok := graphs.Lookup(strings.TrimSuffix(filepath.Base(arg), ".yaml")); ok &&
		strings.HasPrefix(filepath.ToSlash(arg), "graphs/") {
		return graph.LoadData(data, file, reg)
	}
	return nil, usageError{fmt.Errorf("graph %q: %w (built-in: %s)",
		arg, errNoGraph, strings.Join(graphs.Names(), ", "))}
}

// errNoGraph means a graph argument names neither a file nor a built-in
// graph.
var errNoGraph = errors.New("no such file and no built-in graph of that name")

// execute runs fn with an engine wired to the session and prints the
// result. fn passes stop to the run as its [graph.RunOptions.Stop].
func execute(cmd *cobra.Command, f *runFlags, s *session, g *graph.Graph,
	fn func(ctx context.Context, e *graph.Engine, stop <-chan struct{}) (*graph.Result, error)) error {
	ctx, stop, done := interrupts(cmd.Context(), cmd.ErrOrStderr())
	defer done()

	out := cmd.OutOrStdout()
	listeners, flushMetrics, err := telemetryListeners(cmd, f, s.deps)
	if err != nil {
		return err
	}
	var prog *progress
	if f.events == "jsonl" {
		enc := json.NewEncoder(out)
		listeners = append(listeners, func(ev graph.Event) { _ = enc.Encode(ev) })
	} else if !f.quiet && !f.log.enabled() {
		prog = newProgress(cmd.ErrOrStderr())
		if f, ok := g.Field("questions"); ok && f.Type == graph.List {
			prog.count = "questions"
		}
		if f.store.db != "" {
			prog.resumeFlags = " --db " + f.store.db
		}
		listeners = append(listeners, prog.listen)
	}
	e := graph.NewEngine(graph.Options{
		Store:      s.store,
		Listeners:  listeners,
		Durability: graph.Durability(f.durability),
	})
	res, err := fn(ctx, e, stop)
	if prog != nil {
		prog.finish(res)
	}
	if res != nil && f.events == "" {
		printResult(out, g, res, f.jsonOut)
	}
	return errors.Join(err, flushMetrics())
}

// interrupts turns SIGINT and SIGTERM into a stop in two stages: the first
// closes the returned channel, so that the run ends at its next checkpoint
// with the model calls under way finished and kept; the second cancels the
// returned context, so that the run ends now, keeping what finished; a
// third ends the process. Calling done stops listening for signals.
func interrupts(parent context.Context, notices io.Writer) (ctx context.Context,
	stop <-chan struct{}, done func()) {
	ctx, cancel := context.WithCancelCause(parent)
	stopCh := make(chan struct{})
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	go func() {
		defer signal.Stop(sigs)
		select {
		case <-sigs:
		case <-ctx.Done():
			return
		}
		fmt.Fprintln(notices, "stopping at the next checkpoint: the calls under way finish "+
			"and are kept (interrupt again to stop at once)")
		close(stopCh)
		select {
		case <-sigs:
			cancel(errors.New("interrupted twice"))
		case <-ctx.Done():
		}
	}()
	return ctx, stopCh, func() { cancel(nil) }
}

// printResult prints the final state, or the graph's output field.
func printResult(w io.Writer, g *graph.Graph, res *graph.Result, asJSON bool) {
	if asJSON {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		_ = enc.Encode(res)
		return
	}
	if name := g.Spec().Output; name != "" {
		if s, ok := res.State[name].(string); ok {
			fmt.Fprint(w, s)
			return
		}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	_ = enc.Encode(res.State)
}

// setByFlag reports whether a --set pair names field.
func setByFlag(sets []string, field string) bool {
	for _, kv := range sets {
		if k, _, _ := strings.Cut(kv, "="); k == field {
			return true
		}
	}
	return false
}

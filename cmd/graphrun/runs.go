package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/graphrun/graphrun/graph"
	"github.com/graphrun/graphrun/graph/checkpoint"
)

func init() { subcommands = append(subcommands, newRunsCmd) }

func newRunsCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "runs",
		Short: "List, inspect and prune checkpointed threads",
	}
	cmd.AddCommand(newRunsListCmd(), newRunsShowCmd(), newRunsPruneCmd())
	return group(cmd)
}

func newRunsListCmd() *cobra.Command {
	var (
		sf     storeFlags
		status string
		limit  int
	)
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List threads, most recently updated first",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			switch graph.Status(status) {
			case "", graph.Running, graph.Succeeded, graph.Failed:
			case checkpoint.Interrupted:
				status = string(graph.Running)
			default:
				return usageError{fmt.Errorf("--status %q: want interrupted (or running), "+
					"succeeded or failed", status)}
			}
			store, err := sf.open()
			if err != nil {
				return err
			}
			defer store.Close()
			threads, err := store.Threads(cmd.Context(), graph.ThreadFilter{
				Status: graph.Status(status), Limit: limit})
			if err != nil {
				return storeError{fmt.Errorf("list threads in %s: %w", sf.path(), err)}
			}
			w := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 4, 2, ' ', 0)
			fmt.Fprintln(w, "THREAD\tGRAPH\tSTATUS\tSTEPS\tUPDATED\tERROR")
			for _, t := range threads {
				fmt.Fprintf(w, "%s\t%s\t%s\t%d\t%s\t%s\n", t.Thread, t.Graph, statusWord(t.Status), t.Step,
					t.Updated.Local().Format(time.DateTime), truncateText(t.Error, 60))
			}
			return w.Flush()
		},
	}
	sf.existing = true
	sf.register(cmd)
	cmd.Flags().StringVar(&status, "status", "",
		"only threads with this status: interrupted (or running), succeeded or failed")
	cmd.Flags().IntVar(&limit, "limit", 50, "at most this many threads (0 lists them all)")
	refuseNegative(cmd.Flags(), "limit", "0 lists every thread")
	return cmd
}

func newRunsShowCmd() *cobra.Command {
	var (
		sf     storeFlags
		asJSON bool
	)
	cmd := &cobra.Command{
		Use:   "show THREAD",
		Short: "Show a thread's steps, nodes, errors, timings and current state",
		Args:  needArg("a thread id", "graphrun runs show 3f2a9c1b7d04 (graphrun runs list shows them)"),
		RunE: func(cmd *cobra.Command, args []string) error {
			store, err := sf.open()
			if err != nil {
				return err
			}
			defer store.Close()
			h, err := store.Load(cmd.Context(), args[0])
			if err != nil {
				return threadError(args[0], &sf, err)
			}
			out := cmd.OutOrStdout()
			last := h.Last()
			if asJSON {
				enc := json.NewEncoder(out)
				enc.SetIndent("", "  ")
				return enc.Encode(h)
			}
			status, errText := last.Status, ""
			if h.Status != nil && h.Status.Time.After(last.Time) {
				status = h.Status.Status
				if h.Status.Error != nil {
					errText = h.Status.Error.Class + ": " + h.Status.Error.Message
				}
			}
			fmt.Fprintf(out, "thread %s  graph %s  status %s  steps %d\n", args[0], last.Graph,
				statusWord(status), last.Step)
			if errText != "" {
				fmt.Fprintf(out, "error: %s\n", errText)
			}
			c := last.Counters
			fmt.Fprintf(out, "attempts %d  retries %d  errors %d  fallbacks %d  compensations %d\n\n",
				c.Attempts, c.Retries, c.Errors, c.Fallbacks, c.Compensations)
			w := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
			fmt.Fprintln(w, "STEP\tTASK\tNODE\tATTEMPTS\tDURATION\tOUTCOME")
			for _, cp := range h.Checkpoints {
				for _, t := range cp.Tasks {
					outcome := "ok"
					if t.Error != nil {
						outcome = fmt.Sprintf("%s -> %s", t.Error.Class, t.Fallback)
					}
					fmt.Fprintf(w, "%d\t%s\t%s\t%d\t%s\t%s\n", cp.Step, t.ID, t.Node, t.Attempts,
						t.Duration.Round(time.Millisecond), outcome)
				}
			}
			for _, p := range h.Pending {
				fmt.Fprintf(w, "%d\t%s\t%s\t%d\t%s\t%s\n", last.Step+1, p.Task.ID, p.Task.Node,
					p.Record.Attempts, p.Record.Duration.Round(time.Millisecond), "ok (step not committed)")
			}
			if err := w.Flush(); err != nil {
				return err
			}
			if len(last.Next) > 0 {
				fmt.Fprintf(out, "\nnext: %d task(s)", len(last.Next))
				for i, t := range last.Next {
					if i == 8 {
						fmt.Fprint(out, " ...")
						break
					}
					fmt.Fprintf(out, " %s", t.ID)
				}
				fmt.Fprintln(out)
			}
			return nil
		},
	}
	sf.existing = true
	sf.register(cmd)
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the whole history as JSON")
	return cmd
}

func newRunsPruneCmd() *cobra.Command {
	var (
		sf        storeFlags
		keepLast  int
		olderThan time.Duration
	)
	cmd := &cobra.Command{
		Use:   "prune",
		Short: "Delete finished threads: all but the newest --keep-last, or those older than --older-than",
		Long: `Delete finished (succeeded or failed) threads. --keep-last N keeps the N
most recently updated threads and deletes the finished ones among the rest;
--keep-last 0 keeps none. --older-than DURATION deletes the finished threads
not updated for that long. Given both, a thread is deleted only when both
select it. Interrupted threads are never deleted: resume them instead.`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			o, err := pruneOptions(cmd, keepLast, olderThan, time.Now())
			if err != nil {
				return err
			}
			store, err := sf.open()
			if err != nil {
				return err
			}
			defer store.Close()
			n, err := store.Prune(cmd.Context(), o)
			if err != nil {
				return storeError{fmt.Errorf("prune threads in %s: %w", sf.path(), err)}
			}
			fmt.Fprintf(cmd.OutOrStdout(), "deleted %d thread(s)\n", n)
			return nil
		},
	}
	sf.existing = true
	sf.register(cmd)
	cmd.Flags().IntVar(&keepLast, "keep-last", 0, "keep the newest N threads (0 keeps none)")
	cmd.Flags().DurationVar(&olderThan, "older-than", 0, "delete threads not updated for this long, e.g. 720h")
	refuseNegative(cmd.Flags(), "keep-last", "give how many threads to keep; 0 keeps none")
	refuseNegative(cmd.Flags(), "older-than", "give how long a thread must be idle, like 720h")
	return cmd
}

// pruneOptions turns the flags of runs prune into the threads to delete.
// A flag counts only when it was given, so --keep-last 0 means keep none,
// not that the flag is missing.
func pruneOptions(cmd *cobra.Command, keepLast int, olderThan time.Duration,
	now time.Time) (graph.PruneOptions, error) {
	keepSet, olderSet := cmd.Flags().Changed("keep-last"), cmd.Flags().Changed("older-than")
	switch {
	case !keepSet && !olderSet:
		return graph.PruneOptions{}, usageError{errors.New("prune needs --keep-last N " +
			"(0 keeps none) or --older-than DURATION (like 720h) to know which threads to delete")}
	case olderSet && olderThan == 0:
		return graph.PruneOptions{}, usageError{errors.New("--older-than 0 selects every " +
			"finished thread; give a longer duration like 720h, or --keep-last 0 to delete them all")}
	}
	o := graph.PruneOptions{KeepLast: keepLast}
	if olderSet {
		o.OlderThan = now.Add(-olderThan)
	}
	return o, nil
}

// statusWord is the word shown for a thread's stored status. A listing
// made by this process sees no run of its own in progress, so a thread
// the store shows running is shown interrupted, as the HTTP API marks it.
func statusWord(s graph.Status) string {
	if checkpoint.IsInterrupted(s, false) {
		return checkpoint.Interrupted
	}
	return string(s)
}

func truncateText(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n-3] + "..."
}

// threadError says that a thread could not be loaded, and for a missing
// one where to look.
func threadError(thread string, sf *storeFlags, err error) error {
	if errors.Is(err, graph.ErrThreadNotFound) {
		return usageError{fmt.Errorf("no thread %s in %s (list threads with: graphrun runs list "+
			"--db %s)", thread, sf.path(), sf.path())}
	}
	return storeError{err}
}

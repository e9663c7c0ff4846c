package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/graphrun/graphrun/nodes/llm/llmsim"
	"github.com/spf13/cobra"
)

func init() { subcommands = append(subcommands, newLLMSimCmd) }

// llmSimFlags holds the flags of `graphrun llm-sim`.
type llmSimFlags struct {
	addr          string
	seed          int64
	latency       time.Duration
	fail          string
	truncate      float64
	malformed     float64
	retryAfter    time.Duration
	contextTokens int
	model         string
	rejectSchema  bool
}

func newLLMSimCmd() *cobra.Command {
	var f llmSimFlags
	cmd := &cobra.Command{
		Use:   "llm-sim",
		Short: "Serve a simulated OpenAI-compatible model on loopback, with faults on demand",
		Long: "llm-sim answers chat completions with multiple-choice questions drawn from\n" +
			"the passage in the prompt, and fails at the rates you give, the way real\n" +
			"servers fail, so that retries, breakers and fallbacks can be watched offline.",
		Example: "  graphrun llm-sim --addr 127.0.0.1:8089 --seed 1 --latency 20ms \\\n" +
			"    --fail rate_limit=0.2,server_error=0.1 --truncate 0.05 --malformed 0.05 " +
			"--retry-after 1s",
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			opts, err := f.options()
			if err != nil {
				return err
			}
			ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			return serveLLMSim(ctx, f.addr, opts, cmd.OutOrStdout())
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&f.addr, "addr", "127.0.0.1:8089", "loopback address to listen on")
	fl.Int64Var(&f.seed, "seed", 1, "seed of every random choice")
	fl.DurationVar(&f.latency, "latency", 0, "delay before every answer")
	refuseNegative(fl, "latency", "0 answers at once")
	fl.StringVar(&f.fail, "fail", "", "fault rates by class, like rate_limit=0.2,server_error=0.1")
	fl.Float64Var(&f.truncate, "truncate", 0, "rate of answers cut short (finish_reason length)")
	fl.Float64Var(&f.malformed, "malformed", 0, "rate of answers with broken JSON")
	fl.DurationVar(&f.retryAfter, "retry-after", 0, "wait sent with rate_limit faults")
	refuseNegative(fl, "retry-after", "0 sends no wait")
	fl.IntVar(&f.contextTokens, "context-tokens", 0,
		"largest passage in tokens; longer ones get content_too_long (0 = no limit)")
	refuseNegative(fl, "context-tokens", "0 sets no limit")
	fl.StringVar(&f.model, "model", llmsim.DefaultModel, "model name to report")
	fl.BoolVar(&f.rejectSchema, "reject-schema", false,
		"refuse json_schema response formats, like servers without structured output")
	return cmd
}

// options turns the flags into simulator options.
func (f llmSimFlags) options() (llmsim.Options, error) {
	faults, err := llmsim.ParseFaults(f.fail)
	if err != nil {
		return llmsim.Options{}, usageError{fmt.Errorf("--fail: %w", err)}
	}
	o := llmsim.Options{
		Seed: f.seed, Latency: f.latency, Faults: faults,
		Truncate: f.truncate, Malformed: f.malformed, RetryAfter: f.retryAfter,
		ContextTokens: f.contextTokens, Model: f.model, RejectSchema: f.rejectSchema,
	}
	if err := o.Validate(); err != nil {
		return o, usageError{err}
	}
	if err := checkLoopback(f.addr); err != nil {
		return o, usageError{err}
	}
	return o, nil
}

// checkLoopback refuses an address that is not on the loopback interface:
// the simulator is for tests and demos, not for a network.
func checkLoopback(addr string) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("--addr %q: %w (write it as 127.0.0.1:8089)", addr, err)
	}
	if host == "localhost" {
		return nil
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsLoopback() {
		return nil
	}
	return fmt.Errorf("--addr %q is not a loopback address "+
		"(the simulator listens only on 127.0.0.1 or ::1)", addr)
}

// serveLLMSim serves the simulator on addr until ctx ends, then shuts it
// down. It writes one line saying where it listens.
func serveLLMSim(ctx context.Context, addr string, o llmsim.Options, out io.Writer) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return listenError(addr, err)
	}
	srv := &http.Server{Handler: llmsim.New(o), ReadHeaderTimeout: 10 * time.Second}
	where := ln.Addr().String()
	fmt.Fprintf(out, "llm-sim listening on http://%s (model %s); point graphrun at it with "+
		"OPENAI_BASE_URL=http://%s/v1\n", where, o.Model, where)

	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	select {
	case err := <-done:
		return fmt.Errorf("llm-sim: serve: %w", err)
	case <-ctx.Done():
	}

	// Requests held by timeout faults would keep a graceful shutdown
	// waiting; give them a moment, then close.
	shutCtx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutCtx); err != nil && !errors.Is(err, context.DeadlineExceeded) {
		return fmt.Errorf("llm-sim: shutdown: %w", err)
	}
	_ = srv.Close()
	if err := <-done; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("llm-sim: serve: %w", err)
	}
	return nil
}

package main

import (
	"fmt"
	"io"
	"log/slog"
	"strings"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/spf13/cobra"

	"github.com/graphrun/graphrun/graph"
	"github.com/graphrun/graphrun/nodes"
	"github.com/graphrun/graphrun/telemetry"
)

// logFlags choose how events become log lines.
type logFlags struct {
	format string
	level  string
}

func (f *logFlags) register(cmd *cobra.Command, defaultFormat string) {
	cmd.Flags().StringVar(&f.format, "log-format", defaultFormat,
		"write events as log lines to stderr: json or text")
	cmd.Flags().StringVar(&f.level, "log-level", "info",
		"lowest level logged: debug, info, warn or error")
}

// enabled says whether log lines were asked for.
func (f *logFlags) enabled() bool { return f.format != "" }

// check refuses a format or level the logger does not know, whether or
// not log lines were asked for, so that a mistyped level is never ignored.
func (f *logFlags) check() error {
	if _, err := telemetry.ParseLevel(f.level); err != nil {
		return usageError{fmt.Errorf("--log-level %q: want debug, info, warn or error", f.level)}
	}
	switch strings.ToLower(f.format) {
	case "", telemetry.FormatJSON, telemetry.FormatText:
		return nil
	}
	return usageError{fmt.Errorf("--log-format %q: want json or text", f.format)}
}

// logger returns the logger the flags describe, writing to w.
func (f *logFlags) logger(w io.Writer) (*slog.Logger, error) {
	if err := f.check(); err != nil {
		return nil, err
	}
	l, err := telemetry.NewLogger(w, f.format, f.level)
	if err != nil {
		return nil, usageError{fmt.Errorf("--log-format %s, --log-level %s: %w", f.format, f.level, err)}
	}
	return l, nil
}

// telemetryListeners returns the listeners that log events and count them
// in metrics, as the run flags ask, and a function to call when the run
// ends, which writes the metrics file.
func telemetryListeners(cmd *cobra.Command, f *runFlags, deps *nodes.Deps) ([]graph.Listener, func() error, error) {
	var listeners []graph.Listener
	if f.log.enabled() {
		l, err := f.log.logger(cmd.ErrOrStderr())
		if err != nil {
			return nil, nil, err
		}
		listeners = append(listeners, telemetry.LogEvents(l))
	}
	if f.metricsOut == "" {
		return listeners, func() error { return nil }, nil
	}
	m := telemetry.NewMetrics()
	deps.Tokens = m.AddTokens
	listeners = append(listeners, m.Listen)
	done := func() error {
		if err := prometheus.WriteToTextfile(f.metricsOut, m.Registry()); err != nil {
			return writeError("--metrics-out "+f.metricsOut, f.metricsOut, err)
		}
		return nil
	}
	return listeners, done, nil
}

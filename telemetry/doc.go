// Package telemetry turns the events of graph runs into Prometheus metrics
// and structured log lines.
//
// The engine emits [graph.Event] values and never prints. A [Metrics]
// keeps one Prometheus registry whose collectors all start with graphrun_;
// its [Metrics.Listen] method is a [graph.Listener] that updates them, and
// [Metrics.WatchBreakers] follows the state of a breaker set between runs.
// [NewLogger] builds a [log/slog] logger in JSON or text, and [LogEvents]
// returns a listener that writes one line per event with the attribute
// keys listed in [Keys], so that every line can be searched the same way.
// Log lines pass through [Redact], which masks anything shaped like an API
// key or an Authorization header.
package telemetry

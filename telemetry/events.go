package telemetry

import (
	"context"
	"log/slog"
	"strings"

	"github.com/graphrun/graphrun/graph"
)

// Keys are the attribute keys every event line carries, in this order,
// whether or not the event sets them.
var Keys = []string{"graph", "run", "thread", "node", "step", "attempt", "class", "duration"}

// LogEvents returns a listener that writes one line to l per event. The
// message is the event kind in words ("node failed"); the attributes are
// [Keys] followed by those the kind sets (task, error, delay, reason,
// breaker, from, to, target, status, interrupted, bytes, nodes); a run
// that stopped at a checkpoint, resumable, finishes with status running
// and interrupted true. Routine events log at debug, retries and fallbacks
// at info, failures and interrupted runs at warn and failed runs at error.
func LogEvents(l *slog.Logger) graph.Listener {
	return func(ev graph.Event) {
		lv := eventLevel(ev)
		ctx := context.Background()
		if !l.Enabled(ctx, lv) {
			return
		}
		l.LogAttrs(ctx, lv, strings.ReplaceAll(string(ev.Kind), "_", " "), eventAttrs(ev)...)
	}
}

func eventLevel(ev graph.Event) slog.Level {
	switch ev.Kind {
	case graph.RunStarted, graph.RetryScheduled, graph.FallbackTaken, graph.BreakerChanged,
		graph.CompensationRun:
		return slog.LevelInfo
	case graph.NodeFailed, graph.CompensationFail:
		return slog.LevelWarn
	case graph.RunFinished:
		if ev.Status == graph.Failed {
			return slog.LevelError
		}
		if ev.Status == graph.Running {
			return slog.LevelWarn
		}
		return slog.LevelInfo
	}
	return slog.LevelDebug
}

func eventAttrs(ev graph.Event) []slog.Attr {
	a := []slog.Attr{
		slog.String("graph", ev.Graph),
		slog.String("run", ev.Run),
		slog.String("thread", ev.Thread),
		slog.String("node", ev.Node),
		slog.Int("step", ev.Step),
		slog.Int("attempt", ev.Attempt),
		slog.String("class", ev.Class),
		slog.Duration("duration", ev.Duration),
	}
	opt := func(key, v string) {
		if v != "" {
			a = append(a, slog.String(key, v))
		}
	}
	opt("task", ev.Task)
	opt("error", ev.Error)
	if ev.Delay > 0 {
		a = append(a, slog.Duration("delay", ev.Delay))
	}
	opt("reason", ev.Reason)
	opt("breaker", ev.Breaker)
	opt("from", ev.From)
	opt("to", ev.To)
	opt("target", ev.Target)
	opt("status", string(ev.Status))
	if ev.Kind == graph.RunFinished && ev.Status == graph.Running {
		// Status running on a finished run reads oddly; say what it means.
		a = append(a, slog.Bool("interrupted", true))
	}
	if ev.Bytes > 0 {
		a = append(a, slog.Int("bytes", ev.Bytes))
	}
	if len(ev.Nodes) > 0 {
		a = append(a, slog.Any("nodes", ev.Nodes))
	}
	return a
}

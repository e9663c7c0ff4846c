package telemetry

import (
	"fmt"
	"io"
	"log/slog"
	"strings"
)

// The log formats [NewLogger] accepts.
const (
	FormatJSON = "json"
	FormatText = "text"
)

// NewLogger returns a logger writing to w in format (json or text) at
// level (debug, info, warn or error). Empty format means text and empty
// level means info. Every line passes through [Redact].
func NewLogger(w io.Writer, format, level string) (*slog.Logger, error) {
	lv, err := ParseLevel(level)
	if err != nil {
		return nil, err
	}
	o := &slog.HandlerOptions{Level: lv, ReplaceAttr: redactAttr}
	switch strings.ToLower(format) {
	case FormatJSON:
		return slog.New(slog.NewJSONHandler(w, o)), nil
	case "", FormatText:
		return slog.New(slog.NewTextHandler(w, o)), nil
	}
	return nil, fmt.Errorf("log format %q: want json or text", format)
}

// ParseLevel reads a level name: debug, info, warn or error. Empty means
// info.
func ParseLevel(s string) (slog.Level, error) {
	switch strings.ToLower(s) {
	case "debug":
		return slog.LevelDebug, nil
	case "", "info":
		return slog.LevelInfo, nil
	case "warn", "warning":
		return slog.LevelWarn, nil
	case "error":
		return slog.LevelError, nil
	}
	return 0, fmt.Errorf("log level %q: want debug, info, warn or error", s)
}

package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"strconv"
	"strings"

	"github.com/graphrun/graphrun/graph"
)

// readInput builds a run's input from a JSON state file and --set pairs;
// the pairs win.
func readInput(g *graph.Graph, stateFile string, sets []string) (map[string]any, error) {
	input := map[string]any{}
	if stateFile != "" {
		data, err := os.ReadFile(stateFile)
		if err != nil {
			return nil, usageError{fmt.Errorf("--state: %w", err)}
		}
		var probe any
		if json.Unmarshal(data, &probe) == nil {
			if _, isObject := probe.(map[string]any); !isObject {
				return nil, invalidError{fmt.Errorf("--state %s: want one JSON object of state "+
					"fields, such as {\"target\": 10}, not %s", stateFile, jsonKind(probe))}
			}
		}
		if err := json.Unmarshal(data, &input); err != nil {
			return nil, invalidError{fmt.Errorf("--state %s: %s: %w (write one JSON object "+
				"of state fields)", stateFile, jsonPosition(data, err), err)}
		}
	}
	for _, kv := range sets {
		k, v, ok := strings.Cut(kv, "=")
		if !ok || k == "" {
			return nil, usageError{fmt.Errorf("--set %q: want field=value", kv)}
		}
		f, ok := g.Field(k)
		if !g.IsInput(k) {
			var names []string
			for _, f := range g.Inputs() {
				names = append(names, f.Name)
			}
			what := fmt.Sprintf("graph %s has no state field %q", g.Name(), k)
			switch {
			case k == graph.LastError:
				what = "last_error is written by the engine when a fallback route catches a " +
					"failure, never by a run's input"
			case ok:
				what = fmt.Sprintf("field %q is graph %s's own work, not an input", k, g.Name())
			}
			return nil, invalidError{fmt.Errorf("--set %s: %s (its inputs: %s)",
				kv, what, strings.Join(names, ", "))}
		}
		val, err := parseValue(f.Type, v)
		if err != nil {
			return nil, invalidError{fmt.Errorf("--set %s: field %s is %s: %w", kv, k, f.Type, err)}
		}
		input[k] = val
	}
	return input, nil
}

// jsonKind names the kind of a decoded JSON value.
func jsonKind(v any) string {
	switch v.(type) {
	case []any:
		return "an array"
	case string:
		return "a string"
	case float64:
		return "a number"
	case bool:
		return "a boolean"
	case nil:
		return "null"
	}
	return "an object"
}

// jsonPosition says where in data a JSON decoding error is, as "line L,
// column C", or "" when the error carries no offset.
func jsonPosition(data []byte, err error) string {
	var offset int64
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		offset = se.Offset
	case errors.As(err, &te):
		offset = te.Offset
	default:
		return "at the start"
	}
	line, col := 1, 1
	for _, b := range data[:min(int(offset), len(data))] {
		if b == '\n' {
			line, col = line+1, 1
		} else {
			col++
		}
	}
	return fmt.Sprintf("line %d, column %d", line, col)
}

// parseValue reads a --set value by the field's declared type: strings
// as they are, numbers and booleans by their syntax, lists, maps and any
// as JSON.
func parseValue(t graph.Type, s string) (any, error) {
	switch t {
	case graph.String:
		return s, nil
	case graph.Int:
		n, err := strconv.Atoi(s)
		switch {
		case errors.Is(err, strconv.ErrRange) && strings.HasPrefix(s, "-"):
			return nil, fmt.Errorf("%q is too small: the smallest accepted is %d", s, math.MinInt)
		case errors.Is(err, strconv.ErrRange):
			return nil, fmt.Errorf("%q is too large: the largest accepted is %d", s, math.MaxInt)
		case err != nil:
			return nil, fmt.Errorf("%q is not a whole number", s)
		}
		return n, nil
	case graph.Float:
		f, err := strconv.ParseFloat(s, 64)
		if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
			return nil, fmt.Errorf("%q is not a number (write digits, such as 0.5 or 12)", s)
		}
		return f, nil
	case graph.Bool:
		b, err := strconv.ParseBool(s)
		if err != nil {
			return nil, fmt.Errorf("%q is not true or false", s)
		}
		return b, nil
	}
	var v any
	if err := json.Unmarshal([]byte(s), &v); err != nil {
		switch t {
		case graph.AnyT:
			return s, nil
		case graph.List:
			return nil, fmt.Errorf("%q is not a JSON list (write one such as '[\"a\", 2]')", s)
		}
		return nil, fmt.Errorf("%q is not a JSON object (write one such as '{\"key\": \"value\"}')", s)
	}
	return v, nil
}

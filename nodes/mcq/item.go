package mcq

import (
	"encoding/json"
	"fmt"
	"math"
	"strings"
)

// The keys models use for each field, in order of preference. Keys are
// matched without regard to case.
var (
	stemKeys        = []string{"question", "stem"}
	optionKeys      = []string{"options", "choices"}
	explanationKeys = []string{"explanation", "rationale"}
	// answerKeys: the first present decides; the others must agree.
	answerKeys = []string{
		"answer_index", "correct_index", "answer", "correct_answer",
		"correct_option", "correct",
	}
	// indexKeys name keys whose value is an index even when quoted.
	indexKeys = map[string]bool{"answer_index": true, "correct_index": true}
)

// toQuestion reads one decoded item of a model's answer. It cleans the
// text fields, strips list markers from the options and resolves the
// answer key to an index. It does not run [Validate].
func toQuestion(item map[string]any) (Question, error) {
	fields := make(map[string]any, len(item))
	for k, v := range item {
		fields[strings.ToLower(strings.TrimSpace(k))] = v
	}
	var q Question

	stem, ok := lookup(fields, stemKeys)
	if !ok {
		return q, fmt.Errorf("no %q field", "question")
	}
	if q.Stem, ok = text(stem); !ok {
		return q, fmt.Errorf("field %q is not a string", "question")
	}

	raw, ok := lookup(fields, optionKeys)
	if !ok {
		return q, fmt.Errorf("no %q field", "options")
	}
	rawOpts, err := options(raw)
	if err != nil {
		return q, err
	}
	q.Options = stripLabels(rawOpts)

	if q.Answer, err = answer(fields, rawOpts, q.Options); err != nil {
		return q, err
	}
	if e, ok := lookup(fields, explanationKeys); ok {
		q.Explanation, _ = text(e)
	}
	return q, nil
}

func lookup(fields map[string]any, keys []string) (any, bool) {
	for _, k := range keys {
		if v, ok := fields[k]; ok && v != nil {
			return v, true
		}
	}
	return nil, false
}

// text returns a string or number value as cleaned text.
func text(v any) (string, bool) {
	switch v := v.(type) {
	case string:
		return cleanText(v), true
	case json.Number:
		return v.String(), true
	}
	return "", false
}

// options reads the options as a list of strings, or as an object keyed by
// consecutive letters from A.
func options(v any) ([]string, error) {
	switch v := v.(type) {
	case []any:
		out := make([]string, len(v))
		for i, o := range v {
			s, ok := text(o)
			if !ok {
				return nil, fmt.Errorf("option %d is not a string", i+1)
			}
			out[i] = s
		}
		return out, nil
	case map[string]any:
		out := make([]string, len(v))
		for k, o := range v {
			i, ok := letterKey(k)
			s, isText := text(o)
			if !ok || i >= len(v) || out[i] != "" || !isText {
				return nil, fmt.Errorf("options object needs keys A, B, C, D with text values")
			}
			out[i] = s
		}
		return out, nil
	}
	return nil, fmt.Errorf("field %q is not a list", "options")
}

// answer resolves the answer key. The first key present in [answerKeys]
// decides; any other present key that resolves must name the same option.
func answer(fields map[string]any, raw, opts []string) (int, error) {
	found := -1
	for _, k := range answerKeys {
		v, ok := fields[k]
		if !ok || v == nil {
			continue
		}
		i, err := resolveKey(v, indexKeys[k], raw, opts)
		if found < 0 {
			if err != nil {
				return 0, fmt.Errorf("field %q: %w", k, err)
			}
			found = i
			continue
		}
		if err == nil && i != found {
			return 0, fmt.Errorf("answer fields disagree: %q names option %d, another %d",
				k, i+1, found+1)
		}
	}
	if found < 0 {
		return 0, fmt.Errorf("no %q field", "answer_index")
	}
	return found, nil
}

// resolveKey turns one answer value into an index: a 0-based number, a
// letter, a letter followed by the option's text, or the option's text.
// It refuses what it cannot map safely rather than guess.
func resolveKey(v any, isIndex bool, raw, opts []string) (int, error) {
	switch v := v.(type) {
	case json.Number:
		i, err := integer(v)
		if err != nil {
			return 0, err
		}
		if !isIndex {
			if t := textIndex(v.String(), raw, opts); t >= 0 && t != i {
				return 0, fmt.Errorf("answer %s is both an index and option %d's text",
					v, t+1)
			}
		}
		return inRange(i, len(opts))
	case string:
		return stringKey(v, isIndex, raw, opts)
	}
	return 0, fmt.Errorf("answer must be one index, letter or option text")
}

func stringKey(s string, isIndex bool, raw, opts []string) (int, error) {
	s = cleanText(s)
	if isIndex {
		if i, err := integer(json.Number(s)); err == nil {
			return inRange(i, len(opts))
		}
	}
	t := textIndex(s, raw, opts)
	l, isLetter := letterKey(s)
	switch {
	case isLetter && t >= 0 && l != t:
		return 0, fmt.Errorf("answer %q is both a letter and option %d's text", s, t+1)
	case isLetter:
		return inRange(l, len(opts))
	case t >= 0:
		return t, nil
	}
	if lb, ok := parseLabel(s); ok && lb.scheme != '1' && lb.ordinal < len(opts) {
		if textIndex(lb.rest, raw, opts) == lb.ordinal {
			return lb.ordinal, nil
		}
	}
	return 0, fmt.Errorf("answer %q is not one of the options", truncate(s, 60))
}

// integer reads a JSON number that must be a whole number.
func integer(n json.Number) (int, error) {
	if i, err := n.Int64(); err == nil {
		if i > math.MaxInt32 || i < math.MinInt32 {
			return 0, fmt.Errorf("answer index %s: %w", n, ErrAnswerRange)
		}
		return int(i), nil
	}
	f, err := n.Float64()
	if err != nil || f != math.Trunc(f) || math.Abs(f) > math.MaxInt32 {
		return 0, fmt.Errorf("answer index %s is not a whole number", n)
	}
	return int(f), nil
}

func inRange(i, n int) (int, error) {
	if i < 0 || i >= n {
		return 0, fmt.Errorf("answer index %d with %d options: %w", i, n, ErrAnswerRange)
	}
	return i, nil
}

// textIndex returns the index of the option whose text equals s after
// normalisation, with or without its list marker, or -1 when none or
// several do.
func textIndex(s string, raw, opts []string) int {
	want := foldText(s)
	if want == "" {
		return -1
	}
	found := -1
	for i := range opts {
		if foldText(opts[i]) == want || (i < len(raw) && foldText(raw[i]) == want) {
			if found >= 0 {
				return -1
			}
			found = i
		}
	}
	return found
}

package nodes

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/graphrun/graphrun/graph"
	"github.com/graphrun/graphrun/nodes/mcq"
)

// report summarizes the run in `report` (for machines) and `summary` (for
// people): the questions, one block each, then what made them, what failed
// and why, the retries and fallbacks, the tokens and the time.
func (d *Deps) report(_ context.Context, in graph.Input) (graph.Update, error) {
	qs, err := questionsOf(in.State["final"])
	if err != nil {
		return nil, err
	}
	var failures []map[string]any
	if err := graph.Decode(in.State["failures"], &failures); err != nil {
		return nil, err
	}
	byGenerator := map[string]any{}
	byModel := map[string]any{}
	for _, q := range qs {
		byGenerator[q.Source.Generator] = toInt(byGenerator[q.Source.Generator]) + 1
		if q.Source.Model != "" {
			byModel[q.Source.Model] = toInt(byModel[q.Source.Model]) + 1
		}
	}
	chunks, _ := in.State["chunks"].([]any)
	wasted := stateInt(in, "wasted_tokens", 0) + d.usage.wastedBy(in.Thread)
	var took time.Duration
	if t, err := time.Parse(time.RFC3339Nano, stateString(in, "started")); err == nil {
		took = d.now().Sub(t)
	}
	c := in.Counters
	rep := map[string]any{
		"questions":         len(qs),
		"by_generator":      byGenerator,
		"by_model":          byModel,
		"chunks":            len(chunks),
		"failures":          failures,
		"dropped":           stateInt(in, "dropped", 0),
		"saved":             stateInt(in, "saved", 0),
		"quiz":              stateString(in, "quiz"),
		"exported":          stateString(in, "exported"),
		"attempts":          c.Attempts,
		"retries":           c.Retries,
		"errors":            c.Errors,
		"fallbacks":         c.Fallbacks,
		"prompt_tokens":     stateInt(in, "prompt_tokens", 0),
		"completion_tokens": stateInt(in, "completion_tokens", 0),
		"wasted_tokens":     wasted,
		"seconds":           took.Seconds(),
		"offline":           in.State["offline"] == true,
	}
	return graph.Update{"report": rep, "summary": summary(qs, rep, failures)}, nil
}

func toInt(v any) int {
	n, _ := v.(int)
	return n
}

// summary renders the questions and the report as text.
func summary(qs []mcq.Question, rep map[string]any, failures []map[string]any) string {
	var b strings.Builder
	for i, q := range qs {
		fmt.Fprintf(&b, "%d. %s\n", i+1, q.Stem)
		for j, o := range q.Options {
			mark := " "
			if j == q.Answer {
				mark = "*"
			}
			fmt.Fprintf(&b, "  %s %c) %s\n", mark, 'A'+j, o)
		}
		src := q.Source.Generator
		if q.Source.Model != "" {
			src += ", " + q.Source.Model
		}
		fmt.Fprintf(&b, "   answer: %c  (%s, chunk %s)\n\n", 'A'+q.Answer, src, q.Source.Chunk)
	}
	fmt.Fprintf(&b, "report\n")
	fmt.Fprintf(&b, "  questions    %d (%s)", rep["questions"], counts(rep["by_generator"].(map[string]any)))
	if rep["dropped"].(int) > 0 {
		fmt.Fprintf(&b, ", %d dropped as duplicates or over target", rep["dropped"])
	}
	fmt.Fprintln(&b)
	if rep["offline"] == true {
		fmt.Fprintf(&b, "  model        none configured: offline template generator\n")
	} else if m := rep["by_model"].(map[string]any); len(m) > 0 {
		fmt.Fprintf(&b, "  models       %s\n", counts(m))
	}
	fmt.Fprintf(&b, "  chunks       %d, %d degraded or failed\n", rep["chunks"], len(failures))
	for _, f := range failures {
		line := fmt.Sprintf("%v", f["outcome"])
		if f["class"] != nil {
			line = fmt.Sprintf("%v after %v in %v: %v", f["outcome"], f["class"], f["node"], f["message"])
		}
		fmt.Fprintf(&b, "    chunk %v: %s\n", f["chunk"], truncate(line, 160))
	}
	fmt.Fprintf(&b, "  resilience   %d attempts, %d retries, %d errors, %d fallbacks\n",
		rep["attempts"], rep["retries"], rep["errors"], rep["fallbacks"])
	fmt.Fprintf(&b, "  tokens       %d prompt, %d completion, %d wasted on discarded answers\n",
		rep["prompt_tokens"], rep["completion_tokens"], rep["wasted_tokens"])
	fmt.Fprintf(&b, "  time         %.1fs\n", rep["seconds"])
	fmt.Fprintf(&b, "  saved        %d new question(s) in quiz %q\n", rep["saved"], rep["quiz"])
	if e := rep["exported"]; e != "" {
		fmt.Fprintf(&b, "  exported     %s\n", e)
	}
	return b.String()
}

func counts(m map[string]any) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprintf("%s %d", k, m[k])
	}
	return strings.Join(parts, ", ")
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n-3] + "..."
}

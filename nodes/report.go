package nodes

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/graphrun/graphrun/graph"
	"github.com/graphrun/graphrun/nodes/llm"
	"github.com/graphrun/graphrun/nodes/mcq"
	"github.com/graphrun/graphrun/policies"
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
	var records []failureRecord
	if err := graph.Decode(in.State["failures"], &records); err != nil {
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
		"target":            stateInt(in, "target", 0),
		"saved":             stateInt(in, "saved", 0),
		"quiz":              stateString(in, "quiz"),
		"exported":          stateString(in, "exported"),
		"export_error":      exportFailure(in),
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
	rep["degraded"] = degradedChunks(records)
	warnings := d.warnings(in.Graph, records)
	if len(warnings) > 0 {
		rep["warnings"] = warnings
	}
	return graph.Update{"report": rep, "summary": summary(qs, rep, records, warnings)}, nil
}

func toInt(v any) int {
	n, _ := v.(int)
	return n
}

// summary renders the questions and the report as text.
func summary(qs []mcq.Question, rep map[string]any, failures []failureRecord,
	warnings []string) string {
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
	fmt.Fprintf(&b, "  questions    %d", rep["questions"])
	if by := counts(rep["by_generator"].(map[string]any)); by != "" {
		fmt.Fprintf(&b, " (%s)", by)
	}
	if n := rep["dropped"].(int); n > 0 && rep["target"].(int) > 0 {
		fmt.Fprintf(&b, ", %d dropped as near-duplicates or over target", n)
	} else if n > 0 {
		fmt.Fprintf(&b, ", %d dropped as near-duplicates", n)
	}
	fmt.Fprintln(&b)
	if rep["offline"] == true {
		fmt.Fprintf(&b, "  model        none configured: offline template generator\n")
	} else if m := rep["by_model"].(map[string]any); len(m) > 0 {
		fmt.Fprintf(&b, "  models       %s\n", counts(m))
	}
	for _, w := range warnings {
		fmt.Fprintf(&b, "  %s\n", w)
	}
	fmt.Fprintf(&b, "  chunks       %d, %d degraded or failed\n", rep["chunks"], rep["degraded"])
	for _, l := range breakerLines(failures) {
		fmt.Fprintf(&b, "    %s\n", l)
	}
	for _, g := range groupFailures(failures) {
		fmt.Fprintf(&b, "    %s\n", g)
	}
	fmt.Fprintf(&b, "  resilience   %d retries, %d errors, %d fallbacks\n",
		rep["retries"], rep["errors"], rep["fallbacks"])
	fmt.Fprintf(&b, "  tokens       %d prompt, %d completion, %d wasted on discarded answers\n",
		rep["prompt_tokens"], rep["completion_tokens"], rep["wasted_tokens"])
	took := time.Duration(rep["seconds"].(float64) * float64(time.Second))
	fmt.Fprintf(&b, "  time         %s from load to report\n", took.Round(time.Millisecond))
	fmt.Fprintf(&b, "  saved        %d new question(s) in quiz %q\n", rep["saved"], rep["quiz"])
	if e := rep["exported"]; e != "" {
		fmt.Fprintf(&b, "  exported     %s\n", e)
	}
	if e := rep["export_error"]; e != "" {
		fmt.Fprintf(&b, "  export       failed: %s; the questions stay saved: write the file with "+
			"graphrun quiz export %s -o FILE\n", e, rep["quiz"])
	}
	return b.String()
}

// exportFailure is the failure of the export node when a fallback route
// sent it to the report, or "".
func exportFailure(in graph.Input) string {
	if in.Error == nil || in.Error.Node != "export" {
		return ""
	}
	return in.Error.Message
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

// failureRecord is how the report reads a record that [failure] wrote.
type failureRecord struct {
	Chunk    string `json:"chunk"`
	Index    int    `json:"index"`
	Outcome  string `json:"outcome"`
	Class    string `json:"class"`
	Node     string `json:"node"`
	Message  string `json:"message"`
	Attempts int    `json:"attempts"`
	Chain    []hop  `json:"chain"`
}

// hop is one failure on a chunk's way down the fallback routes.
type hop struct {
	Class    string `json:"class"`
	Node     string `json:"node"`
	Message  string `json:"message"`
	Attempts int    `json:"attempts"`
}

// hops returns the failures from the first to the last; a record written
// without a chain has only its last one.
func (f failureRecord) hops() []hop {
	if len(f.Chain) > 0 {
		return f.Chain
	}
	if f.Class == "" {
		return nil
	}
	return []hop{{Class: f.Class, Node: f.Node, Message: f.Message, Attempts: f.Attempts}}
}

// maxMessage caps one failure message in the summary: long enough for a
// provider's whole explanation, short enough to keep a page readable.
const maxMessage = 600

// line tells what happened to the chunk and the chain of failures that
// led there, from the first. A refusal by an open breaker reads the same
// for every chunk it met, without the failure that opened the breaker,
// which [breakerLines] tells once.
func (f failureRecord) line() string {
	hs := f.hops()
	if len(hs) == 0 {
		return f.Outcome
	}
	parts := make([]string, len(hs))
	for i, h := range hs {
		if b, ok := parseBreakerOpen(h); ok {
			parts[i] = h.Class + " in " + h.Node + ": " + b.refusal()
			continue
		}
		s := h.Class + " in " + h.Node
		if h.Attempts > 1 {
			s += fmt.Sprintf(" (%d attempts)", h.Attempts)
		}
		parts[i] = s + ": " + truncate(h.Message, maxMessage)
	}
	return f.Outcome + " after " + strings.Join(parts, "; then ")
}

// degradedChunks counts the chunks the records name: those that degraded
// to another generator or model, or failed.
func degradedChunks(failures []failureRecord) int {
	seen := map[string]bool{}
	for _, f := range failures {
		seen[f.Chunk] = true
	}
	return len(seen)
}

// breakerOpen is what the message of a breaker_open failure says: which
// breaker refused the call, in which state, and, when the breaker opened
// during the refused node's own retries, the failure that opened it.
type breakerOpen struct {
	name, state string
	cause       hop // zero when the message does not tell
}

// breakerRE reads the message policies gives a breaker_open failure:
// `breaker "NAME" is STATE: REASON`, followed by `, after CLASS: CAUSE`
// when the call's own failures opened it.
var breakerRE = regexp.MustCompile(`(?s)^breaker "([^"]+)" is ([a-z-]+): .*?(?:, after ([a-z_]+): (.*))?$`)

// parseBreakerOpen reads h as a breaker_open failure.
func parseBreakerOpen(h hop) (breakerOpen, bool) {
	if h.Class != string(policies.BreakerOpen) {
		return breakerOpen{}, false
	}
	m := breakerRE.FindStringSubmatch(h.Message)
	if m == nil {
		return breakerOpen{}, false
	}
	b := breakerOpen{name: m[1], state: m[2]}
	if m[3] != "" {
		b.cause = hop{Class: m[3], Node: h.Node, Message: m[4]}
	}
	return b, true
}

// refusal is the refusal without its cause.
func (b breakerOpen) refusal() string { return fmt.Sprintf("breaker %q is %s", b.name, b.state) }

// breakerLines tells, once for each breaker that refused calls, the
// failure that opened it, from the first chunk whose refusal says so.
func breakerLines(failures []failureRecord) []string {
	failures = slices.Clone(failures)
	slices.SortStableFunc(failures, func(a, b failureRecord) int { return a.Index - b.Index })
	told := map[string]bool{}
	var out []string
	for _, f := range failures {
		for _, h := range f.hops() {
			b, ok := parseBreakerOpen(h)
			if !ok || b.cause.Class == "" || told[b.name] {
				continue
			}
			told[b.name] = true
			out = append(out, fmt.Sprintf("breaker %q opened after %s in %s: %s", b.name,
				b.cause.Class, b.cause.Node, truncate(b.cause.Message, maxMessage)))
		}
	}
	return out
}

// failureGroup is the chunks whose failures read the same, in document
// order.
type failureGroup struct {
	line   string
	chunks []failureRecord
}

// maxListed is how many chunk ids a failure line names before it counts
// the rest.
const maxListed = 3

// String names the group's chunks and tells their failure.
func (g failureGroup) String() string {
	ids := make([]string, 0, maxListed)
	for _, f := range g.chunks[:min(len(g.chunks), maxListed)] {
		ids = append(ids, f.Chunk)
	}
	names := strings.Join(ids, ", ")
	if more := len(g.chunks) - len(ids); more > 0 {
		names += fmt.Sprintf(" and %d more", more)
	}
	return fmt.Sprintf("%s %s: %s", plural(len(g.chunks), "chunk", "chunks"), names, g.line)
}

// groupFailures joins the chunks whose lines are the same, in the order
// of their first chunk, so that a fault every chunk met is told once.
func groupFailures(failures []failureRecord) []failureGroup {
	var groups []failureGroup
	at := map[string]int{}
	for _, f := range failures {
		l := f.line()
		i, ok := at[l]
		if !ok {
			i = len(groups)
			at[l] = i
			groups = append(groups, failureGroup{line: l})
		}
		groups[i].chunks = append(groups[i].chunks, f)
	}
	byIndex := func(a, b failureRecord) int { return a.Index - b.Index }
	for _, g := range groups {
		slices.SortStableFunc(g.chunks, byIndex)
	}
	slices.SortStableFunc(groups, func(a, b failureGroup) int {
		return byIndex(a.chunks[0], b.chunks[0])
	})
	return groups
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// warnings names what a person must fix when chunks degraded because a
// model refused the key, ran out of quota or does not exist, or its server
// could not be reached: one line per model and class (per server for an
// unreachable one), whichever way the chunk went on. Every failure of a
// chunk's chain counts, and so does the failure that opened a breaker.
// graphName finds the provider each node called; when this process did not
// see it, the first failure of a chain is the primary model's, since every
// chunk is first sent there.
func (d *Deps) warnings(graphName string, failures []failureRecord) []string {
	seen := map[string]bool{}
	var out []string
	for _, f := range failures {
		for i, h := range f.hops() {
			found := []hop{h}
			if b, ok := parseBreakerOpen(h); ok && b.cause.Class != "" {
				found = append(found, b.cause)
			}
			provider := d.providerOf(graphName, h.Node)
			if provider == "" && i == 0 {
				provider = "primary"
			}
			for _, c := range found {
				key, text := d.warning(provider, c)
				if text != "" && !seen[key] {
					seen[key] = true
					out = append(out, text)
				}
			}
		}
	}
	return out
}

// warning returns the warning a failure of a node calling provider calls
// for, and the key that tells it apart from others; text is "" when the
// failure needs no action of the person running graphrun.
func (d *Deps) warning(provider string, h hop) (key, text string) {
	if ce, ok := llm.ParseConnectError(h.Message); ok {
		env := EnvBaseURL
		if provider == "backup" {
			env = EnvBackupURL
		}
		return "connect " + ce.BaseURL, fmt.Sprintf(
			"warning: could not connect to %s (%s in %s): %s; check %s and that the server is running",
			ce.BaseURL, h.Class, h.Node, truncate(ce.Reason, maxMessage), env)
	}
	model, modelEnv, urlEnv := "the "+provider+" model", EnvModel, EnvBaseURL
	switch provider {
	case "":
		model = "the model of node " + h.Node
	case "backup":
		modelEnv, urlEnv = EnvBackupModel, EnvBackupURL
	}
	var what, fix string
	switch policies.Class(h.Class) {
	case policies.Auth:
		what, fix = "refused the key", "check "+EnvAPIKey
	case policies.Quota:
		what, fix = "has no quota left", "check the account's plan and billing"
		if provider == "primary" && d.Backup == nil {
			fix += ", or set " + EnvBackupModel + " to a backup model"
		}
	case policies.ModelUnavailable:
		what, fix = "is unavailable", "check "+modelEnv+" and "+urlEnv
	default:
		return "", ""
	}
	return provider + " " + h.Class, fmt.Sprintf("warning: %s %s (%s in %s): %s; %s",
		model, what, h.Class, h.Node, truncate(h.Message, maxMessage), fix)
}

// truncate cuts s to at most n runes, marking the cut.
func truncate(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-3]) + "..."
}

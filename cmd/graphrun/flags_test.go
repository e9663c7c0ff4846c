package main

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
	"github.com/stretchr/testify/assert"
)

// twoSteps is a graph of two nodes that do nothing.
const twoSteps = "testdata/two-steps.yaml"

func TestNumberAndDurationFlagsSayWhatTheyTake(t *testing.T) {
	db := filepath.Join(t.TempDir(), "graphrun.db")
	run := func(flags ...string) []string {
		return append([]string{"run", twoSteps, "--db", db, "-q"}, flags...)
	}
	tests := []struct {
		name string
		args []string
		want []string
	}{
		{"a negative deadline is refused", run("--deadline", "-1s"),
			[]string{`--deadline "-1s": must not be negative`, "0 keeps the graph's deadline"}},
		{"a negative error budget is refused", run("--max-errors", "-1"),
			[]string{`--max-errors "-1": must not be negative`}},
		{"a negative step budget is refused", run("--max-steps", "-3"),
			[]string{`--max-steps "-3": must not be negative`}},
		{"a deadline that is not a duration shows the accepted form", run("--deadline", "abc"),
			[]string{`--deadline "abc": not a duration`, "like 90s, 15m or 36h"}},
		{"a count that is not a number says so", run("--max-steps", "many"),
			[]string{`--max-steps "many": not a whole number`}},
		{"a duration in days gives the hours to write", []string{"runs", "prune", "--db", db,
			"--older-than", "3d"}, []string{`--older-than "3d": not a duration`,
			"days are not a unit: write 72h for 3d"}},
		{"a negative list limit is refused", []string{"runs", "list", "--db", db, "--limit", "-1"},
			[]string{`--limit "-1": must not be negative`, "0 lists every thread"}},
		{"a negative bound on served runs is refused", []string{"serve", "--max-runs", "-1"},
			[]string{`--max-runs "-1": must not be negative`}},
		{"a negative simulator latency is refused", []string{"llm-sim", "--latency", "-5ms"},
			[]string{`--latency "-5ms": must not be negative`}},
		{"a count too large for a whole number gives the largest accepted",
			run("--max-steps", "99999999999999999999"),
			[]string{`--max-steps "99999999999999999999": too large: the largest accepted is ` +
				"9223372036854775807"}},
		{"a count too far below zero is refused as negative", run("--max-errors", "-99999999999999999999"),
			[]string{`--max-errors "-99999999999999999999": must not be negative`}},
		{"a seed too small for a whole number gives the smallest accepted",
			run("--chaos-seed", "-99999999999999999999"),
			[]string{`--chaos-seed "-99999999999999999999": too small: the smallest accepted is ` +
				"-9223372036854775808"}},
		{"an unknown log level is refused without --log-format", run("--log-level", "loud"),
			[]string{`--log-level "loud": want debug, info, warn or error`}},
		{"an unknown log format is named alone", run("--log-format", "xml"),
			[]string{`--log-format "xml": want json or text`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, errOut := cli(t, tt.args...)
			assert.Equal(t, exitUsage, code)
			for _, want := range tt.want {
				assert.Contains(t, errOut, want)
			}
			assert.NotContains(t, errOut, "time: ")
			assert.NotContains(t, errOut, "invalid argument")
		})
	}
}

func TestChaosFlagMistakesAreUsageErrors(t *testing.T) {
	db := filepath.Join(t.TempDir(), "graphrun.db")
	tests := []struct {
		name  string
		chaos string
		want  []string
	}{
		{"a node name alone asks for the class and rate", "first",
			[]string{"--chaos first: =CLASS:RATE is missing after the node name",
				"want NODE=CLASS:RATE, like first=rate_limit:0.3"}},
		{"an unknown node lists the graph's nodes", "nosuch=rate_limit:0.3",
			[]string{`graph two_steps has no node "nosuch" (nodes: first, second)`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, errOut := cli(t, "run", twoSteps, "--db", db, "-q", "--chaos", tt.chaos)
			assert.Equal(t, exitUsage, code)
			for _, want := range tt.want {
				assert.Contains(t, errOut, want)
			}
		})
	}
}

func TestMissingArgumentsSayWhatToPass(t *testing.T) {
	db := filepath.Join(t.TempDir(), "graphrun.db")
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"validate asks for graph files", []string{"validate"},
			"graphrun validate needs at least one graph file, like: graphrun validate graphs/*.yaml"},
		{"mermaid asks for a graph file", []string{"mermaid"}, "graphrun mermaid needs a graph file"},
		{"run asks for a graph", []string{"run", "--db", db},
			"graphrun run needs a graph file or the name of a built-in graph"},
		{"resume asks for a thread", []string{"resume", "--db", db}, "graphrun resume needs a thread id"},
		{"runs show asks for a thread", []string{"runs", "show", "--db", db},
			"graphrun runs show needs a thread id"},
		{"quiz export asks for a quiz", []string{"quiz", "export", "--db", db},
			"graphrun quiz export needs a quiz name"},
		{"a second graph file is refused by name", []string{"mermaid", "a.yaml", "b.yaml"},
			"graphrun mermaid takes one argument, a graph file, not 2: a.yaml b.yaml"},
		{"an argument to a command that takes none is named", []string{"runs", "list", "x"},
			"graphrun runs list takes no arguments, but was given x"},
		{"a mistyped subcommand gets a suggestion", []string{"runs", "lst"},
			`unknown command "lst": did you mean list?`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, errOut := cli(t, tt.args...)
			assert.Equal(t, exitUsage, code)
			assert.Contains(t, errOut, tt.want)
			assert.NotContains(t, errOut, "arg(s)")
		})
	}
}

func TestFlagUsageHasNoBackquotes(t *testing.T) {
	var walk func(*cobra.Command)
	walk = func(c *cobra.Command) {
		c.Flags().VisitAll(func(f *pflag.Flag) {
			t.Run(c.CommandPath()+" --"+f.Name+" shows its own type as the placeholder", func(t *testing.T) {
				assert.NotContains(t, f.Usage, "`", "pflag would take the quoted words as the placeholder")
			})
		})
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(newRootCmd())
}

func TestResumeHelpShowsTheStepFlagPlainly(t *testing.T) {
	_, out, _ := cli(t, "resume", "--help")
	line := ""
	for _, l := range strings.Split(out, "\n") {
		if strings.Contains(l, "--step") {
			line = l
		}
	}
	assert.Regexp(t, `--step int\s+step of the checkpoint`, line)
}

package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// cli runs graphrun with args and returns its exit code, output and errors.
func cli(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	root := newRootCmd()
	root.SetArgs(args)
	root.SetOut(&out)
	root.SetErr(&errOut)
	code := exitOK
	if err := root.Execute(); err != nil {
		errOut.WriteString(err.Error())
		code = exitCode(err)
	}
	return code, out.String(), errOut.String()
}

func TestMainJobThenQuizExport(t *testing.T) {
	t.Setenv("OPENAI_API_KEY", "")
	t.Setenv("OPENAI_BASE_URL", "")
	db := filepath.Join(t.TempDir(), "graphrun.db")
	doc := "../../examples/biology_openstax-biology-2e_4-3-eukaryotic-cells.md"

	code, out, errOut := cli(t, "run", "../../graphs/mcq.yaml", "--db", db, "-q",
		"--set", "document="+doc, "--set", "target=4", "--set", "quiz=cells")
	require.Equal(t, exitOK, code, errOut)
	assert.Contains(t, out, "1. Fill in the blank")
	assert.Contains(t, out, "report\n")
	assert.Contains(t, errOut, "no model configured")

	code, out, _ = cli(t, "quiz", "list", "--db", db)
	require.Equal(t, exitOK, code)
	assert.Regexp(t, `cells\s+4\s`, out)

	file := filepath.Join(t.TempDir(), "cells.md")
	code, _, errOut = cli(t, "quiz", "export", "cells", "--db", db, "-o", file)
	require.Equal(t, exitOK, code, errOut)
	md, err := os.ReadFile(file)
	require.NoError(t, err)
	assert.Equal(t, 4, strings.Count(string(md), "Answer"), "markdown, chosen by the extension")

	badState := filepath.Join(t.TempDir(), "input.json")
	arrayState := filepath.Join(t.TempDir(), "array.json")
	require.NoError(t, os.WriteFile(arrayState, []byte(`[1, 2]`), 0o644))
	typedState := filepath.Join(t.TempDir(), "typed.json")
	require.NoError(t, os.WriteFile(typedState,
		[]byte(`{"document": "`+doc+`", "target": "ten"}`), 0o644))
	require.NoError(t, os.WriteFile(badState, []byte("{\"document\": \"x\",\n  \"target\": ,}"), 0o644))
	tests := []struct {
		name string
		args []string
		code int
		want string
	}{
		{"an unknown format is a usage error", []string{"quiz", "export", "cells", "--db", db,
			"--format", "pdf"}, exitUsage, "want one of"},
		{"an output extension with no format asks for --format", []string{"quiz", "export", "cells",
			"--db", db, "-o", filepath.Join(t.TempDir(), "q.csv")}, exitUsage, "give --format"},
		{"an unknown thread says where it looked", []string{"runs", "show", "nope", "--db", db},
			exitUsage, "no thread nope in " + db},
		{"an unknown quiz says how to list them", []string{"quiz", "export", "nope", "--db", db},
			exitFailed, "graphrun quiz list"},
		{"an unknown command is a usage error", []string{"nosuch"}, exitUsage, "unknown command"},
		{"a missing argument is a usage error", []string{"mermaid"}, exitUsage, "needs a graph file"},
		{"an unknown --set field lists the fields", []string{"run", "mcq", "--db", db,
			"--set", "documnet=x"}, exitInvalid, "its inputs: document"},
		{"a wrongly typed --set value names the type", []string{"run", "mcq", "--db", db,
			"--set", "target=ten"}, exitInvalid, "field target is int"},
		{"a --state file with broken JSON names the line", []string{"run", "mcq", "--db", db,
			"--state", badState}, exitInvalid, "line 2, column"},
		{"a --state file holding an array says what it wants", []string{"run", "mcq", "--db", db,
			"--state", arrayState}, exitInvalid, "want one JSON object of state fields"},
		{"a value of the wrong type in --state names the file", []string{"run", "mcq", "--db", db,
			"--state", typedState}, exitInvalid, "--state " + typedState + ": input field target"},
		{"a bad document fails the run before any model call", []string{"run", "mcq", "--db", db,
			"-q", "--set", "document=../../testdata/documents/empty.txt"}, exitInvalid, "empty.txt"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, errOut := cli(t, tt.args...)
			assert.Equal(t, tt.code, code)
			assert.Contains(t, errOut, tt.want)
		})
	}
}

func TestCommandMistakesAreUsageErrors(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name string
		args []string
		code int
		want string
	}{
		{"an unknown status is refused", []string{"runs", "list", "--db", filepath.Join(dir, "x.db"),
			"--status", "bogus"}, exitUsage, "want interrupted (or running), succeeded or failed"},
		{"a directory given to validate is named", []string{"validate", dir}, exitInvalid,
			"is a directory"},
		{"a missing file given to validate is a usage error, as for run", []string{"validate",
			filepath.Join(dir, "missing.yaml")}, exitUsage, "1 of 1 graph file(s) do not exist"},
		{"a missing file among others given to validate is still a usage error", []string{"validate",
			filepath.Join(dir, "missing.yaml"), "../../testdata/graphs/invalid/edges.yaml", twoSteps},
			exitUsage, "1 of 3 graph file(s) do not exist, and 1 other(s) have problems"},
		{"a missing file given to run is a usage error", []string{"run",
			filepath.Join(dir, "missing.yaml"), "--db", filepath.Join(dir, "x.db")}, exitUsage,
			"no such file and no built-in graph"},
		{"a too large --set value says so", []string{"run", "mcq", "--db", filepath.Join(dir, "x.db"),
			"--set", "target=99999999999999999999"}, exitInvalid,
			"field target is int: \"99999999999999999999\" is too large: the largest accepted is"},
		{"a directory given to run is a usage error", []string{"run", dir, "--db",
			filepath.Join(dir, "x.db")}, exitUsage, "is a directory"},
		{"a field the graph works out is not an input", []string{"run", "mcq", "--db",
			filepath.Join(dir, "x.db"), "--set", "document=../../examples/civics_us-constitution.txt",
			"--set", `questions=[{"x": 1}]`}, exitInvalid,
			`field "questions" is graph mcq's own work, not an input (its inputs: document, quiz,`},
		{"an undeclared field is named with the inputs", []string{"run", "mcq", "--db",
			filepath.Join(dir, "x.db"), "--set", "nosuch=1"}, exitInvalid,
			`graph mcq has no state field "nosuch" (its inputs: document,`},
		{"a broken graph is named by file, line and column", []string{"validate",
			"../../testdata/graphs/invalid/cascade.yaml"}, exitInvalid,
			`cascade.yaml:9:19: edges[1].to: unknown node "nosuch"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, errOut := cli(t, tt.args...)
			assert.Equal(t, tt.code, code)
			assert.Contains(t, errOut, tt.want)
		})
	}
}

func TestChaosFlagInjectsFaultsTheGraphRecoversFrom(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "recover.yaml")
	require.NoError(t, os.WriteFile(file, []byte(`name: recover
state: {}
policies:
  flaky:
    retry: {max_attempts: 2, initial_interval: 1ms, on: [server_error]}
    fallback: [{on: [any], to: offline}]
nodes:
  call: {run: noop, policy: flaky}
  offline: {run: noop}
edges:
  - {from: START, to: call}
  - {from: call, to: END}
  - {from: offline, to: END}
`), 0o644))
	db := filepath.Join(dir, "graphrun.db")

	code, out, errOut := cli(t, "run", file, "--db", db, "--chaos", "call=server_error:1")
	require.Equal(t, exitOK, code, errOut)
	assert.Contains(t, errOut, "retry 1:call in", "the injected fault is retried")
	assert.Contains(t, errOut, "fallback 1:call -> offline (server_error)")
	assert.Contains(t, out, `"class": "server_error"`, "the fallback target reads the failure")

	code, _, errOut = cli(t, "run", file, "--db", db, "--chaos", "call=nonsense:1")
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, errOut, "--chaos call=nonsense:1")
}

func TestReadingCommandsRefuseAMissingDatabase(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "nowhere.db")
	for _, args := range [][]string{
		{"runs", "list"}, {"runs", "show", "t1"}, {"resume", "t1"}, {"quiz", "list"},
		{"quiz", "export", "q"},
	} {
		t.Run(strings.Join(args, " ")+" says the database is missing", func(t *testing.T) {
			code, _, errOut := cli(t, append(args, "--db", missing)...)
			assert.Equal(t, exitUsage, code)
			assert.Contains(t, errOut, "no database at "+missing)
			assert.NoFileExists(t, missing)
		})
	}
}

func TestDocsShowTheMCQGraphAsMermaidDrawsIt(t *testing.T) {
	code, out, errOut := cli(t, "mermaid", "../../graphs/mcq.yaml")
	require.Equal(t, exitOK, code, errOut)
	doc, err := os.ReadFile("../../docs/mcq.md")
	require.NoError(t, err)
	_, block, found := strings.Cut(string(doc), "```mermaid\n")
	require.True(t, found, "docs/mcq.md has a mermaid block")
	block, _, _ = strings.Cut(block, "```")
	assert.Equal(t, out, block, "redraw docs/mcq.md with: graphrun mermaid graphs/mcq.yaml")
}

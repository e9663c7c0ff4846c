package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/graphrun/graphrun/graph"
	"github.com/graphrun/graphrun/nodes/content"
	"github.com/graphrun/graphrun/policies"
)

func TestExitCodeOfEachClassOfFailure(t *testing.T) {
	docErr := &content.DocumentError{Path: "notes.txt", Kind: content.ErrEmpty,
		Reason: "the document is empty"}
	tests := []struct {
		name string
		err  error
		code int
	}{
		{"a node failure is a failed run", &graph.RunError{Class: "server_error",
			Err: policies.Errorf(policies.ServerError, "boom")}, exitFailed},
		{"a plain error is a failed command", errors.New("boom"), exitFailed},
		{"a usage error is exit 2", usageError{errors.New("bad flag")}, exitUsage},
		{"a graph file with problems is exit 3", &graph.LoadError{File: "g.yaml"}, exitInvalid},
		{"a refused input is exit 3", &graph.InputError{Field: "document", Msg: "is empty"}, exitInvalid},
		{"a run that fails on its document is exit 3", &graph.RunError{Class: "bad_request",
			Node: "load", Err: policies.New(policies.BadRequest, docErr)}, exitInvalid},
		{"a document error wrapped by a command is exit 3",
			fmt.Errorf("resume: %w", docErr), exitInvalid},
		{"a store that cannot be opened is exit 4", storeError{errors.New("open")}, exitInternal},
		{"a store failure during a run is exit 4", &graph.RunError{Class: "storage",
			Err: policies.Errorf(policies.Storage, "disk full")}, exitInternal},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.code, exitCode(tt.err))
		})
	}
}

// TestExitCodesMatchDocsCLI checks one case of each row of the exit code
// table in docs/cli.md.
func TestExitCodesMatchDocsCLI(t *testing.T) {
	t.Setenv("OPENAI_API_KEY", "")
	t.Setenv("OPENAI_BASE_URL", "")
	db := filepath.Join(t.TempDir(), "graphrun.db")
	tests := []struct {
		name string
		args []string
		code int
	}{
		{"a run that succeeds exits 0", []string{"run", twoSteps, "--db", db, "-q"}, exitOK},
		{"a graph file without problems exits 0", []string{"validate", twoSteps}, exitOK},
		{"a run that fails exits 1", []string{"run", twoSteps, "--db", db, "-q",
			"--chaos", "first=server_error:1"}, exitFailed},
		{"a bad flag exits 2", []string{"run", twoSteps, "--db", db, "--durability", "never"},
			exitUsage},
		{"a graph file that does not exist exits 2", []string{"validate", "missing.yaml"}, exitUsage},
		{"a graph file with problems exits 3", []string{"validate",
			"../../testdata/graphs/invalid/edges.yaml"}, exitInvalid},
		{"an undeclared input field exits 3", []string{"run", twoSteps, "--db", db, "-q",
			"--set", "x=1"}, exitInvalid},
		{"a document that cannot be read exits 3", []string{"run", "mcq", "--db", db, "-q",
			"--set", "document=../../testdata/documents/binary.bin"}, exitInvalid},
		{"an empty document exits 3", []string{"run", "mcq", "--db", db, "-q",
			"--set", "document=../../testdata/documents/empty.txt"}, exitInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, errOut := cli(t, tt.args...)
			assert.Equal(t, tt.code, code, errOut)
		})
	}
}

func TestAFileThatIsNotADatabaseIsAStoreFailure(t *testing.T) {
	notDB := filepath.Join(t.TempDir(), "notes.db")
	require.NoError(t, os.WriteFile(notDB, []byte("these are my notes, not a database\n"), 0o644))
	for _, args := range [][]string{
		{"runs", "list"}, {"runs", "show", "t1"}, {"runs", "prune", "--keep-last", "1"},
		{"resume", "t1"}, {"quiz", "list"}, {"quiz", "export", "q"}, {"run", twoSteps, "-q"},
	} {
		t.Run(strings.Join(args, " ")+" names the file and exits 4", func(t *testing.T) {
			code, _, errOut := cli(t, append(args, "--db", notDB)...)
			assert.Equal(t, exitInternal, code)
			assert.Contains(t, errOut, notDB+" is not a graphrun database")
			assert.NotContains(t, errOut, "(26)")
			assert.NotContains(t, errOut, "migrate")
		})
	}
}

func TestModelSettingsNameTheirEnvironmentVariable(t *testing.T) {
	tests := []struct {
		name string
		env  map[string]string
		want []string
	}{
		{"a base URL without a scheme is echoed with the form to use",
			map[string]string{"OPENAI_BASE_URL": "127.0.0.1:18089/v1"},
			[]string{`OPENAI_BASE_URL="127.0.0.1:18089/v1" is not an http(s) URL`,
				"does not start with http:// or https://", "http://127.0.0.1:11434/v1"}},
		{"a base URL with another scheme says which",
			map[string]string{"OPENAI_BASE_URL": "ftp://127.0.0.1/v1"},
			[]string{`OPENAI_BASE_URL="ftp://127.0.0.1/v1"`, "its scheme is ftp"}},
		{"a bad backup base URL names its own variable",
			map[string]string{"OPENAI_BASE_URL": "http://127.0.0.1:1/v1",
				"GRAPHRUN_BACKUP_MODEL": "m", "GRAPHRUN_BACKUP_BASE_URL": "localhost:1/v1"},
			[]string{`backup model: GRAPHRUN_BACKUP_BASE_URL="localhost:1/v1"`}},
		{"a negative timeout names its variable",
			map[string]string{"OPENAI_BASE_URL": "http://127.0.0.1:1/v1", "GRAPHRUN_LLM_TIMEOUT": "-2s"},
			[]string{`GRAPHRUN_LLM_TIMEOUT="-2s" is negative`}},
		{"an unknown output mode names its variable",
			map[string]string{"OPENAI_BASE_URL": "http://127.0.0.1:1/v1", "GRAPHRUN_LLM_OUTPUT": "yaml"},
			[]string{`GRAPHRUN_LLM_OUTPUT="yaml" is not a mode`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, k := range []string{"OPENAI_API_KEY", "OPENAI_BASE_URL", "GRAPHRUN_BACKUP_MODEL",
				"GRAPHRUN_BACKUP_BASE_URL", "GRAPHRUN_LLM_TIMEOUT", "GRAPHRUN_LLM_OUTPUT"} {
				t.Setenv(k, tt.env[k])
			}
			code, _, errOut := cli(t, "run", twoSteps, "-q", "--db", filepath.Join(t.TempDir(), "g.db"))
			assert.Equal(t, exitUsage, code)
			for _, want := range tt.want {
				assert.Contains(t, errOut, want)
			}
			assert.NotContains(t, errOut, "(unparseable)")
		})
	}
}

func TestABaseURLNeverShowsTheAPIKey(t *testing.T) {
	const key = "sk-SECRET-0123456789"
	for _, base := range []string{
		"user:" + key + "@127.0.0.1:8089/v1", "127.0.0.1:8089/v1?key=" + key,
		"ftp://u:" + key + "@h/v1", "127.0.0.1/" + key,
	} {
		t.Run(base+" is shown without the key", func(t *testing.T) {
			t.Setenv("OPENAI_API_KEY", key)
			t.Setenv("OPENAI_BASE_URL", base)
			code, _, errOut := cli(t, "run", twoSteps, "-q", "--db", filepath.Join(t.TempDir(), "g.db"))
			assert.Equal(t, exitUsage, code)
			assert.Contains(t, errOut, "OPENAI_BASE_URL=")
			assert.NotContains(t, errOut, "SECRET")
		})
	}
}

package main

import (
	"net"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/graphrun/graphrun/nodes"
)

func TestServeFlagMistakesAreUsageErrors(t *testing.T) {
	t.Setenv("GRAPHRUN_TOKEN", "")
	dir := t.TempDir()
	db := filepath.Join(dir, "serve.db")
	missing := filepath.Join(dir, "nodir")
	notADir := filepath.Join(dir, "notes.txt")
	require.NoError(t, os.WriteFile(notADir, []byte("notes\n"), 0o644))
	busy := busyAddr(t)
	serve := func(flags ...string) []string {
		return append([]string{"serve", "--db", db}, flags...)
	}
	tests := []struct {
		name string
		args []string
		want []string
	}{
		{"an address without a port shows the form", serve("--addr", "localhost"),
			[]string{`--addr "localhost": want HOST:PORT, like 127.0.0.1:8080`}},
		{"a port past 65535 is refused before listening", serve("--addr", "127.0.0.1:99999"),
			[]string{`--addr "127.0.0.1:99999": the port "99999" is not a number from 1 to 65535`,
				"127.0.0.1:8080"}},
		{"port 0 is refused", serve("--addr", "127.0.0.1:0"),
			[]string{`the port "0" is not a number from 1 to 65535`}},
		{"a port by name is refused", serve("--addr", "127.0.0.1:http"),
			[]string{`the port "http" is not a number from 1 to 65535`}},
		{"a missing root says it does not exist", serve("--addr", busy, "--root", missing),
			[]string{"--root " + missing + ": the directory does not exist", "mkdir -p " + missing}},
		{"a root that is a file says so", serve("--addr", busy, "--root", notADir),
			[]string{"--root " + notADir + " is a file, not a directory"}},
		{"a missing graphs directory says it does not exist",
			serve("--addr", busy, "--graphs", missing),
			[]string{"--graphs " + missing + ": the directory does not exist"}},
		{"a graphs directory without graphs says so", serve("--addr", busy, "--graphs",
			t.TempDir()), []string{"holds no *.yaml files"}},
		{"a bad log level is named", serve("--addr", busy, "--log-level", "loud"),
			[]string{`--log-level "loud": want debug, info, warn or error`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, errOut := cli(t, tt.args...)
			assert.Equal(t, exitUsage, code, errOut)
			for _, want := range tt.want {
				assert.Contains(t, errOut, want)
			}
			assert.NotContains(t, errOut, "stat ")
			assert.NotContains(t, errOut, "listen tcp")
		})
	}
}

// busyAddr returns a loopback address that a listener of the test holds,
// so that a serve command given it fails to listen instead of serving.
func busyAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	t.Cleanup(func() { ln.Close() })
	return ln.Addr().String()
}

func TestServeOnAPortInUseSaysSo(t *testing.T) {
	t.Setenv("GRAPHRUN_TOKEN", "")
	addr := busyAddr(t)

	code, _, errOut := cli(t, "serve", "--addr", addr, "--db", filepath.Join(t.TempDir(), "s.db"))
	assert.Equal(t, exitFailed, code)
	assert.Contains(t, errOut, "--addr "+addr+": the port is already in use by another process")
	assert.Contains(t, errOut, "choose another port")
	assert.Contains(t, errOut, "or stop the process that holds it")
	assert.NotContains(t, errOut, "bind:")
}

func TestServedGraphFilesMayNotTakeABuiltInName(t *testing.T) {
	builtin, err := os.ReadFile("../../graphs/mcq.yaml")
	require.NoError(t, err)
	copyDir, changedDir, twinDir := t.TempDir(), t.TempDir(), t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(copyDir, "mcq.yaml"), builtin, 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(changedDir, "mcq.yaml"),
		append([]byte("# my own mcq\n"), builtin...), 0o644))
	twin, err := os.ReadFile(twoSteps)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(twinDir, "a.yaml"), twin, 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(twinDir, "b.yaml"), twin, 0o644))

	tests := []struct {
		name string
		dir  string
		want string
	}{
		{"a changed graph named like a built-in one is refused", changedDir,
			filepath.Join(changedDir, "mcq.yaml") + " names its graph mcq, like the built-in graph mcq"},
		{"two files of one graph are refused", twinDir, "graph two_steps is in both " +
			filepath.Join(twinDir, "a.yaml") + " and " + filepath.Join(twinDir, "b.yaml")},
		{"a copy of a built-in graph is served once", copyDir, ""},
		{"the repository's graphs directory is served", "../../graphs", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			set, err := loadGraphs(nodes.Catalog(), tt.dir)
			if tt.want == "" {
				require.NoError(t, err)
				assert.Contains(t, set, "mcq")
				return
			}
			require.Error(t, err)
			assert.Equal(t, exitUsage, exitCode(err))
			assert.Contains(t, err.Error(), tt.want)
			assert.Contains(t, err.Error(), "rename")
		})
	}
}

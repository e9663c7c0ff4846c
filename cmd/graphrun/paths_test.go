package main

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestFilesToWriteAreCheckedBeforeAnyWork(t *testing.T) {
	t.Setenv("OPENAI_API_KEY", "")
	t.Setenv("OPENAI_BASE_URL", "")
	t.Setenv("GRAPHRUN_DB", "")
	dir := t.TempDir()
	db := filepath.Join(dir, "graphrun.db")
	code, _, errOut := cli(t, "run", twoSteps, "--db", db, "-q")
	require.Equal(t, exitOK, code, errOut)
	missing := filepath.Join(dir, "nodir")
	notADir := filepath.Join(dir, "notes.txt")
	require.NoError(t, os.WriteFile(notADir, []byte("notes\n"), 0o644))
	busy := busyAddr(t)

	tests := []struct {
		name string
		env  string
		args []string
		want []string
	}{
		{"an export into a missing directory says to create it",
			"", []string{"quiz", "export", "cells", "--db", db, "-o", filepath.Join(missing, "a.json")},
			[]string{"-o " + filepath.Join(missing, "a.json") + ": the directory " + missing +
				" does not exist", "mkdir -p " + missing}},
		{"an export to a directory asks for a file in it",
			"", []string{"quiz", "export", "cells", "--db", db, "-o", dir},
			[]string{"-o " + dir + " is a directory: name a file in it, like " +
				filepath.Join(dir, "cells.json")}},
		{"an export to a directory suggests the extension of --format",
			"", []string{"quiz", "export", "cells", "--db", db, "-o", dir, "--format", "gift"},
			[]string{"like " + filepath.Join(dir, "cells.gift")}},
		{"an export under a file says it is not a directory",
			"", []string{"quiz", "export", "cells", "--db", db, "-o", filepath.Join(notADir, "a.md")},
			[]string{notADir + " is a file, not a directory"}},
		{"metrics into a missing directory are refused before the run",
			"", []string{"run", twoSteps, "--db", db, "-q", "--metrics-out",
				filepath.Join(missing, "run.prom")},
			[]string{"--metrics-out " + filepath.Join(missing, "run.prom") + ": the directory " +
				missing + " does not exist", "mkdir -p " + missing}},
		{"metrics to a directory ask for a file in it",
			"", []string{"run", twoSteps, "--db", db, "-q", "--metrics-out", dir},
			[]string{"--metrics-out " + dir + " is a directory: name a file in it"}},
		{"a database in a missing directory is refused, not created",
			"", []string{"run", twoSteps, "--db", filepath.Join(missing, "x.db"), "-q"},
			[]string{"--db " + filepath.Join(missing, "x.db") + ": the directory " + missing +
				" does not exist", "mkdir -p " + missing}},
		{"a GRAPHRUN_DB in a missing directory is named as the variable",
			filepath.Join(missing, "env.db"), []string{"run", twoSteps, "-q"},
			[]string{"GRAPHRUN_DB=" + filepath.Join(missing, "env.db") + ": the directory " +
				missing + " does not exist"}},
		{"a served database in a missing directory is refused",
			"", []string{"serve", "--addr", busy, "--db", filepath.Join(missing, "s.db")},
			[]string{"--db " + filepath.Join(missing, "s.db") + ": the directory " + missing}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv("GRAPHRUN_DB", tt.env)
			code, out, errOut := cli(t, tt.args...)
			assert.Equal(t, exitUsage, code, errOut)
			for _, want := range tt.want {
				assert.Contains(t, errOut, want)
			}
			assert.NotContains(t, errOut, "no such file or directory")
			assert.NotContains(t, out, "last_error", "nothing ran")
			assert.NoDirExists(t, missing)
		})
	}
}

func TestMetricsOutIntoADirectoryNobodyWritesIsRefusedBeforeTheRun(t *testing.T) {
	// A process's directory under /proc takes no new file, not even from
	// root, who writes in a directory without write permission.
	dir := t.TempDir()
	code, out, errOut := cli(t, "run", twoSteps, "--db", filepath.Join(dir, "g.db"), "-q",
		"--metrics-out", "/proc/1/run.prom")
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, errOut, "--metrics-out /proc/1/run.prom: cannot write in the directory /proc/1")
	assert.Empty(t, out, "nothing ran")
}

func TestTheDefaultDatabaseIsCreatedInTheCurrentDirectory(t *testing.T) {
	t.Setenv("OPENAI_API_KEY", "")
	t.Setenv("OPENAI_BASE_URL", "")
	t.Setenv("GRAPHRUN_DB", "")
	graphFile, err := filepath.Abs(twoSteps)
	require.NoError(t, err)
	t.Chdir(t.TempDir())
	code, _, errOut := cli(t, "run", graphFile, "-q")
	require.Equal(t, exitOK, code, errOut)
	assert.FileExists(t, defaultDB)
}

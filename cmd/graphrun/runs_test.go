package main

import (
	"path/filepath"
	"regexp"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/graphrun/graphrun/graph"
	"github.com/graphrun/graphrun/graph/checkpoint/sqlite"
)

// storeWithThreads returns a database holding three finished threads,
// done1 to done3 from oldest to newest, and a thread killed while running,
// killed, the newest of all.
func storeWithThreads(t *testing.T) string {
	t.Helper()
	db := filepath.Join(t.TempDir(), "graphrun.db")
	for _, th := range []string{"done1", "done2", "done3"} {
		code, _, errOut := cli(t, "run", twoSteps, "--db", db, "-q", "--thread", th)
		require.Equal(t, exitOK, code, errOut)
	}
	s, err := sqlite.Open(db, sqlite.Options{})
	require.NoError(t, err)
	defer s.Close()
	require.NoError(t, s.Commit(t.Context(), &graph.Checkpoint{
		Thread: "killed", Run: "r1", Graph: "two_steps", Status: graph.Running,
		Next: []graph.Task{{ID: "1:first", Node: "first"}}, Time: time.Now().Add(time.Second),
	}))
	return db
}

func TestRunsPrune(t *testing.T) {
	tests := []struct {
		name  string
		flags []string
		code  int
		want  string
		left  []string
	}{
		{"a negative --keep-last is refused and deletes nothing", []string{"--keep-last", "-5"},
			exitUsage, `--keep-last "-5": must not be negative`,
			[]string{"done1", "done2", "done3", "killed"}},
		{"a negative --older-than is refused", []string{"--older-than", "-1h"},
			exitUsage, `--older-than "-1h": must not be negative`,
			[]string{"done1", "done2", "done3", "killed"}},
		{"--older-than 0 is refused with the reason", []string{"--older-than", "0"},
			exitUsage, "--older-than 0 selects every finished thread",
			[]string{"done1", "done2", "done3", "killed"}},
		{"no flag asks for one", nil, exitUsage, "prune needs --keep-last N (0 keeps none)",
			[]string{"done1", "done2", "done3", "killed"}},
		{"--keep-last 2 keeps the two newest", []string{"--keep-last", "2"},
			exitOK, "deleted 2 thread(s)", []string{"done3", "killed"}},
		{"--keep-last 0 deletes every finished thread", []string{"--keep-last", "0"},
			exitOK, "deleted 3 thread(s)", []string{"killed"}},
		{"a long --older-than deletes nothing recent", []string{"--older-than", "720h"},
			exitOK, "deleted 0 thread(s)", []string{"done1", "done2", "done3", "killed"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db := storeWithThreads(t)
			code, out, errOut := cli(t, append([]string{"runs", "prune", "--db", db}, tt.flags...)...)
			assert.Equal(t, tt.code, code)
			assert.Contains(t, out+errOut, tt.want)

			_, out, _ = cli(t, "runs", "list", "--db", db)
			var left []string
			for _, m := range regexp.MustCompile(`(?m)^(done\d|killed) `).FindAllStringSubmatch(out, -1) {
				left = append(left, m[1])
			}
			assert.ElementsMatch(t, tt.left, left)
		})
	}
}

func TestRunsListShowsAKilledThreadAsInterrupted(t *testing.T) {
	db := storeWithThreads(t)
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"the list says interrupted", []string{"runs", "list", "--db", db},
			`(?m)^killed\s+two_steps\s+interrupted\s`},
		{"a finished thread keeps its status", []string{"runs", "list", "--db", db},
			`(?m)^done1\s+two_steps\s+succeeded\s`},
		{"--status interrupted selects it", []string{"runs", "list", "--db", db,
			"--status", "interrupted"}, `\A[^\n]+\nkilled\s+two_steps\s+interrupted\s[^\n]+\n\z`},
		{"runs show says interrupted", []string{"runs", "show", "killed", "--db", db},
			`status interrupted`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errOut := cli(t, tt.args...)
			require.Equal(t, exitOK, code, errOut)
			assert.Regexp(t, tt.want, out)
			assert.NotRegexp(t, `(?m)\srunning\s`, out)
		})
	}
}

package main

import (
	"cmp"
	"errors"
	"fmt"
	"io/fs"
	"os"

	"github.com/spf13/cobra"

	"github.com/graphrun/graphrun/graph"
	"github.com/graphrun/graphrun/graph/checkpoint/sqlite"
)

// defaultDB is the SQLite file that holds checkpoints and quizzes when
// neither --db nor GRAPHRUN_DB names one.
const defaultDB = "graphrun.db"

// storeFlags are the flags of commands that open the database.
type storeFlags struct {
	db   string
	sync string
	// existing makes open refuse a database that is not there yet, for
	// commands that only read what runs left.
	existing bool
}

func (f *storeFlags) register(cmd *cobra.Command) {
	cmd.Flags().StringVar(&f.db, "db", "",
		"SQLite file for checkpoints and quizzes (default $GRAPHRUN_DB or ./"+defaultDB+")")
	cmd.Flags().StringVar(&f.sync, "sync", "normal",
		"SQLite durability: normal survives a killed process, full also survives power loss")
}

// path returns the database file to use.
func (f *storeFlags) path() string {
	return cmp.Or(f.db, os.Getenv("GRAPHRUN_DB"), defaultDB)
}

// open opens the checkpoint store.
func (f *storeFlags) open() (graph.Store, error) {
	if err := f.check(); err != nil {
		return nil, err
	}
	if f.sync != "normal" && f.sync != "full" {
		return nil, usageError{fmt.Errorf("--sync %q: want normal or full", f.sync)}
	}
	s, err := sqlite.Open(f.path(), sqlite.Options{Synchronous: f.sync})
	if err != nil {
		return nil, fmt.Errorf("open checkpoint store %s: %w", f.path(), err)
	}
	return s, nil
}

// check refuses a missing database for commands that read one.
func (f *storeFlags) check() error {
	if !f.existing {
		return nil
	}
	if _, err := os.Stat(f.path()); errors.Is(err, fs.ErrNotExist) {
		return usageError{fmt.Errorf("no database at %s: run a graph first, or name the file "+
			"with --db or GRAPHRUN_DB", f.path())}
	}
	return nil
}

package main

import (
	"cmp"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"
	sqlitedriver "modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

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
		return nil, openError("checkpoint store", f.path(), err)
	}
	return s, nil
}

// openError says why the store of kind in the database file path could
// not be opened, in words that name the file and what to do.
func openError(kind, path string, err error) error {
	var sqlErr *sqlitedriver.Error
	if errors.As(err, &sqlErr) && sqlErr.Code()&0xff == sqlite3.SQLITE_NOTADB {
		return storeError{fmt.Errorf("%s is not a graphrun database (it is not a SQLite file): "+
			"name another file with --db or GRAPHRUN_DB, or move this one away", path)}
	}
	if fi, statErr := os.Stat(path); statErr == nil && fi.IsDir() {
		return usageError{fmt.Errorf("--db %s is a directory: name a file in it, like %s",
			path, filepath.Join(path, defaultDB))}
	}
	return storeError{fmt.Errorf("open %s %s: %w", kind, path, err)}
}

// source names where the database path came from, with the path, as the
// user wrote it: "--db FILE" or "GRAPHRUN_DB=FILE"; "" for the default.
func (f *storeFlags) source() string {
	switch {
	case f.db != "":
		return "--db " + f.db
	case os.Getenv("GRAPHRUN_DB") != "":
		return "GRAPHRUN_DB=" + os.Getenv("GRAPHRUN_DB")
	}
	return ""
}

// check refuses a missing database for commands that read one, and for
// commands that may create one, a file named in a directory that does not
// exist: like exports, the store makes no directories. The default file
// is in the current directory, which always exists.
func (f *storeFlags) check() error {
	if !f.existing {
		if what := f.source(); what != "" {
			return checkDir(what, f.path())
		}
		return nil
	}
	if _, err := os.Stat(f.path()); errors.Is(err, fs.ErrNotExist) {
		return usageError{fmt.Errorf("no database at %s: run a graph first, or name the file "+
			"with --db or GRAPHRUN_DB", f.path())}
	}
	return nil
}

package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/graphrun/graphrun/graph"
)

// DefaultPath is the file the command line uses when neither --db nor
// GRAPHRUN_DB names another.
const DefaultPath = "graphrun.db"

// Options tune a [Store]. The zero value is the recommended setting.
type Options struct {
	// Synchronous is "normal" or "full". Normal, the default when empty,
	// keeps every committed checkpoint through a killed process; full also
	// syncs the file at every commit, so checkpoints survive a power loss,
	// at the cost of a disk flush per step.
	Synchronous string
	// BusyTimeoutMillis is how long a write waits for another process
	// holding the file's write lock; zero means 5000.
	BusyTimeoutMillis int
}

// Store is a [graph.Store] kept in a SQLite file. It is safe for
// concurrent use by many goroutines, and several processes may share the
// file.
type Store struct {
	db   *sql.DB
	path string
	// wmu serializes this store's writes, so that they queue in Go rather
	// than on SQLite's busy handler, and guards w and closed.
	wmu sync.Mutex
	w   *writer
	// fold copies the write-ahead log into the file in the background.
	fold   *folder
	closed bool
	// pending maps a thread to the step whose task results this store
	// recorded or loaded: only a commit of that step has results to drop,
	// which spares every other commit a statement. Guarded by wmu.
	pending map[string]int
}

var _ graph.Store = (*Store)(nil)

// maxConns bounds the connection pool: the store's write connection and
// a few concurrent readers.
const maxConns = 8

// Open opens or creates the checkpoint store in the SQLite file at path,
// creating its parent directory if needed, and migrates its schema.
func Open(path string, o Options) (*Store, error) {
	dsn, err := dataSource(path, o)
	if err != nil {
		return nil, err
	}
	if dir := filepath.Dir(path); dir != "." {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return nil, fmt.Errorf("open checkpoint store: %w", err)
		}
	}
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("open checkpoint store %s: %w", path, err)
	}
	db.SetMaxOpenConns(maxConns)
	db.SetMaxIdleConns(maxConns)
	ctx := context.Background()
	if err := migrate(ctx, db, path); err != nil {
		db.Close() //nolint:errcheck // the migration error matters more
		return nil, err
	}
	s := &Store{db: db, path: path}
	s.fold = newFolder(db, &s.wmu)
	if s.w, err = newWriter(ctx, db, s.fold); err != nil {
		s.fold.stop() //nolint:errcheck // no fold has run yet
		db.Close()    //nolint:errcheck // the writer's error matters more
		return nil, fmt.Errorf("open checkpoint store %s: %w", path, err)
	}
	return s, nil
}

// dataSource returns the driver's data source name for path and o.
func dataSource(path string, o Options) (string, error) {
	switch {
	case path == "":
		return "", errors.New("open checkpoint store: empty path " +
			"(name a file, for example " + DefaultPath + ")")
	case path == ":memory:" || strings.HasPrefix(path, "file:"):
		return "", fmt.Errorf("open checkpoint store: %q is not a plain file path "+
			"(use the memory store for checkpoints that need no file)", path)
	case strings.ContainsAny(path, "?#"):
		return "", fmt.Errorf("open checkpoint store: path %q contains ? or # "+
			"(rename the file)", path)
	}
	sync := strings.ToLower(o.Synchronous)
	switch sync {
	case "":
		sync = "normal"
	case "normal", "full":
	default:
		return "", fmt.Errorf("open checkpoint store: synchronous %q is not "+
			"\"normal\" or \"full\"", o.Synchronous)
	}
	busy := o.BusyTimeoutMillis
	if busy <= 0 {
		busy = 5000
	}
	q := url.Values{}
	q.Add("_pragma", fmt.Sprintf("busy_timeout(%d)", busy))
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "synchronous("+sync+")")
	q.Add("_pragma", "foreign_keys(1)")
	q.Set("_txlock", "immediate")
	return path + "?" + q.Encode(), nil
}

// Path returns the file the store was opened on.
func (s *Store) Path() string { return s.path }

// DB returns the store's database handle, for tools that read the tables
// directly. Writing through it bypasses the store's guarantees.
func (s *Store) DB() *sql.DB { return s.db }

// Close waits for a background fold of the log to finish, then closes the
// write connection and the database, which folds what is left.
func (s *Store) Close() error {
	folded := s.fold.stop()
	s.wmu.Lock()
	defer s.wmu.Unlock()
	if s.closed {
		return nil
	}
	s.closed = true
	if err := errors.Join(folded, s.w.close(), s.db.Close()); err != nil {
		return fmt.Errorf("close checkpoint store %s: %w", s.path, err)
	}
	return nil
}

// isConstraint reports whether err is a SQLite constraint violation.
func isConstraint(err error) bool {
	var e *sqlite.Error
	return errors.As(err, &e) && e.Code()&0xff == sqlite3.SQLITE_CONSTRAINT
}

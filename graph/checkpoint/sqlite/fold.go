package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"sync"
)

// Folding copies the pages of the write-ahead log back into the database
// file, so that the log can start over; SQLite calls it a WAL checkpoint.
// Left to the write connection, a fold runs inside the commit that crosses
// SQLite's threshold and makes that step wait for the copy and two disk
// flushes, a few milliseconds every couple of hundred commits. The store
// folds in the background instead.
const (
	// foldEvery is the number of write transactions after which the
	// store asks for a fold: about the 1,000 pages at which SQLite would
	// fold on its own, at four or five pages a commit.
	foldEvery = 256
	// foldBackstop is the log size, in pages, at which the write
	// connection folds inline after all, should the background folds fall
	// behind.
	foldBackstop = 8 * 1000
	// foldPasses bounds the passes of a fold that run alongside commits;
	// they stop early once a pass had fewer than foldRest pages to copy.
	foldPasses, foldRest = 3, 64
	// foldQuery copies what no reader still needs and never waits for a
	// lock; its row says whether it was blocked and how many of the log's
	// pages are in the database file.
	foldQuery = `PRAGMA wal_checkpoint(PASSIVE)`
)

// folder runs the background folds of one store.
type folder struct {
	db *sql.DB
	// wmu is the store's write mutex; it guards stopped.
	wmu     *sync.Mutex
	stopped bool
	kick    chan struct{}
	done    chan struct{}

	mu  sync.Mutex
	err error // the first failed fold, reported by stop
}

// newFolder starts the goroutine that folds db's log when kicked. wmu is
// the mutex that serializes the store's writes.
func newFolder(db *sql.DB, wmu *sync.Mutex) *folder {
	f := &folder{db: db, wmu: wmu, kick: make(chan struct{}, 1), done: make(chan struct{})}
	go f.run()
	return f
}

func (f *folder) run() {
	defer close(f.done)
	for range f.kick {
		if err := f.fold(context.Background()); err != nil {
			f.mu.Lock()
			if f.err == nil {
				f.err = fmt.Errorf("fold the write-ahead log: %w", err)
			}
			f.mu.Unlock()
		}
	}
}

// fold copies the log into the database file. The passes without the
// write mutex do the slow part, the bulk of the copy and its disk flushes,
// while commits go on; since those commits add pages, the log is never
// all copied by then. The last pass, holding the write mutex, copies the
// few pages added since, and the next commit starts the log over.
func (f *folder) fold(ctx context.Context) error {
	var folded int
	for range foldPasses {
		var blocked, pages, before int
		before = folded
		err := f.db.QueryRowContext(ctx, foldQuery).Scan(&blocked, &pages, &folded)
		if err != nil {
			return err
		}
		if pages-before < foldRest {
			break
		}
	}
	f.wmu.Lock()
	defer f.wmu.Unlock()
	_, err := f.db.ExecContext(ctx, foldQuery)
	return err
}

// request asks for a fold unless one is already waiting to run. The
// caller holds the write mutex.
func (f *folder) request() {
	if f.stopped {
		return
	}
	select {
	case f.kick <- struct{}{}:
	default:
	}
}

// stop waits for a running fold, ends the goroutine and returns the first
// error a fold met. The caller must not hold the write mutex.
func (f *folder) stop() error {
	f.wmu.Lock()
	stopped := f.stopped
	f.stopped = true
	f.wmu.Unlock()
	if !stopped {
		close(f.kick)
	}
	<-f.done
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.err
}

package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// writer is the connection every write of a [Store] runs on, with its
// statements prepared once at [Open]. It is used under the store's write
// mutex only, so it needs no lock of its own.
type writer struct {
	conn *sql.Conn
	fold *folder
	// writes counts the write transactions since the last fold request.
	writes int
	// The statements, one field per query below.
	begin, end, undo       *sql.Stmt
	advance, readThread    *sql.Stmt
	insertThread, update   *sql.Stmt
	insertCheckpoint, drop *sql.Stmt
	putTask                *sql.Stmt
}

// The write statements. Each commit runs begin, advance, insertCheckpoint,
// drop and end; readThread and the thread statements only run for a new
// thread, a conflict, or a thread with a status set outside a commit.
const (
	beginQuery = `BEGIN IMMEDIATE`
	endQuery   = `COMMIT`
	undoQuery  = `ROLLBACK`

	// advanceQuery moves the thread's row to a later step when no status
	// was set outside a commit, so that what listings show is the
	// checkpoint's own status, error and time (?4, ?5, ?6).
	advanceQuery = `UPDATE checkpoint_threads SET graph = ?2, step = ?3,
		cp_status = ?4, cp_error = ?5, cp_time = ?6,
		status = ?4, error = ?5, updated = ?6
		WHERE thread = ?1 AND step < ?3 AND set_payload IS NULL`
	readThreadQuery = `SELECT step, set_payload FROM checkpoint_threads
		WHERE thread = ?`
	insertThreadQuery = `INSERT INTO checkpoint_threads (thread, graph, step,
		created, cp_status, cp_error, cp_time, status, error, updated)
		VALUES (?1, ?2, ?3, ?6, ?4, ?5, ?6, ?7, ?8, ?9)`
	updateThreadQuery = `UPDATE checkpoint_threads SET graph = ?2, step = ?3,
		cp_status = ?4, cp_error = ?5, cp_time = ?6,
		status = ?7, error = ?8, updated = ?9
		WHERE thread = ?1`
	insertCheckpointQuery = `INSERT INTO checkpoint_checkpoints
		(thread, step, status, graph, time, payload) VALUES (?, ?, ?, ?, ?, ?)`
	dropQuery = `DELETE FROM checkpoint_pending WHERE thread = ? AND step = ?`

	// putTaskQuery adds or replaces a pending result unless the step has
	// committed.
	putTaskQuery = `INSERT INTO checkpoint_pending (thread, step, task, payload)
		SELECT ?1, ?2, ?3, ?4 WHERE NOT EXISTS (
			SELECT 1 FROM checkpoint_threads WHERE thread = ?1 AND step >= ?2)
		ON CONFLICT (thread, step, task) DO UPDATE SET payload = excluded.payload`
)

// newWriter takes a connection from db, leaves the folding of the log to
// fold and prepares the write statements.
func newWriter(ctx context.Context, db *sql.DB, fold *folder) (*writer, error) {
	conn, err := db.Conn(ctx)
	if err != nil {
		return nil, err
	}
	_, err = conn.ExecContext(ctx, fmt.Sprintf("PRAGMA wal_autocheckpoint = %d", foldBackstop))
	if err != nil {
		conn.Close() //nolint:errcheck // the pragma's error matters more
		return nil, err
	}
	w := &writer{conn: conn, fold: fold}
	for _, p := range []struct {
		stmt  **sql.Stmt
		query string
	}{
		{&w.begin, beginQuery},
		{&w.end, endQuery},
		{&w.undo, undoQuery},
		{&w.advance, advanceQuery},
		{&w.readThread, readThreadQuery},
		{&w.insertThread, insertThreadQuery},
		{&w.update, updateThreadQuery},
		{&w.insertCheckpoint, insertCheckpointQuery},
		{&w.drop, dropQuery},
		{&w.putTask, putTaskQuery},
	} {
		if *p.stmt, err = conn.PrepareContext(ctx, p.query); err != nil {
			w.close() //nolint:errcheck // the prepare error matters more
			return nil, err
		}
	}
	return w, nil
}

// inTx runs fn in a write transaction, committing it if fn succeeds.
// BEGIN IMMEDIATE takes the file's write lock up front, waiting on the
// busy timeout while another process holds it; only that wait watches
// ctx, since the statements after it run under the lock and are short.
func (w *writer) inTx(ctx context.Context, fn func() error) error {
	if _, err := w.begin.ExecContext(ctx); err != nil {
		return err
	}
	if err := fn(); err != nil {
		w.undo.Exec() //nolint:errcheck // fn's error matters more
		return err
	}
	if _, err := w.end.Exec(); err != nil {
		// A failed COMMIT may leave the transaction open.
		w.undo.Exec() //nolint:errcheck // the commit error matters more
		return err
	}
	w.wrote()
	return nil
}

// wrote counts a write transaction and asks for a fold every foldEvery.
func (w *writer) wrote() {
	if w.writes++; w.writes >= foldEvery {
		w.writes = 0
		w.fold.request()
	}
}

// close finalizes the statements and returns the connection to db.
func (w *writer) close() error {
	var errs []error
	for _, s := range []*sql.Stmt{w.begin, w.end, w.undo, w.advance, w.readThread,
		w.insertThread, w.update, w.insertCheckpoint, w.drop, w.putTask} {
		if s != nil {
			errs = append(errs, s.Close())
		}
	}
	errs = append(errs, w.conn.Close())
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("close write connection: %w", err)
	}
	return nil
}

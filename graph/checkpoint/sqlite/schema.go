package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/graphrun/graphrun/graph/checkpoint"
)

// migrations are the schema changes in order; migration i brings the
// schema to version i+1. A released migration is never edited: changes
// go in a new one.
var migrations = []string{
	// Version 1: threads, checkpoints and pending task results.
	`CREATE TABLE checkpoint_threads (
		thread      TEXT PRIMARY KEY,
		graph       TEXT NOT NULL,
		step        INTEGER NOT NULL,
		created     INTEGER NOT NULL,
		cp_status   TEXT NOT NULL,
		cp_error    TEXT NOT NULL,
		cp_time     INTEGER NOT NULL,
		set_payload BLOB,
		status      TEXT NOT NULL,
		error       TEXT NOT NULL,
		updated     INTEGER NOT NULL
	);
	CREATE INDEX checkpoint_threads_updated ON checkpoint_threads (updated);
	CREATE INDEX checkpoint_threads_graph ON checkpoint_threads (graph, updated);
	CREATE INDEX checkpoint_threads_status ON checkpoint_threads (status, updated);
	CREATE TABLE checkpoint_checkpoints (
		thread  TEXT NOT NULL
			REFERENCES checkpoint_threads (thread) ON DELETE CASCADE,
		step    INTEGER NOT NULL,
		status  TEXT NOT NULL,
		graph   TEXT NOT NULL,
		time    INTEGER NOT NULL,
		payload BLOB NOT NULL,
		PRIMARY KEY (thread, step)
	);
	CREATE TABLE checkpoint_pending (
		seq     INTEGER PRIMARY KEY AUTOINCREMENT,
		thread  TEXT NOT NULL,
		step    INTEGER NOT NULL,
		task    TEXT NOT NULL,
		payload BLOB NOT NULL,
		UNIQUE (thread, step, task)
	);`,
	// Version 2: no index on the thread rows. Every commit changes a
	// thread's update time, so each index on it cost a page written per
	// commit; listings read the rows, one per thread, and sort them.
	`DROP INDEX checkpoint_threads_updated;
	DROP INDEX checkpoint_threads_graph;
	DROP INDEX checkpoint_threads_status;`,
}

// SchemaVersion is the checkpoint schema version this build writes.
var SchemaVersion = len(migrations)

// migrate brings the schema of db up to [SchemaVersion] in one
// transaction, or fails with [checkpoint.ErrSchemaVersion] when the file
// is newer than this build.
func migrate(ctx context.Context, db *sql.DB, path string) error {
	return migrateTo(ctx, db, path, SchemaVersion)
}

// migrateTo is migrate up to version want, for tests that need a file
// written by an older build.
func migrateTo(ctx context.Context, db *sql.DB, path string, want int) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("migrate %s: %w", path, err)
	}
	defer tx.Rollback() //nolint:errcheck // a no-op after Commit

	// Read the version, creating the table on first use.
	if _, err := tx.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS checkpoint_migrations (
		version INTEGER PRIMARY KEY,
		applied INTEGER NOT NULL
	)`); err != nil {
		return fmt.Errorf("migrate %s: %w", path, err)
	}
	var have int
	err = tx.QueryRowContext(ctx,
		`SELECT COALESCE(MAX(version), 0) FROM checkpoint_migrations`).Scan(&have)
	if err != nil {
		return fmt.Errorf("migrate %s: %w", path, err)
	}
	if have > SchemaVersion {
		return fmt.Errorf("open %s: %w: the file is at version %d, this build knows "+
			"up to %d; upgrade graphrun or use another file", path,
			checkpoint.ErrSchemaVersion, have, SchemaVersion)
	}

	// Apply what is missing.
	for v := have + 1; v <= want; v++ {
		if _, err := tx.ExecContext(ctx, migrations[v-1]); err != nil {
			return fmt.Errorf("migrate %s to version %d: %w", path, v, err)
		}
		_, err := tx.ExecContext(ctx,
			`INSERT INTO checkpoint_migrations (version, applied) VALUES (?, ?)`,
			v, time.Now().UnixNano())
		if err != nil {
			return fmt.Errorf("migrate %s to version %d: %w", path, v, err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("migrate %s: %w", path, err)
	}
	return nil
}

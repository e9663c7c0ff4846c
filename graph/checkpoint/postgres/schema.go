package postgres

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/graphrun/graphrun/graph/checkpoint"
)

// migrations are the schema changes in order; migration i brings the
// schema to version i+1. A released migration is never edited: changes
// go in a new one.
var migrations = []string{
	// Version 1: threads, checkpoints, pending task results and leases.
	`CREATE TABLE checkpoint_threads (
		thread      text PRIMARY KEY,
		graph       text NOT NULL,
		step        integer NOT NULL,
		created     bigint NOT NULL,
		cp_status   text NOT NULL,
		cp_error    text NOT NULL,
		cp_time     bigint NOT NULL,
		set_payload bytea,
		status      text NOT NULL,
		error       text NOT NULL,
		updated     bigint NOT NULL
	);
	CREATE INDEX checkpoint_threads_updated ON checkpoint_threads (updated);
	CREATE INDEX checkpoint_threads_graph ON checkpoint_threads (graph, updated);
	CREATE INDEX checkpoint_threads_status ON checkpoint_threads (status, updated);
	CREATE TABLE checkpoint_checkpoints (
		thread  text NOT NULL
			REFERENCES checkpoint_threads (thread) ON DELETE CASCADE,
		step    integer NOT NULL,
		status  text NOT NULL,
		graph   text NOT NULL,
		time    bigint NOT NULL,
		payload bytea NOT NULL,
		PRIMARY KEY (thread, step)
	);
	CREATE TABLE checkpoint_pending (
		seq     bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
		thread  text NOT NULL,
		step    integer NOT NULL,
		task    text NOT NULL,
		payload bytea NOT NULL,
		UNIQUE (thread, step, task)
	);
	CREATE TABLE checkpoint_leases (
		thread  text PRIMARY KEY,
		worker  text NOT NULL,
		expires timestamptz NOT NULL
	);
	CREATE INDEX checkpoint_leases_expires ON checkpoint_leases (expires);`,
}

// SchemaVersion is the checkpoint schema version this build writes.
var SchemaVersion = len(migrations)

// migrationLock is the advisory lock key that serializes migrations.
const migrationLock = "graphrun.checkpoint_migrations"

// migrate brings the schema up to [SchemaVersion] in one transaction, or
// fails with [checkpoint.ErrSchemaVersion] when the database is newer
// than this build.
func migrate(ctx context.Context, pool *pgxpool.Pool) error {
	return pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
		// Take the lock, then read the version, creating the table on
		// first use.
		_, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(hashtext($1))`, migrationLock)
		if err != nil {
			return fmt.Errorf("migrate: %w", err)
		}
		_, err = tx.Exec(ctx, `CREATE TABLE IF NOT EXISTS checkpoint_migrations (
			version integer PRIMARY KEY,
			applied timestamptz NOT NULL DEFAULT now()
		)`)
		if err != nil {
			return fmt.Errorf("migrate: %w", err)
		}
		var have int
		err = tx.QueryRow(ctx,
			`SELECT COALESCE(MAX(version), 0) FROM checkpoint_migrations`).Scan(&have)
		if err != nil {
			return fmt.Errorf("migrate: %w", err)
		}
		if have > SchemaVersion {
			return fmt.Errorf("open checkpoint store: %w: the database is at version %d, "+
				"this build knows up to %d; upgrade graphrun or use another schema",
				checkpoint.ErrSchemaVersion, have, SchemaVersion)
		}

		// Apply what is missing.
		for v := have + 1; v <= SchemaVersion; v++ {
			if _, err := tx.Exec(ctx, migrations[v-1]); err != nil {
				return fmt.Errorf("migrate to version %d: %w", v, err)
			}
			_, err := tx.Exec(ctx, `INSERT INTO checkpoint_migrations (version) VALUES ($1)`, v)
			if err != nil {
				return fmt.Errorf("migrate to version %d: %w", v, err)
			}
		}
		return nil
	})
}

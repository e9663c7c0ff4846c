// Package postgres is a checkpoint store kept in PostgreSQL, for several
// workers that share threads. It uses github.com/jackc/pgx/v5.
//
// The tables are named checkpoint_* in the schema the connection's
// search_path selects, and the schema version is kept in
// checkpoint_migrations: [Open] applies missing migrations under an
// advisory lock, so workers starting together migrate once, and refuses a
// database migrated by a newer build.
//
// Workers coordinate through leases: a worker [Store.Acquire]s a thread
// before running it, [Store.Renew]s the lease while it runs and
// [Store.Release]s it when done. A worker that dies stops renewing; once
// its lease has expired the thread shows up in [Store.Expired], and
// another worker may acquire it and resume the run. Lease times come from
// the database server's clock, so workers' clocks need not agree.
package postgres

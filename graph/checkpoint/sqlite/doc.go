// Package sqlite is a checkpoint store kept in one local SQLite file: the
// embedded default, with no server to run. It uses the pure-Go
// modernc.org/sqlite driver.
//
// The file is opened in WAL mode. With [Options].Synchronous "normal" (the
// default) a committed checkpoint survives a killed process; with "full"
// every commit is also synced to disk and survives a power loss. The
// store's tables are named checkpoint_*, so the same file can hold other
// tables, and its schema version is kept in checkpoint_migrations: [Open]
// applies missing migrations and refuses a file migrated by a newer build.
//
// Writes from one store are serialized in Go and run on one connection
// the store keeps for them, through statements prepared once, as BEGIN
// IMMEDIATE transactions: several processes sharing a file wait on the
// busy timeout instead of failing half-way through a transaction. A
// commit is one conditional update of the thread's row, which is also the
// conflict check, one insert and one delete. The write-ahead log is
// folded back into the file by a background goroutine rather than inside
// the commit that fills it. Reads run concurrently with writes, each as a
// single statement over a consistent snapshot.
package sqlite

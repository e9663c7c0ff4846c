// Package checkpoint holds what the checkpoint stores share: the versioned
// JSON codec that turns a [graph.Checkpoint] or a [graph.TaskResult] into
// the bytes a store keeps, and the summary a store derives from a
// checkpoint for thread listings.
//
// The stores themselves live in subpackages, one per backend:
//
//   - memory keeps encoded checkpoints in maps, for tests and short runs;
//   - sqlite keeps them in one local file, the embedded default;
//   - postgres keeps them in a PostgreSQL schema shared by many workers,
//     which coordinate through leases.
//
// Every store encodes through this package, so a checkpoint reads back the
// same from each of them, and the conformance suite in storetest checks
// that they behave alike.
//
// A stored checkpoint holds only the writes of its own step, never the
// whole state, and each store keeps one row (or map entry) per checkpoint
// and one per pending task result: the cost of a commit grows with what the
// step changed, not with the length of the thread's history.
package checkpoint

// Package quiz keeps generated questions and writes them out in the
// formats teachers import.
//
// A [Store] holds questions by quiz name in a SQLite file. Saving is
// idempotent: a question is known by its ID (see mcq.QuestionID), so saving
// the same question twice, or re-running a graph that saved it, adds
// nothing. [Store.Delete] undoes a save and serves as its compensation.
// The store's tables are prefixed quiz_ and versioned in their own
// quiz_migrations table, so the same file can also hold the engine's
// checkpoints.
//
// [Export] writes a quiz as JSON, Markdown, GIFT, Moodle XML or a QTI 1.2
// package for Canvas; [Formats] lists the names. Each format lives in its
// own file and escapes text by that format's rules.
package quiz

// Package memory is a checkpoint store that keeps everything in the
// process's memory: for tests, examples and runs that need no durability.
//
// It encodes every checkpoint and task result with the same codec as the
// database stores and decodes them again on [Store.Load], so what a caller
// reads back is a deep copy with exactly the semantics of a durable store:
// numbers inside values come back as float64, times come back in UTC.
package memory

// Package nodes holds graphrun's node functions and registers them in a
// graph.Registry: content loading and chunking, model calls, MCQ
// generation, validation, the offline template generator, the quiz store
// and exporters. Subpackages hold each concern; this package wires them to
// the names graph files use in `run:`.
package nodes

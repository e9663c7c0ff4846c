// Package graph is graphrun's engine: the graph specification and its YAML
// loader and validator, expression compilation, typed state and reducers,
// the step executor, events, the checkpoint store interface, and Mermaid
// rendering.
//
// A graph is loaded with [Load] or [Parse], which check everything they can
// before anything runs and report every problem at once as a [LoadError]
// with file:line:column positions. An [Engine] runs a loaded [Graph] step by
// step: the nodes scheduled for a step run concurrently, their updates merge
// through the state's reducers in a deterministic order, then the edges pick
// the next step's tasks. After each step the engine commits a [Checkpoint]
// to its [Store], so [Engine.Resume] can finish an interrupted thread
// without running finished work again.
//
// Node functions are plain Go functions registered in a [Registry] under
// the names that graph files use in `run:`; an input check ([CheckFunc]),
// named with `check:`, refuses a run's input before anything runs. The
// engine never logs: it
// returns errors and emits [Event] values to the listeners it was given.
//
// Checkpoint stores live in subpackages (graph/checkpoint/memory, sqlite,
// postgres) so that this package imports no database driver.
package graph

// Package storetest is the conformance suite for [graph.Store]
// implementations. A store's tests call [Run] with a constructor that
// returns a fresh, empty store; the suite checks the behaviour every store
// must share: keying by thread and step, conflicts, pending task results,
// listings, pruning, decoding and concurrent use.
package storetest

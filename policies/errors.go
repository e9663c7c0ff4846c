package policies

import "errors"

// Sentinel errors of the package.
var (
	// ErrInjected is the cause of every error that chaos injects, so that a
	// report can tell a drill from a real failure with [errors.Is].
	ErrInjected = errors.New("fault injected by chaos")
)

package main

import (
	"errors"

	"github.com/graphrun/graphrun/graph"
	"github.com/graphrun/graphrun/nodes/content"
)

// usageError marks bad flags, arguments or environment variables.
type usageError struct{ err error }

func (e usageError) Error() string { return e.err.Error() }
func (e usageError) Unwrap() error { return e.err }

// invalidError marks input that did not pass its checks.
type invalidError struct{ err error }

func (e invalidError) Error() string { return e.err.Error() }
func (e invalidError) Unwrap() error { return e.err }

// storeError marks a database that could not be opened or read.
type storeError struct{ err error }

func (e storeError) Error() string { return e.err.Error() }
func (e storeError) Unwrap() error { return e.err }

// exitCode maps an error to the process exit code documented in
// docs/cli.md.
func exitCode(err error) int {
	var (
		ue usageError
		ve invalidError
		se storeError
		le *graph.LoadError
		ie *graph.InputError
		re *graph.RunError
		ce *graph.CorruptError
		de *content.DocumentError
	)
	switch {
	case errors.As(err, &ue):
		return exitUsage
	case errors.As(err, &le), errors.As(err, &ie), errors.As(err, &ve), errors.As(err, &de),
		errors.Is(err, graph.ErrThreadID), errors.Is(err, graph.ErrNotLast):
		return exitInvalid
	case errors.As(err, &ce), errors.As(err, &se):
		return exitInternal
	case errors.As(err, &re):
		if re.Class == "storage" {
			return exitInternal
		}
		return exitFailed
	}
	return exitFailed
}

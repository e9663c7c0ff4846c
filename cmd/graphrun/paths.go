package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
)

// The checks in this file look at a file a command is about to write
// before it does any work, so that a mistyped path is reported with the
// flag that named it instead of failing late with the system's words.
// Each takes what, the flag and value as the user wrote them, such as
// "-o /tmp/out/a.json", to start its message with.

// checkDir refuses path when the directory that would hold it does not
// exist or is not a directory. Writing to path never creates directories,
// so the message says how to create the missing one.
func checkDir(what, path string) error {
	dir := filepath.Dir(path)
	fi, err := os.Stat(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return usageError{fmt.Errorf("%s: the directory %s does not exist; create it "+
			"(mkdir -p %s) or name a file in a directory that exists", what, dir, dir)}
	case err != nil:
		return usageError{fmt.Errorf("%s: cannot use the directory %s: %s", what, dir, reason(err))}
	case !fi.IsDir():
		return usageError{fmt.Errorf("%s: %s is a file, not a directory; name a file in a "+
			"directory", what, dir)}
	}
	return nil
}

// checkOutFile refuses path as a file to write: its directory must exist
// and path must not be a directory itself; example is a file name to
// suggest inside such a directory, like "cells.json".
func checkOutFile(what, path, example string) error {
	if fi, err := os.Stat(path); err == nil && fi.IsDir() {
		return usageError{fmt.Errorf("%s is a directory: name a file in it, like %s",
			what, filepath.Join(path, example))}
	}
	return checkDir(what, path)
}

// checkWritable is checkOutFile that also makes sure a file can be
// created in path's directory, by creating and removing an empty one.
func checkWritable(what, path, example string) error {
	if err := checkOutFile(what, path, example); err != nil {
		return err
	}
	dir := filepath.Dir(path)
	probe, err := os.CreateTemp(dir, ".graphrun-write-check-*")
	if err != nil {
		return usageError{fmt.Errorf("%s: cannot write in the directory %s (%s); name a file "+
			"in a directory you can write to", what, dir, reason(err))}
	}
	probe.Close()
	os.Remove(probe.Name())
	return nil
}

// writeError says why the file path, named by what, could not be written,
// without the temporary or internal names the system error carries.
func writeError(what, path string, err error) error {
	if errors.Is(err, syscall.EISDIR) {
		return fmt.Errorf("%s is a directory: name a file in it", what)
	}
	return fmt.Errorf("%s: cannot write %s: %s", what, path, reason(err))
}

// reason returns the system's own words for why err happened, such as
// "permission denied", without the operation and path it wraps them in.
func reason(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	var le *os.LinkError
	if errors.As(err, &le) {
		return le.Err.Error()
	}
	var se *os.SyscallError
	if errors.As(err, &se) {
		return se.Err.Error()
	}
	return err.Error()
}

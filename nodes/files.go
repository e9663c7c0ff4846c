package nodes

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/graphrun/graphrun/policies"
)

// The files nodes read and write go through an os.Root when Deps.Root is
// set: it resolves every name inside the directory and refuses one that
// leaves it, by "..", an absolute path or a symbolic link, at the moment
// the file is opened. Relative names are relative to Root.

// served returns the os.Root of Deps.Root, opened once.
func (d *Deps) served() (*os.Root, error) {
	d.rootOnce.Do(func() {
		d.rootDir, d.rootErr = os.OpenRoot(d.Root)
		if d.rootErr != nil {
			d.rootErr = policies.Errorf(policies.Storage, "served directory %s: %w", d.Root, d.rootErr)
		}
	})
	return d.rootDir, d.rootErr
}

// inRoot returns the name of path inside Root: a relative path as it is,
// an absolute one relative to Root. A name that leaves Root is refused.
func (d *Deps) inRoot(field, path string) (string, error) {
	name := filepath.Clean(path)
	if filepath.IsAbs(name) {
		abs, err := filepath.Abs(d.Root)
		if err != nil {
			return "", policies.Errorf(policies.Storage, "served directory %s: %w", d.Root, err)
		}
		if name, err = filepath.Rel(abs, name); err != nil {
			return "", outside(field, path, d.Root)
		}
	}
	if !filepath.IsLocal(name) {
		return "", outside(field, path, d.Root)
	}
	return name, nil
}

func outside(field, path, root string) error {
	return policies.Errorf(policies.BadRequest,
		"%s %s is outside the served directory %s; give a path inside it", field, path, root)
}

// escaped turns an os.Root refusal into the error that says so. Any error
// other than a missing file or a permission means the name left the root,
// through a link.
func escaped(field, path, root string, err error) error {
	if err == nil || errors.Is(err, fs.ErrNotExist) || errors.Is(err, fs.ErrPermission) {
		return err
	}
	return outside(field, path, root)
}

// rooted returns the served root and the name of path inside it.
func (d *Deps) rooted(field, path string) (*os.Root, string, error) {
	name, err := d.inRoot(field, path)
	if err != nil {
		return nil, "", err
	}
	root, err := d.served()
	return root, name, err
}

// open opens a file to read.
func (d *Deps) open(field, path string) (*os.File, error) {
	// Opening a pipe or a device waits for its other end, maybe for ever:
	// a document must be a file (a directory gets its own message).
	if fi, err := d.stat(field, path); err == nil && !fi.Mode().IsRegular() && !fi.IsDir() {
		return nil, notAFile(field, path, fi.Mode())
	}
	if d.Root == "" {
		return os.Open(path)
	}
	root, name, err := d.rooted(field, path)
	if err != nil {
		return nil, err
	}
	f, err := root.Open(name)
	return f, escaped(field, path, d.Root, err)
}

// holdsWrites refuses a path whose opening for writing would wait until
// something reads it, a named pipe or a socket; a device such as
// /dev/null is written at once.
func (d *Deps) holdsWrites(field, path string) error {
	if fi, err := d.stat(field, path); err == nil && fi.Mode()&(fs.ModeNamedPipe|fs.ModeSocket) != 0 {
		return notAFile(field, path, fi.Mode())
	}
	return nil
}

// notAFile is the error of a path that names something other than a
// file, a pipe say, whose opening could wait for ever.
func notAFile(field, path string, mode fs.FileMode) error {
	kind := "not a regular file"
	switch {
	case mode&fs.ModeNamedPipe != 0:
		kind = "a named pipe"
	case mode&fs.ModeSocket != 0:
		kind = "a socket"
	case mode&fs.ModeDevice != 0:
		kind = "a device"
	}
	return policies.Errorf(policies.BadRequest, "%s %s is %s, not a file; give the path of a file",
		field, path, kind)
}

// stat describes the file at path, following links.
func (d *Deps) stat(field, path string) (fs.FileInfo, error) {
	if d.Root == "" {
		return os.Stat(path)
	}
	root, name, err := d.rooted(field, path)
	if err != nil {
		return nil, err
	}
	fi, err := root.Stat(name)
	return fi, escaped(field, path, d.Root, err)
}

// create creates a file to write. Its directory must exist.
func (d *Deps) create(field, path string) (*os.File, error) {
	if err := d.holdsWrites(field, path); err != nil {
		return nil, err
	}
	if d.Root == "" {
		return os.Create(path)
	}
	root, name, err := d.rooted(field, path)
	if err != nil {
		return nil, err
	}
	f, err := root.Create(name)
	return f, escaped(field, path, d.Root, err)
}

// probe checks that a file can be created beside path, and removes it.
func (d *Deps) probe(field, path string) error {
	if d.Root != "" {
		// Refuse the path itself first, so the message names it.
		if _, err := d.inRoot(field, path); err != nil {
			return err
		}
	}
	probe := filepath.Join(filepath.Dir(path), fmt.Sprintf(".graphrun-probe-%d", os.Getpid()))
	f, err := d.create(field, probe)
	var pe *policies.Error
	if errors.As(err, &pe) && pe.Class == policies.BadRequest {
		// The directory leaves the root through a link: name the path.
		return outside(field, path, d.Root)
	}
	if err != nil {
		return err
	}
	f.Close()
	if d.Root == "" {
		return os.Remove(probe)
	}
	root, name, err := d.rooted(field, probe)
	if err != nil {
		return err
	}
	return root.Remove(name)
}

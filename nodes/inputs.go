package nodes

import (
	"context"
	"errors"
	"io/fs"
	"path/filepath"
	"strings"

	"github.com/graphrun/graphrun/graph"
	"github.com/graphrun/graphrun/nodes/quiz"
	"github.com/graphrun/graphrun/policies"
)

// check is the MCQ graph's input check, mcq.check: it refuses, before a
// run starts, every input load would refuse: an export that cannot be
// written, a document outside the served directory, and a document from
// which load would get no chunk to ask about: missing, unreadable, a
// directory, empty, binary, not UTF-8, a damaged or image-only PDF, HTML
// without text, or text without sentences. It reads the document as load
// does, with the same code and messages, and keeps it for load.
func (d *Deps) check(_ context.Context, in graph.Input) error {
	if stateString(in, "document") == "" {
		return &graph.InputError{Field: "document", Msg: "is empty",
			Hint: "give the path of the course document"}
	}
	if field, err := d.checkInputs(in); err != nil {
		return &graph.InputError{Field: field, Msg: failureText(err)}
	}
	if _, _, err := d.readDocument(in, true); err != nil {
		return &graph.InputError{Field: "document", Msg: failureText(err)}
	}
	return nil
}

// failureText is an error's text without the class a policies error adds.
func failureText(err error) string {
	var pe *policies.Error
	if errors.As(err, &pe) && pe.Err != nil {
		return pe.Err.Error()
	}
	return err.Error()
}

// checkInputs checks what the graph's field constraints cannot, before any
// work is done: the document's place and the export's format and
// directory. Its errors are bad_request; field names the field at fault.
func (d *Deps) checkInputs(in graph.Input) (field string, err error) {
	if d.Root != "" {
		if _, err := d.inRoot("document", stateString(in, "document")); err != nil {
			return "document", err
		}
	}
	path := stateString(in, "export")
	if path == "" {
		return "", nil
	}
	fi, err := d.stat("export", path)
	switch {
	case err == nil && fi.IsDir():
		return "export", policies.Errorf(policies.BadRequest,
			"export %s is a directory: give a file name such as %s",
			path, filepath.Join(path, "quiz.json"))
	case err != nil && !errors.Is(err, fs.ErrNotExist):
		var pe *policies.Error
		if errors.As(err, &pe) {
			return "export", err
		}
	}
	if _, err := exportFormat(in); err != nil {
		if stateString(in, "export_format") != "" {
			return "export_format", err
		}
		return "export", err
	}
	if err := d.checkExportDir(path); err != nil {
		return "export", err
	}
	return "", nil
}

// checkExportDir refuses an export whose directory is missing or cannot
// be written: like `graphrun quiz export -o`, a run creates no directory.
func (d *Deps) checkExportDir(path string) error {
	dir := filepath.Dir(path)
	fi, err := d.stat("export", dir)
	var pe *policies.Error
	switch {
	case errors.As(err, &pe):
		return err
	case errors.Is(err, fs.ErrNotExist):
		return missingDir(path)
	case err != nil:
		return unwritable(path, err)
	case !fi.IsDir():
		return policies.Errorf(policies.BadRequest,
			"export %s: %s is not a directory; choose a file in a directory", path, dir)
	}
	if err := d.holdsWrites("export", path); err != nil {
		return err
	}
	if err := d.probe("export", path); err != nil {
		if errors.As(err, &pe) {
			return err
		}
		return unwritable(path, err)
	}
	return nil
}

// unwritable is the error of an export whose directory cannot be written.
func unwritable(path string, err error) error {
	var pathErr *fs.PathError
	if errors.As(err, &pathErr) {
		err = pathErr.Err
	}
	return policies.Errorf(policies.BadRequest,
		"export %s: cannot write in %s: %w; choose a writable place", path, filepath.Dir(path), err)
}

// missingDir is the error of an export whose directory does not exist.
func missingDir(path string) error {
	dir := filepath.Dir(path)
	return policies.Errorf(policies.BadRequest,
		"export %s: the directory %s does not exist; create it (mkdir -p %s) or export elsewhere",
		path, dir, dir)
}

// exportFormat returns the format the export is written in: export_format
// when set, else the one the export's extension names. Both must be known.
func exportFormat(in graph.Input) (string, error) {
	path := stateString(in, "export")
	known := strings.Join(quiz.Formats(), ", ")
	if f := stateString(in, "export_format"); f != "" {
		if !isFormat(f) {
			return "", policies.Errorf(policies.BadRequest,
				"export_format %q is not an export format: use one of %s", f, known)
		}
		return f, nil
	}
	f := FormatForPath(path)
	if f == "" {
		return "", policies.Errorf(policies.BadRequest,
			"export %s: the extension %q names no export format: end the file name in "+
				".json, .md, .gift, .xml (Moodle) or .zip (QTI), or set export_format to one of %s",
			path, filepath.Ext(path), known)
	}
	return f, nil
}

func isFormat(f string) bool {
	for _, k := range quiz.Formats() {
		if k == f {
			return true
		}
	}
	return false
}

// FormatForPath names the export format a file extension stands for, or
// returns "" when the extension names none.
func FormatForPath(path string) string {
	switch strings.ToLower(filepath.Ext(path)) {
	case ".json":
		return "json"
	case ".md", ".markdown":
		return "markdown"
	case ".gift", ".txt":
		return "gift"
	case ".xml":
		return "moodle"
	case ".qti", ".zip":
		return "qti"
	}
	return ""
}

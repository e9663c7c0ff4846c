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
// run starts, the inputs load would refuse before reading anything: an
// empty or unreadable document, one outside the served directory, a
// directory, and an export that cannot be written.
func (d *Deps) check(_ context.Context, in graph.Input) error {
	path := stateString(in, "document")
	if path == "" {
		return &graph.InputError{Field: "document", Msg: "is empty",
			Hint: "give the path of the course document"}
	}
	f, err := d.open("document", path)
	if err != nil {
		return &graph.InputError{Field: "document", Msg: failureText(err),
			Hint: "give the path of a readable text, Markdown, HTML or PDF file"}
	}
	fi, err := f.Stat()
	f.Close()
	if err == nil && fi.IsDir() {
		return &graph.InputError{Field: "document", Msg: path + " is a directory",
			Hint: "give the path of one file in it"}
	}
	if field, err := d.checkInputs(in); err != nil {
		return &graph.InputError{Field: field, Msg: failureText(err)}
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
	if err := d.probe("export", path); err != nil {
		var pe *policies.Error
		if errors.As(err, &pe) {
			return "export", err
		}
		return "export", policies.Errorf(policies.BadRequest,
			"export %s: cannot create its directory or a file in it: %w; choose a writable place", path, err)
	}
	return "", nil
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

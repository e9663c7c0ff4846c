package nodes

import (
	"errors"
	"os"
	"path/filepath"
	"strings"

	"github.com/graphrun/graphrun/graph"
	"github.com/graphrun/graphrun/nodes/quiz"
	"github.com/graphrun/graphrun/policies"
)

// checkInputs checks what the graph's field constraints cannot, before any
// work is done: the document's place and the export's format and
// directory. Its errors are bad_request and name the field at fault.
func (d *Deps) checkInputs(in graph.Input) error {
	if d.Root != "" {
		if _, err := d.inRoot("document", stateString(in, "document")); err != nil {
			return err
		}
	}
	path := stateString(in, "export")
	if path == "" {
		return nil
	}
	if fi, err := os.Stat(path); err == nil && fi.IsDir() {
		return policies.Errorf(policies.BadRequest,
			"export %s is a directory: give a file name such as %s",
			path, filepath.Join(path, "quiz.json"))
	}
	if _, err := exportFormat(in); err != nil {
		return err
	}
	if err := d.probe("export", path); err != nil {
		var pe *policies.Error
		if errors.As(err, &pe) {
			return err
		}
		return policies.Errorf(policies.BadRequest,
			"export %s: cannot create its directory or a file in it: %w; choose a writable place", path, err)
	}
	return nil
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

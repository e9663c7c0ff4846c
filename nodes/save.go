package nodes

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/graphrun/graphrun/graph"
	"github.com/graphrun/graphrun/nodes/quiz"
	"github.com/graphrun/graphrun/policies"
)

// save stores the final questions in the quiz store. Saving is idempotent:
// a resumed or repeated run adds nothing twice.
func (d *Deps) save(ctx context.Context, in graph.Input) (graph.Update, error) {
	qs, err := questionsOf(in.State["final"])
	if err != nil {
		return nil, err
	}
	store, err := d.Quiz()
	if err != nil {
		return nil, policies.New(policies.Storage, err)
	}
	added, err := store.Save(ctx, stateString(in, "quiz"), qs)
	if err != nil {
		return nil, err
	}
	return graph.Update{"saved": added}, nil
}

// unsave removes the final questions from the quiz store: the compensation
// of save when a later node fails the run.
func (d *Deps) unsave(ctx context.Context, in graph.Input) (graph.Update, error) {
	qs, err := questionsOf(in.State["final"])
	if err != nil {
		return nil, err
	}
	store, err := d.Quiz()
	if err != nil {
		return nil, policies.New(policies.Storage, err)
	}
	ids := make([]string, len(qs))
	for i, q := range qs {
		ids[i] = q.ID
	}
	return nil, store.Delete(ctx, stateString(in, "quiz"), ids)
}

// export writes the quiz to the file named in `export`, in the format its
// extension names (or `export_format`): json, md, gift, xml (Moodle) or
// qti.
func (d *Deps) export(_ context.Context, in graph.Input) (graph.Update, error) {
	path := stateString(in, "export")
	if path == "" {
		return nil, nil
	}
	format := stateString(in, "export_format")
	if format == "" {
		format = FormatForPath(path)
	}
	qs, err := questionsOf(in.State["final"])
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, policies.New(policies.Storage, err)
	}
	f, err := os.Create(path)
	if err != nil {
		return nil, policies.New(policies.Storage, err)
	}
	if err := quiz.Export(f, format, stateString(in, "quiz"), qs); err != nil {
		f.Close()
		return nil, policies.New(policies.BadRequest, fmt.Errorf("export %s: %w", path, err))
	}
	if err := f.Close(); err != nil {
		return nil, policies.New(policies.Storage, err)
	}
	return graph.Update{"exported": path}, nil
}

// FormatForPath names the export format a file extension stands for.
func FormatForPath(path string) string {
	switch strings.ToLower(filepath.Ext(path)) {
	case ".md", ".markdown":
		return "markdown"
	case ".gift", ".txt":
		return "gift"
	case ".xml":
		return "moodle"
	case ".qti", ".zip":
		return "qti"
	}
	return "json"
}

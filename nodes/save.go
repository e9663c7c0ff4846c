package nodes

import (
	"context"
	"errors"
	"fmt"
	"io/fs"

	"github.com/graphrun/graphrun/graph"
	"github.com/graphrun/graphrun/nodes/quiz"
	"github.com/graphrun/graphrun/policies"
)

// save stores the final questions in the quiz store and records in
// `added` the IDs of those that were new. Saving is idempotent: a resumed
// or repeated run adds nothing twice.
func (d *Deps) save(ctx context.Context, in graph.Input) (graph.Update, error) {
	qs, err := questionsOf(in.State["final"])
	if err != nil {
		return nil, err
	}
	store, err := d.Quiz()
	if err != nil {
		return nil, policies.New(policies.Storage, err)
	}
	added, err := store.SaveNew(ctx, stateString(in, "quiz"), qs)
	if err != nil {
		return nil, err
	}
	return graph.Update{"saved": len(added), "added": added}, nil
}

// unsave removes from the quiz store the questions this run's save added,
// listed in `added`: the compensation of save when a later node fails the
// run. Questions an earlier run saved in the same quiz stay.
func (d *Deps) unsave(ctx context.Context, in graph.Input) (graph.Update, error) {
	var ids []string
	if err := graph.Decode(in.State["added"], &ids); err != nil {
		return nil, fmt.Errorf("read added: %w", err)
	}
	if len(ids) == 0 {
		return nil, nil
	}
	store, err := d.Quiz()
	if err != nil {
		return nil, policies.New(policies.Storage, err)
	}
	return nil, store.Delete(ctx, stateString(in, "quiz"), ids)
}

// export writes the quiz to the file named in `export`, in the format
// `export_format` names or else the file's extension: json, markdown,
// gift, moodle (Moodle XML) or qti. An unknown format fails the node
// rather than falling back to one, and a missing directory is not created.
func (d *Deps) export(_ context.Context, in graph.Input) (graph.Update, error) {
	path := stateString(in, "export")
	if path == "" {
		return nil, nil
	}
	format, err := exportFormat(in)
	if err != nil {
		return nil, err
	}
	qs, err := questionsOf(in.State["final"])
	if err != nil {
		return nil, err
	}
	f, err := d.create("export", path)
	if err != nil {
		var pe *policies.Error
		if errors.As(err, &pe) {
			return nil, err
		}
		if errors.Is(err, fs.ErrNotExist) {
			return nil, missingDir(path)
		}
		return nil, policies.Errorf(policies.BadRequest, "export %s: %w; choose a writable place", path, err)
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

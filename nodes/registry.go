package nodes

import (
	"context"

	"github.com/graphrun/graphrun/graph"
)

// NewRegistry returns a registry holding every built-in node function,
// bound to d.
func NewRegistry(d *Deps) *graph.Registry {
	reg := graph.NewRegistry()
	reg.Register("noop", "does nothing; a node that only routes", noop)
	reg.Register("mcq.load", "load the document in `document` and cut it into chunks", d.load)
	reg.Register("mcq.generate", "ask the model in with.provider (primary or backup) for questions "+
		"about the chunk in the task's item", d.generate)
	reg.Register("mcq.split", "split an oversized chunk and ask the model about each part", d.split)
	reg.Register("mcq.template", "make gap-fill questions from the chunk offline", d.template)
	reg.Register("mcq.collect", "drop near-duplicates, shuffle options, keep at most `target`", d.collect)
	reg.Register("mcq.save", "save the questions in the quiz store, once each", d.save)
	reg.Register("mcq.unsave", "remove the questions a save added (the compensation of mcq.save)", d.unsave)
	reg.Register("mcq.export", "write the quiz to the file in `export`, if any", d.export)
	reg.Register("mcq.report", "summarize the run: questions, generators, failures, tokens", d.report)
	reg.RegisterCheck("mcq.check", d.check)
	return reg
}

// Catalog returns a registry of every built-in function with no
// dependencies configured: enough to check and draw graphs.
func Catalog() *graph.Registry { return NewRegistry(&Deps{}) }

func noop(context.Context, graph.Input) (graph.Update, error) { return nil, nil }

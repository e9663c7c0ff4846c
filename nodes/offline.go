package nodes

import (
	"context"

	"github.com/graphrun/graphrun/graph"
	"github.com/graphrun/graphrun/nodes/template"
)

// template makes gap-fill questions from the task's chunk without a model.
// Reached through a fallback route, it also records why the chunk
// degraded. A chunk too thin for any question is recorded as failed rather
// than failing the run.
func (d *Deps) template(_ context.Context, in graph.Input) (graph.Update, error) {
	c, err := chunkOf(in)
	if err != nil {
		return nil, err
	}
	var terms []string
	if err := graph.Decode(in.State["terms"], &terms); err != nil {
		return nil, err
	}
	seed := int64(stateInt(in, "seed", 1))
	qs, err := template.Generate(c, terms, stateInt(in, "per_chunk", 2), seed)
	if err != nil {
		return nil, err
	}
	for i := range qs {
		qs[i].Source.Document = stateString(in, "document")
	}
	upd := graph.Update{"questions": qs}
	switch {
	case len(qs) == 0:
		upd["failures"] = []any{failure(c, in, "no question: the chunk has too little text")}
	case in.Error != nil:
		upd["failures"] = []any{failure(c, in, "degraded to the template generator")}
	}
	return upd, nil
}

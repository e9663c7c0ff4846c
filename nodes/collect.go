package nodes

import (
	"context"

	"github.com/graphrun/graphrun/graph"
	"github.com/graphrun/graphrun/nodes/mcq"
)

// collect joins the questions of every chunk: it drops near-duplicates
// across the quiz, shuffles each question's options with the run's seed so
// correct answers spread over positions, and keeps at most `target`.
func (d *Deps) collect(_ context.Context, in graph.Input) (graph.Update, error) {
	qs, err := questionsOf(in.State["questions"])
	if err != nil {
		return nil, err
	}
	kept, dropped := mcq.Dedupe(qs)
	seed := int64(stateInt(in, "seed", 1))
	for i := range kept {
		kept[i] = mcq.Shuffle(kept[i], seed+int64(i))
	}
	if target := stateInt(in, "target", 0); target > 0 && len(kept) > target {
		dropped = append(dropped, kept[target:]...)
		kept = kept[:target]
	}
	if kept == nil {
		kept = []mcq.Question{}
	}
	return graph.Update{"final": kept, "dropped": len(dropped)}, nil
}

package nodes

import (
	"context"
	"fmt"
	"strings"

	"github.com/graphrun/graphrun/graph"
	"github.com/graphrun/graphrun/nodes/mcq"
	"github.com/graphrun/graphrun/policies"
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
	if len(kept) == 0 {
		return nil, noQuestion(in)
	}
	return graph.Update{"final": kept, "dropped": len(dropped)}, nil
}

// noQuestion is the error of a run that made no question at all: it says
// why, from what happened to the chunks.
func noQuestion(in graph.Input) error {
	var failures []failureRecord
	_ = graph.Decode(in.State["failures"], &failures) // the reason is a courtesy
	why := "no chunk gave a question"
	if groups := groupFailures(failures); len(groups) > 0 {
		reasons := make([]string, 0, len(groups))
		for _, g := range groups[:min(len(groups), maxListed)] {
			reasons = append(reasons, g.String())
		}
		if more := len(groups) - len(reasons); more > 0 {
			reasons = append(reasons, fmt.Sprintf("%d other reason(s)", more))
		}
		why = strings.Join(reasons, "; ")
	}
	return policies.Errorf(policies.BadRequest,
		"no question could be made from the document %s: %s; "+
			"check that it holds prose in whole sentences", stateString(in, "document"), why)
}

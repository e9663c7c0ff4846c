package nodes

import (
	"fmt"

	"github.com/graphrun/graphrun/graph"
	"github.com/graphrun/graphrun/nodes/content"
	"github.com/graphrun/graphrun/nodes/mcq"
	"github.com/graphrun/graphrun/policies"
)

// chunkOf reads the chunk a map task works on.
func chunkOf(in graph.Input) (content.Chunk, error) {
	var c content.Chunk
	if in.Item == nil {
		return c, policies.Errorf(policies.BadRequest,
			"node %s needs a chunk: reach it through a map edge over chunks", in.Node)
	}
	if err := graph.Decode(in.Item, &c); err != nil {
		return c, policies.New(policies.BadRequest, fmt.Errorf("node %s: item is not a chunk: %w", in.Node, err))
	}
	return c, nil
}

// questionsOf reads a state list of questions.
func questionsOf(v any) ([]mcq.Question, error) {
	var qs []mcq.Question
	if v == nil {
		return nil, nil
	}
	if err := graph.Decode(v, &qs); err != nil {
		return nil, fmt.Errorf("read questions: %w", err)
	}
	return qs, nil
}

// stateInt reads an int field, or def when it is unset.
func stateInt(in graph.Input, field string, def int) int {
	if n, ok := in.State[field].(int); ok && n != 0 {
		return n
	}
	return def
}

// stateString reads a string field.
func stateString(in graph.Input, field string) string {
	s, _ := in.State[field].(string)
	return s
}

// withString reads a static argument.
func withString(in graph.Input, key string) string {
	s, _ := in.With[key].(string)
	return s
}

// failure is the record of a chunk that degraded or failed, for the
// report. Index is the chunk's position in the document. Class, node,
// message and attempts describe the failure that reached this node; chain
// lists every failure from the first, the one that started the chunk's way
// down the fallback routes, to that one.
func failure(c content.Chunk, in graph.Input, outcome string) map[string]any {
	rec := map[string]any{"chunk": c.ID, "index": in.Index, "heading": c.Heading,
		"outcome": outcome}
	if in.Error == nil {
		return rec
	}
	rec["class"] = in.Error.Class
	rec["node"] = in.Error.Node
	rec["message"] = in.Error.Message
	rec["attempts"] = in.Error.Attempts
	var chain []any
	for e := in.Error; e != nil; e = e.Cause {
		chain = append([]any{map[string]any{"class": e.Class, "node": e.Node,
			"message": e.Message, "attempts": e.Attempts}}, chain...)
	}
	rec["chain"] = chain
	return rec
}

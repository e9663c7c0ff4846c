package nodes

import (
	"cmp"
	"context"
	"path/filepath"
	"strings"
	"time"

	"github.com/graphrun/graphrun/graph"
	"github.com/graphrun/graphrun/nodes/content"
	"github.com/graphrun/graphrun/policies"
)

// load checks the inputs, reads the document named in state field
// document, cuts it into chunks and picks its key terms. It fails with
// bad_request, before any model call, when an input is out of range, the
// export cannot be written, or the document is missing, empty, binary,
// unreadable or without sentences. A document the input check read is not
// read again.
func (d *Deps) load(_ context.Context, in graph.Input) (graph.Update, error) {
	path := stateString(in, "document")
	if path == "" {
		return nil, policies.Errorf(policies.BadRequest,
			"state field document is empty: pass the course document with --set document=FILE")
	}
	if _, err := d.checkInputs(in); err != nil {
		return nil, err
	}
	doc, chunks, err := d.readDocument(in, false)
	if err != nil {
		return nil, err
	}
	if max := stateInt(in, "max_chunks", 0); max > 0 && len(chunks) > max {
		chunks = chunks[:max]
	} else if target := stateInt(in, "target", 0); max == 0 && target > 0 {
		chunks = spread(chunks, target, stateInt(in, "per_chunk", 2))
	}
	offline := d.Primary == nil
	if offline {
		d.notice("no model configured (set %s or %s): using the offline template generator",
			EnvBaseURL, EnvAPIKey)
	}
	name := cmp.Or(stateString(in, "quiz"), strings.TrimSuffix(filepath.Base(path), filepath.Ext(path)))
	return graph.Update{
		"chunks":  chunks,
		"terms":   content.KeyTerms(doc, keyTerms),
		"title":   doc.Title,
		"quiz":    name,
		"offline": offline,
		"backup":  d.Backup != nil,
		"started": d.now().UTC().Format(time.RFC3339Nano),
	}, nil
}

// spread picks, for a run that keeps target questions, only the chunks it
// needs, evenly across the document rather than from its start: enough for
// target at per questions a chunk, and half as many again for questions
// that fail validation or are near-duplicates. The model is asked about no
// other chunk.
func spread(chunks []content.Chunk, target, per int) []content.Chunk {
	need := (target + per - 1) / per
	need += (need + 1) / 2
	if need >= len(chunks) {
		return chunks
	}
	picked := make([]content.Chunk, need)
	for i := range picked {
		picked[i] = chunks[i*len(chunks)/need]
	}
	return picked
}

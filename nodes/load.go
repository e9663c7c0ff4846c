package nodes

import (
	"cmp"
	"context"
	"os"
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
// export cannot be written, or the document is missing, empty, binary or
// unreadable.
func (d *Deps) load(_ context.Context, in graph.Input) (graph.Update, error) {
	path := stateString(in, "document")
	if path == "" {
		return nil, policies.Errorf(policies.BadRequest,
			"state field document is empty: pass the course document with --set document=FILE")
	}
	if err := d.checkInputs(in); err != nil {
		return nil, err
	}
	doc, err := content.Load(path, content.Options{Open: func(name string) (*os.File, error) {
		return d.open("document", name)
	}})
	if err != nil {
		return nil, policies.New(policies.BadRequest, err)
	}
	chunks := content.Split(doc, stateInt(in, "chunk_tokens", 0))
	if max := stateInt(in, "max_chunks", 0); max > 0 && len(chunks) > max {
		chunks = chunks[:max]
	}
	if len(chunks) == 0 {
		return nil, policies.Errorf(policies.BadRequest,
			"%s: no text to make questions from; check that the file holds prose", path)
	}
	offline := d.Primary == nil
	if offline {
		d.notice("no model configured (set %s or %s): using the offline template generator",
			EnvBaseURL, EnvAPIKey)
	}
	name := cmp.Or(stateString(in, "quiz"), strings.TrimSuffix(filepath.Base(path), filepath.Ext(path)))
	return graph.Update{
		"chunks":  chunks,
		"terms":   content.KeyTerms(doc, 60),
		"title":   doc.Title,
		"quiz":    name,
		"offline": offline,
		"started": d.now().UTC().Format(time.RFC3339Nano),
	}, nil
}

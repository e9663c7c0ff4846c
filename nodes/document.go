package nodes

import (
	"errors"
	"io/fs"
	"os"
	"sync"

	"github.com/graphrun/graphrun/graph"
	"github.com/graphrun/graphrun/nodes/content"
	"github.com/graphrun/graphrun/nodes/template"
	"github.com/graphrun/graphrun/policies"
)

// readDocument reads the document named in state field document, checks
// that it holds sentences and cuts it into chunks of chunk_tokens: the work
// the input check and load share, so that both refuse a document with the
// same message. Its errors are bad_request and name the document.
//
// A document read with keep set (by the check) is kept for the next read of
// the same file (by load), which takes it instead of parsing the file again.
func (d *Deps) readDocument(in graph.Input, keep bool) (*content.Document, []content.Chunk, error) {
	path := stateString(in, "document")
	budget := stateInt(in, "chunk_tokens", 0)

	// Open the file once: its size and time find a kept copy, and Load
	// reads it when there is none.
	f, openErr := d.open("document", path)
	var pe *policies.Error
	if errors.As(openErr, &pe) {
		return nil, nil, openErr // outside the served directory
	}
	if d.Root != "" && errors.Is(openErr, fs.ErrNotExist) {
		// Name the file as the served directory sees it.
		name, _ := d.inRoot("document", path)
		return nil, nil, policies.Errorf(policies.BadRequest,
			"%s does not exist under the served root %s; check the path", name, d.Root)
	}
	var key docKey
	if openErr == nil {
		if fi, err := f.Stat(); err == nil && fi.Mode().IsRegular() {
			key = docKey{path: path, size: fi.Size(), mtime: fi.ModTime().UnixNano(),
				budget: budget}
			if doc, chunks, ok := d.docs.take(key); ok {
				f.Close()
				if keep {
					d.docs.put(key, doc, chunks)
				}
				return doc, chunks, nil
			}
		}
	}
	doc, err := content.Load(path, content.Options{Open: func(string) (*os.File, error) {
		return f, openErr
	}})
	if err != nil {
		return nil, nil, policies.New(policies.BadRequest, err)
	}

	// Refuse a document without sentences before cutting it: word soup
	// would give thousands of chunks that no question can be made from.
	if err := content.CheckProse(doc); err != nil {
		return nil, nil, policies.New(policies.BadRequest, err)
	}
	// A chunk of headings and notes on the text's source or licence holds
	// no course content: no generator is asked about it.
	var chunks []content.Chunk
	for _, c := range content.Split(doc, budget) {
		if template.CourseText(c.Text) {
			chunks = append(chunks, c)
		}
	}
	if len(chunks) == 0 {
		return nil, nil, policies.Errorf(policies.BadRequest,
			"%s: no text to make questions from; check that the file holds prose", path)
	}
	// The offline generator is where every chunk ends when all else
	// fails: a document it can make no question from would cost model
	// calls and still end with none.
	if !offlineQuestionable(doc, chunks) {
		return nil, nil, policies.Errorf(policies.BadRequest,
			"%s: too little text to make a question from: even the offline generator finds "+
				"no sentence with a key term and enough other terms to offer as wrong answers; "+
				"give a longer document (a few paragraphs at least)", path)
	}
	if keep && key.path != "" {
		d.docs.put(key, doc, chunks)
	}
	return doc, chunks, nil
}

// keyTerms is how many key terms load picks from a document: the offline
// generator's answers and wrong answers.
const keyTerms = 60

// maxKept is how many documents a [docCache] keeps.
const maxKept = 4

// docCache keeps the documents the input check read for the load of the
// same run, so that a document is parsed once. An entry is found only by
// the same path, size, modification time and chunk budget, so a file that
// changed in between is read again; load takes the entry out. A check whose
// run never loads, because it was refused later or failed to start, leaves
// its entry until maxKept newer ones push it out. The zero value is empty
// and ready; it is safe for concurrent use.
type docCache struct {
	mu      sync.Mutex
	entries []keptDoc // oldest first
}

// docKey names one reading of a file.
type docKey struct {
	path   string
	size   int64
	mtime  int64 // in nanoseconds since 1970
	budget int
}

type keptDoc struct {
	key    docKey
	doc    *content.Document
	chunks []content.Chunk
}

// take removes and returns the entry of key.
func (c *docCache) take(key docKey) (*content.Document, []content.Chunk, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for i, e := range c.entries {
		if e.key == key {
			c.entries = append(c.entries[:i], c.entries[i+1:]...)
			return e.doc, e.chunks, true
		}
	}
	return nil, nil, false
}

// put keeps an entry, dropping the oldest beyond maxKept.
func (c *docCache) put(key docKey, doc *content.Document, chunks []content.Chunk) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.entries = append(c.entries, keptDoc{key: key, doc: doc, chunks: chunks})
	if over := len(c.entries) - maxKept; over > 0 {
		c.entries = append(c.entries[:0], c.entries[over:]...)
	}
}

// offlineQuestionable says whether the offline generator makes a question
// from at least one of chunks. It stops at the first that gives one, in a
// few milliseconds for a document of any real length.
func offlineQuestionable(doc *content.Document, chunks []content.Chunk) bool {
	terms := content.KeyTerms(doc, keyTerms)
	for _, c := range chunks {
		if qs, err := template.Generate(c, terms, 1, 1); err == nil && len(qs) > 0 {
			return true
		}
	}
	return false
}

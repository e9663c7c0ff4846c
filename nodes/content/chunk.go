package content

import (
	"crypto/sha256"
	"encoding/hex"
	"path/filepath"
	"strconv"
	"strings"
)

// DefaultBudget is the chunk size, in estimated tokens, that [Split] uses
// when given a budget of zero or less: about 250 words, enough for a few
// questions and small enough for any model's context.
const DefaultBudget = 350

// Chunk is a piece of a document small enough for one model request.
type Chunk struct {
	// ID is stable: it is derived from the document's file name and the
	// chunk's text, so the same chunk gets the same id on every run.
	ID string `json:"id"`
	// Index is the chunk's 0-based position in the document.
	Index int `json:"index"`
	// Heading is the heading of the section the chunk starts in, or "".
	Heading string `json:"heading"`
	// Text is the chunk's text in the document's clean-text form.
	Text string `json:"text"`
	// Tokens is [EstimateTokens] of Text.
	Tokens int `json:"tokens"`
}

// Split cuts doc into chunks of at most budget estimated tokens (zero or
// less means [DefaultBudget]). Chunks follow the document's structure: a
// new chunk starts at every section heading (the highest heading level
// used more than once), paragraphs and code blocks are kept whole unless
// one alone exceeds the budget, when it is cut at sentence (or line)
// boundaries, and a heading always stays with the text after it. A chunk
// may exceed the budget only when a single sentence does.
func Split(doc *Document, budget int) []Chunk {
	if budget <= 0 {
		budget = DefaultBudget
	}
	blocks := parseBlocks(doc.Text)
	section := sectionLevel(blocks)
	s := splitter{budget: budget, ids: newIDMaker(docKey(doc))}
	for _, b := range blocks {
		if b.kind == headingBlock {
			if b.level <= section {
				s.close()
			}
			s.current = b.title
			s.pending = append(s.pending, b)
			continue
		}
		for _, p := range b.pieces(budget - s.pendingTokens()) {
			s.add(p)
		}
	}
	s.close()
	return s.chunks
}

// splitter packs blocks into chunks.
type splitter struct {
	budget  int
	ids     *idMaker
	chunks  []Chunk
	parts   []string
	heading string  // heading of the chunk being built
	current string  // the latest heading seen
	pending []block // headings waiting for the text they head
}

// pendingTokens estimates the tokens of the headings waiting for text,
// which the next block's first piece must leave room for.
func (s *splitter) pendingTokens() int {
	n := 0
	for _, h := range s.pending {
		n += EstimateTokens(h.text) + 1
	}
	return min(n, s.budget/2)
}

func (s *splitter) add(b block) {
	texts := make([]string, 0, len(s.pending)+1)
	for _, h := range s.pending {
		texts = append(texts, h.text)
	}
	texts = append(texts, b.text)
	if len(s.parts) > 0 {
		joined := strings.Join(append(append([]string{}, s.parts...), texts...), "\n\n")
		if EstimateTokens(joined) > s.budget {
			s.close()
		}
	}
	if len(s.parts) == 0 {
		s.heading = s.current
	}
	s.parts = append(s.parts, texts...)
	s.pending = s.pending[:0]
}

func (s *splitter) close() {
	if len(s.parts) == 0 {
		return
	}
	text := strings.Join(s.parts, "\n\n")
	s.chunks = append(s.chunks, Chunk{
		ID:      s.ids.id(s.heading, text),
		Index:   len(s.chunks),
		Heading: s.heading,
		Text:    text,
		Tokens:  EstimateTokens(text),
	})
	s.parts = s.parts[:0]
}

// sectionLevel returns the highest heading level used more than once, the
// highest level used at all when none repeats, or 0 without headings.
func sectionLevel(blocks []block) int {
	var count [7]int
	for _, b := range blocks {
		if b.kind == headingBlock {
			count[b.level]++
		}
	}
	for level := 1; level <= 6; level++ {
		if count[level] > 1 {
			return level
		}
	}
	for level := 1; level <= 6; level++ {
		if count[level] > 0 {
			return level
		}
	}
	return 0
}

// SplitChunk cuts c into about parts smaller chunks of similar size, at
// sentence boundaries where it can and word boundaries where it must. The
// new chunks keep c's Index and Heading and get ids derived from c's:
// c.ID followed by ".1", ".2" and so on. It returns c alone when parts is
// below 2 or c cannot be cut.
func SplitChunk(c Chunk, parts int) []Chunk {
	if parts < 2 {
		return []Chunk{c}
	}
	units := chunkUnits(c.Text)
	if len(units) < parts {
		units = units[:0]
		for i, w := range strings.Fields(c.Text) {
			units = append(units, unit{text: w, newBlock: i == 0})
		}
	}
	if len(units) < 2 {
		return []Chunk{c}
	}
	total := 0
	for _, u := range units {
		total += EstimateTokens(u.text)
	}
	target := (total + parts - 1) / parts
	var out []Chunk
	var b strings.Builder
	emit := func() {
		text := strings.TrimSpace(b.String())
		b.Reset()
		if text == "" {
			return
		}
		out = append(out, Chunk{
			ID:      c.ID + "." + strconv.Itoa(len(out)+1),
			Index:   c.Index,
			Heading: c.Heading,
			Text:    text,
			Tokens:  EstimateTokens(text),
		})
	}
	for _, u := range units {
		if b.Len() > 0 && EstimateTokens(b.String()+" "+u.text) > target && len(out) < parts-1 {
			emit()
		}
		if b.Len() > 0 {
			if u.newBlock {
				b.WriteString("\n\n")
			} else {
				b.WriteByte(' ')
			}
		}
		b.WriteString(u.text)
	}
	emit()
	return out
}

// unit is a sentence, code block or heading-led sentence of a chunk;
// newBlock is set when it starts a paragraph of its own.
type unit struct {
	text     string
	newBlock bool
}

// chunkUnits cuts text into units, keeping each heading with the unit
// after it.
func chunkUnits(text string) []unit {
	var units []unit
	var head []string
	for _, b := range parseBlocks(text) {
		switch b.kind {
		case headingBlock:
			head = append(head, b.text)
		case codeBlock:
			units = append(units, unit{text: withHeads(head, b.text), newBlock: true})
			head = nil
		default:
			for i, s := range Sentences(b.text) {
				if i == 0 {
					s = withHeads(head, s)
					head = nil
				}
				units = append(units, unit{text: s, newBlock: i == 0})
			}
		}
	}
	return units
}

func withHeads(head []string, text string) string {
	if len(head) == 0 {
		return text
	}
	return strings.Join(head, "\n\n") + "\n\n" + text
}

// docKey names a document for chunk ids: its file name, so that the same
// file read from another directory keeps its ids, or its title.
func docKey(doc *Document) string {
	if doc.Path != "" {
		return filepath.Base(doc.Path)
	}
	return doc.Title
}

// idMaker derives chunk ids, telling apart chunks with the same text.
type idMaker struct {
	doc  string
	seen map[string]int
}

func newIDMaker(doc string) *idMaker { return &idMaker{doc: doc, seen: map[string]int{}} }

func (m *idMaker) id(heading, text string) string {
	h := sha256.New()
	h.Write([]byte(m.doc))
	h.Write([]byte{0})
	h.Write([]byte(heading))
	h.Write([]byte{0})
	h.Write([]byte(text))
	sum := hex.EncodeToString(h.Sum(nil))[:16]
	if n := m.seen[sum]; n > 0 {
		m.seen[sum]++
		return sum + "-" + strconv.Itoa(n+1)
	}
	m.seen[sum] = 1
	return sum
}

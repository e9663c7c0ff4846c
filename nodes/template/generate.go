package template

import (
	"errors"
	"fmt"
	"hash/fnv"
	"math/rand/v2"
	"slices"
	"strings"

	"github.com/graphrun/graphrun/nodes/content"
	"github.com/graphrun/graphrun/nodes/mcq"
)

// ErrInvalidArgument means Generate was called with arguments it cannot
// use.
var ErrInvalidArgument = errors.New("invalid argument")

// Blank replaces the key term in a question's stem.
const Blank = "_____"

// Generator is the value of mcq.Source.Generator for template questions.
const Generator = "template"

// stemPrefix starts every stem, so it reads as a question.
const stemPrefix = "Fill in the blank: "

// Generate returns up to n gap-fill questions from chunk c. Terms are the
// document's key terms, best first, as [content.KeyTerms] returns them;
// the chunk's own capitalised and frequent words are added after them when
// too few fit. Seed varies the choice of distractors and the position of
// the correct option. A chunk with too little usable material gives fewer
// questions, possibly none, and no error; the error is only for n < 1.
func Generate(c content.Chunk, terms []string, n int, seed int64) ([]mcq.Question, error) {
	if n < 1 {
		return nil, fmt.Errorf("template: %d questions asked for, want at least 1: %w",
			n, ErrInvalidArgument)
	}
	excerpts := proseSentences(c.Text)
	texts := make([]string, len(excerpts))
	for i, e := range excerpts {
		texts[i] = e.text
	}
	pool := termPool(terms, texts)
	var out []mcq.Question
	used := map[string]bool{}
	for _, cand := range candidates(excerpts, pool) {
		if len(out) == n {
			break
		}
		if used[fold(cand.term)] {
			continue
		}
		rng := rand.New(rand.NewPCG(uint64(seed), hashOf(c.ID, cand.sentence)))
		q, ok := build(cand, pool, rng)
		if !ok {
			continue
		}
		q.Source = mcq.Source{Generator: Generator, Chunk: c.ID}
		q.ID = mcq.QuestionID(q)
		used[fold(cand.term)] = true
		out = append(out, q)
	}
	return out, nil
}

// build makes the question for one candidate sentence, or reports false
// when there are not enough distractors.
func build(cand candidate, pool []string, rng *rand.Rand) (mcq.Question, bool) {
	distractors := pickDistractors(cand, pool, rng)
	if len(distractors) < 3 {
		return mcq.Question{}, false
	}
	answer := rng.IntN(4)
	options := slices.Insert(distractors, answer, cand.term)
	blanked := cand.sentence[:cand.start] + Blank + cand.sentence[cand.end:]
	return mcq.Question{
		Stem:        stemPrefix + blanked,
		Options:     options,
		Answer:      answer,
		Explanation: fmt.Sprintf("The text says: %q", cand.quote),
	}, true
}

func hashOf(parts ...string) uint64 {
	h := fnv.New64a()
	for _, p := range parts {
		h.Write([]byte(p))
		h.Write([]byte{0})
	}
	return h.Sum64()
}

func fold(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

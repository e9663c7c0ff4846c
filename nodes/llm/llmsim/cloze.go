package llmsim

import (
	"math/rand/v2"
	"regexp"
	"slices"
	"strings"
	"unicode"
)

// question is one question in the answer's JSON shape.
type question struct {
	Question    string   `json:"question"`
	Options     []string `json:"options"`
	AnswerIndex int      `json:"answer_index"`
	Explanation string   `json:"explanation"`
}

// blank replaces the key term in a stem.
const blank = "_____"

// minSentenceWords is the fewest words of two letters or more a sentence
// needs to make a stem.
const minSentenceWords = 6

var (
	// sentenceRE ends a sentence at a stop that a space or the line's end
	// follows, so that "1.5" and "e.g." stay inside one.
	sentenceRE = regexp.MustCompile(`(?:[^.!?]|[.!?]+[^.!?\s])+(?:[.!?]+|$)`)
	wordRE     = regexp.MustCompile(`[\p{L}\p{N}](?:[\p{L}\p{N}'’-]*[\p{L}\p{N}])?`)
	// listMarkRE strips Markdown headings, bullets and numbering.
	listMarkRE = regexp.MustCompile(`^\s*(?:#{1,6}|[-*+>]|\d+[.)])\s+`)
)

// stopwords are words too common to be a key term.
var stopwords = map[string]bool{}

func init() {
	for _, w := range strings.Fields(`about above after again against also among
		because been before being below between both could does doing down during
		each either every from further have having here into itself just many more
		most much must neither other over same should since some such than that
		their them then there these they this those through under until upon very
		were what when where which while whom whose will with within without would
		your yours often only usually another always never even however therefore
		thus like make made uses used using called known`) {
		stopwords[w] = true
	}
}

// term is a candidate key term of a passage.
type term struct {
	// text is how options show it: lowercase if the passage ever writes it
	// so, as written otherwise (names, acronyms).
	text string
	key  string // lowercase, for comparison
	kind kind
}

type kind int

const (
	kindWord kind = iota
	kindName
	kindNumber
)

func kindOf(w string) kind {
	r := []rune(w)
	switch {
	case unicode.IsDigit(r[0]):
		return kindNumber
	case unicode.IsUpper(r[0]):
		return kindName
	}
	return kindWord
}

// sentence is one sentence of a passage with the terms it contains.
type sentence struct {
	text  string
	stem  bool // whole prose of several words, fit to make a stem
	words []string
	terms []string        // keys, in order of appearance
	has   map[string]bool // the same keys, for lookup
}

// passageTerms splits a passage into sentences and collects its terms.
func passageTerms(passage string) ([]sentence, map[string]*term) {
	terms := map[string]*term{}
	var sentences []sentence
	for _, line := range strings.Split(passage, "\n") {
		heading := isHeading(line)
		line = listMarkRE.ReplaceAllString(line, "")
		for _, raw := range sentenceRE.FindAllString(line, -1) {
			s := sentence{text: strings.TrimSpace(raw), has: map[string]bool{}}
			s.words = wordRE.FindAllString(s.text, -1)
			s.stem = !heading && wordCount(s.words) >= minSentenceWords
			for _, w := range s.words {
				key := strings.ToLower(w)
				if !isTerm(w, key) {
					continue
				}
				t, seen := terms[key]
				if !seen {
					t = &term{text: w, key: key, kind: kindOf(w)}
					terms[key] = t
				}
				if w == key {
					t.text, t.kind = key, kindOf(key)
				}
				if !s.has[key] {
					s.has[key] = true
					s.terms = append(s.terms, key)
				}
			}
			if s.text != "" {
				sentences = append(sentences, s)
			}
		}
	}
	return sentences, terms
}

// wordCount counts the words of two letters or more: "m/s^2" and "1.5"
// are no words a reader completes a sentence with.
func wordCount(words []string) int {
	n := 0
	for _, w := range words {
		letters := 0
		for _, r := range w {
			if unicode.IsLetter(r) {
				letters++
			}
		}
		if letters >= 2 {
			n++
		}
	}
	return n
}

// isHeading reports whether a line is a heading: Markdown's "# ..." or a
// line with letters and none of them lowercase, as "AMENDMENT X".
func isHeading(line string) bool {
	t := strings.TrimSpace(line)
	if strings.HasPrefix(t, "#") {
		return true
	}
	return strings.IndexFunc(t, unicode.IsLetter) >= 0 && strings.IndexFunc(t, unicode.IsLower) < 0
}

// isTerm reports whether a word can be a key term: four characters or more
// and not a stopword, or a number of two digits or more.
func isTerm(w, key string) bool {
	n := len([]rune(w))
	if kindOf(w) == kindNumber {
		return n >= 2
	}
	return n >= 4 && !stopwords[key]
}

// writeQuestions writes up to n gap-fill questions about passage, choosing
// with rng. Every question has four distinct options drawn from the
// passage and exactly one right answer.
func writeQuestions(passage string, n int, rng *rand.Rand) []question {
	sentences, terms := passageTerms(passage)
	pool := make([]*term, 0, len(terms))
	for _, t := range terms {
		pool = append(pool, t)
	}
	slices.SortFunc(pool, func(a, b *term) int { return strings.Compare(a.key, b.key) })
	if len(pool) < 4 {
		return []question{}
	}

	// Only sentences of prose make stems, in a seeded order: a heading
	// or a fragment is not something a reader could complete.
	var order []int
	for _, i := range rng.Perm(len(sentences)) {
		if sentences[i].stem {
			order = append(order, i)
		}
	}

	out := []question{}
	used := map[string]bool{}
	for round := 0; len(out) < n && round < 3; round++ {
		for _, i := range order {
			if len(out) == n {
				break
			}
			s := sentences[i]
			answer := pickAnswer(s, terms, used, rng)
			if answer == nil {
				continue
			}
			q, ok := gapFill(s, answer, pool, rng)
			if !ok {
				continue
			}
			used[answer.key] = true
			out = append(out, q)
		}
	}
	return out
}

// pickAnswer chooses the term to blank out of s: one not used yet, among
// the longer ones.
func pickAnswer(s sentence, terms map[string]*term, used map[string]bool,
	rng *rand.Rand) *term {
	var cands []*term
	for _, key := range s.terms {
		if !used[key] {
			cands = append(cands, terms[key])
		}
	}
	if len(cands) == 0 {
		return nil
	}
	slices.SortStableFunc(cands, func(a, b *term) int { return len(b.key) - len(a.key) })
	return cands[rng.IntN(min(3, len(cands)))]
}

// gapFill builds the question that blanks answer out of s.
func gapFill(s sentence, answer *term, pool []*term, rng *rand.Rand) (question, bool) {
	stem, ok := blankOut(s.text, answer.key)
	if !ok {
		return question{}, false
	}
	distractors := pickDistractors(s, answer, pool, rng)
	if len(distractors) < 3 {
		return question{}, false
	}
	at := rng.IntN(4)
	options := slices.Insert(distractors[:3], at, answer.text)
	return question{
		Question:    "Which term completes this sentence from the passage? " + stem,
		Options:     options,
		AnswerIndex: at,
		Explanation: "The passage says: " + s.text,
	}, true
}

// blankOut replaces the first whole-word occurrence of key in text.
func blankOut(text, key string) (string, bool) {
	for _, loc := range wordRE.FindAllStringIndex(text, -1) {
		if strings.ToLower(text[loc[0]:loc[1]]) == key {
			return text[:loc[0]] + blank + text[loc[1]:], true
		}
	}
	return "", false
}

// pickDistractors returns three terms of the passage unlike the answer in
// meaning but like it in kind and length, none a variant of the answer or
// of each other. Terms of the sentence itself serve only when the rest of
// the passage has too few.
func pickDistractors(s sentence, answer *term, pool []*term, rng *rand.Rand) []string {
	cands := slices.Clone(pool)
	rng.Shuffle(len(cands), func(i, j int) { cands[i], cands[j] = cands[j], cands[i] })
	score := func(t *term) int {
		d := len(t.key) - len(answer.key)
		if d < 0 {
			d = -d
		}
		if t.kind != answer.kind {
			d += 100
		}
		return d
	}
	slices.SortStableFunc(cands, func(a, b *term) int { return score(a) - score(b) })

	picked := []string{}
	chosen := []string{answer.key}
	// Terms of other sentences first; in a passage of one sentence, the
	// sentence's other terms.
	for _, fromSentence := range []bool{false, true} {
		for _, t := range cands {
			if len(picked) == 3 {
				break
			}
			if s.has[t.key] != fromSentence || variantOfAny(t.key, chosen) {
				continue
			}
			picked = append(picked, t.text)
			chosen = append(chosen, t.key)
		}
	}
	return picked
}

// variantOfAny reports whether key is one of keys or a close variant of
// one (a plural, a shared stem), which would make two options mean the
// same.
func variantOfAny(key string, keys []string) bool {
	for _, k := range keys {
		a, b := key, k
		if len(a) > len(b) {
			a, b = b, a
		}
		if a == b || (strings.HasPrefix(b, a) && len(b)-len(a) <= 3) ||
			(len(a) >= 6 && a[:len(a)-2] == b[:len(a)-2]) {
			return true
		}
	}
	return false
}

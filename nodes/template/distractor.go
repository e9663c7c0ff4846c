package template

import (
	"cmp"
	"math/rand/v2"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/graphrun/graphrun/nodes/content"
)

// window is how many of the best-fitting distractors the seed picks from.
const window = 8

// termPool returns the document's terms followed by the chunk's own:
// capitalised words not at the start of a sentence, then longer content
// words, most frequent first. Duplicates (ignoring case) are dropped.
func termPool(terms []string, sentences []string) []string {
	var pool []string
	seen := map[string]bool{}
	add := func(t string) {
		t = strings.TrimSpace(t)
		if k := fold(t); utf8.RuneCountInString(t) > 1 && !seen[k] && !allDigits(t) {
			seen[k] = true
			pool = append(pool, t)
		}
	}
	for _, t := range terms {
		add(t)
	}
	count := map[string]int{}
	var order []string
	for _, s := range sentences {
		for i, w := range content.Words(s) {
			w = strings.Trim(w, "-'’")
			name := i > 0 && startsUpper(w)
			if !name && !longWord(w) {
				continue
			}
			if count[w] == 0 {
				order = append(order, w)
			}
			count[w]++
		}
	}
	slices.SortStableFunc(order, func(a, b string) int { return cmp.Compare(count[b], count[a]) })
	for _, w := range order {
		add(w)
	}
	return pool
}

// pickDistractors chooses three terms that are not the answer, do not
// overlap it or each other, and do not occur in the whole sentence. It prefers
// terms shaped like the answer (same capitalisation, similar word count)
// and, among those, the pool's order; the seed picks among the best few.
func pickDistractors(cand candidate, pool []string, rng *rand.Rand) []string {
	answer := fold(cand.term)
	sentence := strings.ToLower(cand.quote)
	var eligible []string
	for _, t := range pool {
		f := fold(t)
		if f == answer || strings.Contains(f, answer) || strings.Contains(answer, f) ||
			strings.Contains(sentence, f) {
			continue
		}
		eligible = append(eligible, t)
	}
	shape := func(t string) int {
		d := words(t) - words(cand.term)
		if d < 0 {
			d = -d
		}
		if startsUpper(t) != startsUpper(cand.term) {
			d += 2
		}
		return min(d, 3)
	}
	slices.SortStableFunc(eligible, func(a, b string) int { return cmp.Compare(shape(a), shape(b)) })
	eligible = eligible[:min(len(eligible), window)]
	rng.Shuffle(len(eligible), func(i, j int) { eligible[i], eligible[j] = eligible[j], eligible[i] })

	var out []string
	for _, t := range eligible {
		if len(out) == 3 {
			break
		}
		if !overlaps(t, out) {
			out = append(out, t)
		}
	}
	return out
}

// overlaps reports whether t equals or contains one of chosen, or is
// contained in one, ignoring case.
func overlaps(t string, chosen []string) bool {
	f := fold(t)
	for _, c := range chosen {
		g := fold(c)
		if f == g || strings.Contains(f, g) || strings.Contains(g, f) {
			return true
		}
	}
	return false
}

func words(s string) int { return len(strings.Fields(s)) }

func startsUpper(s string) bool {
	r, _ := utf8.DecodeRuneInString(s)
	return unicode.IsUpper(r)
}

// longWord reports whether w is a lowercase word of seven letters or more.
func longWord(w string) bool {
	if utf8.RuneCountInString(w) < 7 {
		return false
	}
	for _, r := range w {
		if !unicode.IsLower(r) && r != '-' {
			return false
		}
	}
	return true
}

func allDigits(s string) bool {
	return strings.IndexFunc(s, func(r rune) bool { return !unicode.IsDigit(r) }) < 0
}

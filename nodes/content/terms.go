package content

import (
	"cmp"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// stopwords are common English words that are never key terms.
var stopwords = func() map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(`a about above after again against all also
		although always am among an and another any are as at be because been
		before being below between both but by can cannot could did do does doing
		done down during each either else even every few first for from further
		had has have having he her here hers him his how however i if in into is
		it its itself just least less let like made make makes many may me might
		more most much must my neither no nor not now of off often on once one
		only or other others our ours out over own same shall she should since so
		some such than that the their them then there these they this those
		though through thus to too under until up upon us use used uses using
		very was we well were what when where whether which while who whom whose
		why will with within without would yet you your example examples called
		something someone another thing things way ways shown show shows see
		following given say says said first second third next last new also
		each much several within therefore rather instead however already`) {
		m[w] = true
	}
	return m
}()

// KeyTerms returns up to n of the document's own key terms, best first
// (n of zero or less returns them all): the glossary terms in their order
// first, then terms from the text ranked by how often they occur and how
// many words they have: capitalised names and phrases that recur outside
// the start of a sentence ("Golgi apparatus", "House of Representatives"),
// and recurring lowercase word pairs and longer words. Headings and code
// are not searched. Generators use the list for plausible wrong answers.
func KeyTerms(doc *Document, n int) []string {
	var out []string
	seen := map[string]bool{}
	add := func(t string) {
		if k := strings.ToLower(t); t != "" && !seen[k] {
			seen[k] = true
			out = append(out, t)
		}
	}
	for _, g := range doc.Glossary {
		add(g.Term)
	}
	for _, t := range textTerms(doc.Text) {
		add(t)
	}
	if n > 0 && len(out) > n {
		out = out[:n]
	}
	return out
}

type termCount struct {
	term  string
	count int
	score int
}

// textTerms ranks the recurring terms of a document's prose.
func textTerms(text string) []string {
	counts := map[string]*termCount{}
	note := func(term string, weight int) {
		k := strings.ToLower(term)
		tc := counts[k]
		if tc == nil {
			tc = &termCount{term: term}
			counts[k] = tc
		}
		tc.count++
		tc.score += weight
	}
	for _, b := range parseBlocks(text) {
		if b.kind != paraBlock {
			continue
		}
		for _, s := range Sentences(b.text) {
			sentenceTerms(Words(s), note)
		}
	}
	var ranked []*termCount
	for _, tc := range counts {
		words := strings.Count(tc.term, " ") + 1
		capital := startsUpper(tc.term)
		switch {
		case capital && tc.count >= 2, words > 1 && tc.count >= 3, tc.count >= 4:
			ranked = append(ranked, tc)
		}
	}
	slices.SortFunc(ranked, func(a, b *termCount) int {
		return cmp.Or(cmp.Compare(b.score, a.score), strings.Compare(a.term, b.term))
	})
	out := make([]string, len(ranked))
	for i, tc := range ranked {
		out[i] = tc.term
	}
	return out
}

// sentenceTerms notes the candidate terms of one sentence's words.
func sentenceTerms(words []string, note func(string, int)) {
	// Capitalised runs, allowing "of" inside, not counting the first word
	// of the sentence, which is capitalised anyway.
	for i := 0; i < len(words); {
		if !isName(words[i]) || (i == 0 && stopwords[strings.ToLower(words[0])]) {
			i++
			continue
		}
		j := i + 1
		for j < len(words) && (isName(words[j]) ||
			(words[j] == "of" && j+1 < len(words) && isName(words[j+1]))) {
			j++
		}
		if i > 0 || j-i > 1 {
			note(strings.Join(words[i:j], " "), 3*(j-i))
		}
		i = j
	}

	// Lowercase content words and pairs of them.
	for i, w := range words {
		if !isContent(w) {
			continue
		}
		if utf8.RuneCountInString(w) >= 6 {
			note(w, 1)
		}
		if i+1 < len(words) && isContent(words[i+1]) {
			note(w+" "+words[i+1], 3)
		}
	}
}

// Words returns the words of s: runs of letters and digits, with inner
// hyphens and apostrophes kept.
func Words(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '-' && r != '\'' && r != '’'
	})
}

// isName reports whether w is a capitalised word that is not a stopword
// or a shouted word.
func isName(w string) bool {
	w = strings.Trim(w, "-'’")
	if !startsUpper(w) || stopwords[strings.ToLower(w)] || utf8.RuneCountInString(w) < 2 {
		return false
	}
	return strings.ToUpper(w) != w || utf8.RuneCountInString(w) <= 5
}

// isContent reports whether w is a lowercase word worth counting.
func isContent(w string) bool {
	if utf8.RuneCountInString(w) < 4 || stopwords[w] || strings.Trim(w, "-'’") != w {
		return false
	}
	for _, r := range w {
		if !unicode.IsLower(r) && r != '-' {
			return false
		}
	}
	return true
}

func startsUpper(s string) bool {
	r, _ := utf8.DecodeRuneInString(s)
	return unicode.IsUpper(r)
}

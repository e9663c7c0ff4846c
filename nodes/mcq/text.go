package mcq

import (
	"strings"
	"unicode"
)

// cleanText turns tabs and line breaks into spaces, collapses runs of
// spaces and trims the ends. Other control characters stay, so that
// [Validate] can refuse them.
func cleanText(s string) string {
	var b strings.Builder
	space := false
	for _, r := range s {
		if r == '\n' || r == '\r' || r == '\t' || r == ' ' || unicode.Is(unicode.Zs, r) {
			space = true
			continue
		}
		if space && b.Len() > 0 {
			b.WriteByte(' ')
		}
		space = false
		b.WriteRune(r)
	}
	return b.String()
}

// foldText is the form two texts are compared in: cleaned and lower case.
func foldText(s string) string {
	return strings.ToLower(cleanText(s))
}

// words splits s into lower-case runs of letters and digits.
func words(s string) []string {
	return strings.FieldsFunc(strings.ToLower(s), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	})
}

// contentWords returns the stems of the words of s that carry meaning:
// stop words and one-letter words are left out.
func contentWords(s string) map[string]bool {
	set := map[string]bool{}
	for _, w := range words(s) {
		if len([]rune(w)) < 2 || stopWords[w] {
			continue
		}
		set[stem(w)] = true
	}
	return set
}

// stemLen is how many leading letters of a word [stem] keeps. Six keeps
// "mitochondrion" and "mitochondria" together, and "organelle" with
// "organelles", at the price of joining a few unrelated words.
const stemLen = 6

// stem is a deliberately crude stemmer: the first [stemLen] runes of a
// word. It is lenient, which suits grounding and near-duplicate checks.
func stem(w string) string {
	r := []rune(w)
	if len(r) > stemLen {
		r = r[:stemLen]
	}
	return string(r)
}

// stopWords are English words too common to say what a text is about.
var stopWords = toSet(`a about above after again all also am an and any are
as at be because been before being below between both but by can could
did do does doing down during each few for from further had has have
having he her here hers him his how i if in into is it its itself just
me more most my no nor not now of off on once only or other our out over
own same she should so some such than that the their them then there
these they this those through to too under until up very was we were
what when where which while who whom why will with would you your
following best true false correct statement describes according passage
text question answer option options`)

func toSet(list string) map[string]bool {
	set := map[string]bool{}
	for _, w := range strings.Fields(list) {
		set[w] = true
	}
	return set
}

// truncate shortens s to at most n runes, marking a cut with an ellipsis.
func truncate(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

package template

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/graphrun/graphrun/nodes/content"
)

// Limits on a sentence worth a question.
const (
	minWords = 8
	maxWords = 45
	maxRunes = 320
)

// proseSentences returns the sentences of the prose paragraphs of text,
// leaving out headings and code blocks.
func proseSentences(text string) []string {
	var out []string
	inCode := false
	for _, para := range strings.Split(text, "\n\n") {
		lines := strings.Split(para, "\n")
		if inCode || strings.HasPrefix(para, "```") {
			// A code block may hold blank lines; skip to its closing fence.
			last := strings.TrimSpace(lines[len(lines)-1])
			inCode = !(last == "```" && (inCode || len(lines) > 1))
			continue
		}
		if strings.HasPrefix(para, "#") {
			continue
		}
		for _, s := range content.Sentences(para) {
			if usable(s) {
				out = append(out, s)
			}
		}
	}
	return out
}

// usable reports whether s reads as a whole sentence of prose of a fair
// length.
func usable(s string) bool {
	words := len(strings.Fields(s))
	if words < minWords || words > maxWords || utf8.RuneCountInString(s) > maxRunes {
		return false
	}
	first, _ := utf8.DecodeRuneInString(s)
	if !unicode.IsUpper(first) || !strings.HasSuffix(s, ".") {
		return false
	}
	// A label such as "Answer:" starts a quiz item, not prose.
	if label := strings.Fields(s)[0]; strings.HasSuffix(label, ":") {
		return false
	}
	for _, bad := range []string{Blank, "http", "@", "$ ", "|", "{", "}", "=", "\\"} {
		if strings.Contains(s, bad) {
			return false
		}
	}
	return true
}

// candidate is a sentence with the key term to blank out and where it is.
type candidate struct {
	sentence   string
	term       string
	start, end int // byte offsets of the term in the sentence
	rank       int // the term's position in the pool
}

// candidates pairs each usable sentence with its best key term: the first
// term of the pool that occurs in it as a whole word. They are ordered by
// that term's rank, then by sentence order.
func candidates(sentences, pool []string) []candidate {
	var out []candidate
	for _, s := range sentences {
		for rank, term := range pool {
			start, end, ok := findWord(s, term)
			if !ok || end-start == len(s) {
				continue
			}
			out = append(out, candidate{sentence: s, term: term, start: start, end: end, rank: rank})
			break
		}
	}
	// A stable insertion sort keeps sentence order among equal ranks.
	for i := 1; i < len(out); i++ {
		for j := i; j > 0 && out[j].rank < out[j-1].rank; j-- {
			out[j], out[j-1] = out[j-1], out[j]
		}
	}
	return out
}

// findWord finds term in s as a whole word or phrase, ignoring case, and
// returns its byte offsets.
func findWord(s, term string) (start, end int, ok bool) {
	if term == "" {
		return 0, 0, false
	}
	lower, t := strings.ToLower(s), strings.ToLower(term)
	if len(lower) != len(s) {
		return 0, 0, false // case folding changed the length: offsets unsafe
	}
	for from := 0; from < len(lower); {
		i := strings.Index(lower[from:], t)
		if i < 0 {
			return 0, 0, false
		}
		start, end = from+i, from+i+len(t)
		if boundary(lower, start-1) && boundary(lower, end) {
			return start, end, true
		}
		from = start + 1
	}
	return 0, 0, false
}

// boundary reports whether the byte at i in s is not part of a word.
func boundary(s string, i int) bool {
	if i < 0 || i >= len(s) {
		return true
	}
	var r rune
	if i > 0 && !utf8.RuneStart(s[i]) {
		return false
	}
	r, _ = utf8.DecodeRuneInString(s[i:])
	if i > 0 && r == utf8.RuneError {
		r, _ = utf8.DecodeLastRuneInString(s[:i+1])
	}
	return !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '-' && r != '_'
}

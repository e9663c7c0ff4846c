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

// excerpt is the text a stem is made of: a whole sentence, or a piece of
// one too long to be a stem by itself.
type excerpt struct {
	text     string // the stem's text, with [Ellipsis] where it was cut
	sentence string // the whole sentence, which the explanation quotes
}

// proseSentences returns the sentences of the prose paragraphs of text,
// leaving out headings, code blocks and attribution notes. A sentence too
// long for a stem gives its clauses instead, cut at semicolons, colons or
// commas into pieces of a fair length.
func proseSentences(text string) []excerpt {
	var out []excerpt
	inCode := false
	for _, para := range strings.Split(text, "\n\n") {
		lines := strings.Split(para, "\n")
		if inCode || strings.HasPrefix(para, "```") {
			// A code block may hold blank lines; skip to its closing fence.
			last := strings.TrimSpace(lines[len(lines)-1])
			inCode = !(last == "```" && (inCode || len(lines) > 1))
			continue
		}
		if strings.HasPrefix(para, "#") || labelled(para) {
			continue
		}
		for _, s := range content.Sentences(para) {
			if !prose(s) {
				continue
			}
			for _, p := range pieces(s) {
				out = append(out, excerpt{text: p, sentence: s})
			}
		}
	}
	return out
}

// CourseText reports whether text holds a paragraph of course content:
// one that is neither a heading nor a note about the text, such as its
// source, licence or changes. A chunk without one is asked of no model.
func CourseText(text string) bool {
	for _, para := range strings.Split(text, "\n\n") {
		p := strings.TrimSpace(para)
		if p != "" && !strings.HasPrefix(p, "#") && !labelled(p) {
			return true
		}
	}
	return false
}

// labelled reports whether a paragraph opens with a label, such as
// "Source:", "Changes:" or "Note:": a note about the text, which is no
// course content, whatever its later sentences say.
func labelled(para string) bool {
	first, _, _ := strings.Cut(strings.TrimSpace(para), " ")
	return len(first) > 1 && strings.HasSuffix(first, ":") && !strings.ContainsAny(first, "/.")
}

// boilerplate are phrases of the notes on a text's source and licence,
// which are no course content.
var boilerplate = []string{"access for free at", "licensed under", "licensed cc",
	"creative commons", "all rights reserved", "copyright", "www.", ".org/", ".com/"}

// prose reports whether s reads as a whole sentence of prose: it starts
// with a capital, ends with a full stop (or a semicolon, as the items of a
// legal list do), is not a label and holds no markup, code or boilerplate.
func prose(s string) bool {
	first, _ := utf8.DecodeRuneInString(s)
	if !unicode.IsUpper(first) || !strings.HasSuffix(s, ".") && !strings.HasSuffix(s, ";") {
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
	lower := strings.ToLower(s)
	for _, b := range boilerplate {
		if strings.Contains(lower, b) {
			return false
		}
	}
	return true
}

// fits reports whether a sentence or piece is of a fair length for a stem.
func fits(s string) bool {
	words := len(strings.Fields(s))
	return words >= minWords && words <= maxWords && utf8.RuneCountInString(s) <= maxRunes
}

// Ellipsis marks where a piece was cut from its sentence.
const Ellipsis = "…"

// pieces returns s when it fits a stem, else its clauses joined into
// pieces that fit, each marked with [Ellipsis] where it was cut. The cuts
// fall after semicolons and colons, and after commas inside a clause still
// too long; a clause too long by itself is left out.
func pieces(s string) []string {
	if fits(s) {
		return []string{s}
	}
	var cl []string
	for _, c := range clauses(s, ";:") {
		if fitsLength(c) {
			cl = append(cl, c)
			continue
		}
		cl = append(cl, clauses(c, ",")...)
	}
	return joinClauses(cl)
}

// clauses cuts s after every mark in marks that a space follows.
func clauses(s, marks string) []string {
	var out []string
	start := 0
	for i := 0; i < len(s)-1; i++ {
		if strings.IndexByte(marks, s[i]) >= 0 && s[i+1] == ' ' {
			out = append(out, s[start:i+1])
			start = i + 2
		}
	}
	return append(out, s[start:])
}

// joinClauses joins consecutive clauses into the longest pieces that fit
// and marks the cuts.
func joinClauses(cl []string) []string {
	var out []string
	for i := 0; i < len(cl); {
		j := i + 1
		for j < len(cl) && fitsLength(strings.Join(cl[i:j+1], " ")) {
			j++
		}
		p := strings.Join(cl[i:j], " ")
		if fits(p) {
			out = append(out, mark(p, i > 0, j < len(cl)))
		}
		i = j
	}
	return out
}

// fitsLength reports whether s is not too long for a stem.
func fitsLength(s string) bool {
	return len(strings.Fields(s)) <= maxWords && utf8.RuneCountInString(s) <= maxRunes
}

// mark ends a piece cut before the end of its sentence with an ellipsis
// in place of its last mark, and starts one cut after the start with one.
func mark(p string, cutBefore, cutAfter bool) string {
	if cutAfter {
		p = strings.TrimRight(p, ";:,") + " " + Ellipsis
	}
	if cutBefore {
		p = Ellipsis + " " + p
	}
	return p
}

// candidate is an excerpt with the key term to blank out and where it is.
type candidate struct {
	sentence   string // the excerpt's text
	quote      string // the whole sentence
	term       string
	start, end int // byte offsets of the term in the sentence
	rank       int // the term's position in the pool
}

// candidates pairs each usable sentence with its best key term: the first
// term of the pool that occurs in it as a whole word. They are ordered by
// that term's rank, then by sentence order.
func candidates(excerpts []excerpt, pool []string) []candidate {
	var out []candidate
	for _, e := range excerpts {
		s := e.text
		for rank, term := range pool {
			start, end, ok := findWord(s, term)
			if !ok || end-start == len(s) {
				continue
			}
			out = append(out, candidate{sentence: s, quote: e.sentence, term: term,
				start: start, end: end, rank: rank})
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

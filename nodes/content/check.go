package content

import (
	"bytes"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// checkText rejects data that is empty, binary or not UTF-8.
func checkText(data []byte, name string) error {
	if len(bytes.TrimSpace(stripBOM(data))) == 0 {
		return docError(name, ErrEmpty, "the document is empty",
			"give a file that holds the course text")
	}
	if bytes.HasPrefix(data, []byte("\xff\xfe")) || bytes.HasPrefix(data, []byte("\xfe\xff")) {
		return docError(name, ErrEncoding, "the document is UTF-16 text",
			"convert it to UTF-8 (for example with iconv -f UTF-16 -t UTF-8)")
	}
	if i := bytes.IndexByte(data, 0); i >= 0 {
		return &DocumentError{Path: name, Kind: ErrBinary, Offset: int64(i),
			Reason: fmt.Sprintf("the document is binary (a NUL byte at offset %d)", i),
			Hint:   "give a text, Markdown, HTML or PDF file"}
	}
	return checkUTF8(data, name)
}

// checkUTF8 reports the first invalid UTF-8 sequence with its line and
// byte offset.
func checkUTF8(data []byte, name string) error {
	line := 1
	for i := 0; i < len(data); {
		c := data[i]
		if c < utf8.RuneSelf {
			if c == '\n' {
				line++
			}
			i++
			continue
		}
		r, size := utf8.DecodeRune(data[i:])
		if r == utf8.RuneError && size <= 1 {
			return &DocumentError{Path: name, Kind: ErrEncoding, Line: line, Offset: int64(i),
				Reason: fmt.Sprintf("the document is not valid UTF-8: byte 0x%02x "+
					"at line %d, byte offset %d", c, line, i),
				Hint: "convert it to UTF-8 (for example with iconv -f LATIN1 -t UTF-8)"}
		}
		i += size
	}
	return nil
}

// Bounds on a sentence that [CheckProse] counts: enough letters for a few
// words, and no longer than a long sentence of prose runs.
const (
	minSentenceLetters = 4
	maxSentenceRunes   = 1000
)

// sentenceEnds are the marks that end a sentence, in Latin and CJK scripts.
const sentenceEnds = ".!?。！？"

// CheckProse returns a [*DocumentError] of kind [ErrNoSentences] when no
// paragraph of doc holds a sentence: a stretch of at most 1000 characters,
// with a few letters in it, that ends with '.', '!' or '?' and does not
// start with a lower-case letter. Headings and code do not count. It reads
// the text once, so it is cheap next to [Split]: a document of word soup,
// which would give thousands of chunks no question can be made from, is
// refused before it is cut. One sentence is enough; the check is a floor,
// not a promise that every chunk yields a question.
func CheckProse(doc *Document) error {
	for _, b := range parseBlocks(doc.Text) {
		if b.kind == paraBlock && hasSentence(b.text) {
			return nil
		}
	}
	return docError(doc.Path, ErrNoSentences,
		"the document has no sentences a question can be made from: "+
			"its text does not end sentences with '.', '!' or '?'",
		"check that the file holds the course text in whole sentences")
}

// hasSentence reports whether para holds a sentence as [CheckProse] counts
// them.
func hasSentence(para string) bool {
	start := 0
	for i, r := range para {
		if !strings.ContainsRune(sentenceEnds, r) {
			continue
		}
		end := i + utf8.RuneLen(r)
		if isSentence(para[start:end]) {
			return true
		}
		start = end
	}
	return false
}

// isSentence reports whether s, which ends with a sentence mark, reads as
// a sentence: it does not start with a lower-case letter, holds at least
// minSentenceLetters letters and at most maxSentenceRunes characters.
func isSentence(s string) bool {
	s = strings.TrimLeft(s, " \t\n\"'([“‘«»”’)]")
	first, _ := utf8.DecodeRuneInString(s)
	if !unicode.IsLetter(first) && !unicode.IsDigit(first) || unicode.IsLower(first) {
		return false
	}
	runes, letters := 0, 0
	for _, r := range s {
		if runes++; runes > maxSentenceRunes {
			return false
		}
		if unicode.IsLetter(r) {
			letters++
		}
	}
	return letters >= minSentenceLetters
}

// hasWords reports whether s holds at least one letter or digit.
func hasWords(s string) bool {
	return strings.IndexFunc(s, func(r rune) bool {
		return unicode.IsLetter(r) || unicode.IsDigit(r)
	}) >= 0
}

// firstLine returns the first non-empty line of s without heading marks,
// cut to a title's length.
func firstLine(s string) string {
	for line := range strings.Lines(s) {
		line = strings.TrimSpace(strings.TrimLeft(line, "#"))
		if line == "" || line == "```" {
			continue
		}
		if utf8.RuneCountInString(line) > 100 {
			r := []rune(line)
			line = strings.TrimSpace(string(r[:100])) + "…"
		}
		return line
	}
	return ""
}

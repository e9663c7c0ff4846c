package content

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// abbreviations end with a period that does not end a sentence.
var abbreviations = map[string]bool{
	"e.g": true, "i.e": true, "etc": true, "vs": true, "cf": true, "al": true,
	"fig": true, "figs": true, "eq": true, "no": true, "mr": true, "mrs": true,
	"ms": true, "dr": true, "prof": true, "st": true, "approx": true, "ca": true,
	"u.s": true, "sect": true, "vol": true, "p": true, "pp": true, "ch": true,
}

// Sentences splits a paragraph into sentences. A sentence ends at ".", "!"
// or "?" (and any closing quotes or brackets after it) followed by white
// space and a capital letter, a digit or an opening quote or bracket,
// except after common abbreviations and single-letter initials. Each
// sentence is returned trimmed, with its white space collapsed.
func Sentences(text string) []string {
	text = collapseSpace(text)
	var out []string
	start := 0
	for i := 0; i < len(text); {
		r, size := utf8.DecodeRuneInString(text[i:])
		i += size
		if r != '.' && r != '!' && r != '?' {
			continue
		}
		end := i
		for end < len(text) && strings.ContainsRune(`"')]”’»`, rune(text[end])) {
			end++
		}
		for end < len(text) {
			r2, s2 := utf8.DecodeRuneInString(text[end:])
			if !strings.ContainsRune("”’»", r2) {
				break
			}
			end += s2
		}
		if end >= len(text) || text[end] != ' ' || !startsSentence(text[end+1:]) {
			continue
		}
		if r == '.' && isAbbreviation(text[start:i-1]) {
			continue
		}
		out = append(out, strings.TrimSpace(text[start:end]))
		start, i = end+1, end+1
	}
	if rest := strings.TrimSpace(text[start:]); rest != "" {
		out = append(out, rest)
	}
	return out
}

func startsSentence(s string) bool {
	r, _ := utf8.DecodeRuneInString(s)
	return unicode.IsUpper(r) || unicode.IsDigit(r) || strings.ContainsRune(`"'(“‘[`, r)
}

// isAbbreviation reports whether the text before a period ends with an
// abbreviation or an initial.
func isAbbreviation(before string) bool {
	word := before[strings.LastIndexAny(before, " (")+1:]
	if utf8.RuneCountInString(word) == 1 {
		r, _ := utf8.DecodeRuneInString(word)
		return unicode.IsUpper(r)
	}
	return abbreviations[strings.ToLower(word)]
}

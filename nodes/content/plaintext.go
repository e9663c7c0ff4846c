package content

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// plainText turns plain text into paragraphs: blank lines separate them,
// hard-wrapped lines are joined, and a short line standing alone in capital
// letters (like "ARTICLE I") becomes a heading.
func plainText(s string) string {
	var b builder
	for _, p := range strings.Split(normalizeNewlines(s), "\n\n") {
		p = strings.TrimSpace(p)
		switch {
		case p == "":
		case isCapsHeading(p):
			b.heading(1, p)
		default:
			b.para(p)
		}
	}
	return b.String()
}

// normalizeNewlines turns CRLF and CR into LF and lines of only white
// space into empty lines.
func normalizeNewlines(s string) string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.ReplaceAll(s, "\r", "\n")
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		if strings.TrimSpace(l) == "" {
			lines[i] = ""
		}
	}
	return strings.Join(lines, "\n")
}

// isCapsHeading reports whether p is one short line with letters, all of
// them capitals.
func isCapsHeading(p string) bool {
	if strings.Contains(p, "\n") || utf8.RuneCountInString(p) > 60 {
		return false
	}
	letters := 0
	for _, r := range p {
		if unicode.IsLower(r) {
			return false
		}
		if unicode.IsLetter(r) {
			letters++
		}
	}
	return letters >= 3
}

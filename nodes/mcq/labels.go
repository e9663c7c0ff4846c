package mcq

import (
	"strconv"
	"strings"
)

// label is a list marker at the start of an option, like "A. ", "b) ",
// "(C) " or "4. ".
type label struct {
	scheme  byte   // 'A' for upper-case letters, 'a' lower-case, '1' digits
	ordinal int    // 0 for A, a and 1
	style   string // the punctuation around it: "(" ")", ".", ")", ":"
	rest    string // the text after the marker and its spaces
}

// parseLabel reads the list marker at the start of s.
func parseLabel(s string) (label, bool) {
	var l label
	open := strings.HasPrefix(s, "(")
	if open {
		s = s[1:]
	}
	n := 0
	for n < len(s) && n < 2 && '0' <= s[n] && s[n] <= '9' {
		n++
	}
	switch {
	case n > 0:
		v, _ := strconv.Atoi(s[:n])
		l.scheme, l.ordinal = '1', v-1
	case len(s) > 0 && 'A' <= s[0] && s[0] <= 'Z':
		l.scheme, l.ordinal, n = 'A', int(s[0]-'A'), 1
	case len(s) > 0 && 'a' <= s[0] && s[0] <= 'z':
		l.scheme, l.ordinal, n = 'a', int(s[0]-'a'), 1
	default:
		return l, false
	}
	s = s[n:]
	if len(s) == 0 {
		return l, false
	}
	switch {
	case open && s[0] == ')':
		l.style = "()"
	case !open && strings.IndexByte(".):", s[0]) >= 0:
		l.style = s[:1]
	default:
		return l, false
	}
	s = s[1:]
	if !strings.HasPrefix(s, " ") {
		return l, false
	}
	l.rest = strings.TrimSpace(s)
	return l, l.rest != ""
}

// stripLabels removes list markers from options when every option carries
// one of the same scheme and style, numbered in order from the first
// (A, B, C, D or a, b, c, d or 1, 2, 3, 4). Otherwise it returns the
// options unchanged: a marker on some options only may be content.
func stripLabels(opts []string) []string {
	if len(opts) < 2 {
		return opts
	}
	out := make([]string, len(opts))
	var first label
	for i, o := range opts {
		l, ok := parseLabel(o)
		if !ok || l.ordinal != i {
			return opts
		}
		if i == 0 {
			first = l
		} else if l.scheme != first.scheme || l.style != first.style {
			return opts
		}
		out[i] = l.rest
	}
	return out
}

// letterKey reads an answer key given as a letter: "B", "b", "(B)", "B)",
// "B.", "B:" or "Option B". It returns the 0-based index.
func letterKey(s string) (int, bool) {
	s = strings.TrimSpace(s)
	if len(s) > 7 && strings.EqualFold(s[:7], "option ") {
		s = strings.TrimSpace(s[7:])
	}
	if strings.HasPrefix(s, "(") && strings.HasSuffix(s, ")") {
		s = s[1 : len(s)-1]
	} else if len(s) == 2 && strings.IndexByte(".):", s[1]) >= 0 {
		s = s[:1]
	}
	if len(s) != 1 {
		return 0, false
	}
	switch c := s[0]; {
	case 'A' <= c && c <= 'Z':
		return int(c - 'A'), true
	case 'a' <= c && c <= 'z':
		return int(c - 'a'), true
	}
	return 0, false
}

package mcq

import "strings"

// repairEscapes fixes the two string faults models commonly make in JSON
// they write by hand, so that the text they meant survives decoding:
//
//   - a backslash that does not start a valid escape, as in LaTeX's
//     \sqrt or \alpha, is doubled to stand for itself;
//   - a valid escape that begins a known LaTeX command, as in \frac
//     (a form feed followed by "rac") or \theta (a tab), is doubled too;
//   - a raw line break or tab inside a string is escaped.
//
// Text outside strings is copied unchanged. The repair cannot tell
// "\nu" meant as a newline before "u" from the Greek letter; it picks
// the letter, and documents the choice in [latexCommands].
func repairEscapes(s string) string {
	var b strings.Builder
	b.Grow(len(s) + 8)
	inString := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !inString {
			b.WriteByte(c)
			inString = c == '"'
			continue
		}
		switch c {
		case '"':
			inString = false
			b.WriteByte(c)
		case '\n':
			b.WriteString(`\n`)
		case '\r':
			b.WriteString(`\r`)
		case '\t':
			b.WriteString(`\t`)
		case '\\':
			n := escapeLen(s[i:])
			if n == 0 {
				b.WriteString(`\\`) // stands for itself; next byte is text
				continue
			}
			b.WriteString(s[i : i+n])
			i += n - 1
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// escapeLen returns the length of the valid JSON escape at the start of s,
// or 0 when the backslash should be read as a literal backslash.
func escapeLen(s string) int {
	if len(s) < 2 {
		return 0
	}
	switch c := s[1]; c {
	case '"', '\\', '/':
		return 2
	case 'u':
		if len(s) >= 6 && isHex(s[2:6]) {
			return 6
		}
		return 0
	case 'b', 'f', 'n', 'r', 't':
		if latexCommands[letterRun(s[1:])] {
			return 0
		}
		return 2
	}
	return 0
}

func isHex(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
			return false
		}
	}
	return true
}

// letterRun returns the ASCII letters at the start of s.
func letterRun(s string) string {
	i := 0
	for i < len(s) && ('a' <= s[i] && s[i] <= 'z' || 'A' <= s[i] && s[i] <= 'Z') {
		i++
	}
	return s[:i]
}

// latexCommands are the LaTeX commands whose backslash and first letter
// form a valid JSON escape (\b, \f, \n, \r, \t). A backslash followed by
// one of these whole words is read as LaTeX, not as a control character.
// Short ones such as "to", "ne" and "nu" can also follow a real line
// break in prose; line breaks in questions are rare, LaTeX is not.
var latexCommands = toSet(`
bar beta begin bf big bigg bigl bigr binom bmod boldsymbol bot bullet
backslash bigcup bigcap
flat forall frac frak frown
nabla ne neg neq newline ni nmid nolimits nonumber not notin nu
nleq ngeq nsubseteq
rangle rbrace rbrack rceil rfloor rho right rightarrow rightharpoonup rm
tan tanh tau text textbf textit textrm textsf texttt tfrac theta therefore
tilde times to top triangle
`)

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

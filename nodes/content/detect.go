package content

import (
	"bytes"
	"path/filepath"
	"regexp"
	"strings"
)

// sniffLen is how much of the start of a document detection looks at.
const sniffLen = 4096

var markdownExt = map[string]bool{
	".md": true, ".markdown": true, ".mdown": true, ".mkd": true, ".mdx": true,
}

var htmlExt = map[string]bool{".html": true, ".htm": true, ".xhtml": true}

// Markdown signals: an ATX heading, a code fence, a fenced div, or a link.
var markdownSignal = regexp.MustCompile(
	"(?m)^(#{1,6} \\S|```|~~~|:::|\\* \\S|- \\S)|\\]\\([^)\\s]+\\)")

// Detect returns the format of data named name: by content for PDF and
// HTML, by extension or by Markdown signals for Markdown, and [Text]
// otherwise. A ".txt" file that holds HTML is HTML.
func Detect(data []byte, name string) Format {
	head := bytes.TrimLeft(stripBOM(data[:min(len(data), sniffLen)]), " \t\r\n")
	if bytes.HasPrefix(head, []byte("%PDF-")) {
		return PDF
	}
	if looksLikeHTML(head) {
		return HTML
	}
	ext := strings.ToLower(filepath.Ext(name))
	switch {
	case htmlExt[ext] && bytes.HasPrefix(head, []byte("<")):
		return HTML
	case markdownExt[ext]:
		return Markdown
	case bytes.HasPrefix(head, []byte("---\n")) || bytes.HasPrefix(head, []byte("---\r\n")):
		return Markdown
	case len(markdownSignal.FindAllIndex(head, 3)) >= 2:
		return Markdown
	}
	return Text
}

func looksLikeHTML(head []byte) bool {
	lower := bytes.ToLower(head)
	if bytes.HasPrefix(lower, []byte("<?xml")) {
		return bytes.Contains(lower, []byte("<html"))
	}
	for bytes.HasPrefix(lower, []byte("<!--")) {
		end := bytes.Index(lower, []byte("-->"))
		if end < 0 {
			return false
		}
		lower = bytes.TrimLeft(lower[end+3:], " \t\r\n")
	}
	return bytes.HasPrefix(lower, []byte("<!doctype html")) ||
		bytes.HasPrefix(lower, []byte("<html"))
}

func stripBOM(data []byte) []byte {
	return bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
}

package content

import (
	"strings"
	"unicode"
)

// builder collects the blocks of a document's clean text.
type builder struct {
	blocks []string
}

// heading adds a heading of the given level, 1 to 6.
func (b *builder) heading(level int, text string) {
	text = collapseSpace(text)
	if text == "" {
		return
	}
	level = max(1, min(level, 6))
	b.blocks = append(b.blocks, strings.Repeat("#", level)+" "+text)
}

// para adds a paragraph, collapsing its white space.
func (b *builder) para(text string) {
	text = collapseSpace(text)
	if text == "" {
		return
	}
	if text[0] == '#' {
		text = `\` + text // not a heading
	}
	b.blocks = append(b.blocks, text)
}

// code adds a code block, keeping its lines as they are.
func (b *builder) code(text string) {
	text = strings.Trim(strings.ReplaceAll(text, "\r\n", "\n"), "\n")
	if strings.TrimSpace(text) == "" {
		return
	}
	// A fence inside the code would end the block early; indent it.
	text = strings.ReplaceAll(text, "\n```", "\n ```")
	if strings.HasPrefix(text, "```") {
		text = " " + text
	}
	b.blocks = append(b.blocks, "```\n"+text+"\n```")
}

func (b *builder) String() string { return strings.Join(b.blocks, "\n\n") }

// collapseSpace trims s and turns every run of white space into one space.
func collapseSpace(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for _, r := range s {
		if unicode.IsSpace(r) || r == '\u00a0' {
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

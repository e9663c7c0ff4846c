package content

import (
	"strings"
	"unicode/utf8"
)

// blockKind tells the blocks of a document's text apart.
type blockKind int

const (
	paraBlock blockKind = iota
	headingBlock
	codeBlock
)

// block is one heading, paragraph or code block of a document's text.
type block struct {
	kind  blockKind
	level int    // heading level, for headings
	title string // heading text without marks, for headings
	text  string // the block as it appears in the text
}

// parseBlocks splits clean text into blocks: blank lines separate them, a
// line of "#" marks and a space is a heading, and ``` fences hold code that
// may contain blank lines.
func parseBlocks(text string) []block {
	var blocks []block
	var cur []string
	inCode := false
	flush := func() {
		if len(cur) > 0 {
			blocks = append(blocks, block{kind: paraBlock, text: strings.Join(cur, "\n")})
			cur = cur[:0]
		}
	}
	for _, line := range strings.Split(text, "\n") {
		switch {
		case inCode:
			cur = append(cur, line)
			if strings.HasPrefix(line, "```") {
				blocks = append(blocks, block{kind: codeBlock, text: strings.Join(cur, "\n")})
				cur, inCode = cur[:0], false
			}
		case strings.HasPrefix(line, "```"):
			flush()
			cur, inCode = append(cur, line), true
		case strings.TrimSpace(line) == "":
			flush()
		case headingLevelOf(line) > 0:
			flush()
			level := headingLevelOf(line)
			blocks = append(blocks, block{kind: headingBlock, level: level,
				title: strings.TrimSpace(line[level:]), text: line})
		default:
			cur = append(cur, line)
		}
	}
	if inCode {
		cur = append(cur, "```")
		blocks = append(blocks, block{kind: codeBlock, text: strings.Join(cur, "\n")})
		cur = nil
	}
	flush()
	return blocks
}

// headingLevelOf returns the level of a "# title" line, or 0.
func headingLevelOf(line string) int {
	n := countPrefix(line, '#')
	if n == 0 || n > 6 || len(line) <= n+1 || line[n] != ' ' {
		return 0
	}
	return n
}

// pieces cuts a block into parts of at most budget tokens: a paragraph at
// sentence boundaries, then at word boundaries for a sentence too long on
// its own; code at line boundaries.
func (b block) pieces(budget int) []block {
	if b.kind == headingBlock || EstimateTokens(b.text) <= budget {
		return []block{b}
	}
	var units []string
	sep := " "
	if b.kind == codeBlock {
		lines := strings.Split(b.text, "\n")
		units, sep = lines[1:len(lines)-1], "\n"
	} else {
		for _, s := range Sentences(b.text) {
			units = append(units, splitWords(s, budget)...)
		}
	}
	var out []block
	for _, group := range pack(units, sep, budget) {
		if b.kind == codeBlock {
			group = "```\n" + group + "\n```"
		}
		out = append(out, block{kind: b.kind, text: group})
	}
	return out
}

// splitWords cuts s into runs of words of at most budget tokens.
func splitWords(s string, budget int) []string {
	if EstimateTokens(s) <= budget {
		return []string{s}
	}
	return pack(strings.Fields(s), " ", budget)
}

// pack joins units with sep into groups of at most budget tokens; a unit
// larger than the budget forms a group of its own. It keeps the size of
// the group it builds as it goes, so that a paragraph of millions of words
// costs time in proportion to its length: sep is white space, so the words
// of a group are the words of its units.
func pack(units []string, sep string, budget int) []string {
	var groups []string
	start := 0           // the first unit of the group being built
	chars, words := 0, 0 // of that group's units joined with sep
	sepChars := utf8.RuneCountInString(sep)
	for i, u := range units {
		uc, uw := utf8.RuneCountInString(u), len(strings.Fields(u))
		if i > start && estimate(chars+sepChars+uc, words+uw) > budget {
			groups = append(groups, strings.Join(units[start:i], sep))
			start, chars, words = i, 0, 0
		}
		if i > start {
			chars += sepChars
		}
		chars, words = chars+uc, words+uw
	}
	if start < len(units) {
		groups = append(groups, strings.Join(units[start:], sep))
	}
	return groups
}

package content

import (
	"regexp"
	"strings"
)

var (
	mdImage       = regexp.MustCompile(`!\[([^\]]*)\]\([^)]*\)`)
	mdFigureParen = regexp.MustCompile(`(?i)[ \t]*\(\s*(?:see\s+)?\[(?:figure|table)\][^()]*\)`)
	mdFigure      = regexp.MustCompile(`(?i)\[(figure|table)\]`)
	// mdFigurePanel matches a placeholder naming a part of the figure, as
	// in "[figure]**b**" or "[figure](a)".
	mdFigurePanel = regexp.MustCompile(
		`(?i)\[(figure|table)\][ \t]*(?:\(([a-z])\)|(?:\*\*|__)\(?([a-z])\)?(?:\*\*|__))`)
	mdLink     = regexp.MustCompile(`\[([^\]]+)\]\([^)]*\)`)
	mdRefLink  = regexp.MustCompile(`\[([^\]]+)\]\[[^\]]*\]`)
	mdAutolink = regexp.MustCompile(`<((?:https?|ftp|mailto):[^>\s]+)>`)
	mdTag      = regexp.MustCompile(`</?[A-Za-z][A-Za-z0-9-]*(?:\s[^<>]*)?/?>`)
	// mdStrong matches strong emphasis whose text holds no other mark of
	// the same kind, so that "**b**, then **c**" is two spans, not one.
	mdStrong = regexp.MustCompile(`\*\*([^*\s](?:[^*]*?[^*\s])?)\*\*|` +
		`__([^_\s](?:[^_]*?[^_\s])?)__`)
	mdEmStar  = regexp.MustCompile(`(^|[^\w*\\])\*(\S(?:[^*]*?\S)?)\*`)
	mdEmUnder = regexp.MustCompile(`(^|[^\w\\])_(\S(?:[^_]*?\S)?)_([^\w]|$)`)
	mdEscape  = regexp.MustCompile("\\\\([\\\\`*_{}\\[\\]()#+\\-.!|<>~])")
)

// inlineMarkdown removes inline Markdown syntax from s: links and images
// keep their text, emphasis marks and tags go, code spans keep their code.
func inlineMarkdown(s string) string {
	var out strings.Builder
	for s != "" {
		start := strings.IndexByte(s, '`')
		if start < 0 {
			out.WriteString(inlineProse(s))
			break
		}
		ticks := countPrefix(s[start:], '`')
		end := strings.Index(s[start+ticks:], s[start:start+ticks])
		if end < 0 {
			out.WriteString(inlineProse(s))
			break
		}
		out.WriteString(inlineProse(s[:start]))
		codeText := s[start+ticks : start+ticks+end]
		out.WriteString(strings.TrimSpace(strings.ReplaceAll(codeText, "\n", " ")))
		s = s[start+ticks+end+ticks:]
	}
	return out.String()
}

func inlineProse(s string) string {
	s = mdImage.ReplaceAllString(s, "$1")
	s = mdFigureParen.ReplaceAllString(s, "")
	s = mdFigurePanel.ReplaceAllString(s, "the $1 ($2$3)")
	s = mdFigure.ReplaceAllString(s, "the $1")
	s = mdLink.ReplaceAllString(s, "$1")
	s = mdRefLink.ReplaceAllString(s, "$1")
	s = mdAutolink.ReplaceAllString(s, "$1")
	s = mdTag.ReplaceAllString(s, "")
	for range 2 { // twice, for nested emphasis
		s = mdStrong.ReplaceAllString(s, "$1$2")
		s = mdEmStar.ReplaceAllString(s, "$1$2")
		s = mdEmUnder.ReplaceAllString(s, "$1$2$3")
	}
	return mdEscape.ReplaceAllString(s, "$1")
}

func countPrefix(s string, c byte) int {
	n := 0
	for n < len(s) && s[n] == c {
		n++
	}
	return n
}

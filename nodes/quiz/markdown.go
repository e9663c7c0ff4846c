package quiz

import (
	"bytes"
	"fmt"
	"regexp"
	"strings"

	"github.com/graphrun/graphrun/nodes/mcq"
)

// exportMarkdown writes one block per question: a heading, the stem on its
// own line, the options as a lettered list, the answer, the explanation
// and the source.
func exportMarkdown(buf *bytes.Buffer, quizName string, qs []mcq.Question) error {
	fmt.Fprintf(buf, "# %s\n", mdEscape(quizName))
	for i, q := range qs {
		fmt.Fprintf(buf, "\n## Question %d\n\n%s\n\n", i+1, mdEscape(q.Stem))
		for j, o := range q.Options {
			fmt.Fprintf(buf, "- **%s.** %s\n", letter(j), mdEscape(o))
		}
		if q.Answer >= 0 && q.Answer < len(q.Options) {
			fmt.Fprintf(buf, "\n**Answer:** %s. %s\n", letter(q.Answer),
				mdEscape(q.Options[q.Answer]))
		}
		if q.Explanation != "" {
			fmt.Fprintf(buf, "\n**Explanation:** %s\n", mdEscape(q.Explanation))
		}
		if src := sourceLine(q.Source); src != "" {
			fmt.Fprintf(buf, "\n**Source:** %s\n", mdEscape(src))
		}
	}
	return nil
}

// sourceLine describes where a question came from, in one line.
func sourceLine(s mcq.Source) string {
	var parts []string
	gen := s.Generator
	if s.Model != "" {
		model := s.Model
		if s.Provider != "" {
			model = s.Provider + "/" + model
		}
		gen = strings.TrimSpace(gen + " " + model)
	}
	for _, p := range []string{gen, s.Document} {
		if p != "" {
			parts = append(parts, p)
		}
	}
	if s.Chunk != "" {
		parts = append(parts, "chunk "+s.Chunk)
	}
	return strings.Join(parts, ", ")
}

// mdSpecial are the characters that can start markup anywhere in a line.
var mdSpecial = strings.NewReplacer(
	`\`, `\\`, "`", "\\`", "*", `\*`, "_", `\_`, "[", `\[`, "]", `\]`,
	"<", `\<`, ">", `\>`, "#", `\#`, "|", `\|`, "~", `\~`, "&", `\&`, "$", `\$`,
)

// mdLineStart matches what would make a line a list item, a heading
// underline or a quote: "-", "+", "=", "1." or "1)" at its start.
var mdLineStart = regexp.MustCompile(`^([-+=]|\d+[.)])`)

// mdEscape makes s a single line of Markdown that shows as s.
func mdEscape(s string) string {
	s = mdSpecial.Replace(oneLine(s))
	if m := mdLineStart.FindString(s); m != "" {
		s = m[:len(m)-1] + `\` + s[len(m)-1:]
	}
	return s
}

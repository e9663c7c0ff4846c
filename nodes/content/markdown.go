package content

import (
	"regexp"
	"strings"
)

var (
	atxHeading = regexp.MustCompile(`^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$`)
	fenceOpen  = regexp.MustCompile("^( {0,3})(`{3,}|~{3,})")
	fencedDiv  = regexp.MustCompile(`^ {0,3}:{3,}`)
	setextLine = regexp.MustCompile(`^ {0,3}(=+|-+)[ \t]*$`)
	thematic   = regexp.MustCompile(`^ {0,3}([-*_])(?:[ \t]*[-*_]){2,}[ \t]*$`)
	listItem   = regexp.MustCompile(`^[ \t]*(?:[-*+]|\d{1,9}[.)])[ \t]+(.*)$`)
	quoteMark  = regexp.MustCompile(`^[ \t]*(?:>[ \t]?)+`)
	tableRule  = regexp.MustCompile(
		`^[ \t]*\|?[ \t]*:?-{3,}:?[ \t]*(\|[ \t]*:?-{3,}:?[ \t]*)*\|?[ \t]*$`)
	glossaryItem = regexp.MustCompile(`^(?:\*\*|__)(.+?)(?:\*\*|__)[ \t]*[:—–-]?[ \t]*(.+)$`)
	frontTitle   = regexp.MustCompile(`^title:[ \t]*(.+?)[ \t]*$`)
)

// mdState holds what the Markdown converter carries from line to line.
type mdState struct {
	b        builder
	para     []string
	title    string
	glossary []Term

	fence     string // the open fence, or "" outside code
	fenceIndt int
	code      []string
	comment   bool // inside a multi-line HTML comment

	glossaryLevel int // level of the open glossary heading, or 0
}

// markdownText converts Markdown into clean text, returning the text, the
// title (front matter title or first heading) and the glossary entries
// found under a heading named "Glossary".
func markdownText(s string) (text, title string, glossary []Term) {
	lines := strings.Split(normalizeNewlines(s), "\n")
	st := &mdState{}
	lines = st.frontMatter(lines)
	for _, line := range lines {
		st.line(line)
	}
	if st.fence != "" {
		st.b.code(strings.Join(st.code, "\n"))
	}
	st.flush()
	return st.b.String(), st.title, st.glossary
}

// frontMatter drops a leading YAML block, keeping its title.
func (st *mdState) frontMatter(lines []string) []string {
	if len(lines) == 0 || strings.TrimSpace(lines[0]) != "---" {
		return lines
	}
	for i := 1; i < len(lines); i++ {
		l := strings.TrimSpace(lines[i])
		if l == "---" || l == "..." {
			for _, fm := range lines[1:i] {
				if m := frontTitle.FindStringSubmatch(fm); m != nil {
					st.title = strings.Trim(m[1], `"'`)
				}
			}
			return lines[i+1:]
		}
	}
	return lines
}

func (st *mdState) line(line string) {
	if st.fence != "" {
		st.codeLine(line)
		return
	}
	line = st.stripComments(line)
	if m := fenceOpen.FindStringSubmatch(line); m != nil && !st.comment {
		st.flush()
		st.fence, st.fenceIndt = m[2], len(m[1])
		st.code = st.code[:0]
		return
	}
	line = quoteMark.ReplaceAllString(line, "")
	trimmed := strings.TrimSpace(line)
	switch {
	case trimmed == "":
		st.flush()
	case fencedDiv.MatchString(line):
		st.flush()
	case atxHeading.MatchString(line):
		m := atxHeading.FindStringSubmatch(line)
		st.flush()
		st.heading(len(m[1]), m[2])
	case setextLine.MatchString(line) && len(st.para) == 1 && !listItem.MatchString(st.para[0]):
		level := 1
		if strings.HasPrefix(trimmed, "-") {
			level = 2
		}
		text := st.para[0]
		st.para = st.para[:0]
		st.heading(level, text)
	case thematic.MatchString(line), tableRule.MatchString(line):
		st.flush()
	case listItem.MatchString(line):
		st.flush()
		item := listItem.FindStringSubmatch(line)[1]
		st.glossaryEntry(item)
		st.para = append(st.para, item)
	case strings.HasPrefix(trimmed, "|"):
		st.flush()
		st.para = append(st.para, strings.ReplaceAll(strings.Trim(trimmed, "|"), "|", " · "))
		st.flush()
	default:
		st.para = append(st.para, trimmed)
	}
}

func (st *mdState) codeLine(line string) {
	t := strings.TrimSpace(line)
	if strings.HasPrefix(t, st.fence) && strings.Trim(t, st.fence[:1]) == "" {
		st.b.code(strings.Join(st.code, "\n"))
		st.fence = ""
		return
	}
	// Remove up to the fence's own indentation from each code line.
	for i := 0; i < st.fenceIndt && strings.HasPrefix(line, " "); i++ {
		line = line[1:]
	}
	st.code = append(st.code, line)
}

// stripComments removes HTML comments, which may span lines.
func (st *mdState) stripComments(line string) string {
	var out strings.Builder
	for line != "" {
		if st.comment {
			end := strings.Index(line, "-->")
			if end < 0 {
				return out.String()
			}
			line, st.comment = line[end+3:], false
			continue
		}
		start := strings.Index(line, "<!--")
		if start < 0 {
			out.WriteString(line)
			break
		}
		out.WriteString(line[:start])
		line, st.comment = line[start+4:], true
	}
	return out.String()
}

func (st *mdState) heading(level int, raw string) {
	text := inlineMarkdown(raw)
	if st.title == "" {
		st.title = collapseSpace(text)
	}
	switch {
	case strings.EqualFold(strings.TrimSpace(text), "glossary"):
		st.glossaryLevel = level
	case level <= st.glossaryLevel:
		st.glossaryLevel = 0
	}
	st.b.heading(level, text)
}

// glossaryEntry records a "**term**: definition" list item under a
// glossary heading.
func (st *mdState) glossaryEntry(item string) {
	if st.glossaryLevel == 0 {
		return
	}
	m := glossaryItem.FindStringSubmatch(strings.TrimSpace(item))
	if m == nil {
		return
	}
	term := collapseSpace(inlineMarkdown(m[1]))
	def := collapseSpace(inlineMarkdown(m[2]))
	term = strings.TrimRight(term, ":")
	if term != "" && def != "" {
		st.glossary = append(st.glossary, Term{Term: term, Definition: def})
	}
}

func (st *mdState) flush() {
	if len(st.para) == 0 {
		return
	}
	st.b.para(inlineMarkdown(strings.Join(st.para, "\n")))
	st.para = st.para[:0]
}

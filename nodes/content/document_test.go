package content

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var examples = []struct {
	file   string
	format Format
	title  string
}{
	{"biology_openstax-biology-2e_4-3-eukaryotic-cells.md", Markdown,
		"Biology 2e — Section 4.3: Eukaryotic Cells"},
	{"physics_openstax-college-physics-2e_ch04-newtons-laws.md", Markdown,
		"College Physics 2e — Chapter 4"},
	{"cs_swcarpentry-shell-novice_04-pipefilter.md", Markdown, "Pipes and Filters"},
	{"civics_us-constitution.txt", Text, "PREAMBLE"},
	{"cs_good-enough-practices-scientific-computing.pdf", PDF,
		"Good Enough Practices in Scientific Computing"},
	{"cs_sicp-1.1-elements-of-programming.xhtml", HTML,
		"Structure and Interpretation of Computer Programs"},
}

func examplePath(file string) string { return filepath.Join("..", "..", "examples", file) }

func loadExample(t testing.TB, file string) *Document {
	t.Helper()
	doc, err := Load(examplePath(file), Options{})
	require.NoError(t, err)
	return doc
}

func TestEveryExampleLoadsAndChunks(t *testing.T) {
	for _, ex := range examples {
		t.Run(ex.file+" loads as "+string(ex.format), func(t *testing.T) {
			doc := loadExample(t, ex.file)
			assert.Equal(t, ex.format, doc.Format)
			assert.Contains(t, doc.Title, ex.title)
			assert.Greater(t, len(strings.Fields(doc.Text)), 2000)

			chunks := Split(doc, 0)
			require.GreaterOrEqual(t, len(chunks), 5)
			for i, c := range chunks {
				assert.Equal(t, i, c.Index)
				assert.GreaterOrEqual(t, len(strings.Fields(c.Text)), 5, "chunk %d", i)
				assert.Equal(t, EstimateTokens(c.Text), c.Tokens)
			}
		})
	}
}

func TestHTMLDropsScriptsAndNavigationAndKeepsCode(t *testing.T) {
	doc := loadExample(t, "cs_sicp-1.1-elements-of-programming.xhtml")
	for _, gone := range []string{"jquery", "Next: 1.2", "Prev: Chapter 1", "Jump to top", "⇡"} {
		assert.NotContains(t, doc.Text, gone)
	}
	assert.Contains(t, doc.Text, "```\n(+ 137 349)\n486")
	assert.Contains(t, doc.Text, "(define (square x) (* x x))")
	assert.Contains(t, doc.Text, "#### 1.1.1 Expressions")
	assert.Contains(t, doc.Text, "building procedures. In later chapters",
		"footnote marks are dropped")
}

func TestParseHTML(t *testing.T) {
	tests := []struct {
		name, in string
		want     []string
		absent   []string
	}{
		{"headings become hash lines and paragraphs stay apart",
			"<html><body><h2>Cells</h2><p>One.</p><ul><li>Two</li><li>Three</li></ul></body></html>",
			[]string{"## Cells\n\nOne.\n\nTwo\n\nThree"}, nil},
		{"navigation by role, header and footer are dropped",
			`<html><body><header>Site</header><div role="navigation">Menu</div>` +
				`<p>Body text here.</p><footer>Copyright</footer></body></html>`,
			[]string{"Body text here."}, []string{"Site", "Menu", "Copyright"}},
		{"white space collapses and entities decode",
			"<html><body><p>a\n   b&amp;c&nbsp;d</p></body></html>",
			[]string{"a b&c d"}, nil},
		{"preformatted text keeps its lines",
			"<html><body><pre>if x:\n    y()\n</pre></body></html>",
			[]string{"```\nif x:\n    y()\n```"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc, err := Parse([]byte(tt.in), "page.html", Options{})
			require.NoError(t, err)
			for _, w := range tt.want {
				assert.Contains(t, doc.Text, w)
			}
			for _, a := range tt.absent {
				assert.NotContains(t, doc.Text, a)
			}
		})
	}
}

func TestParseMarkdown(t *testing.T) {
	tests := []struct {
		name, in string
		want     []string
		absent   []string
	}{
		{"front matter is dropped and gives the title",
			"---\ntitle: \"Pipes\"\nteaching: 25\n---\nSome text here.\n",
			[]string{"Some text here."}, []string{"teaching"}},
		{"a hash inside a code fence is not a heading",
			"# Title\n\n```bash\n# a comment\n\nls\n```\n\nAfter.\n",
			[]string{"# Title", "```\n# a comment\n\nls\n```", "After."}, nil},
		{"fenced div markers go and their content stays",
			"::::: challenge\n\n## Question\n\nWhat is it?\n\n:::::\n",
			[]string{"## Question\n\nWhat is it?"}, []string{":::", "challenge"}},
		{"links and images keep their text",
			"See [the docs](http://x.org) and ![a cat](cat.png) and <http://y.org>.\n",
			[]string{"See the docs and a cat and http://y.org."}, []string{"](", "!["}},
		{"comments are dropped even across lines",
			"Keep <!-- drop\nthis --> this.\n",
			[]string{"Keep this."}, []string{"drop"}},
		{"emphasis marks and code spans are removed",
			"A **bold** and *em* and `snake_case` and __strong__ word.\n",
			[]string{"A bold and em and snake_case and strong word."}, nil},
		{"hard-wrapped lines join into one paragraph",
			"one\ntwo\n\nthree\n",
			[]string{"one two\n\nthree"}, nil},
		{"setext headings become hash headings",
			"Title\n=====\n\nText.\n",
			[]string{"# Title\n\nText."}, nil},
		{"figure placeholders in parentheses are dropped",
			"The membrane ([figure]) is thin, as in [figure].\n",
			[]string{"The membrane is thin, as in the figure."}, nil},
		{"a figure placeholder naming a part keeps the part's letter",
			"If you examine [figure]**b**, the diagram, and [figure](a), you see the **cell wall**.\n",
			[]string{"If you examine the figure (b), the diagram, and the figure (a), " +
				"you see the cell wall."}, []string{"*", "["}},
		{"strong spans of one letter in a line are removed one by one",
			"Part **a** is the nucleus, and part **b** is the **nucleolus**.\n",
			[]string{"Part a is the nucleus, and part b is the nucleolus."}, []string{"*"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc, err := Parse([]byte(tt.in), "lesson.md", Options{})
			require.NoError(t, err)
			for _, w := range tt.want {
				assert.Contains(t, doc.Text, w)
			}
			for _, a := range tt.absent {
				assert.NotContains(t, doc.Text, a)
			}
		})
	}
}

func TestMarkdownGlossary(t *testing.T) {
	doc := loadExample(t, "biology_openstax-biology-2e_4-3-eukaryotic-cells.md")
	require.Len(t, doc.Glossary, 22)
	assert.Equal(t, Term{Term: "cell wall", Definition: "rigid cell covering made of various " +
		"molecules that protects the cell, provides structural support, and gives shape to " +
		"the cell"}, doc.Glossary[0])

	physics := loadExample(t, "physics_openstax-college-physics-2e_ch04-newtons-laws.md")
	assert.Greater(t, len(physics.Glossary), 15, "every glossary section counts")
}

func TestDetect(t *testing.T) {
	tests := []struct {
		name, file, data string
		want             Format
	}{
		{"PDF magic wins over the name", "notes.txt", "%PDF-1.4\n", PDF},
		{"a doctype is HTML whatever the name", "notes.txt", "<!DOCTYPE html><p>x", HTML},
		{"XHTML after an XML declaration is HTML", "a.xml",
			"<?xml version=\"1.0\"?>\n<html xmlns=\"x\"><p>x</p></html>", HTML},
		{"an html extension with markup is HTML", "a.htm", "<p>hello</p>", HTML},
		{"an md extension is Markdown", "a.md", "plain words", Markdown},
		{"front matter is Markdown", "a", "---\ntitle: x\n---\nhi", Markdown},
		{"headings and fences are Markdown", "a.txt", "# One\n\n```\ncode\n```\n", Markdown},
		{"prose is text", "a.txt", "Just some words.\nAnd more.", Text},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, Detect([]byte(tt.data), tt.file))
		})
	}
}

func TestTextFileHoldingHTMLIsParsedAsHTML(t *testing.T) {
	doc, err := Load(filepath.Join("..", "..", "testdata", "documents", "html-named.txt"), Options{})
	require.NoError(t, err)
	assert.Equal(t, HTML, doc.Format)
	assert.Equal(t, "# Cells\n\nThe nucleus holds DNA.", doc.Text)
}

func TestPlainTextCapitalLinesAreHeadings(t *testing.T) {
	doc, err := Parse([]byte("ARTICLE I\n\nAll legislative\nPowers.\n\nNot A Heading\n"),
		"c.txt", Options{})
	require.NoError(t, err)
	assert.Equal(t, "# ARTICLE I\n\nAll legislative Powers.\n\nNot A Heading", doc.Text)
}

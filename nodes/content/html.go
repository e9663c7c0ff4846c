package content

import (
	"bytes"
	"strings"
	"unicode"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// skipped lists elements whose text never belongs to the document's prose.
var skipped = map[atom.Atom]bool{
	atom.Script: true, atom.Style: true, atom.Nav: true, atom.Header: true,
	atom.Footer: true, atom.Noscript: true, atom.Template: true,
	atom.Iframe: true, atom.Svg: true, atom.Button: true, atom.Select: true,
}

// blockLevel lists elements that end the paragraph before them and start
// a new one after them.
var blockLevel = map[atom.Atom]bool{
	atom.P: true, atom.Div: true, atom.Section: true, atom.Article: true,
	atom.Main: true, atom.Aside: true, atom.Li: true, atom.Ul: true,
	atom.Ol: true, atom.Dl: true, atom.Dt: true, atom.Dd: true,
	atom.Blockquote: true, atom.Table: true, atom.Tr: true, atom.Td: true,
	atom.Th: true, atom.Figure: true, atom.Figcaption: true, atom.Hr: true,
	atom.Body: true, atom.Form: true, atom.Address: true, atom.Details: true,
	atom.Summary: true, atom.Caption: true,
}

var headingLevel = map[atom.Atom]int{
	atom.H1: 1, atom.H2: 2, atom.H3: 3, atom.H4: 4, atom.H5: 5, atom.H6: 6,
}

// htmlWalker turns an HTML tree into blocks.
type htmlWalker struct {
	b       builder
	inline  strings.Builder
	title   string
	heading string
}

// htmlText extracts the prose of an HTML or XHTML document and its title.
func htmlText(data []byte) (text, title string, err error) {
	root, err := html.Parse(bytes.NewReader(stripBOM(data)))
	if err != nil {
		return "", "", err
	}
	w := &htmlWalker{}
	w.walk(root)
	w.flush()
	title = w.title
	if title == "" {
		title = w.heading
	}
	return w.b.String(), title, nil
}

func (w *htmlWalker) walk(n *html.Node) {
	switch n.Type {
	case html.TextNode:
		w.inline.WriteString(n.Data)
		return
	case html.ElementNode:
		if w.element(n) {
			return
		}
	case html.CommentNode, html.DoctypeNode:
		return
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		w.walk(c)
	}
}

// element handles n and reports whether its children are done.
func (w *htmlWalker) element(n *html.Node) bool {
	if skipped[n.DataAtom] || attr(n, "role") == "navigation" || hasAttr(n, "hidden") {
		return true
	}
	switch {
	case n.DataAtom == atom.Title:
		if w.title == "" {
			w.title = collapseSpace(textOf(n))
		}
		return true
	case n.DataAtom == atom.Head:
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			if c.DataAtom == atom.Title {
				w.element(c)
			}
		}
		return true
	case n.DataAtom == atom.Pre:
		w.flush()
		w.b.code(textOf(n))
		return true
	case n.DataAtom == atom.Sup && !hasWords(strings.Map(keepLetters, textOf(n))):
		return true // a footnote mark
	case headingLevel[n.DataAtom] > 0:
		w.flush()
		text := collapseSpace(spacedTextOf(n))
		if w.heading == "" {
			w.heading = text
		}
		w.b.heading(headingLevel[n.DataAtom], text)
		return true
	case n.DataAtom == atom.Br:
		w.inline.WriteByte('\n')
		return true
	case n.DataAtom == atom.Img:
		return true
	case blockLevel[n.DataAtom]:
		w.flush()
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			w.walk(c)
		}
		w.flush()
		return true
	}
	return false
}

func (w *htmlWalker) flush() {
	text := collapseSpace(w.inline.String())
	w.inline.Reset()
	if hasWords(text) {
		w.b.para(text)
	}
}

// textOf returns the text of n and its descendants, skipping scripts.
func textOf(n *html.Node) string {
	var b strings.Builder
	var visit func(*html.Node)
	visit = func(n *html.Node) {
		if n.Type == html.TextNode {
			b.WriteString(n.Data)
			return
		}
		if n.Type == html.ElementNode && skipped[n.DataAtom] {
			return
		}
		if n.Type == html.ElementNode && n.DataAtom == atom.Br {
			b.WriteByte('\n')
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			visit(c)
		}
	}
	visit(n)
	return b.String()
}

// spacedTextOf is textOf with a space between sibling elements, for
// headings whose parts (a number, a title) sit in adjacent spans.
func spacedTextOf(n *html.Node) string {
	var parts []string
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		parts = append(parts, textOf(c))
	}
	return strings.Join(parts, " ")
}

// keepLetters maps every rune but letters to -1, for [strings.Map].
func keepLetters(r rune) rune {
	if unicode.IsLetter(r) {
		return r
	}
	return -1
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Namespace == "" && strings.EqualFold(a.Key, key) {
			return strings.ToLower(strings.TrimSpace(a.Val))
		}
	}
	return ""
}

func hasAttr(n *html.Node, key string) bool {
	for _, a := range n.Attr {
		if a.Namespace == "" && strings.EqualFold(a.Key, key) {
			return true
		}
	}
	return false
}

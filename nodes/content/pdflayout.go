package content

import (
	"math"
	"slices"
	"strings"
	"unicode"

	"github.com/ledongthuc/pdf"
)

// pdfLine is one line of text on a page.
type pdfLine struct {
	text string
	x, y float64
	size float64 // the size of most of its characters
}

// key identifies a line for finding running headers and footers: its text
// without digits, in lowercase.
func (l pdfLine) key() string {
	return strings.ToLower(collapseSpace(strings.Map(func(r rune) rune {
		if unicode.IsDigit(r) {
			return ' '
		}
		return r
	}, l.text)))
}

// pdfWord is a run of glyphs without a gap.
type pdfWord struct {
	text  strings.Builder
	size  float64
	x     float64
	glued bool // no space before it: it only changed font size
}

// pageLines groups the glyphs of p into lines of words.
func pageLines(p pdf.Page) []pdfLine {
	glyphs := pageGlyphs(p)
	body := dominantSize(glyphs)
	var lines []pdfLine
	var words []*pdfWord
	var last glyph
	var lineY, lineSize float64
	end := func() {
		if l, ok := makeLine(words, body, lineY); ok {
			lines = append(lines, l)
		}
		words = nil
	}
	for i, g := range glyphs {
		size := max(g.size, lineSize, 1)
		newLine := i == 0 || math.Abs(g.y-lineY) > 0.6*size || g.x < last.x-2*size
		if newLine {
			end()
			lineY, lineSize = g.y, g.size
		}
		gap := g.x - (last.x + last.w)
		if g.s == " " {
			last = g
			last.w = max(last.w, 0.25*size)
			continue
		}
		spaced := newLine || gap > 0.15*max(g.size, last.size) || len(words) == 0
		if spaced || resized(words[len(words)-1].size, g.size) {
			words = append(words, &pdfWord{size: g.size, x: g.x, glued: !spaced})
		}
		wd := words[len(words)-1]
		wd.text.WriteString(g.s)
		if wd.size < g.size {
			wd.size = g.size
		}
		if g.size > lineSize {
			lineSize, lineY = g.size, g.y
		}
		last = g
	}
	end()
	return lines
}

// makeLine joins words into a line, dropping superscripts without letters
// (footnote marks, citation numbers) and line numbers in a smaller font.
func makeLine(words []*pdfWord, body, y float64) (pdfLine, bool) {
	var b strings.Builder
	sizes := map[float64]int{}
	x := math.Inf(1)
	for _, w := range words {
		text := w.text.String()
		small := body > 0 && w.size < 0.8*body
		if small && !strings.ContainsFunc(text, unicode.IsLetter) {
			continue
		}
		if !w.glued && b.Len() > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(text)
		sizes[math.Round(w.size*2)/2] += len(text)
		x = min(x, w.x)
	}
	text := collapseSpace(b.String())
	if text == "" {
		return pdfLine{}, false
	}
	return pdfLine{text: text, x: x, y: y, size: mostCommon(sizes)}, true
}

// resized reports whether two font sizes differ by more than a tenth.
func resized(a, b float64) bool {
	return math.Abs(a-b) > 0.1*max(a, b)
}

func dominantSize(glyphs []glyph) float64 {
	sizes := map[float64]int{}
	for _, g := range glyphs {
		sizes[math.Round(g.size*2)/2]++
	}
	return mostCommon(sizes)
}

// mostCommon returns the key with the largest count, the smaller key on
// ties, so the result does not depend on map order.
func mostCommon(counts map[float64]int) float64 {
	best, bestN := 0.0, 0
	for k, n := range counts {
		if n > bestN || (n == bestN && k < best) {
			best, bestN = k, n
		}
	}
	return best
}

// bodySize returns the most common line size over all pages.
func bodySize(pages [][]pdfLine) float64 {
	sizes := map[float64]int{}
	for _, lines := range pages {
		for _, l := range lines {
			sizes[l.size] += len(l.text)
		}
	}
	return mostCommon(sizes)
}

// lineGap returns the median distance between consecutive baselines.
func lineGap(lines []pdfLine) float64 {
	var gaps []float64
	for i := 1; i < len(lines); i++ {
		if dy := lines[i-1].y - lines[i].y; dy > 0 {
			gaps = append(gaps, dy)
		}
	}
	if len(gaps) == 0 {
		return 0
	}
	slices.Sort(gaps)
	return gaps[len(gaps)/2]
}

// runningLines returns the keys of short lines found on more than half of
// the pages of a document of three pages or more.
func runningLines(pages [][]pdfLine) map[string]bool {
	out := map[string]bool{}
	if len(pages) < 3 {
		return out
	}
	count := map[string]int{}
	for _, lines := range pages {
		seen := map[string]bool{}
		for _, l := range lines {
			if k := l.key(); len(l.text) < 80 && !seen[k] {
				seen[k] = true
				count[k]++
			}
		}
	}
	for k, n := range count {
		if n*2 > len(pages) {
			out[k] = true
		}
	}
	return out
}

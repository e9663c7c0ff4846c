package content

import (
	"bytes"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/ledongthuc/pdf"
)

// pdfText extracts the text of a PDF page by page and returns it with the
// title from the document information, if any.
//
// Text comes from the glyphs the pages draw, placed by their positions:
// words are separated where the gap between glyphs is wider than a fraction
// of the font size, lines are grouped by baseline, paragraphs break at wide
// line gaps, and lines in a font clearly larger than the body text become
// headings. Fonts without a Unicode map are decoded with their declared
// encoding, or with the TeX OT1 and T1 encodings for TeX's Computer Modern
// and cm-super fonts. Line numbers in the margin and running headers and
// footers repeated on most pages are dropped.
//
// Limits: text in form XObjects and annotations is not read; multi-column
// layouts come out in drawing order, which is usually but not always
// reading order; composite (CID) fonts without a Unicode map, and symbol
// fonts, may give wrong characters; a scanned PDF gives no text at all and
// fails with [ErrNoText].
func pdfText(data []byte, name string) (text, title string, err error) {
	defer func() {
		if p := recover(); p != nil {
			text, title = "", ""
			err = &DocumentError{Path: name, Kind: ErrMalformed,
				Reason: fmt.Sprintf("the PDF is damaged and cannot be read (%v)", p),
				Hint:   "open it in a PDF viewer and save or print it to a new PDF"}
		}
	}()

	r, err := pdf.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return "", "", pdfOpenError(data, name, err)
	}
	pages := make([][]pdfLine, 0, r.NumPage())
	for i := 1; i <= r.NumPage(); i++ {
		p := r.Page(i)
		if p.V.IsNull() {
			continue
		}
		pages = append(pages, pageLines(p))
	}
	text = layoutPages(pages)
	if !hasWords(text) {
		return "", "", docError(name, ErrNoText,
			"the PDF has no text layer (it looks scanned or image-only)",
			"run OCR on it first, or give the text in another format")
	}
	return text, pdfTitle(r), nil
}

func pdfOpenError(data []byte, name string, err error) error {
	if errors.Is(err, pdf.ErrInvalidPassword) || bytes.Contains(data, []byte("/Encrypt")) {
		return &DocumentError{Path: name, Kind: ErrEncrypted,
			Reason: "the PDF is encrypted",
			Hint:   "decrypt it (for example with qpdf --decrypt) or export the text first",
			Err:    err}
	}
	if strings.Contains(err.Error(), "missing %%EOF") {
		// The reader's message quotes the raw marker, whose two percent
		// signs read as a formatting slip; say what it means instead.
		return &DocumentError{Path: name, Kind: ErrMalformed,
			Reason: "the PDF is cut short: its end-of-file marker is missing",
			Hint:   "the file may be an incomplete download or copy; fetch it again", Err: err}
	}
	return &DocumentError{Path: name, Kind: ErrMalformed,
		Reason: fmt.Sprintf("the PDF cannot be opened (%v)", err),
		Hint:   "open it in a PDF viewer and save or print it to a new PDF", Err: err}
}

func pdfTitle(r *pdf.Reader) string {
	info := r.Trailer().Key("Info")
	if info.IsNull() {
		return ""
	}
	return collapseSpace(info.Key("Title").Text())
}

// layoutPages joins the pages' lines into paragraphs and headings,
// dropping lines repeated on most pages.
func layoutPages(pages [][]pdfLine) string {
	repeated := runningLines(pages)
	body := bodySize(pages)
	levels := headingLevels(pages, body)
	var b builder
	var para []string
	var head pdfLine // a heading waiting for its next line, if any
	flush := func() {
		if head.text != "" {
			b.heading(levels[head.size], head.text)
			head = pdfLine{}
		}
		b.para(joinHyphenated(para))
		para = para[:0]
	}
	for _, lines := range pages {
		gap := lineGap(lines)
		for i, l := range lines {
			if repeated[l.key()] {
				continue
			}
			if levels[l.size] > 0 {
				if head.text != "" && head.size == l.size && len(para) == 0 {
					head.text += " " + l.text
					continue
				}
				flush()
				head = l
				continue
			}
			switch {
			case i > 0 && breaksParagraph(lines[i-1], l, gap):
				flush()
			case i == 0 && len(para) > 0 && pageBreaksParagraph(para[len(para)-1], l.text):
				flush()
			}
			para = append(para, l.text)
		}
	}
	flush()
	return b.String()
}

// headingLevels maps the sizes of short lines clearly larger than the body
// text to heading levels, the largest size first, at most three levels.
func headingLevels(pages [][]pdfLine, body float64) map[float64]int {
	var sizes []float64
	for _, lines := range pages {
		for _, l := range lines {
			if l.size >= body*1.15 && len(l.text) < 120 && !slices.Contains(sizes, l.size) {
				sizes = append(sizes, l.size)
			}
		}
	}
	slices.Sort(sizes)
	slices.Reverse(sizes)
	levels := map[float64]int{}
	for i, s := range sizes {
		levels[s] = min(i+1, 3)
	}
	return levels
}

// breaksParagraph reports whether a paragraph ends between prev and cur.
func breaksParagraph(prev, cur pdfLine, gap float64) bool {
	dy := prev.y - cur.y
	if dy < 0 || (gap > 0 && dy > gap*1.4) {
		return true
	}
	// An indented first line after a short line ending a sentence.
	return strings.HasSuffix(prev.text, ".") && cur.x > prev.x+prev.size*0.8
}

// pageBreaksParagraph reports whether a paragraph ends at a page break:
// when the page's last line ends a sentence and the next page's first line
// starts one.
func pageBreaksParagraph(last, next string) bool {
	return strings.HasSuffix(last, ".") && !strings.HasSuffix(last, "e.") &&
		startsSentence(next)
}

// joinHyphenated joins lines with spaces, rejoining words hyphenated at a
// line end when the next line goes on in lowercase.
func joinHyphenated(lines []string) string {
	var b strings.Builder
	for i, l := range lines {
		if i > 0 {
			prev := lines[i-1]
			if hyphenated(prev, l) {
				s := b.String()
				b.Reset()
				b.WriteString(s[:len(s)-1])
			} else {
				b.WriteByte(' ')
			}
		}
		b.WriteString(l)
	}
	return b.String()
}

func hyphenated(prev, next string) bool {
	n := len(prev)
	if n < 2 || prev[n-1] != '-' || next == "" {
		return false
	}
	before, after := prev[n-2], next[0]
	return before >= 'a' && before <= 'z' && after >= 'a' && after <= 'z'
}

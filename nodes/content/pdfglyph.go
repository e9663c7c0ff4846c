package content

import (
	"math"
	"strings"

	"github.com/ledongthuc/pdf"
)

// glyph is one decoded character drawn on a page, in user space.
type glyph struct {
	s       string
	x, y, w float64
	size    float64
}

// matrix is a PDF transformation matrix [a b c d e f].
type matrix [6]float64

var identity = matrix{1, 0, 0, 1, 0, 0}

// mul returns m × n.
func (m matrix) mul(n matrix) matrix {
	return matrix{
		m[0]*n[0] + m[1]*n[2], m[0]*n[1] + m[1]*n[3],
		m[2]*n[0] + m[3]*n[2], m[2]*n[1] + m[3]*n[3],
		m[4]*n[0] + m[5]*n[2] + n[4], m[4]*n[1] + m[5]*n[3] + n[5],
	}
}

// textState is the part of the graphics state that places glyphs.
type textState struct {
	ctm, tm, tlm              matrix
	tc, tw, th, tl, tfs, rise float64
	font                      *pdfFont
}

// glyphWalker interprets a page's content stream and collects its glyphs.
type glyphWalker struct {
	page   pdf.Page
	fonts  map[string]*pdfFont
	st     textState
	stack  []textState
	glyphs []glyph
}

// pageGlyphs returns the glyphs page p draws, in drawing order.
func pageGlyphs(p pdf.Page) []glyph {
	contents := p.V.Key("Contents")
	if contents.IsNull() {
		return nil
	}
	w := &glyphWalker{page: p, fonts: map[string]*pdfFont{}}
	w.st = textState{ctm: identity, tm: identity, tlm: identity, th: 1}
	pdf.Interpret(contents, w.op)
	return w.glyphs
}

func (w *glyphWalker) op(stk *pdf.Stack, op string) {
	args := make([]pdf.Value, stk.Len())
	for i := len(args) - 1; i >= 0; i-- {
		args[i] = stk.Pop()
	}
	st := &w.st
	num := func(i int) float64 {
		if i < len(args) {
			return args[i].Float64()
		}
		return 0
	}
	switch op {
	case "q":
		w.stack = append(w.stack, w.st)
	case "Q":
		if n := len(w.stack); n > 0 {
			w.st, w.stack = w.stack[n-1], w.stack[:n-1]
		}
	case "cm":
		if len(args) == 6 {
			st.ctm = toMatrix(args).mul(st.ctm)
		}
	case "BT":
		st.tm, st.tlm = identity, identity
	case "Tc":
		st.tc = num(0)
	case "Tw":
		st.tw = num(0)
	case "Tz":
		st.th = num(0) / 100
	case "TL":
		st.tl = num(0)
	case "Ts":
		st.rise = num(0)
	case "Tf":
		if len(args) == 2 {
			st.font = w.font(args[0].Name())
			st.tfs = args[1].Float64()
		}
	case "Td", "TD":
		if op == "TD" {
			st.tl = -num(1)
		}
		w.moveLine(num(0), num(1))
	case "Tm":
		if len(args) == 6 {
			st.tm = toMatrix(args)
			st.tlm = st.tm
		}
	case "T*":
		w.moveLine(0, -st.tl)
	case "Tj":
		if len(args) == 1 {
			w.show(args[0].RawString())
		}
	case "'":
		w.moveLine(0, -st.tl)
		if len(args) == 1 {
			w.show(args[0].RawString())
		}
	case "\"":
		if len(args) == 3 {
			st.tw, st.tc = num(0), num(1)
			w.moveLine(0, -st.tl)
			w.show(args[2].RawString())
		}
	case "TJ":
		if len(args) == 1 {
			w.showArray(args[0])
		}
	}
}

func toMatrix(args []pdf.Value) matrix {
	var m matrix
	for i := range m {
		m[i] = args[i].Float64()
	}
	return m
}

func (w *glyphWalker) moveLine(tx, ty float64) {
	w.st.tlm = matrix{1, 0, 0, 1, tx, ty}.mul(w.st.tlm)
	w.st.tm = w.st.tlm
}

func (w *glyphWalker) showArray(v pdf.Value) {
	for i := 0; i < v.Len(); i++ {
		x := v.Index(i)
		if x.Kind() == pdf.String {
			w.show(x.RawString())
			continue
		}
		w.advance(-x.Float64() / 1000 * w.st.tfs * w.st.th)
	}
}

func (w *glyphWalker) advance(tx float64) {
	w.st.tm = matrix{1, 0, 0, 1, tx, 0}.mul(w.st.tm)
}

// show places the glyphs of one string.
func (w *glyphWalker) show(raw string) {
	st := &w.st
	f := st.font
	if f == nil {
		return
	}
	for _, code := range f.codes(raw) {
		m := st.tm.mul(st.ctm)
		scale := math.Hypot(m[0], m[1])
		w0 := f.width(code)
		text := f.decode(code)
		adv := w0 * st.tfs
		if text == " " && !f.twoByte {
			adv += st.tw
		}
		if text != "" {
			w.glyphs = append(w.glyphs, glyph{
				s:    text,
				x:    m[4] + st.rise*m[2],
				y:    m[5] + st.rise*m[3],
				w:    w0 * st.tfs * st.th * scale,
				size: st.tfs * math.Hypot(m[2], m[3]),
			})
		}
		w.advance((adv + st.tc) * st.th)
	}
}

func (w *glyphWalker) font(name string) *pdfFont {
	if f, ok := w.fonts[name]; ok {
		return f
	}
	f := newPDFFont(w.page.Font(name))
	w.fonts[name] = f
	return f
}

// pdfFont decodes the character codes of one font.
type pdfFont struct {
	f       pdf.Font
	first   int
	widths  []float64
	enc     pdf.TextEncoding
	tex     *[256]string
	diffs   map[int]bool
	twoByte bool
}

func newPDFFont(f pdf.Font) *pdfFont {
	pf := &pdfFont{f: f, twoByte: f.V.Key("Subtype").Name() == "Type0"}
	pf.first, pf.widths = f.FirstChar(), f.Widths()
	pf.enc = f.Encoder()
	if pf.enc == nil {
		pf.enc = rawEncoding{}
	}
	if f.V.Key("ToUnicode").Kind() == pdf.Stream || pf.twoByte {
		return pf
	}
	enc := f.V.Key("Encoding")
	if enc.Kind() == pdf.Name {
		return pf
	}
	pf.tex = texEncoding(f.BaseFont())
	pf.diffs = map[int]bool{}
	diffs := enc.Key("Differences")
	code := 0
	for i := 0; i < diffs.Len(); i++ {
		d := diffs.Index(i)
		if d.Kind() == pdf.Integer {
			code = int(d.Int64())
			continue
		}
		pf.diffs[code] = true
		code++
	}
	return pf
}

// codes splits raw into character codes: bytes, or byte pairs for
// composite fonts.
func (f *pdfFont) codes(raw string) []int {
	step := 1
	if f.twoByte {
		step = 2
	}
	codes := make([]int, 0, len(raw)/step)
	for i := 0; i+step <= len(raw); i += step {
		c := int(raw[i])
		if step == 2 {
			c = c<<8 | int(raw[i+1])
		}
		codes = append(codes, c)
	}
	return codes
}

// width returns the advance of code in text space units of one em.
func (f *pdfFont) width(code int) float64 {
	if f.twoByte {
		return 0.5 // composite fonts: widths live elsewhere; assume half an em
	}
	if i := code - f.first; i >= 0 && i < len(f.widths) && f.widths[i] > 0 {
		return f.widths[i] / 1000
	}
	return 0.5
}

func (f *pdfFont) decode(code int) string {
	if f.tex != nil && code < 256 && !f.diffs[code] && f.tex[code] != "" {
		if f.tex[code] == "\x00" {
			return ""
		}
		return f.tex[code]
	}
	var raw string
	if f.twoByte {
		raw = string([]byte{byte(code >> 8), byte(code)})
	} else {
		raw = string([]byte{byte(code)})
	}
	s := strings.Map(func(r rune) rune {
		if r == '\uFFFD' || r < ' ' {
			return -1
		}
		return r
	}, f.enc.Decode(raw))
	return s
}

// rawEncoding decodes bytes as Latin-1 when a font has no known encoding.
type rawEncoding struct{}

func (rawEncoding) Decode(raw string) string {
	r := make([]rune, len(raw))
	for i := 0; i < len(raw); i++ {
		r[i] = rune(raw[i])
	}
	return string(r)
}

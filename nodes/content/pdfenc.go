package content

import "strings"

// drop marks a code whose glyph is an accent or spacing mark with no text
// of its own.
const drop = "\x00"

// ot1 is TeX's OT1 text encoding (Computer Modern Roman, Bold, Italic, Sans
// and Slanted) where it differs from ASCII.
var ot1 = func() *[256]string {
	var t [256]string
	greek := []string{"Γ", "Δ", "Θ", "Λ", "Ξ", "Π", "Σ", "Υ", "Φ", "Ψ", "Ω"}
	copy(t[0x00:], greek)
	copy(t[0x0B:], []string{"ff", "fi", "fl", "ffi", "ffl", "ı", "ȷ"})
	for c := 0x12; c <= 0x18; c++ {
		t[c] = drop
	}
	copy(t[0x19:], []string{"ß", "æ", "œ", "ø", "Æ", "Œ", "Ø"})
	t[0x20] = drop
	t['"'], t['\''], t['<'], t['>'] = "”", "’", "¡", "¿"
	t['\\'], t['^'], t['_'], t['`'] = "“", drop, drop, "‘"
	t['{'], t['|'], t['}'], t['~'], t[0x7F] = "–", "—", drop, drop, drop
	return &t
}()

// t1 is TeX's T1 (Cork) text encoding, used by the EC and cm-super fonts,
// where it differs from ASCII and Latin-1.
var t1 = func() *[256]string {
	var t [256]string
	for c := 0x00; c <= 0x0C; c++ {
		t[c] = drop
	}
	copy(t[0x0D:], []string{"‚", "‹", "›", "“", "”", "„", "«", "»", "–", "—", drop,
		drop, "ı", "ȷ", "ff", "fi", "fl", "ffi", "ffl", drop})
	t['\''], t['`'], t[0x7F] = "’", "‘", "-"
	for c := 0xC0; c <= 0xFF; c++ {
		t[c] = string(rune(c))
	}
	t[0xD7], t[0xDF], t[0xF7], t[0xFF] = "Œ", "SS", "œ", "ß"
	return &t
}()

// texEncoding returns the TeX encoding of a font without a Unicode map,
// judged by its base font name, or nil for fonts that are not TeX's.
func texEncoding(baseFont string) *[256]string {
	if i := strings.IndexByte(baseFont, '+'); i >= 0 {
		baseFont = baseFont[i+1:]
	}
	for _, p := range []string{"CMTT", "CMMI", "CMSY", "CMEX", "SFTT", "ECTT"} {
		if strings.HasPrefix(baseFont, p) {
			return nil
		}
	}
	switch {
	case strings.HasPrefix(baseFont, "CM"):
		return ot1
	case strings.HasPrefix(baseFont, "SF"), strings.HasPrefix(baseFont, "EC"):
		return t1
	}
	return nil
}

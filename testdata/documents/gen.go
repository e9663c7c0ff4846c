//go:build ignore

// gen writes the small bad PDF documents in this directory. Run it with
// "go run gen.go" from here.
package main

import (
	"bytes"
	"fmt"
	"os"
)

func main() {
	page := "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 72 72] /Contents 4 0 R " +
		"/Resources << /XObject << /Im1 5 0 R >> >> >>"
	draw := "q 72 0 0 72 0 0 cm /Im1 Do Q"
	image := "<< /Type /XObject /Subtype /Image /Width 1 /Height 1 " +
		"/ColorSpace /DeviceGray /BitsPerComponent 8 /Length 1 >>\nstream\n\x80\nendstream"
	write("image-only.pdf", []string{
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		page,
		fmt.Sprintf("<< /Length %d >>\nstream\n%s\nendstream", len(draw), draw),
		image,
	}, "")

	// The O and U entries do not match the empty password, so a reader
	// needs the (unknown) user password.
	enc := "<< /Filter /Standard /V 1 /R 2 /Length 40 /P -4 " +
		"/O <" + hex32('a') + "> /U <" + hex32('b') + "> >>"
	write("encrypted.pdf", []string{
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 72 72] >>",
		enc,
	}, "/Encrypt 4 0 R /ID [<0123456789abcdef0123456789abcdef> <0123456789abcdef0123456789abcdef>]")
}

func hex32(c byte) string {
	return string(bytes.Repeat([]byte{c, c}, 32))
}

func write(name string, objects []string, trailer string) {
	var b bytes.Buffer
	b.WriteString("%PDF-1.4\n")
	offsets := make([]int, len(objects))
	for i, o := range objects {
		offsets[i] = b.Len()
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", i+1, o)
	}
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(objects)+1)
	for _, off := range offsets {
		fmt.Fprintf(&b, "%010d 00000 n \n", off)
	}
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root 1 0 R %s >>\nstartxref\n%d\n%%%%EOF\n",
		len(objects)+1, trailer, xref)
	if err := os.WriteFile(name, b.Bytes(), 0o644); err != nil {
		panic(err)
	}
}

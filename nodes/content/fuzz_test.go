package content

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func FuzzParse(f *testing.F) {
	f.Add([]byte("# T\n\n```\n# x\n```\n:::: d\n[a](b) **c** <!-- d"), "a.md")
	f.Add([]byte("<!DOCTYPE html><h1>T</h1><pre>x</pre><script>y</script>"), "a.html")
	f.Add([]byte("---\ntitle: x\n---\n- **t**: d\n"), "a.md")
	f.Add([]byte("TITLE\n\nbody text."), "a.txt")
	f.Add([]byte("%PDF-1.4\n1 0 obj\n<<>>\nendobj\n%%EOF"), "a.pdf")
	f.Fuzz(func(t *testing.T, data []byte, name string) {
		doc, err := Parse(data, name, Options{MaxBytes: 1 << 16})
		if err != nil {
			return
		}
		if !utf8.ValidString(doc.Text) && doc.Format != PDF {
			t.Fatalf("text is not UTF-8: %q", doc.Text)
		}
		for _, c := range Split(doc, 40) {
			if strings.TrimSpace(c.Text) == "" {
				t.Fatalf("empty chunk from %q", data)
			}
		}
	})
}

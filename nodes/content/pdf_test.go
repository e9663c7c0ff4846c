package content

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// distinctiveWords returns the lowercase words of at least seven letters in
// text, each once.
func distinctiveWords(text string) map[string]bool {
	out := map[string]bool{}
	for _, w := range strings.FieldsFunc(strings.ToLower(text), func(r rune) bool {
		return !unicode.IsLetter(r)
	}) {
		if len(w) >= 7 {
			out[w] = true
		}
	}
	return out
}

func TestPDFTextMatchesItsMarkdownSource(t *testing.T) {
	source, err := os.ReadFile(filepath.Join("testdata",
		"cs_good-enough-practices-scientific-computing.index.md"))
	require.NoError(t, err)
	doc := loadExample(t, "cs_good-enough-practices-scientific-computing.pdf")

	want := distinctiveWords(string(source))
	got := distinctiveWords(doc.Text)
	found := 0
	for w := range want {
		if got[w] {
			found++
		}
	}
	share := float64(found) / float64(len(want))
	assert.Greater(t, share, 0.85, "found %d of %d distinctive words", found, len(want))

	t.Run("words are separated and ligatures and quotes decoded", func(t *testing.T) {
		for _, s := range []string{
			"We present a set of computing tools and techniques",
			"the “good enough” practices",
			"first, accessible skills",
		} {
			assert.Contains(t, doc.Text, s)
		}
	})
	t.Run("line numbers, footnote marks and running footers are dropped", func(t *testing.T) {
		assert.Contains(t, doc.Text, "Greg Wilson, Jennifer Bryan,")
		assert.NotRegexp(t, `PLOS \d+/\d+`, doc.Text)
		assert.NotContains(t, doc.Text, "practices - the “good 8 enough”")
	})
	t.Run("section titles become headings", func(t *testing.T) {
		assert.Contains(t, doc.Text, "\n# 1 Data Management\n")
		assert.Contains(t, doc.Text, "\n## Manual Versioning\n")
	})
}

func TestHyphenatedLinesRejoin(t *testing.T) {
	tests := []struct {
		name  string
		lines []string
		want  string
	}{
		{"a word broken at a line end is rejoined", []string{"compu-", "tation is"},
			"computation is"},
		{"a hyphen before a capital stays", []string{"Data-", "Carpentry"}, "Data- Carpentry"},
		{"lines without hyphens join with a space", []string{"one", "two"}, "one two"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, joinHyphenated(tt.lines))
		})
	}
}

func TestDamagedPDFsSayWhatIsWrong(t *testing.T) {
	tests := []struct {
		name    string
		data    string
		want    string
		without string
	}{
		{"a PDF cut short names the missing end marker in words",
			"%PDF-1.4\n" + strings.Repeat("% padding\n", 12), "the PDF is cut short", "%%"},
		{"a PDF with a broken cross-reference table is called damaged",
			"%PDF-1.4\n" + strings.Repeat("% padding\n", 12) + "startxref\n9\n%%EOF\n",
			"cannot be opened", "cut short"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := pdfText([]byte(tt.data), "broken.pdf")
			require.ErrorIs(t, err, ErrMalformed)
			assert.Contains(t, err.Error(), tt.want)
			assert.NotContains(t, err.Error(), tt.without)
			assert.True(t, strings.HasPrefix(err.Error(), "broken.pdf: "), err.Error())
		})
	}
}

package content

import (
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// wordSoup returns n words picked at random from a short list, on one
// line, with no mark that ends a sentence: text that chunks well and
// reads as nothing.
func wordSoup(n int, seed uint64) string {
	words := strings.Fields("state congress power law court vote house senate " +
		"president treaty tax trade war peace union people right citizen")
	r := rand.New(rand.NewPCG(seed, 1))
	var b strings.Builder
	for i := range n {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(words[r.IntN(len(words))])
	}
	return b.String()
}

func TestCheckProseRefusesTextWithoutSentences(t *testing.T) {
	tests := []struct {
		name string
		text string
		ok   bool
	}{
		{"one short sentence is enough", "# Menu\n\n- Home\n- News\n\nMail us.", true},
		{"a question counts as a sentence", "Why does the cell need a membrane?", true},
		{"a sentence inside quotes counts", `"The nucleus holds the DNA."`, true},
		{"a sentence may start with a number", "46 chromosomes are found in a human cell.", true},
		{"text in a script without capitals counts", "细胞是生命的基本单位。", true},
		{"word soup has none", wordSoup(5000, 1), false},
		{"word soup with full stops but no capitals has none",
			strings.ReplaceAll(wordSoup(5000, 2), "tax ", "tax. "), false},
		{"a run of words too long for a sentence is none", wordSoup(400, 3) + ".", false},
		{"headings and list items without full stops are none",
			"# Contents\n\n## Cells\n\n- Nucleus\n- Ribosomes", false},
		{"code is not prose", "```\nx = compute(a, b).\nprint(x)!\n```", false},
		{"marks alone are none", "... !!! ???", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := CheckProse(&Document{Path: "doc.md", Text: tt.text})
			if tt.ok {
				assert.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, ErrNoSentences)
			assert.Contains(t, err.Error(), "doc.md: the document has no sentences")
			assert.Contains(t, err.Error(), "whole sentences")
		})
	}
	for _, ex := range examples {
		t.Run(ex.file+" has sentences", func(t *testing.T) {
			assert.NoError(t, CheckProse(loadExample(t, ex.file)))
		})
	}
}

// A paragraph of millions of words is split in time proportional to its
// length; BenchmarkSplitALongParagraph measures it.
func TestSplitCutsALongParagraphWithinTheBudget(t *testing.T) {
	doc := &Document{Path: "soup.txt", Text: wordSoup(200_000, 4)}
	chunks := Split(doc, 0)
	require.NotEmpty(t, chunks)
	words := 0
	for _, c := range chunks {
		assert.LessOrEqual(t, c.Tokens, DefaultBudget)
		words += len(strings.Fields(c.Text))
	}
	assert.Equal(t, 200_000, words, "no word is lost")
}

func BenchmarkSplitALongParagraph(b *testing.B) {
	doc := &Document{Path: "soup.txt", Text: wordSoup(200_000, 4)}
	for b.Loop() {
		Split(doc, 0)
	}
}

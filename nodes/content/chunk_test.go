package content

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestSplitFollowsHeadingsAndBudget(t *testing.T) {
	for _, ex := range examples {
		t.Run(ex.file+" chunks stay in budget and in their section", func(t *testing.T) {
			doc := loadExample(t, ex.file)
			const budget = 200
			chunks := Split(doc, budget)
			section := sectionLevel(parseBlocks(doc.Text))
			for _, c := range chunks {
				if c.Tokens > budget {
					// Only a single sentence or code line may exceed it.
					assert.Len(t, Sentences(c.Text), 1, "chunk %d: %q", c.Index, c.Text)
				}
				blocks := parseBlocks(c.Text)
				for i, b := range blocks {
					if b.kind == headingBlock && b.level <= section {
						assert.Zero(t, i, "chunk %d crosses a section heading", c.Index)
					}
				}
				last := blocks[len(blocks)-1]
				assert.NotEqual(t, headingBlock, last.kind, "chunk %d ends in a heading", c.Index)
			}
		})
	}
}

func TestSplitKeepsEveryParagraph(t *testing.T) {
	doc := loadExample(t, "biology_openstax-biology-2e_4-3-eukaryotic-cells.md")
	var joined []string
	for _, c := range Split(doc, 120) {
		joined = append(joined, c.Text)
	}
	assert.Equal(t, strings.Fields(doc.Text), strings.Fields(strings.Join(joined, " ")))
}

func TestChunkIDsAreStable(t *testing.T) {
	a := Split(loadExample(t, "civics_us-constitution.txt"), 0)
	b := Split(loadExample(t, "civics_us-constitution.txt"), 0)
	require.Equal(t, a, b)

	t.Run("ids are unique within a document", func(t *testing.T) {
		seen := map[string]bool{}
		for _, c := range a {
			assert.False(t, seen[c.ID], c.ID)
			seen[c.ID] = true
		}
	})
	t.Run("the directory does not change the ids", func(t *testing.T) {
		doc := loadExample(t, "civics_us-constitution.txt")
		doc.Path = "/elsewhere/civics_us-constitution.txt"
		assert.Equal(t, a[3].ID, Split(doc, 0)[3].ID)
	})
	t.Run("repeated text gets distinct ids", func(t *testing.T) {
		doc := &Document{Path: "r.txt", Text: "# A\n\nSame text.\n\n# A\n\nSame text."}
		c := Split(doc, 0)
		require.Len(t, c, 2)
		assert.NotEqual(t, c[0].ID, c[1].ID)
	})
}

func TestSplitCutsAnOversizedParagraphAtSentences(t *testing.T) {
	para := strings.Repeat("This sentence has exactly seven words. ", 40)
	doc := &Document{Path: "long.txt", Text: "# Long\n\n" + para}
	chunks := Split(doc, 50)
	require.Greater(t, len(chunks), 5)
	for _, c := range chunks {
		assert.LessOrEqual(t, c.Tokens, 50)
		assert.True(t, strings.HasSuffix(c.Text, "words."), c.Text)
		assert.Equal(t, "Long", c.Heading)
	}
	assert.True(t, strings.HasPrefix(chunks[0].Text, "# Long\n\n"))
}

func TestSplitChunk(t *testing.T) {
	doc := loadExample(t, "physics_openstax-college-physics-2e_ch04-newtons-laws.md")
	c := Split(doc, 0)[3]
	tests := []struct {
		name  string
		parts int
		want  int
	}{
		{"one part returns the chunk itself", 1, 1},
		{"two parts halve it", 2, 2},
		{"three parts give three chunks", 3, 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := SplitChunk(c, tt.parts)
			require.Len(t, got, tt.want)
			if tt.parts == 1 {
				assert.Equal(t, c, got[0])
				return
			}
			var words []string
			for i, p := range got {
				assert.Equal(t, c.ID+"."+string(rune('1'+i)), p.ID)
				assert.Equal(t, c.Index, p.Index)
				assert.Less(t, p.Tokens, c.Tokens)
				words = append(words, strings.Fields(p.Text)...)
			}
			assert.Equal(t, strings.Fields(c.Text), words)
			assert.Equal(t, got, SplitChunk(c, tt.parts), "the split is deterministic")
		})
	}
	t.Run("a single word cannot be cut", func(t *testing.T) {
		one := Chunk{ID: "x", Text: "word", Tokens: 1}
		assert.Equal(t, []Chunk{one}, SplitChunk(one, 4))
	})
}

func TestChunkJSONFieldNames(t *testing.T) {
	data, err := json.Marshal(Chunk{ID: "a", Index: 1, Heading: "h", Text: "t", Tokens: 2})
	require.NoError(t, err)
	assert.JSONEq(t, `{"id":"a","index":1,"heading":"h","text":"t","tokens":2}`, string(data))
}

func TestEstimateTokens(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want int
	}{
		{"empty text has no tokens", "", 0},
		{"prose counts four characters a token", "abcdefghijklmnop", 4},
		{"short words count at least one token each", "a b c d e", 5},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, EstimateTokens(tt.in))
		})
	}
}

func TestSentences(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []string
	}{
		{"sentences split at terminal punctuation",
			"One is here. Two? Three!", []string{"One is here.", "Two?", "Three!"}},
		{"abbreviations and initials do not end a sentence",
			"Use e.g. Git. Tracy K. Teal wrote it.", []string{"Use e.g. Git.", "Tracy K. Teal wrote it."}},
		{"closing quotes stay with their sentence",
			`He said “stop.” Then left.`, []string{"He said “stop.”", "Then left."}},
		{"a lowercase continuation does not split", "It costs 3.5 dollars. ok then",
			[]string{"It costs 3.5 dollars. ok then"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, Sentences(tt.in))
		})
	}
}

func TestKeyTerms(t *testing.T) {
	bio := loadExample(t, "biology_openstax-biology-2e_4-3-eukaryotic-cells.md")
	terms := KeyTerms(bio, 30)
	require.Len(t, terms, 30)
	assert.Equal(t, "cell wall", terms[0], "the glossary comes first")
	assert.Contains(t, KeyTerms(bio, 0), "endoplasmic reticulum")

	civics := KeyTerms(loadExample(t, "civics_us-constitution.txt"), 10)
	assert.Contains(t, civics, "House of Representatives")
	assert.Contains(t, civics, "Senate")
	assert.NotContains(t, civics, "SECTION")

	assert.Len(t, KeyTerms(bio, 0), len(KeyTerms(bio, -1)))
}

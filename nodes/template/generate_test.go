package template

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/graphrun/graphrun/nodes/content"
	"github.com/graphrun/graphrun/nodes/mcq"
)

var exampleFiles = []string{
	"biology_openstax-biology-2e_4-3-eukaryotic-cells.md",
	"physics_openstax-college-physics-2e_ch04-newtons-laws.md",
	"cs_swcarpentry-shell-novice_04-pipefilter.md",
	"civics_us-constitution.txt",
	"cs_good-enough-practices-scientific-computing.pdf",
	"cs_sicp-1.1-elements-of-programming.xhtml",
}

type example struct {
	doc    *content.Document
	chunks []content.Chunk
	terms  []string
}

func loadExample(t testing.TB, file string) example {
	t.Helper()
	doc, err := content.Load(filepath.Join("..", "..", "examples", file), content.Options{})
	require.NoError(t, err)
	return example{doc: doc, chunks: content.Split(doc, 0), terms: content.KeyTerms(doc, 60)}
}

// checkStrict applies the strict rules every template question must meet.
func checkStrict(t *testing.T, q mcq.Question, c content.Chunk) {
	t.Helper()
	require.NoError(t, mcq.Validate(q, c.Text))
	require.Len(t, q.Options, 4)
	require.True(t, q.Answer >= 0 && q.Answer < 4)
	seen := map[string]bool{}
	for _, o := range q.Options {
		assert.Greater(t, len([]rune(strings.TrimSpace(o))), 1, "option %q", o)
		f := strings.ToLower(strings.TrimSpace(o))
		assert.False(t, seen[f], "duplicate option %q", o)
		seen[f] = true
		assert.NotContains(t, f, "of the above")
	}
	assert.GreaterOrEqual(t, len(strings.Fields(q.Stem)), 8)
	assert.Equal(t, 1, strings.Count(q.Stem, Blank))

	// The correct term fills the blank to give back the quoted sentence,
	// or a piece of it marked by ellipses, and the sentence is in the
	// chunk; no distractor occurs in it.
	sentence := strings.TrimPrefix(q.Stem, stemPrefix)
	i := strings.Index(sentence, Blank)
	original := quoted(t, q.Explanation)
	correct := q.Options[q.Answer]
	filled := sentence[:i] + correct + sentence[i+len(Blank):]
	piece := strings.TrimSuffix(strings.TrimPrefix(filled, Ellipsis+" "), " "+Ellipsis)
	if piece == filled {
		require.True(t, strings.EqualFold(filled, original), "%q vs %q", sentence, original)
	} else {
		require.Contains(t, strings.ToLower(original), strings.ToLower(piece))
	}
	assert.Contains(t, strings.Join(strings.Fields(c.Text), " "), original)
	for k, o := range q.Options {
		if k != q.Answer {
			_, _, found := findWord(original, o)
			assert.False(t, found, "distractor %q occurs in %q", o, original)
		}
	}
	assert.Equal(t, mcq.Source{Generator: "template", Chunk: c.ID}, q.Source)
	assert.Equal(t, mcq.QuestionID(q), q.ID)
}

func quoted(t *testing.T, explanation string) string {
	t.Helper()
	const prefix = "The text says: "
	require.True(t, strings.HasPrefix(explanation, prefix))
	s := strings.TrimPrefix(explanation, prefix)
	require.True(t, len(s) >= 2 && s[0] == '"' && s[len(s)-1] == '"')
	var out strings.Builder
	for i := 1; i < len(s)-1; i++ {
		if s[i] == '\\' && i+1 < len(s)-1 {
			i++
		}
		out.WriteByte(s[i])
	}
	return out.String()
}

func TestGenerateOnEveryExample(t *testing.T) {
	for _, file := range exampleFiles {
		t.Run(file+" gives at least ten valid questions", func(t *testing.T) {
			ex := loadExample(t, file)
			total := 0
			for _, c := range ex.chunks {
				qs, err := Generate(c, ex.terms, 3, 7)
				require.NoError(t, err)
				assert.LessOrEqual(t, len(qs), 3)
				answers := map[string]bool{}
				for _, q := range qs {
					checkStrict(t, q, c)
					a := strings.ToLower(q.Options[q.Answer])
					assert.False(t, answers[a], "answer %q used twice in a chunk", a)
					answers[a] = true
				}
				total += len(qs)
			}
			assert.GreaterOrEqual(t, total, 10)
		})
	}
}

func TestGenerateIsDeterministic(t *testing.T) {
	ex := loadExample(t, exampleFiles[0])
	c := ex.chunks[3]
	a, err := Generate(c, ex.terms, 3, 42)
	require.NoError(t, err)
	require.NotEmpty(t, a)
	b, err := Generate(c, ex.terms, 3, 42)
	require.NoError(t, err)
	assert.Equal(t, a, b)

	t.Run("seeds move the answer around", func(t *testing.T) {
		positions := map[int]bool{}
		for seed := int64(0); seed < 20; seed++ {
			qs, err := Generate(c, ex.terms, 1, seed)
			require.NoError(t, err)
			require.Len(t, qs, 1)
			positions[qs[0].Answer] = true
		}
		assert.Len(t, positions, 4)
	})
}

func TestGlossaryTermsServeAsDistractors(t *testing.T) {
	ex := loadExample(t, exampleFiles[0])
	glossary := map[string]bool{}
	for _, g := range ex.doc.Glossary {
		glossary[g.Term] = true
	}
	used := 0
	for _, c := range ex.chunks {
		qs, err := Generate(c, ex.terms, 3, 1)
		require.NoError(t, err)
		for _, q := range qs {
			for k, o := range q.Options {
				if k != q.Answer && glossary[o] {
					used++
				}
			}
		}
	}
	assert.Greater(t, used, 10)
}

func TestGenerateWithLittleMaterial(t *testing.T) {
	tests := []struct {
		name  string
		text  string
		terms []string
	}{
		{"an empty chunk gives no questions", "", []string{"cell", "nucleus"}},
		{"a heading and code give no questions", "# Title\n\n```\nls -l files here now\n```", nil},
		{"short sentences give no questions", "Cells divide. Nuclei hold DNA.", []string{"DNA"}},
		{"too few distractors give no questions",
			"The nucleus holds the genetic material of every cell we know.", []string{"nucleus"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			qs, err := Generate(content.Chunk{ID: "c", Text: tt.text}, tt.terms, 3, 1)
			require.NoError(t, err)
			assert.Empty(t, qs)
		})
	}
}

func TestGenerateFallsBackToTheChunksOwnWords(t *testing.T) {
	text := "The Senate shall have the sole Power to try all Impeachments of Officers. " +
		"When the President of the United States is tried, the Chief Justice shall preside. " +
		"Judgment in Cases of Impeachment shall not extend further than removal from Office."
	c := content.Chunk{ID: "c", Text: text}
	qs, err := Generate(c, []string{"Senate"}, 2, 3)
	require.NoError(t, err)
	require.NotEmpty(t, qs)
	for _, q := range qs {
		checkStrict(t, q, c)
	}
}

func TestGenerateUsesLongSentencesPieceByPiece(t *testing.T) {
	tests := []struct {
		name    string
		text    string
		terms   []string
		answer  string
		inStem  string // a piece of the sentence the stem must hold
		ellipse bool   // whether the stem is cut from a longer sentence
	}{
		{"a sentence of ninety words gives a question from a clause",
			"The Congress, whenever two thirds of both Houses shall deem it necessary, shall " +
				"propose Amendments to this Constitution, or, on the Application of the " +
				"Legislatures of two thirds of the several States, shall call a Convention for " +
				"proposing Amendments, which, in either Case, shall be valid to all Intents and " +
				"Purposes, as Part of this Constitution, when ratified by the Legislatures of " +
				"three fourths of the several States, or by Conventions in three fourths " +
				"thereof, as the one or the other Mode of Ratification may be proposed by the " +
				"Congress; Provided that no Amendment shall in any Manner affect the first and " +
				"fourth Clauses in the Ninth Section of the first Article.",
			[]string{"Legislatures", "Senate", "Treasury", "Militia", "Tribunals"},
			"Legislatures", "The Congress, whenever two thirds", true},
		{"an item of a legal list ending in a semicolon is a sentence",
			"To establish an uniform Rule of Naturalization, and uniform Laws on the subject " +
				"of Bankruptcies throughout the United States;",
			[]string{"Naturalization", "Tribunals", "Piracies", "Felonies"},
			"Naturalization", "To establish an uniform Rule of _____,", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := content.Chunk{ID: "c", Text: tt.text}
			qs, err := Generate(c, tt.terms, 1, 1)
			require.NoError(t, err)
			require.Len(t, qs, 1)
			checkStrict(t, qs[0], c)
			assert.Equal(t, tt.answer, qs[0].Options[qs[0].Answer])
			assert.Contains(t, qs[0].Stem, tt.inStem)
			assert.Equal(t, tt.ellipse, strings.Contains(qs[0].Stem, Ellipsis), qs[0].Stem)
		})
	}
}

func TestGenerateSkipsAttributionNotes(t *testing.T) {
	notes := []string{
		"Source: OpenStax, Biology 2e, licensed under CC BY 4.0 by the authors of the book.",
		"This chapter of the cell biology book is licensed CC BY 4.0 at that commit.",
		"Access for free at openstax.org/books/biology-2e/pages/4-3-eukaryotic-cells today.",
		"Copyright 2024 the cell biology authors, with every right of the nucleus reserved.",
	}
	terms := []string{"cell", "biology", "nucleus", "book", "chapter", "authors"}
	for _, note := range notes {
		t.Run(note, func(t *testing.T) {
			qs, err := Generate(content.Chunk{ID: "c", Text: note}, terms, 2, 1)
			require.NoError(t, err)
			assert.Empty(t, qs)
		})
	}
}

func TestGenerateRejectsInvalidArguments(t *testing.T) {
	for _, n := range []int{0, -1} {
		_, err := Generate(content.Chunk{Text: "x"}, nil, n, 1)
		assert.ErrorIs(t, err, ErrInvalidArgument)
	}
}

func BenchmarkGenerate(b *testing.B) {
	ex := loadExample(b, exampleFiles[1])
	for b.Loop() {
		for _, c := range ex.chunks {
			if _, err := Generate(c, ex.terms, 3, 1); err != nil {
				b.Fatal(err)
			}
		}
	}
}

func TestNotesAboutTheTextMakeNoQuestion(t *testing.T) {
	chunk := content.Chunk{ID: "c1", Text: "Changes: converted by hand; figures removed. " +
		"The review questions, answer key and glossary of the module are kept at the end.\n\n" +
		"Mitochondria are the organelles that produce most of the cell's ATP through respiration."}
	qs, err := Generate(chunk, []string{"mitochondria", "glossary", "ribosomes", "nucleus",
		"chloroplasts"}, 5, 1)
	require.NoError(t, err)
	for _, q := range qs {
		assert.NotContains(t, q.Stem, "answer key", "the note is left out")
	}
}

func TestCourseTextLeavesOutHeadingsAndNotes(t *testing.T) {
	tests := []struct {
		name string
		text string
		want bool
	}{
		{"a paragraph of prose is course text", "# Cells\n\nThe cell membrane holds the cell together.", true},
		{"headings alone are not", "# Biology 2e\n\n## Cells", false},
		{"source and changes notes are not",
			"# Biology 2e\n\nSource: OpenStax, Biology 2e; licensed CC BY 4.0.\n\nChanges: converted by hand.", false},
		{"a note beside prose leaves the prose", "Note: see the figure.\n\nMitochondria make energy.", true},
		{"an empty text is not", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, CourseText(tt.text))
		})
	}
}

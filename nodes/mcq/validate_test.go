package mcq_test

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/graphrun/graphrun/nodes/mcq"
)

func atp() mcq.Question {
	return mcq.Question{
		Stem:    "Which organelle makes most of a cell's ATP?",
		Options: []string{"Mitochondrion", "Ribosome", "Golgi apparatus", "Lysosome"},
		Answer:  0,
	}
}

func with(change func(q *mcq.Question)) mcq.Question {
	q := atp()
	change(&q)
	return q
}

func TestValidateStructuralRules(t *testing.T) {
	tests := []struct {
		name string
		q    mcq.Question
		want error
	}{
		{"a well-formed question passes", atp(), nil},
		{"a stem in a script without spaces passes",
			with(func(q *mcq.Question) { q.Stem = "细胞中哪种细胞器产生大部分能量？" }), nil},
		{"a short stem that names its topic passes",
			with(func(q *mcq.Question) { q.Stem = "Define osmosis." }), nil},
		{"vitamin letters as options pass",
			with(func(q *mcq.Question) {
				q.Stem = "Which vitamin deficiency causes scurvy?"
				q.Options = []string{"A", "B", "C", "D"}
			}), nil},
		{"an empty stem fails", with(func(q *mcq.Question) { q.Stem = "  " }), mcq.ErrEmptyStem},
		{"a stem like which one fails",
			with(func(q *mcq.Question) { q.Stem = "Which one?" }), mcq.ErrShortStem},
		{"three options fail",
			with(func(q *mcq.Question) { q.Options = q.Options[:3] }), mcq.ErrOptionCount},
		{"five options fail",
			with(func(q *mcq.Question) { q.Options = append(q.Options, "Nucleus") }),
			mcq.ErrOptionCount},
		{"a blank option fails",
			with(func(q *mcq.Question) { q.Options[2] = " " }), mcq.ErrEmptyOption},
		{"options equal after case folding fail",
			with(func(q *mcq.Question) { q.Options[1] = " mitochondrion" }),
			mcq.ErrDuplicateOption},
		{"options equal after collapsing spaces fail",
			with(func(q *mcq.Question) { q.Options[3] = "Golgi   Apparatus" }),
			mcq.ErrDuplicateOption},
		{"an answer past the options fails",
			with(func(q *mcq.Question) { q.Answer = 4 }), mcq.ErrAnswerRange},
		{"a negative answer fails",
			with(func(q *mcq.Question) { q.Answer = -1 }), mcq.ErrAnswerRange},
		{"a line break in the stem fails",
			with(func(q *mcq.Question) { q.Stem = "Which organelle\nmakes ATP?" }),
			mcq.ErrControlChar},
		{"a form feed in an option fails",
			with(func(q *mcq.Question) { q.Options[0] = "\frac" }), mcq.ErrControlChar},
		{"a tab in the explanation fails",
			with(func(q *mcq.Question) { q.Explanation = "a\tb" }), mcq.ErrControlChar},
		{"an option reading Option 1 fails",
			with(func(q *mcq.Question) { q.Options[3] = "Option 4" }),
			mcq.ErrPlaceholderOptions},
		{"an ellipsis option fails",
			with(func(q *mcq.Question) { q.Options[3] = "..." }), mcq.ErrPlaceholderOptions},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := mcq.Validate(tt.q, "")
			if tt.want == nil {
				assert.NoError(t, err)
				return
			}
			assert.ErrorIs(t, err, tt.want)
		})
	}
}

func TestValidateRefusesCatchAllOptions(t *testing.T) {
	for _, opt := range []string{
		"All of the above", "none of the above.", "All of these", "None of these",
		"Both A and B", "both (a) and (c)", "Neither A nor B", "A and B", "A, B and C",
		"A and C only", "Both options 1 and 2", "All the above", "Both", "Neither",
		"All answers are correct",
	} {
		t.Run("the option "+opt+" fails", func(t *testing.T) {
			q := with(func(q *mcq.Question) { q.Options[3] = opt })
			assert.ErrorIs(t, mcq.Validate(q, ""), mcq.ErrCatchAllOption)
		})
	}
	for _, opt := range []string{
		"All organelles", "None", "Both kidneys", "1 and 2", "A and B blood types mixed",
		"Vitamin A and vitamin B",
	} {
		t.Run("the option "+opt+" passes", func(t *testing.T) {
			q := with(func(q *mcq.Question) { q.Options[3] = opt })
			assert.NoError(t, mcq.Validate(q, ""))
		})
	}
}

func TestValidateReportsEveryFault(t *testing.T) {
	q := mcq.Question{Stem: "Which one?", Options: []string{"x", "X", "All of the above"}}
	err := mcq.Validate(q, "")
	for _, want := range []error{
		mcq.ErrShortStem, mcq.ErrOptionCount, mcq.ErrDuplicateOption, mcq.ErrCatchAllOption,
	} {
		assert.True(t, errors.Is(err, want), "want %v in %v", want, err)
	}
}

const cellPassage = `Cells contain organelles, small structures with their own jobs.
The mitochondria produce most of the ATP a cell uses, which is why they are
called the powerhouse of the cell. Ribosomes build proteins, and the Golgi
apparatus packages them. The nucleus holds the cell's DNA.`

func TestValidateChecksGrounding(t *testing.T) {
	tests := []struct {
		name     string
		q        mcq.Question
		grounded bool
	}{
		{"a question rephrasing the passage passes", atp(), true},
		{"a question about another part of the passage passes", mcq.Question{
			Stem:    "What do ribosomes build?",
			Options: []string{"Proteins", "Lipids", "Sugars", "DNA"},
		}, true},
		{"a question with paraphrased wording passes", mcq.Question{
			Stem:    "Which structure is known as the cell's powerhouse?",
			Options: []string{"Mitochondrion", "Nucleus", "Ribosome", "Vacuole"},
		}, true},
		{"an unrelated question fails", mcq.Question{
			Stem:    "What is the capital of France?",
			Options: []string{"Paris", "Lyon", "Nice", "Lille"},
		}, false},
		{"an unrelated question sharing one word fails", mcq.Question{
			Stem:    "Which company sold the first cell phone in 1983?",
			Options: []string{"Motorola", "Nokia", "Ericsson", "Siemens"},
		}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.grounded, mcq.Grounded(tt.q, cellPassage))
			err := mcq.Validate(tt.q, cellPassage)
			if tt.grounded {
				assert.NoError(t, err)
			} else {
				assert.ErrorIs(t, err, mcq.ErrNotGrounded)
			}
		})
	}
}

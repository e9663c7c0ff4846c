package mcq_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/graphrun/graphrun/nodes/mcq"
)

func TestQuestionID(t *testing.T) {
	base := mcq.QuestionID(atp())
	t.Run("it is the same for shuffled options and another case", func(t *testing.T) {
		q := with(func(q *mcq.Question) {
			q.Stem = "  which organelle makes most of a CELL'S atp? "
			q.Options = []string{"lysosome", "Golgi  apparatus", "Ribosome", "Mitochondrion"}
			q.Answer = 3
			q.Explanation = "another explanation"
		})
		assert.Equal(t, base, mcq.QuestionID(q))
	})
	t.Run("it changes with the stem", func(t *testing.T) {
		q := with(func(q *mcq.Question) { q.Stem = "Which organelle makes proteins?" })
		assert.NotEqual(t, base, mcq.QuestionID(q))
	})
	t.Run("it changes with an option", func(t *testing.T) {
		q := with(func(q *mcq.Question) { q.Options[3] = "Nucleus" })
		assert.NotEqual(t, base, mcq.QuestionID(q))
	})
	t.Run("it is hexadecimal of fixed length", func(t *testing.T) {
		assert.Regexp(t, `^[0-9a-f]{24}$`, base)
	})
}

func TestNearDuplicate(t *testing.T) {
	tests := []struct {
		name string
		b    mcq.Question
		want bool
	}{
		{"the same question is a duplicate", atp(), true},
		{"a reworded stem with the same answer is a duplicate", with(func(q *mcq.Question) {
			q.Stem = "Which organelle produces most of the ATP in a cell?"
		}), true},
		{"the same stem with other options is a duplicate", with(func(q *mcq.Question) {
			q.Options = []string{"Mitochondria", "Nucleus", "Vacuole", "Centrosome"}
		}), true},
		{"a question on another fact is not a duplicate", with(func(q *mcq.Question) {
			q.Stem = "Which organelle builds proteins from amino acids?"
			q.Answer = 1
		}), false},
		{"a reworded stem with another answer is not a duplicate", with(func(q *mcq.Question) {
			q.Stem = "Which organelle uses most of a cell's ATP?"
			q.Answer = 1
		}), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, mcq.NearDuplicate(atp(), tt.b))
			assert.Equal(t, tt.want, mcq.NearDuplicate(tt.b, atp()), "symmetric")
		})
	}
}

func TestDedupeKeepsTheFirstOfEachGroup(t *testing.T) {
	first := atp()
	reworded := with(func(q *mcq.Question) {
		q.Stem = "Which organelle produces most of the ATP in a cell?"
	})
	other := with(func(q *mcq.Question) {
		q.Stem = "Which organelle builds proteins from amino acids?"
		q.Answer = 1
	})
	kept, dropped := mcq.Dedupe([]mcq.Question{first, reworded, other, first})
	assert.Equal(t, []mcq.Question{first, other}, kept)
	assert.Equal(t, []mcq.Question{reworded, first}, dropped)
}

func TestShuffle(t *testing.T) {
	q := atp()
	q.ID = mcq.QuestionID(q)
	t.Run("it keeps the correct option marked", func(t *testing.T) {
		for seed := range int64(50) {
			s := mcq.Shuffle(q, seed)
			require.Equal(t, "Mitochondrion", s.Options[s.Answer])
			assert.ElementsMatch(t, q.Options, s.Options)
			assert.Equal(t, q.ID, mcq.QuestionID(s))
		}
	})
	t.Run("it gives the same order for the same seed", func(t *testing.T) {
		assert.Equal(t, mcq.Shuffle(q, 7), mcq.Shuffle(q, 7))
	})
	t.Run("it moves the answer for some seeds", func(t *testing.T) {
		moved := false
		for seed := range int64(20) {
			moved = moved || mcq.Shuffle(q, seed).Answer != 0
		}
		assert.True(t, moved)
	})
	t.Run("it leaves the original alone", func(t *testing.T) {
		_ = mcq.Shuffle(q, 3)
		assert.Equal(t, atp().Options, q.Options)
	})
}
